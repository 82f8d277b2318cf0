from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from ecommerce_agent.agent import replies as R
from ecommerce_agent.agent.state import MAX_HISTORY, DialogueState, Frame
from ecommerce_agent.domain.orders import OrderStatus
from tests.support.factories import item, order


def test_state_round_trips_through_json() -> None:
    claim = Frame(task="exchange", order_id="ORD-20261126-0001", summary="s", items=(("ORD-20261126-0001-2", 1),),
                  option="색상: 화이트", reason="단순 변심", waiting="confirm", expires_at="2026-11-26T12:10:00+09:00",
                  queued=("ORD-20261126-0002",))
    lookup = Frame(task="lookup", intent="order.status", waiting="order", candidates=("A", "B"))
    state = DialogueState(stack=(lookup, claim), last_order_id="ORD-20261126-0001", last_list=("A", "B"),
                          last_products=(("P1", "꿀", 9000),), completed=("cancel:X:",), just_done="X 주문 취소",
                          set_aside="ORD-20261126-0003", topic="cancel", last_question="반품비 얼마예요",
                          apologized=True, handed_off=True,
                          handoff_ticket_id="TKT-20261126-ABCDEF").with_history("user", "안녕")
    assert DialogueState.from_json(state.to_json()) == state
    assert DialogueState.from_json({}) == DialogueState()
    assert state.pending is not None and state.pending.id == claim.frame_id and state.expecting == "confirm"
    assert state.pending.items == ("ORD-20261126-0001-2",) and state.pending.issue_type == "exchange"


def test_a_conversation_saved_before_frames_keeps_its_pending_action() -> None:
    old = {"pending": {"action": "cancel", "order_id": "ORD-20261126-0001", "summary": "s",
                       "expires_at": "2026-11-26T12:10:00+09:00"}, "last_list": ["A"]}
    state = DialogueState.from_json(old)
    assert state.pending is not None and state.pending.order_id == "ORD-20261126-0001"
    assert state.last_list == ("A",)


def test_history_is_short() -> None:
    state = DialogueState()
    for n in range(30):
        state = state.with_history("user", f"m{n}")
    assert len(state.history) == MAX_HISTORY and state.history[-1] == ("user", "m29")


def test_pending_expiry() -> None:
    pending = Frame(task="cancel", order_id="X", summary="s", expires_at="2026-11-26T03:10:00+00:00")
    assert not pending.expired(datetime(2026, 11, 26, 3, 9, tzinfo=UTC))
    assert pending.expired(datetime(2026, 11, 26, 3, 10, tzinfo=UTC))


def test_money_and_dates_are_formatted_for_korean_readers() -> None:
    assert R.won(45_000) == "45,000원" and R.won(1_234_567) == "1,234,567원"
    assert R.kdate(datetime(2026, 11, 25, 16, 0, tzinfo=UTC)) == "2026년 11월 26일"  # KST is the next day


def test_order_summary_and_status_text() -> None:
    o = replace(order(OrderStatus.SHIPPED), items=(item(), item(12_000, 1, "P2")), total_amount=57_000,
                carrier="CJ대한통운", tracking_number="123456789012")
    assert R.order_summary(o) == "ORD-20261120-0001 (무선 이어폰 외 1건, 57,000원)"
    text = R.order_status(o)
    assert "배송중" in text and "123456789012" in text and "1~3영업일" in text
    assert R.order_card(o)["tracking"] == {"carrier": "CJ대한통운", "tracking_number": "123456789012"}
    assert R.order_status(o).startswith("ORD-20261120-0001")


def test_particles_follow_the_last_sound() -> None:
    assert R.josa("주문 취소", "을/를") == "주문 취소를" and R.josa("교환 신청", "을/를") == "교환 신청을"
    assert R.josa("반품(환불) 신청", "이/가") == "반품(환불) 신청이"
    assert R.josa("불량·오배송 신고", "은/는") == "불량·오배송 신고는"
    assert R.address_particle("효원로 241") == "로"  # 일: ㄹ takes 로
    assert R.address_particle("101동") == "으로" and R.address_particle("202호") == "로"
    assert R.address_particle("세종대로 3") == "으로"  # 삼
    assert R.josa("ABC", "을/를") == "ABC을(를)" and R.josa("ABC", "으로/로") == "ABC(으)로"


def test_when_a_human_picks_up_a_handoff() -> None:
    from ecommerce_agent.domain.clock import KST

    assert "점심시간" in R.service_now(datetime(2026, 11, 26, 12, 30, tzinfo=KST))  # Thursday
    assert "상담 시간이라" in R.service_now(datetime(2026, 11, 26, 10, 0, tzinfo=KST))
    assert "다음 영업일" in R.service_now(datetime(2026, 11, 26, 19, 0, tzinfo=KST))
    assert "다음 영업일" in R.service_now(datetime(2026, 11, 28, 10, 0, tzinfo=KST))  # Saturday


def test_ticket_lines_name_the_kind_in_korean() -> None:
    from ecommerce_agent.domain.tickets import IssueType, Priority, Ticket, TicketSource, TicketStatus

    ticket = Ticket(ticket_id="TKT-20261126-ABCDEF", user_id="U1", order_id="ORD-20261120-0001",
                    issue_type=IssueType.DEFECT, status=TicketStatus.OPEN, priority=Priority.HIGH,
                    description="d", source=TicketSource.CHAT, created_at=datetime(2026, 11, 26, 3, tzinfo=UTC),
                    updated_at=datetime(2026, 11, 26, 3, tzinfo=UTC))
    assert R.ticket_line(1, ticket) == ("1. TKT-20261126-ABCDEF · 불량·오배송 · 접수 (2026년 11월 26일 접수) · "
                                        "주문 ORD-20261120-0001")
