"""`/auth/*`: register, login (throttled), refresh (rotating), me, logout."""

from __future__ import annotations

import math
import uuid
from datetime import timedelta

from fastapi import APIRouter, Request, Response

from ...domain.clock import utcnow
from ...domain.users import Role, User
from ...errors import AuthError, ConflictError, RateLimitedError
from ...security import hash_password, verify_password
from ..deps import ClaimsDep, CurrentUser, RepoDep, SettingsDep, StateDep, TokensDep
from ..schemas import LoginIn, RefreshIn, RegisterIn, TokenOut, UserOut

router = APIRouter(prefix="/auth", tags=["auth"])
# A hash to verify against when the account does not exist, so that a missing
# account takes as long as a wrong password (no account enumeration by timing).
_DUMMY_HASH = hash_password(uuid.uuid4().hex)


@router.post("/register", status_code=201, response_model=UserOut)
def register(body: RegisterIn, repo: RepoDep) -> UserOut:
    if repo.get_user_by_email(body.email) is not None:
        raise ConflictError("이미 가입된 이메일입니다.", code="email_taken")
    user = User(user_id=f"U{uuid.uuid4().hex[:12].upper()}", email=body.email, name=body.name.strip(),
                role=Role.CUSTOMER, password_hash=hash_password(body.password), phone="", address="",
                created_at=utcnow())
    repo.add_user(user)
    return UserOut.of(user)


@router.post("/login", response_model=TokenOut)
def login(body: LoginIn, request: Request, repo: RepoDep, tokens: TokensDep, state: StateDep,
          settings: SettingsDep) -> TokenOut:
    now = utcnow()
    window = timedelta(minutes=settings.auth.login_window_minutes)
    limit = settings.auth.login_max_failures
    email = body.email.strip().lower()
    keys = (f"account:{email}", f"ip:{request.client.host if request.client else 'unknown'}")
    for key in keys:
        count, oldest = state.failures(key, now, window)
        if count >= limit and oldest is not None:
            wait = max(1, math.ceil((oldest + window - now).total_seconds()))
            raise RateLimitedError(f"로그인 실패가 너무 많습니다. {math.ceil(wait / 60)}분 후 다시 시도해 주세요.",
                                   retry_after=wait)
    user = repo.get_user_by_email(email)
    if not verify_password(body.password, user.password_hash if user else _DUMMY_HASH) or user is None:
        for key in keys:
            state.record_failure(key, now, window)
        hint = request.app.state.data_check.hint() if settings.app.env == "development" else None
        raise AuthError("이메일 또는 비밀번호가 올바르지 않습니다." + (f" (개발 환경 안내: {hint})" if hint else ""),
                        code="invalid_credentials")
    state.clear_failures(keys[0])
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
