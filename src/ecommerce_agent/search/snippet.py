"""A short excerpt of a chunk around the terms the query matched.

Plain string search for the query's content words (morphemes are substrings of
the text in Korean, "배송비" is found in "반품 배송비는"): cheap enough to run
on every result, no second pass of the morphological analyser.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

WIDTH = 120


def flatten(text: str) -> str:
    """Markdown → one line: table rows "a | b", no separator rows, no heading marks."""
    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        if re.fullmatch(r"\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?", stripped):
            continue
        if stripped.startswith("|"):
            stripped = " | ".join(cell.strip() for cell in stripped.strip("|").split("|"))
        lines.append(stripped.lstrip("#").strip())
    return re.sub(r"\s+", " ", " ".join(lines)).strip()


def make_snippet(text: str, terms: Sequence[str], width: int = WIDTH) -> str:
    """The ``width``-character window covering the most distinct ``terms``
    (the earliest on ties), cut at spaces, with "…" where text was left out."""
    flat = flatten(text)
    if len(flat) <= width:
        return flat
    lowered = flat.lower()
    hits: list[tuple[int, str]] = []
    for term in {t.lower() for t in terms if len(t) > 1 or t.isdigit()}:
        start = lowered.find(term)
        while start != -1:
            hits.append((start, term))
            start = lowered.find(term, start + 1)
    best_start, best_score = 0, 0
    for position, _ in sorted(hits):
        start = max(0, position - width // 5)  # a little context before the first hit
        covered = {t for p, t in hits if start <= p and p + len(t) <= start + width}
        score = sum(len(t) for t in covered)
        if score > best_score:
            best_start, best_score = start, score
    start = best_start
    if start > 0:
        space = flat.rfind(" ", 0, start + 1)
        start = space + 1 if space != -1 and start - space < 15 else start
    end = min(len(flat), start + width)
    if end < len(flat):
        space = flat.rfind(" ", start, end)
        end = space if space > start + width // 2 else end
    return ("…" if start > 0 else "") + flat[start:end].strip() + ("…" if end < len(flat) else "")
