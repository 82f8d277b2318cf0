"""How masked PII looks: one scheme for storing, logging and showing.

Default style ``label``: the whole value becomes a bracketed Korean label of its
type, so the agent (and a model reading the text) still knows *what* was given
but nothing of its value::

    [주민등록번호] [전화번호] [카드번호] [계좌번호] [이메일] [여권번호]

Style ``partial`` keeps the format and the parts Korean shops usually show
(``010-****-5678``, ``850314-1******``, ``****-****-****-6760``,
``***-***-**9102``, ``mi***@naver.com``, ``M********``) for replies the shopper
reads. Both are idempotent: masked text contains no digits run, address or
label that any detector reports again.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from .labels import LABELS
from .pii import PiiSpan, PiiType

MaskStyle = Literal["label", "partial"]


def mask_value(kind: PiiType, value: str, style: MaskStyle = "label") -> str:
    """The masked form of one value."""
    if style == "label":
        return LABELS[kind]
    if kind == "email":
        local, _, domain = value.partition("@")
        return f"{local[:2] if len(local) > 3 else local[:1]}***@{domain}"
    if kind == "passport":
        return value[0] + "*" * (len(value) - 1)
    if kind == "rrn":
        return _star_digits(value, keep_first=7, keep_last=0)
    if kind == "phone":
        return _mask_phone(value)
    return _star_digits(value, keep_first=0, keep_last=4)  # card, account


def apply_masks(text: str, spans: Iterable[PiiSpan], style: MaskStyle = "label") -> str:
    """``text`` with every span replaced by its masked form."""
    out: list[str] = []
    pos = 0
    for span in sorted(spans, key=lambda s: s.start):
        out.append(text[pos:span.start])
        out.append(mask_value(span.type, span.value, style))
        pos = span.end
    out.append(text[pos:])
    return "".join(out)


def _star_digits(value: str, *, keep_first: int, keep_last: int) -> str:
    total = sum(ch.isdigit() for ch in value)
    out, seen = [], 0
    for ch in value:
        if ch.isdigit():
            seen += 1
            keep = seen <= keep_first or seen > total - keep_last
            out.append(ch if keep else "*")
        else:
            out.append(ch)
    return "".join(out)


def _mask_phone(value: str) -> str:
    """Keep the area code (with any +82 prefix) and the last four digits: 010-****-5678."""
    digits = "".join(ch for ch in value if ch.isdigit())
    international = value.lstrip().startswith("+")
    national = "0" + digits[2:] if international else digits
    area = 2 if national.startswith("02") else 4 if national.startswith("050") else 3
    keep = area + 1 if international else area  # "+82 10": 8, 2, 1, 0 (the 0 is dropped)
    return _star_digits(value, keep_first=min(keep, len(digits) - 4), keep_last=4)
