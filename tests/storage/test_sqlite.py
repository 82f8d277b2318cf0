"""SQLite specifics: pragmas, BEGIN IMMEDIATE writers, locked and missing files,
and the cancel race across processes."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path

import pytest

from ecommerce_agent.domain.orders import Action, OrderStatus, PaymentMethod
from ecommerce_agent.errors import StorageUnavailableError
from ecommerce_agent.storage import ActionApplied, open_sqlite
from tests.support.factories import NOW, item, product_row, user


def _seeded(path: Path, timeout: float = 5):  # noqa: ANN202
    repo = open_sqlite(path, timeout=timeout)
    repo.add_user(user("U1"))
    repo.load_tables({"products": [product_row("P1")]})
    return repo


def _new_order(repo) -> str:  # noqa: ANN001
    return repo.create_order(user_id="U1", items=[item()], shipping_fee=0,
                             payment_method=PaymentMethod.CARD, shipping_address="서울",
                             now=NOW).order_id


def test_connection_pragmas(tmp_path: Path) -> None:
    repo = open_sqlite(tmp_path / "shop.db", timeout=7)
    with repo.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 7000
    repo.close()


def test_schema_has_indexes_for_the_api_lookups(tmp_path: Path) -> None:
    repo = open_sqlite(tmp_path / "shop.db")
    with repo.engine.connect() as conn:
        plan = " ".join(r[-1] for r in conn.exec_driver_sql(
            "EXPLAIN QUERY PLAN SELECT * FROM orders WHERE user_id='U1' ORDER BY order_date DESC LIMIT 20"))
        assert "ix_orders_user_date" in plan and "TEMP B-TREE" not in plan
        plan = " ".join(r[-1] for r in conn.exec_driver_sql(
            "EXPLAIN QUERY PLAN SELECT * FROM tickets WHERE user_id='U1' AND status='open' "
            "ORDER BY created_at DESC"))
        assert "ix_tickets_user_status" in plan
    repo.close()


def test_writer_waits_then_reports_a_locked_database(tmp_path: Path) -> None:
    repo = _seeded(tmp_path / "shop.db", timeout=0.2)
    order_id = _new_order(repo)
    other = sqlite3.connect(tmp_path / "shop.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    try:
        with pytest.raises(StorageUnavailableError, match="잠겨"):
            repo.apply_order_action(order_id, Action.CANCEL, now=NOW)
        assert repo.get_order(order_id).status is OrderStatus.PAID  # WAL: reads go on
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert isinstance(repo.apply_order_action(order_id, Action.CANCEL, now=NOW), ActionApplied)
    repo.close()


def test_missing_data_directory_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StorageUnavailableError, match="데이터 디렉터리"):
        open_sqlite(tmp_path / "nope" / "shop.db")


def test_corrupt_database_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "shop.db"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StorageUnavailableError) as caught:
        open_sqlite(path)
    assert "Traceback" not in caught.value.message


def _cancel_in_child(path: str, order_id: str, barrier, results) -> None:  # noqa: ANN001
    repo = open_sqlite(Path(path), timeout=10)
    barrier.wait()
    outcome = repo.apply_order_action(order_id, Action.CANCEL, now=NOW)
    results.put(type(outcome).__name__)
    repo.close()


def test_cancel_race_between_processes_lets_exactly_one_win(tmp_path: Path) -> None:
    repo = _seeded(tmp_path / "shop.db")
    order_id = _new_order(repo)
    repo.close()
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(3), ctx.Queue()
    procs = [ctx.Process(target=_cancel_in_child, args=(str(tmp_path / "shop.db"), order_id, barrier, results))
             for _ in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    outcomes = sorted(results.get(timeout=5) for _ in procs)
    assert outcomes == ["ActionApplied", "Denied", "Denied"]


def test_read_only_database_is_a_clear_error_and_reads_still_work(tmp_path: Path) -> None:
    import sqlalchemy as sa

    from ecommerce_agent.storage.sql import SqlRepository

    path = tmp_path / "shop.db"
    repo = _seeded(path)
    order_id = _new_order(repo)
    repo.close()
    # As a read-only disk or file looks to SQLite (root ignores permission bits, so open read-only).
    engine = sa.create_engine(f"sqlite+pysqlite:///file:{path}?mode=ro&uri=true")
    read_only = SqlRepository(engine, backend="sqlite", describe=f"sqlite:{path}")
    assert read_only.get_order(order_id) is not None
    with pytest.raises(StorageUnavailableError, match="읽기 전용"):
        read_only.apply_order_action(order_id, Action.CANCEL, now=NOW)
    read_only.close()
