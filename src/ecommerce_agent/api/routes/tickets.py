"""Customer-service tickets."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse

from ...domain.clock import utcnow
from ...domain.tickets import Ticket, TicketSource, TicketStatus
from ...domain.users import User
from ...errors import NotFoundError
from ...storage.base import NewTicket, Repository
from ..deps import CurrentUser, RepoDep, StaffUser, resolve_owner
from ..idempotency import run_idempotent
from ..schemas import ResolveIn, TicketIn, TicketOut, TicketsOut

router = APIRouter(tags=["tickets"])
TicketId = Annotated[str, Path(min_length=1, max_length=40, description="예: TKT-20261126-7F3K2Q")]


def owned_ticket(repo: Repository, user: User, ticket_id: str) -> Ticket:
    ticket = repo.get_ticket(ticket_id.strip().upper())
    if ticket is None or not user.can_read(ticket.user_id):
        raise NotFoundError(f"문의 {ticket_id}을(를) 찾을 수 없습니다.")
    return ticket


@router.post("/tickets", status_code=201, response_model=TicketOut)
async def create_ticket(body: TicketIn, request: Request, user: CurrentUser, repo: RepoDep) -> JSONResponse:
    """Open a ticket; the order (if any) must belong to the caller. Honours `Idempotency-Key`."""

    def create() -> tuple[int, object]:
        # The repository refuses (404) an order that is not the caller's own.
        order_id = body.order_id.strip().upper() if body.order_id else None
        ticket = repo.create_ticket(NewTicket(user_id=user.user_id, issue_type=body.issue_type,
                                              description=body.description, order_id=order_id,
                                              priority=body.priority, source=TicketSource.API), now=utcnow())
        return 201, TicketOut.of(ticket)

    return await run_idempotent(request, user.user_id, create)


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


@router.post("/tickets/{ticket_id}/resolve", response_model=TicketOut)
def resolve_ticket(ticket_id: TicketId, body: ResolveIn, staff: StaffUser, repo: RepoDep) -> TicketOut:
    """Staff only."""
    ticket = owned_ticket(repo, staff, ticket_id)
    return TicketOut.of(repo.resolve_ticket(ticket.ticket_id, note=body.note, now=utcnow()))
