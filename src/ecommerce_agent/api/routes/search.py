"""Public search over the policy documents and the product catalog, and the
staff endpoint that picks up a newly built index without a restart."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from ...errors import StorageUnavailableError
from ..compute import run_model_work
from ..deps import SettingsDep, StaffUser, ThrottleDep
from ..problems import problem
from ..schemas import problem_response
from ..throttle import client_address

router = APIRouter(tags=["search"])
Mode = Literal["keyword", "embedding", "hybrid"]
# The hard cap of the parameter; the configured (smaller) cap answers with a clearer 422 below.
Q = Annotated[str, Query(min_length=1, max_length=500, pattern=r"\S",
                         description="검색어 (최대 `rate_limits.search_max_query_chars`자, 기본 200자)")]
SEARCH_RESPONSES: dict[int | str, dict[str, Any]] = {
    422: problem_response(422, "검색어가 비었거나 너무 깁니다 (`rate_limits.search_max_query_chars`, 기본 200자)."),
    429: problem_response(429, "주소별 검색 한도(`rate_limits.search_per_ip`)를 넘었습니다. "
                               "`Retry-After` 초만큼 기다려 주세요.")}


def _admit(request: Request, q: str, settings: Any, throttle: Any) -> Any:
    """The query length cap (CPU grows with it) and the per-address limit; a 422
    problem for a query too long, else None."""
    cap = settings.rate_limits.search_max_query_chars
    if len(q) > cap:
        detail = f"검색어는 {cap}자 이하로 입력해 주세요 (지금 {len(q)}자)."
        return problem(422, detail, code="query_too_long",
                       errors=[{"loc": ["query", "q"], "msg": detail, "type": "string_too_long"}])
    throttle.check(search_ip=client_address(request))
    return None


class SearchHit(BaseModel):
    chunk_id: str
    doc_id: str
    title: str
    text: str
    snippet: str
    score: float
    metadata: dict[str, Any]


class SearchOut(BaseModel):
    query: str
    mode: str
    results: list[SearchHit]


class ReloadOut(BaseModel):
    reloaded: bool
    index: dict[str, Any]


def _store(request: Request) -> Any:
    store = getattr(request.app.state, "search", None)
    if store is None or not store.loaded:
        raise StorageUnavailableError("검색 인덱스가 없습니다. `ecommerce-agent build-index`로 만든 뒤 다시 시도하세요.",
                                      code="index_unavailable")
    return store


def _out(query: str, mode: str, results: list[Any]) -> SearchOut:
    return SearchOut(query=query, mode=mode, results=[SearchHit(**r.to_json()) for r in results])


@router.get("/policies/search", response_model=SearchOut, summary="정책 문서 검색", responses=SEARCH_RESPONSES)
async def search_policies(request: Request, q: Q, settings: SettingsDep, throttle: ThrottleDep,
                          top_k: Annotated[int, Query(ge=1, le=20)] = 5, mode: Mode | None = None) -> Any:
    """쇼핑몰 정책 문서에서 질문과 관련된 구절을 순위대로 돌려줍니다 (로그인 불필요). 검색어 길이 상한(422)과
    주소별 요청 한도(429, `Retry-After`)가 있습니다."""
    def run() -> Any:
        if (refused := _admit(request, q, settings, throttle)) is not None:
            return refused
        store = _store(request)
        return _out(q, store.effective_mode(mode), store.search(q, mode=mode, top_k=top_k))

    return await run_model_work(request, run)  # Kiwi and the encoder: a few threads (api/compute.py)


@router.get("/products/search", response_model=SearchOut, summary="상품 검색", responses=SEARCH_RESPONSES)
async def search_products(request: Request, q: Q, settings: SettingsDep, throttle: ThrottleDep,
                          max_price: Annotated[int | None, Query(ge=0)] = None,
                          min_price: Annotated[int | None, Query(ge=0)] = None,
                          top_k: Annotated[int, Query(ge=1, le=50)] = 5,
                          include_out_of_stock: bool = False) -> Any:
    """재고 있는 상품을 검색합니다. "3만원 이하" 같은 가격 표현도 이해합니다 (로그인 불필요). 검색어 길이
    상한(422)과 주소별 요청 한도(429, `Retry-After`)가 있습니다."""
    def run() -> Any:
        if (refused := _admit(request, q, settings, throttle)) is not None:
            return refused
        store = _store(request)
        results = store.search_products(q, top_k=top_k, min_price=min_price, max_price=max_price,
                                        include_out_of_stock=include_out_of_stock)
        return _out(q, store.effective_mode(), results)

    return await run_model_work(request, run)


@router.post("/admin/reload-index", response_model=ReloadOut)
def reload_index(request: Request, staff: StaffUser) -> ReloadOut:
    """Staff only: load the index that `build-index` wrote, in every worker (same as SIGHUP)."""
    follower = request.app.state.index_follower
    changed = follower.reload_all()
    return ReloadOut(reloaded=bool(changed), index=follower.health())
