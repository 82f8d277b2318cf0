"""PII masking of free text at the API boundary: the one function every path
that stores or logs shopper-written text goes through (ticket descriptions and
reasons, cancel reasons, conversation titles, names, staff notes, and every log
line as a last line of defence). Chat and ``/v1`` messages are masked by the
agent's input guard, which uses the same detector (``guardrails.find_pii``).

Storage stores text as given and never imports guardrails, so masking happens
here, with the agent's scheme (bracketed Korean labels such as ``[전화번호]``):
every PII type, with the shop's own numbers from ``configs/guardrails.yaml``
(``pii.allow``) left alone.
"""

from __future__ import annotations

from functools import lru_cache
from typing import overload

from ..guardrails import PII_TYPES, PiiGuard, load_guardrails_config


@lru_cache(maxsize=1)
def _guard() -> PiiGuard:
    return PiiGuard(PII_TYPES, "label", frozenset(load_guardrails_config().pii.allow))


@overload
def mask_pii(text: str) -> str: ...
@overload
def mask_pii(text: None) -> None: ...


def mask_pii(text: str | None) -> str | None:
    """``text`` with personal data masked (None stays None)."""
    return None if text is None else _guard().mask(text)
