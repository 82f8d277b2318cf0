"""The tone pattern: every reply to an upset shopper passes here. One apology per
conversation, the facts as they are, and an offer of a person; anger with nothing to
look up ("응대가 이게 뭡니까", "제 말 듣고 있어요?") is asked what went wrong instead of
being answered with a policy passage or a product search."""

from __future__ import annotations

from dataclasses import replace

from ..nlu.types import Understanding
from .env import Env
from .outcome import Outcome
from .templates import say


def toned(env: Env, u: Understanding, outcome: Outcome) -> Outcome:
    """``outcome`` as said to this shopper: unchanged unless the message is upset."""
    if not u.acts.negative or u.intent in ("dialog.confirm",):
        return outcome
    ranted = bool(outcome.citations) and not (u.acts.question or u.acts.request) and u.intent == "policy"
    if (outcome.unanswered or ranted) and not (u.acts.actions or u.slots.order_id or
                                               env.finder.product_words(u.acts.nouns)):
        outcome = vent(outcome)  # "고객센터가 이래도 되나요 진짜": anger, not a policy question
    state = outcome.state
    if not state.apologized:
        outcome = outcome.prefixed(say("tone.apology"))
    elif outcome.handoff:  # handed over to a person because of it: said once more, briefly
        outcome = outcome.prefixed(say("tone.apology_handoff"))
    if not (outcome.handoff or state.handed_off):
        outcome = outcome.suffixed(say("tone.offer_person"))
    return outcome.with_state(replace(outcome.state, apologized=True))


def vent(outcome: Outcome) -> Outcome:
    """Anger with nothing to look up: asked what went wrong (the apology and the offer of a
    person are added by ``toned``), never "the documents do not say"."""
    return Outcome(say("tone.vent"), outcome.state)
