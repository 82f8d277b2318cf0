"""Policy documents: front matter, chunking by heading, stable ids, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecommerce_agent.search.corpus import chunk_corpus, corpus_hash, load_corpus, parse_document
from ecommerce_agent.search.errors import CorpusError
from tests.search.support import FIXTURE_POLICIES, copy_fixture_corpus

GOOD = """---
id: {id}
title: 반품 정책
category: return
effective_date: 2026-01-01
---

# 반품 정책

## 반품 가능 기간
받으신 날부터 7일 이내.
"""


def test_fixture_corpus_parses_with_metadata() -> None:
    docs = load_corpus(FIXTURE_POLICIES)
    assert [d.doc_id for d in docs] == ["points-policy", "return-policy", "shipping-fee"]
    ret = docs[1]
    assert ret.title == "반품 정책" and ret.category == "return"
    assert ret.effective_date.isoformat() == "2026-01-01"
    assert ret.legal_basis == "전자상거래 등에서의 소비자보호에 관한 법률 제17조"
    assert docs[2].legal_basis is None


def test_one_chunk_per_section_with_title_and_heading_path() -> None:
    chunks = load_corpus(FIXTURE_POLICIES)[1].chunks()
    assert [c.heading for c in chunks] == [(), ("반품 가능 기간",), ("반품 배송비",), ("반품 불가 상품",)]
    fee = chunks[2]
    assert fee.retrieval_text.startswith("반품 정책 > 반품 배송비\n단순 변심으로")
    assert "| 무료배송 | 왕복 6,000원 |" in fee.text  # the table stays with its section
    assert fee.metadata == {"kind": "policy", "category": "return",
                            "heading_path": ["반품 정책", "반품 배송비"], "effective_date": "2026-01-01",
                            "legal_basis": "전자상거래 등에서의 소비자보호에 관한 법률 제17조",
                            "source": "return-policy.md:16"}
    assert chunks[0].text == "이 문서는 반품 기준을 설명합니다."  # the introduction


def test_sub_headings_stay_in_their_section() -> None:
    chunks = load_corpus(FIXTURE_POLICIES)[0].chunks()
    assert [c.heading for c in chunks] == [("적립 기준",), ("적립금 사용과 소멸",)]
    assert "### 등급별 적립률" in chunks[0].text and "VIP 등급은 5%" in chunks[0].text


def test_long_sections_split_at_paragraphs() -> None:
    doc = load_corpus(FIXTURE_POLICIES)[0]
    chunks = doc.chunks(max_chars=90)
    pieces = [c for c in chunks if c.heading[0] == "적립금 사용과 소멸"]
    assert len(pieces) == 3
    assert all(len(c.text) <= 90 for c in pieces)
    assert pieces[1].text.startswith("적립된 날부터 1년이")  # cut between paragraphs
    # a piece starting under a ### heading carries it in its path
    graded = [c for c in doc.chunks(max_chars=50) if c.heading == ("적립 기준", "등급별 적립률")]
    assert len(graded) == 1 and graded[0].text.startswith("### 등급별 적립률\n\n실버 등급은")


def test_one_long_paragraph_splits_at_sentences(tmp_path: Path) -> None:
    body = " ".join(f"{n}번째 문장은 반품 기간을 설명합니다." for n in range(1, 41))
    path = tmp_path / "long.md"
    path.write_text(GOOD.format(id="long").replace("받으신 날부터 7일 이내.", body), encoding="utf-8")
    chunks = parse_document(path).chunks(max_chars=200)
    assert len(chunks) >= 5
    assert all(len(c.text) <= 200 for c in chunks)
    assert all(c.text.endswith("설명합니다.") for c in chunks)
    assert " ".join(c.text for c in chunks) == body


def test_chunk_ids_are_stable_and_change_only_with_text(tmp_path: Path) -> None:
    corpus = copy_fixture_corpus(tmp_path / "policies")
    first = chunk_corpus(load_corpus(corpus))
    again = chunk_corpus(load_corpus(corpus))
    assert [c.chunk_id for c in first] == [c.chunk_id for c in again]
    assert len({c.chunk_id for c in first}) == len(first)
    assert first[0].chunk_id.startswith("points-policy#01-")
    hash_before = corpus_hash(corpus)
    path = corpus / "shipping-fee.md"
    path.write_text(path.read_text(encoding="utf-8").replace("5,000원", "6,000원"), encoding="utf-8")
    edited = chunk_corpus(load_corpus(corpus))
    changed = [(a.chunk_id, b.chunk_id) for a, b in zip(first, edited) if a.chunk_id != b.chunk_id]
    assert len(changed) == 1 and changed[0][0].startswith("shipping-fee#02-")
    assert corpus_hash(corpus) != hash_before


MALFORMED = [
    # (file text, expected line, phrase in the message)
    ("# 반품 정책\n\n## 기간\n7일\n", 1, "front matter"),
    ("---\nid: bad\ntitle: 제목\n", 1, "닫는 '---'"),
    ("---\nid: bad\ntitle: 제목\neffective_date: 2026-01-01\n---\n# 제목\n## 가\n나\n", 5, "'category'"),
    ("---\nid: other-name\ntitle: 제목\ncategory: x\neffective_date: 2026-01-01\n---\n# 제목\n## 가\n나\n",
     2, "파일 이름"),
    ("---\nid: bad\ntitle: 제목\ncategory: x\neffective_date: 2026-13-01\n---\n# 제목\n## 가\n나\n",
     5, "effective_date"),
    ("---\nid: bad\ntitle: 제목\ncategory: x\neffective_date: 2026-01-01\ntags: a\n---\n# 제목\n## 가\n나\n",
     6, "알 수 없는 front matter 키 'tags'"),
    ("---\nid: bad\ntitle: 제목\ncategory: [x\neffective_date: 2026-01-01\n---\n# 제목\n## 가\n나\n",
     5, "YAML"),
    ("---\nid: bad\ntitle: 제목\ncategory: x\neffective_date: 2026-01-01\n---\n\n본문만 있습니다.\n", 8, "'# 제목'"),
    ("---\nid: bad\ntitle: 제목\ncategory: x\neffective_date: 2026-01-01\n---\n# 제목\n\n소개만 있습니다.\n",
     7, "'## 섹션'"),
    ("---\nid: bad\ntitle: 제목\ncategory: x\neffective_date: 2026-01-01\n---\n# 다른 제목\n## 가\n나\n",
     7, "title"),
    ("---\nid: bad\ntitle: 제목\ncategory: x\neffective_date: 2026-01-01\n---\n# 제목\n## 빈 섹션\n\n## 가\n나\n",
     8, "본문이 없습니다"),
    ("---\nid: bad\ntitle: 제목\ncategory: x\neffective_date: 2026-01-01\n---\n# 제목\n## 가\n나\n# 또 제목\n",
     10, "한 번만"),
]


@pytest.mark.parametrize(("text", "line", "phrase"), MALFORMED)
def test_malformed_documents_name_file_and_line(tmp_path: Path, text: str, line: int, phrase: str) -> None:
    path = tmp_path / "bad.md"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CorpusError) as caught:
        parse_document(path)
    error = caught.value
    assert (error.file, error.line) == ("bad.md", line), error.message
    assert error.message.startswith(f"bad.md:{line}: ")
    assert phrase in error.message
    assert "\n" not in error.message


def test_empty_or_missing_corpus_directory(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="디렉터리가 없습니다"):
        load_corpus(tmp_path / "missing")
    with pytest.raises(CorpusError, match=r"\*\.md"):
        load_corpus(tmp_path)


def test_the_repository_corpus_is_valid() -> None:
    corpus = Path(__file__).resolve().parents[2] / "data" / "policies"
    docs = load_corpus(corpus)
    assert len(docs) >= 30
    chunks = chunk_corpus(docs)
    assert len({c.chunk_id for c in chunks}) == len(chunks)
