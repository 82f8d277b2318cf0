"""Typed dependencies: infrastructure built in the lifespan, read from ``app.state``."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ..agent.runner import Agent
from ..config import Settings
from ..domain.users import User
from ..errors import AuthError, NotFoundError, ServiceUnavailableError
from ..observability.logging import user_id_var
from ..storage.base import Repository
from ..storage.console import ConsoleStore
from ..storage.state import SharedState
from .roles import Permission, authorize
from .throttle import Throttle
from .tokens import Claims, TokenService

_bearer = HTTPBearer(auto_error=False, description="`POST /auth/login`으로 받은 access_token")


# The dependencies that only read ``app.state`` are ``async``: FastAPI runs a plain
# ``def`` dependency in the threadpool, a thread hop per dependency per request.
async def _settings(request: Request) -> Settings:
    return request.app.state.settings


async def _repo(request: Request) -> Repository:
    return request.app.state.repo


async def _tokens(request: Request) -> TokenService:
    return request.app.state.tokens


async def _state(request: Request) -> SharedState:
    return request.app.state.shared


async def _console(request: Request) -> ConsoleStore:
    return request.app.state.console


async def _throttle(request: Request) -> Throttle:
    return request.app.state.throttle


async def _agent(request: Request) -> Agent:
    agent = request.app.state.agent
    if agent is None:
        raise ServiceUnavailableError("상담 에이전트를 지금 사용할 수 없습니다. 잠시 후 다시 시도해 주세요 "
                                      "(운영자: /health의 agent 항목 확인).")
    return agent


SettingsDep = Annotated[Settings, Depends(_settings)]
RepoDep = Annotated[Repository, Depends(_repo)]
TokensDep = Annotated[TokenService, Depends(_tokens)]
StateDep = Annotated[SharedState, Depends(_state)]
AgentDep = Annotated[Agent, Depends(_agent)]
ConsoleDep = Annotated[ConsoleStore, Depends(_console)]
ThrottleDep = Annotated[Throttle, Depends(_throttle)]


Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def verified_claims(tokens: TokenService, credentials: HTTPAuthorizationCredentials | None) -> Claims:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise AuthError("로그인이 필요합니다 (Authorization: Bearer 토큰).")
    return tokens.verify(credentials.credentials, "access")


def _claims(tokens: TokensDep, credentials: Credentials) -> Claims:
    return verified_claims(tokens, credentials)


ClaimsDep = Annotated[Claims, Depends(_claims)]


def token_user(claims: Claims, repo: Repository) -> User:
    user = repo.get_user(claims.sub)
    if user is None:
        raise AuthError("계정을 찾을 수 없습니다. 다시 로그인해 주세요.", code="invalid_token")
    return user


def bind_user(request: Request, user: User) -> User:
    """The request acts as ``user``: for the access log, log lines and active users."""
    request.state.user_id = user.user_id  # for the access log
    user_id_var.set(user.user_id)  # for log lines written while handling this request
    request.app.state.activity.seen(user.user_id)
    return user


def _current_user(tokens: TokensDep, credentials: Credentials, repo: RepoDep, request: Request) -> User:
    # The token check and the user lookup in one dependency: one threadpool hop, not two.
    return bind_user(request, token_user(verified_claims(tokens, credentials), repo))


CurrentUser = Annotated[User, Depends(_current_user)]


def _staff(user: CurrentUser) -> User:
    authorize(user, Permission.CONSOLE)
    return user


StaffUser = Annotated[User, Depends(_staff)]


def resolve_owner(user: User, user_id: str, repo: Repository) -> str:
    """The user whose data ``/users/{user_id}/…`` asks for. Customers reach only their
    own (``me`` or their id); anything else is 404, so existence is not revealed."""
    if user_id == "me" or user_id == user.user_id:
        return user.user_id
    authorize(user, Permission.READ, user_id, not_found="사용자를 찾을 수 없습니다.")
    if repo.get_user(user_id) is None:
        raise NotFoundError("사용자를 찾을 수 없습니다.")
    return user_id
