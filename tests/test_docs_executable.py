"""Executable documentation: every shell block of README.md, docs/operations.md
and docs/troubleshooting.md runs against a scratch copy of the project (demo
data, the search index, a live server on a free loopback port, a fresh
PostgreSQL database) and must do what the document says. A block that cannot
run here carries ``<!-- doc-test: skip: reason -->`` and is reported as skipped
with that reason (pytest's summary, ``-ra``). Markers: tests/support/docblocks.py.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
import sqlalchemy as sa

from ecommerce_agent.storage import open_sqlite
from ecommerce_agent.storage.postgres import postgres_engine
from ecommerce_agent.storage.transfer import export_csv
from tests.support.docblocks import (
    ROOT, Block, MarkerError, Serving, all_blocks, block_env, extract, make_project, run_block, start_server,
)
from tests.support.server import free_port
from tests.support.services import require_postgres

BLOCKS = all_blocks()
# Tools a block may call; missing ones skip the block visibly (fail under REQUIRE_SERVICES=1).
TOOLS = ("promtool", "jq", "curl", "sqlite3", "pg_dump", "pg_restore", "openssl", "make")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory, template_db: Path, search_index: Path) -> Path:
    root = make_project(tmp_path_factory.mktemp("docs") / "ecommerce-agent", database=template_db,
                        index_dir=search_index)
    repo = open_sqlite(root / "data" / "ecommerce.db")
    export_csv(repo, root / "data")  # the legacy CSV files the migration section starts from
    repo.close()
    # A log with real lines of several kinds (the log queries in the documents read it).
    server = start_server(root, block_env(0))
    try:
        httpx2.get(f"{server.base}/health")
        httpx2.post(f"{server.base}/auth/login", json={"email": "demo@example.com", "password": "wrong"})
        httpx2.get(f"{server.base}/orders/ORD-20990101-0001")
    finally:
        server.stop()
    return root


@pytest.fixture(scope="module")
def postgres_database() -> Iterator[str]:
    """A fresh database of its own on the test server, dropped afterwards."""
    url = require_postgres()
    name = f"doctest_{uuid.uuid4().hex[:10]}"
    admin = postgres_engine(url).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _missing_tool(block: Block) -> str | None:
    for tool in TOOLS:
        if re.search(rf"(^|[\s|;(&]){tool}\b", block.text) and shutil.which(tool) is None:
            return tool
    return None


@pytest.mark.parametrize("block", BLOCKS, ids=[b.name for b in BLOCKS])
def test_documented_block(block: Block, request: pytest.FixtureRequest) -> None:
    if block.skip:
        pytest.skip(f"{block.name} (문서에 표시): {block.skip}")
    tool = _missing_tool(block)
    if tool is not None:
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(f"{block.name} needs {tool}, which is not installed")
        pytest.skip(f"{block.name}: {tool} is not installed here")
    project: Path = request.getfixturevalue("project")
    database_url = request.getfixturevalue("postgres_database") if block.postgres else None
    if block.serve:
        port = free_port()
        serving = Serving(project, block.text, block_env(port), port)
        try:
            serving.wait_ready()
            health = httpx2.get(f"{serving.base}/health", timeout=30)
            assert health.status_code == 200 and health.json()["status"] == "healthy", health.text
        finally:
            serving.stop()
        return
    server = start_server(project, block_env(0)) if block.server else None
    try:
        port = server.port if server else free_port()
        result = run_block(project, block.text, block_env(port, database_url), port)
    finally:
        if server is not None:
            server.stop()
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"{block.name} failed ({result.returncode}):\n{block.text}\n{output[-3000:]}"
    for text in block.expect:
        assert text in output, f"{block.name}: expected {text!r} in:\n{output[-3000:]}"


def test_every_block_is_found_and_marked_correctly() -> None:
    """The extraction sees the documents' blocks (not zero), and markers are strict."""
    assert {b.doc for b in BLOCKS} == {"README.md", "docs/operations.md", "docs/troubleshooting.md"}
    assert all(b.skip is None or len(b.skip) > 10 for b in BLOCKS)


def test_a_bad_marker_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "doc.md").write_text("<!-- doc-test: skipp: typo -->\n```bash\nls\n```\n", encoding="utf-8")
    with pytest.raises(MarkerError, match="bad doc-test marker"):
        extract("doc.md", root=tmp_path)
    (tmp_path / "doc.md").write_text("<!-- doc-test: server -->\n```yaml\na: 1\n```\n", encoding="utf-8")
    with pytest.raises(MarkerError, match="before a yaml block"):
        extract("doc.md", root=tmp_path)
    (tmp_path / "doc.md").write_text("<!-- doc-test: skip: Docker가 필요합니다 -->\n```bash\ndocker ps\n```\n"
                                     "```json\n{}\n```\n```bash\nfalse\n```\n", encoding="utf-8")
    first, second = extract("doc.md", root=tmp_path)
    assert first.skip == "Docker가 필요합니다" and first.line == 2 and second.skip is None


def _plain_python() -> str | None:
    """A python on PATH that is not this virtual environment's."""
    venv_bin = str(ROOT / ".venv" / "bin")
    path = os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep)
                           if p and Path(p).resolve() != Path(venv_bin).resolve())
    return shutil.which("python3", path=path) or shutil.which("python", path=path)


def test_guide_scripts_work_with_a_plain_python(project: Path) -> None:
    """`python scripts/05_migrate_to_sqlite.py` as the guide writes it, from a shell that
    never entered the virtual environment: the script re-runs itself under .venv."""
    python = _plain_python()
    if python is None:
        pytest.skip("no python outside the virtual environment on PATH")
    env = {k: v for k, v in block_env(free_port()).items() if k != "VIRTUAL_ENV"}
    env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if ".venv" not in p)
    migrate = subprocess.run([python, "scripts/05_migrate_to_sqlite.py", "--csv-dir", "data/", "--dry-run"],
                             cwd=project, env=env, capture_output=True, text=True, timeout=300)
    assert migrate.returncode == 0, migrate.stderr
    assert "[dry-run] 검증 완료" in migrate.stdout
    index = subprocess.run([python, "scripts/04_build_index.py", "--help"], cwd=project, env=env,
                           capture_output=True, text=True, timeout=300)
    assert index.returncode == 0 and "--only" in index.stdout, index.stderr


def test_without_a_virtual_environment_the_script_says_how_to_make_one(tmp_path: Path) -> None:
    python = _plain_python()
    if python is None:
        pytest.skip("no python outside the virtual environment on PATH")
    if subprocess.run([python, "-c", "import sqlalchemy"], capture_output=True).returncode == 0:
        pytest.skip(f"{python} has the project's dependencies installed: nothing to explain")
    shutil.copytree(ROOT / "scripts", tmp_path / "scripts")
    result = subprocess.run([python, "scripts/04_build_index.py"], cwd=tmp_path, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "make run" in lines[0] and "Traceback" not in result.stderr
