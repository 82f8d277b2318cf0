"""The next step after a refusal: "그럼 어떻게 해요?", "방법이 아예 없어요?" right after the
agent said no. The step depends on why it was refused (``data/agent/next_steps.yaml``)
and is at most *offered*: taking it up is the shopper's next request.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from ...config import read_yaml_mapping
from ...errors import ConfigError
from ...nlu.context import Expecting
from ...nlu.lexicon import data_path
from ...nlu.types import Understanding
from .. import replies as R
from ..env import Env
from ..outcome import Outcome
from ..state import DialogueState, Frame
from ..templates import say
from .orders import show
from .writes import ACTIONS, put

STEPS_FILE = Path("data/agent/next_steps.yaml")


@lru_cache(maxsize=1)
def next_steps() -> dict[str, Any]:
    data = read_yaml_mapping(data_path(STEPS_FILE), "다음 단계 안내")
    for reason, step in data.items():
        if reason in ("offers", "after"):
            continue
        offer = step.get("offer") if isinstance(step, dict) else None
        if not isinstance(step, dict) or not step.get("text") or offer not in (None, "handoff", *ACTIONS):
            raise ConfigError(f"다음 단계 안내 {STEPS_FILE}의 '{reason}' 항목에는 text와 올바른 offer가 있어야 합니다.")
    return data


def what_now(env: Env, u: Understanding, refusal: str | None, state: DialogueState) -> Outcome | None:
    """``refusal``: "task:reason" of the previous turn's refusal (None: there was none)."""
    acts = u.acts
    # "불량은 아닌데 진짜 안돼요?"; "아 왜 안돼요 진짜" (upset at the no) asks the way out too
    asked = acts.how or acts.procedure or acts.negative or (acts.defect_denied and acts.can)
    if not refusal or not acts.asks or not asked or acts.actions or acts.conditions or (
            u.slots.order_id or env.finder.product_words(acts.nouns)):
        return None
    reason = refusal.split(":", 1)[1]
    step = next_steps().get(f"{reason}_no_defect" if acts.defect_denied else reason) or next_steps().get(reason)
    if step is None:
        return None
    text, offer = step["text"], step.get("offer")
    state = replace(state, refused=refusal)  # asked again ("그럼 어떻게 해야 돼요"), the same way out
    if offer is None:
        return Outcome(text, state)
    frame = Frame(task="offer", intent=offer, order_id=state.last_order_id, items=state.last_items,
                  waiting=Expecting.OFFER.value)
    tail = next_steps()["offers"][offer] if offer == "handoff" else say("eligibility.offer",
                                                                        request=say(f"requests.{offer}"))
    return Outcome(f"{text} {tail}", put(replace(state, stack=()), frame))


def after_done(env: Env, u: Understanding, state: DialogueState) -> Outcome | None:
    """About the unpaid order in focus, with no request just done (after one, ``info.followup``
    answers from it): "그럼 이제 뭐 하면 돼요?" gets the deposit to make, a bare "언제까지요?"
    its deadline; None when that is not the case."""
    acts = u.acts
    bare_until = acts.until_when and acts.asks and not (acts.nouns or acts.conditional)
    if not (acts.what_next or bare_until) or state.topic or acts.actions or acts.statuses or u.slots.order_id or \
            env.finder.product_words(acts.nouns) or not state.last_order_id:
        return None
    order = env.tools.get_order(state.last_order_id)
    if order is None or order.status.value != "pending":
        return None
    if not acts.what_next:
        return show(env, order, "order.detail", state, ("deposit_deadline",))
    return Outcome(next_steps()["after"]["pending"].format(amount=R.won(order.total_amount)), state)
