"""`ecommerce-agent build-index`, `search` and `eval-search` as an operator runs them."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ecommerce_agent.cli import main
from ecommerce_agent.demo.generate import DemoShop, SeedPlan
from ecommerce_agent.search.index import MANIFEST
from ecommerce_agent.storage import open_sqlite
from tests.search.support import copy_fixture_corpus
from tests.support.cli import run_cli


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """The test's cwd (conftest chdirs there) with a config for keyword-only search."""
    copy_fixture_corpus(tmp_path / "data" / "policies")
    (tmp_path / "configs").mkdir()
    (tmp_path / "configs" / "app.yaml").write_text(
        "search:\n  encoder: none\n  top_k: 3\n", encoding="utf-8")
    return tmp_path


def test_build_then_search(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build-index"]) == 0
    out, err = capsys.readouterr()
    assert "policies" in out and "새로 만듦" in out and "data/processed" in out
    assert "상품 색인을 건너뜁니다" in err
    assert (workdir / "data" / "processed" / MANIFEST).exists()

    assert main(["search", "반품 배송비"]) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert lines[0].split() == ["순위", "점수", "문서", ">", "섹션", "발췌"]
    assert lines[2].lstrip().startswith("1 ") and "반품 정책 > 반품 배송비" in lines[2]
    assert "왕복 6,000원" in out
    assert "keyword 모드로 검색했습니다" in err  # configured hybrid, no encoder

    assert main(["search", "제주 추가 배송비", "--json", "--top-k", "1", "--mode", "keyword"]) == 0
    results = json.loads(capsys.readouterr().out)
    assert len(results) == 1 and results[0]["doc_id"] == "shipping-fee"
    assert set(results[0]) == {"chunk_id", "doc_id", "title", "text", "snippet", "score", "metadata"}

    assert main(["build-index"]) == 0
    assert "변경 없음" in capsys.readouterr().out


def test_product_search_after_seeding(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = open_sqlite(workdir / "data" / "ecommerce.db")
    plan = SeedPlan(anchor=datetime(2026, 11, 26, 3, tzinfo=UTC), users=10, products=30, orders=0,
                    with_demo_accounts=False)
    repo.load_tables(DemoShop(plan).batches())
    repo.close()
    assert main(["build-index"]) == 0
    out = capsys.readouterr().out
    assert "products" in out and "30" in out
    assert main(["search", "--products", "3만원 이하", "--top-k", "5"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == ["순위", "점수", "상품", "상품명", "카테고리", "가격", "재고"]
    prices = [int(line.split()[-2].replace(",", "")) for line in out.splitlines()[2:]]
    assert prices and prices == sorted(prices) and max(prices) <= 30_000


def test_clear_errors(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "반품"]) == 1
    assert "build-index" in capsys.readouterr().err
    assert main(["build-index"]) == 0
    capsys.readouterr()
    assert main(["search", "--products", "이어폰"]) == 1
    assert "상품 검색 색인이 없습니다" in capsys.readouterr().err
    assert main(["search", "반품", "--max-price", "1000"]) == 2
    assert "--products" in capsys.readouterr().err


def test_a_malformed_document_stops_the_build_and_keeps_the_index(
        workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build-index"]) == 0
    manifest = (workdir / "data" / "processed" / MANIFEST).read_bytes()
    bad = workdir / "data" / "policies" / "shipping-fee.md"
    bad.write_text(bad.read_text(encoding="utf-8").replace("id: shipping-fee", "id: shipping"),
                   encoding="utf-8")
    capsys.readouterr()
    assert main(["build-index"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("오류: shipping-fee.md:2: id 'shipping'") and "\n" not in err
    assert (workdir / "data" / "processed" / MANIFEST).read_bytes() == manifest


def test_eval_search_reports_each_mode(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    questions = workdir / "eval.jsonl"
    questions.write_text("\n".join(json.dumps(q, ensure_ascii=False) for q in [
        {"id": "q1", "question": "반품 배송비 얼마", "relevant_doc_ids": ["return-policy"], "topic": "return"},
        {"id": "q2", "question": "제주 추가 배송비", "relevant_doc_ids": ["shipping-fee"], "topic": "shipping"},
        {"id": "q3", "question": "적립금 소멸", "relevant_doc_ids": ["points-policy"], "topic": "points"},
        {"id": "q4", "question": "주문 취소 수수료", "relevant_doc_ids": ["order-cancellation"], "topic": "x"},
    ]) + "\n", encoding="utf-8")
    assert main(["build-index"]) == 0
    capsys.readouterr()
    assert main(["eval-search", "--file", str(questions), "--misses", "--by-topic"]) == 0
    out = capsys.readouterr().out
    rows = {line.split()[0]: line.split() for line in out.splitlines()[2:5]}
    assert rows["keyword"][1:5] == ["0.750", "0.750", "0.750", "4"]
    assert "(→" in " ".join(rows["hybrid"])  # no encoder: hybrid ran as keyword
    assert "[keyword] q4 주문 취소 수수료" in out and "shipping" in out


def test_the_operations_script_runs_build_index(tmp_path: Path) -> None:
    result = run_cli("--help", cwd=tmp_path, script="scripts/04_build_index.py", timeout=60)
    assert result.returncode == 0 and "--only" in result.stdout and "--no-embeddings" in result.stdout
