"""Online, consistent backups and verified restores of the SQLite database,
plus tarballs of the CSV files and the search index.

The copy uses SQLite's online backup API, which produces a consistent snapshot
even while other processes write (a plain ``cp`` of a live WAL database can
miss the WAL and corrupt the copy). Every copy is checked with
``PRAGMA integrity_check`` before it counts; a restore checks again and swaps
the file in atomically, only when no server process holds the database's
in-use lock (``locking.DatabaseInUse``).
"""

from __future__ import annotations

import os
import sqlite3
import tarfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..errors import StorageError, StorageUnavailableError
from .locking import exclusive_use


@dataclass(frozen=True, slots=True)
class BackupFile:
    kind: str  # sqlite | csv | index
    path: Path
    size: int


def integrity_ok(path: Path) -> tuple[bool, str]:
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = conn.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return False, str(exc)
    return result == "ok", result


def backup_sqlite(db_path: Path, target: Path) -> BackupFile:
    if not db_path.exists():
        raise StorageUnavailableError(f"백업할 데이터베이스 '{db_path}'이(가) 없습니다.")
    tmp = target.with_name(target.name + ".partial")
    tmp.unlink(missing_ok=True)
    source = sqlite3.connect(db_path, timeout=30)
    dest = sqlite3.connect(tmp)
    try:
        source.backup(dest, pages=1024, sleep=0.005)  # copies in steps; writers are not blocked long
        dest.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    except sqlite3.Error as exc:
        raise StorageUnavailableError(f"백업 중 오류가 났습니다: {exc}") from None
    finally:
        dest.close()
        source.close()
    ok, detail = integrity_ok(tmp)
    if not ok:
        tmp.unlink(missing_ok=True)
        raise StorageError(f"백업 사본의 무결성 검사 실패({detail}): 백업을 저장하지 않았습니다.")
    _fsync(tmp)
    os.replace(tmp, target)
    return BackupFile("sqlite", target, target.stat().st_size)


def tar_files(files: list[Path], target: Path, *, kind: str, root: Path) -> BackupFile | None:
    if not files:
        return None
    tmp = target.with_name(target.name + ".partial")
    with tarfile.open(tmp, "w:gz") as tar:
        for file in files:
            tar.add(file, arcname=str(file.relative_to(root)))
    _fsync(tmp)
    os.replace(tmp, target)
    return BackupFile(kind, target, target.stat().st_size)


def prune(directory: Path, keep_days: int, now: float | None = None) -> list[Path]:
    """Delete our backup files older than ``keep_days``."""
    cutoff = (now or time.time()) - keep_days * 86_400
    removed = []
    for path in directory.glob("*"):
        if path.name.startswith(("ecommerce.db.", "csv_data.", "index.")) and path.stat().st_mtime < cutoff:
            path.unlink()
            removed.append(path)
    return removed


def restore_sqlite(backup: Path, db_path: Path) -> None:
    """Replace ``db_path`` with a verified copy of ``backup``; refuses while any server
    process runs on the database (each holds its in-use lock, see ``locking.DatabaseInUse``)."""
    if not backup.exists():
        raise StorageUnavailableError(f"백업 파일 '{backup}'이(가) 없습니다.")
    ok, detail = integrity_ok(backup)
    if not ok:
        raise StorageError(f"백업 파일 '{backup}'의 무결성 검사 실패({detail}): 복원하지 않았습니다.")
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with exclusive_use(db_path):  # no server runs, and none starts until the file is in place
        if db_path.exists():
            _ensure_unused(db_path)  # other programs (sqlite3 shell, scripts) writing right now
        tmp = db_path.with_name(db_path.name + ".restore-partial")
        src = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
        dst = sqlite3.connect(tmp)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
            src.close()
        _fsync(tmp)
        for stale in (db_path.with_name(db_path.name + "-wal"), db_path.with_name(db_path.name + "-shm")):
            stale.unlink(missing_ok=True)
        os.replace(tmp, db_path)


def _ensure_unused(db_path: Path) -> None:
    conn = sqlite3.connect(db_path, timeout=0.5, isolation_level=None)
    try:
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("ROLLBACK")
    except sqlite3.OperationalError:
        raise StorageUnavailableError(
            f"데이터베이스 '{db_path}'을(를) 다른 프로세스가 쓰고 있습니다. 서비스를 멈춘 뒤 복원하세요.") from None
    finally:
        conn.close()


def stamp(moment: datetime) -> str:
    """Per run, to the second: a second backup the same day keeps the first."""
    return moment.strftime("%Y%m%d-%H%M%S")


def unused(path: Path) -> Path:
    """``path``, or ``path`` with ``-2``, ``-3``… when a run in the same second made it."""
    candidate, n = path, 1
    while candidate.exists() or candidate.with_name(candidate.name + ".partial").exists():
        n += 1
        candidate = path.with_name(f"{path.name}-{n}") if not path.name.endswith(".tar.gz") \
            else path.with_name(path.name.removesuffix(".tar.gz") + f"-{n}.tar.gz")
    return candidate


def _fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())
