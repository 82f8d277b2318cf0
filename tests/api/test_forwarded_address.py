"""Behind a trusted reverse proxy the limits key on the forwarded client address
(FORWARDED_ALLOW_IPS, docs/operations.md); from an untrusted peer the header is
ignored, so forging X-Forwarded-For does not escape a limit."""

from __future__ import annotations

import sys
from pathlib import Path

import httpx2
import pytest

from tests.support.server import live_server

pytestmark = pytest.mark.slow


def _serve(tmp_path: Path, trusted: str):  # noqa: ANN202
    (tmp_path / "data").mkdir(exist_ok=True)
    config = tmp_path / "app.yaml"
    config.write_text("rate_limits:\n  search_per_ip: '2/minute'\nlogging:\n  file: null\n", encoding="utf-8")
    env = {"ECOMMERCE_CONFIG": str(config), "SQLITE_DATABASE": str(tmp_path / "data" / "shop.db"),
           "FORWARDED_ALLOW_IPS": trusted, "PYTHONWARNINGS": "ignore"}
    command = [sys.executable, "-m", "ecommerce_agent", "serve", "--host", "127.0.0.1", "--port", "{port}"]
    return live_server(command, env)


def _search(base: str, forwarded: str) -> int:
    return httpx2.get(f"{base}/policies/search", params={"q": "환불"},
                      headers={"X-Forwarded-For": forwarded}, timeout=30).status_code


def test_a_trusted_proxy_forwards_the_client_address(tmp_path: Path) -> None:
    with _serve(tmp_path, "127.0.0.1") as base:
        assert [_search(base, "198.51.100.1") for _ in range(3)][-1] == 429
        assert _search(base, "198.51.100.2") != 429  # another client behind the same proxy


def test_an_untrusted_peer_cannot_forge_its_address(tmp_path: Path) -> None:
    with _serve(tmp_path, "10.99.99.99") as base:
        assert _search(base, "198.51.100.1") != 429
        assert _search(base, "198.51.100.2") != 429
        assert _search(base, "198.51.100.3") == 429  # all three counted as the one real peer
