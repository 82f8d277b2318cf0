"""OS file locks: the CSV single-writer lock (it says who holds it) and the SQLite
database's in-use lock (servers share it; a restore needs it alone)."""

from __future__ import annotations

import fcntl
import os
import socket
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from ..errors import StorageLockedError


class FileLock:
    """A non-blocking ``flock`` on ``path``; the holder writes its pid, host and command.

    The lock dies with the process (the kernel releases it), so a crashed
    writer never leaves a stale lock behind; the text is only for messages.
    """

    def __init__(self, path: Path, purpose: str) -> None:
        self.path, self.purpose = path, purpose
        self._handle: IO[str] | None = None

    @property
    def held(self) -> bool:
        return self._handle is not None

    def acquire(self) -> None:
        if self._handle is not None:
            return
        handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held until release
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "알 수 없는 프로세스"
            handle.close()
            raise StorageLockedError(
                f"{self.purpose}: 다른 프로세스({holder})가 쓰기 잠금({self.path})을 갖고 있습니다. "
                "CSV 저장소는 한 프로세스만 쓸 수 있습니다 — 그 프로세스를 멈추거나 SQLite 백엔드를 사용하세요."
            ) from None
        handle.seek(0)
        handle.truncate()
        command = " ".join(Path(a).name if i == 0 else a for i, a in enumerate(sys.argv[:3]))
        handle.write(f"pid {os.getpid()}, host {socket.gethostname()}, {command}")
        handle.flush()
        self._handle = handle

    def release(self) -> None:
        if self._handle is not None:
            self._handle.seek(0)
            self._handle.truncate()
            fcntl.flock(self._handle.fileno(), fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None


def in_use_lock_path(db_path: Path) -> Path:
    """The sidecar lock file of a SQLite database (``ecommerce.db`` → ``ecommerce.db-inuse.lock``)."""
    return db_path.with_name(db_path.name + "-inuse.lock")


class DatabaseInUse:
    """A shared ``flock`` on the database's sidecar lock file, held by every server
    process for its whole life (and by the gunicorn master, whose workers inherit it).

    ``restore`` takes the same lock exclusively: while any server runs, it cannot,
    and while a restore runs no server starts. SQLite's own locks cannot tell this:
    an idle WAL connection holds no lock, yet keeps writing to the old file after
    the restore replaced it. The kernel drops the lock when the process dies.
    """

    def __init__(self, db_path: Path) -> None:
        self.path = in_use_lock_path(Path(db_path))
        self._handle: IO[str] | None = None

    def acquire(self, *, wait: float = 10.0) -> None:
        if self._handle is not None or not self.path.parent.is_dir():
            return  # no data directory: opening the database fails next, with its own message
        handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held until release
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:  # a restore holds it exclusively
                    handle.close()
                    raise StorageLockedError(
                        f"데이터베이스 복원이 진행 중이라 서버를 시작할 수 없습니다({self.path}). "
                        "복원이 끝난 뒤 다시 시작하세요.") from None
                time.sleep(0.1)  # a restore takes seconds; wait for it within the deadline
        self._handle = handle

    def release(self) -> None:
        if self._handle is not None:
            self._handle.close()  # closing the last descriptor drops the lock
            self._handle = None


@contextmanager
def exclusive_use(db_path: Path) -> Iterator[None]:
    """Hold the database's sidecar lock exclusively, or refuse at once (one Korean line)
    while any server process holds it shared."""
    path = in_use_lock_path(Path(db_path))
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pids = _lock_holders(handle.fileno())
            who = f" (pid {', '.join(map(str, pids))})" if pids else ""
            raise StorageLockedError(
                f"복원 거부: 서비스가 실행 중입니다 — 데이터베이스 '{db_path}'을(를) 쓰는 서버 프로세스가 "
                f"있습니다{who}. 서비스를 멈춘 뒤 다시 복원하세요.") from None
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _lock_holders(fd: int) -> list[int]:
    """Pids holding a lock on the file behind ``fd`` (Linux ``/proc/locks``; best effort)."""
    st = os.fstat(fd)
    wanted = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    pids: set[int] = set()
    try:
        lines = Path("/proc/locks").read_text(encoding="ascii", errors="replace").splitlines()
    except OSError:
        return []
    for line in lines:
        fields = line.split()
        # "1: FLOCK  ADVISORY  READ 1234 08:01:56789 0 EOF" (blocked waiters have "->" first)
        if len(fields) >= 6 and fields[1] != "->" and fields[5] == wanted and fields[4].isdigit():
            pids.add(int(fields[4]))
    return sorted(pids - {os.getpid()})
