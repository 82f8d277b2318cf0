"""Order lookups: the list (filtered by status, date and count) and one order's
details or delivery status, found by what the question is about."""

from __future__ import annotations

from dataclasses import replace

from ...domain.orders import STATUSES_AFTER, Order, OrderStatus, PaymentMethod
from ...nlu.context import Expecting
from ...nlu.types import Understanding
from .. import replies as R
from ..env import Env
from ..outcome import Outcome
from ..sources import cite, sourced
from ..state import DialogueState, Frame
from ..templates import say
from . import filters
from .wording import refund_key, refund_note
from .writes import not_found, put

DEFAULT_LIST = 10
SHOW_DIRECTLY = 3  # at most this many fitting orders are shown at once rather than asked about
DISCUSSED = 3  # orders remembered as discussed one by one


def list_orders(env: Env, u: Understanding, state: DialogueState) -> Outcome:
    statuses = [OrderStatus(s) for s in u.acts.statuses]
    count = u.acts.count if u.acts.count and u.acts.count <= 20 else None
    products = env.finder.product_words(u.acts.nouns)
    wide = bool(statuses or u.slots.date_range or u.acts.payments or products or u.acts.amount)
    orders = env.tools.list_orders(limit=50 if wide else (count or DEFAULT_LIST))
    if products:  # "프라이팬 주문한 거 보여 주세요": the orders holding it
        word, orders = env.finder.orders_naming(products, orders)
        if not orders:
            return Outcome(say("ask.product_none", word=products[0]), replace(state, last_list=()))
    if statuses:
        orders = [o for o in orders if o.status in statuses]
    methods = [PaymentMethod(p) for p in u.acts.payments]
    if methods:  # "카드로 결제한 주문만"
        orders = [o for o in orders if o.payment_method in methods]
    if u.slots.date_range is not None:
        window = u.slots.date_range
        orders = [o for o in orders if window.start <= R.kst(o.order_date) <= window.end]
    orders = filters.by_amount(orders, u)[: count or DEFAULT_LIST]  # "5만원 이하로 산 것만"
    if not orders:
        if statuses:
            text = say("orders.none_status", status="·".join(s.label for s in statuses))
        else:
            named = u.slots.date_ref or filters.amount_words(u)
            text = say("orders.none", what=f"{named} " if named else "")
        return Outcome(text, replace(state, last_list=()))
    what = " ".join(filter(None, [u.slots.date_ref, "·".join(s.label for s in statuses),
                                  "·".join(f"{m.label} 결제" for m in methods), filters.amount_words(u),
                                  f"'{word}' 상품이 든" if products else None])) or "최근"
    text = R.order_list(orders, say("orders.list", heading=what)) + "\n" + say("orders.list_tail")
    listed = tuple(o.order_id for o in orders)
    if products and len(orders) > 1:  # "검은색 거요" next picks one of them by its option
        state = put(state, Frame(task="lookup", intent="order.detail", waiting=Expecting.ORDER.value,
                                 candidates=listed, about=word))
    return Outcome(text, replace(state, last_list=listed), cards=[R.order_card(o) for o in orders])


def extreme(env: Env, u: Understanding, state: DialogueState) -> Outcome:
    """"그중 제일 비싼 거": the most (or least) expensive of the orders just listed, or of the
    recent ones ("내 주문 중에 제일 비싼 거 뭐야")."""
    shown = [o for o in (env.tools.get_order(i) for i in state.last_list) if o is not None] or \
        env.tools.list_orders(limit=20)
    if not shown:
        return Outcome(say("orders.none", what=""), state)
    pick = (min if u.acts.cheapest else max)(shown, key=lambda o: o.total_amount)
    return show(env, pick, "order.detail", state)


def show(env: Env, order: Order, intent: str, state: DialogueState, asked: tuple[str, ...] = (),
         words: tuple[str, ...] = ()) -> Outcome:
    """The order's details or status; the delivery-time rule a status states is cited.
    ``asked``: what the question wants to know about it ("언제 샀더라"), answered
    instead, from the order's data (``words``: the items it names, for "몇 개")."""
    discussed = (*(i for i in state.discussed if i != order.order_id), order.order_id)[-DISCUSSED:]
    state = replace(state, last_order_id=order.order_id, last_asked=asked, discussed=discussed)
    if "refunded" in asked:  # "환불 다 됐죠?": from the order's status and its payment method's route
        return _refunded(env, order, state)
    if asked:
        named = tuple(env.finder.items_named(words, order.items)) if words else ()
        return Outcome(R.order_facts(order, asked, named), state, cards=[R.order_card(order)])
    body = R.order_detail(order) if intent == "order.detail" else R.order_status(order, env.now)
    cited = cite(env.answerer, f"status.{order.status.value}") if intent != "order.detail" else []
    return Outcome(sourced(body, cited), state, cards=[R.order_card(order)], citations=cited)


def lookup(env: Env, u: Understanding, state: DialogueState, *, intent: str | None = None) -> Outcome:
    """One order's details or status: the one named or pointed at, else the ones
    holding the product named, else the ones whose status fits the question (an
    order on its way for "언제 와요?"), else the recent ones to choose from."""
    intent = intent or u.intent
    # what is asked about it ("몇 개 샀더라"); "클렌징폼 주문은요?" asks again what was asked last
    asked = u.acts.order_facts or (state.last_asked if u.acts.elliptical else ())
    words = u.acts.nouns

    def shown(order: Order) -> Outcome:
        out = show(env, order, intent, state, asked, words)
        claimed = STATUSES_AFTER.get(next(iter(u.acts.actions), ""))
        if u.acts.done_check and claimed and not asked:  # "이거 취소된 거 맞죠?": yes or no first, from its status
            out = out.prefixed("네," if (order.status in claimed) != u.acts.negated_check else "아니요,")
        elif u.acts.done_check and 0 < len(u.acts.statuses) < 3 and not (asked or u.acts.actions):  # "배송 완료
            out = out.prefixed("네," if order.status.value in u.acts.statuses else "아니요,")  # 됐나요?"
        return out

    order, missing = env.finder.referenced(u, state)
    if missing:  # the question stays open for the right number ("제 주문 맞는데요?" is answered too)
        return not_found(put(state, Frame(task="lookup", intent=intent, waiting=Expecting.ORDER.value)))
    if order is not None:
        return shown(order)
    if u.acts.all and len(state.discussed) > 1 and not env.finder.product_words(u.acts.nouns) and \
            not u.acts.statuses:  # "둘 다 언제 출발해요?" about the orders just talked about
        return _show_all(env, [o for o in map(env.tools.get_order, reversed(state.discussed)) if o], intent, state,
                         asked)
    if state.last_order_id and not env.finder.product_words(u.acts.nouns) and \
            (not u.acts.view or intent == "order.status"):  # "송장번호 알려 주세요" about the one just shown
        last = env.tools.get_order(state.last_order_id)  # "그럼 언제쯤 받아요?" about the order just shown
        # "결제대기인 거요 언제까지 넣어야 돼요": a status naming the order just shown, with a fact asked
        if last is not None and (not u.acts.statuses or (
                last.status.value in u.acts.statuses and asked and not u.acts.view)):
            return shown(last)
    recent = env.tools.list_orders(limit=20)
    if not recent:
        return Outcome(say("orders.no_orders"), state)
    window = u.slots.date_range if u.acts.ordered or u.acts.mine else None  # a date in a rule question is no order
    if window is not None:  # "어제 시킨 거 언제 와요": the orders of that day (all of them when none was)
        dated = [o for o in recent if window.start <= R.kst(o.order_date) <= window.end]
        if dated and (len(dated) <= SHOW_DIRECTLY if intent == "order.status" else len(dated) == 1):
            return _show_all(env, dated, intent, state)
        if dated:
            return _choose(dated, intent, say("orders.dated", when=u.slots.date_ref, count=len(dated)), state)
    word, named = env.finder.orders_naming(u.acts.nouns, recent) if u.acts.nouns else (None, [])
    known = env.finder.product_words(u.acts.nouns)
    if known and not named:
        return Outcome(say("ask.product_none", word=known[0]), replace(state, last_list=()))
    if len(named) > 1 and u.acts.statuses:  # "저번에 반품한 RC카": the one in the status named
        named = [o for o in named if o.status.value in u.acts.statuses] or named
    if len(named) > 1 and state.last_list:  # the ones just listed come first ("수납박스 있는 주문" of those)
        named = [o for o in named if o.order_id in state.last_list] or named
    claimed = [o for o in named if o.status in STATUSES_AFTER.get(next(iter(u.acts.actions), ""), ())]
    if len(named) > 1 and len(claimed) == 1 and u.acts.mine:  # "RC카 반품한 거 환불 됐어요?": the one returned
        named = claimed
    if named and intent == "order.status" and len(named) > 1 and not (u.acts.count or u.acts.all):
        moving = [o for o in named if o.status in (OrderStatus.PENDING, OrderStatus.PAID, OrderStatus.PREPARING,
                                                   OrderStatus.SHIPPED)]
        if len(moving) > 1 and u.acts.dispatch:  # "시계 언제 와요": an unpaid one waits for the deposit, not the van
            moving = [o for o in moving if o.status is not OrderStatus.PENDING] or moving
        if len(moving) == 1:  # "RC카 어디쯤 왔어요?": the one on its way, not the one returned
            named = moving
    if named:
        if len(named) == 1:
            return shown(named[0])
        return _choose(named, intent, f"'{word}' 상품이 들어 있는 주문이 {len(named)}건 있습니다.", state,
                       about=word, asked=asked)
    if intent == "order.status":
        fitting = env.finder.by_purpose(recent, "order.status")
        statuses = [OrderStatus(s) for s in u.acts.statuses]
        if statuses:
            fitting = [o for o in recent if o.status in statuses]
        if not statuses:  # "왜 이렇게 안 와요": an unpaid order is not on its way (it waits for the deposit)
            fitting = [o for o in fitting if o.status is not OrderStatus.PENDING] or fitting
        if not fitting:
            return _choose(recent[:5], intent, say("orders.nothing_fits"), state)
        if len(fitting) <= SHOW_DIRECTLY:
            return _show_all(env, fitting, intent, state)
        status = "·".join(s.label for s in statuses) + " 상태인" if statuses else "배송 중이거나 출고 준비 중인"
        head = say("orders.several_fit", status=status, count=len(fitting))
        return _choose(fitting[:10], intent, head, state)
    if len(recent) == 1:
        return shown(recent[0])
    return _choose(recent[:5], intent, say("orders.which"), state, asked=asked)


def others(env: Env, state: DialogueState) -> Outcome:
    """"다른 건요?" right after one order's status: the other orders on their way."""
    rest = [o for o in env.finder.by_purpose(env.tools.list_orders(limit=20), "order.status")
            if o.order_id != state.last_order_id and o.status is not OrderStatus.PENDING]
    if not rest:
        return Outcome(say("orders.no_others"), state)
    if len(rest) <= SHOW_DIRECTLY:
        return _show_all(env, rest, "order.status", state)
    return _choose(rest[:10], "order.status", say("orders.several_fit", status="그 밖에 배송 중이거나 출고 준비 중인",
                                                   count=len(rest)), state)


def _show_all(env: Env, found: list[Order], intent: str, state: DialogueState,
              asked: tuple[str, ...] = ()) -> Outcome:
    """A few fitting orders, each shown; the first is the one a follow-up means."""
    outcome = show(env, found[0], intent, state, asked)
    for more in found[1:]:
        outcome = outcome.then(show(env, more, intent, state, asked))
    listed = tuple(o.order_id for o in found)
    return outcome.with_state(replace(outcome.state, last_list=listed, last_order_id=found[0].order_id))


def _choose(orders: list[Order], intent: str, heading: str, state: DialogueState, *,
            about: str | None = None, asked: tuple[str, ...] = ()) -> Outcome:
    ids = tuple(o.order_id for o in orders)
    frame = Frame(task="lookup", intent=intent, waiting=Expecting.ORDER.value, candidates=ids, about=about,
                  asked=asked)
    text = R.order_list(orders, heading) + "\n" + say("ask.which_tail")
    return Outcome(text, replace(put(state, frame), last_list=ids), cards=[R.order_card(o) for o in orders])


def refund_again(env: Env, u: Understanding, state: DialogueState) -> Outcome | None:
    """"언제 들어와요 그럼" right after "환불 됐어요?": the same order's refund, asked again."""
    acts = u.acts
    if not ("refunded" in state.last_asked and "refund_route" in acts.conditions and acts.asks and
            state.last_order_id) or acts.actions or acts.nouns or env.finder.points(u, state):
        return None
    order = env.tools.get_order(state.last_order_id)
    return show(env, order, "order.detail", state, ("refunded",)) if order is not None else None


def _refunded(env: Env, order: Order, state: DialogueState) -> Outcome:
    summary, cited = R.order_summary(order), []
    if order.cancelled_unpaid:
        text = say("order_fact.refund_unpaid", order=summary)
    elif order.status in (OrderStatus.CANCELLED, OrderStatus.RETURNED):
        cited = cite(env.answerer, f"refund.{refund_key(order)}")
        key = "refunded_cancelled" if order.status is OrderStatus.CANCELLED else "refunded_returned"
        text = say(f"order_fact.{key}", order=summary, note=refund_note(order))
    elif order.status is OrderStatus.RETURN_REQUESTED:
        text = say("order_fact.refund_pending", order=summary, status=order.status_label)
    else:
        text = say("order_fact.no_refund", order=summary, status=order.status_label)
    return Outcome(sourced(text, cited), state, cards=[R.order_card(order)], citations=cited)
