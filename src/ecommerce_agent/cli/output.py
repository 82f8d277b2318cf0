"""Terminal output: progress bars on stderr (hidden when not a terminal) and tables."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from tqdm import tqdm


@contextmanager
def bar(label: str, total: int | None, unit: str = "행") -> Iterator[Callable[[int], object]]:
    with tqdm(total=total or None, desc=label, unit=unit, unit_scale=True, disable=None,
              dynamic_ncols=True, leave=False) as progress:
        yield progress.update


def table(rows: list[tuple[object, ...]], header: tuple[str, ...]) -> str:
    """A plain aligned text table (numbers right-aligned, with thousands separators)."""
    def cell(v: object) -> str:
        return f"{v:,}" if isinstance(v, int) else str(v)

    cells = [tuple(cell(v) for v in r) for r in rows]
    widths = [max(_width(x) for x in col) for col in zip(header, *cells)]
    def line(r: tuple[str, ...], raw: tuple[object, ...] | None = None) -> str:
        out = []
        for i, (text, width) in enumerate(zip(r, widths)):
            pad = " " * (width - _width(text))
            numeric = raw is not None and isinstance(raw[i], int)
            out.append(pad + text if numeric else text + pad)
        return "  ".join(out).rstrip()
    sep = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), sep, *(line(c, r) for c, r in zip(cells, rows))])


def _width(text: str) -> int:
    """Display width: Hangul and other wide characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
