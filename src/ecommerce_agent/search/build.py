"""Building the index from what the settings name: the policy corpus and the catalog.

The policy part needs only ``data/policies``; the product part reads the
catalog from the configured database, so it is built after seeding. When the
database does not exist yet (SQLite file or CSV ``products.csv`` missing) the
product part is skipped with a note instead of creating an empty database as
a side effect; a product part built earlier is kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .analysis import Analyzer
from .corpus import chunk_corpus, corpus_hash, load_corpus
from .encoder import Encoder, load_encoder
from .errors import SearchIndexError
from .index import PartSource, Progress, build_index, product_source_hash, read_manifest
from .products import product_chunk, product_rows

if TYPE_CHECKING:
    from ..config import Settings
    from ..storage.base import Repository

PARTS = ("policies", "products")


@dataclass(frozen=True, slots=True)
class BuildReport:
    manifest: dict[str, Any]
    built: tuple[str, ...]  # parts (re)built now
    unchanged: tuple[str, ...]  # parts whose source had not changed
    notes: tuple[str, ...] = field(default=())  # e.g. why a part was skipped


def policy_source(directory: Path, *, max_chars: int) -> PartSource:
    documents = load_corpus(directory)  # raises CorpusError (file:line) before anything is written
    return PartSource(kind="policies", chunks=chunk_corpus(documents, max_chars),
                      source_hash=corpus_hash(directory), documents=len(documents), origin=str(directory))


def product_source(repo: Repository, origin: str) -> PartSource:
    products = sorted(repo.iter_products(), key=lambda p: p.product_id)
    return PartSource(kind="products", chunks=[product_chunk(p) for p in products],
                      source_hash=product_source_hash(product_rows(products)),
                      documents=len(products), origin=origin)


def build_from_settings(settings: Settings, *, parts: Sequence[str] = PARTS,
                        policies_dir: Path | None = None, index_dir: Path | None = None,
                        encoder: Encoder | None | Literal["auto"] = "auto", force: bool = False,
                        analyzer: Analyzer | None = None,
                        progress: Progress | None = None) -> BuildReport:
    search = settings.search
    index_dir = index_dir or search.index_dir
    notes: list[str] = []
    sources: list[PartSource] = []
    if "policies" in parts:
        sources.append(policy_source(policies_dir or search.policies_dir, max_chars=search.chunk_max_chars))
    if "products" in parts:
        missing = _missing_database(settings)
        if missing:
            notes.append(f"상품 색인을 건너뜁니다: {missing} (먼저 `ecommerce-agent seed`)")
        else:
            from ..storage import open_repository

            repo = open_repository(settings, migrate=False)
            try:
                sources.append(product_source(repo, _describe_storage(settings)))
            finally:
                repo.close()
    if encoder == "auto":
        encoder = load_encoder(search.encoder, threads=search.encoder_threads, cache_size=0)
        if encoder is None and search.encoder != "none":
            notes.append("임베딩 모델을 불러오지 못해 키워드 색인만 만들었습니다.")
    before = _part_paths(index_dir)
    manifest = build_index(index_dir, sources, analyzer=analyzer or Analyzer(), encoder=encoder,
                           force=force, progress=progress, vector_cache_dir=search.vector_cache_dir)
    after = {k: v["path"] for k, v in manifest.get("parts", {}).items()}
    built = tuple(s.kind for s in sources if after.get(s.kind) != before.get(s.kind))
    unchanged = tuple(s.kind for s in sources if s.kind not in built)
    return BuildReport(manifest=manifest, built=built, unchanged=unchanged, notes=tuple(notes))


def _part_paths(index_dir: Path) -> dict[str, str]:
    try:
        manifest = read_manifest(index_dir) or {}
    except SearchIndexError:  # an unreadable old manifest is replaced anyway
        return {}
    return {k: v.get("path", "") for k, v in manifest.get("parts", {}).items()}


def _missing_database(settings: Settings) -> str | None:
    storage = settings.storage
    if storage.backend == "sqlite" and not storage.sqlite.database.exists():
        return f"데이터베이스 파일이 없습니다 ({storage.sqlite.database})"
    if storage.backend == "csv" and not (storage.csv.directory / "products.csv").exists():
        return f"상품 CSV가 없습니다 ({storage.csv.directory / 'products.csv'})"
    return None


def _describe_storage(settings: Settings) -> str:
    storage = settings.storage
    if storage.backend == "sqlite":
        return f"sqlite:{storage.sqlite.database}"
    if storage.backend == "csv":
        return f"csv:{storage.csv.directory}"
    return "postgres"
