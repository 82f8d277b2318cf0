"""`/auth/*`: register, login (throttled), refresh (rotating), me, logout."""

from __future__ import annotations

import math
import uuid

from fastapi import APIRouter, Request, Response

from ...domain.clock import utcnow
from ...domain.users import Role, User
from ...errors import AuthError, ConflictError, RateLimitedError
from ...security import hash_password, verify_password
from ..deps import ClaimsDep, CurrentUser, RepoDep, ThrottleDep, TokensDep
from ..masking import mask_pii
from ..throttle import client_address
from ..schemas import LoginIn, RefreshIn, RegisterIn, TokenOut, UserOut

router = APIRouter(prefix="/auth", tags=["auth"])
# A hash to verify against when the account does not exist, so that a missing
# account takes as long as a wrong password (no account enumeration by timing).
_DUMMY_HASH = hash_password(uuid.uuid4().hex)


@router.post("/register", status_code=201, response_model=UserOut)
def register(body: RegisterIn, request: Request, repo: RepoDep, throttle: ThrottleDep) -> UserOut:
    throttle.check(register_ip=client_address(request))  # also bounds probing which e-mails exist
    if repo.get_user_by_email(body.email) is not None:
        raise ConflictError("이미 가입된 이메일입니다.", code="email_taken")
    user = User(user_id=f"U{uuid.uuid4().hex[:12].upper()}", email=body.email, name=mask_pii(body.name).strip(),
                role=Role.CUSTOMER, password_hash=hash_password(body.password), phone="", address="",
                created_at=utcnow())
    repo.add_user(user)
    return UserOut.of(user)


@router.post("/login", response_model=TokenOut)
def login(body: LoginIn, request: Request, repo: RepoDep, tokens: TokensDep, throttle: ThrottleDep) -> TokenOut:
    """Failures count per (account, client address): quick retries wait progressively
    longer, then that client is locked out of the account for the window; the owner
    from another address is not (see ``api.throttle``)."""
    email = body.email.strip().lower()
    client = client_address(request)
    wait = throttle.login_wait(email, client)
    if wait is not None:
        when = f"{wait}초" if wait < 120 else f"{math.ceil(wait / 60)}분"
        raise RateLimitedError(f"로그인 실패가 너무 많습니다. {when} 후 다시 시도해 주세요.", retry_after=wait)
    user = repo.get_user_by_email(email)
    if not verify_password(body.password, user.password_hash if user else _DUMMY_HASH) or user is None:
        throttle.login_failed(email, client)
        raise AuthError("이메일 또는 비밀번호가 올바르지 않습니다.", code="invalid_credentials")
    throttle.login_succeeded(email, client)
    pair = tokens.issue(user.user_id)
    return TokenOut(access_token=pair.access_token, refresh_token=pair.refresh_token,
                    expires_in=pair.expires_in)


@router.post("/refresh", response_model=TokenOut)
def refresh(body: RefreshIn, tokens: TokensDep, repo: RepoDep) -> TokenOut:
    claims = tokens.verify(body.refresh_token, "refresh")
    if repo.get_user(claims.sub) is None:
        raise AuthError("계정을 찾을 수 없습니다.", code="invalid_token")
    tokens.revoke(claims)  # rotation: a refresh token works once
    pair = tokens.issue(claims.sub)
    return TokenOut(access_token=pair.access_token, refresh_token=pair.refresh_token,
                    expires_in=pair.expires_in)


@router.get("/me", response_model=UserOut)
def me(user: CurrentUser) -> UserOut:
    return UserOut.of(user)


@router.post("/logout", status_code=204)
def logout(claims: ClaimsDep, tokens: TokensDep) -> Response:
    tokens.revoke(claims)
    return Response(status_code=204)
