"""LlmLayer: the intent fallback and the phrasing, against the fake server."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

import pytest

from ecommerce_agent.agent.llm.classify import CHOICES, TOOL, TOOL_NAME
from ecommerce_agent.agent.llm.layer import LlmLayer
from ecommerce_agent.agent.state import DialogueState, Frame
from ecommerce_agent.domain.clock import KST
from ecommerce_agent.domain.tickets import IssueType
from ecommerce_agent.nlu.slots import extract_slots
from ecommerce_agent.nlu.types import INTENTS, Alternative, Slots, Understanding

from .conftest import Clock, llm_config, requests_by_status
from .fake_server import FakeOpenAI, error, hang, text, tool_call

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=KST)
UNSURE = Understanding(text="사이즈가 안 맞아요", intent="claim.defect", confidence=0.41,
                       alternatives=(Alternative("claim.exchange", 0.22), Alternative("general", 0.1)),
                       slots=Slots(issue_type=IssueType.DEFECT), uncertain=True)
CONFIRM = ("ORD-20261120-0003 (무선 이어폰 외 1건, 45,000원) 주문을 취소할까요? "
           "진행하시려면 '네', 아니면 '아니요'라고 답해 주세요.")
PENDING_FRAME = Frame(task="cancel", order_id="ORD-20261120-0003", waiting="confirm",
                      summary="ORD-20261120-0003 (무선 이어폰 외 1건, 45,000원)", expires_at=NOW.isoformat())
PENDING = DialogueState(stack=(PENDING_FRAME,)).pending


def layer(fake: FakeOpenAI, clock: Clock | None = None, **overrides: Any) -> LlmLayer:
    config = llm_config(fake.base_url, **overrides)
    return LlmLayer.from_config(config, clock=clock or Clock(), sleep=lambda s: None)


@pytest.fixture
def reslotting(fake: FakeOpenAI) -> LlmLayer:
    found = layer(fake)
    found.reslot = lambda text, intent, now: extract_slots(text, intent, now=now)
    return found


# -- (a) the intent fallback ------------------------------------------------------

def test_the_closed_list_is_offered_as_a_forced_function_call(fake: FakeOpenAI, reslotting: LlmLayer) -> None:
    fake.script(tool_call(TOOL_NAME, {"intent": "claim.exchange"}))
    reslotting.classify(UNSURE, now=NOW)
    body = fake.bodies[0]
    assert body["tool_choice"] == {"type": "function", "function": {"name": TOOL_NAME}}
    offered = body["tools"][0]["function"]["parameters"]["properties"]["intent"]["enum"]
    assert offered == list(CHOICES) and set(offered) == (set(INTENTS) - {"dialog.confirm"}) | {"unknown"}
    assert body["messages"][-1] == {"role": "user", "content": "사이즈가 안 맞아요"}
    assert body["tools"] == [TOOL]


def test_every_offered_intent_is_described() -> None:
    from ecommerce_agent.agent.llm.classify import GUIDE

    assert [name for name in CHOICES if name not in GUIDE] == []


def test_a_chosen_intent_replaces_the_local_one_and_slots_are_read_again(
        fake: FakeOpenAI, reslotting: LlmLayer) -> None:
    fake.script(tool_call(TOOL_NAME, {"intent": "claim.exchange"}))
    result, step = reslotting.classify(UNSURE, now=NOW)
    assert (result.intent, result.uncertain, result.confidence) == ("claim.exchange", False, 0.22)
    assert result.slots.issue_type is IssueType.EXCHANGE  # the local extractor, for the new intent
    assert result.alternatives[0] == Alternative("claim.defect", 0.41)
    assert step | {"ms": 0} == step | {"ms": 0, "step": "classify", "status": "ok", "applied": True,
                                       "intent": "claim.exchange", "local_intent": "claim.defect"}
    assert requests_by_status(reslotting.config) == {"ok": 1}


def test_agreeing_with_the_local_intent_only_removes_the_doubt(fake: FakeOpenAI, reslotting: LlmLayer) -> None:
    fake.script(tool_call(TOOL_NAME, {"intent": "claim.defect"}))
    result, _ = reslotting.classify(UNSURE, now=NOW)
    assert result == replace(UNSURE, uncertain=False)


def test_a_handoff_from_the_llm_only_steers_the_question(fake: FakeOpenAI, reslotting: LlmLayer) -> None:
    fake.script(tool_call(TOOL_NAME, {"intent": "handoff"}))
    result, step = reslotting.classify(UNSURE, now=NOW)
    assert (result.intent, result.uncertain, step["applied"]) == ("handoff", True, True)


@pytest.mark.parametrize(("reply", "status"), [
    (tool_call(TOOL_NAME, '{"intent": "order.cancel"'), "invalid"),        # arguments cut off
    (tool_call(TOOL_NAME, {"intent": "refund_please"}), "invalid"),         # not in the list
    (tool_call(TOOL_NAME, {"intent": "dialog.confirm"}), "invalid"),        # never from the LLM
    (tool_call(TOOL_NAME, {"label": "order.cancel"}), "invalid"),           # wrong shape
    (tool_call(TOOL_NAME, ["order.cancel"]), "invalid"),
    (tool_call("other_tool", {"intent": "order.cancel"}), "invalid"),       # another function
    (text("주문 취소인 것 같습니다."), "invalid"),                             # prose, no call
    (text(""), "invalid"),
    (tool_call(TOOL_NAME, {"intent": "unknown"}), "ok"),                    # an abstention
    (error(500), "error"),
    (hang(), "timeout"),
])
def test_anything_unusable_keeps_the_local_result(fake: FakeOpenAI, reply: Any, status: str) -> None:
    found = layer(fake, max_retries=0, timeout_seconds=0.3)
    fake.script(reply)
    result, step = found.classify(UNSURE, now=NOW)
    assert result is UNSURE
    assert (step["status"], step["applied"], step["intent"]) == (status, False, "claim.defect")
    assert requests_by_status(found.config) == {status: 1}


def test_a_json_object_in_the_content_is_accepted(fake: FakeOpenAI) -> None:
    found = layer(fake)
    fake.script(text('```json\n{"intent": "order.list"}\n```'))
    assert found.classify(UNSURE, now=NOW)[0].intent == "order.list"


def test_when_the_llm_is_asked_for_the_intent(fake: FakeOpenAI) -> None:
    found = layer(fake, classify={"enabled": True, "below_confidence": 0.7})
    sure = Understanding(text="주문 내역", intent="order.list", confidence=0.95, alternatives=(), slots=Slots(),
                         uncertain=False)
    fairly = Understanding(text="주문 내역", intent="order.list", confidence=0.6, alternatives=(), slots=Slots(),
                           uncertain=False)
    rule = Understanding(text="ㅇㅇ", intent="dialog.confirm", confidence=0.4, alternatives=(), slots=Slots(),
                         uncertain=True, source="rule")
    idle = DialogueState()
    assert found.wants_intent(UNSURE, idle) and found.wants_intent(fairly, idle)
    assert not found.wants_intent(sure, idle)
    assert not found.wants_intent(rule, idle)  # a bare yes/no is the rules' call
    assert not found.wants_intent(UNSURE, DialogueState(stack=(PENDING_FRAME,)))
    assert not found.wants_intent(UNSURE, DialogueState(stack=(Frame(task="cancel", waiting="order"),)))
    assert not layer(fake, classify={"enabled": False}).wants_intent(UNSURE, idle)
    assert fake.requests == []


# -- (b) phrasing -----------------------------------------------------------------

def test_a_grounded_phrasing_is_used(fake: FakeOpenAI) -> None:
    found = layer(fake)
    better = ("고객님, ORD-20261120-0003 주문(무선 이어폰 외 1건, 45,000원)을 취소해 드릴까요? "
              "원하시면 '네', 아니면 '아니요'라고 말씀해 주세요.")
    fake.script(text(f"“{better}”", prompt_tokens=120, completion_tokens=40))
    reply, step = found.phrase(CONFIRM, [], [], PENDING)
    assert reply == better
    assert (step["status"], step["applied"], step["tokens"]) == ("ok", True, {"prompt": 120, "completion": 40})
    prompt = fake.bodies[0]["messages"]
    assert "tools" not in fake.bodies[0]
    assert CONFIRM in prompt[1]["content"] and "[확인 대기]\n예" in prompt[1]["content"]


@pytest.mark.parametrize(("phrased", "reason"), [
    ("ORD-20261120-0003 주문(무선 이어폰 외 1건, 12,340원)을 취소할까요? '네'/'아니요'", "amount:12340"),
    ("ORD-20261120-0003 주문을 취소했습니다. 감사합니다.", "confirmation_dropped"),
])
def test_an_ungrounded_phrasing_falls_back_to_the_template(fake: FakeOpenAI, phrased: str, reason: str) -> None:
    found = layer(fake)
    fake.script(text(phrased))
    reply, step = found.phrase(CONFIRM, [], [], PENDING)
    assert reply == CONFIRM
    assert (step["status"], step["applied"]) == ("rejected", False) and reason in step["reasons"]
    assert requests_by_status(found.config) == {"rejected": 1}


def test_a_policy_phrasing_must_keep_the_source(fake: FakeOpenAI) -> None:
    found = layer(fake)
    template = "반품은 상품 수령 후 7일 이내에 신청할 수 있습니다.\n\n출처: 「반품·교환 정책」 반품 기간"
    citations = [{"doc_id": "returns", "title": "반품·교환 정책", "section": "반품 기간", "chunk_id": "r#1",
                  "score": 0.8}]
    fake.script(text("반품은 상품을 받으신 뒤 7일 이내에 신청하실 수 있어요."),
                text("반품은 상품을 받으신 뒤 7일 이내에 신청하실 수 있어요. (출처: 「반품·교환 정책」)"))
    assert found.phrase(template, [], citations, None)[0] == template
    assert found.phrase(template, [], citations, None)[0].endswith("(출처: 「반품·교환 정책」)")
    assert "「반품·교환 정책」 반품 기간" in fake.bodies[0]["messages"][1]["content"]


@pytest.mark.parametrize(("reply", "status"), [
    (tool_call("x", {}), "invalid"),
    (text("   "), "invalid"),
    (error(503), "error"),
    (hang(), "timeout"),
])
def test_failed_phrasing_sends_the_template(fake: FakeOpenAI, reply: Any, status: str) -> None:
    found = layer(fake, max_retries=0, timeout_seconds=0.3)
    fake.script(reply)
    template = "알겠습니다. 더 도와드릴 일이 있으면 말씀해 주세요."
    sent, step = found.phrase(template, [], [], None)
    assert step["status"] == status
    assert sent == template


def test_a_truncated_phrasing_is_invalid(fake: FakeOpenAI) -> None:
    found = layer(fake)
    body = text("고객님, 알겠습니다").body
    assert body is not None
    body["choices"][0]["finish_reason"] = "length"
    from .fake_server import Reply

    fake.script(Reply(body=body))
    sent, step = found.phrase("알겠습니다.", [], [], None)
    assert (sent, step["status"], step["reasons"]) == ("알겠습니다.", "invalid", ["truncated"])


def test_an_open_circuit_skips_both_calls(fake: FakeOpenAI, clock: Clock) -> None:
    found = layer(fake, clock, max_retries=0, circuit_breaker={"failure_threshold": 2, "open_seconds": 60})
    fake.always(error(500))
    found.phrase("알겠습니다.", [], [], None), found.phrase("알겠습니다.", [], [], None)
    assert found.health()["status"] == "unreachable"
    assert found.classify(UNSURE, now=NOW)[1]["status"] == "circuit_open"
    assert found.phrase("알겠습니다.", [], [], None) == ("알겠습니다.", found.phrase("알겠습니다.", [], [], None)[1])
    assert len(fake.requests) == 2
    clock.advance(60)
    assert found.health() == {"status": "ok", "provider": found.config.provider, "model": found.config.model,
                              "circuit": "half_open"}
