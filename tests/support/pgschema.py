"""A PostgreSQL schema of a test's own, reachable through a plain URL (what an
operator's DATABASE_URL looks like), dropped afterwards."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from ecommerce_agent.storage.postgres import postgres_engine
from tests.support.services import require_postgres


@contextmanager
def postgres_schema_url() -> Iterator[str]:
    url = require_postgres()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = postgres_engine(url)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{url}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
