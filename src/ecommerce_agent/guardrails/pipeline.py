"""The two pipelines the agent and the API call.

``InputGuard`` runs before anything else sees a shopper's message; its verdict
carries the masked text (the only form to store, log or hand to NLU or a
model), the refusal to answer with if the message must not be processed, and
the calm preface for an abusive one. ``OutputGuard`` runs on every reply,
templated or model-written, and gives back the text to send.

Each pipeline is a plain, ordered list of guards (``guards``). Once a guard
has refused, only guards that rewrite the text (PII masking, redaction) still
run, so that what is logged stays clean and nothing else is spent on it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .config import GuardrailsConfig, InputGuardName, OutputGuardName
from .guards import AbuseGuard, CrossUserGuard, InjectionGuard, LengthGuard, PiiGuard
from .injection import InjectionScorer, Rule
from .ownership import UserScope
from .pii import PiiSpan
from .result import Guard, GuardrailResult


@dataclass(frozen=True, slots=True)
class InputVerdict:
    """``text``: the message with PII masked. ``pii``: what was masked, as spans
    of the original message. ``refusal``: when set, answer with it and do not
    process the request. ``preface``: when set, put it before the answer."""

    text: str
    results: tuple[GuardrailResult, ...]
    pii: tuple[PiiSpan, ...] = ()
    refusal: str | None = None
    preface: str | None = None

    @property
    def blocked(self) -> bool:
        return self.refusal is not None

    @property
    def tripped(self) -> tuple[str, ...]:
        """Names of the guards that tripped (metric labels)."""
        return tuple(r.name for r in self.results if r.tripped)

    def result(self, name: str) -> GuardrailResult | None:
        return next((r for r in self.results if r.name == name), None)


@dataclass(frozen=True, slots=True)
class OutputVerdict:
    """``text``: what to send — the reply with PII masked and, if it named
    another shopper's data, redacted or replaced by the refusal (``refused``)."""

    text: str
    results: tuple[GuardrailResult, ...]
    pii: tuple[PiiSpan, ...] = ()
    refused: bool = False

    @property
    def tripped(self) -> tuple[str, ...]:
        return tuple(r.name for r in self.results if r.tripped)

    def result(self, name: str) -> GuardrailResult | None:
        return next((r for r in self.results if r.name == name), None)


@dataclass(frozen=True, slots=True)
class _Run:
    text: str
    results: tuple[GuardrailResult, ...]
    pii: tuple[PiiSpan, ...]
    refusal: str | None
    preface: str | None


def _run(guards: Sequence[Guard], text: str, scope: UserScope | None) -> _Run:
    results: list[GuardrailResult] = []
    spans: tuple[PiiSpan, ...] = ()
    refusal = preface = None
    for guard in guards:
        if refusal is not None and not guard.rewrites:
            continue
        result = guard.check(text, scope)
        results.append(result)
        if result.text is not None:
            text = result.text
        spans += result.spans
        refusal = refusal or result.refusal
        preface = preface or result.preface
    return _Run(text, tuple(results), spans, refusal, preface)


class InputGuard:
    """Runs the input guards on a shopper's message."""

    def __init__(self, guards: Sequence[Guard]) -> None:
        self.guards: tuple[Guard, ...] = tuple(guards)

    @classmethod
    def from_config(cls, config: GuardrailsConfig | None = None) -> InputGuard:
        config = config or GuardrailsConfig()
        return cls([_input_guard(name, config) for name in config.input_guards])

    def check(self, text: str, scope: UserScope | None = None) -> InputVerdict:
        run = _run(self.guards, text, scope)
        return InputVerdict(run.text, run.results, run.pii, run.refusal, run.preface)


class OutputGuard:
    """Runs the output guards on a reply for the shopper described by ``scope``."""

    def __init__(self, guards: Sequence[Guard]) -> None:
        self.guards: tuple[Guard, ...] = tuple(guards)

    @classmethod
    def from_config(cls, config: GuardrailsConfig | None = None) -> OutputGuard:
        config = config or GuardrailsConfig()
        return cls([_output_guard(name, config) for name in config.output_guards])

    def check(self, text: str, scope: UserScope) -> OutputVerdict:
        run = _run(self.guards, text, scope)
        if run.refusal is not None:
            return OutputVerdict(run.refusal, run.results, run.pii, refused=True)
        return OutputVerdict(run.text, run.results, run.pii)


def _input_guard(name: InputGuardName, config: GuardrailsConfig) -> Guard:
    if name == "length_limit":
        return LengthGuard(config.length.max_chars, config.length.refusal)
    if name == "pii":
        return PiiGuard(config.pii.input_types, config.pii.mask_style, frozenset(config.pii.allow))
    if name == "injection":
        extra = [Rule(p.name, f"extra:{p.name}", p.weight, re.compile(p.pattern), p.view)
                 for p in config.injection.extra_patterns]
        return InjectionGuard(InjectionScorer(config.injection.threshold, extra), config.injection.refusal)
    return AbuseGuard(config.abuse.reply)


def _output_guard(name: OutputGuardName, config: GuardrailsConfig) -> Guard:
    if name == "cross_user":
        section = config.cross_user
        return CrossUserGuard(section.action, section.refusal, re.compile(section.user_id_pattern),
                              frozenset(section.allowed_emails))
    return PiiGuard(config.pii.output_types, config.pii.mask_style, frozenset(config.pii.allow))
