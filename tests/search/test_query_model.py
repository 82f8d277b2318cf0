"""The static query encoder: built with the index from the real model, in the
passages' space, with the full model behind it for questions it cannot read."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import pytest

from ecommerce_agent.config import load_settings
from ecommerce_agent.search.analysis import Analyzer
from ecommerce_agent.search.index import MANIFEST, read_manifest
from ecommerce_agent.search.query_model import QueryModel, StaticQueryEncoder
from ecommerce_agent.search.store import IndexStore
from tests.search.support import DiskCachedEncoder, FakeEncoder, build_policies

# Phrasings written for these tests (not taken from the evaluation set).
PARAPHRASES = [
    ("상품을 돌려보내면 택배 요금은 누가 부담하나요", "return-shipping-fee"),
    ("로그인 암호를 잊어버렸어요", "account-login"),
    ("포인트는 언제 사라지나요", "points-policy"),
]


def _static(store: IndexStore) -> StaticQueryEncoder:
    snapshot = store._snapshot
    assert snapshot is not None and snapshot.policies is not None
    encoder = snapshot.policies.query_encoder
    assert isinstance(encoder, StaticQueryEncoder)
    return encoder


def test_the_real_index_carries_a_query_model_of_its_words(real_index: Path, real_store: IndexStore) -> None:
    manifest = read_manifest(real_index)
    assert manifest is not None
    info = manifest["parts"]["policies"]["query_model"]
    model = QueryModel.load(real_index / manifest["parts"]["policies"]["path"])
    assert info["words"] == len(model.words) > 500
    assert model.vectors.shape == (len(model.words), 384) and model.vectors.dtype == np.float32
    assert {"반품", "배송비", "환불", "비밀번호", "무배"} <= set(model.words)  # corpus and lexicon
    assert _static(real_store).model.words == model.words


def test_static_query_vectors_live_in_the_passage_space(real_store: IndexStore, e5: DiskCachedEncoder) -> None:
    static = _static(real_store)
    questions = [q for q, _ in PARAPHRASES]
    fast = static.encode_queries(questions)
    full = e5.encode_queries(questions)
    assert fast.shape == full.shape == (3, 384)
    assert np.allclose(np.linalg.norm(fast, axis=1), 1.0, atol=1e-5)
    # the chunks score alike whichever encoder embeds the question (0.75 or more measured)
    passages = _static(real_store).model, real_store._snapshot.policies.part.vectors  # type: ignore[union-attr]
    for static_vector, e5_vector in zip(fast, full):
        correlation = np.corrcoef(passages[1] @ static_vector, passages[1] @ e5_vector)[0, 1]
        assert correlation > 0.6, correlation


@pytest.mark.parametrize(("question", "doc_id"), PARAPHRASES)
def test_paraphrases_are_found_by_the_vectors_alone(real_store: IndexStore, question: str, doc_id: str) -> None:
    results = real_store.search(question, mode="embedding", top_k=3)
    assert doc_id in [r.doc_id for r in results], [r.chunk_id for r in results]


def test_a_question_without_a_known_word_goes_to_the_full_model(real_store: IndexStore) -> None:
    static = _static(real_store)
    before = static.fallbacks
    results = real_store.search("zxqv when will it arrive", mode="embedding", top_k=3)
    assert static.fallbacks == before + 1 and len(results) == 3
    real_store.search("반품 배송비 얼마예요", mode="hybrid")
    assert static.fallbacks == before + 1
    alone = StaticQueryEncoder(static.model, static.words, fallback=None)
    assert not alone.encode_queries(["zxqv"]).any()  # no fallback: no dense signal
    with pytest.raises(RuntimeError):
        alone.encode_passages(["본문"])


def test_the_e5_query_encoder_is_a_setting(real_index: Path, analyzer: Analyzer, e5: DiskCachedEncoder) -> None:
    store = IndexStore(real_index, encoder=e5, analyzer=analyzer, query_encoder="e5")
    store.load()
    snapshot = store._snapshot
    assert snapshot is not None and snapshot.policies is not None
    assert snapshot.policies.query_encoder is e5
    question, doc_id = PARAPHRASES[0]
    assert doc_id in [r.doc_id for r in store.search(question, top_k=3)]
    settings = load_settings(env={})
    assert settings.search.query_encoder == "static"
    assert IndexStore.from_settings(settings, encoder=None).query_encoder == "static"


def test_an_index_built_before_the_query_model_uses_e5_until_rebuilt(
        tmp_path: Path, analyzer: Analyzer, caplog: pytest.LogCaptureFixture) -> None:
    index_dir = tmp_path / "index"
    build_policies(index_dir, analyzer, FakeEncoder())
    manifest = json.loads((index_dir / MANIFEST).read_text(encoding="utf-8"))
    part = manifest["parts"]["policies"]
    del part["query_model"]  # what an older build wrote
    (index_dir / part["path"] / "query_model.npz").unlink()
    (index_dir / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    encoder = FakeEncoder()
    with caplog.at_level(logging.WARNING):
        store = IndexStore(index_dir, encoder=encoder, analyzer=analyzer)
        store.load()
    assert "정적 질문 인코더가 없어" in caplog.text
    assert store.search("제주 추가 배송비")[0].doc_id == "shipping-fee"
    assert encoder.queries_encoded == 1  # the full model embedded the question
    rebuilt = build_policies(index_dir, analyzer, FakeEncoder())  # same source, yet rebuilt
    assert rebuilt["parts"]["policies"]["path"] != part["path"]
    assert store.reload() is True
    assert store.search("제주 추가 배송비")[0].doc_id == "shipping-fee"
    assert encoder.queries_encoded == 1


def test_one_kiwi_pass_serves_every_reader_of_a_question(analyzer: Analyzer) -> None:
    terms, words = analyzer.analyze("무배 되나요")
    assert "배송" in terms and "무료" in words
    terms.append("changed")
    again = analyzer.analyze("무배 되나요")
    assert "changed" not in again[0]  # callers get copies
    assert analyzer.analyze_many(["무배 되나요"]) == [again]


def test_the_ridge_fit_is_the_same_solved_on_either_side() -> None:
    from scipy import sparse

    from ecommerce_agent.search.query_model import _ridge

    rng = np.random.default_rng(7)
    residual = rng.standard_normal((40, 6))
    for shape in ((40, 15), (40, 90)):  # more chunks than words (primal), fewer (dual)
        x = sparse.random(*shape, density=0.2, random_state=3, format="csr")
        dense = x.toarray()
        expected = np.linalg.solve(dense.T @ dense + 0.1 * np.eye(shape[1]), dense.T @ residual)
        assert np.allclose(_ridge(x, residual, 0.1), expected, atol=1e-8)
