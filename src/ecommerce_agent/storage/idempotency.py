"""Idempotency-Key records, kept in the same database (and transaction) as the
writes they guard.

The claim is an uncommitted row of the caller's unit of work
(``SqlRepository.atomic``): it commits only together with the write and the
stored response, and a crash rolls all three back. After a crash a key is
therefore either completed (its response is replayed) or absent (a retry runs
anew); it is never left "in progress". While the first request runs, a second
one with the same key waits for it (SQLite: the write lock; PostgreSQL: the row,
at most ``lease`` seconds, then 409) and then replays its response.

A committed row without a response can only come from an older version that
committed claims separately; one older than the lease is taken over.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..errors import ConflictError
from .schema import idempotency_keys as table

IN_PROGRESS = "idempotency_in_progress"


@dataclass(frozen=True, slots=True)
class IdempotencyRecord:
    endpoint: str
    fingerprint: str
    status_code: int | None  # None: the first request is still running
    body: str | None


def in_progress_error() -> ConflictError:
    return ConflictError("같은 Idempotency-Key의 요청이 아직 처리 중입니다. 잠시 후 다시 시도해 주세요.",
                         code=IN_PROGRESS)


def claim(conn: Connection, insert: Any, user_id: str, key: str, endpoint: str, fingerprint: str, *,
          now: datetime, ttl: timedelta, lease: timedelta) -> IdempotencyRecord | None:
    """Claim ``key`` inside the open transaction of ``conn``: None when claimed (go
    ahead), otherwise the record of the earlier request with that key."""
    where_key = sa.and_(table.c.user_id == user_id, table.c.key == key)
    conn.execute(table.delete().where(table.c.created_at < now - ttl))  # forgotten after ttl
    conn.execute(table.delete().where(where_key, table.c.status_code.is_(None),
                                      table.c.created_at < now - lease))  # abandoned claims
    postgres = conn.dialect.name == "postgresql"
    if postgres:  # wait for a running request with this key, but not forever
        conn.exec_driver_sql(f"SET LOCAL lock_timeout = {max(1, int(lease.total_seconds() * 1000))}")
    try:
        claimed = conn.execute(insert(table).values(
            user_id=user_id, key=key, endpoint=endpoint, fingerprint=fingerprint, created_at=now,
        ).on_conflict_do_nothing().returning(table.c.key)).first()
    except sa.exc.OperationalError as exc:
        if getattr(exc.orig, "sqlstate", None) == "55P03":  # lock_not_available: still running
            raise in_progress_error() from None
        raise
    if postgres:
        conn.exec_driver_sql("SET LOCAL lock_timeout = 0")
    if claimed is not None:  # (rowcount is not reliable for ON CONFLICT on every driver)
        return None
    row = conn.execute(sa.select(table).where(where_key)).mappings().one()
    return IdempotencyRecord(row["endpoint"], row["fingerprint"], row["status_code"], row["body"])


def complete(conn: Connection, user_id: str, key: str, status_code: int, body: str) -> None:
    conn.execute(table.update().where(table.c.user_id == user_id, table.c.key == key)
                 .values(status_code=status_code, body=body))
