"""Dialogue flows without the NLU model: intents and slots are given by hand, the
dialogue acts are read from the text by the real lexicon (``nlu.acts``), tools run
against a copy of the scenario shop (no search index)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from ecommerce_agent.agent.dialogue import Dialogue
from ecommerce_agent.agent.env import Env
from ecommerce_agent.agent.evaluation import ANCHOR, order_groups, shop_copy
from ecommerce_agent.agent.flows import support
from ecommerce_agent.agent.outcome import Outcome
from ecommerce_agent.agent.resolve import OrderFinder
from ecommerce_agent.agent.state import DialogueState
from ecommerce_agent.agent.tools import ToolContext, Tools
from ecommerce_agent.nlu.acts import read_acts
from ecommerce_agent.nlu.types import Slots, Understanding
from ecommerce_agent.storage.sql import SqlRepository


def said(intent: str, text: str = "", **slots: Any) -> Understanding:
    if "order_id" in slots and "order_ids" not in slots:
        slots["order_ids"] = (slots["order_id"],)
    return Understanding(text=text, intent=intent, confidence=0.99, alternatives=(), slots=Slots(**slots),
                         uncertain=False, acts=read_acts(text))


class Shop:
    """One customer talking to the dialogue layer, turn by turn, on a private shop copy."""

    def __init__(self, repo: SqlRepository) -> None:
        self.repo = repo
        self.user = repo.get_user_by_email("demo@example.com")
        other = repo.get_user_by_email("demo2@example.com")
        assert self.user is not None and other is not None
        self.orders = order_groups(repo, self.user.user_id)
        self.other = order_groups(repo, other.user_id)
        self.state = DialogueState()
        self.now = ANCHOR

    def say(self, u: Understanding, *, after: timedelta = timedelta(seconds=30)) -> Outcome:
        self.now += after
        tools = Tools(ToolContext(repo=self.repo, user=self.user, now=self.now))
        env = Env(tools, OrderFinder(tools), self.now, timedelta(minutes=10))
        outcome = Dialogue(env).respond(u, self.state)
        self.state = outcome.state
        return outcome

    def status(self, order_id: str) -> str:
        order = self.repo.get_order(order_id)
        assert order is not None
        return order.status.value

    def tickets(self) -> int:
        assert self.user is not None
        return len(self.repo.list_tickets(self.user.user_id, limit=100))


@pytest.fixture
def shop(scenario_template: Path) -> Iterator[Shop]:
    with shop_copy(scenario_template) as repo:
        yield Shop(repo)


def test_yes_executes_once_and_a_second_yes_says_it_is_done(shop: Shop) -> None:
    paid = shop.orders["paid"][0]
    assert shop.say(said("order.cancel", f"{paid} 취소", order_id=paid)).state.pending is not None
    assert "취소했습니다" in shop.say(said("dialog.confirm", "네")).text
    again = shop.say(said("dialog.confirm", "네"))
    assert "이미 처리" in again.text and again.actions == [] and shop.status(paid) == "cancelled"
    assert "기다리는 요청이 없습니다" in shop.say(said("dialog.confirm", "네")).text


def test_an_expired_confirmation_does_nothing(shop: Shop) -> None:
    paid = shop.orders["paid"][0]
    shop.say(said("order.cancel", f"{paid} 취소", order_id=paid))
    outcome = shop.say(said("dialog.confirm", "네"), after=timedelta(minutes=11))
    assert "10분" in outcome.text and shop.status(paid) == "paid" and outcome.state.pending is None


def test_a_yes_naming_another_order_acts_on_neither_until_asked(shop: Shop) -> None:
    first, second = shop.orders["paid"][0], shop.orders["preparing"][0]
    shop.say(said("order.cancel", f"{first} 취소", order_id=first))
    outcome = shop.say(said("dialog.confirm", f"네 {second}요", order_id=second))
    assert shop.status(first) == "paid" and outcome.state.pending is not None
    assert outcome.state.pending.order_id == second
    assert {"type": "cancel", "order_id": first, "status": "not_confirmed"} in outcome.actions


def test_a_yes_with_also_does_the_first_and_asks_about_the_second(shop: Shop) -> None:
    first, second = shop.orders["paid"][0], shop.orders["preparing"][0]
    shop.say(said("order.cancel", f"{first} 취소", order_id=first))
    outcome = shop.say(said("dialog.confirm", f"네 {second}도 취소해 주세요", order_id=second))
    assert shop.status(first) == "cancelled" and shop.status(second) == "preparing"
    assert outcome.state.pending is not None and outcome.state.pending.order_id == second


def test_several_orders_in_one_request_are_asked_one_by_one(shop: Shop) -> None:
    shipped, paid, pending = shop.orders["shipped"][0], shop.orders["paid"][0], shop.orders["pending"][0]
    outcome = shop.say(said("order.cancel", f"{shipped}, {paid}, {pending} 취소", order_id=shipped,
                            order_ids=(shipped, paid, pending)))
    assert "이미 발송되어" in outcome.text  # the shipped one is refused, the next one is asked
    assert outcome.state.pending is not None and outcome.state.pending.order_id == paid
    assert outcome.state.top is not None and outcome.state.top.queued == (pending,)
    outcome = shop.say(said("dialog.deny", "아니요"))
    assert shop.status(paid) == "paid" and outcome.state.pending is not None
    assert outcome.state.pending.order_id == pending
    shop.say(said("dialog.confirm", "네"))
    assert shop.status(pending) == "cancelled" and shop.state.stack == ()


def test_a_side_lookup_keeps_the_pending_action_and_asks_again(shop: Shop) -> None:
    paid = shop.orders["paid"][0]
    shop.say(said("order.cancel", f"{paid} 취소", order_id=paid))
    outcome = shop.say(said("order.list", "주문 내역 보여줘"))
    assert outcome.state.pending is not None and outcome.state.pending.order_id == paid
    assert outcome.text.rstrip().endswith("라고 답해 주세요.") and shop.status(paid) == "paid"


def test_a_different_write_request_drops_the_pending_action_and_says_so(shop: Shop) -> None:
    paid, delivered = shop.orders["paid"][0], shop.orders["delivered_recent"][0]
    shop.say(said("order.cancel", f"{paid} 취소", order_id=paid))
    outcome = shop.say(said("claim.refund", f"{delivered} 반품해 주세요", order_id=delivered))
    assert outcome.state.pending is not None and outcome.state.pending.order_id == delivered
    assert "진행하지 않았습니다" in outcome.text and shop.status(paid) == "paid"
    assert {"type": "cancel", "order_id": paid, "status": "not_confirmed"} in outcome.actions


def test_another_customers_order_is_not_found_for_every_kind_of_request(shop: Shop) -> None:
    theirs = shop.other["paid"][0]
    for u in (said("order.cancel", f"{theirs} 취소", order_id=theirs),
              said("order.detail", f"{theirs} 상세", order_id=theirs),
              said("ticket.status", f"{theirs} 문의", order_id=theirs),
              said("policy", f"{theirs} 취소 가능해요?", order_id=theirs),
              said("claim.exchange", f"{theirs} 배송지 서울특별시 중구 세종대로 1로 바꿔줘", order_id=theirs)):
        outcome = shop.say(u)
        assert "찾을 수 없습니다" in outcome.text and theirs not in outcome.text, u.text
        assert outcome.state.pending is None and outcome.cards == []


def test_an_address_change_is_recognised_whatever_the_intent(shop: Shop) -> None:
    order_id = shop.orders["preparing"][0]
    outcome = shop.say(said("claim.exchange", f"{order_id} 배송지를 부산광역시 중구 중앙대로 1로 바꿔줘",
                            order_id=order_id))
    assert outcome.state.pending is not None and outcome.state.pending.action == "change_address"
    assert outcome.state.pending.new_address == "부산광역시 중구 중앙대로 1"
    shop.say(said("dialog.confirm", "네"))
    order = shop.repo.get_order(order_id)
    assert order is not None and order.shipping_address == "부산광역시 중구 중앙대로 1"


def test_which_order_offers_only_allowed_orders_and_a_number_picks_one(shop: Shop) -> None:
    outcome = shop.say(said("claim.refund", "반품하고 싶어요"))
    assert outcome.state.last_list == tuple(shop.orders["delivered_recent"])
    outcome = shop.say(said("general", "2번이요"))
    assert outcome.state.pending is not None
    assert outcome.state.pending.order_id == shop.orders["delivered_recent"][1]


def test_a_day_narrows_the_choice_and_one_match_is_proposed(shop: Shop) -> None:
    from ecommerce_agent.nlu.dates import DateRange

    day = ANCHOR.date() - timedelta(days=2)  # 2026-11-24: one cancellable order that day
    outcome = shop.say(said("order.cancel", "그저께 주문 취소", date_ref="그저께",
                            date_range=DateRange(day, day)))
    assert outcome.state.pending is not None
    assert shop.repo.get_order(outcome.state.pending.order_id).order_date.date() <= day  # type: ignore[union-attr]


def test_whether_an_order_can_be_cancelled_is_answered_from_the_status_matrix(shop: Shop) -> None:
    shipped, preparing = shop.orders["shipped"][0], shop.orders["preparing"][0]
    refused = shop.say(said("policy", f"{shipped} 취소 가능한가요?", order_id=shipped))
    assert "이미 발송되어" in refused.text and refused.state.pending is None
    allowed = shop.say(said("policy", f"{preparing} 취소 돼요?", order_id=preparing))
    # a question is answered and the action offered, not started (issue 11)
    assert "가능합니다" in allowed.text and allowed.state.pending is None
    assert allowed.state.top is not None and allowed.state.top.task == "offer"
    asked = shop.say(said("order.cancel", "취소해 주세요"))  # the offer taken up: now the exact question
    assert asked.state.pending is not None and asked.state.pending.order_id == preparing


def test_a_second_handoff_reuses_the_ticket(shop: Shop) -> None:
    before = shop.tickets()
    first = shop.say(said("handoff", "상담원 연결"))
    second = shop.say(said("handoff", "상담원 연결해 달라니까요"))
    assert first.handoff and second.handoff and shop.tickets() == before + 1
    assert first.state.handoff_ticket_id and first.state.handoff_ticket_id in second.text
    assert "점심시간" in first.text  # 12:00 KST on a Thursday


def test_no_search_index_means_an_honest_answer_not_a_made_up_one(shop: Shop) -> None:
    outcome = shop.say(said("policy", "반품 배송비는 얼마예요?"))
    assert outcome.citations == [] and "찾지 못했습니다" in outcome.text and "상담원" in outcome.text


def test_products_must_be_what_was_asked_for() -> None:
    honey = SimpleNamespace(title="코지홈 에센셜 꿀 선물세트", metadata={"category": "식품"})
    boxes = SimpleNamespace(title="다온 베이직 밀폐용기 세트", metadata={"category": "주방용품"})
    assert support._head_noun("선물용 꿀 세트") == "꿀" and support._head_noun("무선 이어폰") == "이어폰"
    assert support._relevant("꿀", [honey, boxes]) == [honey]
    assert support._relevant(None, [honey, boxes]) == [honey, boxes]


def test_outcomes_chain() -> None:
    state = DialogueState()
    both = Outcome("a", state, cards=[{"x": 1}]).then(Outcome("b", replace(state, last_order_id="O"), handoff=True))
    assert both.text == "a\n\nb" and both.cards == [{"x": 1}] and both.handoff and both.state.last_order_id == "O"


def test_a_yes_that_names_another_action_is_not_a_yes_to_the_first(shop: Shop) -> None:
    delivered = shop.orders["delivered_recent"][0]
    asked = shop.say(said("claim.exchange", f"{delivered} 프라이팬 화이트로 교환", order_id=delivered))
    assert asked.state.pending is not None and asked.state.pending.replacement_option == "색상: 화이트"
    outcome = shop.say(said("dialog.confirm", "네 근데 환불로 해주세요"))
    assert shop.status(delivered) == "delivered" and shop.tickets() == 3  # the seeded ones only
    assert outcome.state.pending is not None and outcome.state.pending.action == "return"
    paid = shop.orders["paid"][0]
    shop.say(said("order.cancel", f"{paid} 취소", order_id=paid))
    shop.say(said("dialog.confirm", "네 취소하고 환불해 주세요"))  # 환불 is what a cancellation does
    assert shop.status(paid) == "cancelled"


def test_a_product_name_finds_its_order(shop: Shop) -> None:
    outcome = shop.say(said("order.cancel", "스탠드 주문한 거 취소해 주세요"))
    assert outcome.state.pending is not None and "'스탠드'" in outcome.text
    assert "스탠드" in outcome.state.pending.summary
    refused = shop.say(said("order.cancel", "전기포트 취소해 주세요"))
    assert refused.state.pending is None and "배송이 완료된" in refused.text


def test_a_yes_pointing_at_another_listed_order_is_not_a_yes(shop: Shop) -> None:
    shop.say(said("order.list", "주문 내역"))
    listed = shop.state.last_list
    shop.say(said("order.cancel", f"{listed[0]} 취소", order_id=listed[0]))
    outcome = shop.say(said("dialog.confirm", "두 번째요", ordinal=2))
    assert shop.status(listed[0]) != "cancelled"
    assert outcome.state.pending is not None and outcome.state.pending.order_id == listed[1]


def test_a_wrong_order_number_keeps_the_request_open_for_the_right_one(shop: Shop) -> None:
    theirs, mine = shop.other["paid"][0], shop.orders["paid"][0]
    assert "찾을 수 없습니다" in shop.say(said("order.cancel", f"{theirs} 취소해 주세요", order_id=theirs)).text
    fixed = shop.say(said("general", f"아 번호 잘못 봤네요 {mine}이요", order_id=mine))
    assert fixed.state.pending is not None and fixed.state.pending.order_id == mine
    assert fixed.state.pending.action == "cancel" and shop.status(mine) == "paid"


def test_a_number_of_the_new_address_is_corrected_before_the_yes(shop: Shop) -> None:
    order_id = shop.orders["preparing"][0]
    shop.say(said("order.cancel", f"{order_id} 배송지 경기도 성남시 분당구 판교역로 253으로 바꿔주세요",
                  order_id=order_id))
    fixed = shop.say(said("general", "아 번호 잘못 말했어요 253 말고 235요"))
    assert fixed.state.pending is not None and fixed.state.pending.new_address == "경기도 성남시 분당구 판교역로 235"
    shop.say(said("dialog.confirm", "네 맞아요"))
    order = shop.repo.get_order(order_id)
    assert order is not None and order.shipping_address == "경기도 성남시 분당구 판교역로 235"


def test_a_rule_stated_from_the_order_cites_its_policy_section(shop: Shop, scenario_template: Path) -> None:
    from ecommerce_agent.agent.sources import cite, rule_sources
    from ecommerce_agent.agent.answers.sections import SectionStore
    from ecommerce_agent.nlu.lexicon import data_path

    sections = SectionStore.load(data_path(Path("data/policies")))
    answerer = SimpleNamespace(sections=sections)
    for key, (doc, heading) in rule_sources().items():  # every source names a real section
        assert cite(answerer, key) == [{"doc_id": doc, "title": sections.get(doc, heading).title,
                                        "chunk_id": f"{doc}#{sections.get(doc, heading).order:02d}",
                                        "section": heading, "score": 1.0}], key
    assert cite(answerer, "cancel.no_such_reason", "cancel")[0]["doc_id"] == "order-cancellation"
    assert cite(None, "cancel") == [] and cite(answerer, "nothing") == []


def test_a_refund_after_a_described_defect_is_a_defect_claim_with_that_reason(shop: Shop) -> None:
    order_id = shop.orders["delivered_old"][0]  # past the 7-day change-of-mind window, within 3 months
    shop.say(said("policy", f"{order_id} 보풀이 엄청 일어나요 불량 같은데 반품 배송비 제가 내요?", order_id=order_id))
    asked = shop.say(said("claim.refund", "그럼 환불해주세요"))
    pending = asked.state.pending
    assert pending is not None and pending.action == "defect" and pending.order_id == order_id
    assert pending.reason is not None and "보풀" in pending.reason
    assert shop.status(order_id) == "delivered"


def test_whether_it_was_done_is_answered_from_what_happened(shop: Shop) -> None:
    order_id = shop.orders["preparing"][0]
    shop.say(said("order.cancel", f"{order_id} 취소", order_id=order_id))
    shop.say(said("dialog.deny", "아니요 안 할래요"))
    answer = shop.say(said("order.status", "취소된 거 아니죠?"))
    assert answer.text.startswith("아니요") and "취소되지 않았습니다" in answer.text
    theirs = shop.other["preparing"][0]
    shop.say(said("order.cancel", f"{theirs} 배송지 서울특별시 중구 세종대로 110으로 바꿔줘", order_id=theirs))
    assert "변경되지 않았습니다" in shop.say(said("dialog.confirm", "바뀐 거죠 그럼?")).text
    assert shop.status(order_id) == "preparing"


def test_after_an_unpaid_order_is_cancelled_nothing_is_owed_or_refunded(shop: Shop) -> None:
    order_id = shop.orders["pending"][0]
    shop.say(said("order.cancel", f"{order_id} 결제 안 할 거예요 없애주세요", order_id=order_id))
    shop.say(said("dialog.confirm", "네"))
    answer = shop.say(said("claim.refund", "그럼 따로 환불 받을 건 없는 거죠?"))
    assert answer.text.startswith("네") and "입금 전" in answer.text
    assert "영업일" not in answer.text


def test_thanks_while_a_yes_is_awaited_keeps_the_question_and_a_yes_word_with_the_action_confirms(
        shop: Shop) -> None:
    order_id = shop.orders["preparing"][0]
    shop.say(said("order.cancel", f"{order_id} 취소", order_id=order_id))
    thanked = shop.say(said("general", "오 빠르시네요 감사해요 ㅎㅎ"))
    assert thanked.state.pending is not None and thanked.state.pending.order_id == order_id
    assert "취소할까요" in thanked.text and shop.status(order_id) == "preparing"
    done = shop.say(said("order.cancel", "넵 취소요"))
    assert "취소했습니다" in done.text and shop.status(order_id) == "cancelled"


def test_an_option_is_named_in_everyday_words() -> None:
    from ecommerce_agent.agent.flows.writes import _named_option
    from ecommerce_agent.domain.claims import ProductOption

    options = [ProductOption("P1", f"색상: {c} / 사이즈: {s}", 3) for c in ("화이트", "블랙", "네이비") for s in "SML"]
    assert _named_option("흰색이요", "색상: 네이비 / 사이즈: M", options) == "색상: 화이트 / 사이즈: M"
    assert _named_option("까만 걸로 L", "색상: 네이비 / 사이즈: M", options) == "색상: 블랙 / 사이즈: L"
    assert _named_option("M", "색상: 네이비 / 사이즈: S", options) == "색상: 네이비 / 사이즈: M"
    assert _named_option("보라색이요", "색상: 네이비 / 사이즈: M", options) is None
    assert _named_option("마음에 안 들어요", "색상: 네이비 / 사이즈: M", options) is None


def test_which_of_the_orders_shown_allow_a_request_is_answered_from_their_data(shop: Shop) -> None:
    listed = shop.say(said("order.list", "배송 완료된 주문만 보여주세요"))
    shown = listed.state.last_list
    assert len(shown) > 1
    answer = shop.say(said("product.search", "이 중에 아직 반품 되는 거 있어요?"))
    able = [o for o in shown if o in shop.orders["delivered_recent"]]
    assert all(o in answer.text for o in able) and answer.text.startswith("네" if able else "아니요")
    assert not any(o in answer.text for o in shown if o in shop.orders["delivered_expired"])
    assert answer.state.pending is None and shop.tickets() == shop.tickets()


def test_insisting_on_an_order_not_found_reveals_nothing_and_points_to_the_right_account(shop: Shop) -> None:
    theirs = shop.other["shipped"][0]
    shop.say(said("order.status", f"{theirs} 배송 어디쯤이에요?", order_id=theirs))
    again = shop.say(said("order.status", "제 주문 맞는데요?"))
    assert "찾을 수 없습니다" in again.text and "ORD-" not in again.text and again.cards == []
    account = shop.say(said("general", "아 남편 계정으로 산 거였네요"))
    assert "로그인" in account.text and "ORD-" not in account.text


def test_a_missing_parcel_is_reported_only_on_a_yes_or_a_request(shop: Shop) -> None:
    before = shop.tickets()
    first = shop.say(said("order.status", "택배 왔다는데 문 앞에 없어요"))
    assert shop.tickets() == before and "경비실" in first.text
    asked = shop.say(said("order.status", "경비실도 관리사무소도 없대요"))  # looked everywhere: asked, not filed
    assert shop.tickets() == before and "접수해 드릴까요" in asked.text
    filed = shop.say(said("dialog.confirm", "네"))
    assert shop.tickets() == before + 1 and "접수했습니다" in filed.text


def test_a_payment_method_filters_the_order_list(shop: Shop) -> None:
    listed = shop.say(said("order.list", "카드로 결제한 주문만 보여줘요"))
    shown = [shop.repo.get_order(o) for o in listed.state.last_list]
    assert shown and all(o is not None and o.payment_method.value == "card" for o in shown)
    others = [o for o in shop.repo.list_orders(shop.user.user_id, limit=50) if o.payment_method.value != "card"]
    assert others  # the shop has orders paid otherwise, so the filter has something to leave out


def test_not_shipped_yet_lists_only_orders_before_dispatch(shop: Shop) -> None:
    listed = shop.say(said("order.status", "아직 출고 안 된 주문 뭐 있어요?"))
    statuses = {c["status"] for c in listed.cards}
    assert statuses and statuses <= {"pending", "paid", "preparing"}


def test_the_most_expensive_of_the_orders_listed_is_picked_from_them(shop: Shop) -> None:
    listed = shop.say(said("order.list", "최근 주문 보여줘"))
    orders = [shop.repo.get_order(o) for o in listed.state.last_list]
    top = max(orders, key=lambda o: o.total_amount)  # type: ignore[union-attr]
    picked = shop.say(said("product.search", "그중 제일 비싼 거"))
    assert top is not None and top.order_id in picked.text and [c["order_id"] for c in picked.cards] == [top.order_id]


def test_a_question_about_the_assistant_is_answered_as_small_talk_not_a_handoff(shop: Shop) -> None:
    before = shop.tickets()
    answer = shop.say(said("handoff", "혹시 사람이에요?"))
    assert "AI" in answer.text and not answer.handoff and answer.citations == [] and shop.tickets() == before
    name = shop.say(said("general", "너 이름 뭐야?"))
    assert name.citations == [] and "챗봇" in name.text


def test_an_unpaid_order_left_alone_is_explained_and_cancelling_is_only_offered(shop: Shop) -> None:
    unpaid = shop.orders["pending"][0]
    answer = shop.say(said("policy", f"{unpaid} 입금 안 하고 그냥 두면 어떻게 돼요?", order_id=unpaid))
    assert "24시간" in answer.text and "자동으로 취소" in answer.text and shop.status(unpaid) == "pending"
    assert answer.state.pending is None
    proposed = shop.say(said("order.cancel", "아니다 지금 취소해 주세요"))
    assert proposed.state.pending is not None and proposed.state.pending.order_id == unpaid


def test_a_side_question_about_the_return_in_hand_keeps_it_waiting(shop: Shop) -> None:
    order = shop.orders["delivered_recent"][0]
    shop.say(said("claim.refund", f"{order} 반품할게요", order_id=order))
    pending = shop.state.pending
    assert pending is not None
    side = shop.say(said("order.status", "근데 회수는 언제 와요?"))
    assert side.state.pending is not None and side.state.pending.id == pending.id
    assert "진행 중이던 요청" in side.text and shop.status(order) == "delivered"


def test_naming_the_proposed_item_again_keeps_the_question_open(shop: Shop) -> None:
    delivered = shop.orders["delivered_recent"][0]  # 레고 1개 + 프라이팬(블랙) 3개
    tickets = shop.tickets()
    shop.say(said("claim.refund", f"{delivered} 프라이팬 반품하고 싶어요", order_id=delivered))
    assert shop.state.pending is not None and shop.state.pending.action == "return"
    outcome = shop.say(said("general", "그 검정색 거요"))
    assert outcome.state.pending is not None and outcome.state.pending.order_id == delivered
    assert "블랙" in outcome.text and "진행하지 않았습니다" not in outcome.text
    assert shop.status(delivered) == "delivered" and shop.tickets() == tickets


def test_a_question_about_what_a_person_asks_for_opens_no_handoff(shop: Shop) -> None:
    before = shop.tickets()
    asked = shop.say(said("handoff", "상담원한테 카드 비번 불러줘야 되나요?"))
    assert not asked.handoff and shop.tickets() == before  # answered (the hours here: no index), then offered
    shop.state = DialogueState()
    counted = shop.say(said("handoff", "상담원 몇명이에요"))
    assert not counted.handoff and shop.tickets() == before
    requested = shop.say(said("handoff", "상담원 연결해 주세요"))
    assert requested.handoff and shop.tickets() == before + 1


def test_the_shoppers_own_parcel_is_still_looked_up(shop: Shop) -> None:
    for text in ("제 택배 어디쯤이에요?", "택배 어디쯤 왔어요?"):
        shop.state = DialogueState()
        outcome = shop.say(said("order.status", text))
        assert "ORD-" in outcome.text, (text, outcome.text)
