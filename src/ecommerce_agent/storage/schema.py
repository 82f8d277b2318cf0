"""Table definitions shared by the SQL backends (SQLite, PostgreSQL).

The Alembic migrations in ``migrations/versions`` create exactly these tables;
``tests/storage/test_migrations.py`` checks that the two agree.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out; stored as UTC without zone."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use an aware datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


metadata = sa.MetaData()

users = sa.Table(
    "users", metadata,
    sa.Column("user_id", sa.String(32), primary_key=True),
    sa.Column("email", sa.String(254), nullable=False, unique=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("password_hash", sa.String(255), nullable=True),
    sa.Column("phone", sa.String(32), nullable=False),
    sa.Column("address", sa.String(300), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)

products = sa.Table(
    "products", metadata,
    sa.Column("product_id", sa.String(32), primary_key=True),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("category", sa.String(50), nullable=False),
    sa.Column("price", sa.Integer(), nullable=False),
    sa.Column("stock", sa.Integer(), nullable=False),
    sa.Column("options", sa.JSON(), nullable=False),
    sa.Column("description", sa.Text(), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Index("ix_products_category", "category"),
)

orders = sa.Table(
    "orders", metadata,
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
    sa.Column("cancel_reason", sa.String(500), nullable=True),
    # A user's latest orders (the API's list) and filtering by status.
    sa.Index("ix_orders_user_date", "user_id", "order_date", "order_id"),
    sa.Index("ix_orders_user_status_date", "user_id", "status", "order_date", "order_id"),
)

order_items = sa.Table(
    "order_items", metadata,
    sa.Column("order_id", sa.String(20), sa.ForeignKey("orders.order_id"), primary_key=True),
    sa.Column("line_no", sa.Integer(), primary_key=True),
    sa.Column("product_id", sa.String(32), sa.ForeignKey("products.product_id"), nullable=False),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("option", sa.String(100), nullable=False),
    sa.Column("quantity", sa.Integer(), nullable=False),
    sa.Column("unit_price", sa.Integer(), nullable=False),
    # Per-item status (domain.orders.ItemStatus) and why it changed; NULL (rows from
    # before revision 0004, e.g. old CSV files) reads as the order's status.
    sa.Column("status", sa.String(24), nullable=True),
    sa.Column("reason", sa.String(500), nullable=True),
)

# The options of each product (the text order items record, e.g. "색상: 화이트 / 사이즈: M")
# and their stock; exchanges go to another option of the same product.
product_options = sa.Table(
    "product_options", metadata,
    sa.Column("product_id", sa.String(32), sa.ForeignKey("products.product_id"), primary_key=True),
    sa.Column("option", sa.String(100), primary_key=True),
    sa.Column("stock", sa.Integer(), nullable=False),
)

tickets = sa.Table(
    "tickets", metadata,
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
    sa.Column("items", sa.JSON(), nullable=True),  # [{item_id, title, option, quantity}]
    sa.Column("reason", sa.Text(), nullable=True),  # PII-masked by the caller
    sa.Column("replacement_option", sa.String(100), nullable=True),
    sa.Column("estimate", sa.JSON(), nullable=True),  # domain.claims.estimate_to_dict
    sa.Index("ix_tickets_user_created", "user_id", "created_at"),
    sa.Index("ix_tickets_user_status", "user_id", "status", "created_at"),
    sa.Index("ix_tickets_order", "order_id"),
)

conversations = sa.Table(
    "conversations", metadata,
    sa.Column("conversation_id", sa.String(40), primary_key=True),
    sa.Column("user_id", sa.String(32), sa.ForeignKey("users.user_id"), nullable=False),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("state", sa.JSON(), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.Index("ix_conversations_user_updated", "user_id", "updated_at"),
)

messages = sa.Table(
    "messages", metadata,
    sa.Column("conversation_id", sa.String(40), sa.ForeignKey("conversations.conversation_id"),
              primary_key=True),
    sa.Column("seq", sa.Integer(), primary_key=True),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("text", sa.Text(), nullable=False),
    sa.Column("intent", sa.String(32), nullable=True),
    sa.Column("meta", sa.JSON(), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)

# Per-day order sequence: ORD-YYYYMMDD-NNNN takes NNNN from here, atomically.
order_sequences = sa.Table(
    "order_sequences", metadata,
    sa.Column("day", sa.String(8), primary_key=True),
    sa.Column("last_seq", sa.Integer(), nullable=False),
)

# -- shared state of the API workers (auth and idempotency), see state.py --------

revoked_tokens = sa.Table(
    "revoked_tokens", metadata,
    sa.Column("jti", sa.String(64), primary_key=True),
    sa.Column("expires_at", UtcDateTime(), nullable=False),
    sa.Index("ix_revoked_tokens_expires", "expires_at"),
)

login_failures = sa.Table(
    "login_failures", metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("key", sa.String(300), nullable=False),
    sa.Column("failed_at", UtcDateTime(), nullable=False),
    sa.Index("ix_login_failures_key", "key", "failed_at"),
)

idempotency_keys = sa.Table(
    "idempotency_keys", metadata,
    sa.Column("user_id", sa.String(32), primary_key=True),
    sa.Column("key", sa.String(200), primary_key=True),
    sa.Column("endpoint", sa.String(200), nullable=False),
    sa.Column("fingerprint", sa.String(64), nullable=False),
    sa.Column("status_code", sa.Integer(), nullable=True),  # NULL while the first request runs
    sa.Column("body", sa.Text(), nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Index("ix_idempotency_created", "created_at"),
)

# Last time each user was seen (for the active_users gauge), written at most
# every 30 s per user and process.
user_activity = sa.Table(
    "user_activity", metadata,
    sa.Column("user_id", sa.String(32), primary_key=True),
    sa.Column("seen_at", UtcDateTime(), nullable=False),
    sa.Index("ix_user_activity_seen", "seen_at"),
)

# -- the staff console (see console.py) ------------------------------------------

# Who (a staff member) answers a conversation in the agent's place; no row: the agent answers.
conversation_assignments = sa.Table(
    "conversation_assignments", metadata,
    sa.Column("conversation_id", sa.String(40), primary_key=True),
    sa.Column("staff_id", sa.String(32), nullable=False),
    sa.Column("staff_name", sa.String(100), nullable=False),
    sa.Column("claimed_at", UtcDateTime(), nullable=False),
)

# Every staff action on a customer's data: who, what, whose, when (and why).
staff_audit = sa.Table(
    "staff_audit", metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("at", UtcDateTime(), nullable=False),
    sa.Column("staff_id", sa.String(32), nullable=False),
    sa.Column("action", sa.String(40), nullable=False),
    sa.Column("customer_id", sa.String(32), nullable=True),
    sa.Column("resource", sa.String(80), nullable=False),
    sa.Column("reason", sa.String(500), nullable=True),  # PII-masked by the caller
    sa.Column("result", sa.String(40), nullable=False),
    sa.Index("ix_staff_audit_at", "at"),
    sa.Index("ix_staff_audit_customer", "customer_id", "at"),
)

# Tables holding shop data, in foreign-key order (parents first).
DATA_TABLES: tuple[sa.Table, ...] = (users, products, product_options, orders, order_items, tickets,
                                     conversations, messages)
