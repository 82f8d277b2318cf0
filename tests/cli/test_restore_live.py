"""Restore drill: `./restore.sh` against a running server (uvicorn, gunicorn with
workers) is refused with one line, and no acknowledged write is lost; once the
server is stopped the restore goes through and the server starts on the copy."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from ecommerce_agent.storage import open_sqlite
from ecommerce_agent.storage.backup import backup_sqlite, integrity_ok
from tests.support.cli import one_line_error
from tests.support.drill import Ledger, Load, drill_config, login, report, running, verify
from tests.support.server import ROOT


def _restore(backup: Path, db: Path, config: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ECOMMERCE_CONFIG": str(config)}
    return subprocess.run([str(ROOT / "restore.sh"), str(backup), "--db-path", str(db)], env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("kind", ["uvicorn", "gunicorn"])
def test_restore_is_refused_while_a_server_runs_and_no_acknowledged_write_is_lost(
        kind: str, template_db: Path, search_index: Path, tmp_path: Path) -> None:
    db = tmp_path / "data" / "ecommerce.db"
    db.parent.mkdir()
    shutil.copy(template_db, db)
    backup = backup_sqlite(db, tmp_path / "ecommerce.db.20261126").path
    config = drill_config(tmp_path, search_index, database=db)
    ledger = Ledger()
    with running(kind, config, workers=2) as server:
        with Load([server.base], login(server.base), [], ledger, threads=2) as load:
            load.wait_for(10)
            refused = _restore(backup, db, config)
            load.wait_for(ledger.acknowledged + 10)  # the service writes on, to the same file
    line = one_line_error(refused)
    assert "서비스가 실행 중" in line and "멈춘 뒤" in line, line

    repo = open_sqlite(db)
    figures = verify(repo, ledger)
    repo.close()
    report(f"restore refused while {kind} runs", figures, ledger)
    assert figures["acknowledged"] >= 20 and figures["lost"] == 0, figures
    assert integrity_ok(db) == (True, "ok")

    restored = _restore(backup, db, config)  # the service is stopped now
    assert restored.returncode == 0, restored.stderr
    assert integrity_ok(db) == (True, "ok")
    with running(kind, config, workers=2) as server:  # serves from the restored copy
        headers = login(server.base)
        gone = next(iter(ledger.tickets))  # written after the backup: not in it
        import httpx2

        assert httpx2.get(f"{server.base}/tickets/{gone}", headers=headers).status_code == 404
        assert httpx2.get(f"{server.base}/users/me/orders", headers=headers).status_code == 200
