"""Dialogue acts and cues of one message, read from the phrase lexicon.

The classifier says what a message is about (its intent); these say how it
relates to the conversation: a question or a request, a correction, giving up
the task in hand, anger, small talk, the writes it names, the order statuses or
count it filters by, a quantity, an address, and the nouns that may name a
product. The dialogue layer decides with them; it never re-reads the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..domain.prices import parse_price_range
from .address import find_address
from .conditions import read_conditions
from .ids import mask_ids
from .lexicon import DialogueLexicon, dialogue_lexicon, noun_lexicon
from .nouns import content_nouns
from .text import ORDER_TOKEN, TICKET_TOKEN, fold

_NUMBER_WORDS = {"한": 1, "하나": 1, "두": 2, "둘": 2, "세": 3, "셋": 3, "네": 4, "넷": 4, "다섯": 5}
# "1번이요", "3번 주문 상세", a bare "2": a position in the list the agent just showed.
_LIST_NUMBER = re.compile(r"(?<![\d\-:,.])(\d{1,2})\s*번(?:째)?(?!\s*(?:이상|넘게|씩|정도|만에))|"
                          r"^\s*(\d{1,2})\s*(?:이요|요|이에요|입니다)?\s*[.!]?\s*$")


@dataclass(frozen=True, slots=True)
class Acts:
    question: bool = False  # asks rather than requests ("반품 돼요?")
    request: bool = False  # an explicit request form ("반품해 주세요")
    correction: bool = False  # "아 그거 아니고 …", "번호 잘못 말했어요"
    abort: bool = False  # "그만할게요", "안 할래요"
    negative: bool = False  # frustration or anger
    greeting: bool = False
    thanks: bool = False
    bye: bool = False
    identity: bool = False  # "넌 누구야?"
    capabilities: bool = False  # "뭘 도와줄 수 있어?"
    all: bool = False  # "둘 다요", "전부"
    person: bool = False  # names a person (상담원, 직원, 사람)
    lost_parcel: bool = False  # reported delivered but not there, or feared lost ("분실된 거 아니에요?")
    told_delivered: bool = False  # was told it arrived ("배송완료 문자 왔는데", "문 앞에 뒀다는데")
    will_look: bool = False  # will look or ask first ("네 찾아볼게요", "택배사에 전화해 볼게요"): not a yes
    other_option: bool = False  # wants another colour/size without naming it
    because: bool = False  # states a cause ("작아서요"): a claim's reason
    done_check: bool = False  # asks whether something was done ("처리된 거죠?")
    can: bool = False  # asks whether something is possible ("반품 돼요?")
    how: bool = False  # asks how, when, how long or how much
    another: bool = False  # "다른 주문이요"
    also: bool = False  # "ORD-…도": another order besides the one in question
    ack: bool = False  # "네 알겠어요": an acknowledgement, not a yes to act
    elliptical: bool = False  # "교환은요?": leans on the previous question
    partial: bool = False  # only part of an order ("하나만 빼고 싶어요")
    ticket_words: bool = False  # names a request already made ("문의", "접수한 거")
    view: bool = False  # asks to be shown or told ("보여줘", "알려줘")
    shopping: bool = False  # price, stock, whether it is sold
    conditional: bool = False  # "반품하면 …?": about the rules, not a request
    found: bool = False  # the missing parcel turned up
    timed: bool = False  # names a time or day ("화요일 오전 10시", "4일째")
    mine: bool = False  # the shopper's own request ("제가 접수한", "남긴 문의")
    polite_request: bool = False  # "취소해 주실 수 있나요?"
    final_question: bool = False  # ends as a question ("…기다려도 되나요")
    other_product: bool = False  # "다른 상품으로": not an option of the same product
    apology: bool = False  # the shopper apologises ("아까는 화내서 미안해요")
    hurry: bool = False  # urging ("빨리요", "급해요")
    deadline: bool = False  # the parcel is needed by a date, or sooner ("내일까지 와야 돼요", "더 빨리 받는 방법")
    dispatch: bool = False  # when the order leaves or arrives ("오늘 출고돼요?", "언제 와요?")
    contact: bool = False  # names a call or an answer back ("연락은 언제 줘요?")
    what_next: bool = False  # what the shopper does now ("그럼 이제 뭐 하면 돼요?"), no rule named
    obligation: bool = False  # what must be done ("어떻게 해야 돼요"), not a request
    new_item: bool = False  # the replacement an exchange sends ("새 옷은 언제 와요", "교환 상품")
    withdraw: bool = False  # taking back a claim already made ("반품 신청한 거 취소하고 싶어요")
    ticket_number: bool = False  # asks the number of a request made ("접수번호 뭐예요?")
    yes: bool = False  # leads with a yes word ("넵 취소요")
    checked: bool = False  # already looked everywhere ("문앞 경비실 다 봤고요")
    among: bool = False  # among the orders just shown ("이 중에 …")
    insist: bool = False  # the order exists, the shopper insists ("분명히 샀는데?")
    other_account: bool = False  # it may be in another account ("남편 계정으로 산 거였네요")
    procedure: bool = False  # how to, where to, what it means ("주문취소 어떻게 해요?")
    own_order: bool = False  # something bought or how it is getting on ("산 거", "어디쯤 왔어요")
    actions: tuple[str, ...] = ()  # writes named, most specific first: change_address, defect, exchange, return, cancel
    statuses: tuple[str, ...] = ()  # order statuses named as a filter
    ordered: bool = False  # about something bought ("수납박스 있는 주문 얼마예요"), not the catalogue
    no_pay: bool = False  # "입금 안 하고 그냥 두면?": about not paying (a 결제대기 order)
    payments: tuple[str, ...] = ()  # payment methods named ("카드로 결제한 것만")
    order_facts: tuple[str, ...] = ()  # what is asked about an order ("언제 샀더라" → ordered_at), in text order
    my_account: tuple[str, ...] = ()  # what of their own account is asked ("포인트 얼마 있어요" → points)
    count: int | None = None  # "3개만"
    cheapest: bool = False
    priciest: bool = False
    cheaper: bool = False  # than the products just shown
    pricier: bool = False
    quantity: int | None = None  # "1개만", "두 개"
    kept_count: int | None = None  # "하나는 그냥 쓸게요 나머지 반품": the units kept, the rest claimed
    list_number: int | None = None  # "2번", a bare "3"
    address: str | None = None
    nouns: tuple[str, ...] = ()  # content nouns that may name a product, in order
    # the item's state the shopper states ("라벨 뗐는데", "써봤는데"): nlu/conditions.py
    conditions: tuple[str, ...] = ()
    negated_check: bool = False  # "처리 안 된 거네요?": "not done" is answered with a yes
    only: tuple[str, ...] = ()  # nouns marked "만" ("커피만요 가디건은 받을래요"): the ones meant, not the rest

    number_fix: tuple[str, str] | None = None  # "253 말고 235요": (the number said wrong, the right one)
    replacement: tuple[str, ...] = ()  # nouns after "말고 / 아니고 / 대신": what is meant instead
    removal: tuple[str, ...] = ()  # nouns before "빼고 / 빼 주세요": the items taken out of the order
    claimed_before: bool = False  # a claim already made ("반품한 지 일주일 넘었어요"), not a new one
    kept: tuple[str, ...] = ()  # nouns the shopper keeps ("시계만 살게요", "레고는 괜찮고"): not in the request
    picked_up: bool = False  # "기사님이 가져가긴 했어요": the returned item has left the shopper
    until_when: bool = False  # "언제까지 해야돼요?": until when
    defect_denied: bool = False  # "불량은 아니고요": not a defect, so no defect route
    action_question: bool = False  # "가디건만 취소 돼요?": whether a write can be done, asked
    remark: str | None = None  # what follows the request ("반품해 주세요 자리를 너무 차지해요"): its reason
    # an amount the shopper names, as an inclusive (min, max) in 원: "5만원 이하로 산 주문",
    # "20만원 넘는 거", "3만 얼마짜리요" (an order told apart by its price, not a product filter)
    amount: tuple[int | None, int | None] | None = None
    instead: str | None = None  # the words after the last "말고 / 아니고": what is meant ("화이트 말고 검은색이요")

    @property
    def asks(self) -> bool:
        """A question that is not also a request ("다시 보내줘요?" after "분실이면" asks)."""
        return self.question and (not self.request or self.conditional or
                                  (self.final_question and not self.polite_request) or
                                  (self.procedure and self.how and self.obligation and not self.polite_request))  # "어떻게 해야 돼요"

    @property
    def about_rule(self) -> bool:
        """A question that points at nothing of the shopper's: nothing bought or "제 주문", no
        fact, balance or list position of theirs asked, no status, arrival or view of theirs unless
        as a hypothetical ("배송중이면 …?", "재가입하면 주문내역 볼 수 있나요?"): "택배 어디 거
        써요?", "상담원한테 카드 비번 불러줘야 되나요?". Whether it names an order by id or pronoun
        is in the slots; whether a noun is a product of theirs, in their orders (the agent's)."""
        theirs = (self.statuses or self.dispatch or self.view) and not self.conditional
        return self.asks and not (
            theirs or self.own_order or self.order_facts or self.my_account or self.list_number or self.among
            or self.all or self.another or self.elliptical or self.lost_parcel or self.done_check
            or self.ticket_number or self.found or self.insist or self.claimed_before or self.withdraw)

    @property
    def meant(self) -> tuple[str, ...]:
        """The nouns a request is about: those marked "만", else all named, less the ones kept
        ("수납박스는 취소하고 시계만 살게요" → 수납박스)."""
        only = tuple(n for n in self.only if n not in self.kept)
        return only or tuple(n for n in self.nouns if n not in self.kept)

    @property
    def small_talk(self) -> bool:
        return self.greeting or self.thanks or self.bye or self.identity or self.capabilities or self.apology


def _number(match: re.Match[str] | None) -> int | None:
    if match is None:
        return None
    word = next((g for g in match.groups() if g), None)
    if word is None:
        return None
    return int(word) if word.isdigit() else _NUMBER_WORDS.get(word)


_INSTEAD = re.compile(r"말고|말구|(?<!다름이 )(?<!다름이)(?:아니고|아니구|아니라)|대신")  # not "다름이 아니라"


def _keep(word: str, cue_words: list[re.Pattern[str]]) -> bool:
    return (len(word) >= 2 or word in "옷책꿀팬컵") and not any(p.search(word) for p in cue_words)


def _replacement(text: str, cue_words: list[re.Pattern[str]]) -> tuple[str, ...]:
    """The nouns after the last "말고 / 아니고": "레고 말고 프라이팬이요" → 프라이팬."""
    parts = _INSTEAD.split(mask_ids(text, " ", " "))
    if len(parts) < 2:
        return ()
    lex = noun_lexicon()
    tail = content_nouns(parts[-1], generic=lex.generic | lex.order_words, min_len=1)
    return tuple(dict.fromkeys(forms[0] for forms, _ in tail if _keep(forms[0], cue_words)))


def _instead(plain: str) -> str | None:
    parts = _INSTEAD.split(plain)
    return parts[-1].strip() or None if len(parts) > 1 else None


# "253 말고 235요", "101동 아니고 102동이요": a number said wrong and the right one.
_NUMBER_FIX = re.compile(r"(\d[\d\-]*)\s*(?:번지|번|호|동|층)?\s*(?:이|가)?\s*(?:말고|말구|아니고|아니구|아니라)\s*(\d[\d\-]*)")


def _number_fix(text: str) -> tuple[str, str] | None:
    match = _NUMBER_FIX.search(mask_ids(text, " ", " "))
    return (match.group(1), match.group(2)) if match else None


_TAKE_OUT = re.compile(r"빼")


def _removal(text: str, cue_words: list[re.Pattern[str]]) -> tuple[str, ...]:
    """The nouns right before "빼": "스마트워치는 빼고 수납박스만" → 스마트워치."""
    parts = _TAKE_OUT.split(mask_ids(text, " ", " "), maxsplit=1)
    if len(parts) < 2:
        return ()
    lex = noun_lexicon()
    head = content_nouns(parts[0], generic=lex.generic | lex.order_words, min_len=1)
    kept = [forms[0] for forms, _ in head if _keep(forms[0], cue_words)]
    return tuple(kept[-1:])


def _actions(plain: str, actions: tuple[tuple[str, re.Pattern[str]], ...]) -> tuple[str, ...]:
    """The writes named, most specific first. The verb of an address change is not an exchange
    too ("두번째 거 주소 바꾸고 싶어요"): once the address change is found, what it matched is
    taken out before the other actions are looked for."""
    found: list[str] = []
    for name, pattern in actions:
        match = pattern.search(plain)
        if match is None:
            continue
        found.append(name)
        if name == "change_address":
            plain = plain[:match.start()] + " " + plain[match.end():]
    return tuple(found)


def _in_order(text: str, named: tuple[tuple[str, re.Pattern[str]], ...]) -> tuple[str, ...]:
    """The names whose pattern occurs, in the order the text says them ("무통장으로 샀는데
    카드로 다시 살게요": the first is the order's, the second the plan)."""
    found = [(m.start(), name) for name, pattern in named if (m := pattern.search(text))]
    return tuple(name for _, name in sorted(found))


def _only(text: str, nouns: tuple[str, ...]) -> tuple[str, ...]:
    """The nouns followed by "만" (not "만 빼고", "만원"): "커피만요" → 커피, "프라이팬 두 개만" → 프라이팬."""
    return tuple(n for n in nouns if re.search(re.escape(n.lower()) + _COUNTED + r"\s?만(?!\s?(?:빼|원|큼|에|이라))", text))


# "프라이팬 두 개만": the count between the noun and its "만"
_COUNTED = r"(?:\s?(?:\d{1,2}|한|두|세|네|하나|둘|셋)\s?(?:개|벌|켤레|장|병|팩|세트|봉)?)?"


def _kept(text: str, nouns: tuple[str, ...], keep: re.Pattern[str]) -> tuple[str, ...]:
    """The nouns right before a keeping verb: "수납박스는 취소하고 시계만 살게요" → 시계."""
    kept = []
    for noun in nouns:
        for match in re.finditer(re.escape(noun.lower()), text):
            if keep.search(text[match.end():match.end() + 16]):
                kept.append(noun)
                break
    return tuple(kept)


# how many were bought ("3개 중에", "세 개 샀는데"): beside the units kept, not a count claimed
_BOUGHT = re.compile(r"(?:\d{1,2}|한|두|세|네|다섯)\s?(?:개|벌|켤레|장|병|팩|세트|봉)\s?"
                     r"(?:중(?:에서|에)?|(?:샀|산|시켰|시킨|주문한|받은)\S*)")
# a request word told as something that happened, not asked for ("선물하려다 취소됐어요")
_PAST_EVENT = re.compile(r"(?:됐|되었|했|하였|당했)(?:어요|어|습니다|네요|대요|거든요|는데)")


def _remark(plain: str, request: re.Pattern[str]) -> str | None:
    """The statement after the last request form: "수납박스 반품해 주세요 자리를 너무 차지해요"
    → "자리를 너무 차지해요" (a question or a lone word after it is no remark)."""
    ends = [m.end() for m in request.finditer(plain)]
    if not ends:
        return None
    end = ends[-1]
    if 0 < end < len(plain) and re.match(r"[가-힣]", plain[end - 1]) and re.match(r"[가-힣]", plain[end]):
        end = len(plain) if (space := plain.find(" ", end)) < 0 else space  # the rest of "…해주|세요"
    tail = plain[end:].strip(" .,!~")
    if "?" in tail or len(re.findall(r"[가-힣]+", tail)) < 2 or _INSTEAD.search(tail) or (any(
            p.search(tail) for _, p in dialogue_lexicon().actions) and not _PAST_EVENT.search(tail)):
        return None  # "교환 말고요": a remedy, not a reason ("선물하려다 취소됐어요" tells what happened)
    return tail[:200]


# "3만 얼마짜리", "19만 몇천 원": the leading figures of an amount, the rest left vague
_VAGUE_AMOUNT = re.compile(r"(\d+)\s?만\s?(?:원\s?)?(?:얼마|몇\s?천\s?원?)")


def _amount(plain: str) -> tuple[int | None, int | None] | None:
    found = parse_price_range(_VAGUE_AMOUNT.sub(r"\1만원대", plain))
    return (found.min_price, found.max_price) if found else None


def _statuses(plain: str, lex: DialogueLexicon) -> tuple[str, ...]:
    """The statuses named; those left out ("취소된 건 빼고") make the rest the filter."""
    named, left_out = [], set()
    for name, pattern in lex.statuses:
        for match in pattern.finditer(plain):
            if lex.status_excluded.match(plain, match.end()):
                left_out.add(name)
            else:
                named.append(name)
    if left_out and not named:
        return tuple(name for name, _ in lex.statuses if name not in left_out)
    return tuple(dict.fromkeys(n for n in named if n not in left_out))


def read_acts(text: str) -> Acts:
    lex = dialogue_lexicon()
    folded = fold(text).strip()
    plain = mask_ids(folded, " ", " ")
    nouns = content_nouns(mask_ids(text, " ", " "), generic=noun_lexicon().generic | noun_lexicon().order_words,
                          min_len=1, glued=noun_lexicon().request_words)
    list_number = _LIST_NUMBER.search(plain)
    cue_words = [lex.person, lex.negative, *(p for _, p in lex.actions), *(p for _, p in lex.statuses)]
    kept = _number(lex.kept_count.search(plain))
    return Acts(
        question=bool(lex.question.search(plain) or lex.what_next.search(plain)),  # "이제 뭐 하면 되는데요"
        request=bool(lex.request.search(plain)),
        correction=bool(lex.correction.search(plain)),
        # "입금 안 해도 되는 거죠?" asks; it does not give up anything
        abort=bool(lex.abort.search(plain)) and not (lex.question.search(plain) and lex.final_question.search(plain)),
        negative=bool(lex.negative.search(plain)),
        greeting=bool(lex.greeting.search(plain)),
        thanks=bool(lex.thanks.search(plain)),
        bye=bool(lex.bye.search(plain)),
        identity=bool(lex.identity.search(plain)),
        capabilities=bool(lex.capabilities.search(plain)),
        all=bool(lex.all.search(plain)),
        person=bool(lex.person.search(lex.person_declined.sub(" ", plain))),  # "상담원 말고 네가 해 줘"
        lost_parcel=bool(lex.lost_parcel.search(plain)),
        told_delivered=bool(lex.told_delivered.search(plain)),
        will_look=bool(lex.will_look.search(plain)),
        other_option=bool(lex.other_option.search(plain)),
        because=bool(lex.because.search(plain)),
        done_check=bool(lex.done_check.search(plain)),
        can=bool(lex.can.search(plain)),
        how=bool(lex.how.search(plain)),
        another=bool(lex.another.search(plain)),
        ack=bool(lex.ack.search(plain)),
        elliptical=bool(lex.elliptical.search(plain)),
        partial=bool(lex.partial.search(plain)),
        ticket_words=bool(lex.ticket_words.search(plain)),
        view=bool(lex.view.search(plain)),
        shopping=bool(lex.shopping.search(plain)),
        conditional=bool(lex.conditional.search(plain)),
        found=bool(lex.found.search(plain)),
        timed=bool(lex.timed.search(plain)),
        mine=bool(lex.mine.search(plain)),
        polite_request=bool(lex.polite_request.search(plain)),
        final_question=bool(lex.final_question.search(plain)),
        other_product=bool(lex.other_product.search(plain)),
        apology=bool(lex.apology.search(plain)),
        hurry=bool(lex.hurry.search(plain)),
        deadline=bool(lex.deadline.search(plain)),
        dispatch=bool(lex.dispatch.search(plain)),
        contact=bool(lex.contact.search(plain)),
        what_next=bool(lex.what_next.search(plain)),
        obligation=bool(lex.obligation.search(plain)),
        new_item=bool(lex.new_item.search(plain)),
        withdraw=bool(lex.withdraw.search(plain)),
        ticket_number=bool(lex.ticket_number.search(plain)),
        yes=bool(lex.yes_word.search(plain)),
        checked=bool(lex.checked.search(plain)),
        among=bool(lex.among.search(plain)),
        insist=bool(lex.insist.search(plain)),
        other_account=bool(lex.other_account.search(plain)),
        procedure=bool(lex.procedure.search(plain)),
        own_order=bool(lex.own_order.search(plain)),
        negated_check=bool(lex.negated_check.search(plain)),
        also=bool(lex.also.search(mask_ids(folded, ORDER_TOKEN, TICKET_TOKEN))),
        actions=_actions(plain, lex.actions),
        statuses=_statuses(plain, lex),
        payments=_in_order(plain, lex.payments),
        order_facts=_in_order(plain, lex.order_facts),
        my_account=_in_order(plain, lex.my_account),
        no_pay=bool(lex.no_pay.search(plain)),
        ordered=bool(lex.ordered.search(plain)),
        count=_number(lex.count.search(plain)),
        cheapest=bool(lex.cheapest.search(plain)),
        priciest=bool(lex.priciest.search(plain)),
        cheaper=bool(lex.cheaper.search(plain)),
        pricier=bool(lex.pricier.search(plain)),
        quantity=_number(lex.quantity.search(_BOUGHT.sub(" ", lex.kept_count.sub(" ", plain)) if kept else plain)),
        kept_count=kept,
        list_number=int(next(g for g in list_number.groups() if g)) if list_number else None,
        address=find_address(text),
        number_fix=_number_fix(text),
        replacement=_replacement(text, cue_words),
        removal=_removal(text, cue_words),
        nouns=tuple(dict.fromkeys(forms[0] for forms, _ in nouns if _keep(forms[0], cue_words))),
        conditions=read_conditions(plain),
        only=_only(folded, tuple(dict.fromkeys(forms[0] for forms, _ in nouns if _keep(forms[0], cue_words)))),
        claimed_before=bool(lex.claimed_before.search(plain)),
        remark=_remark(plain, lex.request),
        action_question=bool(lex.action_question.search(plain)),
        defect_denied=bool(lex.defect_denied.search(plain)),
        until_when=bool(lex.until_when.search(plain)),
        picked_up=bool(lex.picked_up.search(plain)),
        amount=_amount(plain),
        instead=_instead(plain),
        kept=_kept(folded, tuple(dict.fromkeys(forms[0] for forms, _ in nouns if _keep(forms[0], cue_words))),
                   lex.keep),
    )
