"""The two pages (shopper chat at ``/``, staff console at ``/console``), their static
files (``ecommerce_agent/web``: plain HTML, CSS and JavaScript modules, nothing from a
CDN, no build step), the little configuration the pages read, and the policy
section a citation points to."""

from __future__ import annotations

import re
from importlib import resources
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from ...demo.generate import DEMO_ACCOUNTS
from ...errors import NotFoundError, StorageUnavailableError
from ..deps import SettingsDep

router = APIRouter()
WEB = resources.files("ecommerce_agent") / "web"
# Pages load only what the app serves: no CDN, no inline script.
PAGE_HEADERS = {"Content-Security-Policy": "default-src 'self'; img-src 'self' data:; object-src 'none'; "
                                           "base-uri 'none'; frame-ancestors 'none'",
                "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "Cache-Control": "no-cache"}


def _page(name: str) -> HTMLResponse:
    return HTMLResponse((WEB / name).read_text(encoding="utf-8"), headers=PAGE_HEADERS)


@router.get("/", include_in_schema=False)
def shopper_page() -> HTMLResponse:
    return _page("index.html")


@router.get("/console", include_in_schema=False)
def console_page() -> HTMLResponse:
    return _page("console.html")


class DemoAccountOut(BaseModel):
    email: str
    password: str
    role: str


class UiConfigOut(BaseModel):
    env: str
    demo_accounts: list[DemoAccountOut] = Field(description="개발 환경에서만: 로그인 화면에 보여 줄 데모 계정")


@router.get("/ui/config", response_model=UiConfigOut, tags=["web"], summary="화면 설정")
def ui_config(settings: SettingsDep) -> UiConfigOut:
    """채팅·콘솔 화면이 읽는 설정입니다. 데모 계정 안내는 `development` 환경에서만 나갑니다."""
    demo = settings.app.env == "development"
    return UiConfigOut(env=settings.app.env, demo_accounts=[
        DemoAccountOut(email=a.email, password=a.password, role=a.role.value) for a in DEMO_ACCOUNTS] if demo else [])


class SectionOut(BaseModel):
    chunk_id: str
    doc_id: str
    title: str
    heading: list[str]
    text: str = Field(description="인용된 정책 문단 원문")


@router.get("/policies/sections/{chunk_id}", response_model=SectionOut, tags=["search"],
            summary="인용된 정책 문단")
def policy_section(chunk_id: Annotated[str, Path(min_length=1, max_length=120,
                                                 description="답변 citations[].chunk_id")],
                   request: Request) -> SectionOut:
    """답변의 인용(citations[].chunk_id)이 가리키는 정책 문서의 문단을 그대로 돌려줍니다. 없으면 404."""
    store: Any = getattr(request.app.state, "search", None)
    if store is None or not store.loaded:
        raise StorageUnavailableError("검색 색인이 아직 준비되지 않았습니다. 잠시 후 다시 시도해 주세요.")
    chunk = store.policy_chunk(chunk_id)
    if chunk is not None:
        return SectionOut(chunk_id=chunk.chunk_id, doc_id=chunk.doc_id, title=chunk.title,
                          heading=list(chunk.heading), text=chunk.text)
    # A citation of a whole section the search did not return ("return-policy#03": the
    # policy answerer's section number) is the section as written.
    section_ref = re.fullmatch(r"([a-z0-9-]+)#(\d{1,3})", chunk_id)
    answerer = getattr(getattr(request.app.state, "agent", None), "answerer", None)
    if section_ref and answerer is not None:
        for section in answerer.sections.of(section_ref[1]):
            if section.order == int(section_ref[2]):
                return SectionOut(chunk_id=chunk_id, doc_id=section.doc_id, title=section.title,
                                  heading=[section.heading], text=section.text)
    raise NotFoundError(f"정책 문단 {chunk_id[:60]}을(를) 찾을 수 없습니다.")
