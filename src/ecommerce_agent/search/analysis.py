"""Korean text → search terms, for BM25 (index and query alike).

Kiwi splits text into morphemes; only content morphemes become terms: nouns,
verb and adjective stems, roots, adverbs (Kiwi tags 오늘, 이미, 따로 as adverbs),
foreign words (lower-cased) and numbers (amounts normalised first: "6천원" and
"6,000원" both give "6000"). Particles, endings, the light verbs 하다/되다/있다
and grammatical adverbs (및, 안, 더, 왜) carry no topic and are dropped.

Two things make matching robust to how shoppers type:

* every noun of three or more syllables also yields its character bigrams
  ("배송비" → 배송 송비), so a compound matches its parts and vice versa
  ("반품비" ↔ "반품 배송비"), and a misspelt syllable costs one bigram, not the
  whole word;
* a small lexicon of shopping-chat words expands abbreviations, slang and
  English ("무배" → 무료 배송, "비번" → 비밀번호, "refund" → 환불). It is
  general vocabulary of the domain, applied to documents and queries alike.

Measured on tests/data/policy_eval.jsonl (recall@3, keyword / hybrid):
everything 0.947 / 0.969; without bigrams 0.929 / 0.973; without the lexicon
0.929 / 0.969. Both mainly rescue keyword search, which is what runs when the
embedding model is unavailable.

The analyser's ``signature`` goes into the index manifest: a query must be
analysed exactly like the documents, so an index built by a different analyser
is refused rather than silently mismatched.

Kiwi takes about a second to load; it is loaded once per process
(``shared_kiwi``) and used under a lock (it is not documented as thread-safe).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..domain.prices import normalize_amounts

if TYPE_CHECKING:
    from kiwipiepy import Kiwi, Token

ANALYZER_VERSION = 1
KIWI_OPTIONS = {"num_workers": 0, "load_multi_dict": False}  # see ``shared_kiwi``
RECENT = 256  # analyses of recent queries kept (see ``Analyzer.analyze``)
CONTENT_TAGS = ("NNG", "NNP", "NR", "SN", "SL", "SH", "XR", "VV", "VA", "MAG")
NOUN_TAGS = ("NNG", "NNP")
# Stems that occur in almost every sentence and say nothing about its topic.
LIGHT_STEMS = frozenset({"하", "되", "있", "없", "않", "이", "주", "같", "그렇", "어떻", "보", "알"})
# Adverbs that are grammar, degree or question words; time and manner adverbs
# (오늘, 이미, 아직, 다시, 따로, 같이, 직접) stay: they distinguish questions.
LIGHT_ADVERBS = frozenset({"및", "또는", "즉", "안", "못", "더", "덜", "다", "좀", "또", "그냥", "너무",
                           "꼭", "많이", "혹시", "어떻게", "왜", "얼마나", "언제", "다만", "아예",
                           "완전", "제일", "가장", "잘", "조금", "어케", "걍"})

# Chat abbreviations and slang, and the English words shoppers mix in, → the
# words the policies use. Deliberately small and generic (no synonyms that
# would need this shop's wording); measured effect in the module docstring.
LEXICON: dict[str, tuple[str, ...]] = {
    "무배": ("무료", "배송"), "비번": ("비밀번호",), "ㄱㄴ": ("가능",), "폰": ("휴대폰",),
    "핸드폰": ("휴대폰",), "카톡": ("카카오톡",), "반품비": ("반품", "배송비"),
    "교환비": ("교환", "배송비"), "택배비": ("배송비",), "무통장": ("무통장입금",), "걸리": ("소요",),
    "refund": ("환불",), "return": ("반품",), "exchange": ("교환",), "cancel": ("취소",),
    "order": ("주문",), "delivery": ("배송",), "shipping": ("배송",), "tracking": ("배송조회",),
    "coupon": ("쿠폰",), "point": ("포인트",), "points": ("포인트",), "receipt": ("영수증",),
    "invoice": ("계산서",), "tax": ("세금",), "payment": ("결제",), "pay": ("결제",),
    "card": ("카드",), "account": ("계정",), "password": ("비밀번호",), "login": ("로그인",),
    "privacy": ("개인정보",), "gift": ("선물",), "wrap": ("포장",), "size": ("사이즈",),
    "color": ("색상",), "defective": ("불량",), "broken": ("파손",), "address": ("배송지",),
}


_EXPANDED = frozenset(word for words in LEXICON.values() for word in words)


class Analyzer:
    """``terms(text)`` for BM25; ``words(text)`` for snippets and word lookups."""

    def __init__(self, kiwi: Kiwi | None = None, *, noun_bigrams: bool = True,
                 lexicon: bool = True) -> None:
        self._kiwi = kiwi
        self.noun_bigrams = noun_bigrams
        self.lexicon = lexicon
        self._lock = threading.Lock()
        self._recent: OrderedDict[str, tuple[tuple[str, ...], tuple[str, ...]]] = OrderedDict()

    @property
    def signature(self) -> dict[str, object]:
        return {"name": "kiwi-content-morphemes", "version": ANALYZER_VERSION,
                "noun_bigrams": self.noun_bigrams, "lexicon": self.lexicon}

    @property
    def lexicon_words(self) -> frozenset[str]:
        """Words the lexicon can produce (its entries and their expansions)."""
        return frozenset(LEXICON) | _EXPANDED if self.lexicon else frozenset()

    @property
    def kiwi(self) -> Kiwi:
        if self._kiwi is None:
            self._kiwi = shared_kiwi()
        return self._kiwi

    def terms(self, text: str) -> list[str]:
        return self.analyze(text)[0]

    def words(self, text: str) -> list[str]:
        return self.analyze(text)[1]

    def analyze(self, text: str) -> tuple[list[str], list[str]]:
        """(BM25 terms, words) from one pass of Kiwi. Words are the content forms
        and lexicon expansions without bigrams: for highlighting snippets, for
        recognising words such as category names, and for the static query
        encoder (``query_model.py``). The last ``RECENT`` results are kept, so the
        several readers of one query (BM25, the query encoder, product search)
        share one Kiwi pass."""
        with self._lock:
            cached = self._recent.get(text)
            if cached is not None:
                self._recent.move_to_end(text)
        if cached is None:
            cached = self._split(self._morphemes([normalize(text)])[0])
            with self._lock:
                self._recent[text] = cached
                if len(self._recent) > RECENT:
                    self._recent.popitem(last=False)
        return list(cached[0]), list(cached[1])

    def analyze_many(self, texts: Sequence[str]) -> list[tuple[list[str], list[str]]]:
        """``analyze`` for a batch (one Kiwi call; not cached): what an index build uses."""
        return [tuple(map(list, self._split(m)))  # type: ignore[misc]
                for m in self._morphemes([normalize(t) for t in texts])]

    def terms_many(self, texts: Sequence[str]) -> list[list[str]]:
        """Faster than ``terms`` in a loop: Kiwi analyses a batch in one call."""
        return [self._expand(m) for m in self._morphemes([normalize(t) for t in texts])]

    def _split(self, morphemes: list[tuple[str, str]]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        terms = self._expand(morphemes)
        forms = {form for form, _ in morphemes}
        return tuple(terms), tuple(dict.fromkeys(w for w in terms if w in forms or w in _EXPANDED))

    def _morphemes(self, texts: list[str]) -> list[list[tuple[str, str]]]:
        with self._lock:
            # one text at a time: a batch goes through Kiwi's thread pool, which
            # single-thread mode (``shared_kiwi``) has not (same results, same speed)
            kiwi = self.kiwi
            analysed = [shared_tokens(text) if kiwi is _shared else kiwi.tokenize(text) for text in texts]
            out = [[(t.form, t.tag.split("-")[0]) for t in tokens] for tokens in analysed]
        return [[(form.replace(",", "") if tag == "SN" else form.lower(), tag)
                 for form, tag in tokens if tag.split("-")[0] in CONTENT_TAGS or form in LEXICON]
                for tokens in out]

    def _expand(self, morphemes: Iterable[tuple[str, str]]) -> list[str]:
        terms: list[str] = []
        for form, tag in morphemes:
            if (tag in ("VV", "VA") and form in LIGHT_STEMS) or (tag == "MAG" and form in LIGHT_ADVERBS):
                continue
            if self.lexicon and form in LEXICON:
                expansion = LEXICON[form]
                terms.extend(expansion)
                if form not in expansion and tag != "SL":
                    terms.append(form)
                if tag != "SL":
                    for word in expansion:
                        terms.extend(self._bigrams(word))
                continue
            terms.append(form)
            if tag in NOUN_TAGS:
                terms.extend(self._bigrams(form))
        return terms

    def _bigrams(self, word: str) -> list[str]:
        if not self.noun_bigrams or len(word) < 3:
            return []
        return [word[i:i + 2] for i in range(len(word) - 1)]


def normalize(text: str) -> str:
    """NFC, full-width ASCII → ASCII, lower case, amounts as digits. (Not NFKC: it
    would turn the jamo of chat shorthand like "ㄱㄴ" into conjoining jamo.)"""
    return normalize_amounts(unicodedata.normalize("NFC", text).translate(_FULL_WIDTH).lower())


_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


_shared: Kiwi | None = None
_shared_lock = threading.Lock()


def shared_kiwi() -> Kiwi:
    """The process's one Kiwi instance (about a second to load; ~500 MB once it has
    analysed a first text). Single-thread mode (``num_workers=0``): Kiwi's thread
    pool does not survive a fork, and gunicorn's workers are forked from a master
    that loaded it (``api/parts.py``): a batch call in a worker would wait forever.
    Without the multi-word dictionary (``load_multi_dict=False``): it costs ~185 MB
    and a second of every start, and changes the analysis of none of our texts
    (the policies, the NLU sentences, the catalogue: 5,111 texts compared)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            import warnings

            from kiwipiepy import Kiwi

            with warnings.catch_warnings():  # "0 changed meaning in 0.21": it now means no pool, as wanted
                warnings.simplefilter("ignore", DeprecationWarning)
                _shared = Kiwi(**KIWI_OPTIONS)
        return _shared


_recent_tokens: OrderedDict[str, tuple[Token, ...]] = OrderedDict()
_recent_tokens_lock = threading.Lock()
RECENT_TOKENS = 64


def shared_tokens(text: str) -> tuple[Token, ...]:
    """``shared_kiwi().tokenize(text)``, the last ``RECENT_TOKENS`` texts kept: one turn
    reads its message in several places (the NLU's views and acts, policy and product
    search), and a third of Kiwi's calls on the chat mix of `make bench-http` were a
    text already analysed in the same request. Kiwi's tokens are read-only."""
    with _recent_tokens_lock:
        found = _recent_tokens.get(text)
        if found is not None:
            _recent_tokens.move_to_end(text)
            return found
    found = tuple(shared_kiwi().tokenize(text))
    with _recent_tokens_lock:
        _recent_tokens[text] = found
        if len(_recent_tokens) > RECENT_TOKENS:
            _recent_tokens.popitem(last=False)
    return found


Analysis = list[tuple[list[str], list[str]]]
log = logging.getLogger(__name__)


def analyze_kept(analyzer: Analyzer, texts: Sequence[str], path: Path | None) -> Analysis:
    """``analyzer.analyze_many(texts)`` for a fixed batch (the policy sections the
    answerer reads), kept in ``path`` next to the index: analysing them takes
    seconds that every start would pay again. The file holds the digest of the
    texts and of the analyser, so a changed document or analyser recomputes it;
    a file that cannot be written (read-only index) only costs the time."""
    from kiwipiepy import __version__ as kiwi_version

    key = hashlib.sha256(json.dumps([analyzer.signature, kiwi_version, KIWI_OPTIONS, list(texts)],
                                    ensure_ascii=False).encode()).hexdigest()
    if path is not None:
        try:
            kept = json.loads(path.read_text(encoding="utf-8"))
            if kept.get("key") == key:
                return [(list(t), list(w)) for t, w in kept["analysis"]]
        except (OSError, ValueError, KeyError, TypeError):
            pass  # missing or unreadable: analysed again below
    analysis = analyzer.analyze_many(texts)
    if path is not None:
        try:
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps({"key": key, "analysis": analysis}, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, path)
        except OSError as exc:
            log.info("analysis not kept in %s: %s", path, exc)
    return analysis
