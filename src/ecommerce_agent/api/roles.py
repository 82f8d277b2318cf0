"""Who may do what: the role matrix, in one place, and the one function that enforces it.

Every route that touches a user's data asks ``authorize(user, permission, owner_id)``.
A cell says one of:

- ``ALLOW``   — go ahead;
- ``AUDITED`` — go ahead, but the caller must give a reason and the action is
  written to the staff audit log (who, what, whose, when);
- ``FORBID``  — 403: the caller knows the resource exists and may not do this;
- ``HIDE``    — 404: a customer never learns whether another customer's data exists.

Ownership is ``own`` (the data is the caller's) or ``other`` (someone else's).
"""

from __future__ import annotations

from enum import StrEnum

from ..domain.users import Role, User
from ..errors import ForbiddenError, NotFoundError


class Permission(StrEnum):
    READ = "read"  # orders, tickets, conversations and their messages
    CHAT = "chat"  # write in a conversation as its shopper (messages, 예/아니요 on a pending action)
    DELETE_CONVERSATION = "delete_conversation"
    ORDER_WRITE = "order_write"  # cancel, change an order
    TICKET_RESOLVE = "ticket_resolve"
    CONSOLE = "console"  # the staff console: queue, takeover, replies, hand back, audit log


class Access(StrEnum):
    ALLOW = "allow"
    AUDITED = "audited"
    FORBID = "forbid"
    HIDE = "hide"


OWN, OTHER = "own", "other"
P, A = Permission, Access

# (role, permission) -> (access to one's own data, access to another user's data)
MATRIX: dict[tuple[Role, Permission], tuple[Access, Access]] = {
    (Role.CUSTOMER, P.READ): (A.ALLOW, A.HIDE),
    (Role.CUSTOMER, P.CHAT): (A.ALLOW, A.HIDE),
    (Role.CUSTOMER, P.DELETE_CONVERSATION): (A.ALLOW, A.HIDE),
    (Role.CUSTOMER, P.ORDER_WRITE): (A.ALLOW, A.HIDE),
    # refused whatever the ticket, so the refusal says nothing about whether it exists
    (Role.CUSTOMER, P.TICKET_RESOLVE): (A.FORBID, A.FORBID),
    (Role.CUSTOMER, P.CONSOLE): (A.FORBID, A.FORBID),
    (Role.AGENT, P.READ): (A.ALLOW, A.ALLOW),
    # staff answer a shopper through the console (audited), never as the shopper
    (Role.AGENT, P.CHAT): (A.ALLOW, A.FORBID),
    # a customer's conversation is their record: staff read it, never delete it
    (Role.AGENT, P.DELETE_CONVERSATION): (A.ALLOW, A.FORBID),
    (Role.AGENT, P.ORDER_WRITE): (A.ALLOW, A.AUDITED),
    (Role.AGENT, P.TICKET_RESOLVE): (A.AUDITED, A.AUDITED),
    (Role.AGENT, P.CONSOLE): (A.AUDITED, A.AUDITED),
}

FORBIDDEN_MESSAGES = {
    P.CONSOLE: "상담원만 이용할 수 있습니다.",
    P.TICKET_RESOLVE: "문의 처리 완료는 상담원만 할 수 있습니다.",
    P.DELETE_CONVERSATION: "고객의 대화는 상담원이 삭제할 수 없습니다 (읽기만 가능합니다).",
    P.CHAT: "고객의 대화에는 상담원 콘솔에서 대화를 인수한 뒤 답변하세요.",
}
HIDDEN_MESSAGE = "찾을 수 없습니다."


def authorize(user: User, permission: Permission, owner_id: str | None = None, *,
              not_found: str = HIDDEN_MESSAGE) -> Access:
    """The cell for ``user`` doing ``permission`` on data owned by ``owner_id`` (None:
    not about anyone's data). Raises ``ForbiddenError`` (FORBID) or ``NotFoundError``
    (HIDE, with ``not_found`` as its message); otherwise returns ALLOW or AUDITED."""
    own, other = MATRIX[(user.role, permission)]
    access = own if owner_id is None or owner_id == user.user_id else other
    if access is Access.FORBID:
        raise ForbiddenError(FORBIDDEN_MESSAGES.get(permission, "권한이 없습니다."))
    if access is Access.HIDE:
        raise NotFoundError(not_found)
    return access
