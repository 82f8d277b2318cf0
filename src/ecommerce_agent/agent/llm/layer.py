"""``LlmLayer``: what the agent asks of the optional LLM, and when.

    layer = LlmLayer.from_config(load_llm_config(api_key=...), nlu=nlu)  # once per process
    understanding, step = layer.classify(understanding, now=now)        # if layer.wants_intent(...)
    text, step = layer.phrase(text, cards, citations, pending)          # if layer.phrases

Each method returns the result to use (the input unchanged on any failure)
and a trace entry (status, timing, attempts, tokens, reasons; never text).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from ...nlu.slots import extract_slots
from ...nlu.types import Slots, Understanding
from ..state import DialogueState
from . import classify as C
from . import phrasing as P
from .breaker import CircuitBreaker, CircuitState
from .client import LlmClient
from .config import LlmConfig
from .grounding import grounding_of

log = logging.getLogger(__name__)


def local_reslot(nlu: Any) -> C.Reslot:
    """The local slot extractor of ``nlu`` (an ``nlu.Nlu``), for another intent."""
    model = nlu.model

    def reslot(text: str, intent: str, now: datetime | None) -> Slots:
        return extract_slots(text, intent, now=now, query_tagger=model.query_tagger,
                             reason_tagger=model.reason_tagger)

    return reslot


class LlmLayer:
    def __init__(self, config: LlmConfig, client: LlmClient, *, reslot: C.Reslot | None = None) -> None:
        self.config, self.client, self.reslot = config, client, reslot

    @classmethod
    def from_config(cls, config: LlmConfig, *, nlu: Any | None = None,
                    clock: Callable[[], float] = time.monotonic,
                    sleep: Callable[[float], None] = time.sleep) -> LlmLayer:
        breaker = CircuitBreaker(config.circuit_breaker.failure_threshold, config.circuit_breaker.open_seconds,
                                 clock=clock)
        return cls(config, LlmClient(config, breaker=breaker, sleep=sleep),
                   reslot=local_reslot(nlu) if nlu is not None else None)

    def close(self) -> None:
        self.client.close()

    # -- (a) classification fallback ------------------------------------------

    def wants_intent(self, understanding: Understanding, state: DialogueState) -> bool:
        """Ask the LLM only when the local result is unsure, it is not a bare
        yes/no (rule), and the conversation is not waiting for an answer to a
        question the agent asked (a pending confirmation or a choice of order:
        there the dialogue reads short answers itself)."""
        section = self.config.classify
        return (section.enabled and understanding.source != "rule"
                and state.expecting is None
                and (understanding.uncertain or understanding.confidence < section.below_confidence))

    def classify(self, understanding: Understanding, *,
                 now: datetime | None) -> tuple[Understanding, dict[str, Any]]:
        answer = self.client.complete("classify", C.messages(understanding.text), tool=C.TOOL,
                                      check=C.refuse_unusable)
        step: dict[str, Any] = {"step": "classify", **answer.trace(), "local_intent": understanding.intent,
                                "local_confidence": understanding.confidence}
        intent = C.chosen_intent(answer) if answer.status == "ok" else None
        if intent is None:
            step["intent"] = understanding.intent
            step["applied"] = False
            return understanding, step
        try:
            result = C.apply(understanding, intent, now=now, reslot=self.reslot)
        except Exception as exc:  # noqa: BLE001 - the local result stands
            log.exception("llm intent not applied", extra={"event": "llm_apply_error"})
            step.update(intent=understanding.intent, applied=False, error=type(exc).__name__)
            return understanding, step
        step["intent"], step["applied"] = result.intent, True
        return result, step

    # -- (b) phrasing -----------------------------------------------------------

    @property
    def phrases(self) -> bool:
        return self.config.phrase.enabled

    def phrase(self, text: str, cards: Sequence[dict[str, Any]], citations: Sequence[dict[str, Any]],
               pending: Any | None) -> tuple[str, dict[str, Any]]:
        """The reply to send: the LLM's phrasing if it passes the grounding
        check, else ``text``. ``pending``: the action the reply asks to confirm."""
        grounding = grounding_of(text, cards, citations, pending)
        answer = self.client.complete("phrase", P.messages(grounding), check=P.checker(grounding))
        step: dict[str, Any] = {"step": "phrase", **answer.trace()}
        step["applied"] = answer.status == "ok"
        return (P.reply_text(answer) if answer.status == "ok" else text), step

    # -- status -----------------------------------------------------------------

    def health(self) -> dict[str, Any]:
        """For ``/health``: ``ok`` unless the circuit breaker is open (no probe
        call is made: the live traffic is the probe)."""
        state = self.client.breaker.state
        return {"status": "unreachable" if state is CircuitState.OPEN else "ok", "provider": self.config.provider,
                "model": self.config.model, "circuit": state.value}

