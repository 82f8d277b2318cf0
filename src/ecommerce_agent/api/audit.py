"""The staff audit log from the API's side: every staff action on a customer's
data is recorded (who, what, whose, when, why) through ``staff_audit``."""

from __future__ import annotations

from ..domain.clock import utcnow
from ..domain.staff import AuditEntry
from ..domain.users import User
from ..errors import UnprocessableError
from ..storage.console import ConsoleStore
from .masking import mask_pii


def require_reason(given: bool) -> None:
    """Staff writes on a customer's resources need a reason of their own."""
    if not given:
        raise UnprocessableError("상담원이 고객의 데이터를 변경할 때는 사유(reason)를 적어야 합니다.",
                                  code="reason_required")


def require_audit(console: ConsoleStore) -> None:
    """Before a staff write: the audit record must be possible, or nothing is written."""
    if not console.available:
        console.refuse()  # type: ignore[attr-defined]


def staff_audit(console: ConsoleStore, staff: User, action: str, customer_id: str | None, resource: str,
                reason: str | None = None, result: str = "ok") -> AuditEntry:
    return console.record(at=utcnow(), staff_id=staff.user_id, action=action, customer_id=customer_id,
                          resource=resource, reason=mask_pii(reason), result=result)
