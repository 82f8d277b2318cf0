"""Slips of the service's key words, corrected before a message is read.

The classifier's jamo view absorbs most one-jamo typos, but the morphological
analyser does not: "교횐" becomes the noun "교회", so the message reads as a product
search. ``data/lexicons/spelling.yaml`` lists such slips of the few words a request
turns on (교환, 반품, 환불, 취소) and of their endings: a stem is replaced where it
starts a word, an ending where it closes one, so words that merely contain a slip
are left alone.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from .lexicon import _fail, _read

SPELLING_FILE = Path("data/lexicons/spelling.yaml")


def _mapping(data: dict, key: str) -> dict[str, str]:
    table = data.get(key)
    if not isinstance(table, dict) or not all(isinstance(k, str) and isinstance(v, str) and k and v
                                              for k, v in table.items()):
        raise _fail(SPELLING_FILE, key, "'잘못 쓴 말: 바른 말' 매핑이어야 합니다")
    return dict(table)


def _alternation(words: dict[str, str]) -> str:
    return "|".join(map(re.escape, sorted(words, key=len, reverse=True)))  # the longest slip first


@lru_cache(maxsize=1)
def spelling_table() -> tuple[re.Pattern[str] | None, dict[str, str]]:
    data = _read(SPELLING_FILE)
    stems, endings = _mapping(data, "words"), _mapping(data, "endings")
    parts = ([rf"(?<![가-힣])(?:{_alternation(stems)})"] if stems else []) + \
        ([rf"(?:{_alternation(endings)})(?![가-힣])"] if endings else [])
    if not parts:
        return None, {}
    return re.compile("|".join(parts)), {**stems, **endings}


def correct(text: str) -> str:
    """``text`` with the listed slips replaced by the words meant."""
    pattern, table = spelling_table()
    if pattern is None:
        return text
    return pattern.sub(lambda m: table[m.group(0)], text)
