"""All slots of one utterance, given its intent.

Which slots exist depends on the intent (data/nlu/GUIDELINES.md): a reason only
explains a cancel or claim, a query only belongs to a product search, and the
issue type is the claim's kind or, on ``ticket.status``, the kind of request
the shopper names. Ids, dates, ordinals, anaphora and prices are read on every
intent — the agent may need "ORD-…" even when the intent is uncertain.
"""

from __future__ import annotations

import re
from datetime import datetime

from ..domain.prices import parse_price_range
from ..domain.tickets import IssueType
from .dates import find_date_ref, resolve_date_ref
from .ids import find_order_ids, find_ticket_ids, mask_ids
from .lexicon import noun_lexicon
from .refs import find_ordinal, has_anaphora
from .spans import SpanTagger
from .text import fold
from .types import Slots

CLAIM_ISSUE = {"claim.refund": IssueType.REFUND, "claim.exchange": IssueType.EXCHANGE,
               "claim.defect": IssueType.DEFECT}
REASON_INTENTS = frozenset({"order.cancel", *CLAIM_ISSUE})
QUERY_INTENTS = frozenset({"product.search"})
PRICE_INTENTS = frozenset({"product.search"})

# What a ticket is about, from the words naming it; first match wins, so the
# specific kinds ("배송 문의") come before the generic ("문의").
_TICKET_KIND = (
    (IssueType.DEFECT, r"불량|파손|오배송|하자|깨진|깨져"),
    (IssueType.SHIPPING, r"배송\s?(?:지연|문의|누락|사고|관련)|분실|배송이?\s?안\s?(?:와|오)"),
    (IssueType.EXCHANGE, r"교환|교한|exchange"),
    (IssueType.REFUND, r"반품|환불|환블|회수|refund|return|돈이?\s?안\s?들어"),
    (IssueType.OTHER, r"민원|기타"),
    (IssueType.INQUIRY, r"문의|질문|1:1|inquiry|enquiry|question"),
)
_TICKET_KIND_RE = [(kind, re.compile(pattern, re.IGNORECASE)) for kind, pattern in _TICKET_KIND]


def ticket_issue_type(text: str) -> IssueType | None:
    """The kind of an existing ticket the shopper names, if any."""
    for kind, pattern in _TICKET_KIND_RE:
        if pattern.search(text):
            return kind
    return None


def extract_slots(text: str, intent: str, *, now: datetime | None,
                  query_tagger: SpanTagger | None = None,
                  reason_tagger: SpanTagger | None = None) -> Slots:
    """Slots of ``text`` read as ``intent``; ``now`` (aware) resolves ``date_ref``."""
    folded = fold(text)
    order_ids = find_order_ids(folded)
    ticket_ids = find_ticket_ids(folded)
    plain = mask_ids(folded, " ", " ")  # ids hide no dates, prices or ordinals
    if intent in CLAIM_ISSUE:
        issue: IssueType | None = CLAIM_ISSUE[intent]
    elif intent == "ticket.status":
        issue = ticket_issue_type(plain)
    else:
        issue = None
    date_ref = find_date_ref(strip_ids(text))
    # approximate amounts ("3만원 정도") are no slot (labelling rules)
    price = parse_price_range(plain, approximate=False) if intent in PRICE_INTENTS else None
    reason = reason_tagger.predict(strip_ids(text)) if (
        reason_tagger is not None and intent in REASON_INTENTS) else None
    query = query_tagger.predict(strip_ids(text)) if (
        query_tagger is not None and intent in QUERY_INTENTS) else None
    if query and query.strip() in noun_lexicon().generic:  # "제일 싼 걸로요": "걸" names no product
        query = None
    return Slots(
        order_id=order_ids[0].value if order_ids else None,
        ticket_id=ticket_ids[0].value if ticket_ids else None,
        issue_type=issue,
        reason=reason,
        query=query,
        price_min=price.min_price if price else None,
        price_max=price.max_price if price else None,
        date_ref=date_ref,
        date_range=resolve_date_ref(date_ref, now) if date_ref and now is not None else None,
        ordinal=find_ordinal(plain),
        anaphora=has_anaphora(plain),
        order_ids=tuple(dict.fromkeys(m.value for m in order_ids)),
    )


# A particle or counter glued to an id ("…0001을", "…0001번으로") belongs to it.
_ID_SUFFIX = re.compile(r"(?:번|건)?(?:으로|에서|이에요|예요|이요|입니다|을|를|이|가|은|는|로|의|도|에)?요?")


def strip_ids(text: str) -> str:
    """The original text with ids (and particles glued to them) blanked out,
    same length, so spans found in it stay verbatim."""
    for match in sorted(find_order_ids(text) + find_ticket_ids(text), key=lambda m: -m.start):
        end = match.end + len(_ID_SUFFIX.match(text, match.end).group(0))
        text = text[:match.start] + " " * (end - match.start) + text[end:]
    return text
