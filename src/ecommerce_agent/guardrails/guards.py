"""The guards: small objects with a ``name`` and ``check(text, scope)``.

Input side: ``LengthGuard``, ``PiiGuard``, ``InjectionGuard``, ``AbuseGuard``.
Output side: ``CrossUserGuard``, ``PiiGuard``. ``pipeline`` builds them from
configuration and runs them in order.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import ClassVar, Literal

from .abuse import find_abuse
from .injection import InjectionScorer
from .labels import REDACTED
from .masking import MaskStyle, apply_masks
from .ownership import UserScope, find_identifiers
from .pii import PII_TYPES, PiiType, find_pii
from .result import GuardrailResult

LENGTH_REFUSAL = ("죄송합니다. 메시지가 너무 길어 처리하기 어렵습니다. "
                  "{max_chars}자 이내로 나누어 다시 보내 주시겠어요?")
INJECTION_REFUSAL = ("죄송합니다. 해당 요청은 도와드릴 수 없습니다. 주문 조회, 배송, 취소·환불, 교환 등 "
                     "쇼핑 관련 문의를 말씀해 주시면 기꺼이 도와드리겠습니다.")
ABUSE_REPLY = "불편을 드려 정말 죄송합니다. 고객님의 문의를 최대한 빠르게 도와드리겠습니다."
CROSS_USER_REFUSAL = ("죄송합니다. 다른 고객님의 정보는 안내해 드릴 수 없습니다. "
                      "본인 계정의 주문이나 문의에 대해 말씀해 주시면 도와드리겠습니다.")
DEFAULT_USER_ID_PATTERN = r"(?<![A-Za-z0-9])U\d{6}(?![A-Za-z0-9])"


@dataclass(frozen=True, slots=True)
class LengthGuard:
    """Messages longer than ``max_chars`` are refused politely (they are still masked)."""

    max_chars: int = 2000
    refusal: str = LENGTH_REFUSAL
    name: str = "length_limit"
    rewrites: ClassVar[bool] = False

    def check(self, text: str, scope: UserScope | None = None) -> GuardrailResult:
        length = len(text)
        if length <= self.max_chars:
            return GuardrailResult(self.name, False, {"length": length, "max_chars": self.max_chars})
        return GuardrailResult(self.name, True, {"length": length, "max_chars": self.max_chars},
                               refusal=self.refusal.format(max_chars=f"{self.max_chars:,}"))


@dataclass(frozen=True, slots=True)
class PiiGuard:
    """Masks personal data (see ``masking`` for the scheme) and reports the spans."""

    types: tuple[PiiType, ...] = PII_TYPES
    style: MaskStyle = "label"
    allow: frozenset[str] = frozenset()
    name: str = "pii"
    rewrites: ClassVar[bool] = True

    def check(self, text: str, scope: UserScope | None = None) -> GuardrailResult:
        spans = find_pii(text, self.types, allow=self.allow)
        if not spans:
            return GuardrailResult(self.name, False)
        counts = Counter(s.type for s in spans)
        return GuardrailResult(self.name, True, {"types": dict(counts)},
                               text=apply_masks(text, spans, self.style), spans=spans)

    def mask(self, text: str) -> str:
        """Just the masked text."""
        spans = find_pii(text, self.types, allow=self.allow)
        return apply_masks(text, spans, self.style) if spans else text


@dataclass(frozen=True, slots=True)
class InjectionGuard:
    """Prompt injection and jailbreak attempts get a safe refusal (see ``injection``)."""

    scorer: InjectionScorer = field(default_factory=InjectionScorer)
    refusal: str = INJECTION_REFUSAL
    name: str = "injection"
    rewrites: ClassVar[bool] = False

    def check(self, text: str, scope: UserScope | None = None) -> GuardrailResult:
        result = self.scorer.score(text)
        tripped = result.score >= self.scorer.threshold
        info = {"score": result.score, "threshold": self.scorer.threshold, "rules": result.rules}
        return GuardrailResult(self.name, tripped, info, refusal=self.refusal if tripped else None)


@dataclass(frozen=True, slots=True)
class AbuseGuard:
    """Profanity, insults, threats: a calm line before the answer; the request is
    still handled (see ``abuse``)."""

    reply: str = ABUSE_REPLY
    name: str = "abuse"
    rewrites: ClassVar[bool] = False

    def check(self, text: str, scope: UserScope | None = None) -> GuardrailResult:
        found = find_abuse(text)
        if not found:
            return GuardrailResult(self.name, False)
        return GuardrailResult(self.name, True, {"kinds": tuple(f.kind for f in found)}, preface=self.reply)


@dataclass(frozen=True, slots=True)
class CrossUserGuard:
    """Replies must not name another shopper's order ids, ticket ids, user id or
    e-mail address. ``action``: "refuse" replaces the whole reply (it may carry
    more of that order than its id), "redact" replaces just the identifiers.
    Without a scope nothing is owned, so every identifier counts as foreign."""

    action: Literal["refuse", "redact"] = "refuse"
    refusal: str = CROSS_USER_REFUSAL
    user_id_pattern: re.Pattern[str] = field(default_factory=lambda: re.compile(DEFAULT_USER_ID_PATTERN))
    allowed_emails: Collection[str] = frozenset()
    name: str = "cross_user"
    rewrites: ClassVar[bool] = True

    def check(self, text: str, scope: UserScope | None = None) -> GuardrailResult:
        if scope is not None and scope.is_staff:
            return GuardrailResult(self.name, False, {"staff": True})
        allowed = {e.lower() for e in self.allowed_emails}
        foreign = [i for i in find_identifiers(text, self.user_id_pattern)
                   if not (scope is not None and scope.owns(i)) and not (i.kind == "email" and i.value in allowed)]
        if not foreign:
            return GuardrailResult(self.name, False)
        info = {"kinds": dict(Counter(i.kind for i in foreign)), "action": self.action}
        redacted = text
        for ident in sorted(foreign, key=lambda i: i.start, reverse=True):
            redacted = redacted[:ident.start] + REDACTED + redacted[ident.end:]
        if self.action == "refuse":
            return GuardrailResult(self.name, True, info, text=redacted, refusal=self.refusal)
        return GuardrailResult(self.name, True, info, text=redacted)
