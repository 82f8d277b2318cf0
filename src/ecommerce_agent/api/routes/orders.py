"""Orders: a customer reaches only their own (others are 404); staff reach all."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse

from ...domain.clock import utcnow
from ...domain.orders import Action, Denied, Order, OrderStatus
from ...domain.users import User
from ...errors import NotFoundError
from ...storage.base import Repository
from ..deps import CurrentUser, RepoDep, resolve_owner
from ..idempotency import run_idempotent
from ..problems import problem
from ..schemas import CancelIn, OrderOut, OrdersOut, OrderStatusOut

router = APIRouter(tags=["orders"])
OrderId = Annotated[str, Path(min_length=1, max_length=40, description="예: ORD-20261126-0001")]


def owned_order(repo: Repository, user: User, order_id: str) -> Order:
    order = repo.get_order(order_id.strip().upper())
    if order is None or not user.can_read(order.user_id):
        raise NotFoundError(f"주문 {order_id}을(를) 찾을 수 없습니다.")
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


@router.post("/orders/{order_id}/cancel", response_model=OrderOut)
async def cancel_order(order_id: OrderId, body: CancelIn, request: Request, user: CurrentUser,
                       repo: RepoDep) -> JSONResponse:
    """Cancel before dispatch; 409 with the Korean reason when the status forbids it.
    Honours `Idempotency-Key`."""

    def cancel() -> tuple[int, object]:
        order = owned_order(repo, user, order_id)
        outcome = repo.apply_order_action(order.order_id, Action.CANCEL, now=utcnow(), reason=body.reason)
        if isinstance(outcome, Denied):
            return 409, problem(409, outcome.message, code=outcome.reason, title="주문을 취소할 수 없습니다")
        return 200, OrderOut.of(outcome.order)

    return await run_idempotent(request, user.user_id, cancel)
