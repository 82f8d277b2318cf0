"""The colloquial lexicon (data/lexicons/policy_colloquial.yaml): everyday words →
the documents' words, place names → region classes, Korean number words and
relative days. Loaded and validated once; a malformed file raises ``ConfigError``
with one Korean line naming the file and the key."""

from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ...config import parse_yaml
from ...errors import ConfigError

DEFAULT_LEXICON = Path("data/lexicons/policy_colloquial.yaml")
SECTIONS = ("synonyms", "regions", "day_words", "count_words", "relative_days", "weekdays", "dayparts", "contrasts",
            "neutral")


@dataclass(frozen=True)
class Lexicon:
    synonyms: tuple[tuple[str, tuple[str, ...]], ...]  # (squashed everyday word, corpus words), longest first
    regions: tuple[tuple[str, str], ...]  # (squashed place, region class), longest first
    day_words: dict[str, int]
    count_words: dict[str, int]
    relative_days: dict[str, int]
    weekdays: dict[str, int]
    dayparts: dict[str, int]
    # pairs of words that exclude each other (착불/선불, 할부/일시불): a sentence about
    # one answers a yes/no question about the other the other way round
    contrasts: tuple[tuple[str, str], ...] = ()
    # everyday words that say nothing about which rule applies (벌써, 강아지, 엄마)
    neutral: frozenset[str] = frozenset()
    phrases: frozenset[str] = frozenset()  # entries written as several words ("두 번 결제")

    def present(self, squashed: str) -> list[tuple[str, tuple[str, ...]]]:
        """The synonym entries whose everyday word occurs in ``squashed``, longest first
        (a two-letter index narrows the few hundred entries to those that can occur)."""
        index = _index(self)
        seen = {squashed[i:i + 2] for i in range(len(squashed) - 1)}
        found = sorted({n for bigram in seen for n in index.get(bigram, ())} | index.get("", set()))
        return [self.synonyms[n] for n in found if self.synonyms[n][0] in squashed]

    @property
    def number_words(self) -> frozenset[str]:
        return frozenset(self.day_words) | frozenset(self.relative_days) | frozenset(self.weekdays) \
            | frozenset(self.dayparts)

    def expansions(self, text: str, skip: frozenset[str] = frozenset()) -> list[str]:
        """Corpus words for the everyday words ``text`` uses, in order, without repeats
        (not for the words in ``skip``)."""
        squashed = squash(text)
        found: list[str] = []
        for word, corpus in self.present(squashed):  # longest first; a phrase used is not read again in part
            if word in squashed:
                if word not in skip and not _says_already(squashed, word, corpus):
                    found.extend(w for w in corpus if w not in found)
                squashed = squashed.replace(word, "\x00")
        return found

    def rewrite(self, text: str, skip: frozenset[str] = frozenset()) -> str:
        """``text`` with its everyday phrases written in the documents' words ("현영
        되나요" → "현금영수증 되나요"), longest phrase first, each span once; not the
        phrases in ``skip`` (words the documents use themselves), nor a phrase inside a
        corpus word the question already says ("현금영수증" holds "영수증")."""
        squashed = squash(text)
        slots: list[str] = []
        for word, corpus in self.present(squashed):
            if word in squashed:
                keep = word in skip or _says_already(squashed, word, corpus)  # the span stays as written
                pattern = re.compile(r"\s*".join(map(re.escape, word)), re.I)
                def mark(m: re.Match[str], corpus: tuple[str, ...] = corpus, keep: bool = keep) -> str:
                    slots.append(m.group(0) if keep else " ".join(corpus))
                    return f"\x00{len(slots) - 1}\x00" if keep else f" \x00{len(slots) - 1}\x00 "
                text = pattern.sub(mark, text)
        return re.sub(r"\x00(\d+)\x00", lambda m: slots[int(m.group(1))], text) if slots else text

    def region(self, text: str) -> str | None:
        """The region class a place name in ``text`` belongs to ("울릉도" → 도서산간)."""
        squashed = squash(text)
        for place, klass in self.regions:
            if place in squashed:
                return klass
        return None

    def contrasted(self, question: str, sentence: str) -> bool:
        """The sentence is about the opposite of what the question names: the question
        says one word of a pair (and not the other), the sentence the other (and not the first)."""
        q, s = squash(question), squash(sentence)
        for a, b in self.contrasts:
            for x, y in ((a, b), (b, a)):
                if x in q and y not in q and y in s and x not in s:
                    return True
        return False


_INDEXES: dict[int, tuple["Lexicon", dict[str, set[int]]]] = {}


def _index(lexicon: Lexicon) -> dict[str, set[int]]:
    """First two letters of each everyday word → the entries' positions (built once per lexicon)."""
    cached = _INDEXES.get(id(lexicon))
    if cached is not None and cached[0] is lexicon:
        return cached[1]
    index: dict[str, set[int]] = {}
    for n, (word, _) in enumerate(lexicon.synonyms):
        index.setdefault(word[:2] if len(word) >= 2 else "", set()).add(n)
    _INDEXES[id(lexicon)] = (lexicon, index)
    return index


def _says_already(squashed: str, word: str, corpus: tuple[str, ...]) -> bool:
    """The question already says one of the entry's corpus words, around the everyday one."""
    return any(len(c) > len(word) and word in c and c in squashed for c in map(squash, corpus))


@lru_cache(maxsize=8192)
def squash(text: str) -> str:
    return _SPACES.sub("", text).lower()


_SPACES = re.compile(r"\s+")


def load_lexicon(path: Path = DEFAULT_LEXICON) -> Lexicon:
    name = str(path)
    try:
        data = parse_yaml(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"정책 답변 어휘 파일이 없습니다: {name}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" {mark.line + 1}행" if mark is not None else ""
        raise ConfigError(f"정책 답변 어휘 파일을 읽을 수 없습니다: {name}{line} (YAML 형식 오류)") from None
    return parse_lexicon(data, name)


def parse_lexicon(data: Any, name: str = "lexicon") -> Lexicon:
    def fail(key: str, why: str) -> ConfigError:
        return ConfigError(f"정책 답변 어휘 파일 {name}의 '{key}' 항목이 잘못되었습니다: {why}")

    if not isinstance(data, dict):
        raise fail("(전체)", "키-값 목록이어야 합니다")
    unknown = sorted(set(data) - {"version", *SECTIONS})
    if unknown:
        raise fail(unknown[0], f"알 수 없는 항목입니다 (허용: {', '.join(SECTIONS)})")
    synonyms: list[tuple[str, tuple[str, ...]]] = []
    phrases: set[str] = set()
    for word, corpus in (data.get("synonyms") or {}).items():
        if not isinstance(word, str) or not word.strip():
            raise fail(f"synonyms.{word}", "단어는 빈 문자열이 아닌 글자여야 합니다")
        if not isinstance(corpus, list) or not corpus or not all(isinstance(w, str) and w.strip() for w in corpus):
            raise fail(f"synonyms.{word}", "문서 어휘 목록(글자 하나 이상)이어야 합니다")
        synonyms.append((squash(word), tuple(corpus)))
        if len(word.split()) > 1:
            phrases.add(squash(word))
    regions: list[tuple[str, str]] = []
    for key, entry in (data.get("regions") or {}).items():
        if not isinstance(entry, dict) or not isinstance(entry.get("class"), str) \
                or not isinstance(entry.get("places"), list) or not entry["places"]:
            raise fail(f"regions.{key}", "class(글자)와 places(지명 목록)가 있어야 합니다")
        for place in entry["places"]:
            if not isinstance(place, str) or not place.strip():
                raise fail(f"regions.{key}", "지명은 빈 문자열이 아닌 글자여야 합니다")
            regions.append((squash(place), entry["class"]))
    numbers: dict[str, dict[str, int]] = {}
    contrasts: list[tuple[str, str]] = []
    for n, pair in enumerate(data.get("contrasts") or [], 1):
        if not isinstance(pair, list) or len(pair) != 2 or not all(isinstance(w, str) and w.strip() for w in pair):
            raise fail(f"contrasts[{n}]", "서로 반대인 두 단어의 목록이어야 합니다")
        contrasts.append((squash(pair[0]), squash(pair[1])))
    neutral = data.get("neutral") or []
    if not isinstance(neutral, list) or not all(isinstance(w, str) and w.strip() for w in neutral):
        raise fail("neutral", "단어 목록이어야 합니다")
    for key in SECTIONS[2:-2]:
        table = data.get(key) or {}
        if not isinstance(table, dict):
            raise fail(key, "단어: 숫자 목록이어야 합니다")
        for word, value in table.items():
            if not isinstance(word, str) or isinstance(value, bool) or not isinstance(value, int):
                raise fail(f"{key}.{word}", "값은 정수여야 합니다")
        numbers[key] = {squash(w): v for w, v in table.items()}
    if not synonyms:
        raise fail("synonyms", "비어 있습니다")
    for hour in numbers["dayparts"].values():
        if not 0 <= hour <= 23:
            raise fail("dayparts", f"시각 {hour}은(는) 0~23이어야 합니다")
    for day in numbers["weekdays"].values():
        if not 0 <= day <= 6:
            raise fail("weekdays", f"요일 {day}은(는) 0(월)~6(일)이어야 합니다")
    synonyms.sort(key=lambda s: -len(s[0]))
    regions.sort(key=lambda r: -len(r[0]))
    return Lexicon(tuple(synonyms), tuple(regions), numbers["day_words"], numbers["count_words"],
                   numbers["relative_days"], numbers["weekdays"], numbers["dayparts"], tuple(contrasts),
                   frozenset(squash(w) for w in neutral), frozenset(phrases))


def load_product_groups(path: Path) -> tuple[frozenset[str], ...]:
    """The product lexicon's groups (data/lexicons/products.yaml: 만화책 ~ 책 ~ 도서):
    a product a question names is read as its category when the documents name one.
    Missing or malformed, there are none (the product lexicon is validated where it
    is owned, agent/resolve.py)."""
    try:
        data = parse_yaml(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return ()
    groups = data.get("groups") if isinstance(data, dict) else None
    if not isinstance(groups, list):
        return ()
    return tuple(frozenset(squash(str(w)) for w in g) for g in groups if isinstance(g, list))
