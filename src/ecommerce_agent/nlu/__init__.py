"""Korean language understanding: intent and slots of one shopper utterance.

No external LLM and no network: a trained linear classifier over character,
jamo and morpheme features (plus, when it is unsure, a second stage that also
reads the bundled e5 sentence embedding), a thin rule layer for bare yes/no
answers, and exact parsers for ids, prices (``domain.prices``, shared with
search), dates, ordinals and anaphora.

    from ecommerce_agent.nlu import Nlu
    nlu = Nlu.from_settings(settings)            # or Nlu.load(Path("data/nlu/model"))
    u = nlu.understand("ord_20261126_0001을 취소해줘", now=now_kst)
    u.intent, u.confidence, u.uncertain, u.alternatives, u.slots.order_id

Modules::

    engine.py      Nlu: load the model, understand(text, now=...)
    types.py       Understanding, Slots, Alternative, INTENTS (the contract)
    classifier.py  TF-IDF views + logistic regression; numpy-only prediction
    text.py        normalisation, spaceless and jamo views
    morph.py       Kiwi morphemes (one Kiwi per process, shared with search)
    rules.py       bare yes/no answers
    ids.py         order/ticket ids → canonical form
    dates.py       relative dates → KST date range (pure, given now)
    refs.py        ordinals and anaphora
    spans.py       learned verbatim spans: product query, claim reason
    slots.py       all slots for a given intent
    model.py       nlu.npz + manifest.json (no pickle)
    training.py    train-nlu, grouped cross-validation, evaluation
    report.py      confusion-matrix PNG
"""

from __future__ import annotations

from .dates import DateRange
from .engine import Nlu
from .types import INTENTS, Alternative, Slots, Understanding

__all__ = ["INTENTS", "Alternative", "DateRange", "Nlu", "Slots", "Understanding"]
