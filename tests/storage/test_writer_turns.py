"""Writers of one process take turns before BEGIN IMMEDIATE (storage/sqlite.py):
a second writer waits for the first to commit or roll back, readers never wait,
and a thread that already writes can still open a second connection (SQLite's
busy timeout then decides, as it did before the turns)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from ecommerce_agent.storage.sqlite import WriterTurns, sqlite_engine


@pytest.fixture
def engine(tmp_path: Path) -> sa.Engine:
    engine = sqlite_engine(tmp_path / "turns.db", timeout=5)
    with engine.connect() as conn:
        conn.execution_options(sqlite_begin="IMMEDIATE")
        with conn.begin():
            conn.exec_driver_sql("CREATE TABLE t (n INTEGER)")
    yield engine
    engine.dispose()


def _writer(engine: sa.Engine) -> sa.Connection:
    conn = engine.connect()
    conn.execution_options(sqlite_begin="IMMEDIATE")
    return conn


@pytest.mark.parametrize("end", ["commit", "rollback"])
def test_a_second_writer_waits_for_the_first_to_end(engine: sa.Engine, end: str) -> None:
    first = _writer(engine)
    tx = first.begin()
    first.exec_driver_sql("INSERT INTO t VALUES (1)")
    began, wrote = threading.Event(), threading.Event()

    def second() -> None:
        with _writer(engine) as conn:
            began.set()
            with conn.begin():  # waits for the turn here
                conn.exec_driver_sql("INSERT INTO t VALUES (2)")
            wrote.set()

    thread = threading.Thread(target=second)
    thread.start()
    assert began.wait(5)
    assert not wrote.wait(0.2)  # still the first writer's turn
    with engine.connect() as reader:  # reads do not take a turn
        reader.execution_options(sqlite_begin=None)
        assert reader.exec_driver_sql("SELECT count(*) FROM t").scalar() == 0
    getattr(tx, end)()
    first.close()
    assert wrote.wait(5)
    thread.join(5)
    with engine.connect() as reader:
        reader.execution_options(sqlite_begin=None)
        rows = [r[0] for r in reader.exec_driver_sql("SELECT n FROM t ORDER BY n")]
    assert rows == ([1, 2] if end == "commit" else [2])


def test_the_turn_is_given_back_when_begin_fails(engine: sa.Engine, tmp_path: Path) -> None:
    impatient = sqlite_engine(tmp_path / "turns.db", timeout=0.2)
    other = sqlite_engine(tmp_path / "turns.db", timeout=0.2)  # another "process": its own turns
    holder = _writer(other)
    holder.begin()
    try:
        conn = _writer(impatient)
        with pytest.raises(sa.exc.OperationalError):
            conn.begin()  # SQLite's lock is held elsewhere: the busy timeout ends it
        conn.close()
    finally:
        holder.close()
        other.dispose()
    with _writer(impatient) as conn, conn.begin():  # the turn was given back
        conn.exec_driver_sql("INSERT INTO t VALUES (3)")
    impatient.dispose()


def test_the_owner_of_the_turn_does_not_wait_for_itself() -> None:
    turns = WriterTurns(timeout=5)
    outer, inner = {}, {}
    turns.take(outer)
    turns.take(inner)  # same thread: returns at once, without the turn
    assert outer == {"writer_turn": True} and inner == {}
    turns.give_back(inner)  # not holding it: nothing to give back
    other: dict = {}
    taker = threading.Thread(target=turns.take, args=(other,))
    taker.start()
    taker.join(0.2)
    assert taker.is_alive()  # the outer turn is still held
    turns.give_back(outer)
    taker.join(5)
    assert other == {"writer_turn": True}
