"""Personal data in free text: resident registration numbers, phone numbers,
card numbers, bank accounts, e-mail addresses and passport numbers.

Each type is a shape (regex) plus what a person would check before calling it
PII: a real birth date in a resident registration number, Luhn for a card, a
bank name or "계좌" next to an account number (12 digits are also a courier
tracking number), "여권" next to an old-format passport number. The nearest
labelling word (``lookalikes.Keywords``) decides between look-alike shapes, and
anything overlapping an id, a date, an amount or a product code
(``lookalikes.protected_spans``) is never PII.

Spans index the original text: ``text.fold`` changes no lengths.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from typing import Literal

from .labels import DIGIT_LABELS, LABELS, MASK_LABEL_RE
from .lookalikes import Keywords, protected_spans
from .numbers import card_issuer_plausible, luhn_valid, rrn_birth_date, rrn_check_digit_ok, rrn_valid
from .spaced import spaced_numbers
from .text import ascii_lower, fold

PiiType = Literal["rrn", "phone", "card", "account", "email", "passport"]
PII_TYPES: tuple[PiiType, ...] = ("rrn", "phone", "card", "account", "email", "passport")


@dataclass(frozen=True, slots=True)
class PiiSpan:
    """One piece of personal data: its type and where it is in the text.
    ``value`` is the raw text: use it for the action the shopper asked for,
    never log it (it is left out of ``repr``)."""

    type: PiiType
    start: int
    end: int
    value: str = field(repr=False)
    confidence: float = field(default=1.0, compare=False)


# A label this close before a number names it directly ("송장 010…" is a reference).
_ADJACENT = 4

# Boundaries: a number must not touch another digit, an address or passport
# number not another letter. Masks count as what they replaced ('*' of the
# partial style; mask labels, which ``find_pii`` turns into ``_MASKED`` for the
# digit types and ``_MASKED_WORD`` for e-mail and passport), so masking one
# value never turns a neighbour that was rejected for touching it into a new
# detection: masking stays idempotent.
_MASKED = "\ue000"
_MASKED_WORD = "\ue001"
_D = rf"[\d*{_MASKED}]"

# Only spacing, punctuation or one particle between a label and its number.
_TIGHT_GAP = re.compile(r"[\s:：=\-()]*(?:은|는|이|가|을|를|의|도|로|으로)?[\s:：=\-()]*")


@dataclass(frozen=True, slots=True)
class _Label:
    kind: str | None
    distance: int
    left: bool
    tight: bool = False  # the label names this number directly ("계좌: 010-…", "신한 110-…")

    @classmethod
    def of(cls, keywords: Keywords, start: int, end: int) -> _Label:
        kw = keywords.left(start)
        if kw is not None:
            return cls(kw.kind, start - kw.end, True, keywords.gap_is(kw.end, start, _TIGHT_GAP))
        kw = keywords.right(end)
        if kw is not None:
            return cls(kw.kind, kw.start - end, False, keywords.gap_is(end, kw.start, _TIGHT_GAP))
        return cls(None, 99, False)

    def is_(self, kind: str) -> bool:
        return self.kind == kind

    @property
    def adjacent(self) -> bool:
        return self.distance <= _ADJACENT


_NON_DIGITS = re.compile(r"\D+")


def _digits(value: str) -> str:
    return _NON_DIGITS.sub("", value)


# --- resident registration numbers ------------------------------------------------

_RRN_RE = re.compile(rf"(?<!{_D})(?<!{_D}-)(\d{{2}})(\d{{2}})(\d{{2}})(?P<sep>[ \t]*-[ \t]*|[ \t]?)([1-8])(\d{{6}})"
                     rf"(?!{_D})(?!-{_D})")
def _rrn(text: str, keywords: Keywords, today: date) -> Iterable[PiiSpan]:
    for m in _RRN_RE.finditer(text):
        digits = _digits(m.group())
        if not rrn_valid(digits, today):
            continue
        label = _Label.of(keywords, m.start(), m.end())
        check = rrn_check_digit_ok(digits)
        if "-" in m["sep"]:
            if label.is_("ref") and label.adjacent:
                continue
            score = 0.95
        elif label.is_("rrn"):
            score = 0.9
        elif check and not label.is_("ref"):
            score = 0.8
        else:
            continue  # 13 bare digits, no label, random last digit: a barcode or tracking number
        yield PiiSpan("rrn", m.start(), m.end(), m.group(), score + (0.04 if check else 0.0))


# --- phone numbers -------------------------------------------------------------------

_AREA = r"01[016789]|02|0(?:3[1-3]|4[1-4]|5[1-5]|6[1-4])|070|050\d"
_PHONE_RE = re.compile(
    rf"(?<![\d*+{_MASKED}])(?:(?P<intl>\+[ \t]?82[ \t\-.]*(?:\(0\)[ \t]*)?)"
    r"(?P<iarea>1[016789]|2|3[1-3]|4[1-4]|5[1-5]|6[1-4]|70)"
    rf"|\(?(?P<area>{_AREA})\)?)"
    r"(?P<s1>[ \t]*[\-.)][ \t]*|[ \t]{1,2}|)(?P<mid>\d{3,4})(?P<s2>[ \t]*[\-.][ \t]*|[ \t]{1,2}|)(?P<last>\d{4})"
    rf"(?!{_D})(?!-{_D})")


def _phone(text: str, keywords: Keywords, today: date) -> Iterable[PiiSpan]:
    for m in _PHONE_RE.finditer(text):
        area = m["area"] or "0" + m["iarea"]
        mobile = area.startswith("01")
        if (not (mobile or area.startswith(("070", "050"))) and m["mid"][0] in "01"
                and (m["mid"][0] == "0" or not (m["s1"] and m["s2"]))):
            continue  # no exchange starts with 0; one starting with 1 only counts written as a phone (02-123-4567)
        parenthesised = ")" in m.group()  # (02)345-6789, 032)565-2231
        if bool(m["s1"]) != bool(m["s2"]) and not (parenthesised or m["intl"]):
            continue  # "02200 2026": one group glued, one spaced is a postal code and a year, not a phone
        separated = bool(m["intl"] or m["s1"] or m["s2"] or parenthesised)
        strong = separated or (mobile and len(m["mid"]) == 4)
        label = _Label.of(keywords, m.start(), m.end())
        if label.is_("ref") and (not strong or (label.left and label.adjacent)):
            continue
        if not strong and label.kind not in (None, "phone"):
            continue
        yield PiiSpan("phone", m.start(), m.end(), m.group(), 0.8 + (0.1 if label.is_("phone") else 0.0))


# --- card numbers --------------------------------------------------------------------

# Card layouts: 4-4-4-4, 4-4-4-4-3, 4-6-5 (Amex), 4-6-4 (Diners), 4-4-4-1..3 (13-15
# digits), or no separators. Groups may be separated by spaces, so a card can
# start in the middle of a run of numbers ("수량 2 4111 1111 …") and one run may
# fit several layouts: every layout is looked for at every position (a
# look-ahead match is zero-width), and the resolver keeps the valid ones.
_CARD_SEP = r"(?P<sep>[ \t]?-[ \t]?|[ \t])"
_CARD_LAYOUTS = (rf"\d{{4}}{_CARD_SEP}\d{{4}}(?P=sep)\d{{4}}(?P=sep)\d{{4}}",
                 rf"\d{{4}}{_CARD_SEP}\d{{4}}(?P=sep)\d{{4}}(?P=sep)\d{{4}}(?P=sep)\d{{3}}",
                 rf"\d{{4}}{_CARD_SEP}\d{{4}}(?P=sep)\d{{4}}(?P=sep)\d{{1,3}}",
                 rf"\d{{4}}{_CARD_SEP}\d{{6}}(?P=sep)\d{{4,5}}",
                 r"\d{13,19}")
_FOUR_BY_FOUR = re.compile(r"\d{4}([ \t]?-[ \t]?|[ \t])\d{4}\1\d{4}\1\d{4}")
_CARD_RES = tuple(re.compile(rf"(?<![\d*\-{_MASKED}])(?=(?P<card>{layout})(?!{_D})(?!-{_D}))")
                  for layout in _CARD_LAYOUTS)


def _card(text: str, keywords: Keywords, today: date) -> Iterable[PiiSpan]:
    matches = [m for pattern in _CARD_RES for m in pattern.finditer(text)]
    for start, end in sorted({(m.start("card"), m.end("card")) for m in matches}):
        digits = _digits(text[start:end])
        if not 13 <= len(digits) <= 19:
            continue
        label = _Label.of(keywords, start, end)
        if label.is_("ref"):
            continue
        luhn = luhn_valid(digits)
        if label.is_("card"):
            score = 0.9 if luhn else 0.85
        elif luhn and card_issuer_plausible(digits) and len(digits) in (15, 16):
            score = 0.75
        elif len(digits) == 16 and (card_issuer_plausible(digits) or _FOUR_BY_FOUR.fullmatch(text[start:end])):
            score = 0.7  # card-shaped with a wrong check sum (a typo, a made-up number): still masked
        else:
            continue
        yield PiiSpan("card", start, end, text[start:end], score)


# --- bank accounts -------------------------------------------------------------------

_MOBILE_RE = re.compile(r"01[016789][ \t\-.]*\d{3,4}[ \t\-.]*\d{4}")
_ACCOUNT_RE = re.compile(rf"(?<![\d*\-{_MASKED}])(?:\d{{2,7}}(?:[ \t]?-[ \t]?\d{{1,7}}){{1,4}}|\d{{10,14}})"
                         rf"(?!{_D})(?!-{_D})")


def _account(text: str, keywords: Keywords, today: date) -> Iterable[PiiSpan]:
    for m in _ACCOUNT_RE.finditer(text):
        if not 10 <= len(_digits(m.group())) <= 14:
            continue
        # Only a bank name or "계좌" makes these digits an account: the same shapes
        # are tracking numbers, order references and business numbers. A mobile
        # number stays a phone unless the bank label is right in front of it.
        label = _Label.of(keywords, m.start(), m.end())
        if label.is_("account") and (label.tight or not _MOBILE_RE.fullmatch(m.group())):
            yield PiiSpan("account", m.start(), m.end(), m.group(), 0.95)


# --- e-mail --------------------------------------------------------------------------

# ASCII only, so a Korean particle glued on ("…@naver.com으로") stays outside.
_EMAIL_RE = re.compile(rf"(?<![A-Za-z0-9._%+\-*@{_MASKED}{_MASKED_WORD}])[A-Za-z0-9][A-Za-z0-9._%+\-]{{0,63}}@"
                       # a domain label with 7+ digits is a phone number glued on, not a host
                       r"(?:(?!(?:[A-Za-z\-]*\d){7})[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}"
                       rf"(?![A-Za-z\-{_MASKED_WORD}])(?!\.[A-Za-z{_MASKED_WORD}])")  # digits may follow: "….com010-…"


def _email(text: str, keywords: Keywords, today: date) -> Iterable[PiiSpan]:
    for m in _EMAIL_RE.finditer(text):
        yield PiiSpan("email", m.start(), m.end(), m.group(), 1.0)


# --- passports -------------------------------------------------------------------------

# Korean passports: M (multiple), S (single), R (residence), O (official),
# D (diplomatic); old format letter + 8 digits, since 2021 letter + 3 digits +
# letter + 4 digits.
_PASSPORT_RE = re.compile(rf"(?<![A-Za-z0-9*{_MASKED}{_MASKED_WORD}])[MSROD](?:\d{{8}}|(?P<new>\d{{3}}[A-Z]\d{{4}}))"
                          rf"(?![A-Za-z0-9*{_MASKED}{_MASKED_WORD}])",
                          re.IGNORECASE)


def _passport(text: str, keywords: Keywords, today: date) -> Iterable[PiiSpan]:
    for m in _PASSPORT_RE.finditer(text):
        label = _Label.of(keywords, m.start(), m.end())
        if label.is_("passport"):
            score = 0.9
        elif m["new"] and label.kind is None:
            score = 0.7  # the new format is distinctive on its own
        else:
            continue
        yield PiiSpan("passport", m.start(), m.end(), m.group(), score)


_Detector = Callable[[str, Keywords, date], Iterable[PiiSpan]]
_DETECTORS: dict[PiiType, _Detector] = {
    "rrn": _rrn, "phone": _phone, "card": _card, "account": _account, "email": _email, "passport": _passport,
}
_DIGIT_TYPES = frozenset({"rrn", "phone", "card", "account"})


def normalise_value(kind: str, value: str) -> str:
    """Comparable form of a PII value (for allow-lists): digits, or lower-cased text."""
    return _digits(value) if kind in _DIGIT_TYPES else value.strip().lower()


def find_pii(text: str, types: Collection[PiiType] = PII_TYPES, *, allow: Collection[str] = (),
             today: date | None = None) -> tuple[PiiSpan, ...]:
    """Every piece of personal data of the given ``types`` in ``text``, in order.

    ``allow`` holds values that are never reported (the shop's own phone number
    or e-mail address), compared by digits or case-insensitively.

    Detection runs to a fixpoint: the text is masked with labels and searched
    again, because a value glued to another one ("…5678+82 10…") is only
    recognisable once its neighbour is gone. So masking with these spans is
    idempotent by construction."""
    if not _may_hold_pii(text):
        return ()
    allowed = frozenset(normalise_value("email" if "@" in a else "phone", a) for a in allow)
    today = today or date.today()
    spans = list(_detect(text, types, allowed, today))
    for _ in range(4):
        if not any(_touches(text, s) for s in spans):
            break  # nothing glued to a value: masking cannot reveal anything new
        masked, moves = _label_masked(text, spans)
        more = _detect(masked, types, allowed, today)
        if not more:
            break
        spans += [_moved_back(s, moves) for s in more]
    return tuple(PiiSpan(s.type, s.start, s.end, text[s.start:s.end], s.confidence)
                 for s in sorted(spans, key=lambda s: s.start))


_DIGIT = re.compile(r"\d")


def _may_hold_pii(text: str) -> bool:
    """Every type needs an '@' or at least 7 digits (a new-format passport number);
    most messages have neither, and are done here."""
    return "@" in text or "＠" in text or sum(1 for _ in islice(_DIGIT.finditer(text), 7)) == 7


_GLUE = frozenset("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+@*-.#[]")


def _touches(text: str, span: PiiSpan) -> bool:
    """Whether a character that boundaries, codes or overlaps depend on sits right
    next to ``span`` (or one further, behind a '-', '.' or '+')."""
    before = fold(text[max(0, span.start - 2):span.start])[::-1]
    after = fold(text[span.end:span.end + 2])
    return any(side[:1] in _GLUE and (side[0] not in "-.+" or side[1:2] in _GLUE)
               for side in (before, after) if side)


def _label_masked(text: str, spans: list[PiiSpan]) -> tuple[str, list[tuple[int, int]]]:
    """``text`` with every span replaced by its label, and for each replacement
    (position in the masked text where it ends, length change so far)."""
    out, moves, pos, shift = [], [], 0, 0
    for span in sorted(spans, key=lambda s: s.start):
        label = LABELS[span.type]
        out += [text[pos:span.start], label]
        shift += len(label) - (span.end - span.start)
        moves.append((span.start + shift + (span.end - span.start), shift))
        pos = span.end
    out.append(text[pos:])
    return "".join(out), moves


def _moved_back(span: PiiSpan, moves: list[tuple[int, int]]) -> PiiSpan:
    """A span found in the label-masked text, in the original text's positions
    (it never overlaps a label: labels are not PII)."""
    shift = 0
    for end, total in moves:
        if end <= span.start:
            shift = total
    return PiiSpan(span.type, span.start - shift, span.end - shift, span.value, span.confidence)


def _detect(text: str, types: Collection[PiiType], allowed: frozenset[str], today: date) -> tuple[PiiSpan, ...]:
    folded = fold(text)
    labels = ascii_lower(folded)
    if "[" in folded:
        folded = MASK_LABEL_RE.sub(_blank_label, folded)
        labels = MASK_LABEL_RE.sub(lambda m: "#" * len(m.group()), labels)
    keywords = Keywords(labels)
    found: list[PiiSpan] = []
    for kind in types:
        found.extend(_DETECTORS[kind](folded, keywords, today))
    found.extend(PiiSpan(kind, start, end, folded[start:end], score)  # type: ignore[arg-type]
                 for kind, start, end, score in spaced_numbers(folded, keywords, today) if kind in types)
    if not found:
        return ()
    shields = protected_spans(folded)
    kept = [s for s in found
            if not (s.type in _DIGIT_TYPES and _overlaps(s, shields))
            and normalise_value(s.type, s.value) not in allowed]
    return _resolve(kept)


def _blank_label(m: re.Match[str]) -> str:
    return (_MASKED if m.group() in DIGIT_LABELS else _MASKED_WORD) * len(m.group())


def _overlaps(span: PiiSpan, shields: list[tuple[int, int]]) -> bool:
    return any(start < span.end and span.start < end for start, end in shields)


def _resolve(spans: list[PiiSpan]) -> tuple[PiiSpan, ...]:
    """Where candidates overlap, the most confident (then the longest) wins — except that a
    number inside a longer number is part of it ("8381-0507-0249-3642" is one card-shaped
    number, not a card prefix and a 0507 phone number)."""
    spans = [s for s in spans if not (s.type in _DIGIT_TYPES and any(
        o is not s and o.type in _DIGIT_TYPES and o.start <= s.start and s.end <= o.end and
        o.end - o.start > s.end - s.start for o in spans))]
    chosen: list[PiiSpan] = []
    for span in sorted(spans, key=lambda s: (-s.confidence, s.start - s.end, s.start)):
        if all(span.end <= c.start or c.end <= span.start for c in chosen):
            chosen.append(span)
    return tuple(sorted(chosen, key=lambda s: s.start))


__all__ = ["PII_TYPES", "PiiSpan", "PiiType", "find_pii", "luhn_valid", "normalise_value",
           "rrn_birth_date", "rrn_check_digit_ok", "rrn_valid"]
