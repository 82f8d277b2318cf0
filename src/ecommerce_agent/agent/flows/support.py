"""Tickets, a person (handoff), lost parcels, unpaid orders, products, small talk."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from ...domain.orders import RESULTING_STATUS, STATUSES_AFTER, Action, OrderStatus
from ...domain.tickets import CLAIM_ISSUE, ISSUE_CLAIM, IssueType, Ticket, TicketSource, TicketStatus
from ...nlu.context import Expecting
from ...nlu.nouns import content_nouns, squash
from ...nlu.lexicon import noun_lexicon
from ...nlu.types import Understanding
from .. import replies as R
from ..env import Env
from ..outcome import Outcome
from ..sources import cite, sourced
from ..state import DialogueState, Frame
from ..templates import say
from .writes import not_found, put

CLAIM_KINDS = tuple(ISSUE_CLAIM)
OPEN_STATUSES = (TicketStatus.OPEN, TicketStatus.IN_PROGRESS)


def _in_progress(env: Env, tickets: list[Ticket]) -> list[Ticket]:
    """The claims still under way: the open tickets, else those whose order still waits
    for the claim to finish (an answered ticket, the goods not yet collected)."""
    claims = [t for t in tickets if t.issue_type in CLAIM_KINDS]
    open_ = [t for t in claims if t.status in OPEN_STATUSES]
    if open_:
        return open_
    orders = {t.ticket_id: env.tools.get_order(t.order_id) for t in claims if t.order_id}
    # an order still waiting for its claim to finish, whatever its ticket says
    return [t for t in claims if (o := orders.get(t.ticket_id)) is not None
            and o.status is RESULTING_STATUS[Action(ISSUE_CLAIM[t.issue_type])]]


def capabilities() -> str:
    return say("capabilities_list")


# -- tickets -------------------------------------------------------------------

def tickets(env: Env, u: Understanding, state: DialogueState) -> Outcome:
    if u.slots.ticket_id:
        ticket = env.tools.get_ticket(u.slots.ticket_id)
        if ticket is None:
            return Outcome(say("ticket_not_found"), state)
        found = [ticket]
    else:
        found = env.tools.list_tickets(limit=5)
        if u.slots.order_id:  # "ORD-… 문의 어떻게 됐어요?": that order's tickets
            if env.tools.get_order(u.slots.order_id) is None:
                return not_found(state)
            found = [t for t in env.tools.list_tickets(limit=50) if t.order_id == u.slots.order_id]
            if not found:
                return Outcome(say("tickets.none_for_order", order=u.slots.order_id),
                               replace(state, last_order_id=u.slots.order_id))
        elif u.slots.issue_type in CLAIM_KINDS:  # "환불 접수한 거 어떻게 됐어요?"
            found = [t for t in found if t.issue_type == u.slots.issue_type] or found
    if not found:
        return Outcome(say("tickets.none"), state)
    lines = [R.ticket_line(n, t) for n, t in enumerate(found, 1)]
    listed = Outcome("\n".join([say("tickets.heading"), *lines]),
                     replace(state, last_ticket_id=found[0].ticket_id,
                             last_order_id=found[0].order_id if len(found) == 1 and found[0].order_id
                             else state.last_order_id), cards=[R.ticket_card(t) for t in found])
    open_claims = _in_progress(env, found)
    if len(open_claims) != 1:
        return listed
    return listed.then(_claim_progress(env, open_claims[0], listed.state))


def claim_in_progress(env: Env, u: Understanding, state: DialogueState) -> Outcome | None:
    """"반품한 거 환불 언제 돼요?": the shopper's one claim of that kind still in progress, with
    its next steps; None when there is none or several (the rule is answered instead)."""
    kinds = (u.slots.issue_type,) if u.slots.issue_type in CLAIM_KINDS else CLAIM_KINDS
    open_claims = _in_progress(env, [t for t in env.tools.list_tickets(limit=20) if t.issue_type in kinds])
    return _claim_progress(env, open_claims[0], state) if len(open_claims) == 1 else None




def presumed_claim(env: Env, u: Understanding, state: DialogueState) -> Outcome | None:
    """"이불 반품한 거 환불 언제 들어와요?" when that order has no such claim: said plainly,
    before anything is said about refunds (None when it has one: its progress is shown)."""
    action = next((a for a in u.acts.actions if a in CLAIM_ISSUE), None)
    products = env.finder.product_words(u.acts.nouns)
    if action is None or not u.acts.mine or not products or "cancel" in u.acts.actions:
        return None
    _, named = env.finder.orders_naming(products, env.tools.list_orders(limit=20))
    if len(named) != 1:
        return None
    order, kind = named[0], CLAIM_ISSUE[action]
    if order.status is OrderStatus.CANCELLED:  # a cancelled order's refund is the cancellation's
        return None
    claimed = order.status in STATUSES_AFTER[Action(action)] or any(
        t.order_id == order.order_id and t.issue_type == kind for t in env.tools.list_tickets(limit=50))
    if claimed:
        return None
    text = say("tickets.no_claim_on_order", order=R.order_summary(order), kind=R.ISSUE_LABELS[kind],
               status=order.status_label)
    return Outcome(text, replace(state, last_order_id=order.order_id, asked_claim=action),
                   cards=[R.order_card(order)])


def _claim_progress(env: Env, ticket: Ticket, state: DialogueState) -> Outcome:
    """The one claim still in progress: its order's status and what happens next (cited), so
    that "그거 언제 끝나요?" afterwards is about it."""
    topic = ISSUE_CLAIM[ticket.issue_type]
    order = env.tools.get_order(ticket.order_id) if ticket.order_id else None
    cited = cite(env.answerer, f"followup.{topic}")
    kind = R.ISSUE_LABELS.get(ticket.issue_type, "접수")
    if ticket.status in OPEN_STATUSES or order is None:
        head = say("tickets.in_progress", ticket=ticket.ticket_id, kind=kind,
                   status=f" {R.order_summary(order)} 주문은 지금 '{order.status_label}' 상태입니다." if order else "")
    else:  # the ticket was answered, the order still waits for the claim to finish
        head = say("tickets.claim_under_way", ticket=ticket.ticket_id, kind=kind, order=R.order_summary(order),
                   status=order.status_label)
    state = replace(state, last_ticket_id=ticket.ticket_id, topic=topic,
                    last_order_id=order.order_id if order else state.last_order_id)
    return Outcome(sourced(f"{head} {say(f'tickets.progress.{topic}')}", cited), state,
                   cards=[R.order_card(order)] if order else [], citations=cited)


# -- a person ------------------------------------------------------------------

def handoff(env: Env, u: Understanding | None, text: str, state: DialogueState) -> Outcome:
    hours, when = say("service_hours"), R.service_now(env.now)
    if state.handed_off and state.handoff_ticket_id:  # asked again: the same request, not a second ticket
        return Outcome(say("handoff.again", ticket=state.handoff_ticket_id, hours=hours, when=when), state,
                       handoff=True)
    if state.topic == "lost_parcel" and state.last_ticket_id:  # the lost-parcel report already waits for a person
        state = replace(state, handed_off=True, handoff_ticket_id=state.last_ticket_id, topic="handoff", stack=())
        return Outcome(say("handoff.again", ticket=state.last_ticket_id, hours=hours, when=when), state,
                       handoff=True)
    transcript = "\n".join(f"{role}: {line}" for role, line in (*state.history, ("user", text)))
    ticket = env.tools.handoff(f"[상담원 연결 요청]\n{transcript}"[:2000])
    state = replace(state, handed_off=True, last_ticket_id=ticket.ticket_id, handoff_ticket_id=ticket.ticket_id,
                    topic="handoff", stack=())
    return Outcome(say("handoff.created", ticket=ticket.ticket_id, hours=hours, when=when), state,
                   cards=[R.ticket_card(ticket)], handoff=True,
                   actions=[{"type": "handoff", "ticket_id": ticket.ticket_id, "status": "completed"}])


def hours_question(env: Env, u: Understanding, state: DialogueState, answered: Outcome | None) -> Outcome:
    """"상담원 토요일에도 있어요?": a question about people, answered, with an offer."""
    offer = Frame(task="offer", intent="handoff", waiting=Expecting.OFFER.value)
    if answered is None:
        cited = cite(env.answerer, "handoff.hours")
        answered = Outcome(sourced(say("handoff.hours_answer", hours=say("service_hours"),
                                       when_now=R.service_now(env.now, "handoff.avail")), cited), state,
                           citations=cited)
    base = answered
    return base.suffixed(say("handoff.offer_short")).with_state(put(state, offer))


# -- lost parcel -----------------------------------------------------------------

def lost_parcel(env: Env, u: Understanding, state: DialogueState, *, checked: bool = False) -> Outcome:
    """A parcel reported delivered but missing: where to look first, then a report on
    request; ``checked`` (answering that advice): a shopper who looked everywhere is asked
    whether to file — only a yes or a request files."""
    order, missing = env.finder.referenced(u, state)
    if missing:
        return not_found(state)
    if order is None:
        recent = env.tools.list_orders(limit=20)
        _, named = env.finder.orders_naming(u.acts.nouns, recent) if u.acts.nouns else (None, [])
        recent = named or recent
        fitting = env.finder.by_purpose(recent, "lost_parcel")
        delivered = [o for o in fitting if o.status is OrderStatus.DELIVERED]
        order = (delivered or fitting or [None])[0]
    if order is None:
        return Outcome(say("lost_parcel.none"), state)
    state = replace(state, last_order_id=order.order_id)
    offer = Frame(task="offer", intent="lost_parcel", order_id=order.order_id, waiting=Expecting.OFFER.value)
    asked = replace(offer, direct=True)  # "… 접수해 드릴까요?" once the shopper has looked
    if order.status is OrderStatus.SHIPPED and not (checked and u.acts.checked):
        # still on its way in our data; a shopper told it was delivered checks with the carrier first
        key = ("lost_parcel.shipped_reported" if u.acts.told_delivered or checked else
               "lost_parcel.delayed" if u.acts.lost_parcel else "lost_parcel.shipped")
        return Outcome(say(key, summary=R.order_summary(order), carrier=order.carrier or "택배사",
                           tracking=order.tracking_number or "-"), put(state, offer), cards=[R.order_card(order)])
    if u.acts.request and not u.acts.asks and order.status is OrderStatus.DELIVERED:
        return file_lost_parcel(env, order.order_id, u.text, state)  # "다 찾아봤어요 조사해 주세요": asked for
    if checked and u.acts.checked and order.status in (OrderStatus.DELIVERED, OrderStatus.SHIPPED):
        # looked everywhere: ask, then file
        key = "lost_parcel.ask_trace" if order.status is OrderStatus.SHIPPED else "lost_parcel.ask_file"
        return Outcome(say(key, summary=R.order_summary(order)), put(state, asked),
                       cards=[R.order_card(order)])
    text = say("lost_parcel.check", summary=R.order_summary(order), when=R.kdate(order.delivered_at),
               carrier=order.carrier or "택배사", tracking=order.tracking_number or "-")
    cited = [R.citation(r) for r in env.tools.search_policies("배송완료 상품 미수령 분실", top_k=1)[:1]]
    if cited:
        text += "\n\n" + say("policy.source", title=cited[0]["title"], section=cited[0]["section"])
    return Outcome(text, put(state, offer), cards=[R.order_card(order)], citations=cited)


def file_lost_parcel(env: Env, order_id: str, text: str, state: DialogueState) -> Outcome:
    order = env.tools.get_order(order_id)
    shipped = order is not None and order.status is OrderStatus.SHIPPED
    fact = "배송중 상태에서 미수령(배송 경위 확인 요청)" if shipped else "배송완료 처리되었으나 미수령"
    ticket = env.tools.create_ticket(IssueType.SHIPPING, f"[분실 신고] {fact}: {text}"[:2000],
                                     order_id=order_id, source=TicketSource.CHAT)
    carrier = (order.carrier if order else None) or ""
    state = replace(state, last_ticket_id=ticket.ticket_id, topic="lost_parcel")
    summary = R.order_summary(order) if order else order_id
    return Outcome(say("lost_parcel.traced" if shipped else "lost_parcel.filed", summary=summary, ticket=ticket.ticket_id, carrier=carrier), state,
                   cards=[R.ticket_card(ticket)],
                   actions=[{"type": "lost_parcel", "order_id": order_id, "ticket_id": ticket.ticket_id,
                             "status": "completed"}])


# -- products --------------------------------------------------------------------

def products(env: Env, u: Understanding, state: DialogueState) -> Outcome:
    acts, shown = u.acts, state.last_products
    if (acts.cheapest or acts.priciest) and shown and not u.slots.query:
        pick = (min if acts.cheapest else max)(shown, key=lambda p: p[2])
        return Outcome(say("products.pick", title=pick[1], price=R.won(pick[2])), state)
    if (acts.cheaper or acts.pricier or acts.cheapest or acts.priciest) and not shown and not u.slots.query:
        return Outcome(say("products.nothing_to_compare"), state)  # "더 싼 건요?", "그중 제일 싼 거" with none shown
    query = u.slots.query or u.text
    lo, hi = u.slots.price_min, u.slots.price_max
    head = _head_noun(query)
    previous = state.last_product_query if shown else None
    narrowing = acts.cheaper or acts.pricier or lo is not None or hi is not None
    if previous and u.slots.query and not narrowing and not _names_product(env, head):
        variant = _variant(env, previous, u.slots.query, state)  # "2kg도 있어요?": an option of those
        if variant is not None:
            return variant
    if previous and (u.slots.query is None or (narrowing and not _names_product(env, head))):
        query, head = previous, _head_noun(previous)  # "더 싼 거", "3만원 밑으로는요?": the same search, narrowed
        if acts.cheaper and hi is None:
            hi = min(p[2] for p in shown) - 1
        if acts.pricier and lo is None:
            lo = max(p[2] for p in shown) + 1
    found = _relevant(head, env.tools.search_products(query, min_price=lo, max_price=hi))
    if found:
        return _product_outcome(say("products.found"), found, state, query)
    what = f"'{head}'" if head else "조건에 맞는"
    if lo is not None or hi is not None:
        wider = _relevant(head, env.tools.search_products(query)) if head else []
        if wider:  # the item exists, only not at that price: say so rather than show something else
            return _product_outcome(say("products.price_miss", price=_price_words(lo, hi), what=what), wider,
                                    state, query)
    return Outcome(say("products.none", what=what), state)


def price_question(env: Env, u: Understanding, state: DialogueState) -> Outcome | None:
    """"김치 얼마예요?": the catalogue's products whose title holds the thing named; None when
    none does (then it is not a product: "배송비 얼마예요?" is a policy question)."""
    for word in u.acts.nouns:
        found = _relevant(squash(word), env.tools.search_products(word))
        if found:
            return _product_outcome(say("products.found"), found, state, word)
    return None


def _names_product(env: Env, head: str | None) -> bool:
    return bool(head and env.finder.product_words((head,)))


# An option value said alone: a weight, volume or size ("2kg", "500ml", "270", "XL").
_OPTION_LIKE = re.compile(r"^(?:\d+(?:\.\d+)?\s*(?:kg|g|ml|l|mm|cm|인치|개입|매|구|호)?|xs|s|m|l|xl|xxl|free|프리)$",
                          re.IGNORECASE)


def _variant(env: Env, previous: str, wanted: str, state: DialogueState) -> Outcome | None:
    """Whether the products just found come in what the shopper names ("2kg도 있어요?");
    None when it is not an option of theirs nor looks like one (a new search, then)."""
    token = squash(wanted).lower()
    results = _relevant(_head_noun(previous), env.tools.search_products(previous))
    having = [r for r in results if token in squash(f"{r.title} {r.metadata.get('options', '')}").lower()]
    if having:
        return _product_outcome(say("products.variant_yes", what=wanted), having, state, previous)
    if _OPTION_LIKE.match(token):
        return Outcome(say("products.variant_no", what=wanted), state)
    return None


def _head_noun(query: str) -> str | None:
    """The noun a product query is about: the last one ("무선 이어폰" → 이어폰)."""
    nouns = content_nouns(query, min_len=1, generic=noun_lexicon().product_generic)
    return nouns[-1][0][0] if nouns else None


def _relevant(head: str | None, results: list[Any]) -> list[Any]:
    if head is None:
        return results
    return [r for r in results if head in squash(" ".join([r.title, str(r.metadata.get("category", "")),
                                                          str(r.metadata.get("options", ""))]))]


def _product_outcome(heading: str, results: list[Any], state: DialogueState, query: str) -> Outcome:
    lines = [f"{n}. {r.title} · {R.won(r.metadata.get('price', 0))}" for n, r in enumerate(results, 1)]
    shown = tuple((str(r.metadata.get("product_id") or r.doc_id), r.title, int(r.metadata.get("price") or 0))
                  for r in results)
    return Outcome("\n".join([heading, *lines]), replace(state, last_products=shown, last_product_query=query),
                   cards=[R.product_card(r) for r in results])


def _price_words(lo: int | None, hi: int | None) -> str:
    if lo is not None and hi is not None:
        return f"{R.won(lo)}~{R.won(hi)}"
    return f"{R.won(lo)} 이상" if lo is not None else f"{R.won(hi or 0)} 이하"


# -- small talk ----------------------------------------------------------------

def small_talk(u: Understanding, state: DialogueState) -> Outcome | None:
    acts = u.acts
    if acts.identity:
        return Outcome(say("smalltalk.identity", capabilities=capabilities()), state)
    if acts.capabilities:
        return Outcome(say("smalltalk.capabilities", capabilities=capabilities()), state)
    if acts.apology and not acts.request and not acts.question:
        return Outcome(say("smalltalk.apology"), state)
    if acts.thanks or acts.bye:
        return Outcome(say("smalltalk.bye" if acts.bye else "smalltalk.thanks"), state)
    if acts.greeting:
        return Outcome(say("smalltalk.greeting", capabilities=capabilities()), state)
    return None
