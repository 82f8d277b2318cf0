"""The shell blocks of the operator documents, and a scratch copy of the project
to run them in (tests/test_docs_executable.py).

A block is a fenced code block whose language is bash, sh, shell, console or
cron. HTML comments on the lines right before its fence say how to run it:

    <!-- doc-test: skip: reason -->   cannot run here (Docker, cron, ...): listed with the reason
    <!-- doc-test: server -->         runs against a live server; localhost:8000 is rewritten to it
    <!-- doc-test: serve -->          the block starts a server: it passes once /healthz answers
    <!-- doc-test: postgres -->       DATABASE_URL names a fresh, empty PostgreSQL database
    <!-- doc-test: expect: TEXT -->   the output must contain TEXT (may repeat)

Every other block runs as it is and must exit 0 (``set -euo pipefail``), in the
virtual environment, as the documents say to work.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx2

from tests.support.server import free_port, wait_healthy

ROOT = Path(__file__).resolve().parents[2]
DOCS = ("README.md", "docs/operations.md", "docs/troubleshooting.md")
SHELL_LANGUAGES = {"bash", "sh", "shell", "console", "cron"}
KINDS = {"skip", "server", "serve", "postgres", "expect"}
MARKER = re.compile(r"^<!--\s*doc-test:\s*([a-z]+)\s*(?::\s*(.*?))?\s*-->\s*$")
FENCE = re.compile(r"^```\s*([\w-]*)\s*$")
# Our environment variables never leak into a block: it sees what an operator's shell would.
PRIVATE_ENV = ("ECOMMERCE_CONFIG", "DATABASE_URL", "STORAGE_BACKEND", "SQLITE_DATABASE", "CSV_DIRECTORY",
               "LOG_FILE", "LOG_LEVEL", "APP_ENV", "APP_WORKERS", "REDIS_URL", "PROMETHEUS_MULTIPROC_DIR",
               "VIRTUAL_ENV", "OPENAI_API_KEY", "LLM_BASE_URL", "LLM_MODEL", "BACKUP_KEEP_DAYS")


@dataclass(frozen=True)
class Block:
    doc: str
    line: int  # of the opening fence, 1-based
    language: str
    text: str
    skip: str | None = None
    server: bool = False
    serve: bool = False
    postgres: bool = False
    expect: tuple[str, ...] = field(default_factory=tuple)

    @property
    def name(self) -> str:
        return f"{self.doc}:{self.line}"


class MarkerError(ValueError):
    pass


def extract(doc: str, root: Path = ROOT) -> list[Block]:
    """The shell blocks of ``doc``, with their markers; a marker that is unknown,
    lacks its text or stands before anything but a shell block is an error."""
    lines = (root / doc).read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    pending: list[tuple[str, str]] = []
    i = 0
    while i < len(lines):
        marker = MARKER.match(lines[i])
        fence = FENCE.match(lines[i])
        if marker:
            kind, value = marker.group(1), (marker.group(2) or "").strip()
            if kind not in KINDS or (kind in ("skip", "expect") and not value):
                raise MarkerError(f"{doc}:{i + 1}: bad doc-test marker: {lines[i]}")
            pending.append((kind, value))
        elif fence:
            end = next((j for j in range(i + 1, len(lines)) if lines[j].startswith("```")), None)
            if end is None:
                raise MarkerError(f"{doc}:{i + 1}: unclosed code block")
            language = fence.group(1).lower()
            if language in SHELL_LANGUAGES:
                blocks.append(_block(doc, i + 1, language, "\n".join(lines[i + 1:end]) + "\n", pending))
            elif pending:
                raise MarkerError(f"{doc}:{i + 1}: doc-test marker before a {language or 'plain'} block")
            pending = []
            i = end
        elif pending and lines[i].strip():
            raise MarkerError(f"{doc}:{i + 1}: doc-test marker not right before a code block")
        i += 1
    return blocks


def _block(doc: str, line: int, language: str, text: str, markers: list[tuple[str, str]]) -> Block:
    kinds = {k for k, _ in markers}
    return Block(doc, line, language, text,
                 skip=next((v for k, v in markers if k == "skip"), None),
                 server="server" in kinds, serve="serve" in kinds, postgres="postgres" in kinds,
                 expect=tuple(v for k, v in markers if k == "expect"))


def all_blocks() -> list[Block]:
    return [b for doc in DOCS for b in extract(doc)]


# -- the scratch project ---------------------------------------------------------------


def make_project(target: Path, *, database: Path, index_dir: Path) -> Path:
    """A copy of the checkout as an operator has it after `make run`: the code, the
    virtual environment (linked, treated as up to date), demo data, the search index
    and the legacy CSV files the migration section reads. Nothing of log/, data/'s
    runtime files or backups/ is copied."""
    shutil.copytree(ROOT, target, symlinks=True, ignore=shutil.ignore_patterns(
        ".venv", ".git", "__pycache__", ".pytest_cache", ".hypothesis", "log", "backups", "processed",
        "*.db", "*.db-*", ".jwt-secret", ".csv-writer.lock", "results"))
    (target / ".venv").symlink_to(ROOT / ".venv")
    stamps = [ROOT / ".venv" / name for name in (".installed-run", ".installed-dev")]
    if all(s.exists() for s in stamps):  # `make run` must not reinstall into the shared environment
        moment = min(s.stat().st_mtime for s in stamps) - 60
        for name in ("pyproject.toml", "requirements.txt"):
            os.utime(target / name, (moment, moment))
    (target / "data").mkdir(exist_ok=True)
    shutil.copy(database, target / "data" / "ecommerce.db")
    shutil.copytree(index_dir, target / "data" / "processed")
    return target


def block_env(port: int, database_url: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in PRIVATE_ENV and not k.startswith("PYTEST")}
    env.update(APP_HOST="127.0.0.1", APP_PORT=str(port), PYTHONWARNINGS="ignore")
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def script(text: str, port: int) -> str:
    """The block as bash runs it: in the virtual environment, stopping at the first error."""
    text = text.replace("localhost:8000", f"127.0.0.1:{port}").replace("127.0.0.1:8000", f"127.0.0.1:{port}")
    return f"source .venv/bin/activate\nset -euo pipefail\n{text}"


def run_block(project: Path, text: str, env: dict[str, str], port: int,
              timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-c", script(text, port)], cwd=project, env=env, capture_output=True,
                          text=True, timeout=timeout)


class Serving:
    """A server started by a block (or by us): its own process group, stopped with it."""

    def __init__(self, project: Path, text: str, env: dict[str, str], port: int) -> None:
        self.port = port
        self.output = project / "log" / f"doc-test-server-{port}.out"
        self.output.parent.mkdir(exist_ok=True)
        with open(self.output, "w", encoding="utf-8") as out:
            self.proc = subprocess.Popen(["bash", "-c", script(text, port)], cwd=project, env=env,
                                         stdout=out, stderr=subprocess.STDOUT, start_new_session=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_ready(self, deadline: float = 240) -> None:
        wait_healthy(self.proc, self.base, deadline, self.log_tail)

    def log_tail(self) -> str:
        return "\n".join(self.output.read_text(encoding="utf-8", errors="replace").splitlines()[-30:])

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.output.unlink(missing_ok=True)


def start_server(project: Path, env: dict[str, str]) -> Serving:
    port = free_port()
    server = Serving(project, "ecommerce-agent serve --host 127.0.0.1 --port {port}".format(port=port),
                     {**env, "APP_PORT": str(port)}, port)
    server.wait_ready()
    return server
