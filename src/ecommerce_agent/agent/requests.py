"""A message whose intent is a write: asked about, reported or requested.

"가디건만 취소 돼요?" is a question (answered, then offered), "사은품이 안 들어있어요" a
report (judged), "그럼 환불해 주세요" a request (started; it waits for an explicit yes).
"""

from __future__ import annotations

from dataclasses import replace

from ..nlu.types import Understanding
from .env import Env
from .flows import info, support, writes
from .outcome import Outcome
from .state import DialogueState


def write_request(env: Env, task: str, u: Understanding, state: DialogueState, carried: str | None) -> Outcome:
    """A message whose intent is a write ("취소해 주세요", "환불 돼요?"): a question about it is
    answered (eligibility, the rule, their own claim), a report is judged, a request started."""
    acts = u.acts
    carried = carried or state.last_order_id  # "그럼 환불해 주세요" about the order just discussed
    noted = state.defect_noted and (not env.finder.points(u, state) or u.slots.anaphora) and \
        carried == state.defect_noted  # "그건 교환해 주세요": the item reported
    if ("defect" in acts.actions or noted) and task in ("return", "exchange"):
        task = "defect"  # "손잡이가 덜렁거려요 그냥 환불해 줘요": a defect, settled by a refund
    if (acts.asks or acts.action_question) and not acts.done_check:  # "가디건만 취소 돼요? 커피는 받을래요"
        later = "after_delivery" in acts.conditions  # "받고 반품하면 돈 다 돌려줘?": once it has arrived
        rest_kept = acts.kept and acts.conditional  # "폼만 취소하면 책은 그대로 오죠?": can only that go
        if (acts.can or later or rest_kept) and (not acts.how or (acts.shopping and acts.conditional)):
            return info.can_i(env, task, u, state)
        if task == "defect" and "defect" in acts.actions and not acts.conditional and (
                env.finder.points(u, state) or env.finder.product_words(acts.nouns)):
            return info.can_i(env, task, u, state)  # "주전자 뚜껑이 부러져서 왔어요 어떻게 해야 되나요"
        if acts.mine and acts.ticket_words and not acts.conditional:  # "반품 접수한 RC카 돈은 언제 돌려받아요"
            mine = support.claim_in_progress(env, u, state)  # their own claim, from its data
            if mine is not None:
                return mine
        return info.policy(env, u, state)  # "환불은 얼마나 걸려요?": a question, not a request
    if not acts.request and not acts.correction and len(u.text.split()) >= 4 and \
            not env.finder.points(u, state) and not carried:  # a report ("사은품이 안 들어있어요")
        return info.can_i(env, task, u, state, report=True)
    if noted and task == "defect" and not writes.reason_of(u) and state.defect_reason:
        u = replace(u, slots=replace(u.slots, reason=state.defect_reason))  # the defect described before
    named = list(u.slots.order_ids)
    if len(named) > 1:  # "ORD-1이랑 ORD-2 둘 다 취소해 줘": one at a time, each confirmed
        return writes.start_many(env, task, named, u, state,
                                 lead=f"말씀하신 주문 {len(named)}건을 하나씩 확인해 드릴게요.")
    return writes.start(env, task, u, state, carried=carried if not env.finder.points(u, state) else None)
