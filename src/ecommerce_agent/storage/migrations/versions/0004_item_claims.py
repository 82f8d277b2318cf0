"""Claims per item: item statuses and reasons, product options with stock, claim tickets.

- order_items.status / reason: every existing item gets the status its order's
  status implies (cancelled, return_requested, returned, exchange_requested, else
  ordered); item ids are derived from (order_id, line_no) and need no column.
- product_options: one row per option combination of each existing product;
  their stock is unknown before this revision, so each inherits the product's.
- tickets.items / reason / replacement_option / estimate (NULL for old tickets).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06
"""

from __future__ import annotations

import itertools
import json

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_ITEM_STATUS_OF_ORDER = {"cancelled": "cancelled", "return_requested": "return_requested",
                         "returned": "returned", "exchange_requested": "exchange_requested"}


def upgrade() -> None:
    with op.batch_alter_table("order_items") as batch:
        batch.add_column(sa.Column("status", sa.String(24), nullable=True))
        batch.add_column(sa.Column("reason", sa.String(500), nullable=True))
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("items", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("reason", sa.Text(), nullable=True))
        batch.add_column(sa.Column("replacement_option", sa.String(100), nullable=True))
        batch.add_column(sa.Column("estimate", sa.JSON(), nullable=True))
    product_options = op.create_table(
        "product_options",
        sa.Column("product_id", sa.String(32), sa.ForeignKey("products.product_id"), primary_key=True),
        sa.Column("option", sa.String(100), primary_key=True),
        sa.Column("stock", sa.Integer(), nullable=False),
    )
    whens = " ".join(f"WHEN '{order}' THEN '{item}'" for order, item in _ITEM_STATUS_OF_ORDER.items())
    op.execute(
        "UPDATE order_items SET status = (SELECT CASE orders.status "
        f"{whens} ELSE 'ordered' END FROM orders WHERE orders.order_id = order_items.order_id)")
    bind = op.get_bind()
    rows = []
    for product_id, options, stock in bind.execute(sa.text("SELECT product_id, options, stock FROM products")):
        sets = json.loads(options) if isinstance(options, str) else (options or {})
        for text in _combinations(sets):
            rows.append({"product_id": product_id, "option": text, "stock": stock})
    if rows:
        op.bulk_insert(product_options, rows)


def _combinations(options: dict[str, list[str]]) -> list[str]:
    """The option texts order items record (kept here: a migration must not change
    when the code does). Same as domain.claims.option_combinations."""
    if not options:
        return ["단일 옵션"]
    names = list(options)
    return [" / ".join(f"{n}: {v}" for n, v in zip(names, values, strict=True))
            for values in itertools.product(*(options[n] for n in names))]


def downgrade() -> None:
    op.drop_table("product_options")
    with op.batch_alter_table("tickets") as batch:
        for column in ("estimate", "replacement_option", "reason", "items"):
            batch.drop_column(column)
    with op.batch_alter_table("order_items") as batch:
        batch.drop_column("reason")
        batch.drop_column("status")
