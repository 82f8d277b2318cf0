"""SQLite engine: WAL, busy timeout, foreign keys, and BEGIN IMMEDIATE for writes.

Writers of one process take turns on a lock of their own before ``BEGIN
IMMEDIATE``: SQLite's busy handler polls with sleeps of up to 100 ms, so ten
threads of one worker contending for the write lock waited hundreds of
milliseconds at the tail for a lock that is held for about one. Across
processes the busy timeout still arbitrates.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine

from ..errors import StorageUnavailableError


def sqlite_engine(path: Path, *, timeout: float) -> Engine:
    path = Path(path)
    if not path.parent.is_dir():
        raise StorageUnavailableError(
            f"데이터 디렉터리 '{path.parent}'이(가) 없습니다. `make run` 또는 "
            "`ecommerce-agent seed`로 데이터를 만들거나 storage.sqlite.database 경로를 확인하세요.")
    engine = sa.create_engine(
        f"sqlite+pysqlite:///{path}",
        connect_args={"timeout": timeout, "check_same_thread": False},
    )
    busy_ms = int(timeout * 1000)

    @event.listens_for(engine, "connect")
    def _configure(dbapi_conn: Any, _record: Any) -> None:
        # We issue BEGIN ourselves (below), so the driver must not.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {busy_ms}")
        mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
        if mode != "wal":
            try:
                cursor.execute("PRAGMA journal_mode = WAL")
            except Exception:  # noqa: BLE001 - a read-only file keeps its mode; reads still work
                pass
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA synchronous = NORMAL")  # durable in WAL mode, much faster than FULL
        cursor.close()

    turns = WriterTurns(timeout)

    @event.listens_for(engine, "begin")
    def _begin(conn: sa.Connection) -> None:
        # Writers take the write lock up front (IMMEDIATE), so a read-then-write
        # transaction can never fail half-way with SQLITE_BUSY.
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        if mode is None:  # None: a single-statement read runs in autocommit
            return
        if mode != "DEFERRED":
            turns.take(conn.info)
        try:
            conn.exec_driver_sql(f"BEGIN {mode}")
        except BaseException:
            turns.give_back(conn.info)
            raise

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _end(conn: sa.Connection) -> None:
        turns.give_back(conn.info)

    return engine


class WriterTurns:
    """One writing transaction at a time within this process, handed over in
    order (``threading.Lock``) instead of by SQLite's sleeping busy handler. A
    thread that already holds the turn (a second connection of its own) and a
    wait longer than the busy timeout go on to SQLite, which decides as before."""

    def __init__(self, timeout: float) -> None:
        self._lock = threading.Lock()
        self._owner: int | None = None
        self._timeout = timeout

    def take(self, info: dict[str, Any]) -> None:
        me = threading.get_ident()
        if self._owner == me:
            return
        if self._lock.acquire(timeout=self._timeout):
            self._owner = me
            info["writer_turn"] = True

    def give_back(self, info: dict[str, Any]) -> None:
        if info.pop("writer_turn", False):
            self._owner = None
            self._lock.release()
