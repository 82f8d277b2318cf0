"""The two pages in headless Chromium, as a shopper and a staff member use them.
Each step is photographed at phone and desktop sizes (test-artifacts/browser/), and
axe-core checks both pages for serious or critical accessibility problems."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest

from ecommerce_agent.storage import open_sqlite
from tests.web.conftest import AXE

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
WAIT = 60_000  # ms: Playwright polls up to this deadline (generous: CI machines are shared)


class Shots:
    def __init__(self, directory: Path, scenario: str) -> None:
        self.directory, self.scenario, self.n = directory, scenario, 0

    def __call__(self, page: Any, step: str) -> None:
        """The page at both sizes, back at desktop size afterwards."""
        self.n += 1
        for name, size in (("phone", PHONE), ("desktop", DESKTOP)):
            page.set_viewport_size(size)
            page.screenshot(path=str(self.directory / f"{self.scenario}-{self.n:02d}-{step}-{name}.png"),
                            full_page=True)


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    ctx = browser.new_context(viewport=DESKTOP, locale="ko-KR")
    ctx.set_default_timeout(WAIT)
    yield ctx
    ctx.close()


def _login(page: Any, base: str, path: str, email: str, password: str) -> None:
    page.goto(base + path)
    page.fill("#login-email", email)
    page.fill("#login-password", password)
    page.press("#login-password", "Enter")


def _send(page: Any, text: str) -> None:
    page.fill("#composer-input", text)
    page.press("#composer-input", "Enter")


def _axe(page: Any, what: str) -> None:
    """No serious or critical violation (axe-core, evaluated through the debugging
    protocol, so the page's Content-Security-Policy stays as it is)."""
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    bad = [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
           for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert bad == [], f"{what}: {json.dumps(bad, ensure_ascii=False)}"


def _db_order_status(db: Path, order_id: str) -> str:
    repo = open_sqlite(db, migrate=False)
    try:
        order = repo.get_order(order_id)
        assert order is not None
        return order.status.value
    finally:
        repo.close()


def _token(base: str, email: str, password: str) -> dict[str, str]:
    tokens = httpx2.post(f"{base}/auth/login", json={"email": email, "password": password}).json()
    return {"Authorization": f"Bearer {tokens['access_token']}"}


def _paid_orders(base: str) -> list[str]:
    headers = _token(base, "demo@example.com", "demo1234!")
    found = httpx2.get(f"{base}/users/me/orders", headers=headers, params={"status": "paid"}).json()["orders"]
    return [o["order_id"] for o in found]


def test_shopper_checks_an_order_and_cancels_it_with_yes(server: str, context: Any, shop_db: Path,
                                                         artifacts: Path) -> None:
    shot, page = Shots(artifacts, "cancel"), context.new_page()
    order = _paid_orders(server)[0]
    page.goto(server + "/")
    page.wait_for_selector("#login-email")
    assert "demo@example.com" in page.inner_text(".demo-hint")  # development only
    _axe(page, "chat login")
    shot(page, "login")
    _login(page, server, "/", "demo@example.com", "demo1234!")
    page.wait_for_selector("#composer-input")
    _send(page, f"{order} 주문 상태 알려줘")
    card = page.locator(f'.msg.assistant .card.order[data-order-id="{order}"]').last
    card.wait_for()
    assert "결제완료" in card.inner_text() and "원" in card.inner_text()
    shot(page, "order-card")
    _send(page, f"{order} 주문 취소해 주세요")
    yes = page.locator(".pending").last.locator('button[data-action="confirm"]')
    yes.wait_for()
    _axe(page, "chat with cards and a pending action")
    shot(page, "pending-yes-no")
    yes.click()
    cards = page.locator(f'.card.order[data-order-id="{order}"]')
    cards.first.locator(".cancelled").wait_for()  # the card shown before the cancel is brought up to date
    assert all("취소됨" in cards.nth(n).inner_text() for n in range(cards.count()))
    assert yes.is_disabled()
    shot(page, "cancelled")
    assert _db_order_status(shop_db, order) == "cancelled"


def test_a_double_click_on_yes_cancels_once(server: str, context: Any, shop_db: Path, artifacts: Path) -> None:
    shot, page = Shots(artifacts, "double-click"), context.new_page()
    order = _paid_orders(server)[0]
    _login(page, server, "/", "demo@example.com", "demo1234!")
    page.wait_for_selector("#composer-input")
    _send(page, f"{order} 취소하고 싶어요")
    box = page.locator(".pending").last
    box.locator('button[data-action="confirm"]').wait_for()
    action_id = box.get_attribute("data-action-id")
    box.locator('button[data-action="confirm"]').dblclick()
    page.locator(f'.card.order[data-order-id="{order}"] .cancelled').first.wait_for()
    shot(page, "after-double-click")
    # and a late duplicate of the same click from the page: answered, nothing done twice
    late = page.evaluate("""async ([cid, id]) => {
        const s = JSON.parse(sessionStorage.getItem('ecommerce-agent.session'));
        const r = await fetch(`/conversations/${cid}/actions/${id}/confirm`,
                              {method: 'POST', headers: {Authorization: `Bearer ${s.access_token}`}});
        return [r.status, r.headers.get('Idempotent-Replayed')];
    }""", [_current_conversation(page, server), action_id])
    assert late == [200, "true"]
    assert _db_order_status(shop_db, order) == "cancelled"
    headers = _token(server, "demo@example.com", "demo1234!")
    messages = httpx2.get(f"{server}/conversations/{_current_conversation(page, server)}",
                          headers=headers).json()["messages"]
    done = [a for m in messages for a in m["actions"] if a["type"] == "cancel" and a["status"] == "completed"]
    assert [a["order_id"] for a in done] == [order]
    assert page.locator(".msg.user", has_text="예").count() == 1


def _current_conversation(page: Any, base: str) -> str:
    current = page.locator('.conversation-item[aria-current="true"]')
    current.wait_for()
    headers = _token(base, "demo@example.com", "demo1234!")
    return httpx2.get(f"{base}/conversations", headers=headers, params={"limit": 1}).json()[
        "conversations"][0]["conversation_id"]


def test_enter_during_korean_composition_does_not_send(server: str, context: Any, artifacts: Path) -> None:
    shot, page = Shots(artifacts, "ime"), context.new_page()
    _login(page, server, "/", "demo@example.com", "demo1234!")
    page.wait_for_selector("#composer-input")
    sent = page.locator(".msg.user")
    before = sent.count()
    page.focus("#composer-input")
    page.dispatch_event("#composer-input", "compositionstart", {"data": ""})
    page.fill("#composer-input", "배송 언제 와")
    page.keyboard.press("Enter")  # finishes the syllable: must not send
    page.evaluate("""() => document.getElementById('composer-input').dispatchEvent(
        new KeyboardEvent('keydown', {key: 'Enter', isComposing: true, bubbles: true, cancelable: true}))""")
    assert sent.count() == before and page.input_value("#composer-input").startswith("배송 언제 와")
    shot(page, "composing")
    page.dispatch_event("#composer-input", "compositionend", {"data": "와"})
    page.keyboard.press("Enter")
    page.locator(".msg.user", has_text="배송 언제 와").wait_for()
    assert page.input_value("#composer-input") == ""
    page.locator('.msg.assistant:not([aria-busy="true"])').last.wait_for()
    shot(page, "sent-after-composition")


def test_staff_take_over_reply_live_hand_back_and_resolve(server: str, browser: Any, shop_db: Path,
                                                          artifacts: Path) -> None:
    shot = Shots(artifacts, "takeover")
    shopper_ctx = browser.new_context(viewport=DESKTOP, locale="ko-KR")
    staff_ctx = browser.new_context(viewport=DESKTOP, locale="ko-KR")
    for ctx in (shopper_ctx, staff_ctx):
        ctx.set_default_timeout(WAIT)
    try:
        shopper, staff = shopper_ctx.new_page(), staff_ctx.new_page()
        _login(shopper, server, "/", "demo@example.com", "demo1234!")
        shopper.wait_for_selector("#composer-input")
        shopper.click("#new-conversation")
        _send(shopper, "상담원 연결해 주세요")
        shopper.wait_for_selector(".banner.handoff")
        shot(shopper, "shopper-asks-for-a-person")
        cid = _current_conversation(shopper, server)

        _login(staff, server, "/console", "agent@example.com", "agent1234!")
        item = staff.locator(f'.queue-item[data-conversation-id="{cid}"]')
        item.wait_for()
        assert staff.locator(".queue-item").first.get_attribute("class").endswith("handoff")
        _axe(staff, "console queue")
        shot(staff, "staff-queue")
        item.click()
        staff.click("#claim")
        staff.wait_for_selector("#release:not([hidden])")
        shopper.wait_for_selector(".banner.staff")
        assert "상담원 박상담님이 응대 중" in shopper.inner_text("#banner")
        shot(shopper, "shopper-sees-staff")

        _send(shopper, "택배가 아직 안 왔어요")
        staff.locator("#transcript .msg.user", has_text="택배가 아직 안 왔어요").wait_for()
        assert shopper.locator(".msg.assistant", has_text="택배가 아직 안 왔어요").count() == 0
        staff.fill("#reply-input", "확인해 보고 바로 알려 드릴게요")
        staff.press("#reply-input", "Enter")
        shopper.locator(".msg.staff", has_text="확인해 보고 바로 알려 드릴게요").wait_for()
        _axe(staff, "console conversation")
        shot(staff, "staff-conversation")
        shot(shopper, "shopper-gets-staff-reply")

        staff.click("#release")
        shopper.locator(".msg.notice", has_text="에이전트에게 돌려드렸습니다").wait_for()
        shopper.wait_for_selector("#banner", state="hidden")  # the agent answers again: no banner
        assistants = shopper.locator(".msg.assistant")
        count = assistants.count()
        _send(shopper, "최근 주문 보여줘")
        shopper.locator(".msg.assistant .card.order").last.wait_for()
        assert assistants.count() == count + 1
        shot(shopper, "agent-answers-again")

        ticket = httpx2.get(f"{server}/console/conversations/{cid}",
                            headers=_token(server, "agent@example.com", "agent1234!")).json()["handoff_ticket_id"]
        form = staff.locator(f'form.resolve[data-ticket-id="{ticket}"]')
        form.locator("textarea").fill("배송 상태를 확인했고 내일 도착 예정입니다")
        form.locator("button").click()
        staff.locator(".badge", has_text="처리 완료했습니다").wait_for()
        shopper.locator(".msg.notice", has_text="내일 도착 예정입니다").wait_for()
        shot(staff, "staff-resolved")
        shot(shopper, "shopper-sees-resolution")
        repo = open_sqlite(shop_db, migrate=False)
        try:
            assert repo.get_ticket(ticket).status.value == "resolved"
        finally:
            repo.close()
    finally:
        shopper_ctx.close()
        staff_ctx.close()


def test_a_customer_cannot_open_the_console_or_anothers_conversation(server: str, context: Any,
                                                                     artifacts: Path) -> None:
    shot, page = Shots(artifacts, "access"), context.new_page()
    other = _token(server, "demo2@example.com", "demo1234!")
    theirs = httpx2.post(f"{server}/chat", headers=other, json={"message": "비밀 이야기예요"}).json()["session_id"]
    _login(page, server, "/console", "demo@example.com", "demo1234!")
    page.wait_for_selector("#refused")
    assert "상담원만 이용할 수 있습니다" in page.inner_text("#refused")
    assert page.locator("#queue").count() == 0
    _axe(page, "console refused")
    shot(page, "console-refused")
    page.goto(f"{server}/?c={theirs}")
    page.locator(".msg.notice", has_text="대화를 찾을 수 없습니다").wait_for()
    assert "비밀 이야기예요" not in page.inner_text("#log")
    shot(page, "other-conversation-refused")
