"""The records every part of search passes around: chunks in, results out.

A ``Chunk`` is the unit that is indexed and returned: one ``##`` section of a
policy document (or a piece of a long one), or one product of the catalog.
Both kinds share the record so one index/retrieval machinery serves both.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Chunk:
    chunk_id: str  # stable while the text is unchanged, e.g. "return-policy#02-1a2b3c4d"
    doc_id: str  # policy document id (= file name) or product id
    title: str  # document title or product title
    heading: tuple[str, ...]  # section path below the title; () for a product or an intro
    text: str  # the body shown to people (and to the answer generator)
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def retrieval_text(self) -> str:
        """What the encoder sees: the title and heading path give a section its
        context ("반품 배송비 안내 > 결제 방법"), which the body alone often lacks."""
        return f"{self.location}\n{self.text}"

    @property
    def keyword_text(self) -> str:
        """What BM25 sees: the title and heading path twice (a field boost: a match in
        "반품 배송비 안내 > 결제 방법" says more than one in a passing sentence)."""
        return f"{self.location}\n{self.retrieval_text}"

    @property
    def location(self) -> str:
        return " > ".join((self.title, *self.heading))

    @property
    def text_hash(self) -> str:
        return content_hash(self.retrieval_text)

    def to_json(self) -> dict[str, Any]:
        return {"chunk_id": self.chunk_id, "doc_id": self.doc_id, "title": self.title,
                "heading": list(self.heading), "text": self.text, "metadata": self.metadata,
                "text_hash": self.text_hash}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Chunk:
        return cls(chunk_id=data["chunk_id"], doc_id=data["doc_id"], title=data["title"],
                   heading=tuple(data["heading"]), text=data["text"], metadata=data["metadata"])


@dataclass(frozen=True, slots=True)
class SearchResult:
    chunk_id: str
    doc_id: str
    title: str
    text: str
    snippet: str  # a short window around the best-matching terms
    score: float  # keyword: BM25; embedding: cosine; hybrid: fused score in [0, 1]; policy results
    # may carry the aspect reranker's bonus on top (aspects.py)
    # category, heading_path, effective_date, legal_basis (policies);
    # category, price, stock, options (products)
    metadata: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {"chunk_id": self.chunk_id, "doc_id": self.doc_id, "title": self.title,
                "text": self.text, "snippet": self.snippet, "score": round(self.score, 6),
                "metadata": self.metadata}


def content_hash(text: str, length: int = 8) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]
