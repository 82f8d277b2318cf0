"""Backups taken while writes run are consistent and restore intact."""

from __future__ import annotations

import shutil
import sqlite3
import threading
from pathlib import Path

import pytest

from ecommerce_agent.domain.clock import utcnow
from ecommerce_agent.domain.tickets import IssueType
from ecommerce_agent.errors import StorageError, StorageUnavailableError
from ecommerce_agent.storage import NewTicket, open_sqlite
from ecommerce_agent.storage.backup import backup_sqlite, integrity_ok, restore_sqlite
from tests.support.cli import one_line_error, run_cli


@pytest.fixture
def live_db(template_db: Path, tmp_path: Path) -> Path:
    (tmp_path / "data").mkdir()
    shutil.copy(template_db, tmp_path / "data" / "ecommerce.db")
    return tmp_path / "data" / "ecommerce.db"


def test_backup_during_writes_is_consistent_and_restores(live_db: Path, tmp_path: Path) -> None:
    repo = open_sqlite(live_db)
    stop, written = threading.Event(), []

    def writer() -> None:
        while not stop.is_set():
            written.append(repo.create_ticket(NewTicket(user_id="U000001", issue_type=IssueType.INQUIRY,
                                                        description="백업 중 쓰기"), now=utcnow()).ticket_id)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 20 and thread.is_alive():  # writes are under way
            pass
        assert thread.is_alive(), "the writer stopped early"
        result = run_cli("backup", "--dir", str(tmp_path / "backups"), cwd=tmp_path)
        during = len(written)
    finally:
        stop.set()
        thread.join()
    assert result.returncode == 0, result.stderr
    copies = list((tmp_path / "backups").glob("ecommerce.db.*"))
    assert len(copies) == 1 and integrity_ok(copies[0]) == (True, "ok")
    restored = tmp_path / "restored.db"
    restore_sqlite(copies[0], restored)
    snapshot = open_sqlite(restored)
    tickets = {r["ticket_id"] for r in snapshot.iter_rows("tickets") if r["description"] == "백업 중 쓰기"}
    snapshot.close()
    assert 20 <= len(tickets) <= during + 1 and tickets <= set(written)
    repo.close()


def test_restore_refuses_a_database_in_use_and_a_corrupt_backup(live_db: Path, tmp_path: Path) -> None:
    good = backup_sqlite(live_db, tmp_path / "ecommerce.db.20261126").path
    holder = sqlite3.connect(live_db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StorageUnavailableError, match="서비스를 멈춘"):
            restore_sqlite(good, live_db)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    bad = tmp_path / "ecommerce.db.bad"
    bad.write_bytes(good.read_bytes()[: 4096 * 3])
    with pytest.raises(StorageError):
        restore_sqlite(bad, live_db)
    assert integrity_ok(live_db) == (True, "ok")
    result = run_cli("restore", str(good), "--db-path", str(live_db), cwd=tmp_path)
    assert result.returncode == 0, result.stderr


def test_backup_script_and_csv_and_index_tarballs(live_db: Path, tmp_path: Path) -> None:
    (tmp_path / "data" / "orders.csv").write_text("order_id\n", encoding="utf-8")
    (tmp_path / "data" / "processed").mkdir()
    (tmp_path / "data" / "processed" / "manifest.json").write_text("{}", encoding="utf-8")
    result = run_cli("backup", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    names = sorted(p.name.split(".")[0] for p in (tmp_path / "backups").iterdir())
    assert names == ["csv_data", "ecommerce", "index"]


def test_backup_of_a_missing_database_fails_with_one_line(tmp_path: Path) -> None:
    result = run_cli("backup", cwd=tmp_path, env={"SQLITE_DATABASE": str(tmp_path / "none.db")})
    assert "none.db" in one_line_error(result)
