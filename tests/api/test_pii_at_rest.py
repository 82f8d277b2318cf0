"""Personal data never reaches storage or the logs raw (issue #15, finding 5):
every path that stores or logs free text goes through one masking function,
which now also knows spaced-out registration numbers, landlines and card-shaped
numbers with a wrong check sum."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

from fastapi.testclient import TestClient

from ecommerce_agent.config import Settings
from ecommerce_agent.storage import open_sqlite
from tests.support.app import login

SPACED_RRN = "9 0 0 1 0 1 - 1 2 3 4 5 6 7"
LANDLINE = "02-123-4567"
CARD = "1234 5678 9012 3456"  # Luhn-invalid
PII_TEXT = f"주민번호 {SPACED_RRN}, 집 전화 {LANDLINE}, 031-1234-5678, 카드 {CARD} 입니다"
RAW = (SPACED_RRN, LANDLINE, "031-1234-5678", CARD, "1 2 3 4 5 6 7", "123-4567", "9012 3456")


def _dump(settings: Settings) -> str:
    """Every stored row, as text."""
    repo = open_sqlite(settings.storage.sqlite.database)
    try:
        return json.dumps([row for table in ("users", "orders", "order_items", "tickets", "conversations",
                                             "messages") for row in repo.iter_rows(table)],
                          ensure_ascii=False, default=str)
    finally:
        repo.close()


def _assert_clean(text: str) -> None:
    leaked = [raw for raw in RAW if raw in text]
    assert not leaked, leaked


def _paid_order(client: TestClient, headers: dict[str, str]) -> str:
    orders = client.get("/users/me/orders", headers=headers, params={"status": "paid", "limit": 100}).json()
    return orders["orders"][0]["order_id"]


def test_every_stored_free_text_is_masked(client: TestClient, settings: Settings) -> None:
    headers = login(client)
    ticket = client.post("/tickets", headers=headers, json={"issue_type": "other", "description": PII_TEXT,
                                                            "reason": PII_TEXT})
    assert ticket.status_code == 201, ticket.text
    assert "[주민등록번호]" in ticket.json()["description"] and "[카드번호]" in ticket.json()["description"]
    order_id = _paid_order(client, headers)
    cancelled = client.post(f"/orders/{order_id}/cancel", headers=headers, json={"reason": PII_TEXT})
    assert cancelled.status_code == 200, cancelled.text
    assert client.post("/conversations", headers=headers, json={"title": f"전화 {LANDLINE}"}).status_code == 201
    assert client.post("/chat", headers=headers, json={"message": PII_TEXT}).status_code == 200
    v1 = client.post("/v1/chat/completions", headers=headers,
                     json={"model": "ecommerce-agent", "messages": [{"role": "user", "content": PII_TEXT}]})
    assert v1.status_code == 200, v1.text
    staff = login(client, "agent@example.com")
    resolved = client.post(f"/tickets/{ticket.json()['ticket_id']}/resolve", headers=staff,
                           json={"note": f"고객 {LANDLINE}로 통화 완료"})
    assert resolved.status_code == 200, resolved.text
    registered = client.post("/auth/register", json={"email": "pii@example.com", "password": "s3cret-pass",
                                                     "name": f"홍길동 {LANDLINE}"})
    assert registered.status_code == 201 and LANDLINE not in registered.json()["name"]

    stored = _dump(settings)
    _assert_clean(stored)
    assert stored.count("[주민등록번호]") >= 4  # ticket (2), cancel reason, chat and /v1 messages
    # Order ids, amounts and dates are kept as they were.
    assert order_id in stored and re.search(r"\d{4}-\d{2}-\d{2}", stored)


def test_log_lines_are_masked(client: TestClient, settings: Settings, tmp_path: Path) -> None:
    logging.getLogger("ecommerce_agent.test").warning("shopper wrote: %s", PII_TEXT)
    for handler in logging.getLogger().handlers:
        handler.flush()
    log_file = settings.logging.file
    written = Path(log_file).read_text(encoding="utf-8")
    assert "shopper wrote" in written
    _assert_clean(written)
