"""The reply: the direct answer first (네/아니요, the amount, the period, the date),
then the condition or exception that applies, computed with the shopper's
numbers when given, then the rest of the section in readable lines (tables as
lines, never pipes), then the source."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .compute import Computed
from .rules_base import FREE_Q
from .lexicon import Lexicon, squash
from .question import Question
from .yesno_cues import (CAN_Q, DENIED_RESTRICTION, EXCLUDE_Q, EXCLUDED_LIST, IMMEDIATE, IMMEDIATE_Q, KEEP_Q, LATER,
                         LOST, NEED_NOT, NOT_DONE_CASE, OBLIGATION_Q, PROHIBITION)
from .sections import Section

# "않으셔도", "않아도" say something need not be done ("따로 청구하지 않으셔도 … 지급됩니다"): no refusal
_NOT_NEG = r"(?!으시면|으면|은|는|으셔도|아도)"
NEGATIVE = re.compile(rf"[가-힣]지\s?않{_NOT_NEG}|쉽니다|휴무|운영하지|거절|아니라|아닙니다|못합니다|없이는|수\s?없|않습니다|않으며|않아(?!도)|않고|않는|불가|안\s?됩니다|어렵습니다|하지\s?않{_NOT_NEG}|없습니다|없으며|"
                      rf"지원하지|제한됩니다|드리지\s?않{_NOT_NEG}|접수되지|되지\s?않{_NOT_NEG}|아닌\s?경우에는|적용되지")
# a restriction said softly is still not a plain yes ("…반품이 제한될 수 있습니다", "…입금하지 마세요")
RESTRICT = re.compile(r"제한(?:될|됩니다|되며|되고|되거나|돼|된다)|어려울\s?수|불가능|마세요|지\s?마(?:시고|십시오|시기)|하지\s?마|삼가|받지\s?않|"
                      r"(?:비용|배송비|금액)을\s?청구할\s?수")
# "체크카드는 일시불로만 결제됩니다": only the named way; asking about another one is a no
ONLY = re.compile(r"(?:([가-힣A-Za-z0-9]{2,}?)(?:이나|나|와|과)?\s)?([가-힣A-Za-z0-9]{2,})(?:으로만|로만|에만|에서만|"
                  r"만\s?(?:가능|됩니다|결제|사용|발급|지원|받|바꾸|적용))")
# asking to do something ("입어 봐도 돼요?"), against a sentence naming what it costs
PERMISSION_Q = re.compile(r"(?:[해봐써돼어아서러쳐줘와]|내)도\s?(?:돼|되|괜찮|될|상관)|해도|봐도|써도|괜찮")
PENALTY = re.compile(r"청구할\s?수|청구합니다|부담하셔야|차감될\s?수")
POSITIVE = re.compile(r"가능합니다|가능하며|수\s?있습니다|수\s?있으며|수\s?있고|됩니다|드립니다|해\s?드립|있습니다")
KIND_CUES = {"amount": re.compile(r"\d[\d,]*\s?(?:원|포인트|%)|무료"),
             "period": re.compile(r"\d+\s?(?:영업일|일|개월|년|시간|분)|당일|즉시|바로"),
             "when": re.compile(r"\d+\s?(?:영업일|일|개월|년|시간|시)|\d{1,2}:\d{2}|당일|다음|즉시|바로|시점|때"),
             "who": re.compile(r"부담"),
             "how": re.compile(r">|버튼|누르|입력|신청|선택|방법")}
MAX_DETAIL = 420  # characters of the section shown after the direct answer


@dataclass(frozen=True)
class Lead:
    text: str
    verdict: str | None
    sentence: str | None  # the section sentence the lead quotes (not repeated below)


def sentence_score(sentence: str, position: int, q: Question, words: list[str],
                   expansion_words: dict[str, set[str]], bag: frozenset[str] = frozenset(),
                   topic: str = "") -> float:
    """How well ``sentence`` answers: the question's words in it (a word of the
    section's heading counts half: it is the topic, not what is asked about it),
    the kind of answer asked for, a special case the question does not name."""
    s = squash(sentence)
    hit = 0.0
    for w in words:
        if w in bag or w in s or any(x in bag or x in s for x in expansion_words.get(w, ())):
            hit += 0.5 if w in topic else 1
    score = hit / max(len(words), 1)
    for kind, cue in KIND_CUES.items():
        if kind in q.kinds and cue.search(sentence):
            score += 0.35
    if q.yesno and (NEGATIVE.search(sentence) or POSITIVE.search(sentence)):
        score += 0.1
    # the general rule and its special cases: a sentence about the case the question is not about
    asks_defect, asks_change = bool(DEFECT_Q.search(q.text)), "변심" in q.text
    if asks_defect and not asks_change and "단순 변심" in sentence and not DEFECT_Q.search(sentence):
        score -= 0.5
    if not asks_defect and DEFECT_Q.search(sentence) and "단순 변심" not in sentence:
        score -= 0.3
    return score - 0.04 * position


# ... or "빨간색 시켰는데 파란색 왔어요": ordered one thing, another came (a misdelivery)
DEFECT_Q = re.compile(r"불량|파손|고장|오배송|하자|깨[져졌지]|잘못\s?(?:온|왔|보내)|다른\s?상품|"
                      r"(?:시켰|주문했|샀|골랐)\S*\s+\S+?(?:이|가)?\s?(?:왔|옴|배송됐|도착했)")


PAYER_Q = re.compile(r"빼고|떼고|차감|무료|공짜|내야|내요|내나요|내는|내도|낼|더\s?내|부담|붙나요|붙어요|붙어|청구|돈\s?들|추가\s?(?:비용|요금|배송비)|"
                     r"유료|돈\s?받")
SHOP_PAYS = re.compile(r"쇼핑몰이\s?(?:전액\s?|모두\s?)?부담|쇼핑몰\s?부담|청구하지\s?않|부과하지\s?않|부과되지\s?않|차감\s?없이|"
                       r"무료로|추가\s?배송비는\s?없|받지\s?않")
SHOPPER_PAYS = re.compile(r"고객님\s?(?:이\s?)?부담|부과됩니다|붙습니다|더해집니다|차감됩니다|결제하셔야|부담하십니다|"
                          r"고객님\s?부담")
CLAUSE = re.compile(r"(?<=[며고서면데만])\s*,\s*|,\s+(?=[^,]{8,})")


def clause_for(sentence: str, q: Question, words: list[str], emap: dict[str, set[str]], after: str = "",
               topic: str = "", weights: dict[str, float] | None = None) -> str:
    """From the clause of ``sentence`` about what is asked to the predicate that
    ends it ("휴대폰 소액결제, 페이팔, 상품권 결제는 현재 지원하지 않습니다": the list
    item asked about, up to 지원하지 않습니다); a list item without a predicate
    reads on into the sentence after it (``after``)."""
    clauses = [c for c in CLAUSE.split(sentence) if c.strip()]
    start = 0
    if len(clauses) >= 2:
        asks_defect = bool(DEFECT_Q.search(q.text)) and "변심" not in q.text

        def hits(c: str) -> float:
            t = squash(c)
            # the section's topic (its heading) counts half: the clause about what is asked of it wins
            n = sum((0.5 if w in topic else 1) * (weights.get(w, 1.0) if weights else 1.0)
                    for w in words if w in t or any(x in t for x in emap.get(w, ())))
            if asks_defect:  # the clause about the case asked: 불량 rather than 단순 변심
                n += 1.5 * bool(DEFECT_Q.search(c)) - 1.5 * ("단순 변심" in c and not DEFECT_Q.search(c))
            return n
        best = max(clauses, key=hits)
        if hits(best) > 0:
            start = sentence.find(best)
    rest = f"{sentence[start:]} {after}"
    asked = _asked_word(q, words)
    for cue in PREDICATE.finditer(rest):
        # a clause ending in "…되며," is the answer only when it names what is asked
        if cue.group(0).endswith("되며") and not (asked and any(
                x in squash(rest[:cue.end()]) for x in {asked, *emap.get(asked, ())})):
            continue
        return rest[:cue.end()]
    return sentence


# a clause ends at its own verb: "…회원 등급이 모두 소멸되며, 다시 가입하셔도 복구되지 않습니다" is
# a yes for "등급도 날아가나요?" (the clause about 소멸), not the no of the next clause
PREDICATE = re.compile(f"{NEGATIVE.pattern}|{RESTRICT.pattern}|{POSITIVE.pattern}|(?:니다|세요|어요|아요|해요|에요|예요|이다)[.!]?(?=\\s|$)"
                       r"|[가-힣]되며(?=,)")


LIMIT = re.compile(r"(\d+|한)\s?(장|개|번|회|건|곳)(?:만|까지만)")
MORE_THAN_ONE = re.compile(r"둘\s?다|두\s?(?:장|개|번|곳)|여러|중복|같이|동시에|함께|모두|다\s?같이|[2-9]\s?(?:장|개|번|곳)")


ADNOMINAL_NEG = re.compile(r"지\s?않은|지\s?않는|없는|[이가]\s?아닌")
QUESTION_NEG = re.compile(r"안\s|않|없|못|미개봉|미사용")


def polarity(sentence: str, q: Question | None = None, context: tuple[str, ...] = (),
             words: tuple[str, ...] | list[str] = (), topic: str = "") -> str:
    """yes/no of ``sentence`` (the clause about what is asked). A question about
    who pays is answered by who pays, looked for in the clause, then its sentence
    and the next (``context``)."""
    if q is not None and PAYER_Q.search(q.text):
        for text in (sentence, *context):
            shop, shopper = SHOP_PAYS.search(text), SHOPPER_PAYS.search(text)
            if shop or shopper:
                shopper_pays = not (shop and (not shopper or shop.start() < shopper.start()))
                # "공짜죠?" asks the opposite of "내야 돼요?"
                return "yes" if shopper_pays != bool(FREE_Q.search(q.text)) else "no"
    if q is not None:  # "한 주문에 1장만": asking to use two is a no
        limit = next((LIMIT.search(t) for t in (sentence, *context) if LIMIT.search(t)), None)
        if limit is not None and MORE_THAN_ONE.search(q.text):
            return "no"
    asked = _asked_word(q, list(words)) if q is not None and words else None
    if asked and not QUESTION_NEG.search(q.text):
        # "가격이 표시되지 않은 명세서" for "가격표 들어가요?", "교환이 아닌 반품" for "교환 돼요?":
        # a word the question asks about (not the section's topic) is what the sentence negates
        said = [w for w in words if len(w) >= 2 and w not in topic] or [asked]
        for m in ADNOMINAL_NEG.finditer(sentence):
            before = squash(sentence[max(0, m.start() - 12):m.start()])
            if asked in before or any(w in before[-(len(w) + 4):] for w in said):
                return "no"
        # "실결제금액(배송비, 쿠폰 할인액 … 제외)" for "배송비도 포함돼요?": the word asked about is
        # listed as left out, in the clause or in its sentence
        if not EXCLUDE_Q.search(q.text):
            for text in (sentence, *context[:1]):
                for m in EXCLUDED_LIST.finditer(text):
                    if any(w in squash(m.group(1) or m.group(2)) for w in said):
                        return "no"
    return "no" if restricts(sentence, q) else "yes"


def restricts(sentence: str, q: Question | None = None) -> bool:
    """The sentence says no, restricts, forbids, or (for a question asking to do
    something) names what doing it costs; or allows only a way the question does
    not name."""
    if q is not None and NEED_NOT.search(sentence) and OBLIGATION_Q.search(q.text):
        return True  # "결제하지 않으셔도 됩니다" answers "먼저 내야 돼요?" with a no
    # "겉포장만 뜯으신 것은 반품 제한 사유가 아닙니다": a restriction denied is an allowance
    sentence = DENIED_RESTRICTION.sub(" ", sentence)
    if NEGATIVE.search(sentence) or RESTRICT.search(sentence):
        return True
    if q is None:
        return False
    if KEEP_Q.search(q.text) and LOST.search(sentence) and not QUESTION_NEG.search(q.text):
        return True  # "포인트 돌려주나요?" against "적립금은 모두 소멸되며"
    if IMMEDIATE_Q.search(q.text) and LATER.search(sentence) and not IMMEDIATE.search(sentence):
        return True  # "바로 올라가요?" against "다음 달 1일에 반영됩니다"
    if PERMISSION_Q.search(q.text) and PENALTY.search(sentence):
        return True
    squashed = squash(q.text)
    return _only_other(sentence, q) and not FREE_Q.search(q.text)


ASKED_BONUS = 0.15  # a yes/no question's last content word is what it asks about
EXCEPTION_MARGIN = 0.25  # how much less a restricting sentence may score and still lead a yes/no answer


def choose_lead(section: Section, q: Question, words: list[str], emap: dict[str, set[str]],
                computed: Computed | None, bags: list[frozenset[str]] | None = None,
                lexicon: Lexicon | None = None, weights: dict[str, float] | None = None,
                stems: tuple[str, ...] = ()) -> Lead:
    """The sentence that answers. ``stems``: what a yes/no question asks of, said as a verb the
    analyser leaves one letter of ("늦어져요?" → 지연, found as 늦어…): a sentence that does not
    say it (the exchange fee for "사이즈 바꾸면 배송이 늦어져요?") decides nothing, so no 네/아니요."""
    if computed is not None:
        if q.yesno and computed.verdict:
            return Lead(f"{'네' if computed.verdict == 'yes' else '아니요'}, {computed.text}", computed.verdict, None)
        return Lead(computed.text, computed.verdict, None)
    sentences = list(section.sentences) or [section.heading]
    bags = bags if bags is not None and len(bags) == len(sentences) else [frozenset()] * len(sentences)
    topic = squash(section.heading)
    scores = [sentence_score(sentences[i], i, q, words, emap, bags[i], topic) for i in range(len(sentences))]
    if q.yesno:  # "해외 사는데 … 주문 돼요?": the sentence about what is asked to be done (주문), not the setting
        asked = _asked_word(q, words, squash(f"{section.title} {section.heading}"))
        for i, sentence in enumerate(sentences):
            if asked and (asked in bags[i] or asked in squash(sentence)):
                scores[i] += ASKED_BONUS
        for i, sentence in enumerate(sentences):
            if stems and says(stems, sentence, bags[i], emap):
                scores[i] += ASKED_BONUS
    best = max(range(len(sentences)), key=lambda i: scores[i])
    intro = section.intro if len(section.intro) == len(sentences) else (None,) * len(sentences)
    if q.yesno:
        best = _exception_first(sentences, intro, scores, best, q, words, emap, bags, topic, lexicon, weights)
    sentence = sentences[best]
    after = sentences[best + 1] if best + 1 < len(sentences) else ""
    head = intro[best]
    if head is not None:  # a list item: the sentence that introduces the list says what it means
        item, sentence = sentence, f"{sentences[head].rstrip('.:')}: {sentence}."
        if q.yesno and stems and not says(stems, f"{sentences[head]} {item}", bags[best] | bags[head], emap):
            return Lead(sentence, None, item)
        if q.yesno:
            verdict = polarity(clause_for(sentences[head], q, words, emap, topic=topic, weights=weights), q, words=words,
                               topic=topic)
            if _contrasted(lexicon, q.text, item):
                verdict = "no" if verdict == "yes" else "yes"
            return Lead(f"{'네' if verdict == 'yes' else '아니요'}, {sentence}", verdict, item)
        return Lead(sentence, None, item)
    if q.yesno and stems and not says(stems, sentence, bags[best], emap):
        return Lead(sentence, None, sentence)
    if q.yesno:
        clause = clause_for(sentence, q, words, emap, after, topic, weights)
        verdict = polarity(clause, q, (sentence, after), words, topic)
        if _contrasted(lexicon, q.text, sentence):
            verdict = "no" if verdict == "yes" else "yes"
        return Lead(f"{'네' if verdict == 'yes' else '아니요'}, {sentence}", verdict, sentence)
    return Lead(sentence, None, sentence)


def says(asked: tuple[str, ...], sentence: str, bag: frozenset[str], emap: dict[str, set[str]]) -> bool:
    """The sentence says one of the words asked about, in the documents' words or as the question said it."""
    s = squash(sentence)
    return any(w in bag or w in s or any(x in s for x in emap.get(w, ())) for w in asked)


def _exception_first(sentences: list[str], intro: tuple[int | None, ...], scores: list[float], best: int,
                     q: Question, words: list[str], emap: dict[str, set[str]], bags: list[frozenset[str]],
                     topic: str, lexicon: Lexicon | None, weights: dict[str, float] | None = None) -> int:
    """A yes/no question about a case the section restricts is answered by the
    restriction: the exception beats the general rule ("모든 카드로 결제하실 수
    있습니다" / "체크카드는 일시불로만 결제됩니다" for "체크카드로 할부 돼요?").
    A sentence nearly as relevant as the best one that names at least as many of the
    question's own words (not the section's topic) and restricts leads instead."""
    def specific(i: int) -> int:
        s = squash(sentences[i])
        return sum(1 for w in words if (w in bags[i] or w in s or any(
            x in bags[i] or x in s for x in emap.get(w, ()))))

    def restricting(i: int) -> bool:
        text = sentences[i] if intro[i] is None else sentences[intro[i]]
        # a restriction of the other case ("단순 변심 반품은 제한됩니다" for a 불량 question) is none
        return restricts(clause_for(text, q, words, emap, topic=topic, weights=weights), q) != (
            _contrasted(lexicon, q.text, sentences[i]))

    def mentions(i: int, w: str) -> bool:
        s = squash(sentences[i] if intro[i] is None else f"{sentences[intro[i]]} {sentences[i]}")
        return w in bags[i] or w in s or any(x in s for x in emap.get(w, ()))

    if restricting(best):
        return best
    if PERMISSION_Q.search(q.text) or CAN_Q.search(q.text):
        # "또 입금해도 되죠?", "또 넣을 수 있어요?": a sentence forbidding or ruling out what is asked,
        # naming two of the question's own words, decides it even when it scores lower
        own = [w for w in words if w not in topic]
        for i in sorted(range(len(sentences)), key=lambda i: -scores[i]):
            named = sum(mentions(i, w) for w in own)
            if i != best and named >= 2 and named >= specific(best) - 1 and (
                    PROHIBITION.search(sentences[i]) or (scores[i] >= scores[best] - 2 * EXCEPTION_MARGIN
                                                         and restricting(i))):
                return i
    asked = _asked_word(q, words)
    lead = specific(best)
    for i in sorted(range(len(sentences)), key=lambda i: -scores[i]):
        if scores[i] < scores[best] - EXCEPTION_MARGIN:
            break
        if i == best or not restricting(i):
            continue
        other_case = _contrasted(lexicon, q.text, sentences[i]) or _only_other(sentences[i], q)
        if asked and not other_case and not mentions(i, asked):
            continue  # an exception about something else than what is asked
        # more of the question's words; as many when it names the question's own case the other way
        # ("체크카드는 일시불로만": 할부 asked) rather than adding a condition ("다만 30일 이내에 …")
        hits = specific(i)
        if hits > lead or (hits == lead >= 1 and other_case):
            return i
    return best


def _asked_word(q: Question, words: list[str], topic: str = "") -> str | None:
    """The question's content word said last (the predicate asked about: "… 주문 돼요?" → 주문);
    with ``topic`` (the section's title and heading), the last one that is not the section's
    topic ("적립금으로 낸 금액도 현금영수증 나와요?" in the cash-receipt section asks about 적립금)."""
    squashed = squash(q.text)
    placed = [(squashed.rfind(w), w) for w in words if squashed.rfind(w) >= 0]
    if topic:
        own = [p for p in placed if p[1] not in topic]
        placed = own or placed
    return max(placed)[1] if placed else None


def _contrasted(lexicon: Lexicon | None, question: str, sentence: str) -> bool:
    """The sentence is about the opposite case of the question's: a pair of the lexicon's
    contrasts, or a case where something was not done that the question says was done
    ("포장을 뜯지 않은 상태라면" for "비닐 뜯었는데 …")."""
    if lexicon is not None and lexicon.contrasted(question, sentence):
        return True
    q = squash(question)
    for m in NOT_DONE_CASE.finditer(sentence):
        stem = m.group(1)[-1]
        if stem in q and not re.search(rf"안{stem}|{stem}지않|미개봉|안\s?뜯", q):
            return True
    return False


def _only_other(sentence: str, q: Question) -> bool:
    """The sentence allows only a way the question does not name ("일시불로만" for a 할부 question;
    "국내 배송만" is no answer against a question naming 한국 → 국내)."""
    only = ONLY.search(sentence)
    if only is None or only.group(2).endswith(("경우", "때")):
        return False
    said = squash(" ".join([q.text, *q.expansions]))
    return not any(w and squash(w) in said for w in only.groups())


def details(section: Section, skip: set[str]) -> list[str]:
    """The section's other sentences in document order (up to ``MAX_DETAIL``
    characters), then its tables as readable lines."""
    lines: list[str] = []
    prose: list[str] = []
    used = 0
    for n, sentence in enumerate(section.sentences):
        if sentence in skip:
            continue
        if used + len(sentence) > MAX_DETAIL and (lines or prose):
            break
        used += len(sentence)
        if n in section.items:  # list items stay a list
            if prose:
                lines.append(" ".join(prose))
                prose = []
            lines.append(f"- {sentence}")
        else:
            prose.append(sentence)
    if prose:
        lines.append(" ".join(prose))
    for table in section.tables:
        lines.extend(table.lines())
    return lines


def source_line(sections: list[Section]) -> str:
    return "출처: " + ", ".join(f"「{s.title}」 {s.heading}" for s in sections)


def compose(blocks: list[tuple[Section, Lead]]) -> tuple[str, str | None]:
    """(text, verdict of the first part) for one or more (section, lead) parts."""
    leads = [lead.text for _, lead in blocks]
    seen: list[Section] = []
    body: list[str] = []
    quoted = {lead.sentence for _, lead in blocks if lead.sentence}
    for section, _ in blocks:
        if section in seen:
            continue
        seen.append(section)
        body.extend(details(section, quoted))
    parts = ["\n".join(dict.fromkeys(leads))]
    if body:
        parts.append("\n".join(body))
    parts.append(source_line(seen))
    return "\n\n".join(parts), blocks[0][1].verdict
