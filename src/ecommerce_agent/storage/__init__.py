"""Storage: one repository interface (``base.Repository``), three backends.

``open_repository(settings)`` is the one way to get a repository: it builds
the backend the settings name and, for SQL backends, applies pending schema
migrations first.
"""

from __future__ import annotations

from pathlib import Path

from ..config import Settings
from .base import ActionApplied, ActionOutcome, NewTicket, QueryObserver, Repository
from .sql import SqlRepository

__all__ = ["ActionApplied", "ActionOutcome", "NewTicket", "Repository", "open_repository", "open_sqlite"]


def open_repository(settings: Settings, *, observer: QueryObserver | None = None,
                    migrate: bool = True) -> Repository:
    storage = settings.storage
    if storage.backend == "csv":
        from .csvstore import CsvRepository

        return CsvRepository(storage.csv.directory, observer=observer)

    if storage.backend == "sqlite":
        return open_sqlite(storage.sqlite.database, timeout=storage.sqlite.timeout,
                           observer=observer, migrate=migrate)
    from .postgres import postgres_engine, redact

    engine = postgres_engine(storage.postgres.url, pool_size=storage.postgres.pool_size)
    repo = SqlRepository(engine, backend="postgres", observer=observer,
                         describe=redact(storage.postgres.url))
    if migrate:
        repo.upgrade_schema()
    return repo


def open_sqlite(path: Path, *, timeout: float = 30, observer: QueryObserver | None = None,
                migrate: bool = True) -> SqlRepository:
    from .sqlite import sqlite_engine

    repo = SqlRepository(sqlite_engine(path, timeout=timeout), backend="sqlite",
                         observer=observer, describe=f"sqlite:{path}")
    if migrate:
        repo.upgrade_schema()
    return repo
