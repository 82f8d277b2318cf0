"""Agent.handle with the LLM on, against the fake server, on a real SQLite shop.

The LLM may pick an intent when the local NLU is unsure and rephrase replies;
the policy engine still decides every action, a write still needs the
shopper's own yes, and every LLM failure gives exactly the reply the agent
gives without an LLM.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from ecommerce_agent.agent.factory import AgentParts
from ecommerce_agent.agent.llm.classify import TOOL_NAME
from ecommerce_agent.agent.llm.layer import LlmLayer
from ecommerce_agent.agent.runner import Agent, Turn
from ecommerce_agent.domain.clock import KST
from ecommerce_agent.domain.orders import OrderStatus
from ecommerce_agent.domain.users import User
from ecommerce_agent.storage import open_sqlite
from ecommerce_agent.storage.sql import SqlRepository

from .conftest import Clock, llm_config, requests_by_status
from .fake_server import FakeOpenAI, Reply, error, hang, text, tool_call

ANCHOR = datetime(2026, 11, 26, 12, 0, tzinfo=KST)  # the scenario shop's seeding time
ALWAYS = {"enabled": True, "below_confidence": 1.0}  # ask the LLM for every intent the rules do not give
DRAFT = re.compile(r"\[초안\]\n(.*?)\n\n\[(?:카드|출처 문서|확인 대기)\]", re.DOTALL)


def draft_of(body: dict[str, Any]) -> str:
    match = DRAFT.search(body["messages"][-1]["content"])
    assert match, "the phrasing prompt carries the template reply"
    return match.group(1)


def polite(body: dict[str, Any]) -> Reply:
    """A faithful phrasing: the same facts with a courteous opening."""
    return text(f"고객님, {draft_of(body)}", prompt_tokens=150, completion_tokens=60)


def llm_answers(intent: str | None = None, phrase: Callable[[dict[str, Any]], Reply] = polite
                ) -> Callable[[dict[str, Any]], Reply]:
    """Answer classification requests with ``intent`` and phrasing requests with ``phrase``."""
    def answer(body: dict[str, Any]) -> Reply:
        if "tools" in body:
            return tool_call(TOOL_NAME, {"intent": intent or "unknown"})
        return phrase(body)
    return answer


def copy_shop(template: Path, directory: Path) -> SqlRepository:
    directory.mkdir(parents=True, exist_ok=True)
    shutil.copy(template, directory / "shop.db")
    return open_sqlite(directory / "shop.db")


@pytest.fixture
def shop(scenario_template: Path, tmp_path: Path) -> Iterator[SqlRepository]:
    repo = copy_shop(scenario_template, tmp_path / "llm")
    yield repo
    repo.close()


@pytest.fixture
def twin(scenario_template: Path, tmp_path: Path) -> Iterator[SqlRepository]:
    """The same shop again, for the agent without an LLM."""
    repo = copy_shop(scenario_template, tmp_path / "plain")
    yield repo
    repo.close()


def ticking() -> Callable[[], datetime]:
    tick = iter(range(10_000))
    return lambda: ANCHOR + timedelta(seconds=30 * next(tick))


def with_llm(parts: AgentParts, repo: SqlRepository, fake: FakeOpenAI, clock: Clock | None = None,
             **overrides: Any) -> Agent:
    config = llm_config(fake.base_url, **overrides)
    layer = LlmLayer.from_config(config, nlu=parts.nlu, clock=clock or Clock(), sleep=lambda s: None)
    return replace(parts, llm=layer, llm_config=config).agent(repo, clock=ticking())


def demo(repo: SqlRepository) -> User:
    user = repo.get_user_by_email("demo@example.com")
    assert user is not None
    return user


def an_order(repo: SqlRepository, user: User, status: OrderStatus) -> str:
    orders = repo.list_orders(user.user_id, status=status, limit=5)
    assert orders, f"the scenario shop has a {status} order"
    return orders[0].order_id


def status_of(repo: SqlRepository, order_id: str) -> str:
    order = repo.get_order(order_id)
    assert order is not None
    return order.status.value


def llm_steps(turn: Turn) -> list[str]:
    return [f"{s['step']}:{s['status']}" for s in turn.trace.get("llm", [])]


def test_a_confirmed_cancel_with_phrased_replies(agent_parts: AgentParts, shop: SqlRepository,
                                                 fake: FakeOpenAI) -> None:
    user, agent = demo(shop), with_llm(agent_parts, shop, fake)
    order_id = an_order(shop, user, OrderStatus.PAID)
    fake.always(llm_answers())
    asked = agent.handle(user, None, f"{order_id} 주문 취소해 주세요")
    assert asked.reply.startswith("고객님, ") and order_id in asked.reply and "취소할까요?" in asked.reply
    assert (asked.intent, asked.pending_action and asked.pending_action["action"]) == ("order.cancel", "cancel")
    assert llm_steps(asked) == ["phrase:ok"]  # the local NLU was sure: no classification call
    assert status_of(shop, order_id) == "paid"  # nothing happens before the shopper's yes
    done = agent.handle(user, asked.session_id, "네")
    assert done.reply.startswith("고객님, ") and "취소했습니다" in done.reply
    assert status_of(shop, order_id) == "cancelled"
    assert all("tools" not in body for body in fake.bodies)
    # the shopper's own words never reach the phrasing prompt; only the template does
    assert all("주문 취소해 주세요" not in body["messages"][-1]["content"] for body in fake.bodies)
    steps = [s["step"] for s in done.trace["steps"]]
    assert steps.index("llm_phrase") < steps.index("output_guardrails")
    assert requests_by_status(agent.llm.config) == {"ok": 2}  # type: ignore[union-attr]


def test_a_hallucinated_amount_gives_exactly_the_template_reply(
        agent_parts: AgentParts, shop: SqlRepository, twin: SqlRepository, fake: FakeOpenAI) -> None:
    user = demo(shop)
    order_id = an_order(shop, user, OrderStatus.PAID)
    fake.always(llm_answers(phrase=lambda body: text(f"{draft_of(body)} 환불 예정 금액은 12,340원입니다.")))
    with_llm_turn = with_llm(agent_parts, shop, fake).handle(user, None, f"{order_id} 주문 취소해 주세요")
    plain_turn = agent_parts.agent(twin, clock=ticking()).handle(demo(twin), None, f"{order_id} 주문 취소해 주세요")
    assert with_llm_turn.reply == plain_turn.reply
    assert "12,340원" not in with_llm_turn.reply
    phrase = with_llm_turn.trace["llm"][0]
    assert (phrase["status"], phrase["applied"]) == ("rejected", False) and "amount:12340" in phrase["reasons"]


def test_an_unsure_message_is_classified_but_the_policy_engine_decides(
        agent_parts: AgentParts, shop: SqlRepository, fake: FakeOpenAI) -> None:
    message = "저번에 산 거 말인데요"
    local = agent_parts.nlu.understand(message, now=ANCHOR)
    assert local.uncertain and local.intent != "claim.exchange", local  # the precondition of this test
    user = demo(shop)
    agent = with_llm(agent_parts, shop, fake, phrase={"enabled": False}, classify=ALWAYS)
    tickets_before = len(shop.list_tickets(user.user_id, limit=500))
    fake.always(llm_answers(intent="claim.exchange"))
    turn = agent.handle(user, None, message)
    assert (turn.intent, turn.slots.get("issue_type")) == ("claim.exchange", "exchange")  # slots read again
    assert llm_steps(turn) == ["classify:ok"]
    assert turn.trace["llm"][0]["local_intent"] == local.intent
    # an exchange needs an order and the shopper's yes: the agent asks which order, nothing is written
    assert turn.pending_action is None and "어떤 주문" in turn.reply
    assert len(shop.list_tickets(user.user_id, limit=500)) == tickets_before


def test_a_write_intent_from_the_llm_still_waits_for_the_shoppers_yes(
        agent_parts: AgentParts, shop: SqlRepository, fake: FakeOpenAI) -> None:
    user = demo(shop)
    agent = with_llm(agent_parts, shop, fake, phrase={"enabled": False}, classify=ALWAYS)
    order_id = an_order(shop, user, OrderStatus.PAID)
    message = f"{order_id} 이거 좀 어떻게 해 주세요"
    fake.always(llm_answers(intent="order.cancel"))
    turn = agent.handle(user, None, message)
    assert (turn.intent, llm_steps(turn)) == ("order.cancel", ["classify:ok"])
    assert turn.pending_action is not None and turn.pending_action["order_id"] == order_id
    assert status_of(shop, order_id) == "paid"
    # with an action pending, the next message is not sent to the LLM: only the local rules read a yes
    before = len(fake.requests)
    after = agent.handle(user, turn.session_id, "반품 배송비는 얼마예요?")
    assert len(fake.requests) == before and "llm" not in after.trace
    assert status_of(shop, order_id) == "paid"


def test_server_errors_and_an_open_circuit_give_the_replies_of_the_agent_without_llm(
        agent_parts: AgentParts, shop: SqlRepository, twin: SqlRepository, fake: FakeOpenAI,
        clock: Clock) -> None:
    fake.always(error(500))
    agent = with_llm(agent_parts, shop, fake, clock, max_retries=1, classify={"enabled": False},
                     circuit_breaker={"failure_threshold": 2, "open_seconds": 60})
    plain = agent_parts.agent(twin, clock=ticking())
    user = demo(shop)
    order_id = an_order(shop, user, OrderStatus.PAID)
    said = ["주문 내역 보여줘", f"{order_id} 배송 어디쯤이에요?", "반품 배송비는 얼마예요?", f"{order_id} 취소해 주세요", "네"]
    session = plain_session = None
    statuses = []
    for message in said:
        turn = agent.handle(user, session, message)
        expected = plain.handle(demo(twin), plain_session, message)
        session, plain_session = turn.session_id, expected.session_id
        assert (turn.reply, turn.intent, turn.cards, turn.citations, turn.actions) == (
            expected.reply, expected.intent, expected.cards, expected.citations, expected.actions)
        statuses += llm_steps(turn)
    assert statuses[:2] == ["phrase:error", "phrase:error"]
    assert set(statuses[2:]) == {"phrase:circuit_open"}
    assert len(fake.requests) == 4  # 2 calls × (1 + 1 retry), then none while open
    assert status_of(shop, order_id) == status_of(twin, order_id) == "cancelled"
    assert agent.llm is not None and agent.llm.health()["status"] == "unreachable"


@pytest.mark.parametrize(("message", "steps"), [
    ("주문 내역 보여줘", ["phrase:timeout"]),
    # the classification timed out: the phrasing is not tried in the same turn
    ("저번에 산 거 말인데요", ["classify:timeout"]),
])
def test_a_hung_server_times_out_into_the_template_reply(
        agent_parts: AgentParts, shop: SqlRepository, twin: SqlRepository, fake: FakeOpenAI,
        message: str, steps: list[str]) -> None:
    fake.always(hang())
    classify = ALWAYS if steps[0].startswith("classify") else {"enabled": False}
    agent = with_llm(agent_parts, shop, fake, timeout_seconds=0.3, classify=classify)
    turn = agent.handle(demo(shop), None, message)
    expected = agent_parts.agent(twin, clock=ticking()).handle(demo(twin), None, message)
    assert (turn.reply, turn.intent) == (expected.reply, expected.intent)
    assert llm_steps(turn) == steps and len(fake.requests) == 1
    assert turn.trace["llm"][0]["ms"] >= 300


def test_the_output_guard_runs_on_the_llm_text(agent_parts: AgentParts, shop: SqlRepository,
                                               fake: FakeOpenAI) -> None:
    agent = with_llm(agent_parts, shop, fake)
    seen: list[str] = []
    guard = agent.output_guard

    class Recording:
        def check(self, text: str, scope: Any) -> Any:
            seen.append(text)
            return guard.check(text, scope)

    agent.output_guard = Recording()  # type: ignore[assignment]
    fake.always(llm_answers())
    turn = agent.handle(demo(shop), None, "안녕하세요")
    assert seen == [turn.reply] and turn.reply.startswith("고객님, ")


def test_the_turn_shows_shoppers_nothing_new(agent_parts: AgentParts, shop: SqlRepository,
                                             twin: SqlRepository, fake: FakeOpenAI) -> None:
    fake.always(llm_answers())
    turn = with_llm(agent_parts, shop, fake).handle(demo(shop), None, "주문 내역 보여줘")
    plain = agent_parts.agent(twin, clock=ticking()).handle(demo(twin), None, "주문 내역 보여줘")
    assert turn.public().keys() == plain.public().keys()
    assert "llm" in turn.trace and "llm" not in plain.trace
    assert "llm" not in str(turn.public())


def test_without_llm_config_nothing_is_loaded(agent_parts: AgentParts) -> None:
    assert agent_parts.llm is None
    assert agent_parts.llm_health()["status"] == "disabled"
    code = ("import sys\n"
            "from ecommerce_agent.agent.factory import build_llm\n"
            "from ecommerce_agent.agent.llm import load_llm_config\n"
            "assert build_llm(load_llm_config(env={})) is None\n"
            "assert 'openai' not in sys.modules, 'the SDK was imported'\n")
    done = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr


def test_a_handoff_read_by_the_llm_is_asked_not_done(agent_parts: AgentParts, shop: SqlRepository,
                                                     fake: FakeOpenAI) -> None:
    user = demo(shop)
    agent = with_llm(agent_parts, shop, fake, phrase={"enabled": False}, classify=ALWAYS)
    tickets_before = len(shop.list_tickets(user.user_id, limit=500))
    fake.always(llm_answers(intent="handoff"))
    turn = agent.handle(user, None, "저번에 산 거 말인데요")
    assert turn.intent == "handoff" and not turn.handoff
    assert "상담원 연결" in turn.reply
    assert len(shop.list_tickets(user.user_id, limit=500)) == tickets_before


def test_every_scenario_passes_with_an_llm_that_keeps_the_facts(
        agent_parts: AgentParts, scenario_template: Path, fake: FakeOpenAI) -> None:
    """The grounding check accepts every template reply itself (no false rejections),
    and an abstaining classifier changes no outcome."""
    from ecommerce_agent.agent.evaluation import load_scenarios, run_scenario

    fake.always(llm_answers(phrase=lambda body: text(draft_of(body))))
    config = llm_config(fake.base_url, classify=ALWAYS)
    layer = LlmLayer.from_config(config, nlu=agent_parts.nlu, clock=Clock(), sleep=lambda s: None)
    parts = replace(agent_parts, llm=layer, llm_config=config)
    failures = []
    for path, scenario in load_scenarios(Path(__file__).resolve().parents[2] / "scenarios"):
        result = run_scenario(scenario, path.name, scenario_template,
                              lambda repo, clock: parts.agent(repo, clock=clock))
        failures += [f"{result.name}: {f}" for f in result.failures]
    assert failures == []
    counted = requests_by_status(config)
    assert set(counted) == {"ok"} and counted["ok"] >= 40, counted


def test_an_address_change_is_never_sent_to_the_llm(agent_parts: AgentParts, shop: SqlRepository,
                                                   fake: FakeOpenAI) -> None:
    user, agent = demo(shop), with_llm(agent_parts, shop, fake)
    order_id = an_order(shop, user, OrderStatus.PAID)
    fake.always(llm_answers())
    address = "부산광역시 해운대구 센텀중앙로 79 101동 1203호"
    asked = agent.handle(user, None, f"{order_id} 배송지를 {address}로 바꿔 주세요")
    assert asked.pending_action and asked.pending_action["action"] == "change_address"
    done = agent.handle(user, asked.session_id, "네")
    assert "변경했습니다" in done.reply and not done.reply.startswith("고객님, ")
    assert all("센텀중앙로" not in json.dumps(body, ensure_ascii=False) for body in fake.bodies)
