"""The index a running process keeps in memory, replaceable without a restart.

``IndexStore`` loads everything once (chunks, BM25, vectors; Kiwi and the
encoder are per process and survive reloads) into an immutable snapshot.
``reload()`` builds a complete new snapshot first and then swaps one reference,
so a search running during a reload finishes on the old index, the next one
uses the new, and nobody ever sees a mixture. A reload that fails (a corrupt
or half-copied index) leaves the old snapshot serving and raises.

For the API: create one store at start-up (``IndexStore.from_settings``), call
``load()``, then ``reload()`` on SIGHUP or an admin request, or
``reload_if_changed()`` periodically (a ``stat`` of ``manifest.json``);
``health()`` is what ``/health`` reports.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ..errors import AppError
from .analysis import Analyzer
from .aspects import DEFAULT_ASPECT_WEIGHT
from .encoder import Encoder, load_encoder
from .errors import SearchIndexError
from .index import MANIFEST, load_part, read_manifest
from .products import ProductSearcher
from .query_model import QueryEncoderKind
from .retriever import DEFAULT_HYBRID_WEIGHT, DEFAULT_MAX_PER_DOC, Mode, Retriever
from .types import Chunk, SearchResult

if TYPE_CHECKING:
    from ..config import Settings

log = logging.getLogger(__name__)

Stamp = tuple[int, int, int]  # manifest (inode, size, mtime_ns)


@dataclass(frozen=True, slots=True)
class _Snapshot:
    manifest: dict[str, Any]
    stamp: Stamp
    policies: Retriever | None
    products: ProductSearcher | None


class IndexStore:
    def __init__(self, index_dir: Path, *, encoder: Encoder | None = None,
                 analyzer: Analyzer | None = None, mode: Mode = "hybrid",
                 hybrid_weight: float = DEFAULT_HYBRID_WEIGHT, top_k: int = 5,
                 max_per_doc: int = DEFAULT_MAX_PER_DOC,
                 query_encoder: QueryEncoderKind = "static",
                 aspect_weight: float = DEFAULT_ASPECT_WEIGHT) -> None:
        self.index_dir = Path(index_dir)
        self.encoder = encoder
        self.analyzer = analyzer or Analyzer()
        self.mode: Mode = mode
        self.hybrid_weight = hybrid_weight
        self.top_k = top_k
        self.max_per_doc = max_per_doc
        self.query_encoder: QueryEncoderKind = query_encoder
        self.aspect_weight = aspect_weight  # policy search only: products have no sections
        self._snapshot: _Snapshot | None = None
        self._reload_lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings, *,
                      encoder: Encoder | None | Literal["auto"] = "auto") -> IndexStore:
        """``encoder="auto"`` loads the configured model (None on failure: keyword mode)."""
        search = settings.search
        if encoder == "auto":
            encoder = load_encoder(search.encoder, threads=search.encoder_threads,
                                   cache_size=search.query_cache_size)
        return cls(search.index_dir, encoder=encoder, mode=search.mode,
                   hybrid_weight=search.hybrid_weight, top_k=search.top_k,
                   max_per_doc=search.max_per_doc, query_encoder=search.query_encoder,
                   aspect_weight=search.aspect_weight)

    # -- loading -------------------------------------------------------------------

    @property
    def loaded(self) -> bool:
        return self._snapshot is not None

    def load(self) -> None:
        """Load the current index; ``SearchIndexError`` if there is none or it is broken."""
        self.reload(force=True)

    def reload(self, *, force: bool = False) -> bool:
        """Swap in the index the manifest now names. False if it is the one already
        loaded (unless ``force``). On failure the old index keeps serving and
        ``SearchIndexError`` is raised."""
        with self._reload_lock:
            stamp = self._stamp()
            manifest = read_manifest(self.index_dir)
            if manifest is None:
                raise SearchIndexError(f"검색 색인이 없습니다 ({self.index_dir / MANIFEST}). "
                                       "`ecommerce-agent build-index`를 먼저 실행하세요.")
            current = self._snapshot
            if not force and current is not None and current.manifest == manifest:
                self._snapshot = replace(current, stamp=stamp)  # same index, rewritten file
                return False
            parts = manifest.get("parts", {})
            for info in parts.values():
                if info.get("analyzer") != self.analyzer.signature:
                    raise SearchIndexError(
                        f"{info.get('kind')} 색인을 만든 형태소 분석 설정({info.get('analyzer')})이 "
                        "현재와 다릅니다. `ecommerce-agent build-index`로 다시 만드세요.")
            policies = self._load("policies", parts, current)
            retriever = self._load("products", parts, current)
            products = None
            if retriever is not None:
                unchanged = current is not None and current.products is not None \
                    and current.products.retriever is retriever
                products = current.products if unchanged else ProductSearcher(retriever)  # type: ignore[union-attr]
            self.analyzer.kiwi  # noqa: B018 - load Kiwi (~1 s) now, not in the first request
            self._snapshot = _Snapshot(manifest=manifest, stamp=stamp, policies=policies,
                                       products=products)
            log.info("검색 색인을 불러왔습니다: 문서 %s개, 청크 %s개 (%s)", manifest.get("documents"),
                     manifest.get("chunks"), manifest.get("built_at"))
            return True

    def reload_if_changed(self) -> bool:
        """Reload when ``manifest.json`` changed on disk; never raises (failures are logged
        and the old index keeps serving). Cheap enough to call per request."""
        try:
            current = self._snapshot
            if current is not None and current.stamp == self._stamp():
                return False
            return self.reload()
        except AppError as exc:
            log.error("검색 색인을 다시 불러오지 못해 기존 색인을 계속 씁니다: %s", exc.message)
            return False

    # -- searching -----------------------------------------------------------------

    def search(self, query: str, *, mode: Mode | None = None, top_k: int | None = None,
               max_per_doc: int | None = None) -> list[SearchResult]:
        """Policy chunks for ``query``, best first (``max_per_doc``: this call's diversity)."""
        retriever = self._require().policies
        if retriever is None:
            raise SearchIndexError("정책 검색 색인이 없습니다. `ecommerce-agent build-index`를 실행하세요.")
        return retriever.search(query, mode=mode or self.mode, top_k=top_k or self.top_k, max_per_doc=max_per_doc)

    def policy_chunk(self, chunk_id: str) -> Chunk | None:
        """The policy passage a citation names (its ``chunk_id``), or None."""
        snapshot = self._snapshot
        if snapshot is None or snapshot.policies is None:
            return None
        return next((c for c in snapshot.policies.chunks if c.chunk_id == chunk_id), None)

    def search_products(self, query: str, *, mode: Mode | None = None, top_k: int | None = None,
                        min_price: int | None = None, max_price: int | None = None,
                        category: str | None = None, include_out_of_stock: bool = False) -> list[SearchResult]:
        """Products for ``query`` (price and category words in it are understood)."""
        products = self._require().products
        if products is None:
            raise SearchIndexError("상품 검색 색인이 없습니다. 데이터를 적재(seed)한 뒤 "
                                   "`ecommerce-agent build-index`를 실행하세요.")
        return products.search(query, mode=mode or self.mode, top_k=top_k or self.top_k,
                               min_price=min_price, max_price=max_price, category=category,
                               include_out_of_stock=include_out_of_stock)

    def effective_mode(self, mode: Mode | None = None) -> Mode:
        """The mode searches really run in (keyword when embeddings are unavailable)."""
        snapshot = self._snapshot
        wanted = mode or self.mode
        if snapshot is None or snapshot.policies is None:
            return wanted if self.encoder is not None else "keyword"
        return snapshot.policies.effective_mode(wanted)

    def health(self) -> dict[str, Any]:
        """For ``/health``: status (ok, degraded: keyword-only although the settings want
        embeddings, unavailable: no index), documents, chunks, products, built_at,
        mode (the one really used) and encoder."""
        snapshot = self._snapshot
        if snapshot is None:
            return {"status": "unavailable", "documents": 0, "chunks": 0, "products": 0,
                    "built_at": None, "mode": self.effective_mode(), "encoder": None}
        manifest = snapshot.manifest
        products = manifest.get("parts", {}).get("products", {})
        encoder = snapshot.policies.encoder if snapshot.policies is not None else None
        # searching in keyword mode because the model is unavailable still answers: degraded
        status = "ok" if self.effective_mode() == self.mode else "degraded"
        return {"status": status, "documents": manifest.get("documents", 0),
                "chunks": manifest.get("chunks", 0), "products": products.get("documents", 0),
                "built_at": manifest.get("built_at"), "mode": self.effective_mode(),
                "encoder": encoder.name if encoder is not None else None}

    @property
    def manifest(self) -> dict[str, Any] | None:
        snapshot = self._snapshot
        return None if snapshot is None else snapshot.manifest

    # -- internals -----------------------------------------------------------------

    def _load(self, kind: str, parts: dict[str, Any], current: _Snapshot | None) -> Retriever | None:
        """The part's retriever: the loaded one when the part is unchanged (same
        directory), else read from disk."""
        info = parts.get(kind)
        if info is None:
            return None
        if current is not None:
            loaded = current.policies if kind == "policies" else (
                current.products.retriever if current.products is not None else None)
            if loaded is not None and loaded.part.info.get("path") == info["path"]:
                return loaded
        return self._retriever(load_part(self.index_dir, info))

    def _retriever(self, part: Any) -> Retriever:
        return Retriever(part, self.analyzer, self.encoder, hybrid_weight=self.hybrid_weight,
                         max_per_doc=self.max_per_doc, query_encoder=self.query_encoder,
                         aspect_weight=self.aspect_weight if part.kind == "policies" else 0.0)

    def _require(self) -> _Snapshot:
        snapshot = self._snapshot
        if snapshot is None:
            raise SearchIndexError("검색 색인을 아직 불러오지 않았습니다. `ecommerce-agent build-index` 후 "
                                   "다시 시작하거나 색인을 다시 불러오세요.")
        return snapshot

    def _stamp(self) -> Stamp:
        try:
            st = os.stat(self.index_dir / MANIFEST)
        except FileNotFoundError:
            return (0, 0, 0)
        return (st.st_ino, st.st_size, st.st_mtime_ns)
