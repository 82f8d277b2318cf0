"""kill -9 drills under a mixed REST + chat write load: uvicorn, and a gunicorn
master with its workers. Every acknowledged write is found afterwards, the
database passes integrity_check, and a client retrying an unanswered request
with its Idempotency-Key gets the write once (never "still in progress")."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import httpx2
import pytest

from ecommerce_agent.storage import open_sqlite
from ecommerce_agent.storage.backup import integrity_ok, restore_sqlite
from tests.support.drill import Ledger, Load, drill_config, login, report, start_server, verify
from tests.support.server import ROOT, free_port

KILLS = 2
WRITES_BETWEEN = 15


def _cancellable(base: str, headers: dict[str, str]) -> list[str]:
    found = []
    for status in ("paid", "preparing", "pending"):
        orders = httpx2.get(f"{base}/users/me/orders", headers=headers, params={"status": status, "limit": 100})
        found += [o["order_id"] for o in orders.json()["orders"]]
    return found


@pytest.mark.parametrize("kind", ["uvicorn", "gunicorn"])
def test_kill_9_under_mixed_load_loses_no_acknowledged_write(
        kind: str, template_db: Path, search_index: Path, tmp_path: Path) -> None:
    db = tmp_path / "data" / "ecommerce.db"
    db.parent.mkdir()
    shutil.copy(template_db, db)
    config = drill_config(tmp_path, search_index, database=db)
    port = free_port()
    server = start_server(kind, config, port=port, workers=2)
    ledger, retried = Ledger(), {}
    try:
        headers = login(server.base)
        with Load([server.base], headers, _cancellable(server.base, headers), ledger, threads=4) as load:
            for _ in range(KILLS):
                load.wait_for(ledger.acknowledged + WRITES_BETWEEN)
                server.kill9()  # the whole process group: master and workers
                server = start_server(kind, config, port=port, workers=2)
            load.wait_for(ledger.acknowledged + WRITES_BETWEEN)
            if kind == "uvicorn":
                before_backup = _snapshot(ledger)
                backup = _backup_during_writes(config, tmp_path)
        retried = ledger.retry_unanswered(server.base, headers)
    finally:
        server.stop()
    assert integrity_ok(db) == (True, "ok")
    repo = open_sqlite(db)
    figures = verify(repo, ledger)
    repo.close()
    report(f"kill -9 {kind} x{KILLS} (retries with the same key: {retried})", figures, ledger)
    assert figures["lost"] == 0 and figures["acknowledged"] >= WRITES_BETWEEN * (KILLS + 1), figures
    assert set(retried) <= {"201", "201 replayed", "200", "200 replayed"}, retried  # never 409 in progress
    assert ledger.statuses.get("chat 200", 0) > 0 and ledger.statuses.get("cancel 200", 0) > 0, ledger.statuses
    if kind == "uvicorn":
        restored = tmp_path / "restored.db"
        restore_sqlite(backup, restored)
        assert integrity_ok(restored) == (True, "ok")
        copy = open_sqlite(restored)
        figures = verify(copy, before_backup)
        copy.close()
        report("backup during writes, restored", figures, before_backup)
        assert figures["lost"] == 0 and figures["acknowledged"] > 0, figures


def _snapshot(ledger: Ledger) -> Ledger:
    with ledger.lock:
        return Ledger(tickets=set(ledger.tickets), cancels=set(ledger.cancels), turns=dict(ledger.turns),
                      statuses=dict(ledger.statuses))


def _backup_during_writes(config: Path, tmp_path: Path) -> Path:
    """`ecommerce-agent backup` (what backup.sh runs) while the load writes on."""
    env = {**os.environ, "ECOMMERCE_CONFIG": str(config)}
    target = tmp_path / "backups"
    done = subprocess.run([sys.executable, "-m", "ecommerce_agent", "backup", "--dir", str(target)], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert ROOT.exists()
    (copy,) = target.glob("ecommerce.db.*")
    return copy
