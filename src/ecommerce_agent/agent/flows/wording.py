"""What the write tasks say: the confirmation question (exactly what will be done,
with the refund estimate) and the done message (from the data of the order:
paid or not, how it was paid, what is left of it)."""

from __future__ import annotations

from ...domain.orders import ItemStatus, Order, PaymentMethod
from ...storage.base import ActionApplied
from .. import replies as R
from ..state import Frame
from ..templates import say


def items_text(frame: Frame, order: Order, *, particle: str = "") -> str:
    if not frame.items:
        return ""
    names = []
    for item_id, quantity in frame.items:
        item = order.item(item_id)
        if item is not None:
            names.append(f"{item.title}({item.option}) {quantity}개")
    return f" 중 {', '.join(names)}" if not particle else ", ".join(names)


def _eul(before: str) -> str:
    """The object particle after ``before`` ("주문을", "2개를")."""
    return R.josa(before or "주문", "을/를")[len(before or "주문"):]


def confirm_question(frame: Frame, order: Order | None, estimate: object | None = None) -> str:
    """What the agent asks before a write: exactly what it will do, and '네'/'아니요'."""
    items = items_text(frame, order) if order is not None else ""
    hint = " " + say("confirm.partial_hint") if order is not None and not frame.items and len(
        [i for i in order.items if i.status is ItemStatus.ORDERED]) > 1 and frame.task != "change_address" else ""
    note = ""
    if estimate is not None and frame.task in ("cancel", "return") and (frame.items or frame.task == "cancel"):
        note = " " + estimate.describe() if frame.items else ""  # type: ignore[attr-defined]
    reason = f" (사유: {frame.reason})" if frame.reason else ""
    if frame.task == "cancel":
        return say("confirm.cancel", summary=frame.summary, items=items, estimate=note + hint,
                   eul=_eul(items))
    if frame.task == "change_address":
        return say("confirm.change_address", summary=frame.summary, address=frame.address,
                   ro=R.address_particle(frame.address))
    if frame.task == "return":
        fee = " " + say("confirm.return_fee_note") if not note else ""
        return say("confirm.return", summary=frame.summary, items=items, reason=reason, estimate=note + fee + hint)
    if frame.task == "exchange":
        option = f" 교환 옵션: {frame.option}." if frame.option else ""
        return say("confirm.exchange", summary=frame.summary, items=items, option=option, reason=reason + hint)
    remedy = {"refund": " 처리 방법: 환불.", "exchange": " 처리 방법: 교환."}.get(
        frame.remedy or "", " " + say("confirm.defect_remedy_hint"))
    return say("confirm.defect", summary=frame.summary, items=items, remedy=remedy, reason=reason + hint,
               eul=_eul(items))


def refund_key(order: Order) -> str:
    """The refund route of the order's payment method (a template and a rule source key)."""
    method = order.payment_method
    return method.value if method in (PaymentMethod.CARD, PaymentMethod.BANK_TRANSFER,
                                      PaymentMethod.VIRTUAL_ACCOUNT) else "easy_pay"


def refund_note(order: Order, amount: int | None = None) -> str:
    text = say(f"refund.{refund_key(order)}", method=order.payment_method.label)
    return (say("refund.amount", amount=R.won(amount)) + " " + text) if amount else text


def done_text(frame: Frame, before: Order, result: ActionApplied) -> str:
    items = items_text(frame, before, particle=",")
    whole = "" if not frame.items else f" 중 {items}"
    estimate = result.estimate
    if frame.task == "cancel":
        unpaid = before.status.value == "pending" or (estimate is not None and not estimate.paid)
        if frame.items and result.order.status.value != "cancelled":
            total = R.won(result.order.total_amount)
            if unpaid:
                return say("done.cancel_partial_unpaid", summary=frame.summary, items=items, total=total,
                           eul=_eul(items))
            return say("done.cancel_partial_paid", summary=frame.summary, items=items, total=total, eul=_eul(items),
                       refund=refund_note(before, estimate.refund_amount if estimate else None))
        if unpaid:
            return say("done.cancel_unpaid", summary=frame.summary, items=whole, eul=_eul(whole))
        return say("done.cancel_paid", summary=frame.summary, items=whole, eul=_eul(whole),
                   refund=refund_note(before, estimate.refund_amount if estimate else None))
    if frame.task == "change_address":
        return say("done.change_address", summary=frame.summary, address=frame.address,
                   ro=R.address_particle(frame.address))
    ticket = result.ticket.ticket_id if result.ticket else "-"
    if frame.task == "exchange":
        option = f" 교환 옵션은 {frame.option}입니다." if frame.option else ""
        return say("done.exchange", summary=frame.summary, items=whole, ticket=ticket, option=option)
    if frame.task == "defect":
        remedy = {"refund": " 확인되면 환불해 드립니다.", "exchange": " 확인되면 교환 상품을 보내 드립니다."}.get(
            frame.remedy or "", "")
        return say("done.defect", summary=frame.summary, items=whole, ticket=ticket, remedy=remedy, eul=_eul(whole))
    return say("done.return", summary=frame.summary, items=whole, ticket=ticket)


