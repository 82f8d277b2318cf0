"""The NLU's contract with the agent: what one utterance means.

``Understanding`` is all the agent gets: the intent, how sure the classifier
is, what else it might be, and the slots. It is immutable and holds only plain
values, so the agent can log it, cache it and compare it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Final, Literal

from ..domain.tickets import IssueType
from .acts import Acts
from .dates import DateRange

INTENTS: Final[tuple[str, ...]] = (
    "order.list", "order.detail", "order.status", "order.cancel",
    "claim.refund", "claim.exchange", "claim.defect", "ticket.status",
    "policy", "product.search", "handoff", "general",
    "dialog.confirm", "dialog.deny",
)
"""Every intent the classifier can return (the labels of data/nlu/*.jsonl)."""

SLOT_NAMES: Final[tuple[str, ...]] = (
    "order_id", "ticket_id", "issue_type", "reason", "query", "price_min", "price_max",
    "date_ref", "ordinal", "anaphora",
)
"""Slot keys as they appear in the labelled data (``Slots.as_labels``)."""

Source = Literal["model", "model+embedding", "rule"]


@dataclass(frozen=True, slots=True)
class Slots:
    """What the utterance says besides its intent; ``None``/``False`` when absent.

    * ``order_id`` / ``ticket_id``: canonical (``ORD-YYYYMMDD-NNNN``,
      ``TKT-YYYYMMDD-XXXXXX``), whatever the shopper typed.
    * ``issue_type``: refund/exchange/defect on claims; on ``ticket.status``
      only when the kind is named ("환불 접수한 거" → refund).
    * ``reason`` (cancel and claims) and ``query`` (product search): verbatim
      text from the utterance.
    * ``price_min`` / ``price_max``: inclusive bounds in 원.
    * ``date_ref``: the relative-date phrase verbatim; ``date_range`` is the
      KST dates it denotes at the reference time given to ``understand``.
    * ``ordinal``: 1-based position in the list the agent showed, −1 = last.
    * ``anaphora``: the utterance points back ("그거", "그 주문"); the dialogue
      layer resolves it.
    """

    order_id: str | None = None
    ticket_id: str | None = None
    issue_type: IssueType | None = None
    reason: str | None = None
    query: str | None = None
    price_min: int | None = None
    price_max: int | None = None
    date_ref: str | None = None
    date_range: DateRange | None = None
    ordinal: int | None = None
    anaphora: bool = False
    order_ids: tuple[str, ...] = ()  # every order id named, in order (``order_id`` is the first)

    def as_labels(self) -> dict[str, Any]:
        """The slots in the labelled-data format (absent slots left out)."""
        out: dict[str, Any] = {}
        for name in SLOT_NAMES:
            value = getattr(self, name)
            if value is None or value is False:
                continue
            out[name] = str(value) if isinstance(value, IssueType) else value
        return out


@dataclass(frozen=True, slots=True)
class Alternative:
    intent: str
    confidence: float


@dataclass(frozen=True, slots=True)
class Understanding:
    """The meaning of one utterance.

    * ``intent``: one of ``INTENTS``.
    * ``confidence``: calibrated probability that ``intent`` is right, in [0, 1].
    * ``alternatives``: the next most likely intents, most likely first.
    * ``uncertain``: ``confidence`` is below ``nlu.confidence_threshold``; the
      agent should ask a clarifying question (or, for a question, fall back
      to policy search) instead of acting.
    * ``source``: ``"model"``; ``"model+embedding"`` when the first stage was
      unsure and the e5 second stage decided; ``"rule"`` for bare yes/no answers.
    """

    text: str
    intent: str
    confidence: float
    alternatives: tuple[Alternative, ...]
    slots: Slots
    uncertain: bool
    source: Source = "model"
    acts: Acts = Acts()
    # What the agent was waiting for when the message came (``Expecting``): a fragment
    # such as "그 패딩이요" is read as that answer first.
    expecting: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (for logs and the API)."""
        data = asdict(self)
        data["slots"] = self.slot_labels()
        return data

    def slot_labels(self) -> dict[str, Any]:
        """``as_dict()["slots"]`` without converting the rest (what a turn reports)."""
        labels = self.slots.as_labels()
        if self.slots.date_range is not None:
            labels["date_range"] = [self.slots.date_range.start.isoformat(), self.slots.date_range.end.isoformat()]
        return labels
