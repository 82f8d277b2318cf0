"""Claims and cancellations per item, and their refund estimates (pure, no I/O).

A claim or cancellation names order items with quantities (``ClaimLine``);
``lines=None`` means every item still in the order (the whole order, as before
items had statuses). ``plan_order_action`` checks the order-level status matrix
and claim windows (``orders.decide``), then each line (item known, quantity,
item status, exchange option), and returns the order as it will be afterwards
plus the refund estimate, or a ``Denied`` naming the offending item.

The numbers come from the policy documents (data/policies/):

- shipping-fee.md: base fee 3,000원, free from 30,000원 of items; 제주 +3,000원,
  other remote islands +5,000원 (also on free-shipping orders).
- partial-cancellation.md: before dispatch (결제대기, 결제완료, 상품준비중) some items
  can be cancelled; no fee, but if a free-shipping order's remaining items fall
  below 30,000원 the base fee 3,000원 is deducted from the refund. An unpaid
  (결제대기) order just owes less; nothing is refunded.
- return-shipping-fee.md / refund-policy.md: a change-of-mind return costs the
  shopper 6,000원 (round trip) if the order had free shipping, else 3,000원 (the
  outbound fee was already paid), plus the region's extra one way; it is deducted
  from the refund, and a shortfall is paid separately. Defects and wrong items
  cost nothing: the item amount is refunded, and the shipping fee too when the
  whole order goes back ("결제 금액 전액").
- exchange-policy.md: an exchange is another option of the same product (a
  different product is a return plus a new order), in stock; change of mind
  costs the round trip 6,000원 plus the region's extra both ways, paid by the
  shopper; nothing is refunded.
- Coupons and points: orders here record neither, so the estimate carries none;
  the policy's rules (coupon restored, points returned as points) are in
  ``RefundEstimate.notes``.

Reading choices where the documents are silent: a partial return is charged the
same return fee as a whole one (the documents name no other), and a partial
return does not re-check the free-shipping threshold (only cancellation does).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from .orders import (
    Action, Allowed, Denied, ItemStatus, Order, OrderItem, OrderStatus, decide, derive_order_status,
    item_id_for,
)

FREE_SHIPPING_THRESHOLD = 30_000
BASE_SHIPPING_FEE = 3_000
JEJU_EXTRA_FEE = 3_000
REMOTE_EXTRA_FEE = 5_000
RETURN_FEE_FREE_SHIPPING = 6_000  # round trip: the shop paid the outbound leg
RETURN_FEE_PAID_SHIPPING = 3_000  # one way: the shopper paid the outbound leg
EXCHANGE_FEE = 6_000  # round trip, change of mind
# Remote islands (도서산간) recognisable in an address; 제주 is checked first.
REMOTE_AREAS = ("울릉", "백령", "연평", "대청면", "흑산", "홍도", "거문", "욕지", "비금", "도초")

ITEM_STATUS_AFTER: dict[Action, ItemStatus] = {
    Action.CANCEL: ItemStatus.CANCELLED,
    Action.RETURN: ItemStatus.RETURN_REQUESTED,
    Action.DEFECT: ItemStatus.RETURN_REQUESTED,
    Action.EXCHANGE: ItemStatus.EXCHANGE_REQUESTED,
}

# Denial reasons that are about the request itself (an API answers 422), not the order's state.
INVALID_REQUEST_REASONS = frozenset({
    "unknown_item", "duplicate_item", "invalid_quantity", "no_items", "items_not_applicable",
    "unknown_option", "same_option", "mixed_products",
})

_NO_OPTION = "단일 옵션"


@dataclass(frozen=True, slots=True)
class ClaimLine:
    """One item of a claim: its id (``ORD-…-N``) and how many units (None: all of them)."""

    item_id: str
    quantity: int | None = None


@dataclass(frozen=True, slots=True)
class ProductOption:
    """One orderable option of a product (e.g. '색상: 화이트 / 사이즈: M') and its stock."""

    product_id: str
    option: str
    stock: int

    @property
    def in_stock(self) -> bool:
        return self.stock > 0


@dataclass(frozen=True, slots=True)
class RefundEstimate:
    """What an action costs or returns, in 원 (see the module docstring for the rules)."""

    action: Action
    items_amount: int  # price x quantity of the items the action covers
    refund_amount: int  # returned to the shopper's payment (0 for an unpaid order or an exchange)
    shipping_fee_refund: int = 0  # the order's shipping fee, returned (whole cancellation, whole defect return)
    shipping_fee_added: int = 0  # base fee the rest of the order now owes (free-shipping threshold lost)
    return_shipping_fee: int = 0  # change-of-mind return or exchange shipping borne by the shopper
    extra_payment: int = 0  # what the shopper pays separately (deductions above the refund; exchange fee)
    new_total_amount: int = 0  # the order's amount afterwards (what is or will be paid for it)
    paid: bool = True  # False: the order was unpaid (결제대기); it now owes new_total_amount
    notes: tuple[str, ...] = ()

    def describe(self) -> str:
        """One Korean sentence for the shopper."""
        won = _won
        if self.action is Action.EXCHANGE:
            if self.extra_payment:
                return f"교환 배송비 {won(self.extra_payment)}(왕복)은 고객님 부담입니다."
            return "불량·오배송 교환이라 배송비는 저희 쇼핑몰이 부담합니다."
        if not self.paid:
            return (f"취소 후 입금하실 금액은 {won(self.new_total_amount)}입니다"
                    f"{f' (배송비 {won(self.shipping_fee_added)} 포함)' if self.shipping_fee_added else ''}.")
        parts = [f"상품 금액 {won(self.items_amount)}"]
        if self.shipping_fee_refund:
            parts.append(f"+ 배송비 {won(self.shipping_fee_refund)}")
        if self.shipping_fee_added:
            parts.append(f"− 배송비 {won(self.shipping_fee_added)}(무료배송 기준 미달)")
        if self.return_shipping_fee:
            parts.append(f"− 반품 배송비 {won(self.return_shipping_fee)}")
        text = f"예상 환불 금액은 {won(self.refund_amount)}입니다 ({' '.join(parts)})."
        if self.extra_payment:
            text += f" 차감할 금액이 환불 금액보다 커서 {won(self.extra_payment)}을 따로 결제해 주셔야 합니다."
        return text


@dataclass(frozen=True, slots=True)
class ActionPlan:
    """An allowed action, worked out: the order afterwards, the covered items."""

    action: Action
    order: Order  # the order as it will be stored (items, status, amounts)
    claimed: tuple[OrderItem, ...]  # the items (after any split) the action covers, with their new status
    estimate: RefundEstimate | None
    replacement_option: str | None = None
    whole_order: bool = True  # the action covered every item still in the order
    new_items: tuple[OrderItem, ...] = field(default=())  # lines created by splitting a quantity


def _won(amount: int) -> str:
    return f"{amount:,}원"


def regional_extra_fee(address: str) -> int:
    """The 제주 / 도서산간 extra of one shipping leg to ``address``."""
    text = address.strip()
    if text.startswith("제주"):
        return JEJU_EXTRA_FEE
    return REMOTE_EXTRA_FEE if any(area in text for area in REMOTE_AREAS) else 0


def base_shipping_fee(order: Order) -> int:
    """The order's shipping fee without the regional extra (0: free shipping)."""
    return max(0, order.shipping_fee - regional_extra_fee(order.shipping_address))


def option_parts(option: str) -> dict[str, str]:
    """'색상: 블랙 / 사이즈: M' -> {'색상': '블랙', '사이즈': 'M'}; '단일 옵션' -> {}."""
    parts: dict[str, str] = {}
    for piece in option.split("/"):
        name, sep, value = piece.partition(":")
        if sep and name.strip() and value.strip():
            parts[name.strip()] = value.strip()
    return parts


def option_combinations(options: Mapping[str, Sequence[str]]) -> list[str]:
    """Every option text of a product's option sets, in catalogue order
    ({'색상': ['블랙', '화이트']} -> ['색상: 블랙', '색상: 화이트']; none -> ['단일 옵션'])."""
    if not options:
        return [_NO_OPTION]
    names = list(options)
    return [" / ".join(f"{n}: {v}" for n, v in zip(names, values, strict=True))
            for values in itertools.product(*(options[n] for n in names))]


def resolve_option(current: str, requested: str, options: Iterable[ProductOption]) -> ProductOption | None:
    """The product option ``requested`` names: its exact text, or values that replace
    those of ``current`` ('화이트' for '색상: 블랙' -> '색상: 화이트'; 'M' for
    '색상: 네이비 / 사이즈: S' -> '색상: 네이비 / 사이즈: M'). None when nothing matches
    or the words fit several options."""
    known = list(options)
    wanted = requested.strip()
    exact = [o for o in known if _squash(o.option) == _squash(wanted)]
    if exact:
        return exact[0]
    base = option_parts(current)
    asked = option_parts(wanted)
    if not asked:  # bare values: '화이트', '아이보리 M'
        values = {v for o in known for v in option_parts(o.option).values()}
        words = [w for w in wanted.replace(",", " ").replace("/", " ").split() if w]
        if not words or any(w not in values for w in words):
            return None
        for word in words:
            name = next((n for o in known for n, v in option_parts(o.option).items() if v == word), None)
            if name is not None:
                asked[name] = word
    target = {**base, **asked}
    found = [o for o in known if option_parts(o.option) == target]
    return found[0] if len(found) == 1 else None


def _squash(text: str) -> str:
    return "".join(text.split())


def estimate_refund(order: Order, action: Action, claimed: Sequence[OrderItem],
                    remaining: Sequence[OrderItem]) -> RefundEstimate | None:
    """The estimate of ``action`` on ``claimed`` items of ``order`` (as it was before),
    ``remaining`` being the items still in the order afterwards (not cancelled, not
    claimed). None for an address change."""
    if action is Action.CHANGE_ADDRESS:
        return None
    items_amount = sum(i.subtotal for i in claimed)
    regional = regional_extra_fee(order.shipping_address)
    base = base_shipping_fee(order)
    notes = ("쿠폰은 유효기간이 남아 있으면 복원되고, 사용하신 적립금은 포인트로 돌려드립니다.",)
    if action is Action.CANCEL:
        paid = order.status is not OrderStatus.PENDING
        if not remaining:  # the whole (rest of the) order: everything paid comes back
            return RefundEstimate(action, items_amount, order.total_amount if paid else 0,
                                  shipping_fee_refund=order.shipping_fee, new_total_amount=0,
                                  paid=paid, notes=notes)
        remaining_amount = sum(i.subtotal for i in remaining)
        added = BASE_SHIPPING_FEE if base == 0 and remaining_amount < FREE_SHIPPING_THRESHOLD else 0
        net = items_amount - added
        new_total = remaining_amount + order.shipping_fee + added
        if not paid:
            return RefundEstimate(action, items_amount, 0, shipping_fee_added=added,
                                  new_total_amount=new_total, paid=False, notes=notes)
        return RefundEstimate(action, items_amount, max(net, 0), shipping_fee_added=added,
                              extra_payment=max(-net, 0), new_total_amount=new_total, notes=notes)
    if action is Action.EXCHANGE:
        fee = EXCHANGE_FEE + 2 * regional
        return RefundEstimate(action, items_amount, 0, return_shipping_fee=fee, extra_payment=fee,
                              new_total_amount=order.total_amount, notes=())
    if action is Action.DEFECT:
        shipping = order.shipping_fee if not remaining else 0
        return RefundEstimate(action, items_amount, items_amount + shipping, shipping_fee_refund=shipping,
                              new_total_amount=order.total_amount, notes=notes)
    fee = (RETURN_FEE_FREE_SHIPPING if base == 0 else RETURN_FEE_PAID_SHIPPING) + regional
    net = items_amount - fee
    return RefundEstimate(action, items_amount, max(net, 0), return_shipping_fee=fee,
                          extra_payment=max(-net, 0), new_total_amount=order.total_amount, notes=notes)


OptionSource = Iterable[ProductOption] | Callable[[str], Iterable[ProductOption]]


def plan_order_action(order: Order, action: Action, now: datetime, *,
                      lines: Sequence[ClaimLine] | None = None, replacement_option: str | None = None,
                      options: OptionSource | None = None, reason: str | None = None,
                      new_address: str | None = None) -> ActionPlan | Denied:
    """Check and work out ``action`` on ``order`` (see the module docstring).
    ``options`` (needed to check an exchange's ``replacement_option``) are the
    options of the claimed item's product, or a function giving a product id's
    options (e.g. ``repo.list_product_options``: it is asked for the claimed
    item's product only); ``reason`` is recorded on the covered items."""
    decision = decide(order, action, now)
    if isinstance(decision, Denied):
        return decision
    if action is Action.CHANGE_ADDRESS:
        if lines:
            return Denied(action, "items_not_applicable", "배송지 변경은 주문 전체에 적용되며 상품을 고를 수 없습니다.")
        if not (new_address and new_address.strip()):
            raise ValueError("change_address needs new_address")
        return ActionPlan(action, _with(order, decision, now, shipping_address=new_address.strip()),
                          (), None)
    open_items = [i for i in order.items if i.status is ItemStatus.ORDERED]
    chosen = _choose(order, action, lines, open_items)
    if isinstance(chosen, Denied):
        return chosen
    picked = chosen
    resolved: str | None = None
    if action is Action.EXCHANGE and replacement_option is not None:
        checked = _check_replacement(action, picked, replacement_option, options)
        if isinstance(checked, Denied):
            return checked
        resolved = checked
    new_status = ITEM_STATUS_AFTER[action]
    taken = {item.item_id: qty for item, qty in picked}
    next_line = max((i.line_no or 0 for i in order.items), default=0) + 1
    items: list[OrderItem] = []
    claimed: list[OrderItem] = []
    created: list[OrderItem] = []
    for item in order.items:
        qty = taken.get(item.item_id)
        if qty is None:
            items.append(item)
        elif qty == item.quantity:
            changed = replace(item, status=new_status, reason=reason)
            items.append(changed)
            claimed.append(changed)
        else:  # split: the original line keeps the rest, a new line holds the claimed units
            items.append(replace(item, quantity=item.quantity - qty))
            split = replace(item, item_id=item_id_for(order.order_id, next_line), quantity=qty,
                            status=new_status, reason=reason)
            next_line += 1
            claimed.append(split)
            created.append(split)
    items.extend(created)
    remaining = [i for i in items if i.status is ItemStatus.ORDERED]
    estimate = estimate_refund(order, action, claimed, remaining)
    status = derive_order_status(order.status, items)
    changes: dict[str, object] = {}
    if action is Action.CANCEL:
        assert estimate is not None
        if status is OrderStatus.CANCELLED:
            changes.update(cancelled_at=now, cancel_reason=reason)
        else:
            changes.update(total_amount=estimate.new_total_amount,
                           shipping_fee=order.shipping_fee + estimate.shipping_fee_added)
    after = replace(order, items=tuple(items), status=status, updated_at=now, **changes)  # type: ignore[arg-type]
    return ActionPlan(action, after, tuple(claimed), estimate, resolved,
                      whole_order=not remaining, new_items=tuple(created))


def _with(order: Order, decision: Allowed, now: datetime, **changes: object) -> Order:
    status = decision.new_status or order.status
    return replace(order, status=status, updated_at=now, **changes)  # type: ignore[arg-type]


def _choose(order: Order, action: Action, lines: Sequence[ClaimLine] | None,
            open_items: list[OrderItem]) -> list[tuple[OrderItem, int]] | Denied:
    if lines is None:
        if not open_items:
            return Denied(action, "nothing_to_claim",
                          "이 주문에는 더 이상 신청할 수 있는 상품이 없습니다. 이미 모든 상품이 취소되었거나 "
                          "반품·교환이 접수되어 있습니다.")
        return [(i, i.quantity) for i in open_items]
    if not lines:
        return Denied(action, "no_items", "신청할 상품을 하나 이상 골라 주세요.")
    picked: list[tuple[OrderItem, int]] = []
    seen: set[str] = set()
    for line in lines:
        item = order.item(line.item_id)
        if item is None:
            return Denied(action, "unknown_item", f"주문 {order.order_id}에 상품 {line.item_id}이(가) 없습니다.")
        if item.item_id in seen:
            return Denied(action, "duplicate_item", f"'{item.title}'({item.item_id})이(가) 두 번 지정되었습니다.")
        seen.add(item.item_id)
        if item.status is not ItemStatus.ORDERED:
            return Denied(action, f"item_{item.status.value}", _item_state_message(item))
        qty = item.quantity if line.quantity is None else line.quantity
        if not 1 <= qty <= item.quantity:
            return Denied(action, "invalid_quantity",
                          f"'{item.title}'({item.item_id})은(는) {item.quantity}개 주문하셨습니다. "
                          f"1개부터 {item.quantity}개까지 지정해 주세요.")
        picked.append((item, qty))
    return picked


def _item_state_message(item: OrderItem) -> str:
    what = {
        ItemStatus.CANCELLED: "이미 취소된 상품입니다.",
        ItemStatus.RETURN_REQUESTED: "이미 반품이 접수된 상품입니다. 반품 진행 상황을 확인해 주세요.",
        ItemStatus.RETURNED: "이미 반품이 완료된 상품입니다.",
        ItemStatus.EXCHANGE_REQUESTED: "이미 교환이 접수된 상품입니다. 교환 진행 상황을 확인해 주세요.",
    }[item.status]
    return f"'{item.title}'({item.item_id}): {what}"


def _check_replacement(action: Action, picked: list[tuple[OrderItem, int]], requested: str,
                       options: OptionSource | None) -> str | Denied:
    products = {item.product_id for item, _ in picked}
    first = picked[0][0]
    if len(products) > 1:
        return Denied(action, "mixed_products",
                      "교환할 옵션은 상품마다 따로 정해 주세요. 다른 상품은 한 번에 하나씩 교환을 신청해 주세요.")
    source = options(first.product_id) if callable(options) else options
    known = [o for o in (source or ()) if o.product_id == first.product_id]
    found = resolve_option(first.option, requested, known)
    if found is None:
        return Denied(action, "unknown_option",
                      f"'{first.title}'에는 '{requested}' 옵션이 없습니다. 교환은 같은 상품의 다른 옵션으로만 가능하며, "
                      "다른 상품을 원하시면 반품 후 새로 주문해 주세요."
                      + (f" 선택 가능한 옵션: {', '.join(o.option for o in known if o.in_stock)}" if known else ""))
    if _squash(found.option) == _squash(first.option):
        return Denied(action, "same_option",
                      f"'{first.title}'은(는) 이미 '{first.option}' 옵션입니다. 다른 옵션을 골라 주세요. "
                      "같은 옵션의 새 상품이 필요하시면 불량 교환으로 접수해 드립니다.")
    needed = sum(qty for _, qty in picked)
    if found.stock < needed:
        return Denied(action, "option_sold_out",
                      f"'{first.title}'의 '{found.option}' 옵션은 품절되어 교환할 수 없습니다. "
                      "교환 대신 반품 후 환불을 신청하실 수 있습니다.")
    return found.option


_ESTIMATE_FIELDS = ("items_amount", "refund_amount", "shipping_fee_refund", "shipping_fee_added",
                    "return_shipping_fee", "extra_payment", "new_total_amount")


def estimate_to_dict(estimate: RefundEstimate) -> dict[str, object]:
    """The stored (JSON) form of an estimate."""
    data: dict[str, object] = {k: getattr(estimate, k) for k in _ESTIMATE_FIELDS}
    data.update(action=estimate.action.value, paid=estimate.paid, notes=list(estimate.notes))
    return data


def estimate_from_dict(data: Mapping[str, object]) -> RefundEstimate:
    values = {k: int(data.get(k) or 0) for k in _ESTIMATE_FIELDS}  # type: ignore[call-overload]
    return RefundEstimate(action=Action(str(data["action"])), paid=bool(data.get("paid", True)),
                          notes=tuple(str(n) for n in data.get("notes") or ()), **values)  # type: ignore[union-attr]
