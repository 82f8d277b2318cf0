"""Revision 0004 upgrades a database made by the previous release in place, data kept.

The old database is built the way the previous release built it: migrations up
to 0003, then the demo shop loaded into the tables that existed then.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Engine

from ecommerce_agent.demo.generate import DemoShop, SeedPlan
from ecommerce_agent.domain.claims import ClaimLine, option_combinations
from ecommerce_agent.domain.clock import KST
from ecommerce_agent.domain.orders import ITEM_STATUS_FOR_ORDER, Action, ItemStatus, OrderStatus
from ecommerce_agent.storage import ActionApplied, migrations
from ecommerce_agent.storage.postgres import postgres_engine
from ecommerce_agent.storage.schema import metadata
from ecommerce_agent.storage.sql import SqlRepository
from ecommerce_agent.storage.sqlite import sqlite_engine
from tests.support.services import require_postgres

ANCHOR = datetime(2026, 11, 26, 12, 0, tzinfo=KST)
OLD_TABLES = ("users", "products", "orders", "order_items", "tickets")


@pytest.fixture(params=["sqlite", "postgres"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        engine = sqlite_engine(tmp_path / "old.db", timeout=5)
        yield engine
        engine.dispose()
        return
    url = require_postgres()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = postgres_engine(url)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    engine = postgres_engine(url, schema=schema)
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _old_database(engine: Engine) -> dict[str, list[dict[str, object]]]:
    """Schema 0003 with the demo shop in it; returns the rows as stored."""
    migrations.upgrade(engine, "0003")
    old = sa.MetaData()
    old.reflect(engine)
    assert "product_options" not in old.tables and "status" not in old.tables["order_items"].c
    tables = DemoShop(SeedPlan(anchor=ANCHOR, users=20, products=40, orders=300)).tables()
    with engine.begin() as conn:
        for name in OLD_TABLES:
            table = old.tables[name]
            # stored as the previous release did: datetimes as naive UTC
            conn.execute(table.insert(), [{c.name: _plain(row.get(c.name)) for c in table.columns}
                                          for row in tables[name]])
    return _rows(engine, old)


def _plain(value: object) -> object:
    return value.astimezone(UTC).replace(tzinfo=None) if isinstance(value, datetime) and value.tzinfo else value


def _rows(engine: Engine, meta: sa.MetaData) -> dict[str, list[dict[str, object]]]:
    with engine.connect() as conn:
        return {name: [{k: _plain(v) for k, v in r.items()} for r in conn.execute(sa.select(meta.tables[name]).order_by(
            *meta.tables[name].primary_key.columns)).mappings()] for name in OLD_TABLES}


def test_upgrade_keeps_every_row_and_derives_item_statuses(engine: Engine) -> None:
    before = _old_database(engine)
    repo = SqlRepository(engine, backend=engine.dialect.name)
    repo.upgrade_schema()
    assert migrations.current_revision(engine) == migrations.head_revision()
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []
    after = _rows(engine, metadata)
    for name, rows in before.items():
        assert len(after[name]) == len(rows), name
        for old, new in zip(rows, after[name], strict=True):
            assert {k: new[k] for k in old} == old, name  # every old value kept
    status_of = {o["order_id"]: OrderStatus(o["status"]) for o in after["orders"]}
    assert {(i["order_id"], i["line_no"]): i["status"] for i in after["order_items"]} == {
        (i["order_id"], i["line_no"]): ITEM_STATUS_FOR_ORDER[status_of[i["order_id"]]].value
        for i in after["order_items"]}
    assert {i["status"] for i in after["order_items"]} >= {"ordered", "cancelled", "returned"}
    assert all(t["items"] is None and t["reason"] is None for t in after["tickets"])
    options = {(o.product_id, o.option): o.stock for p in after["products"]
               for o in repo.list_product_options(p["product_id"])}
    assert options == {(p["product_id"], text): p["stock"] for p in after["products"]
                       for text in option_combinations(p["options"])}
    # the repository reads and changes migrated orders item by item
    order = next(repo.get_order(o["order_id"]) for o in after["orders"]
                 if o["status"] == "paid" and sum(i["order_id"] == o["order_id"] for i in after["order_items"]) > 1)
    assert [i.item_id for i in order.items][:2] == [f"{order.order_id}-1", f"{order.order_id}-2"]
    outcome = repo.apply_order_action(order.order_id, Action.CANCEL, now=ANCHOR + timedelta(minutes=1),
                                      lines=[ClaimLine(order.items[0].item_id)])
    assert isinstance(outcome, ActionApplied) and outcome.order.status is OrderStatus.PAID
    assert outcome.order.items[0].status is ItemStatus.CANCELLED
