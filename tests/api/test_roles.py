"""The role matrix, cell by cell: every (role, permission, own/other) has the outcome
written here (independently of ``api.roles.MATRIX``), through the one function."""

from __future__ import annotations

import pytest

from ecommerce_agent.api.roles import MATRIX, Access, Permission, authorize
from ecommerce_agent.domain.users import Role
from ecommerce_agent.errors import ForbiddenError, NotFoundError
from tests.support.factories import user

# role, permission: (own data, another user's data); "403"/"404" are refusals
EXPECTED = {
    ("customer", "read"): ("allow", "404"),
    ("customer", "chat"): ("allow", "404"),
    ("customer", "delete_conversation"): ("allow", "404"),
    ("customer", "order_write"): ("allow", "404"),
    ("customer", "ticket_resolve"): ("403", "403"),
    ("customer", "console"): ("403", "403"),
    ("agent", "read"): ("allow", "allow"),
    ("agent", "chat"): ("allow", "403"),
    ("agent", "delete_conversation"): ("allow", "403"),
    ("agent", "order_write"): ("allow", "audited"),
    ("agent", "ticket_resolve"): ("audited", "audited"),
    ("agent", "console"): ("audited", "audited"),
}
CELLS = [(role, perm, which, outcome) for (role, perm), both in EXPECTED.items()
         for which, outcome in zip(("own", "other"), both, strict=True)]


def test_the_matrix_has_exactly_one_cell_per_role_and_permission() -> None:
    assert {(r.value, p.value) for r, p in MATRIX} == set(EXPECTED)
    assert {(r, p) for r in Role for p in Permission} == set(MATRIX)


@pytest.mark.parametrize(("role", "permission", "which", "outcome"), CELLS,
                         ids=[f"{r}-{p}-{w}" for r, p, w, _ in CELLS])
def test_cell(role: str, permission: str, which: str, outcome: str) -> None:
    caller = user("S1" if role == "agent" else "U1", role=Role(role))
    owner = caller.user_id if which == "own" else "U2"
    if outcome == "403":
        with pytest.raises(ForbiddenError):
            authorize(caller, Permission(permission), owner)
    elif outcome == "404":
        with pytest.raises(NotFoundError) as caught:
            authorize(caller, Permission(permission), owner, not_found="주문을 찾을 수 없습니다.")
        assert caught.value.message == "주문을 찾을 수 없습니다."  # the route's own wording, nothing revealed
    else:
        assert authorize(caller, Permission(permission), owner) is Access(outcome)


def test_no_owner_means_the_callers_own_cell() -> None:
    assert authorize(user("S1", role=Role.AGENT), Permission.CONSOLE) is Access.AUDITED
    with pytest.raises(ForbiddenError):
        authorize(user("U1"), Permission.CONSOLE)
