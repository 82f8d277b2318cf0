"""What a policy question asks and the numbers it gives: the kind of answer wanted
(yes/no, amount, period, when, how, who pays), amounts of money and points, a
number of days ("닷새", "두 달", "3일 전에"), a moment ("금요일 밤", "내일 오후
3시"), a region ("울릉도" → 도서산간), and its parts when it asks two things."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ...domain.prices import find_amounts
from .lexicon import Lexicon, squash
from .numbers import native_number

WH = re.compile(r"얼마|언제|며칠|몇|어떻게|어케|어디|누가|누구|뭐|뭔|뭘|무엇|무슨|어느|왜|어떤|어떡|how|when|what|where", re.I)
# "얼마나 걸려요?" asks how long, not how much
AMOUNT_Q = re.compile(r"얼마(?!나\s?(?:걸|오래|기다|지나|있다|뒤|후|자주))|몇\s?원|비용|금액|요금|수수료|몇\s?포인트|몇\s?%|몇\s?퍼|적립률|how much", re.I)
PERIOD_Q = re.compile(r"며칠|몇\s?일|얼마나\s?걸|얼마\s?동안|기간|언제까지|몇\s?시간|몇\s?달|몇\s?개월|몇\s?년|"
                      r"얼마나\s?(?:보관|유지|가|있)|몇\s?영업일|몇\s?분(?!\s?[만이]?\s?(?:전|후|에))|how long", re.I)
WHEN_Q = re.compile(r"언제|몇\s?시|몇\s?요일|when", re.I)
HOW_Q = re.compile(r"어떻게|어케|방법|어디|절차|how to|where", re.I)
WHO_Q = re.compile(r"누가|누구|부담", re.I)
YESNO_END = re.compile(r"(?:되나요|돼요|되요|될까요|되죠|되는지|되나|돼|가능|할\s?수\s?있|있나요|있어요|있을까요|있죠|"
                       r"있는지|인가요|인지|나요|까요|죠|맞나요|맞아요|맞죠|해요|하나요|되는|받나요|받아요|내나요|내요|"
                       r"붙나요|붙어요|없나요|없어요|나여|가여|까여|되여|돼여|함|됨|가능\??|[은는한]가요|[?？])\s*[?？.!~ㅠㅜ]*\s*$")
# "비용은요?", "포인트는요?": a topic handed over, not a yes/no question
TOPIC_ONLY = re.compile(r"^\S{1,8}[은는]요\s*[?？]*\s*$")
SPLIT = re.compile(r"(?<=[?？])\s+|(?<=어떻게\s하)고\s+|(?<=어떻게하)고\s+|(?<=어케\s하)고\s+|(?<=어디서\s하)고\s+|(?<=얼마|언제|며칠|몇일|어디)(?:이)?고\s+|(?<=얼마|언제|며칠|몇일|어디)(?:이)?며\s+|(?:\s*[,，]?\s*(?:그리고|아니면|그리고요|그럼|그리고\s?또)\s+)|(?<=요)\s*[,，]\s*"
                   r"|(?<=[나까죠])요?\s*[,，]\s+")
# "유효기간이랑 최소 사용금액 알려주세요": two things asked, each named by what is asked of it
ASPECT_JOIN = re.compile(r"(?<=기간|기한|금액|비용|요금|송비|배비|수료|시간|방법|조건|기준|한도|립률)"
                         r"(?:이랑|랑|하고|와|과|및|,)\s+(?=\S*\s?\S*(?:기간|기한|금액|비용|요금|배송비|택배비|수수료|시간|방법|조건|"
                         r"기준|한도|적립률|얼마|언제|며칠))")
POINTS = re.compile(r"(\d[\d,]*|[일이삼사오육칠팔구]?천|[일이삼사오육칠팔구]?백|만)\s?(?:포인트|점|p\b|P\b)")
DAYS = re.compile(r"(\d+)\s?(영업일|일|주|개월|달|년|시간)")
CLOCK = re.compile(r"(\d{1,2})\s?시(?:\s?(\d{1,2})\s?분|\s?반)?")
CLOCK_HM = re.compile(r"(\d{1,2}):(\d{2})")
AGE = re.compile(r"(\d{1,3})\s?(?:살|세)(?=$|[\s,.?!]|이|인|예|에|요|라|면|부터|까지)")
NATIVE_AGE = re.compile(r"([가-힣]{2,4})\s?살(?=$|[\s,.?!]|이|인|예|에|요|라|면|부터|까지)")
COUNT = re.compile(r"(\d+)\s?(?:개|장|박스|세트|건)")
POINTS_BEFORE = re.compile(r"(?:적립금|포인트|마일리지|pt)\s*(?:이|가|은|는|을|를|도|만|잔액)?\s*(?:이\s?)?(?:딱\s?|한\s?|약\s?|총\s?)?$",
                           re.I)
HOLIDAY = re.compile(r"공휴일|빨간\s?날|명절|설날|추석|연휴")
UNIT_DAYS = {"일": 1, "영업일": 1, "주": 7, "개월": 30, "달": 30, "년": 365}


@dataclass(frozen=True)
class Moment:
    weekday: int | None = None  # 0 = Monday
    day_offset: int | None = None  # from today (오늘 0, 내일 1)
    hour: int | None = None
    minute: int = 0
    holiday: bool = False  # 공휴일, 명절 연휴


@dataclass(frozen=True)
class Question:
    text: str
    kinds: frozenset[str]  # yesno, amount, period, when, how, who
    amounts: tuple[int, ...] = ()  # 원
    points: tuple[int, ...] = ()
    days: int | None = None  # a span of days the shopper names ("닷새 전에", "2주")
    moment: Moment | None = None
    region: str | None = None
    ages: tuple[int, ...] = ()
    count: int | None = None  # "2개", "두 개"
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
    parts = tuple(p for piece in SPLIT.split(text) if piece for p in _aspect_parts(piece) if len(p) >= 4)
    # a yes/no question: no question word in the (last) clause and a yes/no ending
    clauses = parts or (text,)
    if any(not WH.search(c) and YESNO_END.search(c) and not TOPIC_ONLY.search(c) for c in clauses):
        kinds.add("yesno")
    money, points = [], list(_points(text))
    for a in find_amounts(text):
        if a.value < 100:
            continue
        # "적립금 800원 있는데": an amount said of points is a balance of points (1포인트 = 1원)
        if POINTS_BEFORE.search(text[max(0, a.start - 12):a.start]) and a.value not in points:
            points.append(a.value)
        else:
            money.append(a.value)
    return Question(text=text, kinds=frozenset(kinds), amounts=tuple(money), points=tuple(points),
                    days=_days(text, lexicon), moment=_moment(text, lexicon), region=lexicon.region(text),
                    ages=_ages(text), count=_count(text, lexicon),
                    expansions=tuple(lexicon.expansions(text)), parts=parts if len(parts) > 1 else ())


def _ages(text: str) -> tuple[int, ...]:
    """"만 13살", "열다섯 살": ages in digits or in native number words."""
    found = [int(m.group(1)) for m in AGE.finditer(text)]
    found += [n for m in NATIVE_AGE.finditer(text) if (n := native_number(m.group(1))) is not None]
    return tuple(found)


def _aspect_parts(piece: str) -> list[str]:
    """"적립금 유효기간이랑 최소 사용금액": both asked of the same topic (적립금), which
    the second part is read with."""
    split = [p.strip() for p in ASPECT_JOIN.split(piece) if p.strip()]
    if len(split) < 2:
        return [piece.strip()]
    topic = " ".join(split[0].split()[:-1])
    return [split[0], *(f"{topic} {p}".strip() for p in split[1:])]


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
    hour, minute = _clock(text, lexicon)
    part = next((v for w, v in lexicon.dayparts.items() if w in squashed), None)
    if hour is None and part is not None and (weekday is not None or offset is not None):
        hour = part
    holiday = bool(HOLIDAY.search(text))
    if weekday is None and offset is None and hour is None and not holiday:
        return None
    return Moment(weekday=weekday, day_offset=offset, hour=hour, minute=minute, holiday=holiday)


def _clock(text: str, lexicon: Lexicon) -> tuple[int | None, int]:
    """The last clock time said ("오전 11시에 주문하고 입금은 오후 4시" → 16:00), read
    with the part of the day written just before it ("밤 9시" → 21:00; a bare "3시"
    in a shop's day is 15:00)."""
    found: list[tuple[int, int]] = []
    for m in CLOCK_HM.finditer(text):
        found.append((m.start(), int(m.group(1)) * 60 + int(m.group(2))))
    for m in CLOCK.finditer(text):
        if re.search(r"몇\s?$", text[:m.start()]) or any(abs(m.start() - p) < 3 for p, _ in found):
            continue
        hour = int(m.group(1))
        minute = int(m.group(2)) if m.group(2) else (30 if "반" in m.group(0) else 0)
        before = squash(text[max(0, m.start() - 6):m.start()])
        part = next((v for w, v in lexicon.dayparts.items() if w in before), None)
        if part is not None and part >= 12 and hour < 12:
            hour += 12
        elif part is None and 1 <= hour <= 7:
            hour += 12
        found.append((m.start(), hour * 60 + minute))
    if not found:
        return None, 0
    minutes = max(found)[1]
    return minutes // 60, minutes % 60


def _count(text: str, lexicon: Lexicon) -> int | None:
    m = COUNT.search(text)
    if m:
        return int(m.group(1))
    for word, value in lexicon.count_words.items():
        if re.search(rf"(?<![가-힣]){word}\s?(?:개|장|박스|세트)", text):
            return value
    return None
