"""Removing accounts with everything that belongs to them, in one transaction.

Used by ``ecommerce-agent purge-demo``: a database seeded in development holds
demo accounts whose passwords are published. Their orders (and items), tickets
(also any ticket about one of their orders), conversations (and messages) and
their rows in the workers' shared state go with them; nothing else is touched.
Either everything goes or nothing does (a failure rolls back; ``dry_run``
counts and rolls back on purpose).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import sqlalchemy as sa

from .base import Repository
from .schema import conversations, idempotency_keys, messages, order_items, orders, tickets, user_activity, users

# Deletion order: children before parents (foreign keys hold at every step).
PURGE_TABLES = ("messages", "conversations", "tickets", "order_items", "orders", "users")


class _Rollback(Exception):
    """Raised inside the transaction of a dry run so that nothing is kept."""

    def __init__(self, counts: dict[str, int]) -> None:
        super().__init__("dry run")
        self.counts = counts


def purge_users(repo: Repository, user_ids: Collection[str], *, dry_run: bool = False) -> dict[str, int]:
    """Delete ``user_ids`` and their data; return the rows removed (or, with
    ``dry_run``, that would be removed) per table."""
    ids = sorted(set(user_ids))
    if not ids:
        return dict.fromkeys(PURGE_TABLES, 0)
    from .csvstore import CsvRepository
    from .sql import SqlRepository

    try:
        if isinstance(repo, SqlRepository):
            return _purge_sql(repo, ids, dry_run)
        if isinstance(repo, CsvRepository):
            return _purge_csv(repo, ids, dry_run)
    except _Rollback as done:
        return done.counts
    raise TypeError(f"unsupported repository: {type(repo).__name__}")


def _purge_sql(repo: Any, ids: list[str], dry_run: bool) -> dict[str, int]:
    counts: dict[str, int] = {}
    with repo._write() as conn:  # noqa: SLF001 - the repository's own write transaction
        order_ids = sa.select(orders.c.order_id).where(orders.c.user_id.in_(ids)).scalar_subquery()
        conversation_ids = (sa.select(conversations.c.conversation_id)
                            .where(conversations.c.user_id.in_(ids)).scalar_subquery())
        steps = (
            ("messages", messages.delete().where(messages.c.conversation_id.in_(conversation_ids))),
            ("conversations", conversations.delete().where(conversations.c.user_id.in_(ids))),
            ("tickets", tickets.delete().where(sa.or_(tickets.c.user_id.in_(ids),
                                                      tickets.c.order_id.in_(order_ids)))),
            ("order_items", order_items.delete().where(order_items.c.order_id.in_(order_ids))),
            ("orders", orders.delete().where(orders.c.user_id.in_(ids))),
            ("users", users.delete().where(users.c.user_id.in_(ids))),
        )
        for table, statement in steps:
            counts[table] = repo._run(conn, table, "delete", statement).rowcount  # noqa: SLF001
        # Their idempotency records and activity: shared state that names them.
        conn.execute(idempotency_keys.delete().where(idempotency_keys.c.user_id.in_(ids)))
        conn.execute(user_activity.delete().where(user_activity.c.user_id.in_(ids)))
        if dry_run:
            raise _Rollback(counts)
    return counts


def _purge_csv(repo: Any, ids: list[str], dry_run: bool) -> dict[str, int]:
    owners = set(ids)
    counts: dict[str, int] = {}
    with repo._writing() as touch:  # noqa: SLF001 - saved at the end, dropped on an exception
        def drop(table: str, doomed: Any) -> None:
            touch(table)  # before changing: a dry run's exception then discards the cached copy
            rows = repo._table(table)  # noqa: SLF001
            keys = [k for k, row in rows.items() if doomed(row)]
            for key in keys:
                del rows[key]
            counts[table] = len(keys)

        order_ids = {r["order_id"] for r in repo._table("orders").values() if r["user_id"] in owners}  # noqa: SLF001
        conversation_ids = {r["conversation_id"] for r in repo._table("conversations").values()  # noqa: SLF001
                            if r["user_id"] in owners}
        drop("messages", lambda r: r["conversation_id"] in conversation_ids)
        drop("conversations", lambda r: r["user_id"] in owners)
        drop("tickets", lambda r: r["user_id"] in owners or r.get("order_id") in order_ids)
        drop("order_items", lambda r: r["order_id"] in order_ids)
        drop("orders", lambda r: r["user_id"] in owners)
        drop("users", lambda r: r["user_id"] in owners)
        if dry_run:
            raise _Rollback(counts)
    return counts
