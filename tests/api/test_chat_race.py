"""Concurrent "네" in one conversation (real requests to gunicorn workers): the
cancellation and the turn's save commit together, so exactly one reply reports
it, no 200 reply says what did not happen, and the history records it."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import httpx2

from ecommerce_agent.storage import open_sqlite
from tests.support.drill import drill_config, login, running

YESES = 4


def test_concurrent_yes_in_one_conversation_cancels_once_and_says_so(
        template_db: Path, search_index: Path, tmp_path: Path) -> None:
    db = tmp_path / "shop.db"
    shutil.copy(template_db, db)
    rounds = []
    with running("gunicorn", drill_config(tmp_path, search_index, database=db), workers=2) as server:
        headers = login(server.base)
        paid = httpx2.get(f"{server.base}/users/me/orders", headers=headers,
                          params={"status": "paid", "limit": 100}).json()["orders"]
        for order in paid[:3]:  # a few rounds: the race is not the same every time
            order_id = order["order_id"]
            proposed = httpx2.post(f"{server.base}/chat", headers=headers, timeout=60,
                                   json={"message": f"{order_id} 주문 취소할게요"}).json()
            assert proposed["pending_action"]["order_id"] == order_id, proposed
            session, barrier, answers = proposed["session_id"], threading.Barrier(YESES), []

            def yes() -> None:
                with httpx2.Client(timeout=60) as client:  # a connection each: both workers answer
                    barrier.wait()
                    answers.append(client.post(f"{server.base}/chat", headers=headers,
                                               json={"message": "네", "session_id": session}))

            threads = [threading.Thread(target=yes) for _ in range(YESES)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            status = httpx2.get(f"{server.base}/orders/{order_id}", headers=headers).json()["status"]
            rounds.append((order_id, session, answers, status))

    repo = open_sqlite(db)
    try:
        for order_id, session, answers, status in rounds:
            assert status == "cancelled"
            ok = [a.json() for a in answers if a.status_code == 200]
            assert all(a.status_code in (200, 409) for a in answers), [a.text for a in answers]
            assert all(a.json()["code"] == "conversation_conflict" for a in answers if a.status_code == 409)
            reported = [a for a in ok if [x["order_id"] for x in a["actions"]] == [order_id]]
            assert len(reported) == 1, [a["reply"] for a in ok]  # the request that cancelled says so
            assert not any("이미 취소" in a["reply"] for a in ok), [a["reply"] for a in ok]
            done = [x["order_id"] for m in repo.list_messages(session) for x in m.meta.get("actions", [])
                    if x.get("status") == "completed"]
            assert done == [order_id]  # the history records the cancellation, once
    finally:
        repo.close()
