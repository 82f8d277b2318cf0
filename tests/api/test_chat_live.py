"""What the shopper's page uses beyond `/chat`: 예/아니요 by pending_action.id, the
streamed reply, the cited policy passage, the pages and their configuration."""

from __future__ import annotations

import json
import re
import threading
from urllib.parse import quote

from fastapi.testclient import TestClient

from tests.support.app import assert_problem, login


def _paid_order(client: TestClient, headers: dict[str, str]) -> str:
    return client.get("/users/me/orders", headers=headers, params={"status": "paid"}).json()["orders"][0]["order_id"]


def _ask_cancel(client: TestClient, headers: dict[str, str]) -> tuple[str, str, dict]:
    order = _paid_order(client, headers)
    turn = client.post("/chat", headers=headers, json={"message": f"{order} 주문 취소하고 싶어요"}).json()
    assert turn["pending_action"]["order_id"] == order
    return order, turn["session_id"], turn["pending_action"]


def _cancel_actions(client: TestClient, headers: dict[str, str], cid: str, order: str) -> int:
    messages = client.get(f"/conversations/{cid}", headers=headers).json()["messages"]
    return sum(1 for m in messages for a in m["actions"]
               if a.get("order_id") == order and a["type"] == "cancel" and a["status"] == "completed")


def test_yes_by_id_confirms_that_action_once(client: TestClient) -> None:
    headers = login(client)
    order, cid, pending = _ask_cancel(client, headers)
    url = f"/conversations/{cid}/actions/{pending['id']}/confirm"
    assert_problem(client.post(f"/conversations/{cid}/actions/not-the-one/confirm", headers=headers),
                   409, "action_not_pending")
    assert client.get(f"/orders/{order}", headers=headers).json()["status"] == "paid"  # the wrong id did nothing
    first = client.post(url, headers=headers)
    assert first.status_code == 200, first.text
    assert [a["order_id"] for a in first.json()["actions"]] == [order]
    assert client.get(f"/orders/{order}", headers=headers).json()["status"] == "cancelled"
    late = client.post(url, headers=headers)  # a late or repeated click: the same answer, nothing new
    assert late.status_code == 200 and late.headers.get("Idempotent-Replayed") == "true"
    assert late.json() == first.json()
    assert_problem(client.post(f"/conversations/{cid}/actions/{pending['id']}/decline", headers=headers),
                   409, "action_not_pending")
    assert _cancel_actions(client, headers, cid, order) == 1
    # the message that asked carried the action's id, for the page's buttons after a reload
    asked = [m for m in client.get(f"/conversations/{cid}", headers=headers).json()["messages"]
             if m["pending_action_id"]]
    assert [m["pending_action_id"] for m in asked] == [pending["id"]]


def test_a_double_click_cancels_once(client: TestClient) -> None:
    headers = login(client)
    order, cid, pending = _ask_cancel(client, headers)
    url = f"/conversations/{cid}/actions/{pending['id']}/confirm"
    results: list[int] = []
    start = threading.Barrier(2)

    def click() -> None:
        start.wait()
        results.append(client.post(url, headers=headers).status_code)

    threads = [threading.Thread(target=click) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert 200 in results and set(results) <= {200, 409}
    assert client.get(f"/orders/{order}", headers=headers).json()["status"] == "cancelled"
    assert _cancel_actions(client, headers, cid, order) == 1


def test_no_on_a_pending_action_keeps_the_order(client: TestClient) -> None:
    headers = login(client)
    order, cid, pending = _ask_cancel(client, headers)
    other = login(client, "demo2@example.com")
    assert_problem(client.post(f"/conversations/{cid}/actions/{pending['id']}/decline", headers=other), 404)
    declined = client.post(f"/conversations/{cid}/actions/{pending['id']}/decline", headers=headers)
    assert declined.status_code == 200 and declined.json()["pending_action"] is None
    assert client.get(f"/orders/{order}", headers=headers).json()["status"] == "paid"


def test_the_reply_streams_then_the_whole_turn(client: TestClient) -> None:
    headers = login(client)
    order = _paid_order(client, headers)
    events = []
    with client.stream("POST", "/chat/stream", headers=headers, json={"message": f"{order} 주문 상태 알려줘"}) as r:
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        name = None
        for line in r.iter_lines():
            if line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:"):
                events.append((name, json.loads(line[5:])))
    deltas = [d["text"] for n, d in events if n == "delta"]
    (turn,) = [d for n, d in events if n == "turn"]
    assert len(deltas) > 1 and "".join(deltas) == turn["reply"]
    assert [c["order_id"] for c in turn["cards"] if c["type"] == "order"] == [order]
    assert_problem(client.post("/chat/stream", json={"message": "안녕"}), 401)


def test_a_citation_opens_to_its_passage(client: TestClient) -> None:
    headers = login(client)
    turn = client.post("/chat", headers=headers, json={"message": "단순 변심 반품 배송비는 얼마예요?"}).json()
    assert turn["citations"], turn
    for cited in turn["citations"]:
        section = client.get(f"/policies/sections/{quote(cited['chunk_id'], safe='')}")
        assert section.status_code == 200, (cited, section.text)
        body = section.json()
        assert body["doc_id"] == cited["doc_id"] and body["title"] == cited["title"] and len(body["text"]) > 20
        assert cited["section"] in body["heading"]
    hit = client.get("/policies/search", params={"q": "교환 배송비"}).json()["results"][0]
    assert client.get(f"/policies/sections/{quote(hit['chunk_id'], safe='')}").json()["text"] == hit["text"]
    # a rule's citation names a whole section ("doc#NN", the answerer's numbering): its text as written
    section = client.app.state.agent.answerer.sections.of(cited["doc_id"])[0]
    whole = client.get(f"/policies/sections/{quote(f'{section.doc_id}#{section.order:02d}', safe='')}").json()
    assert whole["heading"] == [section.heading] and whole["text"] == section.text
    assert_problem(client.get("/policies/sections/no-such-chunk"), 404)
    assert_problem(client.get("/policies/sections/return-policy%2399"), 404)


def test_pages_are_served_without_anything_from_elsewhere(client: TestClient) -> None:
    for path, title in (("/", "고객센터 채팅"), ("/console", "상담원 콘솔")):
        page = client.get(path)
        assert page.status_code == 200 and title in page.text and '<html lang="ko">' in page.text
        assert "default-src 'self'" in page.headers["content-security-policy"]
        for src in re.findall(r'(?:src|href)="([^"#]+)"', page.text):
            assert src.startswith("/static/"), src
            assert client.get(src).status_code == 200
    for name in ("api.js", "cards.js", "chat.js", "console.js", "app.css"):
        text = client.get(f"/static/{name}").text
        assert "http://" not in text and "https://" not in text  # nothing fetched from a CDN
    config = client.get("/ui/config").json()
    assert config["env"] == "development" and "demo@example.com" in [a["email"] for a in config["demo_accounts"]]


def test_no_demo_hint_outside_development(settings) -> None:  # noqa: ANN001
    from ecommerce_agent.api.app import create_app

    staging = settings.model_copy(update={"app": settings.app.model_copy(update={"env": "staging"})})
    with TestClient(create_app(staging)) as client:
        assert client.get("/ui/config").json() == {"env": "staging", "demo_accounts": []}
