"""The operator's files are not the tests' to touch: a session that changes the
checkout's log/, data/ or backups/ fails, naming what changed.

Registered in tests/conftest.py. The snapshot is taken when the session starts
and compared when it ends (files added, removed, resized or rewritten).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUARDED = ("log", "data", "backups")
Snapshot = dict[str, tuple[int, int]]


def snapshot(root: Path, guarded: tuple[str, ...] = GUARDED) -> Snapshot:
    """relative path -> (size, mtime_ns) of every file under the guarded directories."""
    found: Snapshot = {}
    for name in guarded:
        for directory, dirs, files in os.walk(root / name):
            dirs[:] = [d for d in dirs if d != "__pycache__"]  # Python's own byte-code cache
            for file in files:
                path = Path(directory, file)
                try:
                    st = path.stat()
                except FileNotFoundError:
                    continue
                found[str(path.relative_to(root))] = (st.st_size, st.st_mtime_ns)
    return found


def changes(before: Snapshot, after: Snapshot) -> list[str]:
    """What differs, one line each (added, removed, changed), sorted."""
    lines = [f"added {p}" for p in after.keys() - before.keys()]
    lines += [f"removed {p}" for p in before.keys() - after.keys()]
    lines += [f"changed {p}" for p in before.keys() & after.keys() if before[p] != after[p]]
    return sorted(lines)


_STASH = pytest.StashKey[Snapshot]()


def pytest_sessionstart(session: pytest.Session) -> None:
    session.stash[_STASH] = snapshot(ROOT)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    before = session.stash.get(_STASH, None)
    if before is None:
        return
    found = changes(before, snapshot(ROOT))
    if found:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        message = ("tests changed the operator's files (log/, data/, backups/ must stay as they were; "
                   "write to tmp_path instead):\n  " + "\n  ".join(found[:50]))
        if reporter is not None:
            reporter.write_sep("=", "operator files changed", red=True)
            reporter.write_line(message)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
