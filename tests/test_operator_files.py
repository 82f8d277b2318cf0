"""Tests write only to temporary directories: the guard that fails a session
which touched the checkout's log/, data/ or backups/ sees every kind of change."""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi.testclient import TestClient

from ecommerce_agent.api.app import create_app
from ecommerce_agent.config import Settings
from tests.support.guard import ROOT, changes, snapshot


def test_the_guard_sees_added_changed_and_removed_files(tmp_path: Path) -> None:
    (tmp_path / "log").mkdir()
    (tmp_path / "log" / "app.log").write_text("one\n", encoding="utf-8")
    (tmp_path / "data" / "__pycache__").mkdir(parents=True)
    before = snapshot(tmp_path)
    assert changes(before, snapshot(tmp_path)) == []
    with open(tmp_path / "log" / "app.log", "a", encoding="utf-8") as handle:
        handle.write("two\n")
    (tmp_path / "backups").mkdir()
    (tmp_path / "backups" / "ecommerce.db.20261126").write_bytes(b"x")
    (tmp_path / "data" / "__pycache__" / "x.pyc").write_bytes(b"ignored")
    assert changes(before, snapshot(tmp_path)) == ["added backups/ecommerce.db.20261126",
                                                   "changed log/app.log"]
    (tmp_path / "log" / "app.log").unlink()
    assert "removed log/app.log" in changes(before, snapshot(tmp_path))


def test_an_app_under_test_logs_into_the_tests_directory(settings: Settings, tmp_path: Path) -> None:
    before = snapshot(ROOT)
    with TestClient(create_app(settings)) as client:
        assert client.get("/healthz").status_code == 200
        logging.getLogger("ecommerce_agent.test").error("a test's own error line")
    assert changes(before, snapshot(ROOT)) == []
    assert "a test's own error line" in (tmp_path / "log" / "app.log").read_text(encoding="utf-8")
