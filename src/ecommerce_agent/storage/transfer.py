"""Moving data between backends: CSV → SQLite migration and SQL → CSV export.

The migration validates every row of every file first (a bad row is reported
with file, line and column and nothing is written), then inserts everything in
one transaction, skipping rows whose primary key already exists (so a second
run adds nothing), then verifies row counts and foreign keys before commit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from ..errors import DataValidationError, StorageError, StorageUnavailableError
from . import rows as R
from .base import Progress, Repository
from .csvfiles import read_table, table_path, write_table
from .locking import FileLock
from .csvstore import LOCK_FILE
from .schema import DATA_TABLES
from .sql import SqlRepository


@dataclass(frozen=True, slots=True)
class TableReport:
    table: str
    csv_rows: int  # rows in the CSV file (0 when the file is absent)
    inserted: int  # new rows written (or that would be, in a dry run)
    existing: int  # rows whose primary key was already in the database
    total: int  # rows in the database table afterwards


def validate_csv_dir(csv_dir: Path, progress: Progress | None = None) -> dict[str, set[tuple[object, ...]]]:
    """Parse every row of every table file; check primary and foreign keys within
    the files. Returns the primary keys per table. Raises on the first bad row."""
    if not csv_dir.is_dir():
        raise StorageUnavailableError(f"CSV 디렉터리 '{csv_dir}'이(가) 없습니다.")
    present = [t for t in DATA_TABLES if table_path(csv_dir, t.name).exists()]
    if not present:
        raise StorageUnavailableError(
            f"CSV 디렉터리 '{csv_dir}'에 테이블 파일이 없습니다 "
            f"(기대하는 파일: {', '.join(t.name + '.csv' for t in DATA_TABLES)}).")
    keys: dict[str, set[tuple[object, ...]]] = {t.name: set() for t in DATA_TABLES}
    for table in present:
        path = table_path(csv_dir, table.name)
        # Parents come earlier in DATA_TABLES, so their keys are complete here; a parent
        # whose file is absent is checked against the database later.
        fks = [(fk.parent.name, fk.column.table.name) for fk in table.foreign_keys
               if table_path(csv_dir, fk.column.table.name).exists()]
        for line, row in read_table(path, table.name):
            keys[table.name].add(tuple(row[k] for k in R.PRIMARY_KEYS[table.name]))
            for column, parent in fks:
                if row[column] is not None and (row[column],) not in keys[parent]:
                    raise DataValidationError(f"'{row[column]}'은(는) {parent}.csv에 없습니다 (외래 키)",
                                              file=path.name, line=line, column=column)
            if progress is not None:
                progress(1)
    return keys


def _existing_keys(repo: SqlRepository, table: str) -> set[tuple[object, ...]]:
    t = R.TABLES[table]
    with repo.engine.connect() as conn:
        return {tuple(r) for r in conn.execute(sa.select(*t.primary_key.columns))}


# (label, total or None) -> a context yielding the progress callback, e.g. cli.output.bar
ProgressBar = Callable[[str, int | None], AbstractContextManager[Progress]]


@contextmanager
def no_progress(label: str, total: int | None) -> Iterator[Progress]:
    yield lambda n: None


def migrate_csv(csv_dir: Path, db_path: Path, *, timeout: float = 30, dry_run: bool = False,
                progress: ProgressBar = no_progress) -> list[TableReport]:
    """Copy ``csv_dir/*.csv`` into the SQLite file ``db_path``; see the module
    docstring. The database is opened (and created) only once every row is valid,
    and a dry run never creates it."""
    from . import open_sqlite

    with progress("CSV 검증", None) as update:
        keys = validate_csv_dir(csv_dir, update)
    if dry_run and not db_path.exists():
        return _migrate(csv_dir, keys, None, dry_run=True, progress=progress)
    repo = open_sqlite(db_path, timeout=timeout)
    try:
        return _migrate(csv_dir, keys, repo, dry_run=dry_run, progress=progress)
    finally:
        repo.close()


def migrate_csv_into(csv_dir: Path, repo: SqlRepository, *, dry_run: bool = False,
                     progress: ProgressBar = no_progress) -> list[TableReport]:
    """The same migration into an open SQL repository (PostgreSQL: load a shop
    exported from SQLite or kept as CSV)."""
    with progress("CSV 검증", None) as update:
        keys = validate_csv_dir(csv_dir, update)
    return _migrate(csv_dir, keys, repo, dry_run=dry_run, progress=progress)


def _migrate(csv_dir: Path, keys: dict[str, set[tuple[object, ...]]], repo: SqlRepository | None,
             *, dry_run: bool, progress: ProgressBar) -> list[TableReport]:
    zeros = {t.name: 0 for t in DATA_TABLES}
    before = repo.counts() if repo is not None else zeros
    existing = {t: len(k & _existing_keys(repo, t)) if k else 0
                for t, k in keys.items()} if repo is not None else zeros
    _check_foreign_keys_against_db(csv_dir, keys, repo)
    if dry_run or repo is None:
        return [TableReport(t.name, len(keys[t.name]), len(keys[t.name]) - existing[t.name],
                            existing[t.name], before[t.name] + len(keys[t.name]) - existing[t.name])
                for t in DATA_TABLES]

    def verify(inserted: dict[str, int]) -> None:
        """Runs inside the transaction: a mismatch rolls everything back."""
        for t in DATA_TABLES:
            if inserted.get(t.name, 0) + existing[t.name] != len(keys[t.name]):
                raise StorageError(
                    f"행 수 검증 실패로 저장하지 않았습니다: {t.name} (CSV {len(keys[t.name]):,}, "
                    f"추가 {inserted.get(t.name, 0):,}, 기존 {existing[t.name]:,})")

    tables = [(t.name, (row for _, row in read_table(table_path(csv_dir, t.name), t.name)))
              for t in DATA_TABLES if table_path(csv_dir, t.name).exists()]
    with progress(f"{'PostgreSQL' if repo.backend == 'postgres' else 'SQLite'} 적재", sum(len(k) for k in keys.values())) as update:
        inserted = repo.load_tables(tables, skip_existing=True, progress=update, verify=verify)
    after = repo.counts()
    return [TableReport(t.name, len(keys[t.name]), inserted.get(t.name, 0), existing[t.name],
                        after[t.name]) for t in DATA_TABLES]


def _check_foreign_keys_against_db(csv_dir: Path, keys: dict[str, set[tuple[object, ...]]],
                                   repo: SqlRepository | None) -> None:
    """References to parents whose CSV file is absent must exist in the database."""
    for table in DATA_TABLES:
        if not keys[table.name]:
            continue
        for fk in table.foreign_keys:
            parent = fk.column.table.name
            if table_path(csv_dir, parent).exists():
                continue
            known = _existing_keys(repo, parent) if repo is not None else set()
            path = table_path(csv_dir, table.name)
            for line, row in read_table(path, table.name):
                value = row[fk.parent.name]
                if value is not None and (value,) not in known:
                    raise DataValidationError(f"'{value}'은(는) {parent} 테이블에 없습니다 (외래 키)",
                                              file=path.name, line=line, column=fk.parent.name)


def export_csv(repo: Repository, csv_dir: Path) -> dict[str, int]:
    """Write every table of ``repo`` to ``csv_dir`` (atomically per file), holding the
    CSV writer lock so a running CSV-backed service is never overwritten."""
    csv_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(csv_dir / LOCK_FILE, "CSV 내보내기 거부")
    lock.acquire()
    try:
        return {t.name: write_table(table_path(csv_dir, t.name), t.name, repo.iter_rows(t.name))
                for t in DATA_TABLES}
    finally:
        lock.release()
