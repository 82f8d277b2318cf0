"""Initial schema: users, products, orders, order items, tickets, order sequences.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from ecommerce_agent.storage.schema import UtcDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("user_id", sa.String(32), primary_key=True),
        sa.Column("email", sa.String(254), nullable=False, unique=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=True),
        sa.Column("phone", sa.String(32), nullable=False),
        sa.Column("address", sa.String(300), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "products",
        sa.Column("product_id", sa.String(32), primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("category", sa.String(50), nullable=False),
        sa.Column("price", sa.Integer(), nullable=False),
        sa.Column("stock", sa.Integer(), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_products_category", "products", ["category"])
    op.create_table(
        "orders",
        sa.Column("order_id", sa.String(20), primary_key=True),
        sa.Column("user_id", sa.String(32), sa.ForeignKey("users.user_id"), nullable=False),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("order_date", UtcDateTime(), nullable=False),
        sa.Column("total_amount", sa.Integer(), nullable=False),
        sa.Column("shipping_fee", sa.Integer(), nullable=False),
        sa.Column("payment_method", sa.String(24), nullable=False),
        sa.Column("shipping_address", sa.String(300), nullable=False),
        sa.Column("carrier", sa.String(50), nullable=True),
        sa.Column("tracking_number", sa.String(50), nullable=True),
        sa.Column("shipped_at", UtcDateTime(), nullable=True),
        sa.Column("delivered_at", UtcDateTime(), nullable=True),
        sa.Column("cancelled_at", UtcDateTime(), nullable=True),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_orders_user_date", "orders", ["user_id", "order_date", "order_id"])
    op.create_index("ix_orders_user_status_date", "orders", ["user_id", "status", "order_date", "order_id"])
    op.create_table(
        "order_items",
        sa.Column("order_id", sa.String(20), sa.ForeignKey("orders.order_id"), primary_key=True),
        sa.Column("line_no", sa.Integer(), primary_key=True),
        sa.Column("product_id", sa.String(32), sa.ForeignKey("products.product_id"), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("option", sa.String(100), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price", sa.Integer(), nullable=False),
    )
    op.create_table(
        "tickets",
        sa.Column("ticket_id", sa.String(24), primary_key=True),
        sa.Column("user_id", sa.String(32), sa.ForeignKey("users.user_id"), nullable=False),
        sa.Column("order_id", sa.String(20), sa.ForeignKey("orders.order_id"), nullable=True),
        sa.Column("issue_type", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("priority", sa.String(8), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("source", sa.String(8), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.Column("resolved_at", UtcDateTime(), nullable=True),
        sa.Column("resolution_note", sa.Text(), nullable=True),
    )
    op.create_index("ix_tickets_user_created", "tickets", ["user_id", "created_at"])
    op.create_index("ix_tickets_user_status", "tickets", ["user_id", "status", "created_at"])
    op.create_index("ix_tickets_order", "tickets", ["order_id"])
    op.create_table(
        "order_sequences",
        sa.Column("day", sa.String(8), primary_key=True),
        sa.Column("last_seq", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    for table in ("order_sequences", "tickets", "order_items", "orders", "products", "users"):
        op.drop_table(table)
