"""Spelling slips in a word the shopper types: one jamo off ("후라이펜" for 후라이팬,
"가디컨" for 가디건). Korean typing slips are mostly one vowel (ㅐ/ㅔ) or one
consonant of one syllable; a word that differs in more is another word."""

from __future__ import annotations

from collections.abc import Iterable

_BASE, _LAST = 0xAC00, 0xD7A3


def _jamo(syllable: str) -> tuple[int, int, int] | None:
    code = ord(syllable)
    if not _BASE <= code <= _LAST:
        return None
    index = code - _BASE
    return index // 588, (index % 588) // 28, index % 28


def one_jamo_apart(a: str, b: str) -> bool:
    """Same length, one syllable different, and that syllable by one jamo only."""
    if len(a) != len(b) or a == b:
        return False
    diff = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    if len(diff) != 1:
        return False
    x, y = (_jamo(c) for c in diff[0])
    return x is not None and y is not None and sum(p != q for p, q in zip(x, y, strict=True)) == 1


def corrected(word: str, vocabulary: Iterable[str], *, min_length: int = 3) -> str | None:
    """The one vocabulary word ``word`` is a slip of (None when none or several are):
    only for words of ``min_length`` syllables or more, where one jamo leaves the word
    recognisable (two-syllable words have too many one-jamo neighbours)."""
    if len(word) < min_length:
        return None
    found = {v for v in vocabulary if one_jamo_apart(word, v)}
    return found.pop() if len(found) == 1 else None
