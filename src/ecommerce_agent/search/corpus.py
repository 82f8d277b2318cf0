"""Policy documents: parsing, validation and chunking by heading.

A document is ``data/policies/<id>.md``::

    ---
    id: return-policy              # must equal the file name
    title: 반품 안내
    category: return
    effective_date: 2026-01-01     # ISO date
    legal_basis: 전자상거래법 제17조   # optional
    ---

    # 반품 안내                      # the title again, once

    Optional introduction.

    ## 반품 가능 기간                # one chunk per section
    ...

Each ``##`` section becomes one chunk (``###`` sub-headings stay inside it and
extend the heading path); a section longer than ``max_chars`` is split at
paragraph boundaries (sentences, for one huge paragraph). Chunk ids are
``<doc_id>#<ordinal>-<hash of title, heading and text>``: a rebuild of
unchanged text gives the same ids, an edit gives new ones.

Anything malformed raises ``CorpusError`` naming the file and line; nothing is
half-indexed because the build stops before it writes.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from .errors import CorpusError
from .types import Chunk

REQUIRED_KEYS = ("id", "title", "category", "effective_date")
OPTIONAL_KEYS = ("legal_basis",)
DOC_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
DEFAULT_MAX_CHARS = 800
_SENTENCE_END = re.compile(r"(?<=[.!?。])\s+")


@dataclass(frozen=True, slots=True)
class Section:
    heading: tuple[str, ...]  # () for the introduction before the first "##"
    paragraphs: tuple[str, ...]  # blank-line separated blocks; "### x" lines start new ones
    line: int  # where the section starts, for messages


@dataclass(frozen=True, slots=True)
class PolicyDocument:
    doc_id: str
    title: str
    category: str
    effective_date: date
    legal_basis: str | None
    sections: tuple[Section, ...]
    path: Path

    def chunks(self, max_chars: int = DEFAULT_MAX_CHARS) -> list[Chunk]:
        out: list[Chunk] = []
        for section in self.sections:
            for heading, text in _pieces(section, max_chars):
                ordinal = len(out) + 1
                chunk = Chunk(chunk_id="", doc_id=self.doc_id, title=self.title, heading=heading,
                              text=text, metadata=self._metadata(heading, section.line))
                out.append(_with_id(chunk, f"{self.doc_id}#{ordinal:02d}-{chunk.text_hash}"))
        return out

    def _metadata(self, heading: tuple[str, ...], line: int) -> dict[str, object]:
        return {"kind": "policy", "category": self.category, "heading_path": [self.title, *heading],
                "effective_date": self.effective_date.isoformat(), "legal_basis": self.legal_basis,
                "source": f"{self.path.name}:{line}"}


def load_corpus(directory: Path) -> list[PolicyDocument]:
    """Every ``*.md`` file of ``directory``, sorted by id; the first problem raises."""
    if not directory.is_dir():
        raise CorpusError("정책 문서 디렉터리가 없습니다", file=str(directory), line=0)
    files = sorted(directory.glob("*.md"))
    if not files:
        raise CorpusError("정책 문서(*.md)가 하나도 없습니다", file=str(directory), line=0)
    return [parse_document(path) for path in files]


def corpus_hash(directory: Path) -> str:
    """Changes whenever any document's name or bytes change."""
    digest = hashlib.sha256()
    for path in sorted(directory.glob("*.md")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def chunk_corpus(documents: Sequence[PolicyDocument], max_chars: int = DEFAULT_MAX_CHARS) -> list[Chunk]:
    return [chunk for doc in documents for chunk in doc.chunks(max_chars)]


def parse_document(path: Path) -> PolicyDocument:
    name = path.name
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CorpusError(f"UTF-8로 읽을 수 없습니다 (바이트 {exc.start})", file=name, line=1) from None
    lines = text.splitlines()
    fields, key_lines, body_start = _front_matter(lines, name)
    doc_id = fields["id"]
    if not DOC_ID_RE.match(doc_id):
        raise CorpusError(f"id '{doc_id}'은(는) 영문 소문자, 숫자, '-'만 쓸 수 있습니다",
                          file=name, line=key_lines["id"])
    if doc_id != path.stem:
        raise CorpusError(f"id '{doc_id}'이(가) 파일 이름 '{path.stem}'과(와) 다릅니다",
                          file=name, line=key_lines["id"])
    try:
        effective = date.fromisoformat(fields["effective_date"])
    except ValueError:
        raise CorpusError(f"effective_date '{fields['effective_date']}'은(는) 날짜가 아닙니다 "
                          "(YYYY-MM-DD)", file=name, line=key_lines["effective_date"]) from None
    title = fields["title"]
    sections = _sections(lines, body_start, title, name)
    return PolicyDocument(doc_id=doc_id, title=title, category=fields["category"],
                          effective_date=effective, legal_basis=fields.get("legal_basis") or None,
                          sections=sections, path=path)


def _front_matter(lines: list[str], name: str) -> tuple[dict[str, str], dict[str, int], int]:
    """(fields, key -> line number, index of the first body line)."""
    if not lines or lines[0].strip() != "---":
        raise CorpusError("문서는 '---'로 시작하는 front matter가 있어야 합니다", file=name, line=1)
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        raise CorpusError("front matter를 닫는 '---' 줄이 없습니다", file=name, line=1) from None
    block = "\n".join(lines[1:end])
    try:
        # BaseLoader keeps every value a string: dates are checked here, not by YAML.
        data = yaml.load(block, Loader=yaml.BaseLoader) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        raise CorpusError(f"front matter YAML 오류: {getattr(exc, 'problem', None) or exc}",
                          file=name, line=line) from None
    if not isinstance(data, dict):
        raise CorpusError("front matter는 '키: 값' 형식이어야 합니다", file=name, line=2)
    key_lines = {}
    for i in range(1, end):
        match = re.match(r"^([A-Za-z_][\w-]*)\s*:", lines[i])
        if match:
            key_lines.setdefault(match.group(1), i + 1)
    for key, value in data.items():
        line = key_lines.get(str(key), 2)
        if key not in REQUIRED_KEYS + OPTIONAL_KEYS:
            allowed = ", ".join(REQUIRED_KEYS + OPTIONAL_KEYS)
            raise CorpusError(f"알 수 없는 front matter 키 '{key}' (허용: {allowed})", file=name, line=line)
        if not isinstance(value, str):
            raise CorpusError(f"'{key}' 값은 한 줄 문자열이어야 합니다", file=name, line=line)
    for key in REQUIRED_KEYS:
        if not str(data.get(key, "")).strip():
            raise CorpusError(f"front matter에 '{key}'이(가) 없거나 비어 있습니다",
                              file=name, line=key_lines.get(key, end + 1))
    fields = {str(k): str(v).strip() for k, v in data.items()}
    return fields, key_lines, end + 1


def _sections(lines: list[str], start: int, title: str, name: str) -> tuple[Section, ...]:
    title_line = 0
    sections: list[Section] = []
    heading: tuple[str, ...] = ()
    paragraphs: list[str] = []
    block: list[str] = []
    section_line = 0

    def end_block() -> None:
        if block:
            paragraphs.append("\n".join(block).strip())
            block.clear()

    def end_section() -> None:
        end_block()
        if heading and not paragraphs:
            raise CorpusError(f"섹션 '{heading[0]}'에 본문이 없습니다", file=name, line=section_line)
        if paragraphs:
            sections.append(Section(heading=heading, paragraphs=tuple(paragraphs), line=section_line))
        paragraphs.clear()

    for index in range(start, len(lines)):
        raw = lines[index]
        number = index + 1
        stripped = raw.strip()
        if not title_line:
            if not stripped:
                continue
            if not re.match(r"^#\s+\S", stripped):
                raise CorpusError("본문은 '# 제목' 줄로 시작해야 합니다", file=name, line=number)
            if stripped[1:].strip() != title:
                raise CorpusError(f"'# {stripped[1:].strip()}'이(가) front matter의 title "
                                  f"'{title}'과(와) 다릅니다", file=name, line=number)
            title_line = section_line = number
            continue
        level = _heading_level(stripped)
        if level == 1:
            raise CorpusError("'# 제목'은 문서에 한 번만 쓸 수 있습니다", file=name, line=number)
        if level == 2:
            end_section()
            heading, section_line = (stripped[2:].strip(),), number
        elif level >= 3:
            if not heading:
                raise CorpusError("'###' 제목이 '##' 섹션 밖에 있습니다", file=name, line=number)
            end_block()
            paragraphs.append("### " + stripped.lstrip("#").strip())
        elif not stripped:
            end_block()
        else:
            block.append(raw.rstrip())
    if not title_line:
        raise CorpusError("'# 제목' 줄이 없습니다", file=name, line=len(lines) or 1)
    end_section()
    if not any(s.heading for s in sections):
        raise CorpusError("'## 섹션' 제목이 하나도 없습니다", file=name, line=title_line)
    return tuple(sections)


def _heading_level(line: str) -> int:
    match = re.match(r"^(#{1,6})\s+\S", line)
    return len(match.group(1)) if match else 0


def _pieces(section: Section, max_chars: int) -> Iterator[tuple[tuple[str, ...], str]]:
    """(heading path, text) pieces of at most ``max_chars`` (a single longer
    sentence stays whole, and a ``###`` line keeps its first paragraph). A piece
    that starts under a ``###`` sub-heading carries it in its heading path."""
    top = section.heading[:1]
    current: list[str] = []
    size = 0
    sub: str | None = None
    piece_sub: str | None = None

    def flush() -> Iterator[tuple[tuple[str, ...], str]]:
        if current:
            path = (*top, piece_sub) if piece_sub and top else top
            yield path, "\n\n".join(current)

    paragraphs = section.paragraphs
    for index, paragraph in enumerate(paragraphs):
        if paragraph.startswith("### "):
            sub = paragraph[4:]
            following = len(paragraphs[index + 1]) if index + 1 < len(paragraphs) else 0
            if current and size + len(paragraph) + following + 4 > max_chars:
                yield from flush()  # a sub-heading starts a piece rather than ending one
                current, size = [], 0
        parts = [paragraph] if len(paragraph) <= max_chars else _sentences(paragraph, max_chars)
        for part in parts:
            only_headings = all(p.startswith("### ") for p in current)
            if current and not only_headings and size + len(part) + 2 > max_chars:
                yield from flush()
                current, size = [], 0
            if not current:
                piece_sub = sub
            current.append(part)
            size += len(part) + 2
    yield from flush()


def _sentences(paragraph: str, max_chars: int) -> list[str]:
    """Sentence groups of at most ``max_chars`` from one long paragraph."""
    sentences = [s for s in _SENTENCE_END.split(paragraph) if s and s.strip()]
    groups: list[str] = []
    for sentence in sentences:
        if groups and len(groups[-1]) + 1 + len(sentence) <= max_chars:
            groups[-1] = f"{groups[-1]} {sentence.strip()}"
        else:
            groups.append(sentence.strip())
    return groups


def _with_id(chunk: Chunk, chunk_id: str) -> Chunk:
    return Chunk(chunk_id=chunk_id, doc_id=chunk.doc_id, title=chunk.title, heading=chunk.heading,
                 text=chunk.text, metadata=chunk.metadata)


__all__ = ["PolicyDocument", "Section", "chunk_corpus", "corpus_hash", "load_corpus",
           "parse_document"]
