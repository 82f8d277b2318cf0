"""The staff console through HTTP: queue, takeover (claim → the shopper's messages go to
the person → their replies reach the shopper → hand back → the agent answers again),
resolving with a note, the audit log, and staff powers on customers' data."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from tests.support.app import assert_problem, login

STAFF = "agent@example.com"


def _say(client: TestClient, headers: dict[str, str], message: str, session_id: str | None = None) -> dict:
    body = {"message": message} | ({"session_id": session_id} if session_id else {})
    response = client.post("/chat", headers=headers, json=body)
    assert response.status_code == 200, response.text
    return response.json()


def _handoff(client: TestClient, shopper: dict[str, str]) -> tuple[str, str]:
    turn = _say(client, shopper, "상담원 연결해 주세요")
    assert turn["handoff"] is True
    detail = client.get(f"/conversations/{turn['session_id']}", headers=shopper).json()
    ticket = next(a["ticket_id"] for a in turn["actions"] if a["type"] == "handoff")
    assert detail["status"] == "handed_off" and detail["assignee"] is None
    return turn["session_id"], ticket


def test_the_queue_is_for_staff_and_lists_handoffs_first_oldest_first(client: TestClient) -> None:
    shopper, other, staff = login(client), login(client, "demo2@example.com"), login(client, STAFF)
    first, first_ticket = _handoff(client, shopper)
    second, _ = _handoff(client, other)
    created = client.post("/tickets", headers=shopper, json={"issue_type": "inquiry", "description": "영수증 문의"})
    assert created.status_code == 201
    for headers in (shopper, other):
        assert_problem(client.get("/console/queue", headers=headers), 403)
    items = client.get("/console/queue", headers=staff).json()["items"]
    kinds = [i["kind"] for i in items]
    assert kinds == sorted(kinds, key=lambda k: k != "handoff")  # every handoff before any ticket
    handoffs = [i["conversation_id"] for i in items if i["kind"] == "handoff"]
    assert handoffs.index(first) < handoffs.index(second)  # oldest first
    mine = next(i for i in items if i["conversation_id"] == first)
    assert mine["ticket_id"] == first_ticket and mine["customer"]["email"] == "demo@example.com"
    assert mine["waiting_seconds"] >= 0 and mine["assignee"] is None
    # the handoff's ticket is not listed twice; the plain ticket is there
    assert [i["ticket_id"] for i in items].count(first_ticket) == 1
    assert created.json()["ticket_id"] in [i["ticket_id"] for i in items if i["kind"] == "ticket"]
    # filters and search
    only_tickets = client.get("/console/queue", headers=staff, params={"kind": "ticket"}).json()["items"]
    assert only_tickets and {i["kind"] for i in only_tickets} == {"ticket"}
    by_email = client.get("/console/queue", headers=staff, params={"q": "demo2@example.com"}).json()["items"]
    assert [i["conversation_id"] for i in by_email] == [second]
    by_ticket = client.get("/console/queue", headers=staff, params={"q": first_ticket.lower()}).json()["items"]
    assert [i["conversation_id"] for i in by_ticket] == [first]
    refunds = client.get("/console/queue", headers=staff, params={"type": "refund", "kind": "ticket"}).json()["items"]
    assert refunds and [i["ticket_id"] for i in refunds] == [i["ticket_id"] for i in only_tickets
                                                              if i["issue_type"] == "refund"]


def test_takeover_round_trip(client: TestClient) -> None:
    shopper, staff = login(client), login(client, STAFF)
    cid, _ = _handoff(client, shopper)
    claimed = client.post(f"/console/conversations/{cid}/claim", headers=staff)
    assert claimed.status_code == 200 and claimed.json()["name"] == "박상담"
    assert client.get(f"/conversations/{cid}", headers=shopper).json()["assignee"]["name"] == "박상담"
    # the shopper's message goes to the person: no agent reply, phone number masked
    forwarded = _say(client, shopper, "배송지가 틀렸어요 010-9876-5432로 연락 주세요", cid)
    assert forwarded["reply"] == "" and forwarded["staff"]["name"] == "박상담" and forwarded["intent"] == "staff"
    view = client.get(f"/console/conversations/{cid}", headers=staff).json()
    last = view["messages"][-1]
    assert last["role"] == "user" and "9876" not in last["text"]
    assert view["customer"]["user_id"] == "U000001" and view["orders"] and view["tickets"]
    agent_turns = [m for m in view["messages"] if m["role"] == "assistant"]
    assert agent_turns and agent_turns[0]["intent"] == "handoff" and agent_turns[0]["confidence"] is not None
    assert any(t["name"] == "create_ticket" for t in agent_turns[0]["tools"])  # the turn trace
    # the staff reply reaches the shopper's conversation (and its live stream)
    sent = client.post(f"/console/conversations/{cid}/messages", headers=staff, json={"text": "확인해 드릴게요"})
    assert sent.status_code == 200 and sent.json()["role"] == "staff"
    seen = client.get(f"/conversations/{cid}", headers=shopper).json()["messages"]
    assert seen[-1]["role"] == "staff" and seen[-1]["text"] == "확인해 드릴게요" and seen[-1]["staff_name"] == "박상담"
    events = _events(client, shopper, cid, after=seen[-2]["message_id"])
    assert ("message", "확인해 드릴게요") in [(name, data.get("text")) for name, data in events]
    assert ("assignee", "박상담") in [(n, (d.get("assignee") or {}).get("name")) for n, d in events]
    # another staff member cannot reply; a customer cannot use the console
    assert_problem(client.post(f"/console/conversations/{cid}/messages", headers=shopper, json={"text": "x"}), 403)
    # hand back: the agent answers again
    back = client.post(f"/console/conversations/{cid}/release", headers=staff)
    assert back.status_code == 200 and back.json()["status"] == "active"
    again = _say(client, shopper, "최근 주문 보여줘", cid)
    assert again["reply"] and again["intent"] != "staff" and again.get("staff") is None
    assert client.get(f"/conversations/{cid}", headers=shopper).json()["assignee"] is None
    assert_problem(client.post(f"/console/conversations/{cid}/messages", headers=staff, json={"text": "x"}),
                   409, "not_claimed")
    actions = [(e["action"], e["staff_id"], e["customer_id"], e["resource"]) for e in
               client.get("/console/audit", headers=staff, params={"customer_id": "U000001"}).json()["entries"]]
    for action in ("conversation.claim", "conversation.reply", "conversation.hand_back", "conversation.view"):
        assert (action, "U000003", "U000001", f"conversation:{cid}") in actions
    assert_problem(client.get("/console/audit", headers=shopper), 403)


def _events(client: TestClient, headers: dict[str, str], cid: str, *, after: int) -> list[tuple[str, dict]]:
    """Read the live stream until its first message event (bounded by the stream's own end)."""
    found: list[tuple[str, dict]] = []
    with client.stream("GET", f"/conversations/{cid}/events", headers=headers, params={"after": after}) as r:
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        name = None
        for line in r.iter_lines():
            if line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:"):
                found.append((name or "message", json.loads(line[5:])))
                if name == "message":
                    break
    return found


def test_a_second_person_cannot_claim_a_held_conversation(client: TestClient, settings) -> None:  # noqa: ANN001
    from ecommerce_agent.domain.clock import utcnow
    from ecommerce_agent.domain.users import Role, User
    from ecommerce_agent.security import hash_password

    client.app.state.repo.add_user(User(user_id="U900001", email="agent2@example.com", name="최상담",
                                        role=Role.AGENT, password_hash=hash_password("agent2-pass!"),
                                        phone="010-0000-0000", address="-", created_at=utcnow()))
    shopper, staff = login(client), login(client, STAFF)
    token = client.post("/auth/login", json={"email": "agent2@example.com", "password": "agent2-pass!"})
    second = {"Authorization": f"Bearer {token.json()['access_token']}"}
    cid, _ = _handoff(client, shopper)
    assert client.post(f"/console/conversations/{cid}/claim", headers=staff).status_code == 200
    assert client.post(f"/console/conversations/{cid}/claim", headers=staff).status_code == 200  # same person: fine
    body = assert_problem(client.post(f"/console/conversations/{cid}/claim", headers=second), 409, "already_claimed")
    assert "박상담" in body["detail"]
    assert_problem(client.post(f"/console/conversations/{cid}/release", headers=second), 409, "not_claimed")
    notices = [m for m in client.get(f"/conversations/{cid}", headers=shopper).json()["messages"]
               if m["role"] == "notice"]
    assert len(notices) == 1  # one "took over" notice despite the repeated claim


def test_resolving_a_ticket_tells_the_shopper(client: TestClient) -> None:
    shopper, staff = login(client), login(client, STAFF)
    cid, ticket = _handoff(client, shopper)
    assert_problem(client.post(f"/tickets/{ticket}/resolve", headers=shopper, json={"note": "끝"}), 403)
    done = client.post(f"/tickets/{ticket}/resolve", headers=staff,
                       json={"note": "환불 처리했습니다. 문의는 010-1111-2222로"})
    assert done.status_code == 200 and done.json()["status"] == "resolved"
    assert "2222" not in done.json()["resolution_note"]
    last = client.get(f"/conversations/{cid}", headers=shopper).json()["messages"][-1]
    assert last["role"] == "notice" and ticket in last["text"] and "환불 처리했습니다" in last["text"]
    entry = client.get("/console/audit", headers=staff).json()["entries"][0]
    assert (entry["action"], entry["resource"], entry["customer_id"]) == ("ticket.resolve", f"ticket:{ticket}",
                                                                          "U000001")
    assert cid not in [i["conversation_id"] for i in client.get("/console/queue", headers=staff).json()["items"]]


def test_staff_cannot_delete_a_customers_conversation(client: TestClient) -> None:
    shopper, other, staff = login(client), login(client, "demo2@example.com"), login(client, STAFF)
    cid = _say(client, shopper, "안녕하세요")["session_id"]
    assert_problem(client.delete(f"/conversations/{cid}", headers=staff), 403)
    assert_problem(client.delete(f"/conversations/{cid}", headers=other), 404)
    assert client.get(f"/conversations/{cid}", headers=shopper).status_code == 200
    assert client.delete(f"/conversations/{cid}", headers=shopper).status_code == 204


def test_staff_cancel_needs_a_reason_and_is_audited(client: TestClient) -> None:
    shopper, staff = login(client), login(client, STAFF)
    order = client.get("/users/me/orders", headers=shopper, params={"status": "paid"}).json()["orders"][0]["order_id"]
    body = assert_problem(client.post(f"/orders/{order}/cancel", headers=staff, json={}), 422, "reason_required")
    assert "사유" in body["detail"]
    assert client.get(f"/orders/{order}", headers=shopper).json()["status"] == "paid"
    done = client.post(f"/orders/{order}/cancel", headers=staff, json={"reason": "고객 전화 요청 010-3333-4444"})
    assert done.status_code == 200 and done.json()["status"] == "cancelled"
    entry = client.get("/console/audit", headers=staff, params={"staff_id": "U000003"}).json()["entries"][0]
    assert entry["action"] == "order.cancel" and entry["resource"] == f"order:{order}"
    assert entry["customer_id"] == "U000001" and entry["result"] == "ok" and "4444" not in entry["reason"]
    assert entry["at"]
    # a customer's own cancel needs no reason and leaves no staff record
    own = client.get("/users/me/orders", headers=shopper, params={"status": "paid"}).json()["orders"][0]["order_id"]
    assert client.post(f"/orders/{own}/cancel", headers=shopper, json={}).status_code == 200
    assert all(e["resource"] != f"order:{own}" for e in
               client.get("/console/audit", headers=staff).json()["entries"])


def test_on_the_csv_backend_staff_writes_refuse_before_anything_changes(tmp_path, search_index) -> None:  # noqa: ANN001
    from ecommerce_agent.api.app import create_app
    from ecommerce_agent.demo.generate import DEMO_ACCOUNTS, DemoShop, SeedPlan
    from ecommerce_agent.domain.clock import KST, utcnow
    from ecommerce_agent.security import hash_password
    from ecommerce_agent.storage.csvstore import CsvRepository
    from tests.support.app import _with_index
    from tests.support.factories import settings_for

    plan = SeedPlan(anchor=utcnow().astimezone(KST).replace(second=0, microsecond=0), users=10, products=20,
                    orders=30, demo_password_hashes={a.email: hash_password(a.password) for a in DEMO_ACCOUNTS})
    seeded = CsvRepository(tmp_path)
    seeded.load_tables(DemoShop(plan).batches())
    seeded.close()
    settings = _with_index(settings_for(tmp_path, "csv", JWT_SECRET_KEY="csv-secret-" + "c" * 40), search_index)
    with TestClient(create_app(settings)) as client:
        shopper, staff = login(client), login(client, STAFF)
        order = client.get("/users/me/orders", headers=shopper, params={"status": "paid"}).json()["orders"][0][
            "order_id"]
        body = assert_problem(client.post(f"/orders/{order}/cancel", headers=staff, json={"reason": "전화 요청"}),
                              503, "console_unavailable")
        assert "CSV" in body["detail"]
        assert client.get(f"/orders/{order}", headers=shopper).json()["status"] == "paid"
        assert_problem(client.get("/console/queue", headers=staff), 503, "console_unavailable")
        cid = _say(client, shopper, "안녕하세요")["session_id"]
        assert _say(client, shopper, "최근 주문 보여줘", cid)["reply"]  # shoppers chat on with the agent
