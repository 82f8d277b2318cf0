"""The intent classifier: TF-IDF views of the utterance → logistic regression.

Five sparse views (see ``text``) are concatenated, each L2-normalised so none
dominates by size:

* ``char_wb`` 1–4-grams of the normalised text (inside words, space-padded);
* ``char`` 1–4-grams of the spaceless text ("주문내역좀보여줘" ≈ "주문 내역 좀 보여줘");
* ``char`` 2–5-grams of the jamo view (one-jamo typos keep most n-grams);
* Kiwi morphemes with tags ("말/VX" tells "취소하지 마세요" from "취소해 주세요";
  "정책/NNG" tells a policy question from a claim, even glued: "환불정책알려줘"),
  plus the Korean reading of known English words ("refund" → 환불/NNG);
* the utterance's *shape*: 2–3-grams of the morpheme sequence with nouns,
  numbers and foreign words reduced to their tag. A bare noun phrase
  ("<s> NNG NNG </s>") is a product search whatever the noun, and
  "NNG 추천/NNG 하/XSV" reads the same for a product never seen in training —
  this is what carries the model to words it has no n-grams for.

A multinomial logistic regression (scikit-learn, at training time) gives
probabilities; one temperature fitted on cross-validated logits calibrates
them. The same class, with the e5 sentence embedding appended as one more
block (``dense_weight``), is the optional second stage (see ``engine``). The
design — views, n-gram ranges, C, the embedding's weight, the cascade
threshold — was chosen by grouped cross-validation on the training split; the
figures are in the model manifest.

Training uses scikit-learn; prediction does not. ``LinearIntentModel`` holds
only the vocabularies, IDF weights and coefficients as NumPy arrays, so the
saved model is an ``.npz`` file (no pickle: nothing executes on load, and it
does not break when scikit-learn changes version) and one prediction is a few
dictionary look-ups and one small matrix product.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from functools import lru_cache

import numpy as np

from ..search.analysis import LEXICON
from .ids import mask_ids
from .morph import morphemes
from .text import ORDER_TOKEN, TICKET_TOKEN, fold, jamo, normalise, spaceless

VIEWS = ("char_wb", "spaceless", "jamo", "morph", "shape")


@dataclass(frozen=True, slots=True)
class ClassifierConfig:
    """Hyper-parameters; the defaults are the ones chosen by cross-validation."""

    c: float = 30.0
    char_wb: tuple[int, int] = (1, 4)
    spaceless: tuple[int, int] = (1, 4)
    jamo: tuple[int, int] = (2, 5)
    jamo_min_df: int = 2
    shape: tuple[int, int] = (2, 3)
    # each view's block is L2-normalised, then scaled by its weight (order of VIEWS)
    weights: tuple[float, float, float, float, float] = (1.0, 1.0, 1.0, 1.5, 1.0)
    seed: int = 0

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


# English words shoppers mix in ("refund 해주세요", "where is my parcel"), read
# as the Korean words the model was trained on; their morphemes are appended to
# the morpheme view (the English n-grams stay in the character views). Search's
# domain lexicon plus the vocabulary of a shopping chat.
ENGLISH: dict[str, str] = {
    **{word: " ".join(kos) for word, kos in LEXICON.items() if word.isascii()},
    # orders and their contents
    "orders": "주문", "ordered": "주문", "purchase": "구매", "purchases": "구매", "bought": "산 거",
    "history": "내역", "list": "목록", "all": "전부", "detail": "상세", "details": "상세",
    "info": "정보", "information": "정보", "total": "총액", "amount": "금액",
    "price": "가격", "option": "옵션", "options": "옵션", "quantity": "수량", "item": "상품",
    "items": "상품", "product": "상품", "products": "상품", "paid": "결제",
    # where it is
    "status": "상태", "where": "어디", "when": "언제", "track": "배송 조회", "tracked": "배송 조회",
    "package": "택배", "parcel": "택배", "arrive": "도착", "arrived": "도착", "arrival": "도착",
    "ship": "배송", "shipped": "발송", "delivered": "배송 완료", "late": "늦다", "delay": "지연",
    "delayed": "지연", "still": "아직", "yet": "아직", "courier": "택배사", "waybill": "송장",
    # claims
    "money": "돈", "back": "돌려", "refunded": "환불", "returns": "반품", "swap": "교환",
    "change": "변경", "replace": "교환", "replacement": "교환", "cancelled": "취소",
    "canceled": "취소", "cancellation": "취소", "damaged": "파손", "defect": "불량",
    "faulty": "불량", "scratch": "흠집", "scratched": "흠집", "torn": "찢어진",
    "missing": "누락", "wrong": "잘못", "work": "작동", "working": "작동", "reason": "이유",
    # tickets
    "ticket": "문의", "inquiry": "문의", "enquiry": "문의", "request": "신청", "claim": "접수",
    "complaint": "민원", "answer": "답변", "reply": "답변", "processed": "처리", "progress": "진행 상황",
    # policy
    "policy": "정책", "policies": "정책", "rule": "규정", "rules": "규정", "fee": "수수료",
    "fees": "수수료", "cost": "비용", "free": "무료", "period": "기간", "how": "어떻게",
    "possible": "가능", "available": "가능", "hours": "운영 시간", "phone": "전화번호",
    "membership": "멤버십", "warranty": "보증",
    # products
    "recommend": "추천", "recommendation": "추천", "find": "찾아", "search": "검색", "buy": "사고",
    "cheap": "싼", "stock": "재고", "new": "신상", "best": "인기", "sale": "할인", "discount": "할인",
    # people
    "agent": "상담원", "human": "사람", "person": "사람", "operator": "상담원", "staff": "직원",
    "manager": "매니저", "representative": "상담원", "call": "전화", "talk": "통화", "real": "진짜",
    # dialogue
    "yes": "네", "yeah": "네", "yep": "네", "ok": "좋아요", "okay": "좋아요", "sure": "좋아요",
    "proceed": "진행", "go": "진행", "ahead": "진행", "confirm": "확인", "confirmed": "확인",
    "no": "아니요", "nope": "아니요", "stop": "그만", "wait": "잠깐만", "hold": "보류", "never": "안",
    "later": "나중에", "not": "안", "dont": "하지 마", "don't": "하지 마",
    # small talk
    "thanks": "감사", "thank": "감사", "thx": "감사", "hi": "안녕", "hello": "안녕", "hey": "안녕",
    "bye": "안녕히", "weather": "날씨", "joke": "농담", "movie": "영화", "music": "음악",
    "number": "번호", "bot": "챗봇", "chatbot": "챗봇",
}


@lru_cache(maxsize=1024)
def english_morphemes(word: str) -> tuple[str, ...]:
    """Morphemes of the Korean reading of an English word (none if unknown)."""
    korean = ENGLISH.get(word)
    return tuple(morphemes(korean)) if korean else ()


def views(text: str) -> dict[str, str]:
    """The five strings the classifier reads (one per view)."""
    norm = normalise(text)
    morph_input = norm.replace(ORDER_TOKEN, " ordid ").replace(TICKET_TOKEN, " tktid ")
    morphs = morphemes(morph_input)
    shape = " ".join(["<s>", *(_shape(m) for m in morphs), "</s>"])
    for morph in list(morphs):
        form, _, tag = morph.rpartition("/")
        if tag == "SL":
            morphs.extend(english_morphemes(form))
    return {"char_wb": norm, "spaceless": spaceless(norm), "jamo": jamo(norm),
            "morph": " ".join(morphs), "shape": shape}


# Nouns, numbers, foreign words and roots lose their form in the shape view.
_OPEN_CLASS = frozenset({"NNG", "NNP", "NR", "SN", "SL", "SH", "XR"})


def _shape(morph: str) -> str:
    tag = morph.rpartition("/")[2]
    return tag if tag in _OPEN_CLASS else morph


def embedding_text(text: str) -> str:
    """What the sentence encoder reads: the utterance with ids replaced by the
    words for them (random digits mean nothing to e5)."""
    return mask_ids(fold(text), "주문번호", "문의번호")


def char_wb_ngrams(text: str, lo: int, hi: int) -> list[str]:
    """n-grams inside space-padded words (a word shorter than n counts once)."""
    grams: list[str] = []
    for word in text.split():
        padded = f" {word} "
        for n in range(lo, hi + 1):
            if len(padded) <= n:
                grams.append(padded)
                break
            grams.extend(padded[i:i + n] for i in range(len(padded) - n + 1))
    return grams


def word_ngrams(words: Sequence[str], lo: int, hi: int) -> list[str]:
    return [" ".join(words[i:i + n]) for n in range(lo, hi + 1) for i in range(len(words) - n + 1)]


def char_ngrams(text: str, lo: int, hi: int) -> list[str]:
    return [text[i:i + n] for n in range(lo, hi + 1) for i in range(len(text) - n + 1)]


def analyser(view: str, config: ClassifierConfig) -> Callable[[str], list[str]]:
    """The term extractor for one view (shared by training and prediction)."""
    if view == "char_wb":
        return lambda s: char_wb_ngrams(s, *config.char_wb)
    if view == "spaceless":
        return lambda s: char_ngrams(s, *config.spaceless)
    if view == "jamo":
        return lambda s: char_ngrams(s, *config.jamo)
    if view == "morph":
        return str.split
    if view == "shape":
        return lambda s: word_ngrams(s.split(), *config.shape)
    raise ValueError(view)

class LinearIntentModel:
    """Prediction-only classifier: per-view vocabulary and IDF, weights, temperature."""

    def __init__(self, config: ClassifierConfig, classes: Sequence[str],
                 vocabularies: dict[str, Sequence[str]], idf: dict[str, np.ndarray],
                 coef: np.ndarray, intercept: np.ndarray, temperature: float,
                 dense_weight: float = 0.0) -> None:
        self.config = config
        # > 0: the last columns of ``coef`` weigh a sentence embedding scaled by this
        self.dense_weight = float(dense_weight)
        self.classes = tuple(classes)
        self.temperature = float(temperature)
        self._analysers = {v: analyser(v, config) for v in VIEWS}
        self._weights = dict(zip(VIEWS, config.weights))
        self._index: dict[str, dict[str, int]] = {}
        self._idf: dict[str, np.ndarray] = {}
        self._offset: dict[str, int] = {}
        offset = 0
        for view in VIEWS:
            terms = vocabularies[view]
            self._offset[view] = offset
            self._index[view] = {t: offset + i for i, t in enumerate(terms)}
            self._idf[view] = np.asarray(idf[view], dtype=np.float64)
            offset += len(terms)
        self._vocabularies = {v: list(vocabularies[v]) for v in VIEWS}
        self._coef_t = np.ascontiguousarray(np.asarray(coef, dtype=np.float32).T)  # (features, classes)
        self._intercept = np.asarray(intercept, dtype=np.float64)
        self._sparse_features = offset
        self.dense_dim = self._coef_t.shape[0] - offset if self.dense_weight else 0
        if self._coef_t.shape[0] != offset + self.dense_dim:
            raise ValueError("coefficients do not match the vocabularies")

    # -- prediction ---------------------------------------------------------
    def logits(self, prepared: dict[str, str], embedding: np.ndarray | None = None) -> np.ndarray:
        out = self._intercept.copy()
        if self.dense_dim:
            if embedding is None:
                raise ValueError("this model needs the sentence embedding")
            out += (self.dense_weight * np.asarray(embedding, dtype=np.float32)) @ self._coef_t[
                self._sparse_features:]
        for view in VIEWS:
            index, idf = self._index[view], self._idf[view]
            counts = Counter(i for t in self._analysers[view](prepared[view])
                             if (i := index.get(t)) is not None)
            if not counts:
                continue
            cols = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
            tf = np.fromiter((1.0 + math.log(c) for c in counts.values()), dtype=np.float64,
                             count=len(counts))
            weights = tf * idf[cols - self._offset[view]]
            weights *= self._weights[view] / np.linalg.norm(weights)
            out += weights @ self._coef_t[cols]
        return out

    def predict_proba(self, text: str, prepared: dict[str, str] | None = None,
                      embedding: np.ndarray | None = None) -> np.ndarray:
        """Calibrated probabilities, in the order of ``classes``."""
        return softmax(self.logits(prepared if prepared is not None else views(text), embedding)
                       / self.temperature)

    # -- persistence --------------------------------------------------------
    def arrays(self, prefix: str, *, vocabularies: bool = True) -> dict[str, np.ndarray]:
        data: dict[str, np.ndarray] = {
            f"{prefix}coef": self._coef_t.T.copy(),
            f"{prefix}intercept": self._intercept.astype(np.float32),
            f"{prefix}classes": np.array(self.classes),
            f"{prefix}temperature": np.array([self.temperature]),
            f"{prefix}dense_weight": np.array([self.dense_weight]),
        }
        for view in VIEWS if vocabularies else ():
            data[f"{prefix}vocab_{view}"] = np.array(self._vocabularies[view], dtype=str)
            data[f"{prefix}idf_{view}"] = self._idf[view].astype(np.float32)
        return data

    def same_vocabularies(self, other: LinearIntentModel) -> bool:
        return self._vocabularies == other._vocabularies and all(
            np.array_equal(self._idf[v], other._idf[v]) for v in VIEWS)

    @classmethod
    def from_arrays(cls, data: dict[str, np.ndarray], prefix: str, config: ClassifierConfig,
                    vocab_prefix: str | None = None) -> LinearIntentModel:
        """``vocab_prefix``: read vocabularies and IDF stored under another model's prefix."""
        vp = vocab_prefix or prefix
        return cls(config, [str(c) for c in data[f"{prefix}classes"]],
                   {v: data[f"{vp}vocab_{v}"].tolist() for v in VIEWS},
                   {v: data[f"{vp}idf_{v}"] for v in VIEWS},
                   data[f"{prefix}coef"], data[f"{prefix}intercept"],
                   float(data[f"{prefix}temperature"][0]), float(data[f"{prefix}dense_weight"][0]))


def train_classifier(texts: Sequence[str], labels: Sequence[str],
                     config: ClassifierConfig | None = None, *,
                     prepared: Sequence[dict[str, str]] | None = None,
                     embeddings: np.ndarray | None = None, dense_weight: float = 0.0,
                     temperature: float = 1.0) -> LinearIntentModel:
    """Fit the vectorisers and the logistic regression (deterministic: lbfgs,
    fixed seed, inputs in file order). With ``embeddings`` (one row per text)
    and ``dense_weight`` > 0 the sentence embedding is one more block."""
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    config = config or ClassifierConfig()
    prepared = list(prepared) if prepared is not None else [views(t) for t in texts]
    vocabularies: dict[str, list[str]] = {}
    idf: dict[str, np.ndarray] = {}
    blocks = []
    for view, weight in zip(VIEWS, config.weights):
        vec = TfidfVectorizer(analyzer=analyser(view, config), sublinear_tf=True, lowercase=False,
                              min_df=config.jamo_min_df if view == "jamo" else 1,
                              dtype=np.float64)
        blocks.append(vec.fit_transform([p[view] for p in prepared]) * weight)
        vocabularies[view] = [str(t) for t in vec.get_feature_names_out()]
        idf[view] = vec.idf_
    if embeddings is not None and dense_weight > 0:
        blocks.append(sparse.csr_matrix(np.asarray(embeddings, dtype=np.float64) * dense_weight))
    else:
        dense_weight = 0.0
    # newton-cg: exact and ~4x faster than lbfgs here (8 Newton steps, deterministic)
    model = LogisticRegression(C=config.c, solver="newton-cg", max_iter=200, tol=1e-4,
                               random_state=config.seed)
    model.fit(sparse.hstack(blocks, format="csr"), np.asarray(labels))
    return LinearIntentModel(config, [str(c) for c in model.classes_], vocabularies, idf,
                             model.coef_, model.intercept_, temperature, dense_weight)


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=-1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=-1, keepdims=True)


def fit_temperature(logits: np.ndarray, labels: np.ndarray) -> float:
    """The temperature minimising the negative log-likelihood of held-out logits
    (Guo et al., 2017): one parameter, so it cannot change which intent wins."""
    from scipy.optimize import minimize_scalar

    rows = np.arange(len(labels))

    def nll(t: float) -> float:
        p = softmax(logits / t)
        return float(-np.log(np.clip(p[rows, labels], 1e-12, 1.0)).mean())

    return float(minimize_scalar(nll, bounds=(0.05, 20.0), method="bounded").x)
