"""What a policy question asks and the numbers it gives: the kind of answer wanted
(yes/no, amount, period, when, how, who pays), amounts of money and points, a
number of days ("닷새", "두 달", "3일 전에"), a moment ("금요일 밤", "내일 오후
3시"), a region ("울릉도" → 도서산간), and its parts when it asks two things."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ...domain.prices import find_amounts
from .lexicon import Lexicon, squash

WH = re.compile(r"얼마|언제|며칠|몇|어떻게|어케|어디|누가|누구|뭐|무엇|무슨|어느|왜|어떤|how|when|what", re.I)
AMOUNT_Q = re.compile(r"얼마|몇\s?원|비용|금액|요금|수수료|몇\s?포인트|몇\s?%|몇\s?퍼|적립률|how much", re.I)
PERIOD_Q = re.compile(r"며칠|몇\s?일|얼마나\s?걸|얼마\s?동안|기간|언제까지|몇\s?시간|몇\s?달|몇\s?개월|몇\s?년|"
                      r"얼마나\s?(?:보관|유지|가|있)|몇\s?영업일|how long", re.I)
WHEN_Q = re.compile(r"언제|몇\s?시|몇\s?요일|when", re.I)
HOW_Q = re.compile(r"어떻게|어케|방법|어디서|어디에서|어디로|절차|how to", re.I)
WHO_Q = re.compile(r"누가|누구|부담", re.I)
YESNO_END = re.compile(r"(?:되나요|돼요|되요|될까요|되죠|되는지|되나|돼|가능|할\s?수\s?있|있나요|있어요|있을까요|있죠|"
                       r"있는지|인가요|인지|나요|까요|죠|맞나요|맞아요|맞죠|해요|하나요|되는|받나요|받아요|내나요|내요|"
                       r"붙나요|붙어요|없나요|없어요|[?？])\s*[?？.!~ㅠㅜ]*\s*$")
SPLIT = re.compile(r"(?<=[?？])\s+|(?:\s*[,，]?\s*(?:그리고|또|아니면|그리고요|그럼)\s+)|(?<=요)\s*[,，]\s*"
                   r"|(?<=[나까죠])요?\s*[,，]\s+")
POINTS = re.compile(r"(\d[\d,]*|[일이삼사오육칠팔구]?천|[일이삼사오육칠팔구]?백|만)\s?(?:포인트|점|p\b|P\b)")
DAYS = re.compile(r"(\d+)\s?(영업일|일|주|개월|달|년|시간)")
CLOCK = re.compile(r"(\d{1,2})\s?시(?:\s?(\d{1,2})\s?분|\s?반)?")
CLOCK_HM = re.compile(r"(\d{1,2}):(\d{2})")
UNIT_DAYS = {"일": 1, "영업일": 1, "주": 7, "개월": 30, "달": 30, "년": 365}


@dataclass(frozen=True)
class Moment:
    weekday: int | None = None  # 0 = Monday
    day_offset: int | None = None  # from today (오늘 0, 내일 1)
    hour: int | None = None
    minute: int = 0


@dataclass(frozen=True)
class Question:
    text: str
    kinds: frozenset[str]  # yesno, amount, period, when, how, who
    amounts: tuple[int, ...] = ()  # 원
    points: tuple[int, ...] = ()
    days: int | None = None  # a span of days the shopper names ("닷새 전에", "2주")
    moment: Moment | None = None
    region: str | None = None
    expansions: tuple[str, ...] = ()
    parts: tuple[str, ...] = field(default=())

    @property
    def yesno(self) -> bool:
        return "yesno" in self.kinds


def read_question(text: str, lexicon: Lexicon) -> Question:
    kinds = set()
    if AMOUNT_Q.search(text):
        kinds.add("amount")
    if PERIOD_Q.search(text):
        kinds.add("period")
    if WHEN_Q.search(text) and "period" not in kinds:
        kinds.add("when")
    if HOW_Q.search(text):
        kinds.add("how")
    if WHO_Q.search(text):
        kinds.add("who")
    parts = tuple(p.strip() for p in SPLIT.split(text) if p and len(p.strip()) >= 4)
    # a yes/no question: no question word in the (last) clause and a yes/no ending
    clauses = parts or (text,)
    if any(not WH.search(c) and YESNO_END.search(c) for c in clauses):
        kinds.add("yesno")
    amounts = tuple(a.value for a in find_amounts(text) if a.value >= 100)
    return Question(text=text, kinds=frozenset(kinds), amounts=amounts, points=_points(text),
                    days=_days(text, lexicon), moment=_moment(text, lexicon), region=lexicon.region(text),
                    expansions=tuple(lexicon.expansions(text)), parts=parts if len(parts) > 1 else ())


def _points(text: str) -> tuple[int, ...]:
    found = []
    for m in POINTS.finditer(text):
        raw = m.group(1).replace(",", "")
        if raw.isdigit():
            found.append(int(raw))
        else:
            head = {"일": 1, "이": 2, "삼": 3, "사": 4, "오": 5, "육": 6, "칠": 7, "팔": 8, "구": 9}.get(raw[0], 1)
            found.append(10_000 if raw == "만" else head * (1000 if raw.endswith("천") else 100))
    return tuple(found)


def _days(text: str, lexicon: Lexicon) -> int | None:
    squashed = squash(text)
    for word, value in sorted(lexicon.day_words.items(), key=lambda w: -len(w[0])):
        if word in squashed:
            return value
    m = DAYS.search(text)
    if m and not re.match(r"\s?(?:시|분)", text[m.end():]):
        return int(m.group(1)) * UNIT_DAYS.get(m.group(2), 0) or None
    for word, value in lexicon.count_words.items():  # "두 달", "세 주"
        m2 = re.search(rf"(?<![가-힣]){word}\s?(달|주|해)", text)
        if m2:
            return value * {"달": 30, "주": 7, "해": 365}[m2.group(1)]
    return None


def _moment(text: str, lexicon: Lexicon) -> Moment | None:
    squashed = squash(text)
    weekday = next((v for w, v in lexicon.weekdays.items() if w in squashed), None)
    if weekday is None:  # "금욜", "토요일" written short
        short = re.search(r"([월화수목금토일])(?:욜|요일)", text)
        weekday = "월화수목금토일".index(short.group(1)) if short else None
    offset = next((v for w, v in lexicon.relative_days.items() if w in squashed), None)
    hour, minute = None, 0
    m = CLOCK_HM.search(text)
    if m:
        hour, minute = int(m.group(1)), int(m.group(2))
    else:
        m = CLOCK.search(text)
        if m and not re.search(r"몇\s?$", text[:m.start()]):
            hour = int(m.group(1))
            minute = int(m.group(2)) if m.group(2) else (30 if "반" in m.group(0) else 0)
    part = next((v for w, v in lexicon.dayparts.items() if w in squashed), None)
    if hour is not None and part is not None and part >= 12 and hour < 12:
        hour += 12  # "오후 3시", "밤 9시"
    elif hour is not None and part is None and 1 <= hour <= 7:
        hour += 12  # "3시에 주문" in a shop's day means 15:00
    if hour is None and part is not None and (weekday is not None or offset is not None):
        hour = part
    if weekday is None and offset is None and hour is None:
        return None
    return Moment(weekday=weekday, day_offset=offset, hour=hour, minute=minute)
