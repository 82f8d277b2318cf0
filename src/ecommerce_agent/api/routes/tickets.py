"""Customer-service tickets."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse

from ...domain.clock import utcnow
from ...domain.orders import Action, Denied
from ...domain.tickets import ISSUE_CLAIM, IssueType, Ticket, TicketSource, TicketStatus
from ...domain.users import User
from ...errors import NotFoundError
from ...storage.base import NewTicket, Repository
from ..deps import ConsoleDep, CurrentUser, RepoDep, resolve_owner
from ..idempotency import run_idempotent
from ..masking import mask_pii
from ..problems import problem
from ..roles import Permission, authorize
from ..schemas import ResolveIn, TicketIn, TicketOut, TicketsOut
from .orders import denied_problem

# Ticket types that are claims on order items when the request names items.
CLAIM_ACTIONS = {issue: Action(kind) for issue, kind in ISSUE_CLAIM.items()}

router = APIRouter(tags=["tickets"])
TicketId = Annotated[str, Path(min_length=1, max_length=40, description="예: TKT-20261126-7F3K2Q")]


def owned_ticket(repo: Repository, user: User, ticket_id: str) -> Ticket:
    ticket = repo.get_ticket(ticket_id.strip().upper())
    missing = f"문의 {ticket_id}을(를) 찾을 수 없습니다."
    if ticket is None:
        raise NotFoundError(missing)
    authorize(user, Permission.READ, ticket.user_id, not_found=missing)
    return ticket


@router.post("/tickets", status_code=201, response_model=TicketOut)
async def create_ticket(body: TicketIn, request: Request, user: CurrentUser, repo: RepoDep) -> JSONResponse:
    """문의를 접수합니다. 주문(order_id)은 본인 주문이어야 합니다(다른 고객의 주문은 404).
    반품(refund)·교환(exchange)·불량(defect)에 `items`를 주면 상품별 신청으로 처리합니다: 주문 상태와 신청 기간
    (단순 변심 수령 후 7일, 불량·오배송 3개월)을 확인하고, 그 상품의 상태를 반품접수·교환접수로 바꾸며, 환불 예상을
    문의에 기록합니다. 교환은 `replacement_option`(같은 상품의 재고 있는 다른 옵션)이 필요합니다. 불가하면 409,
    요청이 잘못되면 422(어느 상품인지 안내). 내용과 사유의 개인정보는 마스킹되어 저장됩니다.
    `Idempotency-Key`를 지원합니다."""

    def create() -> tuple[int, object]:
        # The repository refuses (404) an order that is not the caller's own.
        order_id = body.order_id.strip().upper() if body.order_id else None
        new = NewTicket(user_id=user.user_id, issue_type=body.issue_type, description=mask_pii(body.description) or "",
                        order_id=order_id, priority=body.priority, source=TicketSource.API,
                        reason=mask_pii(body.reason), replacement_option=body.replacement_option)
        if body.replacement_option is not None and body.issue_type is not IssueType.EXCHANGE:
            return _invalid("replacement_option은 교환(exchange) 문의에만 쓸 수 있습니다.", "replacement_option")
        if not body.items:
            return 201, TicketOut.of(repo.create_ticket(new, now=utcnow()))
        action = CLAIM_ACTIONS.get(body.issue_type)
        if action is None:
            return _invalid("items는 반품(refund)·교환(exchange)·불량(defect) 신청에만 쓸 수 있습니다.", "items")
        if order_id is None:
            return _invalid("상품별 신청에는 order_id가 필요합니다.", "order_id")
        if action is Action.EXCHANGE and body.replacement_option is None:
            return _invalid("교환 신청에는 받으실 옵션(replacement_option)이 필요합니다.", "replacement_option")
        order = repo.get_order(order_id)
        if order is None or order.user_id != user.user_id:
            raise NotFoundError(f"주문 {order_id}을(를) 찾을 수 없습니다.")
        outcome = repo.apply_order_action(order_id, action, now=utcnow(), reason=new.reason, ticket=new,
                                          lines=[i.line() for i in body.items],
                                          replacement_option=body.replacement_option)
        if isinstance(outcome, Denied):
            refused = denied_problem(outcome, "신청을 접수할 수 없습니다")
            return refused.status_code, refused
        assert outcome.ticket is not None
        return 201, TicketOut.of(outcome.ticket)

    return await run_idempotent(request, user.user_id, create)


def _invalid(detail: str, field: str) -> tuple[int, object]:
    return 422, problem(422, detail, code="invalid_claim", errors=[{"loc": ["body", field], "msg": detail}])


@router.get("/tickets/{ticket_id}", response_model=TicketOut)
def get_ticket(ticket_id: TicketId, user: CurrentUser, repo: RepoDep) -> TicketOut:
    return TicketOut.of(owned_ticket(repo, user, ticket_id))


@router.get("/users/{user_id}/tickets", response_model=TicketsOut)
def list_tickets(user_id: str, user: CurrentUser, repo: RepoDep, status: TicketStatus | None = None,
                 limit: Annotated[int, Query(ge=1, le=100)] = 20) -> TicketsOut:
    """`user_id` may be `me`."""
    owner = resolve_owner(user, user_id, repo)
    tickets = repo.list_tickets(owner, status=status, limit=limit)
    return TicketsOut(tickets=[TicketOut.of(t) for t in tickets], count=len(tickets))


@router.post("/tickets/{ticket_id}/resolve", response_model=TicketOut, summary="문의 처리 완료 (상담원)")
def resolve_ticket(ticket_id: TicketId, body: ResolveIn, user: CurrentUser, repo: RepoDep,
                   console: ConsoleDep) -> TicketOut:
    """상담원 전용: 문의를 처리 완료로 바꿉니다. `note`(고객에게 보이는 처리 내용)는 개인정보가 마스킹되어
    저장되고, 감사 기록에 남으며, 이 문의로 연결된 대화에 안내가 전달됩니다. 고객이 부르면 403."""
    from ..takeover import resolve_with_note

    authorize(user, Permission.TICKET_RESOLVE)  # a customer: 403 before the ticket is even looked up
    ticket = owned_ticket(repo, user, ticket_id)
    authorize(user, Permission.TICKET_RESOLVE, ticket.user_id)
    return TicketOut.of(resolve_with_note(repo, console, user, ticket, body.note))
