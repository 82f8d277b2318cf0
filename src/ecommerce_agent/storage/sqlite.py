"""SQLite engine: WAL, busy timeout, foreign keys, and BEGIN IMMEDIATE for writes."""

from __future__ import annotations

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

    @event.listens_for(engine, "begin")
    def _begin(conn: sa.Connection) -> None:
        # Writers take the write lock up front (IMMEDIATE), so a read-then-write
        # transaction can never fail half-way with SQLITE_BUSY.
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        if mode is not None:  # None: a single-statement read runs in autocommit
            conn.exec_driver_sql(f"BEGIN {mode}")

    return engine
