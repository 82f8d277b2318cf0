"""`POST /admin/reload-index` reaches every gunicorn worker, not only the one
that received it: three real workers, a rebuilt index, many /health probes."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import httpx2

from ecommerce_agent.storage import open_sqlite
from tests.support.cli import run_cli
from tests.support.factories import product_row
from tests.support.server import gunicorn, live_server


def _index_states(base: str, probes: int) -> list[tuple[int, int]]:
    """(products, generation) seen by each probe, each on a new connection."""
    states = []
    for _ in range(probes):
        index = httpx2.get(f"{base}/health", timeout=10).json()["components"]["index"]
        states.append((index["products"], index["generation"]))
    return states


def test_a_reload_reaches_every_worker(template_db: Path, search_index: Path, tmp_path: Path) -> None:
    db = tmp_path / "shop.db"
    shutil.copy(template_db, db)
    index_dir = tmp_path / "index"
    shutil.copytree(search_index, index_dir)
    config = tmp_path / "app.yaml"
    config.write_text(f"search:\n  index_dir: {json.dumps(str(index_dir))}\n", encoding="utf-8")
    env = {"ECOMMERCE_CONFIG": str(config), "SQLITE_DATABASE": str(db), "LOG_LEVEL": "WARNING"}
    with live_server(gunicorn("--workers", "3"), env, deadline=120) as base:
        before = set(_index_states(base, 30))
        assert len(before) == 1
        (products, generation), = before

        repo = open_sqlite(db)  # the catalog grows and the operator rebuilds the product index
        repo.load_tables({"products": [product_row("P-RELOAD-1")]})
        repo.close()
        built = run_cli("build-index", "--only", "products", cwd=tmp_path, env=env)
        assert built.returncode == 0, built.stderr
        assert set(_index_states(base, 30)) == before  # nobody reloads before being told

        tokens = httpx2.post(f"{base}/auth/login", json={"email": "agent@example.com",
                                                         "password": "agent1234!"}).json()
        reload = httpx2.post(f"{base}/admin/reload-index",
                             headers={"Authorization": f"Bearer {tokens['access_token']}"}, timeout=60)
        assert reload.status_code == 200, reload.text
        new = (products + 1, generation + 1)
        assert (reload.json()["index"]["products"], reload.json()["index"]["generation"]) == new

        # the other workers notice within their check interval: wait for one clean round
        deadline = time.monotonic() + 30
        while set(_index_states(base, 10)) != {new}:
            assert time.monotonic() < deadline, "some worker kept the old index"
        assert set(_index_states(base, 60)) == {new}
