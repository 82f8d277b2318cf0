"""Questions that lean on the claim being discussed.

- "교환도 돼요?", "환불은요?", "하나만 교환도 돼요?" right after an eligibility answer about
  one order ask the same thing of another remedy: answered for that remedy, that order and
  the item state stated before ("택 안 뗐는데"), never with a neighbouring rule.
- "사진 보내야 돼요?", "택배비는 누가 내요?" while a claim is offered, pending or just filed
  ask how that claim goes on: answered from its rules (a defect's, not a change of mind's).
"""

from __future__ import annotations

from dataclasses import replace

from ..nlu.context import resolve_ellipsis
from ..nlu.types import Understanding
from .digressions import SAME_REQUEST
from .env import Env
from .flows import info
from .outcome import Outcome
from .state import DialogueState

CLAIMS = ("return", "exchange", "defect")
# The documents a question about a claim may be answered from; a passage from any other
# document (basic shipping fees, points) means the question was not about the claim.
CLAIM_DOCS = frozenset({"defective-item", "wrong-item-delivery", "return-policy", "return-process",
                         "return-shipping-fee", "exchange-policy", "exchange-process", "refund-policy", "faq"})


def follow_up(env: Env, u: Understanding, state: DialogueState) -> Outcome | None:
    return other_remedy(env, u, state) or side_question(env, u, state)


def other_remedy(env: Env, u: Understanding, state: DialogueState) -> Outcome | None:
    """"교환도 돼요?" after "반품 돼요?" about one order: the same question for an exchange."""
    acts = u.acts
    asked = [a for a in acts.actions if a in CLAIMS]
    if len(asked) != 1 or len(acts.actions) != 1 or not state.asked_claim or \
            not acts.asks or not (acts.can or acts.elliptical) or acts.conditional or acts.how or \
            u.slots.order_id or env.finder.points(u, state) or env.finder.product_words(acts.nouns):
        return None
    task = asked[0]
    if state.asked_claim == "defect" and task in ("return", "exchange"):
        task = "defect"  # "환불도 돼요?" about a defect: the defect settled by a refund
    if task == state.asked_claim and task != "defect":
        return None
    if not acts.conditions and state.asked_conditions:  # the item's state said before still holds
        u = replace(u, acts=replace(acts, conditions=state.asked_conditions))
    if state.last_order_id or u.acts.conditions:  # that order (or the rule for that item state)
        return info.can_i(env, task, u, state, order_id=state.last_order_id)
    if not state.last_question:
        return None
    answered = info.policy_answer(env, resolve_ellipsis(u, state.last_question), state)  # the rule, re-asked
    if answered is None or not answered[0].citations or answered[0].citations[0].get("doc_id") not in CLAIM_DOCS:
        return None
    return answered[0]


def _claim_in_hand(state: DialogueState) -> str | None:
    """The claim the conversation is about: one waiting for a yes or offered, one just filed,
    or a defect just asked about."""
    top = state.top
    if top is not None:
        return top.task if top.task in CLAIMS else top.intent if top.task == "offer" and top.intent in CLAIMS \
            else None
    if state.topic in CLAIMS:  # "배송비는 안 내도 되죠?" right after the claim was filed
        return state.topic
    return "defect" if state.asked_claim == "defect" and not state.completed else None


def side_question(env: Env, u: Understanding, state: DialogueState) -> Outcome | None:
    """"사진 찍어서 보내야 돼요?" after a defect was reported, "배송비 얼마 내야 돼?" after an
    exchange was filed: asked of that claim (its fees, its steps), not of a first purchase."""
    acts = u.acts
    task = _claim_in_hand(state)
    if task is None or u.intent not in ("policy", "general") or not acts.asks or acts.person or \
            not set(acts.actions) <= SAME_REQUEST.get(task, set()) or u.slots.order_id or \
            env.finder.product_words(acts.nouns):  # "반품비는 제가 내요?" in a defect claim is its return
        return None  # ("이거 보내는 택배비는요?" points at the item reported: still the claim's question)
    answered = info.within_task(env, task, u.text, state)
    if answered is None or not answered.citations or answered.citations[0].get("doc_id") not in CLAIM_DOCS:
        return None
    return answered
