"""The aspect reranker (aspects.py): what a question asks about, matched against headings."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from ecommerce_agent.search.analysis import Analyzer
from ecommerce_agent.search.aspects import AspectReranker, heading_aspects, question_aspects
from ecommerce_agent.search.retriever import MODES
from ecommerce_agent.search.store import IndexStore
from ecommerce_agent.search.types import Chunk
from tests.search.support import DiskCachedEncoder


@pytest.mark.parametrize(("question", "aspects"), [
    ("교환은 며칠 안에 해야 하나요?", {"time"}),
    ("환불 언제 들어와요", {"time"}),
    ("반품 몇일안에 해야돼요?", {"time"}),  # no spaces, misspelt 며칠
    ("how long does a refund take", {"time"}),
    ("배송 얼마나 걸려요", {"time"}),  # 얼마나 걸려: how long, not how much
    ("선물포장비 얼마에요", {"cost"}),
    ("취소 수수료 있나요", {"cost"}),
    ("반품 신청 어떻게 해요", {"method"}),
    ("쿠폰번호 어디에 입력해요", {"method"}),
    ("반품하면 적립금은 어떻게 돼요", set()),  # what happens, not how to
    ("반품비 누가 내요", {"payer"}),
    ("반품 배송비 얼마고 누가 부담해요?", {"cost", "payer"}),
    ("상담원 연결해줘", set()),
])
def test_question_aspects(question: str, aspects: set[str]) -> None:
    assert question_aspects(question) == aspects


@pytest.mark.parametrize(("heading", "aspects"), [
    ("단순 변심 교환 신청 기간", {"time"}),
    ("환불 처리 기한(3영업일)", {"time"}),
    ("신용카드·체크카드 환불 소요 기간", {"time"}),
    ("교환 배송비 부담 기준", {"cost", "payer"}),
    ("마이페이지 교환 신청 방법", {"method"}),
    ("Q. 환불은 언제 받을 수 있나요?", {"time"}),
    ("Q. 무통장입금 기한이 지나면 어떻게 되나요?", {"time"}),  # 어떻게 되나요: not a method
    ("교환 상품 재출고 및 배송", set()),
])
def test_heading_aspects(heading: str, aspects: set[str]) -> None:
    assert heading_aspects(heading) == aspects


def _chunk(doc_id: str, title: str, heading: str) -> Chunk:
    return Chunk(chunk_id=f"{doc_id}#01", doc_id=doc_id, title=title, heading=(heading,), text="본문")


def test_reranker_moves_the_matching_heading_up_within_the_shortlist() -> None:
    chunks = [_chunk("a", "교환 정책", "교환 상품 재출고 및 배송"),
              _chunk("b", "교환 정책", "단순 변심 교환 신청 기간"),
              _chunk("c", "배송 기간 안내", "출고 기준"),  # aspect in the title only: half the bonus
              _chunk("d", "교환 정책", "교환 신청 기간")]  # outside the shortlist
    reranker = AspectReranker(chunks, weight=0.15, depth=3)
    scores = np.array([1.0, 0.9, 0.9, 0.05], dtype=np.float32)
    eligible = np.ones(4, dtype=bool)
    out = reranker.rerank("교환 며칠 안에 해요?", scores, eligible)
    unit = 1.0 - 0.05
    assert out[1] == pytest.approx(0.9 + 0.15 * unit)
    assert out[2] == pytest.approx(0.9 + 0.075 * unit)
    assert out[0] == pytest.approx(1.0) and out[3] == pytest.approx(0.05)
    assert scores[1] == pytest.approx(0.9)  # the first-stage scores are not modified
    # no aspect in the question, no weight, nothing eligible: the scores come back as they are
    assert reranker.rerank("교환 되나요", scores, eligible) is scores
    assert AspectReranker(chunks, weight=0.0).rerank("교환 며칠?", scores, eligible) is scores
    assert reranker.rerank("교환 며칠?", scores, np.zeros(4, dtype=bool)) is scores


def test_only_eligible_chunks_gain() -> None:
    chunks = [_chunk("a", "반품 정책", "반품 신청 방법"), _chunk("b", "반품 정책", "반품 신청 기간")]
    reranker = AspectReranker(chunks, weight=0.15)
    out = reranker.rerank("반품 언제까지?", np.array([0.5, 0.4], dtype=np.float32), np.array([True, False]))
    assert out[1] == pytest.approx(0.4)


@pytest.fixture(scope="module")
def plain_store(real_index: Path, analyzer: Analyzer, e5: DiskCachedEncoder) -> IndexStore:
    store = IndexStore(real_index, encoder=e5, analyzer=analyzer, aspect_weight=0.0)
    store.load()
    return store


def test_issue_examples_put_the_section_asked_about_first(real_store: IndexStore,
                                                          plain_store: IndexStore) -> None:
    # issue #3: the window of the exchange policy, not the re-dispatch of the exchange process
    top = real_store.search("교환은 며칠 안에 해야 하나요?", top_k=3)[0]
    assert top.doc_id == "exchange-policy" and "기간" in top.metadata["heading_path"][-1]
    assert plain_store.search("교환은 며칠 안에 해야 하나요?", top_k=3)[0].doc_id != "exchange-policy"
    # the refund deadline, not the delay-interest scheme
    top = real_store.search("환불 언제 들어와요", top_k=3)[0]
    assert top.metadata["heading_path"] == ["환불 정책", "환불 처리 기한(3영업일)"]
    assert "3영업일" in top.text


@pytest.mark.parametrize("mode", MODES)
def test_a_question_without_aspect_ranks_as_before(real_store: IndexStore, plain_store: IndexStore,
                                                    mode: str) -> None:
    question = "상담원 연결해줘"
    assert [r.chunk_id for r in real_store.search(question, mode=mode)] == \
        [r.chunk_id for r in plain_store.search(question, mode=mode)]  # type: ignore[arg-type]


def test_products_are_not_reranked(real_store: IndexStore) -> None:
    policies = real_store._require().policies
    assert policies is not None and policies.reranker is not None
    assert real_store.aspect_weight > 0
    assert real_store._retriever(policies.part).reranker is not None
    products_part = replace(policies.part, kind="products")
    assert real_store._retriever(products_part).reranker is None
