"""Orders: a customer reaches only their own (others are 404); staff reach all."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse

from ...domain.claims import INVALID_REQUEST_REASONS, plan_order_action
from ...domain.clock import utcnow
from ...domain.orders import Action, Denied, Order, OrderStatus
from ...domain.users import User
from ...errors import NotFoundError
from ...storage.base import Repository
from ..audit import require_audit, require_reason, staff_audit
from ..deps import ConsoleDep, CurrentUser, RepoDep, resolve_owner
from ..idempotency import run_idempotent
from ..masking import mask_pii
from ..problems import problem
from ..roles import Access, Permission, authorize
from ..schemas import (
    CancelIn, EstimateIn, ExchangeOptionsOut, OptionOut, OrderOut, OrdersOut, OrderStatusOut, RefundEstimateOut,
)

router = APIRouter(tags=["orders"])
OrderId = Annotated[str, Path(min_length=1, max_length=40, description="예: ORD-20261126-0001")]


def owned_order(repo: Repository, user: User, order_id: str) -> Order:
    order = repo.get_order(order_id.strip().upper())
    missing = f"주문 {order_id}을(를) 찾을 수 없습니다."
    if order is None:
        raise NotFoundError(missing)
    authorize(user, Permission.READ, order.user_id, not_found=missing)
    return order


@router.get("/users/{user_id}/orders", response_model=OrdersOut)
def list_orders(user_id: str, user: CurrentUser, repo: RepoDep,
                status: OrderStatus | None = None,
                limit: Annotated[int, Query(ge=1, le=100)] = 20) -> OrdersOut:
    """`user_id` may be `me`."""
    owner = resolve_owner(user, user_id, repo)
    orders = repo.list_orders(owner, status=status, limit=limit)
    return OrdersOut(orders=[OrderOut.of(o) for o in orders], count=len(orders))


@router.get("/orders/{order_id}", response_model=OrderOut)
def get_order(order_id: OrderId, user: CurrentUser, repo: RepoDep) -> OrderOut:
    return OrderOut.of(owned_order(repo, user, order_id))


@router.get("/orders/{order_id}/status", response_model=OrderStatusOut)
def get_order_status(order_id: OrderId, user: CurrentUser, repo: RepoDep) -> OrderStatusOut:
    return OrderStatusOut.of(owned_order(repo, user, order_id))


def denied_problem(denied: Denied, title: str) -> JSONResponse:
    """409 when the order's state forbids the action; 422 when the request itself is
    wrong (an unknown item, a bad quantity, an option the product lacks): the
    Korean ``detail`` names the item either way."""
    status = 422 if denied.reason in INVALID_REQUEST_REASONS else 409
    return problem(status, denied.message, code=denied.reason, title=title)


@router.post("/orders/{order_id}/cancel", response_model=OrderOut)
async def cancel_order(order_id: OrderId, body: CancelIn, request: Request, user: CurrentUser,
                       repo: RepoDep, console: ConsoleDep) -> JSONResponse:
    """출고 전(결제대기·결제완료·상품준비중) 주문을 취소합니다. `items`를 주면 그 상품(과 수량)만 부분 취소하고,
    주문은 남은 상품으로 유지되며 금액이 줄어듭니다(무료배송 기준 30,000원 미만이 되면 배송비 3,000원 차감).
    응답의 `refund_estimate`에 환불 예상 금액이 있습니다. 상태상 불가하면 409, 상품 지정이 잘못되면 422
    (어느 상품인지 한국어로 안내). 사유의 개인정보는 마스킹되어 저장됩니다. `Idempotency-Key`를 지원합니다.
    상담원이 고객의 주문을 취소할 때는 `reason`이 필수이며(없으면 422) 감사 기록(`GET /console/audit`)에 남습니다."""

    def cancel() -> tuple[int, object]:
        order = owned_order(repo, user, order_id)
        access = authorize(user, Permission.ORDER_WRITE, order.user_id)
        if access is Access.AUDITED:
            require_reason("reason" in body.model_fields_set)
            require_audit(console)
        lines = [i.line() for i in body.items] if body.items else None
        reason = mask_pii(body.reason)
        outcome = repo.apply_order_action(order.order_id, Action.CANCEL, now=utcnow(), reason=reason, lines=lines)
        if access is Access.AUDITED:
            staff_audit(console, user, "order.cancel", order.user_id, f"order:{order.order_id}", reason,
                        outcome.reason if isinstance(outcome, Denied) else "ok")
        if isinstance(outcome, Denied):
            refused = denied_problem(outcome, "주문을 취소할 수 없습니다")
            return refused.status_code, refused
        return 200, OrderOut.of(outcome.order, outcome.estimate)

    return await run_idempotent(request, user.user_id, cancel)


@router.post("/orders/{order_id}/refund-estimate", response_model=RefundEstimateOut)
def refund_estimate(order_id: OrderId, body: EstimateIn, user: CurrentUser, repo: RepoDep) -> JSONResponse:
    """취소·반품·교환·불량 신청 전에 환불 예상 금액을 계산합니다(아무것도 바꾸지 않습니다).
    `items`를 생략하면 남은 상품 전체가 대상입니다. 불가하면 409/422 문제 상세로 이유를 안내합니다."""
    order = owned_order(repo, user, order_id)
    plan = plan_order_action(order, body.action, utcnow(),
                             lines=[i.line() for i in body.items] if body.items else None,
                             replacement_option=body.replacement_option, options=repo.list_product_options)
    if isinstance(plan, Denied):
        return denied_problem(plan, "신청할 수 없습니다")
    return JSONResponse(RefundEstimateOut.of(plan.estimate).model_dump(mode="json"))  # type: ignore[union-attr]


@router.get("/orders/{order_id}/items/{item_id}/options", response_model=ExchangeOptionsOut)
def exchange_options(order_id: OrderId, item_id: Annotated[str, Path(min_length=1, max_length=40)],
                     user: CurrentUser, repo: RepoDep) -> ExchangeOptionsOut:
    """주문 상품을 교환할 수 있는 옵션(같은 상품의 다른 옵션)과 재고를 보여 줍니다."""
    order = owned_order(repo, user, order_id)
    item = order.item(item_id)
    if item is None:
        raise NotFoundError(f"주문 {order.order_id}에 상품 {item_id}이(가) 없습니다.")
    options = repo.list_product_options(item.product_id)
    return ExchangeOptionsOut(
        item_id=item.item_id, product_id=item.product_id, title=item.title, current_option=item.option,
        options=[OptionOut(option=o.option, stock=o.stock, in_stock=o.in_stock, current=o.option == item.option)
                 for o in options])
