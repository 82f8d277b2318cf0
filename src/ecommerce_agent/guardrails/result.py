"""What a guard returns: data, never an exception.

Like the openai-agents ``GuardrailFunctionOutput``, a ``GuardrailResult`` says
whether the guard tripped and why (``info``, for traces); ``name`` is the
stable label metrics and traces use. A guard may also rewrite the text
(masking, redaction), ask for a refusal (stop, answer this instead) or a
preface (carry on, put this line first). The pipelines in ``pipeline`` combine
the results of a plain list of guards.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Protocol

from .ownership import UserScope
from .pii import PiiSpan

@dataclass(frozen=True, slots=True)
class GuardrailResult:
    name: str
    tripped: bool
    info: Mapping[str, object] = field(default_factory=dict)  # frozen into a read-only view
    text: str | None = None       # the rewritten text, when the guard changed it
    refusal: str | None = None    # answer with this instead of processing / sending
    preface: str | None = None    # put this line before the answer; processing continues
    spans: tuple[PiiSpan, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.info, MappingProxyType):
            object.__setattr__(self, "info", MappingProxyType(dict(self.info)))


class Guard(Protocol):
    """One check. ``rewrites``: the guard changes the text (masking), so it still
    runs after another guard has refused, to keep what is stored and logged clean."""

    name: str
    rewrites: bool

    def check(self, text: str, scope: UserScope | None = None) -> GuardrailResult: ...
