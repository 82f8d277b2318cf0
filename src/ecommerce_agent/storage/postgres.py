"""PostgreSQL engine (psycopg 3)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine


def sqlalchemy_url(url: str) -> str:
    """Accept plain ``postgresql://`` URLs and pin the psycopg 3 driver."""
    for prefix in ("postgresql+psycopg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    raise ValueError(f"not a PostgreSQL URL: {url}")


def postgres_engine(url: str, *, pool_size: int = 5, schema: str | None = None,
                    connect_timeout: int = 5) -> Engine:
    connect_args: dict[str, object] = {"connect_timeout": connect_timeout}
    if schema is not None:  # tests isolate themselves in a schema of their own
        connect_args["options"] = f"-c search_path={schema}"
    return sa.create_engine(sqlalchemy_url(url), pool_size=pool_size, pool_pre_ping=True,
                            connect_args=connect_args)


def redact(url: str) -> str:
    """The URL without its password, for messages."""
    return sa.engine.make_url(sqlalchemy_url(url)).render_as_string(hide_password=True)
