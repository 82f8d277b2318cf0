"""Whose data a reply mentions.

A reply (templated or written by a model) must only name the authenticated
shopper's own orders, tickets, user id and e-mail addresses. ``UserScope`` is
what the output guard is told about that shopper; ``find_identifiers`` lists
the identifiers a reply mentions, canonicalised, so that "ord_20261120_0003"
and "ORD-20261120-0003" compare equal.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from .lookalikes import ORDER_ID_RE, TICKET_ID_RE
from .text import fold

IdentifierKind = Literal["order_id", "ticket_id", "user_id", "email"]

_EMAIL_RE = re.compile(r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9][A-Za-z0-9._%+\-]{0,63}@"
                       r"(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![A-Za-z0-9\-])")


def canonical_order_id(value: str) -> str | None:
    m = ORDER_ID_RE.fullmatch(fold(value).strip())
    return f"ORD-{m[1]}-{m[2]}" if m else None


def canonical_ticket_id(value: str) -> str | None:
    m = TICKET_ID_RE.fullmatch(fold(value).strip())
    return f"TKT-{m[1]}-{m[2].upper()}" if m else None


@dataclass(frozen=True, slots=True)
class UserScope:
    """The authenticated shopper and what they own. Ids may be given in any form
    shoppers type; they are stored canonical. Staff (``is_staff``) may see
    everyone's data, so the cross-user check does not apply to them."""

    user_id: str
    order_ids: frozenset[str] = frozenset()
    ticket_ids: frozenset[str] = frozenset()
    emails: frozenset[str] = frozenset()
    is_staff: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "order_ids", frozenset(_canon(self.order_ids, canonical_order_id)))
        object.__setattr__(self, "ticket_ids", frozenset(_canon(self.ticket_ids, canonical_ticket_id)))
        object.__setattr__(self, "emails", frozenset(e.strip().lower() for e in self.emails))

    def owns(self, ident: Identifier) -> bool:
        if ident.kind == "order_id":
            return ident.value in self.order_ids
        if ident.kind == "ticket_id":
            return ident.value in self.ticket_ids
        if ident.kind == "email":
            return ident.value in self.emails
        return ident.value.upper() == self.user_id.upper()


def _canon(values: Iterable[str], canonical: Callable[[str], str | None]) -> Iterable[str]:
    for v in values:
        yield canonical(v) or v.strip().upper()


@dataclass(frozen=True, slots=True)
class Identifier:
    kind: IdentifierKind
    value: str  # canonical: ORD-…/TKT-… upper case, e-mail lower case
    start: int
    end: int


def find_identifiers(text: str, user_id_pattern: re.Pattern[str]) -> list[Identifier]:
    """Order ids, ticket ids, user ids and e-mail addresses mentioned in ``text``."""
    folded = fold(text)
    found = [Identifier("order_id", f"ORD-{m[1]}-{m[2]}", m.start(), m.end())
             for m in ORDER_ID_RE.finditer(folded)]
    found += [Identifier("ticket_id", f"TKT-{m[1]}-{m[2].upper()}", m.start(), m.end())
              for m in TICKET_ID_RE.finditer(folded)]
    found += [Identifier("email", m.group().lower(), m.start(), m.end()) for m in _EMAIL_RE.finditer(folded)]
    taken = [(i.start, i.end) for i in found]
    for m in user_id_pattern.finditer(folded):
        if not any(s < m.end() and m.start() < e for s, e in taken):
            found.append(Identifier("user_id", m.group(), m.start(), m.end()))
    return sorted(found, key=lambda i: i.start)
