"""PII masking of free text shoppers send through the API (reasons, descriptions).

Storage stores text as given and never imports guardrails, so masking happens
here, at the boundary, with the same scheme the agent uses (``guardrails``:
bracketed Korean labels such as ``[전화번호]``).
"""

from __future__ import annotations

from functools import lru_cache

from ..guardrails import PiiGuard


@lru_cache(maxsize=1)
def _guard() -> PiiGuard:
    return PiiGuard()


def mask_pii(text: str | None) -> str | None:
    """``text`` with personal data masked (None stays None)."""
    return None if text is None else _guard().mask(text)
