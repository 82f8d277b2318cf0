"""Building, swapping and reloading the index: readers never see half of a build."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import numpy as np
import pytest

from ecommerce_agent.search.analysis import Analyzer
from ecommerce_agent.search.errors import CorpusError, SearchIndexError
from ecommerce_agent.search.index import MANIFEST, build_index, read_manifest
from ecommerce_agent.search.store import IndexStore
from tests.search.support import (ExplodingEncoder, FakeEncoder, build_policies,
                                  copy_fixture_corpus)


def _part_dirs(index_dir: Path) -> list[str]:
    return sorted(p.name for p in index_dir.iterdir() if p.is_dir() and not p.name.startswith("."))


def test_build_writes_chunks_bm25_vectors_and_manifest(fixture_index: Path) -> None:
    manifest = json.loads((fixture_index / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["format_version"] == 1
    assert (manifest["documents"], manifest["chunks"]) == (3, 8)
    assert len(manifest["corpus_hash"]) == 16 and manifest["built_at"].endswith("Z")
    part = manifest["parts"]["policies"]
    assert part["encoder"] == {"name": "fake-bigram-hash", "version": "1", "dim": 256}
    assert part["analyzer"]["name"] == "kiwi-content-morphemes"
    directory = fixture_index / part["path"]
    rows = [json.loads(line) for line in (directory / "chunks.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 8 and rows[0]["metadata"]["category"] == "points"
    vectors = np.load(directory / "vectors.npy")
    assert vectors.shape == (8, 256) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert (directory / "bm25" / "vocab.index.json").exists()
    assert part["query_model"]["kind"] == "static-words" and part["query_model"]["words"] > 20
    with np.load(directory / "query_model.npz") as model:
        assert model["vectors"].shape == (part["query_model"]["words"], 256)
        assert "배송비" in set(model["words"].tolist())
    assert not list(fixture_index.glob(".tmp-*"))


def test_unchanged_sources_are_not_rebuilt(fixture_index: Path, analyzer: Analyzer) -> None:
    before = (fixture_index / MANIFEST).read_bytes()
    encoder = FakeEncoder()
    build_policies(fixture_index, analyzer, encoder)
    assert (fixture_index / MANIFEST).read_bytes() == before
    assert encoder.passages_encoded == 0
    forced = build_policies(fixture_index, analyzer, encoder, force=True)
    assert forced["parts"]["policies"]["path"] != json.loads(before)["parts"]["policies"]["path"]
    assert encoder.passages_encoded == 0  # every vector came from the vector cache
    assert encoder.queries_encoded == 0  # ... and every word vector of the query model


def test_a_rebuild_embeds_only_changed_text(tmp_path: Path, analyzer: Analyzer) -> None:
    corpus = copy_fixture_corpus(tmp_path / "policies")
    index_dir = tmp_path / "index"
    first = FakeEncoder()
    build_policies(index_dir, analyzer, first, policies=corpus)
    assert first.passages_encoded == 8
    path = corpus / "shipping-fee.md"
    path.write_text(path.read_text(encoding="utf-8").replace("5,000원", "6,000원"), encoding="utf-8")
    second = FakeEncoder()
    build_policies(index_dir, analyzer, second, policies=corpus)
    assert second.passages_encoded == 1


def test_a_malformed_document_leaves_the_old_index_untouched(tmp_path: Path, analyzer: Analyzer) -> None:
    corpus = copy_fixture_corpus(tmp_path / "policies")
    index_dir = tmp_path / "index"
    build_policies(index_dir, analyzer, FakeEncoder(), policies=corpus)
    before = (index_dir / MANIFEST).read_bytes()
    parts_before = _part_dirs(index_dir)
    bad = corpus / "shipping-fee.md"
    bad.write_text(bad.read_text(encoding="utf-8").replace("effective_date: 2026-01-01",
                                                           "effective_date: 2026-02-30"), encoding="utf-8")
    with pytest.raises(CorpusError, match=r"^shipping-fee\.md:5: effective_date"):
        build_policies(index_dir, analyzer, FakeEncoder(), policies=corpus)
    assert (index_dir / MANIFEST).read_bytes() == before
    assert _part_dirs(index_dir) == parts_before


def test_a_build_failing_half_way_leaves_the_old_index_serving(tmp_path: Path, analyzer: Analyzer) -> None:
    corpus = copy_fixture_corpus(tmp_path / "policies")
    index_dir = tmp_path / "index"
    build_policies(index_dir, analyzer, FakeEncoder(), policies=corpus)
    store = IndexStore(index_dir, encoder=FakeEncoder(), analyzer=analyzer)
    store.load()
    before = (index_dir / MANIFEST).read_bytes()
    parts_before = _part_dirs(index_dir)
    (corpus / "shipping-fee.md").unlink()
    with pytest.raises(RuntimeError, match="out of memory"):  # another model: nothing cached
        build_policies(index_dir, analyzer, ExplodingEncoder(after=3), policies=corpus, force=True)
    assert (index_dir / MANIFEST).read_bytes() == before
    assert _part_dirs(index_dir) == parts_before
    assert not list(index_dir.glob(".tmp-*"))
    assert store.reload_if_changed() is False
    assert store.search("제주 추가 배송비")[0].doc_id == "shipping-fee"


def test_reload_picks_up_a_new_build_and_old_readers_keep_working(tmp_path: Path, analyzer: Analyzer) -> None:
    corpus = copy_fixture_corpus(tmp_path / "policies")
    index_dir = tmp_path / "index"
    build_policies(index_dir, analyzer, FakeEncoder(), policies=corpus)
    old_reader = IndexStore(index_dir, encoder=FakeEncoder(), analyzer=analyzer)
    old_reader.load()
    reader = IndexStore(index_dir, encoder=FakeEncoder(), analyzer=analyzer)
    reader.load()
    assert reader.health()["documents"] == 3
    assert reader.reload() is False  # nothing new

    (corpus / "gift-wrapping.md").write_text(
        "---\nid: gift-wrapping\ntitle: 선물 포장 안내\ncategory: order\neffective_date: 2026-03-01\n---\n\n"
        "# 선물 포장 안내\n\n## 포장 비용\n선물 포장은 상품 1개당 2,000원입니다.\n", encoding="utf-8")
    build_policies(index_dir, analyzer, FakeEncoder(), policies=corpus)
    assert reader.reload_if_changed() is True
    assert reader.health()["documents"] == 4
    assert reader.search("선물 포장 비용", mode="keyword")[0].doc_id == "gift-wrapping"
    assert reader.reload_if_changed() is False

    # two more builds: the first generation's files are deleted, but a process that
    # loaded it long ago still answers from memory
    build_policies(index_dir, analyzer, FakeEncoder(), policies=corpus, force=True)
    build_policies(index_dir, analyzer, FakeEncoder(), policies=corpus, force=True)
    assert len(_part_dirs(index_dir)) == 2  # current + previous generation
    assert old_reader.health()["documents"] == 3
    assert old_reader.search("반품 배송비")[0].doc_id == "return-policy"
    assert old_reader.reload_if_changed() is True and old_reader.health()["documents"] == 4


def test_searches_during_a_reload_see_one_whole_index(tmp_path: Path, analyzer: Analyzer) -> None:
    corpus = copy_fixture_corpus(tmp_path / "policies")
    index_dir = tmp_path / "index"
    build_policies(index_dir, analyzer, FakeEncoder(), policies=corpus)
    store = IndexStore(index_dir, encoder=FakeEncoder(), analyzer=analyzer)
    store.load()
    errors: list[BaseException] = []
    stop = threading.Event()

    def searcher() -> None:
        while not stop.is_set():
            try:
                results = store.search("반품 배송비 얼마")
                assert results and results[0].doc_id == "return-policy"
            except BaseException as exc:  # noqa: BLE001 - collected for the main thread
                errors.append(exc)
                return

    threads = [threading.Thread(target=searcher) for _ in range(2)]
    for t in threads:
        t.start()
    for _ in range(3):
        build_policies(index_dir, analyzer, FakeEncoder(), policies=corpus, force=True)
        store.reload()
    stop.set()
    for t in threads:
        t.join()
    assert errors == []


def test_missing_or_foreign_index_is_a_clear_error(tmp_path: Path, analyzer: Analyzer) -> None:
    store = IndexStore(tmp_path / "nothing", analyzer=analyzer)
    with pytest.raises(SearchIndexError, match="build-index"):
        store.load()
    assert store.health()["status"] == "unavailable"
    with pytest.raises(SearchIndexError, match="불러오지 않았습니다"):
        store.search("반품")
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / MANIFEST).write_text('{"format_version": 0}', encoding="utf-8")
    with pytest.raises(SearchIndexError, match="형식"):
        read_manifest(tmp_path / "old")


def test_an_index_from_another_analyser_is_refused(fixture_index: Path) -> None:
    store = IndexStore(fixture_index, encoder=FakeEncoder(), analyzer=Analyzer(noun_bigrams=False))
    with pytest.raises(SearchIndexError, match="형태소 분석"):
        store.load()


def test_one_build_at_a_time(fixture_index: Path, analyzer: Analyzer) -> None:
    import fcntl

    with open(fixture_index / ".build.lock", "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        with pytest.raises(SearchIndexError, match="진행 중"):
            build_policies(fixture_index, analyzer, FakeEncoder(), force=True)


def test_keyword_only_build_and_other_parts_are_kept(tmp_path: Path, analyzer: Analyzer) -> None:
    index_dir = tmp_path / "index"
    build_policies(index_dir, analyzer, None)
    manifest = read_manifest(index_dir)
    assert manifest is not None and manifest["parts"]["policies"]["encoder"] is None
    assert manifest["parts"]["policies"]["query_model"] is None
    assert not (index_dir / manifest["parts"]["policies"]["path"] / "vectors.npy").exists()
    assert not (index_dir / manifest["parts"]["policies"]["path"] / "query_model.npz").exists()
    # building another part keeps this one
    manifest = build_index(index_dir, [], analyzer=analyzer, encoder=None)
    assert set(manifest["parts"]) == {"policies"}


def test_a_failure_at_the_commit_point_changes_nothing(tmp_path: Path, analyzer: Analyzer,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from ecommerce_agent.search import index as index_module

    index_dir = tmp_path / "index"
    build_policies(index_dir, analyzer, FakeEncoder())
    before = (index_dir / MANIFEST).read_bytes()
    parts_before = _part_dirs(index_dir)

    def disk_full(path: Path, data: dict) -> None:  # type: ignore[type-arg]
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(index_module, "_replace_json", disk_full)
    with pytest.raises(OSError, match="No space"):
        build_policies(index_dir, analyzer, FakeEncoder(), force=True)
    assert (index_dir / MANIFEST).read_bytes() == before
    assert _part_dirs(index_dir) == parts_before
    assert not list(index_dir.glob(".tmp-*"))
