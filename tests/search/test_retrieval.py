"""Ranking on the real policy corpus with the real model, and graceful degradation."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest

from ecommerce_agent.config import load_settings
from ecommerce_agent.search import encoder as encoder_module
from ecommerce_agent.search.analysis import Analyzer
from ecommerce_agent.search.encoder import CachedEncoder, load_encoder
from ecommerce_agent.search.retriever import MODES
from ecommerce_agent.search.snippet import flatten, make_snippet
from ecommerce_agent.search.store import IndexStore
from tests.search.support import FailingEncoder, FakeEncoder

# Phrasings written for these tests (not taken from the evaluation set).
QUESTIONS = [
    ("반품하면 배송비를 제가 내야 하나요", "return-shipping-fee"),
    ("비밀번호가 생각나지 않아요", "account-login"),
    ("현금영수증 발급 받고 싶어요", "cash-receipt"),
    ("배송지 주소를 바꾸고 싶습니다", "address-change"),
]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(("question", "doc_id"), QUESTIONS)
def test_every_mode_finds_the_relevant_document(real_store: IndexStore, mode: str, question: str,
                                                doc_id: str) -> None:
    results = real_store.search(question, mode=mode, top_k=3)  # type: ignore[arg-type]
    assert doc_id in [r.doc_id for r in results], [r.chunk_id for r in results]


def test_result_fields(real_store: IndexStore) -> None:
    results = real_store.search("반품 배송비", top_k=5)
    assert len(results) == 5
    assert [r.score for r in results] == sorted((r.score for r in results), reverse=True)
    assert len({r.doc_id for r in results}) == 5  # one chunk per document
    top = results[0]
    assert top.chunk_id.startswith(f"{top.doc_id}#")
    assert set(top.metadata) == {"category", "heading_path", "effective_date", "legal_basis", "source"}
    assert top.metadata["heading_path"][0] == top.title
    assert "배송비" in top.snippet and len(top.snippet) <= 125
    assert top.to_json()["chunk_id"] == top.chunk_id


def test_keyword_mode_returns_only_matching_chunks(real_store: IndexStore) -> None:
    assert real_store.search("zxqv qqq", mode="keyword") == []
    assert len(real_store.search("zxqv qqq", mode="hybrid")) == 5  # vectors always rank


def test_health_reports_the_loaded_index(real_store: IndexStore) -> None:
    health = real_store.health()
    assert health["status"] == "ok" and health["mode"] == "hybrid"
    assert health["documents"] >= 30 and health["chunks"] > health["documents"]
    assert health["built_at"].endswith("Z") and health["encoder"].startswith("intfloat/multilingual-e5-small")


def test_without_an_encoder_search_degrades_to_keyword(real_index: Path, analyzer: Analyzer) -> None:
    store = IndexStore(real_index, encoder=None, analyzer=analyzer)
    store.load()
    assert store.effective_mode("hybrid") == "keyword"
    results = store.search("반품하면 배송비를 제가 내야 하나요", mode="hybrid", top_k=3)
    assert "return-shipping-fee" in [r.doc_id for r in results]
    assert store.health()["status"] == "degraded" and store.health()["mode"] == "keyword"


def test_an_index_built_by_another_model_is_searched_by_keyword(real_index: Path, analyzer: Analyzer,
                                                                caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        store = IndexStore(real_index, encoder=FakeEncoder(), analyzer=analyzer)
        store.load()
    assert store.effective_mode() == "keyword"
    assert "임베딩 모델" in caplog.text


def test_an_encoder_failing_at_query_time_falls_back_to_keyword(fixture_index: Path, analyzer: Analyzer,
                                                                caplog: pytest.LogCaptureFixture) -> None:
    store = IndexStore(fixture_index, encoder=FailingEncoder(), analyzer=analyzer, query_encoder="e5")
    store.load()
    with caplog.at_level(logging.WARNING):
        results = store.search("제주 추가 배송비", mode="hybrid")
    assert results[0].doc_id == "shipping-fee"
    assert "키워드 검색으로 대신합니다" in caplog.text
    # the static encoder needs the model only for questions without a known word
    store = IndexStore(fixture_index, encoder=FailingEncoder(), analyzer=analyzer)
    store.load()
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        assert store.search("제주 추가 배송비", mode="hybrid")[0].doc_id == "shipping-fee"
        assert caplog.text == ""
        assert store.search("제주도", mode="hybrid")[0].doc_id == "shipping-fee"  # no known word
        assert "키워드 검색으로 대신합니다" in caplog.text


def test_a_model_that_cannot_load_means_keyword_mode(monkeypatch: pytest.MonkeyPatch, fixture_index: Path,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    def broken(**_: object) -> None:
        raise OSError("libgomp.so.1: cannot open shared object file")

    monkeypatch.setattr(encoder_module, "E5Encoder", broken)
    with caplog.at_level(logging.WARNING):
        assert load_encoder("e5-small") is None
    assert "키워드 검색만" in caplog.text and "libgomp" in caplog.text
    assert load_encoder("none") is None
    settings = load_settings(env={})
    store = IndexStore.from_settings(settings)
    store.index_dir = fixture_index
    store.load()
    assert store.effective_mode() == "keyword"
    assert store.search("반품 배송비")[0].doc_id == "return-policy"


def test_query_vectors_are_cached() -> None:
    inner = FakeEncoder()
    cached = CachedEncoder(inner, size=2)
    first = cached.encode_queries(["반품", "환불"])
    again = cached.encode_queries(["환불", "반품"])
    assert inner.queries_encoded == 2 and cached.hits == 2
    assert np.array_equal(first[0], again[1])
    cached.encode_queries(["교환"])  # evicts the least recently used: "환불"
    cached.encode_queries(["반품"])
    assert inner.queries_encoded == 3
    cached.encode_queries(["환불"])
    assert inner.queries_encoded == 4


def test_snippets_center_on_the_matched_words() -> None:
    text = ("가" * 200) + " 반품 배송비는 왕복 6,000원입니다. " + ("나" * 200)
    snippet = make_snippet(text, ["반품", "배송비"], width=60)
    assert "반품 배송비는" in snippet and snippet.startswith("…") and snippet.endswith("…")
    assert len(snippet) <= 62
    assert make_snippet("짧은 본문", ["없음"]) == "짧은 본문"
    assert flatten("| a | b |\n|---|---|\n| 1 | 2 |\n### 소제목\n본문") == "a | b 1 | 2 소제목 본문"
