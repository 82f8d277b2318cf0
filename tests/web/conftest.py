"""Browser tests: a real server (gunicorn, two workers, a copy of the test shop in a
temporary directory) on a loopback port, driven by Debian's Chromium through
Playwright. Without Chromium or Playwright the tests skip with the reason, except
under REQUIRE_SERVICES=1 (CI), where that is a failure."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.server import ROOT, gunicorn, live_server

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS_DIR", ROOT / "test-artifacts")) / "browser"
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
SECRET = "browser-test-secret-" + "b" * 32


def _unavailable(reason: str) -> None:
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"browser tests required (REQUIRE_SERVICES=1) but {reason}")
    pytest.skip(f"browser tests skipped: {reason}")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} not installed (apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install -e '.[dev]')")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def shop_db(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("browser-shop") / "shop.db"
    shutil.copy(template_db, path)
    return path


@pytest.fixture(scope="module")
def server(shop_db: Path, search_index: Path, browser: Any) -> Iterator[str]:
    """Two workers: a page's live stream and the staff's writes land on different processes."""
    config = yaml.safe_load((ROOT / "configs" / "app.yaml").read_text(encoding="utf-8"))
    config["app"]["env"] = "development"
    config["storage"]["sqlite"]["database"] = str(shop_db)
    config["logging"]["file"] = str(shop_db.parent / "app.log")
    config["logging"]["level"] = "WARNING"
    config["auth"]["dev_secret_file"] = str(shop_db.parent / ".jwt-secret")
    config["search"]["index_dir"] = str(search_index)
    config["search"]["policies_dir"] = str(ROOT / "data" / "policies")
    config["nlu"]["model_dir"] = str(ROOT / "data" / "nlu" / "model")
    path = shop_db.parent / "app.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    env = {"ECOMMERCE_CONFIG": str(path), "JWT_SECRET_KEY": SECRET, "APP_ENV": "development",
           "LOG_LEVEL": "WARNING", "WEB_CONCURRENCY": "2",
           "PROMETHEUS_MULTIPROC_DIR": str(shop_db.parent / "metrics")}
    with live_server(gunicorn("--workers", "2"), env, deadline=180) as base:
        yield base


@pytest.fixture(scope="module")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
