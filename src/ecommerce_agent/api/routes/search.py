"""Public search over the policy documents and the product catalog, and the
staff endpoint that picks up a newly built index without a restart."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from ...errors import StorageUnavailableError
from ..deps import StaffUser

router = APIRouter(tags=["search"])
Mode = Literal["keyword", "embedding", "hybrid"]


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


@router.get("/policies/search", response_model=SearchOut)
def search_policies(request: Request, q: Annotated[str, Query(min_length=1, max_length=500, pattern=r"\S")],
                    top_k: Annotated[int, Query(ge=1, le=20)] = 5, mode: Mode | None = None) -> SearchOut:
    """Ranked passages of the shop's policies (public)."""
    store = _store(request)
    return _out(q, store.effective_mode(mode), store.search(q, mode=mode, top_k=top_k))


@router.get("/products/search", response_model=SearchOut)
def search_products(request: Request, q: Annotated[str, Query(min_length=1, max_length=500, pattern=r"\S")],
                    max_price: Annotated[int | None, Query(ge=0)] = None,
                    min_price: Annotated[int | None, Query(ge=0)] = None,
                    top_k: Annotated[int, Query(ge=1, le=50)] = 5,
                    include_out_of_stock: bool = False) -> SearchOut:
    """In-stock products for a query; price words in it ("3만원 이하") are understood too."""
    store = _store(request)
    results = store.search_products(q, top_k=top_k, min_price=min_price, max_price=max_price,
                                    include_out_of_stock=include_out_of_stock)
    return _out(q, store.effective_mode(), results)


@router.post("/admin/reload-index", response_model=ReloadOut)
def reload_index(request: Request, staff: StaffUser) -> ReloadOut:
    """Staff only: load the index that `build-index` wrote, in every worker (same as SIGHUP)."""
    follower = request.app.state.index_follower
    changed = follower.reload_all()
    return ReloadOut(reloaded=bool(changed), index=follower.health())
