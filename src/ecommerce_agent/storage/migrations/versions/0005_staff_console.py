"""The staff console: conversation assignments (live takeover) and the staff audit log.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from ecommerce_agent.storage.schema import UtcDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "conversation_assignments",
        sa.Column("conversation_id", sa.String(40), primary_key=True),
        sa.Column("staff_id", sa.String(32), nullable=False),
        sa.Column("staff_name", sa.String(100), nullable=False),
        sa.Column("claimed_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "staff_audit",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("staff_id", sa.String(32), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("customer_id", sa.String(32), nullable=True),
        sa.Column("resource", sa.String(80), nullable=False),
        sa.Column("reason", sa.String(500), nullable=True),
        sa.Column("result", sa.String(40), nullable=False),
    )
    op.create_index("ix_staff_audit_at", "staff_audit", ["at"])
    op.create_index("ix_staff_audit_customer", "staff_audit", ["customer_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_staff_audit_customer", table_name="staff_audit")
    op.drop_index("ix_staff_audit_at", table_name="staff_audit")
    op.drop_table("staff_audit")
    op.drop_table("conversation_assignments")
