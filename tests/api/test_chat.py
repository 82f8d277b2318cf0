"""`/chat` and `/conversations/*` through HTTP: the agent answers as the token's user."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.support.app import assert_problem, login

CHAT_KEYS = {"session_id", "reply", "intent", "confidence", "slots", "pending_action", "actions", "cards",
             "citations", "handoff", "trace_id"}


def _paid_order(client: TestClient, headers: dict[str, str]) -> str:
    orders = client.get("/users/me/orders", headers=headers, params={"status": "paid"}).json()["orders"]
    return orders[0]["order_id"]


def _say(client: TestClient, headers: dict[str, str], message: str, session_id: str | None = None) -> dict:
    body = {"message": message} | ({"session_id": session_id} if session_id else {})
    response = client.post("/chat", headers=headers, json=body)
    assert response.status_code == 200, response.text
    return response.json()


def test_chat_cancels_only_after_an_explicit_yes(client: TestClient) -> None:
    headers = login(client)
    order_id = _paid_order(client, headers)
    first = _say(client, headers, f"{order_id} 주문 취소하고 싶어요")
    assert CHAT_KEYS <= set(first) and first["intent"] == "order.cancel"
    assert first["pending_action"]["order_id"] == order_id and "취소할까요" in first["reply"]
    assert client.get(f"/orders/{order_id}", headers=headers).json()["status"] == "paid"  # nothing yet
    done = _say(client, headers, "네 취소해 주세요", first["session_id"])
    assert done["session_id"] == first["session_id"] and done["pending_action"] is None
    assert [a["order_id"] for a in done["actions"]] == [order_id]
    assert client.get(f"/orders/{order_id}", headers=headers).json()["status"] == "cancelled"
    again = _say(client, headers, "네", first["session_id"])  # a repeated yes does nothing twice
    assert again["actions"] == []


def test_another_users_order_through_the_chat_reveals_nothing(client: TestClient) -> None:
    mine, theirs = login(client), login(client, "demo2@example.com")
    other_order = _paid_order(client, theirs)
    detail = client.get(f"/orders/{other_order}", headers=theirs).json()
    for message in (f"{other_order} 주문 상태 알려줘", f"{other_order} 취소해줘"):
        turn = _say(client, mine, message)
        assert turn["pending_action"] is None and turn["actions"] == [] and turn["cards"] == []
        assert detail["shipping_address"] not in turn["reply"] and f"{detail['total_amount']:,}원" not in turn["reply"]
        _say(client, mine, "네", turn["session_id"])
    assert client.get(f"/orders/{other_order}", headers=theirs).json()["status"] == "paid"


def test_chat_refuses_a_user_id_that_is_not_the_callers(client: TestClient) -> None:
    headers = login(client)
    assert_problem(client.post("/chat", headers=headers, json={"message": "안녕하세요", "user_id": "U000002"}), 403)
    assert _say(client, headers, "안녕하세요") and client.post(
        "/chat", headers=headers, json={"message": "안녕하세요", "user_id": "U000001"}).status_code == 200


def test_chat_needs_a_token_and_valid_input(client: TestClient) -> None:
    assert_problem(client.post("/chat", json={"message": "안녕"}), 401)
    headers = login(client)
    for body in ({"message": ""}, {"message": "   "}, {"message": "가" * 2001}, {}, {"message": "hi", "x": 1}):
        assert_problem(client.post("/chat", headers=headers, json=body), 422)
    assert_problem(client.post("/chat", headers=headers, json={"message": "안녕", "session_id": "CNV-NOPE"}), 404)


def test_conversations_lifecycle_and_privacy(client: TestClient) -> None:
    mine, theirs, staff = login(client), login(client), login(client, "demo2@example.com")
    created = client.post("/conversations", headers=mine, json={"title": "배송 문의 010-1234-5678"})
    assert created.status_code == 201
    conversation = created.json()
    cid = conversation["conversation_id"]
    assert conversation["user_id"] == "U000001" and "1234-5678" not in conversation["title"]
    reply = client.post(f"/conversations/{cid}/messages", headers=mine,
                        json={"message": "제 번호 010-9876-5432로 연락 주세요. 최근 주문 보여줘"})
    assert reply.status_code == 200 and reply.json()["session_id"] == cid
    detail = client.get(f"/conversations/{cid}", headers=theirs).json()
    assert [m["role"] for m in detail["messages"]] == ["user", "assistant"]
    assert "9876" not in str(detail) and detail["messages"][1]["text"] == reply.json()["reply"]
    assert cid in [c["conversation_id"] for c in client.get("/conversations", headers=mine).json()["conversations"]]
    # another shopper: 404 everywhere, and their list does not show it
    for response in (client.get(f"/conversations/{cid}", headers=staff),
                     client.post(f"/conversations/{cid}/messages", headers=staff, json={"message": "안녕"}),
                     client.delete(f"/conversations/{cid}", headers=staff)):
        assert_problem(response, 404)
    assert cid not in str(client.get("/conversations", headers=staff).json())
    assert client.delete(f"/conversations/{cid}", headers=mine).status_code == 204
    assert_problem(client.get(f"/conversations/{cid}", headers=mine), 404)


def test_staff_may_read_a_customers_conversation_but_not_speak_in_it(client: TestClient) -> None:
    mine, staff = login(client), login(client, "agent@example.com")
    cid = _say(client, mine, "상담원 연결해 주세요")["session_id"]
    assert client.get(f"/conversations/{cid}", headers=staff).status_code == 200
    assert_problem(client.post(f"/conversations/{cid}/messages", headers=staff, json={"message": "네"}), 403)


def test_one_e5_model_per_process_the_nlu_shares_the_search_encoder(client: TestClient) -> None:
    state = client.app.state
    assert state.search.encoder is not None and state.agent.nlu.encoder is state.search.encoder
