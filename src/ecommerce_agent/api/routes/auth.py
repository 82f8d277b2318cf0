"""`/auth/*`: register, login (throttled), refresh (rotating), me, logout."""

from __future__ import annotations

import math
import uuid
from functools import cache

from fastapi import APIRouter, Request, Response

from ...domain.clock import utcnow
from ...domain.users import Role, User
from ...errors import AuthError, ConflictError, RateLimitedError
from ...security import hash_password, verify_password
from ..deps import ClaimsDep, CurrentUser, RepoDep, ThrottleDep, TokensDep
from ..masking import mask_pii
from ..throttle import client_address
from ..schemas import LoginIn, RefreshIn, RegisterIn, TokenOut, UserOut, problem_response

router = APIRouter(prefix="/auth", tags=["auth"])


@cache
def _dummy_hash() -> str:
    """A hash to verify against when the account does not exist, so that a missing
    account takes as long as a wrong password (no account enumeration by timing).
    Made on the first login, not at import: argon2 costs ~0.25 s of every start."""
    return hash_password(uuid.uuid4().hex)


@router.post("/register", status_code=201, response_model=UserOut, summary="회원 가입", responses={
    409: problem_response(409, "이미 가입된 이메일입니다 (`email_taken`)."),
    429: problem_response(429, "주소별 가입 한도(`rate_limits.register_per_ip`)를 넘었습니다. "
                               "`Retry-After` 초만큼 기다려 주세요.")})
def register(body: RegisterIn, request: Request, repo: RepoDep, throttle: ThrottleDep) -> UserOut:
    """고객 계정을 만듭니다. 이름의 개인정보는 마스킹되어 저장됩니다. 같은 주소에서 너무 많이 가입하면 429."""
    throttle.check(register_ip=client_address(request))  # also bounds probing which e-mails exist
    if repo.get_user_by_email(body.email) is not None:
        raise ConflictError("이미 가입된 이메일입니다.", code="email_taken")
    user = User(user_id=f"U{uuid.uuid4().hex[:12].upper()}", email=body.email, name=mask_pii(body.name).strip(),
                role=Role.CUSTOMER, password_hash=hash_password(body.password), phone="", address="",
                created_at=utcnow())
    repo.add_user(user)
    return UserOut.of(user)


@router.post("/login", response_model=TokenOut, summary="로그인 (토큰 발급)", responses={
    401: problem_response(401, "이메일 또는 비밀번호가 올바르지 않습니다 (`invalid_credentials`)."),
    429: problem_response(429, "이 주소에서 이 계정의 로그인 실패가 많아 기다려야 합니다 (점진 지연, 이후 잠금). "
                               "`Retry-After` 초만큼 기다려 주세요. 다른 주소의 계정 주인은 영향을 받지 않습니다.")})
def login(body: LoginIn, request: Request, repo: RepoDep, tokens: TokensDep, throttle: ThrottleDep) -> TokenOut:
    """access_token(15분)과 refresh_token(7일)을 발급합니다. 실패는 (계정, 클라이언트 주소)마다 세어, 빠르게
    거듭 틀리면 점점 오래 기다리게 하고 `auth.login_max_failures`회면 그 주소만 잠급니다."""
    # Failures count per (account, client address) so a stranger never locks out the owner (api.throttle).
    email = body.email.strip().lower()
    client = client_address(request)
    wait = throttle.login_wait(email, client)
    if wait is not None:
        when = f"{wait}초" if wait < 120 else f"{math.ceil(wait / 60)}분"
        raise RateLimitedError(f"로그인 실패가 너무 많습니다. {when} 후 다시 시도해 주세요.", retry_after=wait)
    user = repo.get_user_by_email(email)
    if not verify_password(body.password, user.password_hash if user else _dummy_hash()) or user is None:
        throttle.login_failed(email, client)
        settings = request.app.state.settings
        hint = request.app.state.data_check.hint() if settings.app.env == "development" else None
        raise AuthError("이메일 또는 비밀번호가 올바르지 않습니다." + (f" (개발 환경 안내: {hint})" if hint else ""),
                        code="invalid_credentials")
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
