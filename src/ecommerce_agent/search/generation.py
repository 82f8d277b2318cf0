"""The reload generation: how every worker on a host learns that the operator
asked for the index to be reloaded.

`POST /admin/reload-index` (or SIGHUP) reaches one process. That process bumps a
counter in ``<index_dir>/reload.generation``; every worker compares the file's
``stat`` with what it saw last (a few microseconds, at most every
``interval`` seconds per request) and reloads when the generation moved. The
file lives beside ``manifest.json`` because both describe the index on this host.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from pathlib import Path

GENERATION_FILE = "reload.generation"


class GenerationFile:
    def __init__(self, index_dir: Path) -> None:
        self.path = Path(index_dir) / GENERATION_FILE
        self._seen: tuple[int, int, int] | None = None
        self._value = 0
        self._lock = threading.Lock()

    def read(self) -> int:
        """The current generation (0 before the first reload); reads the file only
        when its stat changed."""
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return 0
        stamp = (st.st_ino, st.st_size, st.st_mtime_ns)
        with self._lock:
            if stamp != self._seen:
                try:
                    self._value = int(self.path.read_text(encoding="ascii").strip() or 0)
                except (OSError, ValueError):
                    return self._value  # a torn or foreign file: keep what we knew
                self._seen = stamp
            return self._value

    def bump(self) -> int:
        """Next generation, written atomically (two bumps at once both count)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_name(".reload.lock"), "a+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                current = int(self.path.read_text(encoding="ascii").strip() or 0)
            except (OSError, ValueError):
                current = 0
            tmp = self.path.with_name(f".{GENERATION_FILE}.{os.getpid()}.tmp")
            tmp.write_text(f"{current + 1}\n", encoding="ascii")
            os.replace(tmp, self.path)
        return current + 1


class Throttle:
    """True at most once per ``interval`` seconds (per process)."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._next = 0.0

    def due(self) -> bool:
        now = time.monotonic()
        if now < self._next:
            return False
        self._next = now + self.interval
        return True


__all__ = ["GENERATION_FILE", "GenerationFile", "Throttle"]
