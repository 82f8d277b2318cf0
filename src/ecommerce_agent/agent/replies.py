"""Formatting for replies: Korean particles, money and dates, order and ticket
lines, and the structured cards and citations that accompany a reply. The
wording itself is data (``data/agent/replies.yaml``, ``templates.say``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from ..domain.clock import KST, dispatch_day, kst_date
from ..domain.orders import ACTION_LABELS, Action, Order, OrderItem, OrderStatus, deposit_deadline
from ..domain.tickets import IssueType, Ticket
from .templates import say


# How each digit is read, for the particle after a number ("1로", "3으로").
_DIGIT_HAS_FINAL = {"0": True, "1": True, "2": False, "3": True, "4": False, "5": False, "6": True,
                    "7": True, "8": True, "9": False}
_DIGIT_FINAL_L = {"1", "7", "8"}  # 일, 칠, 팔 end in ㄹ


def _final(word: str) -> tuple[bool, bool] | None:
    """(has a final consonant, the final is ㄹ) of the last readable character."""
    for ch in reversed(word.strip()):
        if "가" <= ch <= "힣":
            jong = (ord(ch) - 0xAC00) % 28
            return jong != 0, jong == 8
        if ch.isdigit():
            return _DIGIT_HAS_FINAL[ch], ch in _DIGIT_FINAL_L
        if ch.isalpha():
            return None
    return None


def josa(word: str, pair: str) -> str:
    """``word`` with the particle that fits it: josa("주문 취소", "을/를") -> "주문 취소를".

    ``pair`` is one of 을/를, 은/는, 이/가, 과/와, 으로/로; a word whose ending
    cannot be read (Latin letters, symbols) gets both forms, "을(를)"."""
    with_final, without = pair.split("/")
    final = _final(word)
    if final is None:
        return f"{word}(으)로" if with_final == "으로" else f"{word}{with_final}({without})"
    has_final, is_l = final
    if with_final == "으로":
        return word + ("로" if not has_final or is_l else "으로")
    return word + (with_final if has_final else without)


def service_now(now: datetime, key: str = "handoff.now") -> str:
    """When a human will pick up a handoff made at ``now`` (KST weekday hours; public
    holidays are not known here, so they count as working days). ``key``: the wording
    group ("handoff.avail" when nothing was requested yet, only asked about)."""
    local = now.astimezone(KST)
    minutes = local.hour * 60 + local.minute
    if local.weekday() < 5 and 9 * 60 <= minutes < 18 * 60:
        return say(f"{key}_lunch" if 12 * 60 <= minutes < 13 * 60 else f"{key}_open")
    return say(f"{key}_closed")


def won(amount: int) -> str:
    return f"{amount:,}원"


def kdate(moment: datetime | None) -> str:
    if moment is None:
        return "-"
    local = moment.astimezone(KST)
    return f"{local.year}년 {local.month}월 {local.day}일"


WEEKDAYS = "월화수목금토일"


def kday(day: date) -> str:
    """"12월 7일(월)"."""
    return f"{day.month}월 {day.day}일({WEEKDAYS[day.weekday()]})"


def kst(moment: datetime) -> date:
    return moment.astimezone(KST).date()


def kdatetime(moment: datetime) -> str:
    local = moment.astimezone(KST)
    return f"{kdate(moment)} {local.hour:02d}:{local.minute:02d}"


# facts whose sentence already says where the order stands (no status sentence after them)
_SAYS_STATUS = frozenset({"paid", "deposit_deadline", "delivered_at", "no_tracking", "unpaid_yes", "unpaid_no"})


def order_facts(order: Order, asked: Sequence[str], items: Sequence[OrderItem] = ()) -> str:
    """What was asked about the order ("언제 샀더라", "몇 개", "뭘로 결제"), each answered
    from its data, then where it stands. ``items``: the items the question named."""
    unpaid = order.status is OrderStatus.PENDING
    cancelled = order.status is OrderStatus.CANCELLED
    named = {"order": order_summary(order), "status": order.status_label,
             "deadline": kdatetime(deposit_deadline(order.order_date)),
             "method": josa(order.payment_method.label, "으로/로"), "method_label": order.payment_method.label, "total": won(order.total_amount),
             "fee": won(order.shipping_fee), "date": kdate(order.order_date)}
    lines, status_said = [], False
    for fact in dict.fromkeys(asked):
        key = fact
        if fact == "payment" and unpaid:
            key = "payment_pending"
        elif fact == "amount" and unpaid:
            key = "amount_pending"
        elif fact == "delivered_at":
            key, named["date"] = ("delivered_at", kdate(order.delivered_at)) if order.delivered_at else \
                ("not_delivered", named["date"])
        elif fact == "tracking" and not order.tracking_number:
            key = "no_tracking"
        elif fact == "tracking":
            named.update(carrier=order.carrier or "", number=order.tracking_number)
        elif fact in ("paid", "unpaid", "deposit_deadline") and cancelled:
            key = "cancelled"
        elif fact == "paid" and unpaid:
            key = "unpaid"
        elif fact == "unpaid":  # asked the other way round: 네 when nothing was paid
            key = "unpaid_yes" if unpaid else "unpaid_no"
        elif fact == "deposit_deadline" and not unpaid:
            key = "deposit_done"
        elif fact in ("quantity", "items"):
            chosen = items or order.items
            named["items"] = ", ".join(f"{i.title}({i.option}) {i.quantity}개" for i in chosen)
        elif fact == "option":
            named["options"] = ", ".join(f"{i.title} '{i.option}'" for i in (items or order.items))
        elif fact == "ordered_at":
            named["date"] = kdate(order.order_date)
        lines.append(say(f"order_fact.{key}", **named))
        status_said = status_said or key in _SAYS_STATUS or key in ("unpaid", "cancelled")
    if not status_said:
        lines.append(say("order_fact.status_tail", status=order.status_label))
    return " ".join(lines)


def order_summary(order: Order) -> str:
    """"ORD-… (무선 이어폰 외 1건, 45,000원)"."""
    return f"{order.order_id} ({order.summary}, {won(order.total_amount)})"


def order_card(order: Order) -> dict[str, Any]:
    return {"type": "order", "order_id": order.order_id, "status": order.status.value,
            "status_label": order.status_label, "summary": order.summary,
            "total_amount": order.total_amount, "order_date": order.order_date.isoformat(),
            "tracking": ({"carrier": order.carrier, "tracking_number": order.tracking_number}
                         if order.carrier else None),
            "delivered_at": order.delivered_at.isoformat() if order.delivered_at else None}


ISSUE_LABELS = {IssueType.REFUND: "반품·환불", IssueType.EXCHANGE: "교환", IssueType.DEFECT: "불량·오배송",
                IssueType.SHIPPING: "배송", IssueType.INQUIRY: "일반 문의", IssueType.OTHER: "기타"}


def ticket_line(n: int, ticket: Ticket) -> str:
    return (f"{n}. {ticket.ticket_id} · {ISSUE_LABELS[ticket.issue_type]} · {ticket.status.label} "
            f"({kdate(ticket.created_at)} 접수)" + (f" · 주문 {ticket.order_id}" if ticket.order_id else ""))


def ticket_card(ticket: Ticket) -> dict[str, Any]:
    return {"type": "ticket", "ticket_id": ticket.ticket_id, "status": ticket.status.value,
            "status_label": ticket.status.label, "issue_type": ticket.issue_type.value,
            "order_id": ticket.order_id, "created_at": ticket.created_at.isoformat()}


def product_card(result: Any) -> dict[str, Any]:
    meta = result.metadata
    return {"type": "product", "product_id": meta.get("product_id") or result.doc_id, "title": result.title,
            "price": meta.get("price"), "category": meta.get("category"), "in_stock": meta.get("in_stock", True)}


def citation(result: Any) -> dict[str, Any]:
    return {"doc_id": result.doc_id, "title": result.title, "chunk_id": result.chunk_id,
            "section": (result.metadata.get("heading_path") or [result.title])[-1]
            if isinstance(result.metadata.get("heading_path"), list) else result.metadata.get("heading_path"),
            "score": round(float(result.score), 4)}


def order_line(n: int, order: Order) -> str:
    return (f"{n}. {order.order_id} · {order.summary} · {won(order.total_amount)} · "
            f"{order.status_label} ({kdate(order.order_date)} 주문)")


def order_list(orders: Sequence[Order], heading: str) -> str:
    return "\n".join([heading, *(order_line(n, o) for n, o in enumerate(orders, 1))])


def order_detail(order: Order) -> str:
    lines = [f"{order.order_id} 주문 정보입니다.",
             f"- 상태: {order.status_label}",
             f"- 주문일: {kdate(order.order_date)}",
             "- 상품: " + ", ".join(f"{i.title}({i.option}) {i.quantity}개" + (
                 f" [{i.status.label}]" if i.status.value != "ordered" else "") for i in order.items),
             f"- 결제: {won(order.total_amount)} (배송비 {won(order.shipping_fee)}, {order.payment_method.label})"]
    if order.carrier:
        lines.append(f"- 배송: {order.carrier} {order.tracking_number}")
    if order.delivered_at:
        lines.append(f"- 배송완료: {kdate(order.delivered_at)}")
    if order.cancelled_at:
        lines.append(f"- 취소일: {kdate(order.cancelled_at)}")
    return "\n".join(lines)


def order_status(order: Order, now: datetime | None = None) -> str:
    text = f"{order.order_id}({order.summary}) 주문은 현재 '{order.status_label}' 상태입니다."
    if order.carrier:
        text += f" {order.carrier} 운송장 번호는 {order.tracking_number}입니다."
    if order.delivered_at:
        text += f" {kdate(order.delivered_at)}에 배송이 완료되었습니다."
    elif order.status.value == "shipped":
        text += (" 보통 출고 후 1~3영업일 안에 도착합니다. 현재 위치는 마이페이지 > 주문/배송 조회의 [배송 조회]나"
                 " 알림톡으로 받으신 송장번호로 확인하실 수 있습니다.")
    elif order.status.value in ("paid", "preparing"):
        text += " " + dispatch_expected(order, now)
    elif order.status.value == "pending":  # "어디쯤 왔어요?" of an unpaid order: it has not left, and why
        text += " " + say("status.unpaid", deadline=kdatetime(deposit_deadline(order.order_date)))
    return text


def dispatch_expected(order: Order, now: datetime | None, group: str = "status.dispatch") -> str:
    """When a paid order leaves the warehouse, from the day it was paid (card and easy-pay
    orders are paid when placed; a deposit's time is not known, so the rule is said).
    ``group``: the wording ("dispatch_of" for a line of a list)."""
    when = dispatch_when(order, now)
    if when is None:
        return say(f"{group}_rule")
    return say(f"{group}_{when}", day=kday(dispatch_day(order.order_date)), paid=kday(kst(order.order_date)))


def dispatch_when(order: Order, now: datetime | None) -> str | None:
    """"late", "today" or "later": a paid order's dispatch day against today; None when the
    time it was paid is not known (a deposit) or there is no clock."""
    if now is None or order.payment_method.value == "virtual_account":
        return None
    day, today = dispatch_day(order.order_date), kst_date(now)
    return "late" if day < today else "today" if day == today else "later"


def action_label(action: Action) -> str:
    return ACTION_LABELS[action]


def address_particle(address: str | None) -> str:
    """"로" or "으로" after a quoted address ('…202호'로, '…1'로)."""
    return josa(address or "", "으로/로")[len(address or ""):]
