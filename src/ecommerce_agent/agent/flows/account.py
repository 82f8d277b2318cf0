"""Questions about the shopper's own account: "포인트 얼마 있어요?", "쿠폰 뭐 있어요?", "내 등급 뭐예요?".

Balances, coupons and tiers are not data this agent can read (orders and tickets
are), so the honest answer says so and where the shopper sees them, with the
document that names that page; the rules themselves remain a question away.
"""

from __future__ import annotations

from dataclasses import replace

from ...nlu.types import Understanding
from ..env import Env
from ..outcome import Outcome
from ..sources import cite, sourced
from ..state import DialogueState
from ..templates import say


def my_account(env: Env, u: Understanding, state: DialogueState) -> Outcome | None:
    """None when nothing of their own account is asked."""
    asked = u.acts.my_account
    if not asked or not u.acts.asks:
        return None
    cited = cite(env.answerer, f"account.{asked[0]}")
    text = " ".join(say(f"account.{what}") for what in asked)
    return Outcome(sourced(text, cited), replace(state, last_question=u.text), citations=cited)
