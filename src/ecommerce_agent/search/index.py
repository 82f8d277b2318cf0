"""The on-disk index: building it, swapping it in atomically, loading it.

Layout of ``search.index_dir`` (default ``data/processed/``)::

    manifest.json                        the one pointer readers follow
    policies-<build id>/                 one directory per built part ...
        chunks.jsonl                     chunk records (text, metadata, text hash)
        bm25/                            bm25s index over analyser terms
        vectors.npy                      float32 (chunks × dim), L2-normalised; absent
                                         when the part was built without an encoder
        query_model.npz                  the static query encoder distilled from the
                                         encoder for this part's words (query_model.py)
    products-<build id>/                 ... the product catalog, same machinery
    .vector-cache/                       passage (and vocabulary word) vectors by text
                                         hash (rebuilds re-embed only changed text)
    .tmp-<build id>/                     a build in progress
    .build.lock                          one build at a time

Why a manifest and not a directory rename: a non-empty directory cannot be
atomically replaced on POSIX. A build writes its parts into ``.tmp-<id>/``,
renames each finished part next to the live ones, then replaces
``manifest.json`` in one ``os.replace`` -- the commit point. A reader that reads
the manifest always finds complete parts; a build that fails at any step
removes its own directories and leaves the manifest, and so the live index,
untouched. Parts of the previous manifest are kept one more generation for
readers that loaded it just before the swap; older ones are deleted.

A part whose source is unchanged (same corpus hash, analyser and encoder) is
not rebuilt: the new manifest points at the existing directory.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from .analysis import Analyzer
from .encoder import Encoder, VectorCache, encode_with_cache
from .errors import SearchIndexError
from .query_model import QUERY_MODEL_VERSION, QueryModel, distill
from .types import Chunk, content_hash

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
PART_KINDS = ("policies", "products")
Progress = Callable[[str, int], Any]  # (label, total) -> context manager yielding update(n)


@dataclass(frozen=True, slots=True)
class PartSource:
    """What to build one part from."""

    kind: str  # "policies" | "products"
    chunks: Sequence[Chunk]
    source_hash: str  # changes whenever the source (documents, product rows) changes
    documents: int
    origin: str  # for people: "data/policies", "sqlite:data/ecommerce.db"


@dataclass(frozen=True, slots=True)
class LoadedPart:
    """One part in memory: everything a search needs, nothing read lazily."""

    kind: str
    chunks: list[Chunk]
    bm25: Any  # bm25s.BM25
    vectors: np.ndarray | None
    info: dict[str, Any]  # this part's manifest entry
    query_model: QueryModel | None = None  # absent in parts built before it existed

    @property
    def encoder_key(self) -> tuple[str, str, int] | None:
        enc = self.info.get("encoder")
        return None if enc is None else (enc["name"], enc["version"], int(enc["dim"]))


def read_manifest(index_dir: Path) -> dict[str, Any] | None:
    path = index_dir / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise SearchIndexError(f"검색 색인 manifest를 읽을 수 없습니다 ({path}): {exc}") from None
    if not isinstance(data, dict) or data.get("format_version") != FORMAT_VERSION:
        raise SearchIndexError(f"검색 색인 형식이 다릅니다 ({path}: format_version "
                               f"{data.get('format_version') if isinstance(data, dict) else '?'}, "
                               f"필요: {FORMAT_VERSION}). `ecommerce-agent build-index`로 다시 만드세요.")
    return data


def build_index(index_dir: Path, sources: Sequence[PartSource], *, analyzer: Analyzer,
                encoder: Encoder | None, force: bool = False, progress: Progress | None = None,
                vector_cache_dir: Path | None = None) -> dict[str, Any]:
    """Build ``sources`` (other parts of the live manifest are kept) and swap them in.
    Returns the new manifest. Raises ``SearchIndexError`` if another build holds the lock.
    ``vector_cache_dir`` (default ``<index_dir>/.vector-cache``) keeps passage vectors
    by text hash, so unchanged text is never embedded twice."""
    index_dir.mkdir(parents=True, exist_ok=True)
    vector_cache_dir = vector_cache_dir or index_dir / ".vector-cache"
    with _build_lock(index_dir):
        previous = _previous_manifest(index_dir)
        build_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + os.urandom(3).hex()
        tmp = index_dir / f".tmp-{build_id}"
        _remove_stale_tmp(index_dir)
        parts: dict[str, Any] = dict((previous or {}).get("parts", {}))
        created: list[Path] = []
        committed = False
        try:
            tmp.mkdir()
            for source in sources:
                old = parts.get(source.kind)
                wanted = _part_identity(source, analyzer, encoder)
                if (not force and old is not None and _part_identity_of(old) == wanted
                        and (index_dir / old["path"]).is_dir()):
                    log.info("%s 색인은 변경이 없어 그대로 둡니다", source.kind)
                    continue
                started = time.perf_counter()
                info = _build_part(tmp / source.kind, source, analyzer, encoder, vector_cache_dir,
                                   progress)
                info["build_seconds"] = round(time.perf_counter() - started, 3)
                final = index_dir / f"{source.kind}-{build_id}"
                os.rename(tmp / source.kind, final)
                created.append(final)
                info["path"] = final.name
                parts[source.kind] = info
            if previous is not None and not created:
                return previous  # nothing changed: readers need not reload
            manifest = _manifest(parts)
            _replace_json(index_dir / MANIFEST, manifest)  # the commit point
            committed = True
        except BaseException:
            if not committed:
                for path in created:
                    shutil.rmtree(path, ignore_errors=True)
            raise
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        _fsync_dir(index_dir)
        _collect_garbage(index_dir, keep={p["path"] for p in parts.values()}
                         | {p["path"] for p in (previous or {}).get("parts", {}).values()})
        return manifest


def load_part(index_dir: Path, info: dict[str, Any]) -> LoadedPart:
    import bm25s

    directory = index_dir / info["path"]
    try:
        with open(directory / "chunks.jsonl", encoding="utf-8") as handle:
            chunks = [Chunk.from_json(json.loads(line)) for line in handle if line.strip()]
        bm25 = bm25s.BM25.load(str(directory / "bm25"), mmap=False, show_progress=False)
        vectors = query_model = None
        if info.get("encoder") is not None:
            vectors = np.load(directory / "vectors.npy")
            if vectors.shape != (len(chunks), int(info["encoder"]["dim"])):
                raise ValueError(f"vectors.npy 크기 {vectors.shape}가 청크 수와 맞지 않습니다")
            if info.get("query_model") is not None:
                query_model = QueryModel.load(directory)
                if query_model.vectors.shape[1] != vectors.shape[1]:
                    raise ValueError(f"query_model.npz 차원 {query_model.vectors.shape[1]}이 "
                                     f"vectors.npy와 다릅니다")
    except (OSError, ValueError, KeyError) as exc:
        raise SearchIndexError(f"검색 색인을 불러올 수 없습니다 ({directory}): {exc}") from None
    if len(chunks) != info.get("chunks"):
        raise SearchIndexError(f"검색 색인이 손상되었습니다 ({directory}): 청크 수가 manifest와 다릅니다")
    _quiet_bm25s()
    return LoadedPart(kind=info["kind"], chunks=chunks, bm25=bm25, vectors=vectors, info=info,
                      query_model=query_model)


def _build_part(directory: Path, source: PartSource, analyzer: Analyzer, encoder: Encoder | None,
                vector_cache_dir: Path, progress: Progress | None) -> dict[str, Any]:
    import bm25s

    _quiet_bm25s()
    directory.mkdir(parents=True)
    chunks = list(source.chunks)
    texts = [c.retrieval_text for c in chunks]
    keyword_texts = [c.keyword_text for c in chunks]
    with _progress(progress, f"{source.kind} 형태소 분석", len(texts)) as update:
        terms: list[list[str]] = []
        words: list[list[str]] = []
        for start in range(0, len(texts), 256):
            for chunk_terms, chunk_words in analyzer.analyze_many(keyword_texts[start:start + 256]):
                terms.append(chunk_terms)
                words.append(chunk_words)
            update(len(keyword_texts[start:start + 256]))
    bm25 = bm25s.BM25()
    bm25.index(terms, show_progress=False)
    bm25.save(str(directory / "bm25"), show_progress=False)
    info: dict[str, Any] = {
        "kind": source.kind, "built_at": _now(), "source_hash": source.source_hash,
        "origin": source.origin, "documents": source.documents, "chunks": len(chunks),
        "analyzer": analyzer.signature, "encoder": None, "query_model": None,
    }
    if encoder is not None:
        with _progress(progress, f"{source.kind} 임베딩", len(texts)) as update:
            vectors = encode_with_cache(encoder, texts, [c.text_hash for c in chunks],
                                        VectorCache(vector_cache_dir, encoder, source.kind),
                                        progress=update)
        np.save(directory / "vectors.npy", vectors.astype(np.float32))
        info["encoder"] = {"name": encoder.name, "version": encoder.version, "dim": encoder.dim}
        vocabulary = len({w for chunk_words in words for w in chunk_words} | analyzer.lexicon_words)
        with _progress(progress, f"{source.kind} 질문 인코더(단어)", vocabulary) as update:
            query_model = distill(words, vectors, encoder,
                                  VectorCache(vector_cache_dir, encoder, f"{source.kind}-words"),
                                  extra_words=analyzer.lexicon_words, progress=update)
        query_model.save(directory)
        info["query_model"] = query_model.info
    with open(directory / "chunks.jsonl", "w", encoding="utf-8") as handle:
        for chunk in chunks:
            handle.write(json.dumps(chunk.to_json(), ensure_ascii=False) + "\n")
    _fsync_tree(directory)
    return info


def _manifest(parts: dict[str, Any]) -> dict[str, Any]:
    policies = parts.get("policies", {})
    return {
        "format_version": FORMAT_VERSION,
        "built_at": max((p["built_at"] for p in parts.values()), default=_now()),
        # summary of the policy part, what /health and people look at first
        "corpus_hash": policies.get("source_hash"),
        "documents": policies.get("documents", 0),
        "chunks": policies.get("chunks", 0),
        "parts": parts,
    }


def _part_identity(source: PartSource, analyzer: Analyzer, encoder: Encoder | None) -> str:
    enc = None if encoder is None else [encoder.name, encoder.version, encoder.dim, QUERY_MODEL_VERSION]
    return json.dumps([source.source_hash, analyzer.signature, enc], sort_keys=True)


def _part_identity_of(info: dict[str, Any]) -> str:
    enc = info.get("encoder")
    query_model = (info.get("query_model") or {}).get("version")
    enc_key = None if enc is None else [enc["name"], enc["version"], enc["dim"], query_model]
    return json.dumps([info.get("source_hash"), info.get("analyzer"), enc_key], sort_keys=True)


def _previous_manifest(index_dir: Path) -> dict[str, Any] | None:
    try:
        return read_manifest(index_dir)
    except SearchIndexError as exc:
        log.warning("기존 색인 manifest를 무시하고 새로 만듭니다: %s", exc)
        return None


@contextlib.contextmanager
def _build_lock(index_dir: Path) -> Iterator[None]:
    with open(index_dir / ".build.lock", "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SearchIndexError(f"다른 색인 작업이 진행 중입니다 ({index_dir}). "
                                   "끝난 뒤 다시 실행하세요.") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _remove_stale_tmp(index_dir: Path) -> None:
    """Left-overs of builds that crashed (we hold the lock: none is running)."""
    for path in index_dir.glob(".tmp-*"):
        shutil.rmtree(path, ignore_errors=True)


def _collect_garbage(index_dir: Path, keep: set[str]) -> None:
    for path in index_dir.iterdir():
        if path.is_dir() and path.name.split("-", 1)[0] in PART_KINDS and path.name not in keep:
            shutil.rmtree(path, ignore_errors=True)


def _replace_json(path: Path, data: dict[str, Any]) -> None:
    """Write to a temporary file, fsync, rename over ``path``: readers see the old
    file or the new one, never part of one."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(data, handle, ensure_ascii=False, indent=2)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _fsync_tree(directory: Path) -> None:
    for path in directory.rglob("*"):
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
    _fsync_dir(directory)


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def _progress(progress: Progress | None, label: str, total: int) -> Iterator[Callable[[int], object]]:
    if progress is None:
        yield lambda n: None
    else:
        with progress(label, total) as update:
            yield update


def _quiet_bm25s() -> None:
    """bm25s sets its own logger to DEBUG; keep its chatter out of our logs."""
    logging.getLogger("bm25s").setLevel(logging.WARNING)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def product_source_hash(rows: Sequence[dict[str, Any]]) -> str:
    return content_hash(json.dumps(rows, ensure_ascii=False, sort_keys=True, default=str), 16)
