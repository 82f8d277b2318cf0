"""The grounding check: an LLM-phrased reply may state only what the template
reply and its cards and citations state.

``Grounding`` holds those facts for one turn; ``check(reply, grounding)`` lists
what is wrong with a reply (empty: it may be sent). A reply is refused when it

* names an order or ticket id that is not grounded, or drops one the template gave;
* states an amount (원), a date (absolute or "내일"-like), a period or count of
  days/months, a percentage, an hour or a legal article/clause number that is
  not grounded, or any other number the grounding does not contain;
* names an order/ticket status or an action (취소, 반품, 교환, …) the grounding
  does not mention, or turns a "cannot" into a "can" (or the reverse);
* drops the confirmation question of a pending action (the question mark, the
  '네'/'아니요' answers, the order id, the action, a new address);
* drops the cited source document's name;
* is empty, not Korean, far longer than the template, or adds a link or an e-mail address.

Reasons are short codes ("amount:12000", "confirmation_dropped") for the
turn's trace; they never contain the shopper's words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ...domain.clock import KST
from ...domain.orders import ACTION_LABELS, STATUS_LABELS, Action
from ...guardrails.lookalikes import ORDER_ID_RE, TICKET_ID_RE
from ...guardrails.text import fold

STATUS_TERMS = (*STATUS_LABELS.values(), "처리중", "처리완료", "배송준비중", "발송완료", "출고완료", "환불완료",
                "취소완료", "교환완료", "구매확정", "입금대기", "입금완료", "배송대기", "회수완료")
ACTION_WORDS = ("취소", "반품", "환불", "교환", "불량", "오배송", "배송지")
ACTION_KEYWORDS: Mapping[str, tuple[str, ...]] = {
    Action.CANCEL.value: ("취소",), Action.CHANGE_ADDRESS.value: ("배송지", "주소"),
    Action.RETURN.value: ("반품", "환불"), Action.EXCHANGE.value: ("교환",),
    Action.DEFECT.value: ("불량", "오배송")}
REFUSALS = ("수없", "불가", "어렵", "못합니다", "못해")  # "할 수 없습니다": the answer is no
RELATIVE_DATES = ("오늘", "내일", "모레", "글피", "어제", "그제", "그저께", "당일", "익일", "이번주", "다음주",
                  "지난주", "이번달", "다음달", "지난달", "주말", "월말", "연말")
WORD_SPANS = {"이틀": (2, "일"), "사흘": (3, "일"), "나흘": (4, "일"), "닷새": (5, "일"), "엿새": (6, "일"),
              "이레": (7, "일"), "일주일": (7, "일"), "열흘": (10, "일"), "보름": (15, "일"), "한달": (1, "개월"),
              "두달": (2, "개월"), "석달": (3, "개월"), "세달": (3, "개월"), "반년": (6, "개월")}
LENGTH_FACTOR, LENGTH_SLACK = 3, 300

_ONLY_SPACES = re.compile(r"\s+")
_MONEY = re.compile(r"((?:\d[\d,]*(?:\.\d+)?\s*(?:억|만|천|백)?\s*)+)원(?!하|래|인|칙|격|본|문|활|룸|서|리|형)")
_MONEY_PART = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*(억|만|천|백)?")
_MULTIPLIER = {"억": 100_000_000, "만": 10_000, "천": 1_000, "백": 100, None: 1}
_DATES = (
    re.compile(r"(?<!\d)(?P<y>\d{4})\s*년\s*(?P<m>\d{1,2})\s*월\s*(?P<d>\d{1,2})\s*일"),
    re.compile(r"(?<!\d)(?P<y>\d{4})[-./]\s?(?P<m>\d{1,2})[-./]\s?(?P<d>\d{1,2})(?!\d)"),
    re.compile(r"(?<!\d)(?P<y>\d{4})\s*년\s*(?P<m>\d{1,2})\s*월"),
    re.compile(r"(?<![\d.])(?P<m>\d{1,2})\s*월\s*(?P<d>\d{1,2})\s*일"),
    re.compile(r"(?<![\d.])(?P<m>\d{1,2})/(?P<d>\d{1,2})(?![\d/])"),
    re.compile(r"(?<![\d.])(?P<m>\d{1,2})\s*월(?!\s*\d)"),
)
_NUM = r"\d[\d,]*(?:\.\d+)?"
_SPAN = re.compile(rf"(?<![\d.,])({_NUM})\s*(?:[~\-–]\s*({_NUM})\s*)?"
                   r"(영업일|주일|개월|시간|퍼센트|프로|일(?!반|부|단|정|괄|체|치|련|곱)|주(?!문|소|의|요)|달|년|시|분|%|조|항|호)")
_NUMBER = re.compile(_NUM)
_UNIT = {"주일": "주", "달": "개월", "퍼센트": "%", "프로": "%"}
_HANGUL = re.compile(r"[가-힣]")
_LATIN = re.compile(r"[A-Za-z]")
_LINK = re.compile(r"https?://|www\.|\.com\b|\.co\.kr\b|[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\.[A-Za-z]", re.IGNORECASE)
_CARD_DATES = ("order_date", "delivered_at", "created_at")
_CARD_LABELS = {"order_id": "주문번호", "ticket_id": "문의번호", "status_label": "상태", "summary": "상품",
                "total_amount": "결제금액", "order_date": "주문일", "delivered_at": "배송완료일",
                "tracking": "운송장", "issue_type": "문의유형", "created_at": "접수일", "title": "상품명",
                "price": "가격", "category": "분류", "in_stock": "재고"}


@dataclass
class Facts:
    """What a text states that can be checked."""

    ids: set[str] = field(default_factory=set)
    amounts: set[int] = field(default_factory=set)
    dates: set[tuple[int | None, int, int | None]] = field(default_factory=set)
    relative: set[str] = field(default_factory=set)
    spans: set[tuple[str, str]] = field(default_factory=set)  # (number, unit): ("7", "일"), ("10", "%")
    numbers: set[str] = field(default_factory=set)  # every other number

    def merge(self, other: Facts) -> Facts:
        for name in ("ids", "amounts", "dates", "relative", "spans", "numbers"):
            getattr(self, name).update(getattr(other, name))
        return self


def compact(text: str) -> str:
    return _ONLY_SPACES.sub("", fold(text))


def read_facts(text: str) -> Facts:
    """Ids, amounts, dates, periods and numbers stated in ``text``."""
    facts = Facts()
    work = fold(text)

    def blank(match: re.Match[str]) -> str:
        return " " * (match.end() - match.start())

    for match in ORDER_ID_RE.finditer(work):
        facts.ids.add(f"ORD-{match[1]}-{match[2]}")
    for match in TICKET_ID_RE.finditer(work):
        facts.ids.add(f"TKT-{match[1]}-{match[2].upper()}")
    work = TICKET_ID_RE.sub(blank, ORDER_ID_RE.sub(blank, work))
    for pattern in _DATES:
        for match in pattern.finditer(work):
            parts = match.groupdict()
            y, m, d = (int(parts[k]) if parts.get(k) else None for k in ("y", "m", "d"))
            if m is not None and 1 <= m <= 12 and (d is None or 1 <= d <= 31):
                facts.dates.add((y, m, d))
                work = work[:match.start()] + blank(match) + work[match.end():]
    for match in _MONEY.finditer(work):
        amount = _money(match[1])
        if amount is not None:
            facts.amounts.add(amount)
    work = _MONEY.sub(blank, work)
    squeezed = compact(work)
    facts.relative.update(term for term in RELATIVE_DATES if term in squeezed)
    for word, (n, unit) in WORD_SPANS.items():
        if word in squeezed:
            facts.spans.add(_span(str(n), unit))
    for match in _SPAN.finditer(work):
        unit = match[3]
        if unit == "년" and float(_number(match[1])) >= 100:  # "2026년": a year, not a period
            continue
        facts.spans.add(_span(match[1], unit))
        if match[2]:
            facts.spans.add(_span(match[2], unit))
    work = _SPAN.sub(lambda m: m[0] if m[3] == "년" and float(_number(m[1])) >= 100 else blank(m), work)
    facts.numbers.update(_number(n) for n in _NUMBER.findall(work))
    return facts


def _number(raw: str) -> str:
    value = raw.replace(",", "")
    if "." in value:
        value = value.rstrip("0").rstrip(".")
    return value.lstrip("0") or "0"


def _span(raw: str, unit: str) -> tuple[str, str]:
    unit = _UNIT.get(unit, unit)
    number = _number(raw)
    if unit == "주":  # weeks as days: "1주일" is "7일"
        try:
            return str(int(float(number) * 7)), "일"
        except ValueError:
            return number, unit
    return number, unit


def _money(expression: str) -> int | None:
    total, found = 0.0, False
    for match in _MONEY_PART.finditer(expression):
        try:
            total += float(match[1].replace(",", "")) * _MULTIPLIER[match[2]]
        except ValueError:
            return None
        found = True
    return round(total) if found else None


def card_view(card: Mapping[str, Any]) -> dict[str, Any]:
    """A card as the shopper would read it: Korean labels, KST dates, 원 amounts
    (what the LLM is shown, and what grounds its reply)."""
    view: dict[str, Any] = {}
    for key, value in card.items():
        if value is None or key not in _CARD_LABELS:
            continue
        if key in _CARD_DATES and isinstance(value, str):
            value = _kst_date(value)
        elif key in ("total_amount", "price") and isinstance(value, int | float):
            value = f"{int(value):,}원"
        elif key == "tracking" and isinstance(value, Mapping):
            value = " ".join(str(v) for v in value.values() if v)
        elif key == "in_stock":
            value = "있음" if value else "품절"
        view[_CARD_LABELS[key]] = value
    return view


def _kst_date(value: str) -> str:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.tzinfo is not None:
        moment = moment.astimezone(KST)
    return f"{moment.year}년 {moment.month}월 {moment.day}일"


@dataclass(frozen=True)
class Grounding:
    """The facts of one turn's reply: the template text, its cards and
    citations, and the action awaiting the shopper's yes (if any)."""

    text: str
    cards: tuple[dict[str, Any], ...] = ()
    citations: tuple[dict[str, Any], ...] = ()
    pending_action: str | None = None  # domain.orders.Action value
    pending_order_id: str | None = None
    pending_address: str | None = None

    @property
    def sources(self) -> tuple[str, ...]:
        """Cited document titles, best first."""
        return tuple(dict.fromkeys(str(c["title"]) for c in self.citations if c.get("title")))

    def corpus(self) -> str:
        """Everything grounded, as one text."""
        parts = [self.text, *(_flatten(card_view(c)) for c in self.cards)]
        parts += [f"{c.get('title', '')} {c.get('section') or ''}" for c in self.citations]
        if self.pending_action:
            parts.append(ACTION_LABELS[Action(self.pending_action)])
        return "\n".join(parts)

    def facts(self) -> Facts:
        facts = read_facts(self.corpus())
        facts.spans.update((f"{d}", "일") for _, _, d in facts.dates if d is not None)
        facts.numbers.update(n for n, _ in facts.spans)
        for y, m, d in facts.dates:
            facts.numbers.update(str(v) for v in (y, m, d) if v is not None)
        return facts


def _flatten(view: Mapping[str, Any]) -> str:
    return " · ".join(f"{k}: {v}" for k, v in view.items())


def check(reply: str, grounding: Grounding) -> tuple[str, ...]:
    """Why ``reply`` may not be sent instead of the template (empty: it may)."""
    if not reply.strip():
        return ("empty",)
    reasons: list[str] = []
    if _hangul_share(reply) < 0.5 * _hangul_share(grounding.text):
        reasons.append("not_korean")
    if len(reply) > LENGTH_FACTOR * len(grounding.text) + LENGTH_SLACK:
        reasons.append("too_long")
    corpus = grounding.corpus()
    if _LINK.search(reply) and not _LINK.search(corpus):
        reasons.append("link")
    said, known = read_facts(reply), grounding.facts()
    reasons += [f"id:{i}" for i in sorted(said.ids - known.ids)]
    reasons += [f"id_dropped:{i}" for i in sorted(read_facts(grounding.text).ids - said.ids)]
    reasons += [f"amount:{a}" for a in sorted(said.amounts - known.amounts)]
    reasons += [f"date:{_show_date(d)}" for d in sorted(said.dates, key=_show_date)
                if not any(_same_date(d, g) for g in known.dates)]
    reasons += [f"relative_date:{r}" for r in sorted(said.relative - known.relative)]
    reasons += [f"span:{n}{u}" for n, u in sorted(said.spans - known.spans)]
    reasons += [f"number:{n}" for n in sorted(said.numbers - known.numbers)]
    squeezed, grounded = compact(reply), compact(corpus)
    reasons += [f"status:{t}" for t in _mentioned(STATUS_TERMS, squeezed) if t not in grounded]
    reasons += [f"action_word:{w}" for w in _mentioned(ACTION_WORDS, squeezed) if w not in grounded]
    # what the template itself refuses, not a refusal word in a cited section's heading
    refuses, refused = _mentioned(REFUSALS, squeezed), _mentioned(REFUSALS, compact(grounding.text))
    if refused and not refuses:
        reasons.append("refusal_dropped")  # "취소할 수 없습니다" became "취소 가능합니다"
    elif refuses and not refused:
        reasons.append("refusal_added")
    if grounding.pending_action:
        reasons += _confirmation_kept(reply, squeezed, grounding)
    for title in grounding.sources[:1]:
        if compact(title) not in squeezed:
            reasons.append("source_dropped")
    return tuple(reasons)


def _hangul_share(text: str) -> float:
    """Hangul syllables among the letters (ids left out): a Korean reply stays Korean."""
    text = TICKET_ID_RE.sub(" ", ORDER_ID_RE.sub(" ", fold(text)))
    hangul, latin = len(_HANGUL.findall(text)), len(_LATIN.findall(text))
    return hangul / (hangul + latin) if hangul + latin else 0.0


def _mentioned(terms: Iterable[str], squeezed: str) -> list[str]:
    found = [t for t in terms if t in squeezed]
    # "배송완료" also contains "배송": report the longest terms only
    return [t for t in found if not any(t != o and t in o for o in found)]


def _confirmation_kept(reply: str, squeezed: str, grounding: Grounding) -> list[str]:
    missing = []
    if "?" not in reply or "네" not in squeezed or not ("아니요" in squeezed or "아니오" in squeezed):
        missing.append("confirmation_dropped")
    if grounding.pending_order_id and grounding.pending_order_id not in read_facts(reply).ids:
        missing.append("confirmation_order_dropped")
    keywords = ACTION_KEYWORDS.get(grounding.pending_action or "", ())
    if keywords and not any(k in squeezed for k in keywords):
        missing.append("confirmation_action_dropped")
    if grounding.pending_address and compact(grounding.pending_address) not in squeezed:
        missing.append("confirmation_address_dropped")
    return missing


def _same_date(said: tuple[int | None, int, int | None], known: tuple[int | None, int, int | None]) -> bool:
    (y, m, d), (gy, gm, gd) = said, known
    return m == gm and (y is None or gy is None or y == gy) and (d is None or d == gd)


def _show_date(d: tuple[int | None, int, int | None]) -> str:
    y, m, day = d
    return "-".join(str(v) if v is not None else "?" for v in (y, m, day))


def grounding_of(text: str, cards: Sequence[dict[str, Any]], citations: Sequence[dict[str, Any]],
                 pending: Any | None) -> Grounding:
    """``pending``: the ``state.PendingAction`` the reply asks the shopper to confirm."""
    return Grounding(text=text, cards=tuple(cards), citations=tuple(citations),
                     pending_action=getattr(pending, "action", None),
                     pending_order_id=getattr(pending, "order_id", None),
                     pending_address=getattr(pending, "new_address", None))
