"""What one turn produces: the reply, the new state and what goes with the reply."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from .state import DialogueState


@dataclass
class Outcome:
    text: str
    state: DialogueState
    cards: list[dict[str, Any]] = field(default_factory=list)
    citations: list[dict[str, Any]] = field(default_factory=list)
    actions: list[dict[str, Any]] = field(default_factory=list)
    handoff: bool = False
    unanswered: bool = False  # the honest "the documents do not say": another reading may still answer
    rules_out: str | None = None  # a task this answer says cannot be done as the shopper describes it

    def then(self, other: Outcome) -> Outcome:
        """This outcome followed by ``other`` in the same reply (``other``'s state wins)."""
        return Outcome(f"{self.text}\n\n{other.text}" if self.text else other.text, other.state,
                       self.cards + other.cards, self.citations + other.citations,
                       self.actions + other.actions, self.handoff or other.handoff,
                       rules_out=self.rules_out or other.rules_out)

    def prefixed(self, text: str) -> Outcome:
        return replace(self, text=f"{text} {self.text}" if text else self.text)

    def suffixed(self, text: str) -> Outcome:
        return replace(self, text=f"{self.text}\n\n{text}" if text else self.text)

    def with_state(self, state: DialogueState) -> Outcome:
        return replace(self, state=state)
