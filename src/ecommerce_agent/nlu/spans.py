"""Free-text slots (product ``query``, claim ``reason``) as one learned span each.

Both are copied verbatim from the utterance, and where they start and stop is a
matter of judgement the labelling guidelines make by example ("겨울에 출퇴근할
때 입을 따뜻한 롱패딩" → "롱패딩", "사이즈가 안 맞아서 교환" → "사이즈가 안 맞아서"). A
keyword list cannot learn that; a small tagger can:

* Kiwi splits the utterance into morphemes with character offsets;
* a logistic regression over each morpheme's neighbourhood (forms, tags,
  spacing, position) gives P(inside the span);
* decoding picks the single contiguous run of morphemes with the highest
  log-odds sum, or nothing when every run scores below zero, and returns the
  original characters it covers, so the value is always verbatim.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..domain.prices import find_amounts
from .morph import tokens


@dataclass(frozen=True, slots=True)
class _Tok:
    form: str
    tag: str
    start: int
    end: int


def _toks(text: str) -> list[_Tok]:
    """Kiwi tokens; those inside a price amount ("5만 원") are tagged ``PRICE``."""
    prices = [(amount.start, amount.end) for amount in find_amounts(text)]
    out = []
    for t in tokens(text):
        tag = t.tag.split("-")[0]
        if any(s <= t.start < e for s, e in prices):
            tag = "PRICE"
        out.append(_Tok(t.form, tag, t.start, t.end))
    return out


def _features(text: str, toks: Sequence[_Tok]) -> list[dict[str, float]]:
    n = len(toks)
    rows = []
    for i, tok in enumerate(toks):
        f: dict[str, float] = {"bias": 1.0, f"t={tok.tag}": 1.0, f"w={tok.form}": 1.0,
                               f"wt={tok.form}/{tok.tag}": 1.0, f"t0={tok.tag[:2]}": 1.0}
        for d in (-3, -2, -1, 1, 2, 3):
            j = i + d
            if 0 <= j < n:
                f[f"t{d}={toks[j].tag}"] = 1.0
                if abs(d) <= 2:
                    f[f"w{d}={toks[j].form}"] = 1.0
            else:
                f[f"t{d}=<pad>"] = 1.0
        if i > 0:
            f[f"tt-1={toks[i - 1].tag}|{tok.tag}"] = 1.0
        if i + 1 < n:
            f[f"tt+1={tok.tag}|{toks[i + 1].tag}"] = 1.0
        before = text[toks[i - 1].end:tok.start] if i > 0 else " "
        after = text[tok.end:toks[i + 1].start] if i + 1 < n else " "
        f["space_before"] = float(" " in before)
        f["space_after"] = float(" " in after)
        f["pos"] = i / max(n - 1, 1)
        f["first"] = float(i == 0)
        f["last"] = float(i == n - 1)
        # the rest of the sentence, as a bag: "…서 교환", "…해 주세요" follow reasons
        for later in toks[i + 1:i + 6]:
            f[f"next5={later.form}/{later.tag}"] = 1.0
        for earlier in toks[max(0, i - 5):i]:
            f[f"prev5={earlier.form}/{earlier.tag}"] = 1.0
        rows.append(f)
    return rows


# A span starts at a word start or right after a particle/ending glued to the
# previous word, and ends at a word end or right before such a suffix.
_SUFFIX_TAGS = ("J", "E", "XS", "VCP", "SF", "SP", "SS", "SE", "SO", "SW")


def _can_start(text: str, toks: Sequence[_Tok], i: int) -> bool:
    return i == 0 or toks[i - 1].end < toks[i].start or toks[i - 1].tag.startswith(_SUFFIX_TAGS)


def _can_end(text: str, toks: Sequence[_Tok], j: int) -> bool:
    return (j == len(toks) - 1 or toks[j].end < toks[j + 1].start
            or toks[j + 1].tag.startswith(_SUFFIX_TAGS))


# Product terms are noun phrases: nouns, foreign words, numbers with counters
# ("10살", "1인용"), affixes ("여성용"), joined by 랑/하고 ("냄비랑 프라이팬 세트").
_NOMINAL_TAGS = ("NNG", "NNP", "NNB", "NR", "SL", "SN", "SH", "XSN", "XPN")
_JOINER_TAGS = ("JC",)
# Nouns that are never product terms: the request itself, shop filters, prices.
_NOT_PRODUCT = frozenset(
    "추천 상품 제품 물건 거 것 꺼 재고 할인 특가 세일 무료 배송 무료배송 당일 출고 가격 예산 원 만 천 "
    "질문 궁금 문의 가성비 인기 평점 리뷰 베스트셀러 베스트 신상품 신상 요즘 제일 뭐 머 좀 쫌 구매 "
    "주문 배달 로켓 저기 저기요 안녕 recommend 이하 이상 미만 초과 사이 대 안쪽 이내 정도 쯤".split())


def _product_word(toks: Sequence[_Tok], k: int) -> bool:
    tok = toks[k]
    if tok.tag == "NNB":  # a counter only after a number ("10살"); else "거", "때", "데"
        return k > 0 and toks[k - 1].tag == "SN"
    return tok.tag.startswith(_NOMINAL_TAGS) and tok.form.lower() not in _NOT_PRODUCT


def _product_runs(text: str, toks: Sequence[_Tok]) -> list[tuple[int, int]]:
    """Maximal runs of product words (joined by 랑/하고), as token index pairs.
    A run is widened to the start of its word when Kiwi split an unknown noun
    into odd pieces ("블투" → 블/VX 투/NNG) and nothing in between is a suffix."""
    runs: list[tuple[int, int]] = []
    k, n = 0, len(toks)
    while k < n:
        if not _product_word(toks, k):
            k += 1
            continue
        end = k
        while end + 1 < n and (_product_word(toks, end + 1) or (
                toks[end + 1].tag.startswith(_JOINER_TAGS) and end + 2 < n
                and _product_word(toks, end + 2))):
            end += 1
        start = k
        while (start > 0 and toks[start - 1].end == toks[start].start
               and not toks[start - 1].tag.startswith(_SUFFIX_TAGS + ("PRICE",))
               and (start - 1 == 0 or toks[start - 2].end < toks[start - 1].start)):
            start -= 1
        runs.append((start, end))
        k = end + 1
    return runs


_O, _B, _I, _E, _S = range(5)


class SpanTagger:
    """One verbatim span per utterance (or none), learned from examples.

    Tokens are tagged B/I/E/S (begin, inside, end, single) or O; decoding finds
    the single span, or none, that maximises the sum of log-probabilities of the
    implied tag sequence, with span edges restricted to word boundaries."""

    MAX_TOKENS = 12

    def __init__(self, *, nominal: bool = False, none_penalty: float = 0.0,
                 features: Sequence[str] = (), coef: np.ndarray | None = None,
                 intercept: np.ndarray | None = None) -> None:
        self.nominal = nominal  # spans are noun phrases (product terms)
        self.none_penalty = none_penalty  # log-odds a span must lose by to give "none"
        self.features = list(features)
        self._index = {name: i for i, name in enumerate(self.features)}
        self._coef_t = (np.ascontiguousarray(np.asarray(coef, dtype=np.float32).T)
                        if coef is not None else np.zeros((0, 5), dtype=np.float32))
        self._intercept = (np.asarray(intercept, dtype=np.float64) if intercept is not None
                           else np.zeros(5))

    @classmethod
    def train(cls, texts: Sequence[str], spans: Sequence[str | None], *, c: float = 1.0,
              seed: int = 0, nominal: bool = False, none_penalty: float = 0.0) -> SpanTagger:
        """Fit on (text, verbatim span or None) pairs (scikit-learn, lbfgs, fixed seed)."""
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.linear_model import LogisticRegression

        feats: list[dict[str, float]] = []
        labels: list[int] = []
        for text, span in zip(texts, spans):
            toks = _toks(text)
            lo = text.find(span) if span else -1
            hi = lo + len(span) if span and lo >= 0 else -1
            inside = [k for k, t in enumerate(toks) if lo >= 0 and t.start < hi and t.end > lo]
            tags = [_O] * len(toks)
            if len(inside) == 1:
                tags[inside[0]] = _S
            elif inside:
                for k in inside:
                    tags[k] = _I
                tags[inside[0]], tags[inside[-1]] = _B, _E
            feats.extend(_features(text, toks))
            labels.extend(tags)
        vectorizer = DictVectorizer(sort=True)
        model = LogisticRegression(C=c, max_iter=3000, random_state=seed)
        model.fit(vectorizer.fit_transform(feats), np.array(labels))
        coef = np.zeros((5, model.coef_.shape[1]))
        intercept = np.full(5, -30.0)  # a tag never seen in training is never predicted
        coef[model.classes_] = model.coef_
        intercept[model.classes_] = model.intercept_
        return cls(nominal=nominal, none_penalty=none_penalty,
                   features=[str(f) for f in vectorizer.get_feature_names_out()],
                   coef=coef, intercept=intercept)

    def _log_proba(self, text: str, toks: Sequence[_Tok]) -> np.ndarray:
        logits = np.tile(self._intercept, (len(toks), 1))
        index = self._index
        for row, feats in enumerate(_features(text, toks)):
            pairs = [(col, value) for name, value in feats.items()
                     if (col := index.get(name)) is not None]
            if pairs:
                cols, values = zip(*pairs)
                logits[row] += np.asarray(values, dtype=np.float32) @ self._coef_t[list(cols)]
        logits -= logits.max(axis=1, keepdims=True)
        return logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))

    def arrays(self, prefix: str) -> dict[str, np.ndarray]:
        return {f"{prefix}features": np.array(self.features, dtype=str),
                f"{prefix}coef": self._coef_t.T.copy(),
                f"{prefix}intercept": self._intercept.astype(np.float32),
                f"{prefix}options": np.array([float(self.nominal), self.none_penalty])}

    @classmethod
    def from_arrays(cls, data: dict[str, np.ndarray], prefix: str) -> SpanTagger:
        nominal, penalty = (float(v) for v in data[f"{prefix}options"])
        return cls(nominal=bool(nominal), none_penalty=penalty,
                   features=data[f"{prefix}features"].tolist(),
                   coef=data[f"{prefix}coef"], intercept=data[f"{prefix}intercept"])

    def _candidates(self, text: str, toks: Sequence[_Tok]) -> list[tuple[int, int]]:
        if self.nominal:
            return _product_runs(text, toks)
        n = len(toks)
        return [(i, j) for i in range(n) if _can_start(text, toks, i)
                for j in range(i, min(n, i + self.MAX_TOKENS)) if _can_end(text, toks, j)]

    def predict(self, text: str) -> str | None:
        toks = _toks(text)
        if not toks:
            return None
        logp = self._log_proba(text, toks).tolist()
        o = [row[_O] for row in logp]
        o_total = sum(o)
        # prefix sums of (inside − outside), so a span's interior costs O(1)
        gain = [0.0]
        for row in logp:
            gain.append(gain[-1] + row[_I] - row[_O])
        best, best_span = o_total - self.none_penalty, None
        for i, j in self._candidates(text, toks):
            if j == i:
                score = o_total - o[i] + logp[i][_S]
            else:
                score = (o_total - o[i] - o[j] + logp[i][_B] + logp[j][_E]
                         + gain[j] - gain[i + 1])
            if score > best:
                best, best_span = score, (i, j)
        if best_span is None:
            return None
        i, j = best_span
        value = text[toks[i].start:max(t.end for t in toks[i:j + 1])].strip()
        return value or None
