"""The intent classifier: TF-IDF views of the utterance → logistic regression.

Four sparse views (see ``text``) are concatenated, each L2-normalised so none
dominates by size:

* ``char_wb`` 1–4-grams of the normalised text (inside words, space-padded);
* ``char`` 1–4-grams of the spaceless text ("주문내역좀보여줘" ≈ "주문 내역 좀 보여줘");
* ``char`` 2–5-grams of the jamo view (one-jamo typos keep most n-grams);
* Kiwi morphemes with tags ("말/VX" tells "취소하지 마세요" from "취소해 주세요";
  "정책/NNG" tells a policy question from a claim, even glued: "환불정책알려줘").

A multinomial logistic regression (scikit-learn, at training time) gives
probabilities; one temperature fitted on cross-validated logits calibrates
them. The same class, with the e5 sentence embedding appended as a fifth
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

import numpy as np

from ..search.analysis import LEXICON
from .ids import mask_ids
from .morph import morphemes
from .text import ORDER_TOKEN, TICKET_TOKEN, fold, jamo, normalise, spaceless

VIEWS = ("char_wb", "spaceless", "jamo", "morph")


@dataclass(frozen=True, slots=True)
class ClassifierConfig:
    """Hyper-parameters; the defaults are the ones chosen by cross-validation."""

    c: float = 30.0
    char_wb: tuple[int, int] = (1, 4)
    spaceless: tuple[int, int] = (1, 4)
    jamo: tuple[int, int] = (2, 5)
    jamo_min_df: int = 2
    # each view's block is L2-normalised, then scaled by its weight (order of VIEWS)
    weights: tuple[float, float, float, float] = (1.0, 1.0, 1.0, 1.5)
    seed: int = 0

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


# English shoppers mix in, mapped to the Korean morpheme the model knows:
# search's domain lexicon plus the English words of the training split.
ENGLISH: dict[str, tuple[str, ...]] = {
    **{word: tuple(f"{ko}/NNG" for ko in kos) for word, kos in LEXICON.items() if word.isascii()},
    "orders": ("주문/NNG",), "status": ("상태/NNG",), "policy": ("정책/NNG",),
    "detail": ("상세/NNG",), "details": ("상세/NNG",), "list": ("목록/NNG",), "history": ("내역/NNG",),
    "ticket": ("문의/NNG",), "agent": ("상담원/NNG",), "human": ("사람/NNG",), "person": ("사람/NNG",),
    "operator": ("상담원/NNG",), "defect": ("불량/NNG",), "purchase": ("구매/NNG",),
    "fee": ("수수료/NNG",), "number": ("번호/NNG",), "thanks": ("감사/NNG",), "thank": ("감사/NNG",),
}


def views(text: str) -> dict[str, str]:
    """The four strings the classifier reads."""
    norm = normalise(text)
    morph_input = norm.replace(ORDER_TOKEN, " ordid ").replace(TICKET_TOKEN, " tktid ")
    morphs = morphemes(morph_input)
    for morph in list(morphs):
        form, _, tag = morph.rpartition("/")
        if tag == "SL" and form in ENGLISH:
            morphs.extend(ENGLISH[form])
    return {"char_wb": norm, "spaceless": spaceless(norm), "jamo": jamo(norm),
            "morph": " ".join(morphs)}


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
