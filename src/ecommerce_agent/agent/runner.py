"""``Agent.handle(user, session, message) -> Turn``: the one entry point used by
the HTTP API, the OpenAI-compatible endpoint and the terminal chat.

input guardrails → language understanding → dialogue state → policy check →
tool call → reply → output guardrails, each step timed in the turn's trace.

With an LLM configured (``llm.LlmLayer``) two optional steps join: the LLM
picks the intent when the local NLU is unsure (``llm_classify``, after
understanding) and rephrases the template reply, sent only if grounded
(``llm_phrase``, before the output guardrails). Without one, nothing differs.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from ..domain.clock import utcnow
from ..domain.conversations import Conversation, ConversationStatus, Role
from ..domain.users import User
from ..errors import AppError, ConflictError, NotFoundError
from ..guardrails.ownership import UserScope
from ..guardrails.pipeline import InputGuard, OutputGuard
from ..nlu.engine import Nlu
from ..observability import metrics
from ..storage.base import NewMessage, Repository
from .dialogue import Dialogue
from .env import Env
from .outcome import Outcome
from .plain import plain
from .resolve import OrderFinder
from .state import DialogueState
from .templates import say
from .tools import ToolContext, Tools

if TYPE_CHECKING:
    from .llm.layer import LlmLayer

log = logging.getLogger(__name__)
BLOCKED_INTENT = "guardrail"  # metric label for messages refused before understanding


@dataclass(frozen=True)
class Turn:
    session_id: str
    reply: str
    intent: str
    confidence: float
    slots: dict[str, Any]
    pending_action: dict[str, Any] | None
    actions: list[dict[str, Any]]
    cards: list[dict[str, Any]]
    citations: list[dict[str, Any]]
    handoff: bool
    trace_id: str
    trace: dict[str, Any] = field(default_factory=dict)

    def public(self) -> dict[str, Any]:
        """The turn without its trace, as ``asdict`` would give it (``plain``: faster)."""
        return {f.name: plain(getattr(self, f.name)) for f in fields(self) if f.name != "trace"}


class Agent:
    def __init__(self, repo: Repository, nlu: Nlu, input_guard: InputGuard, output_guard: OutputGuard, *,
                 search: Any | None = None, confirm_ttl: timedelta = timedelta(minutes=10),
                 min_policy_score: float = 0.0, clock: Callable[[], datetime] = utcnow,
                 llm: LlmLayer | None = None, answerer: Any | None = None) -> None:
        self.repo, self.nlu, self.search = repo, nlu, search
        self.answerer = answerer  # answers.PolicyAnswerer (policy questions); None: passages quoted
        self.input_guard, self.output_guard = input_guard, output_guard
        self.confirm_ttl, self.min_policy_score, self.clock = confirm_ttl, min_policy_score, clock
        self.llm = llm

    def handle(self, user: User, session_id: str | None, message: str, *,
               expect_pending: str | None = None) -> Turn:
        """``expect_pending``: the message answers that pending action (a 예/아니요 button);
        when it is no longer the one waiting, ``ConflictError`` and nothing happens."""
        started, now = time.perf_counter(), self.clock()
        conversation = self._conversation(user, session_id, now)
        # The turn's action (if any) and the turn's save commit together: when another
        # request saved a turn of this conversation first, the save fails (409) and the
        # action is undone, so no reply claims what another one did.
        with self.repo.atomic():
            return self._turn(user, conversation, message, started, now, expect_pending)

    def _turn(self, user: User, conversation: Conversation, message: str, started: float,
              now: datetime, expect_pending: str | None) -> Turn:
        steps: list[dict[str, Any]] = []

        def step(name: str, since: float) -> float:
            at = time.perf_counter()
            steps.append({"step": name, "ms": round((at - since) * 1000, 3)})
            return at

        mark = step("load_session", started)
        verdict = self.input_guard.check(message)
        mark = step("input_guardrails", mark)
        masked = verdict.text
        state = DialogueState.from_json(conversation.state)
        if expect_pending is not None and (state.pending is None or state.pending.id != expect_pending):
            raise ConflictError("이미 처리되었거나 더 이상 기다리는 요청이 아닙니다. 화면을 새로 고쳐 주세요.",
                                code="action_not_pending")
        intent, confidence, slots = BLOCKED_INTENT, 1.0, {}
        llm_steps: list[dict[str, Any]] = []
        ctx = ToolContext(repo=self.repo, user=user, now=now, search=self.search)
        if verdict.blocked:
            outcome = Outcome(verdict.refusal or "", state)
        else:
            understanding = self.nlu.understand(masked, now=now, expecting=state.expecting)
            mark = step("understanding", mark)
            if self.llm is not None and self.llm.wants_intent(understanding, state):
                understanding, llm_step = self.llm.classify(understanding, now=now)
                llm_steps.append(llm_step)
                mark = step("llm_classify", mark)
            intent, confidence = understanding.intent, understanding.confidence
            slots = understanding.slot_labels()
            tools = Tools(ctx)
            dialogue = Dialogue(Env(tools, OrderFinder(tools, getattr(self.search, "encoder", None)), now,
                                    self.confirm_ttl, answerer=self.answerer,
                                    min_policy_score=self.min_policy_score))
            phrase = self.llm is not None and self.llm.phrases
            try:
                outcome = dialogue.respond(understanding, state)
            except (AppError, LookupError) as exc:  # a tool failed: a polite reply, never a crash
                log.debug("tool failure", exc_info=True)
                phrase = False
                metrics.agent_errors_total.labels(intent, type(exc).__name__).inc()
                log.warning("tool failed", extra={"event": "agent_tool_error", "intent": intent,
                                                   "error_type": type(exc).__name__})
                outcome = Outcome(say("tool_failed"), state)
            mark = step("dialogue_and_tools", mark)
            # a provider that just failed this turn is not asked again: the shopper is waiting
            phrase = phrase and not any(s["status"] in ("error", "timeout") for s in llm_steps)
            # a shipping address is personal data: it is not sent to an external provider
            phrase = phrase and not _mentions_address(outcome)
            if phrase and self.llm is not None:
                text, llm_step = self.llm.phrase(outcome.text, outcome.cards, outcome.citations,
                                                 outcome.state.pending)
                llm_steps.append(llm_step)
                outcome = replace(outcome, text=text)
                mark = step("llm_phrase", mark)
            if verdict.preface:  # the calm preface already apologises: the tone pattern's apology is not repeated
                text = outcome.text.removeprefix(say("tone.apology")).lstrip()
                outcome = replace(outcome, text=f"{verdict.preface} {text}")
        reply = self.output_guard.check(outcome.text, self._scope(user, outcome, state)).text
        mark = step("output_guardrails", mark)
        new_state = outcome.state.with_history("user", masked).with_history("assistant", reply)
        trace_id = uuid.uuid4().hex
        trace = {"trace_id": trace_id, "steps": steps, "tools": [asdict(c) for c in ctx.calls],
                 "guardrails": list(verdict.tripped), "intent": intent, "confidence": round(confidence, 4)}
        if llm_steps:
            trace["llm"] = llm_steps
        status = ConversationStatus.HANDED_OFF if new_state.handed_off else ConversationStatus.ACTIVE
        title = conversation.title or masked[:40]
        self.repo.save_turn(conversation.conversation_id, expected_version=conversation.version,
                            state=new_state.to_json(), status=status, now=now, title=title, messages=[
                                NewMessage(Role.USER, masked, intent),
                                NewMessage(Role.ASSISTANT, reply, intent, meta={
                                    "cards": outcome.cards, "citations": outcome.citations,
                                    "actions": outcome.actions, "trace_id": trace_id,
                                    # for the staff console's turn trace (tool arguments stay out)
                                    "confidence": round(confidence, 4),
                                    "tools": [{"name": c.name, "ok": c.ok, "ms": round(c.ms, 1)}
                                              for c in ctx.calls],
                                    "pending_action_id": new_state.pending.id if new_state.pending else None})])
        step("save_session", mark)
        elapsed = time.perf_counter() - started
        metrics.agent_requests_total.labels(intent).inc()
        metrics.agent_response_seconds.labels(intent).observe(elapsed)
        trace["total_ms"] = round(elapsed * 1000, 3)
        log.info("agent turn", extra={"event": "agent_turn", "intent": intent, "trace_id": trace_id,
                                      "session_id": conversation.conversation_id,
                                      "tools": [c.name for c in ctx.calls], "ms": trace["total_ms"]})
        pending = new_state.pending
        return Turn(session_id=conversation.conversation_id, reply=reply, intent=intent,
                    confidence=round(confidence, 4), slots=slots,
                    pending_action=asdict(pending) if pending else None, actions=outcome.actions,
                    cards=outcome.cards, citations=outcome.citations,
                    handoff=outcome.handoff or new_state.handed_off,
                    trace_id=trace_id, trace=trace)

    def _conversation(self, user: User, session_id: str | None, now: datetime) -> Conversation:
        if session_id is None:
            return self.repo.create_conversation(user.user_id, now=now)
        conversation = self.repo.get_conversation(session_id)
        if conversation is None or conversation.user_id != user.user_id:
            raise NotFoundError("대화를 찾을 수 없습니다.")
        return conversation

    @staticmethod
    def _scope(user: User, outcome: Outcome, before: DialogueState) -> UserScope:
        """What the reply may mention: this user and what this turn or the conversation so
        far showed them (every id there was checked to be theirs when it was shown)."""
        orders = {c["order_id"] for c in outcome.cards if c.get("order_id")}
        orders |= {f.order_id for f in before.stack if f.order_id} | set(before.last_list)
        orders |= {before.last_order_id or ""} - {""}
        orders |= {a["order_id"] for a in outcome.actions if a.get("order_id")}
        orders |= set(outcome.state.last_list) | {outcome.state.last_order_id or ""} - {""}
        orders |= {f.order_id for f in outcome.state.stack if f.order_id}
        tickets = {c["ticket_id"] for c in outcome.cards if c.get("ticket_id")}
        tickets |= {outcome.state.last_ticket_id or ""} - {""}
        return UserScope(user_id=user.user_id, order_ids=frozenset(orders), ticket_ids=frozenset(tickets),
                         emails=frozenset({user.email}), is_staff=user.is_staff)


def _mentions_address(outcome: Outcome) -> bool:
    pending = outcome.state.pending
    return (pending is not None and pending.new_address is not None) or any(
        a.get("type") == "change_address" for a in outcome.actions)
