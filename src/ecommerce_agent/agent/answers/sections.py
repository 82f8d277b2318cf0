"""The policy documents by section, as the answer composer reads them: sentences,
list items and Markdown tables (parsed into columns and rows, never shown as
pipes)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ...search.corpus import load_corpus

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_SEPARATOR = re.compile(r"^\|?\s*:?-{2,}")


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def lines(self) -> list[str]:
        """Each row as a readable line: "- 실버: 구매 적립률 2%, 매월 지급 쿠폰 3,000원 할인 쿠폰 1장"."""
        out = []
        for row in self.rows:
            pairs = [f"{c} {v}" for c, v in zip(self.columns[1:], row[1:], strict=False) if v]
            out.append(f"- {row[0]}: {', '.join(pairs)}" if pairs else f"- {row[0]}")
        return out

    def card(self, title: str) -> dict[str, object]:
        return {"type": "table", "title": title, "columns": list(self.columns), "rows": [list(r) for r in self.rows]}


@dataclass(frozen=True)
class Section:
    doc_id: str
    title: str  # the document's title
    heading: str  # the "##" heading
    text: str  # the body as written (tables included)
    sentences: tuple[str, ...]  # prose sentences and list items, in order (no table rows)
    tables: tuple[Table, ...]
    order: int  # position in its document
    intro: tuple[int | None, ...] = ()  # for a list item, the sentence that introduces its list
    items: frozenset[int] = frozenset()  # which sentences are list items

    @property
    def key(self) -> tuple[str, str]:
        return self.doc_id, self.heading


class SectionStore:
    def __init__(self, sections: list[Section]) -> None:
        self.sections = sections
        self._by_key = {s.key: s for s in sections}
        self._by_doc: dict[str, list[Section]] = {}
        for s in sections:
            self._by_doc.setdefault(s.doc_id, []).append(s)

    @classmethod
    def load(cls, directory: Path) -> SectionStore:
        sections = []
        for doc in load_corpus(directory):
            for n, sec in enumerate(doc.sections):
                if not sec.heading:
                    continue
                sections.append(parse_section(doc.doc_id, doc.title, sec.heading[0], "\n\n".join(sec.paragraphs), n))
        return cls(sections)

    def get(self, doc_id: str, heading: str) -> Section | None:
        return self._by_key.get((doc_id, heading))

    def of(self, doc_id: str) -> list[Section]:
        return self._by_doc.get(doc_id, [])

    def titles(self) -> dict[str, str]:
        return {s.doc_id: s.title for s in self.sections}


def parse_section(doc_id: str, title: str, heading: str, text: str, order: int = 0) -> Section:
    sentences: list[str] = []
    intro: list[int | None] = []
    prose: list[int] = []  # indices of sentences that are not list items
    items: set[int] = set()
    tables: list[Table] = []
    rows: list[list[str]] = []

    def end_table() -> None:
        if rows:
            header, *body = rows
            tables.append(Table(tuple(header), tuple(tuple(r) for r in body)))
            rows.clear()

    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("|"):
            if not _SEPARATOR.match(stripped):
                rows.append([cell.strip() for cell in stripped.strip("|").split("|")])
            continue
        end_table()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith(("- ", "* ")):
            sentences.append(stripped[2:].strip())
            intro.append(prose[-1] if prose else None)
            items.add(len(sentences) - 1)
            continue
        for part in _SENTENCE_END.split(stripped):
            if part.strip():
                sentences.append(part.strip())
                intro.append(None)
                prose.append(len(sentences) - 1)
    end_table()
    return Section(doc_id, title, heading, text, tuple(sentences), tuple(tables), order, tuple(intro),
                   frozenset(items))
