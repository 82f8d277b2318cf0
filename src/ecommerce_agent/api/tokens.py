"""JWT access and refresh tokens (HS256, pinned), with revocation.

An access token carries ``rid``, the id of the refresh token issued with it,
so logging out revokes both. Refresh tokens rotate: using one revokes it.
Revocations live in the shared state, so every worker refuses them.
"""

from __future__ import annotations

import logging
import os
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt

from ..config import Settings
from ..domain.clock import utcnow
from ..errors import AuthError, ConfigError
from ..storage.state import SharedState

ALGORITHM = "HS256"
MIN_SECRET_LENGTH = 32
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int  # seconds until the access token expires


@dataclass(frozen=True, slots=True)
class Claims:
    sub: str
    jti: str
    type: str  # "access" | "refresh"
    expires_at: datetime
    rid: str | None = None  # access tokens: the refresh token issued alongside


class TokenService:
    def __init__(self, secret: str, state: SharedState, *, access_ttl: timedelta,
                 refresh_ttl: timedelta, clock: Callable[[], datetime] = utcnow) -> None:
        self._secret = secret
        self.state = state
        self.access_ttl, self.refresh_ttl = access_ttl, refresh_ttl
        self._clock = clock

    def issue(self, user_id: str) -> TokenPair:
        now = self._clock()
        rid = uuid.uuid4().hex
        refresh = self._encode({"sub": user_id, "jti": rid, "type": "refresh"}, now, self.refresh_ttl)
        access = self._encode({"sub": user_id, "jti": uuid.uuid4().hex, "type": "access", "rid": rid},
                              now, self.access_ttl)
        return TokenPair(access, refresh, int(self.access_ttl.total_seconds()))

    def _encode(self, claims: dict[str, str], now: datetime, ttl: timedelta) -> str:
        return jwt.encode({**claims, "iat": now, "exp": now + ttl}, self._secret, algorithm=ALGORITHM)

    def verify(self, token: str, expected_type: str) -> Claims:
        try:
            data = jwt.decode(token, self._secret, algorithms=[ALGORITHM],
                              options={"require": ["exp", "iat", "sub", "jti"]})
        except jwt.ExpiredSignatureError:
            raise AuthError("토큰이 만료되었습니다. 다시 로그인하거나 토큰을 갱신해 주세요.",
                            code="token_expired") from None
        except (jwt.InvalidTokenError, ValueError, TypeError, OverflowError):
            # A validly signed token can still hold claims PyJWT cannot compare
            # (exp: Infinity, NaN, 1e300): unreadable is invalid, never a 500.
            raise AuthError("유효하지 않은 토큰입니다.", code="invalid_token") from None
        if data.get("type") != expected_type:
            raise AuthError("이 용도로 쓸 수 없는 토큰입니다.", code="invalid_token")
        claims = _claims(data, expected_type)
        if self.state.is_revoked(claims.jti):
            raise AuthError("로그아웃되었거나 폐기된 토큰입니다.", code="token_revoked")
        return claims

    def revoke(self, claims: Claims) -> None:
        """Revoke this token and, for an access token, its refresh token."""
        self.state.revoke(claims.jti, claims.expires_at)
        if claims.rid:
            self.state.revoke(claims.rid, self._clock() + self.refresh_ttl)


def _claims(data: dict, expected_type: str) -> Claims:
    """The claims we rely on, each of the type we issue; anything else (a signed
    token from an older or foreign issuer, an ``exp`` beyond year 9999) is invalid."""
    sub, jti, exp, rid = data.get("sub"), data.get("jti"), data.get("exp"), data.get("rid")
    try:
        if not (isinstance(sub, str) and isinstance(jti, str) and isinstance(exp, int | float)
                and not isinstance(exp, bool) and (rid is None or isinstance(rid, str))):
            raise TypeError("claim of the wrong type")
        expires_at = datetime.fromtimestamp(exp, tz=utcnow().tzinfo)
    except (TypeError, ValueError, OverflowError, OSError):
        raise AuthError("유효하지 않은 토큰입니다.", code="invalid_token") from None
    return Claims(sub=sub, jti=jti, type=expected_type, expires_at=expires_at, rid=rid)


def resolve_secret(settings: Settings) -> str:
    """JWT_SECRET_KEY, required (≥ 32 characters) in production. In development a
    random secret is generated once into ``auth.dev_secret_file`` so that every
    worker and restart agrees on it."""
    secret = settings.secrets.jwt_secret_key
    if settings.app.env == "production":
        if not secret or len(secret) < MIN_SECRET_LENGTH:
            raise ConfigError(f"설정 오류: JWT_SECRET_KEY — production에서는 {MIN_SECRET_LENGTH}자 이상이어야 합니다 "
                              f"(현재 {len(secret or '')}자).")
        return secret
    if secret:
        return secret
    path = settings.auth.dev_secret_file
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another worker won the race; read theirs below
            return path.read_text(encoding="utf-8").strip()
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_urlsafe(48))
        log.warning("JWT_SECRET_KEY가 없어 개발용 비밀키를 %s에 생성했습니다. 운영에서는 반드시 설정하세요.", path)
    return path.read_text(encoding="utf-8").strip()
