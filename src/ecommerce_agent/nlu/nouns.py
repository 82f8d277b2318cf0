"""The nouns a message is about: "애플페이 되나요?" → 애플페이, "그 패딩이요" → 패딩.

Nouns written together form one word ("애플페이" = 애플 + 페이); a place name may
lose its last syllable ("제주도" ~ "제주"); English words the search lexicon
knows count as their Korean ("refund" → 환불); generic words
(``data/lexicons/nouns.yaml``) and, unless asked, single syllables are left out.
"""

from __future__ import annotations

import re

from ..search.analysis import LEXICON
from .morph import tokens

NOUN_TAGS = ("NNG", "NNP")
Noun = tuple[tuple[str, ...], tuple[str, ...]]  # (ways the word may be written, its parts)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


def content_nouns(text: str, *, generic: frozenset[str], min_len: int = 2,
                  glued: frozenset[str] = frozenset()) -> list[Noun]:
    words: list[Noun] = []
    run: list[tuple[str, str]] = []
    end = -1

    def flush() -> None:
        # "패딩반품", "패딩사이즈": a request word glued after the thing it is about is not part of it
        while len(run) > 1 and run[0][0] not in generic and run[-1][0] in glued:
            run.pop()
        if run:
            word = "".join(form for form, _ in run)
            if len(word) >= min_len and word not in generic:
                forms = (word, *LEXICON.get(word, ()))
                if len(run) == 1 and run[0][1] == "NNP" and len(word) >= 3:
                    forms += (word[:-1],)
                parts = tuple(f for f, _ in run if len(f) >= min_len and f not in generic)
                words.append((forms, parts))
            run.clear()

    for token in tokens(text):
        tag = token.tag.split("-")[0]
        glued_latin = tag == "SL" and token.form.lower() not in LEXICON  # "RC카", "LED스탠드", "USB케이블"
        if tag in NOUN_TAGS or (tag == "XR" and len(token.form) >= 2) or glued_latin:
            if token.start != end:
                flush()
            run.append((_unglued(token.form), "NNG" if glued_latin else tag))
            end = token.start + token.len
            continue
        flush()
        if tag == "SL" and token.form.lower() in LEXICON:
            korean = LEXICON[token.form.lower()]
            words.append((("".join(korean), *korean), korean))
    flush()
    return words


_GLUED_PARTICLE = re.compile(r"(?<=[가-힣]{2})(?:만이요|만요)$")


def _unglued(form: str) -> str:
    """An unknown word the analyser kept whole with its particle ("패딩만요"): the noun."""
    return _GLUED_PARTICLE.sub("", form)


def covers(noun: Noun, haystack: str) -> bool:
    """Whether ``haystack`` (squashed) mentions the noun, whole or by all its parts."""
    forms, parts = noun
    return any(f in haystack for f in forms) or (len(parts) > 1 and all(p in haystack for p in parts))
