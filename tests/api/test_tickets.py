from __future__ import annotations

from fastapi.testclient import TestClient

from tests.support.app import assert_problem, login


def _an_order(client: TestClient, headers: dict[str, str], status: str = "delivered") -> str:
    return client.get("/users/me/orders", headers=headers, params={"status": status}).json()["orders"][0]["order_id"]


def test_create_then_read_at_once(client: TestClient) -> None:
    headers = login(client)
    order_id = _an_order(client, headers)
    created = client.post("/tickets", headers=headers, json={"order_id": order_id.lower(), "issue_type": "defect",
                                                             "description": "화면에 줄이 가요", "priority": "high"})
    assert created.status_code == 201, created.text
    ticket = created.json()
    assert ticket["order_id"] == order_id and ticket["status"] == "open" and ticket["source"] == "api"
    assert client.get(f"/tickets/{ticket['ticket_id']}", headers=headers).json() == ticket
    listed = client.get("/users/me/tickets", headers=headers, params={"status": "open"}).json()["tickets"]
    assert ticket["ticket_id"] in [t["ticket_id"] for t in listed]


def test_ticket_for_another_users_order_is_404_and_creates_nothing(client: TestClient) -> None:
    mine, theirs = login(client), login(client, "demo2@example.com")
    before = client.get("/users/me/tickets", headers=mine).json()["count"]
    response = client.post("/tickets", headers=mine, json={"order_id": _an_order(client, theirs),
                                                           "issue_type": "refund", "description": "환불"})
    assert_problem(response, 404)
    assert client.get("/users/me/tickets", headers=mine).json()["count"] == before


def test_ticket_validation(client: TestClient) -> None:
    headers = login(client)
    for body in ({"issue_type": "complaint", "description": "x"}, {"issue_type": "other", "description": ""},
                 {"issue_type": "other", "description": "가" * 2001}, {"issue_type": "other"},
                 {"issue_type": "other", "description": "x", "priority": "asap"},
                 {"issue_type": "other", "description": "x", "user_id": "U000002"}):
        assert_problem(client.post("/tickets", headers=headers, json=body), 422)
    ok = client.post("/tickets", headers=headers, json={"issue_type": "inquiry", "description": "가" * 2000})
    assert ok.status_code == 201 and ok.json()["order_id"] is None and ok.json()["priority"] == "normal"


def test_idempotent_ticket_creation(client: TestClient) -> None:
    headers = {**login(client), "Idempotency-Key": "tkt-1"}
    body = {"issue_type": "inquiry", "description": "영수증 재발급 문의"}
    first = client.post("/tickets", headers=headers, json=body)
    second = client.post("/tickets", headers=headers, json=body)
    assert first.status_code == second.status_code == 201
    assert first.json()["ticket_id"] == second.json()["ticket_id"]
    listed = client.get("/users/me/tickets", headers=headers, params={"limit": 100}).json()["tickets"]
    assert sum(t["description"] == "영수증 재발급 문의" for t in listed) == 1


def test_only_staff_resolve_and_staff_read_everything(client: TestClient) -> None:
    customer, staff = login(client), login(client, "agent@example.com")
    ticket = client.post("/tickets", headers=customer, json={"issue_type": "shipping",
                                                             "description": "배송 문의"}).json()
    assert_problem(client.post(f"/tickets/{ticket['ticket_id']}/resolve", headers=customer,
                               json={"note": "자체 종료"}), 403)
    assert client.get(f"/tickets/{ticket['ticket_id']}", headers=staff).status_code == 200
    resolved = client.post(f"/tickets/{ticket['ticket_id']}/resolve", headers=staff, json={"note": "안내 완료"})
    assert resolved.status_code == 200
    assert resolved.json()["status"] == "resolved" and resolved.json()["resolution_note"] == "안내 완료"
    other = login(client, "demo2@example.com")
    assert_problem(client.get(f"/tickets/{ticket['ticket_id']}", headers=other), 404)
