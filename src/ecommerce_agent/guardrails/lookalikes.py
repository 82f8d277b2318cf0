"""What is *not* personal data, and the words that say what a number is.

A shop conversation is full of numbers that look like PII: order ids
(``ORD-20261126-0001``), ticket ids, dates (``20261126``), times, prices,
courier tracking numbers (12 digits, ``4-4-4`` like a TossBank account),
postal tracking numbers (13 digits like a resident registration number),
model and product codes. Two tools keep them apart from real PII:

* ``protected_spans`` — spans that are ids, dates, times, amounts or codes by
  their shape alone; a PII candidate that overlaps one is dropped.
* ``Keywords`` — the nearest labelling word before (or just after) a number:
  "계좌", a bank name, "카드", "연락처", "주민번호", "여권" say what it is; "운송장",
  "송장", "택배", "주문번호", "바코드", "승인번호" say it is a reference. The label
  decides between look-alike shapes, which is what a human reader does too.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from .labels import MASK_LABEL_RE

KeywordKind = Literal["rrn", "phone", "card", "account", "passport", "email", "ref"]

_SEP = r"[\s\-_.]{0,3}"
ORDER_ID_RE = re.compile(rf"(?<![A-Za-z0-9])ord{_SEP}(\d{{8}}){_SEP}(\d{{4}})(?!\d)", re.IGNORECASE)
TICKET_ID_RE = re.compile(rf"(?<![A-Za-z0-9])tkt{_SEP}(\d{{8}}){_SEP}([0-9a-z]{{6}})(?![0-9a-z])",
                          re.IGNORECASE)
# Codes: words of letters and digits, possibly joined by - _ / (SKU-10293847,
# R2026-1126-004512, 16Z90S-GA5PK, MTJV3KH/A). Must contain a letter and a digit.
# "HP010-…", "Tel010-…" are a phone number with its label glued on, not a code.
_CODE_RE = re.compile(r"(?<![A-Za-z0-9@.+\-_])(?!(?i:hp|tel|ph|phone|mobile|cell|fax|no)\.?\d)"
                      r"(?=[A-Za-z0-9\-_/]*[A-Za-z])(?=[A-Za-z0-9\-_/]*\d)[A-Za-z0-9]+(?:[\-_/][A-Za-z0-9]+)*")
_DATE_RE = re.compile(r"(?<![\d\-.])((?:19|20)\d{2})\s?([\-./])\s?(\d{1,2})\s?\2\s?(\d{1,2})\.?"
                      r"(?:[T\s]\d{1,2}:\d{2}(?::\d{2})?)?(?![\d\-])")
_COMPACT_DATE_RE = re.compile(r"(?<![\d\-])((?:19|20)\d{2})(\d{2})(\d{2})(?![\d\-])")
_TIME_RE = re.compile(r"(?<!\d)\d{1,2}:\d{2}(?::\d{2})?(?!\d)")
_DATE_UNIT_RE = re.compile(r"(?<![\d\-])\d{1,4}(?:년|월|일|시|분|초)")  # 2026년 11월 26일 14시
# Amounts and counts. Only currency may be spaced ("45,000 원"): "01012345678 회사"
# is a phone number followed by a word, not 01012345678 times.
_AMOUNT_RE = re.compile(r"[₩$]\s?\d[\d,]*(?:\.\d+)?|(?<![\d\-])\d[\d,]*(?:\.\d+)?"
                        r"(?:\s?(?:만원|천원|원|달러)|개월|개|건|회|명|포인트|점|%|박스|세트|인치|kg|mm|cm|gb|tb|ml)")


def _valid_date(y: str, m: str, d: str) -> bool:
    try:
        date(int(y), int(m), int(d))
    except ValueError:
        return False
    return True


def protected_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of ids, dates, times, amounts, product codes and mask labels in
    ``text`` (already ``fold``-ed). Never contains PII by itself: a passport or an
    e-mail address is a code by shape, so codes only shield the digit-based types."""
    spans = [m.span() for m in MASK_LABEL_RE.finditer(text)]
    spans += [m.span() for m in ORDER_ID_RE.finditer(text)]
    spans += [m.span() for m in TICKET_ID_RE.finditer(text)]
    spans += [m.span() for m in _CODE_RE.finditer(text)]
    spans += [m.span() for m in _DATE_RE.finditer(text) if _valid_date(m[1], m[3], m[4])]
    spans += [m.span() for m in _COMPACT_DATE_RE.finditer(text) if _valid_date(m[1], m[2], m[3])]
    spans += [m.span() for m in _TIME_RE.finditer(text)]
    spans += [m.span() for m in _DATE_UNIT_RE.finditer(text)]
    spans += [m.span() for m in _AMOUNT_RE.finditer(text)]
    return spans


# --- labelling words ---------------------------------------------------------------

# Words that say what a number is. A space inside a Korean word may or may not
# be typed ("주문 번호" / "주문번호"); Latin words match as whole words ("CJ대한통운"
# has Hangul glued on, which is fine). When words overlap, the longest wins:
# "주문번호" over "주문", "우체국택배" (ref) over "우체국" (bank), "주문자" (a
# person: phone) over "주문" (a reference).
_WORDS: dict[KeywordKind, tuple[str, ...]] = {
    "ref": ("운송장", "송장", "택배", "등기", "소포", "우편 번호", "우편", "배송 조회", "배송 번호", "대한통운",
            "한진", "롯데택배", "로젠", "경동", "우체국 택배", "주문 번호", "주문 참조", "주문건", "주문 코드",
            "주문", "참조 번호", "참조", "거래 번호", "결제 번호", "승인 번호", "접수 번호", "예약 번호",
            "문의 번호", "티켓", "회원 번호", "고객 번호", "영수증", "사업자 등록 번호", "사업자", "통신판매",
            "신고 번호", "바코드", "상품 코드", "상품 번호", "품번", "모델", "시리얼", "상품권", "기프트",
            "핀 번호", "쿠폰", "포인트", "적립",
            "tracking", "courier", "waybill", "invoice", "cj", "order", "orders", "reference", "ref",
            "barcode", "ean", "isbn", "upc", "model", "models", "serial", "sku", "gift", "pin", "coupon",
            "voucher", "sn", "zip", "postal", "postcode"),
    "rrn": ("주민 등록", "주민 번호", "주민", "외국인 등록", "등록 번호", "본인 인증", "본인 확인", "실명 인증",
            "성인 인증", "arc", "resident", "registration", "alien"),
    "passport": ("여권", "passport"),
    "card": ("카드", "신용", "체크", "아멕스", "은련", "할부", "유효 기간",
             "card", "cards", "visa", "master", "mastercard", "amex", "jcb", "unionpay", "cvc", "credit",
             "debit"),
    "account": ("계좌", "입금", "예금주", "은행", "뱅크", "신한", "국민", "농협", "기업", "카뱅", "케뱅", "토스",
                "우체국", "sc 제일", "씨티", "새마을", "신협", "수협", "산업",
                *(f"{bank} {suffix}" for bank in ("우리", "하나", "부산", "대구", "경남", "광주", "전북", "제주", "im")
                  for suffix in ("은행", "뱅크", "bank")),
                "account", "accounts", "bank", "kb", "nh", "ibk", "citi", "mg", "shinhan", "kookmin", "woori",
                "hana"),
    "phone": ("전화", "연락처", "연락", "핸드폰", "휴대폰", "휴대 전화", "폰 번호", "문자", "카톡", "알림톡",
              "수령인", "받는 분", "받는 사람", "주문자", "tel", "phone", "phones", "mobile", "call", "cell",
              "contact"),
    "email": ("이메일", "메일", "email", "e-mail"),
}
_KIND_OF = {word.replace(" ", ""): kind for kind, words in _WORDS.items() for word in words}
_LATIN_WORD = re.compile(r"[a-z]")


def _trie_regex(words: list[str]) -> str:
    """An alternation shaped as a trie ("주(?:문(?:건|[ \t]?번호)?|민…)"), so the
    engine compares one character per position instead of every word. A
    continuation is always tried before stopping, so the longest word wins. A
    space in a word is optional in the text."""
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, dict]) -> str:
        branches = [(r"[ \t]?" if ch == " " else re.escape(ch)) + emit(child)
                    for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
        return f"(?:{body})?" if "" in node else body

    return emit(trie)


def _keyword_pattern() -> re.Pattern[str]:
    """All labelling words, longest first. A trailing "번호" belongs to the label
    ("계좌번호", "송장 번호"), so it is taken along."""
    spaced = [w for ws in _WORDS.values() for w in ws]
    korean = [w for w in spaced if not _LATIN_WORD.match(w)]
    latin = [w for w in spaced if _LATIN_WORD.match(w)]
    return re.compile(rf"(?:{_trie_regex(korean)}|(?<![a-z0-9])(?:{_trie_regex(latin)})(?![a-z]))(?:[ \t]?번호)?")


_KEYWORD_RE = _keyword_pattern()


def _kind(label: str) -> KeywordKind:
    word = label.replace(" ", "").replace("\t", "")
    if word not in _KIND_OF and word.endswith("번호"):
        word = word[:-2]
    return _KIND_OF[word]


# Another number, address or mask between a label and a candidate: the label is
# not about the candidate. Masks ('*', '#' for blanked labels) and '@' count
# because they stand for what was there before masking.
_BARRIER = re.compile(r"[0-9*#@]")

LEFT_WINDOW = 20
RIGHT_WINDOW = 10


@dataclass(frozen=True, slots=True)
class Keyword:
    kind: KeywordKind
    start: int
    end: int


class Keywords:
    """The labelling words of one text, for nearest-label look-ups.

    ``text`` must be ``fold``-ed, ASCII-lower-cased and have mask labels blanked
    (see ``pii.find_pii``) so that "[계좌번호]" does not label the next number."""

    __slots__ = ("_text", "_found", "_ends", "_starts")

    def __init__(self, text: str) -> None:
        self._text = text
        self._found: list[Keyword] | None = None  # scanned on first use: most texts have no candidate
        self._ends: list[int] = []
        self._starts: list[int] = []

    def _scan(self) -> list[Keyword]:
        if self._found is None:
            self._found = [Keyword(_kind(m.group()), m.start(), m.end()) for m in _KEYWORD_RE.finditer(self._text)]
            self._ends = [k.end for k in self._found]
            self._starts = [k.start for k in self._found]
        return self._found

    def left(self, start: int, window: int = LEFT_WINDOW) -> Keyword | None:
        """The nearest label ending before ``start``, within ``window`` characters
        and with no other number in between."""
        found = self._scan()
        i = bisect.bisect_right(self._ends, start) - 1
        while i >= 0:
            kw = found[i]
            if start - kw.end > window:
                return None
            if kw.end <= start:
                if _BARRIER.search(self._text, kw.end, start):
                    return None
                return kw
            i -= 1
        return None

    def right(self, end: int, window: int = RIGHT_WINDOW) -> Keyword | None:
        """The nearest label starting after ``end``, within ``window`` characters and
        with no other number in between."""
        found = self._scan()
        i = bisect.bisect_left(self._starts, end)
        if i < len(found):
            kw = found[i]
            if kw.start - end <= window and not _BARRIER.search(self._text, end, kw.start):
                return kw
        return None

    def gap_is(self, start: int, end: int, pattern: re.Pattern[str]) -> bool:
        """Whether the text between ``start`` and ``end`` is all ``pattern``."""
        return pattern.fullmatch(self._text, start, end) is not None

    def nearest(self, start: int, end: int) -> Keyword | None:
        """The label of a number: the one before it, else the one just after it."""
        return self.left(start) or self.right(end)
