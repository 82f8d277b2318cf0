"""Exclusive OS file locks that say who holds them."""

from __future__ import annotations

import fcntl
import os
import socket
import sys
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
