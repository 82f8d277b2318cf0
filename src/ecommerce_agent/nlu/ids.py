"""Order and ticket ids as shoppers type them, back to the canonical form.

Shoppers write ``ORD-20261126-0001`` as ``ord_20261126_0001``, ``ORD 20261126 0001``,
``ＯＲＤ－２０２６…`` (full-width, from mobile keyboards) or with a particle glued
on (``…0001을``, ``…0001번``). A regex does this better than any model: it is
exact, and an id the model half-recognised would be worse than none.

Canonical forms are those of ``domain.ids``: ``ORD-YYYYMMDD-NNNN`` and
``TKT-YYYYMMDD-XXXXXX`` (upper case). The date part is not validated here: an
id that names no order is for the storage lookup to report, in the shopper's
words, not for the parser to drop silently.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

# Separators seen between the parts: hyphen-likes, underscore, dots, spaces.
_SEP = r"[\s\-_‐‑‒–—―−~.·]{0,3}"
_ORDER_RE = re.compile(rf"(?<![a-z])ord{_SEP}(\d{{8}}){_SEP}(\d{{4}})(?!\d)", re.IGNORECASE)
_TICKET_RE = re.compile(rf"(?<![a-z])tkt{_SEP}(\d{{8}}){_SEP}([0-9a-z]{{6}})(?![0-9a-z])",
                        re.IGNORECASE)
# "주문번호 20261126-0001": the prefix is dropped but the shape is unmistakable;
# only accepted when the eight digits are a real date.
_BARE_ORDER_RE = re.compile(r"(?<![\d\-_a-z])(\d{8})[\-_](\d{4})(?![\d\-_])", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class IdMatch:
    """One id found in the text: canonical value and the span it occupies."""

    value: str
    start: int
    end: int


def _prepared(text: str) -> str:
    """NFKC folds full-width letters/digits without changing the string length
    for them; other characters whose length would change are kept as they are so
    that spans still index the original text."""
    out = []
    for ch in text:
        folded = unicodedata.normalize("NFKC", ch)
        out.append(folded if len(folded) == 1 else ch)
    return "".join(out)


def find_order_ids(text: str) -> list[IdMatch]:
    """Every order id in ``text``, in order of appearance."""
    prepared = _prepared(text)
    found = [IdMatch(f"ORD-{m.group(1)}-{m.group(2)}", m.start(), m.end())
             for m in _ORDER_RE.finditer(prepared)]
    taken = [(m.start, m.end) for m in found]
    taken += [(m.start, m.end) for m in find_ticket_ids(text)]
    for m in _BARE_ORDER_RE.finditer(prepared):
        if _is_date(m.group(1)) and not any(s <= m.start() < e for s, e in taken):
            found.append(IdMatch(f"ORD-{m.group(1)}-{m.group(2)}", m.start(), m.end()))
    return sorted(found, key=lambda m: m.start)


def find_ticket_ids(text: str) -> list[IdMatch]:
    """Every ticket id in ``text``, in order of appearance."""
    return [IdMatch(f"TKT-{m.group(1)}-{m.group(2).upper()}", m.start(), m.end())
            for m in _TICKET_RE.finditer(_prepared(text))]


def extract_order_id(text: str) -> str | None:
    """The first order id, canonical, or ``None``."""
    found = find_order_ids(text)
    return found[0].value if found else None


def extract_ticket_id(text: str) -> str | None:
    """The first ticket id, canonical, or ``None``."""
    found = find_ticket_ids(text)
    return found[0].value if found else None


def mask_ids(text: str, order: str, ticket: str) -> str:
    """Replace every id by a placeholder, so that the classifier learns "an order
    id is here" instead of memorising random digits."""
    spans = [(m.start, m.end, order) for m in find_order_ids(text)]
    spans += [(m.start, m.end, ticket) for m in find_ticket_ids(text)]
    for start, end, token in sorted(spans, reverse=True):
        text = f"{text[:start]}{token}{text[end:]}"
    return text


def _is_date(digits: str) -> bool:
    try:
        date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return False
    return 2000 <= int(digits[:4]) <= 2100
