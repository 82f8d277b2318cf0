"""CSV → SQLite migration and SQL → CSV export, through the real script and CLI."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pytest

from ecommerce_agent.demo.generate import DemoShop, SeedPlan
from ecommerce_agent.domain.clock import KST
from ecommerce_agent.errors import DataValidationError
from ecommerce_agent.storage import open_sqlite
from ecommerce_agent.storage.csvfiles import table_path
from ecommerce_agent.storage.schema import DATA_TABLES
from ecommerce_agent.storage.transfer import export_csv, migrate_csv
from tests.support.cli import one_line_error, run_cli

ANCHOR = datetime(2026, 11, 26, 12, 0, tzinfo=KST)
SCRIPT = "scripts/05_migrate_to_sqlite.py"


@pytest.fixture(scope="module")
def source_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("source") / "source.db"
    repo = open_sqlite(path)
    repo.load_tables(DemoShop(SeedPlan(anchor=ANCHOR, users=30, products=40, orders=400)).batches())
    repo.close()
    return path


@pytest.fixture
def csv_dir(source_db: Path, tmp_path: Path) -> Path:
    repo = open_sqlite(source_db)
    export_csv(repo, tmp_path / "csv")
    repo.close()
    return tmp_path / "csv"


def _dump(path: Path) -> dict[str, list[dict[str, object]]]:
    repo = open_sqlite(path)
    try:
        return {t.name: list(repo.iter_rows(t.name)) for t in DATA_TABLES}
    finally:
        repo.close()


def test_export_then_migrate_round_trips_every_row(source_db: Path, csv_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "new.db"
    reports = migrate_csv(csv_dir, target)
    assert {r.table: r.inserted for r in reports} == {t: len(rows) for t, rows in _dump(source_db).items()}
    assert _dump(target) == _dump(source_db)


def test_second_run_adds_nothing(csv_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "new.db"
    first = run_cli("--csv-dir", str(csv_dir), "--db-path", str(target), script=SCRIPT, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    snapshot = _dump(target)
    second = run_cli("--csv-dir", str(csv_dir), "--db-path", str(target), script=SCRIPT, cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert "0행 추가" in second.stdout and "users" in second.stdout
    assert _dump(target) == snapshot


def test_dry_run_writes_nothing(csv_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "new.db"
    result = run_cli("--csv-dir", str(csv_dir), "--db-path", str(target), "--dry-run",
                     script=SCRIPT, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "dry-run" in result.stdout and not target.exists()


def _corrupt(csv_dir: Path, table: str, line: int, column: str, value: str) -> None:
    import csv

    path = table_path(csv_dir, table)
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    rows[line - 1][rows[0].index(column)] = value
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)


@pytest.mark.parametrize(("table", "line", "column", "value", "phrase"), [
    ("orders", 7, "status", "shipping", "허용값"),
    ("orders", 3, "order_date", "2026-13-01T00:00:00+09:00", "날짜"),
    ("orders", 4, "order_date", "2026-11-01T00:00:00", "시간대"),
    ("order_items", 5, "quantity", "두 개", "정수"),
    ("order_items", 6, "quantity", "0", "1 이상"),
    ("users", 2, "email", "", "필수"),
    ("users", 9, "email", "not-an-email", "형식"),
    ("order_items", 8, "order_id", "ORD-20990101-0001", "외래 키"),
    ("tickets", 2, "issue_type", "refund_now", "허용값"),
    ("products", 4, "product_id", "P00001", "중복"),
])
def test_bad_row_is_named_and_nothing_is_written(csv_dir: Path, tmp_path: Path, table: str, line: int,
                                                 column: str, value: str, phrase: str) -> None:
    # The database already holds users and products; orders, items and tickets are new,
    # so any partial write would show in the comparison below.
    partial = tmp_path / "partial"
    partial.mkdir()
    for name in ("users", "products"):
        shutil.copy(table_path(csv_dir, name), table_path(partial, name))
    target = tmp_path / "existing.db"
    migrate_csv(partial, target)
    _corrupt(csv_dir, table, line, column, value)
    before = _dump(target)
    result = run_cli("--csv-dir", str(csv_dir), "--db-path", str(target), script=SCRIPT, cwd=tmp_path)
    message = one_line_error(result)
    assert f"{table}.csv:{line}" in message and f"'{column}'" in message and phrase in message
    assert result.returncode == 1
    assert _dump(target) == before
    fresh = tmp_path / "fresh.db"
    with pytest.raises(DataValidationError):
        migrate_csv(csv_dir, fresh)
    assert not fresh.exists()


def test_missing_csv_directory_fails_with_one_line(tmp_path: Path) -> None:
    result = run_cli("--csv-dir", str(tmp_path / "nowhere"), "--db-path", str(tmp_path / "x.db"),
                     script=SCRIPT, cwd=tmp_path)
    assert "nowhere" in one_line_error(result)


def test_export_csv_command_refuses_while_a_csv_writer_runs(source_db: Path, tmp_path: Path) -> None:
    from ecommerce_agent.storage.csvstore import CsvRepository

    target = tmp_path / "csv"
    target.mkdir()
    writer = CsvRepository(target)
    writer.acquire_writer()
    try:
        result = run_cli("export-csv", "--csv-dir", str(target), cwd=tmp_path,
                         env={"SQLITE_DATABASE": str(source_db)})
        assert "쓰기 잠금" in one_line_error(result)
    finally:
        writer.close()
    result = run_cli("export-csv", "--csv-dir", str(target), cwd=tmp_path,
                     env={"SQLITE_DATABASE": str(source_db)})
    assert result.returncode == 0, result.stderr
    assert table_path(target, "orders").exists()


def test_item_claims_travel_through_export_and_migration(source_db: Path, tmp_path: Path) -> None:
    import csv

    from ecommerce_agent.domain.claims import ClaimLine
    from ecommerce_agent.domain.orders import Action, ItemStatus, OrderStatus
    from ecommerce_agent.domain.tickets import IssueType
    from ecommerce_agent.storage import ActionApplied, NewTicket

    db = tmp_path / "claims.db"
    shutil.copy(source_db, db)
    repo = open_sqlite(db)
    order = next(o for t in repo.iter_rows("orders") if t["status"] == "delivered"
                 for o in [repo.get_order(t["order_id"])] if len(o.items) > 1)
    outcome = repo.apply_order_action(order.order_id, Action.RETURN, now=order.delivered_at, reason="변심",
                                      lines=[ClaimLine(order.items[1].item_id)], ticket=NewTicket(
                                          user_id=order.user_id, issue_type=IssueType.REFUND,
                                          description="반품", order_id=order.order_id))
    assert isinstance(outcome, ActionApplied)
    export_csv(repo, tmp_path / "csv")
    repo.close()
    with open(table_path(tmp_path / "csv", "tickets"), encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert {"items", "reason", "replacement_option", "estimate"} <= set(header)
    assert table_path(tmp_path / "csv", "product_options").exists()
    target = tmp_path / "migrated.db"
    migrate_csv(tmp_path / "csv", target)
    assert _dump(target) == _dump(db)
    migrated = open_sqlite(target)
    try:
        again = migrated.get_order(order.order_id)
        assert again.status is OrderStatus.DELIVERED
        assert [i.status for i in again.items][:2] == [ItemStatus.ORDERED, ItemStatus.RETURN_REQUESTED]
        ticket = migrated.get_ticket(outcome.ticket.ticket_id)
        assert ticket == outcome.ticket and ticket.estimate is not None and ticket.reason == "변심"
    finally:
        migrated.close()


def test_csv_files_of_the_previous_release_still_migrate(csv_dir: Path, tmp_path: Path) -> None:
    """Files without the new columns: item statuses then follow their orders."""
    import csv

    from ecommerce_agent.domain.orders import ITEM_STATUS_FOR_ORDER

    for table, dropped in (("order_items", {"status", "reason"}),
                           ("tickets", {"items", "reason", "replacement_option", "estimate"})):
        path = table_path(csv_dir, table)
        with open(path, newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, [c for c in rows[0] if c not in dropped])
            writer.writeheader()
            writer.writerows({k: v for k, v in r.items() if k not in dropped} for r in rows)
    table_path(csv_dir, "product_options").unlink()
    target = tmp_path / "old.db"
    migrate_csv(csv_dir, target)
    repo = open_sqlite(target)
    try:
        for row in list(repo.iter_rows("orders"))[:50]:
            order = repo.get_order(row["order_id"])
            assert {i.status for i in order.items} == {ITEM_STATUS_FOR_ORDER[order.status]}
    finally:
        repo.close()
