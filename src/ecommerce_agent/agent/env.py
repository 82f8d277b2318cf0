"""What every flow of one turn works with: the user's tools, the order finder,
the clock, the confirmation time limit and the policy answerer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from .resolve import OrderFinder
from .tools import Tools


@dataclass(frozen=True)
class Env:
    tools: Tools
    finder: OrderFinder
    now: datetime
    confirm_ttl: timedelta
    answerer: Any | None = None  # answers.PolicyAnswerer (None: passages quoted by search order)
    min_policy_score: float = 0.0
