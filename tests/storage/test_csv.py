"""The CSV backend's single-writer lock and crash-safe writes, across processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from ecommerce_agent.errors import DataValidationError, StorageLockedError, StorageUnavailableError
from ecommerce_agent.storage.csvfiles import read_table, table_path, write_table
from ecommerce_agent.storage.csvstore import CsvRepository
from tests.support.factories import product_row, user

ROOT = Path(__file__).resolve().parents[2]


def _child(directory: Path, mode: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "tests.support.csv_child", str(directory), mode],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT)


@pytest.fixture
def csv_dir(tmp_path: Path) -> Path:
    repo = CsvRepository(tmp_path)
    repo.add_user(user("U1"))
    repo.load_tables({"products": [product_row("P1")]})
    repo.close()
    return tmp_path


def test_second_writer_process_is_refused_with_the_holder_named(csv_dir: Path) -> None:
    holder = _child(csv_dir, "hold")
    try:
        assert holder.stdout.readline().strip() == "ready"
        repo = CsvRepository(csv_dir)
        assert repo.counts()["users"] == 1  # reading is fine
        with pytest.raises(StorageLockedError) as refused:
            repo.add_user(user("U2"))
        assert f"pid {holder.pid}" in refused.value.message and "SQLite" in refused.value.message
        assert repo.get_user("U2") is None
    finally:
        holder.stdin.close()
        holder.wait(30)
    repo.add_user(user("U2"))  # the lock is free once the holder has exited
    assert CsvRepository(csv_dir).get_user("U2") is not None
    repo.close()


def test_a_killed_writer_leaves_no_stale_lock(csv_dir: Path) -> None:
    holder = _child(csv_dir, "hold")
    assert holder.stdout.readline().strip() == "ready"
    holder.send_signal(signal.SIGKILL)
    holder.wait(30)
    repo = CsvRepository(csv_dir)
    repo.acquire_writer()
    repo.close()


@pytest.mark.parametrize("kill_after", [1, 9, 23])
def test_readers_never_see_half_written_files_and_a_crash_corrupts_nothing(
        csv_dir: Path, kill_after: int) -> None:
    writer = _child(csv_dir, "churn")
    path = table_path(csv_dir, "tickets")
    last_reported, reads = 0, 0
    try:
        while last_reported < kill_after:
            last_reported = int(writer.stdout.readline())
            if path.exists():  # a concurrent reader: always a complete, valid file
                rows = list(read_table(path, "tickets"))
                assert len(rows) >= last_reported - 1
                reads += 1
    finally:
        writer.send_signal(signal.SIGKILL)  # possibly in the middle of a write
        writer.wait(30)
    # The writer may have finished more writes before the signal landed.
    last_reported = max([last_reported, *(int(n) for n in writer.stdout.read().split())])
    rows = list(read_table(path, "tickets"))
    assert last_reported <= len(rows) <= last_reported + 1  # +1: renamed but not yet reported
    assert reads >= 1
    repo = CsvRepository(csv_dir)
    repo.acquire_writer()  # and the next writer cleans the crashed writer's temp file
    assert not list(csv_dir.glob(".*.tmp-*"))
    repo.close()


def test_write_is_atomic_when_the_disk_write_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "products.csv"
    write_table(path, "products", [product_row("P1")])
    before = path.read_bytes()

    def broken(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken)
    with pytest.raises(StorageUnavailableError, match="No space left"):
        write_table(path, "products", [product_row("P1"), product_row("P2")])
    assert path.read_bytes() == before
    assert not list(tmp_path.glob(".*.tmp-*"))


def test_corrupt_csv_names_file_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "products.csv"
    write_table(path, "products", [product_row("P1"), product_row("P2")])
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace("45000", "사만오천")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as bad:
        CsvRepository(tmp_path).get_product("P1")
    assert bad.value.file == "products.csv" and bad.value.line == 3 and bad.value.column == "price"
    assert "products.csv:3" in bad.value.message


def test_missing_directory_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StorageUnavailableError, match="storage.csv.directory"):
        CsvRepository(tmp_path / "missing")


def test_other_process_changes_are_picked_up_by_readers(csv_dir: Path) -> None:
    reader = CsvRepository(csv_dir)
    assert reader.get_user("U2") is None
    writer = CsvRepository(csv_dir)
    writer.add_user(user("U2"))
    writer.close()
    assert reader.get_user("U2") == user("U2")
