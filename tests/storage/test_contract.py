"""One contract, every backend (sqlite, csv, postgres: see the `repo` fixture)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from ecommerce_agent.domain.claims import ClaimLine
from ecommerce_agent.domain.orders import Action, Denied, ItemStatus, OrderStatus, PaymentMethod
from ecommerce_agent.domain.tickets import IssueType, Priority, TicketItem, TicketSource, TicketStatus
from ecommerce_agent.errors import ConflictError, NotFoundError
from ecommerce_agent.storage import ActionApplied, NewTicket, Repository
from tests.support.factories import NOW, item, product_row, user


def _order(repo: Repository, user_id: str = "U1", *, status: OrderStatus = OrderStatus.PAID,
           now=NOW, items=None):  # noqa: ANN001, ANN202
    return repo.create_order(user_id=user_id, items=items or [item(), item(12_000, 2, "P2")],
                             shipping_fee=0, payment_method=PaymentMethod.CARD,
                             shipping_address="서울특별시 강남구 테헤란로 1", now=now, status=status)


def test_users_round_trip_and_email_lookup_is_case_insensitive(shop: Repository) -> None:
    assert shop.get_user("U1") == user("U1")
    assert shop.get_user_by_email("  U2@Example.com ") == user("U2")
    assert shop.get_user("nope") is None
    with pytest.raises(ConflictError):
        shop.add_user(user("U9", email="u1@example.com"))


def test_products_round_trip(shop: Repository) -> None:
    product = shop.get_product("P1")
    assert product is not None and product.options == {"색상": ["블랙", "화이트"]}
    assert [p.product_id for p in shop.iter_products()] == ["P1", "P2"]


def test_order_ids_follow_the_per_day_sequence_in_kst(shop: Repository) -> None:
    first, second = _order(shop), _order(shop)
    assert (first.order_id, second.order_id) == ("ORD-20261126-0001", "ORD-20261126-0002")
    late = _order(shop, now=NOW + timedelta(hours=13))  # 01:00 KST on the 27th
    assert late.order_id == "ORD-20261127-0001"
    assert first.total_amount == 45_000 + 2 * 12_000


def test_order_round_trip_keeps_items_in_order(shop: Repository) -> None:
    created = _order(shop)
    loaded = shop.get_order(created.order_id)
    assert loaded == created
    assert [i.product_id for i in loaded.items] == ["P1", "P2"]
    assert loaded.order_date.utcoffset() == timedelta(0) and loaded.order_date == NOW


def test_list_orders_is_newest_first_filtered_and_limited(shop: Repository) -> None:
    ids = [_order(shop, now=NOW + timedelta(minutes=n)).order_id for n in range(5)]
    _order(shop, "U2")
    shop.apply_order_action(ids[1], Action.CANCEL, now=NOW + timedelta(hours=1))
    assert [o.order_id for o in shop.list_orders("U1")] == ids[::-1]
    assert [o.order_id for o in shop.list_orders("U1", limit=2)] == ids[:2:-1][:2]
    assert [o.order_id for o in shop.list_orders("U1", status=OrderStatus.CANCELLED)] == [ids[1]]
    assert all(o.items for o in shop.list_orders("U1"))
    assert shop.list_orders("nobody") == []


def test_cancel_applies_once_then_is_denied(shop: Repository) -> None:
    created = _order(shop)
    later = NOW + timedelta(hours=2)
    outcome = shop.apply_order_action(created.order_id, Action.CANCEL, now=later, reason="단순 변심")
    assert isinstance(outcome, ActionApplied)
    assert outcome.order.status is OrderStatus.CANCELLED and outcome.order.cancelled_at == later
    assert shop.get_order(created.order_id).cancel_reason == "단순 변심"
    again = shop.apply_order_action(created.order_id, Action.CANCEL, now=later)
    assert isinstance(again, Denied) and again.reason == "already_cancelled"
    assert shop.get_order(created.order_id).status is OrderStatus.CANCELLED


def test_denied_action_changes_nothing(shop: Repository) -> None:
    created = _order(shop, status=OrderStatus.SHIPPED)
    outcome = shop.apply_order_action(created.order_id, Action.CANCEL, now=NOW)
    assert isinstance(outcome, Denied) and outcome.reason == "already_shipped"
    assert shop.get_order(created.order_id) == created


def test_change_address(shop: Repository) -> None:
    created = _order(shop, status=OrderStatus.PREPARING)
    outcome = shop.apply_order_action(created.order_id, Action.CHANGE_ADDRESS, now=NOW,
                                      new_address=" 부산광역시 해운대구 해운대로 5 ")
    assert isinstance(outcome, ActionApplied)
    assert shop.get_order(created.order_id).shipping_address == "부산광역시 해운대구 해운대로 5"
    assert shop.get_order(created.order_id).status is OrderStatus.PREPARING


def test_claim_without_delivery_time_is_refused_and_creates_no_ticket(shop: Repository) -> None:
    created = _order(shop, status=OrderStatus.DELIVERED)
    # a delivered order without delivery time is refused; give it one via a bulk row
    row = next(r for r in shop.iter_rows("orders") if r["order_id"] == created.order_id)
    assert row["delivered_at"] is None
    outcome = shop.apply_order_action(created.order_id, Action.RETURN, now=NOW, ticket=NewTicket(
        user_id="U1", issue_type=IssueType.REFUND, description="사이즈가 안 맞아서", order_id=created.order_id,
        source=TicketSource.CHAT))
    assert isinstance(outcome, Denied) and outcome.reason == "delivery_date_unknown"
    assert shop.list_tickets("U1") == []


def test_claim_inside_window(shop: Repository) -> None:
    delivered = _delivered_order(shop, days_ago=2)
    outcome = shop.apply_order_action(delivered, Action.EXCHANGE, now=NOW, ticket=NewTicket(
        user_id="U1", issue_type=IssueType.EXCHANGE, description="다른 색으로 교환", order_id=delivered,
        source=TicketSource.CHAT))
    assert isinstance(outcome, ActionApplied)
    assert outcome.order.status is OrderStatus.EXCHANGE_REQUESTED
    assert outcome.ticket is not None and outcome.ticket.order_id == delivered
    assert shop.get_ticket(outcome.ticket.ticket_id) == outcome.ticket


def test_claim_for_another_users_order_is_not_found_and_changes_nothing(shop: Repository) -> None:
    delivered = _delivered_order(shop, days_ago=2)
    with pytest.raises(NotFoundError):
        shop.apply_order_action(delivered, Action.RETURN, now=NOW, ticket=NewTicket(
            user_id="U2", issue_type=IssueType.REFUND, description="x", order_id=delivered))
    assert shop.get_order(delivered).status is OrderStatus.DELIVERED
    assert shop.list_tickets("U2") == []


def _delivered_order(repo: Repository, *, days_ago: float, two_items: bool = False, quantity: int = 1) -> str:
    oid = "ORD-20261101-0001"
    items = [{"order_id": oid, "line_no": 1, "product_id": "P1", "title": "무선 이어폰",
              "option": "색상: 블랙", "quantity": 1, "unit_price": 45_000}]
    if two_items:
        items.append({"order_id": oid, "line_no": 2, "product_id": "P2", "title": "머그컵",
                      "option": "색상: 블랙", "quantity": quantity, "unit_price": 12_000, "status": "ordered"})
    repo.load_tables({"orders": [{
        "order_id": oid, "user_id": "U1", "status": "delivered", "order_date": NOW - timedelta(days=10),
        "total_amount": sum(i["quantity"] * i["unit_price"] for i in items), "shipping_fee": 0,
        "payment_method": "card", "shipping_address": "서울",
        "carrier": "CJ대한통운", "tracking_number": "123456789012",
        "shipped_at": NOW - timedelta(days=days_ago + 1), "delivered_at": NOW - timedelta(days=days_ago),
        "cancelled_at": None, "updated_at": NOW - timedelta(days=days_ago)}],
        "order_items": items})
    return oid


def test_unknown_order_action_is_not_found(shop: Repository) -> None:
    with pytest.raises(NotFoundError):
        shop.apply_order_action("ORD-20990101-0001", Action.CANCEL, now=NOW)


def test_tickets_create_read_list_resolve(shop: Repository) -> None:
    created = _order(shop)
    first = shop.create_ticket(NewTicket(user_id="U1", issue_type=IssueType.SHIPPING,
                                         description="배송 문의", order_id=created.order_id), now=NOW)
    second = shop.create_ticket(NewTicket(user_id="U1", issue_type=IssueType.INQUIRY, description="영수증",
                                          priority=Priority.HIGH), now=NOW + timedelta(minutes=1))
    assert shop.get_ticket(first.ticket_id) == first and first.status is TicketStatus.OPEN
    assert [t.ticket_id for t in shop.list_tickets("U1")] == [second.ticket_id, first.ticket_id]
    resolved = shop.resolve_ticket(first.ticket_id, note="안내 완료", now=NOW + timedelta(hours=1))
    assert resolved.status is TicketStatus.RESOLVED and resolved.resolution_note == "안내 완료"
    assert shop.get_ticket(first.ticket_id) == resolved
    assert shop.resolve_ticket(first.ticket_id, note="again", now=NOW + timedelta(hours=2)) == resolved
    assert [t.ticket_id for t in shop.list_tickets("U1", status=TicketStatus.OPEN)] == [second.ticket_id]
    with pytest.raises(NotFoundError):
        shop.resolve_ticket("TKT-20990101-AAAAAA", note="x", now=NOW)


def test_ticket_for_another_users_order_is_refused(shop: Repository) -> None:
    created = _order(shop, "U2")
    with pytest.raises(NotFoundError):
        shop.create_ticket(NewTicket(user_id="U1", issue_type=IssueType.INQUIRY, description="x",
                                     order_id=created.order_id), now=NOW)


def test_many_tickets_in_the_same_second_get_unique_ids(shop: Repository) -> None:
    ids = {shop.create_ticket(NewTicket(user_id="U1", issue_type=IssueType.OTHER, description=str(n)),
                              now=NOW).ticket_id for n in range(40)}
    assert len(ids) == 40


def test_load_tables_is_idempotent_with_skip_existing(shop: Repository) -> None:
    rows = [product_row("P3"), product_row("P4")]
    assert shop.load_tables({"products": rows})["products"] == 2
    again = shop.load_tables({"products": rows}, skip_existing=True)
    assert set(again.values()) == {0} and "conversations" in again
    with pytest.raises(ConflictError):
        shop.load_tables({"products": rows})
    assert shop.counts()["products"] == 4


def test_load_tables_rejects_dangling_references_and_writes_nothing(shop: Repository) -> None:
    before = shop.counts()
    bad_item = {"order_id": "ORD-20261101-0009", "line_no": 1, "product_id": "P1", "title": "x",
                "option": "x", "quantity": 1, "unit_price": 1}
    with pytest.raises(ConflictError):
        shop.load_tables({"products": [product_row("P7")], "order_items": [bad_item]})
    assert shop.counts() == before


def test_order_sequence_continues_after_bulk_load(shop: Repository) -> None:
    _delivered_order(shop, days_ago=1)  # ORD-20261101-0001 via bulk load
    day = NOW.replace(year=2026, month=11, day=1)
    assert _order(shop, now=day).order_id == "ORD-20261101-0002"


def test_concurrent_cancels_let_exactly_one_succeed(shop: Repository) -> None:
    created = _order(shop)
    results: list[object] = []
    barrier = threading.Barrier(4)

    def cancel() -> None:
        barrier.wait()
        results.append(shop.apply_order_action(created.order_id, Action.CANCEL, now=NOW))

    threads = [threading.Thread(target=cancel) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(isinstance(r, ActionApplied) for r in results) == 1
    assert sum(isinstance(r, Denied) and r.reason == "already_cancelled" for r in results) == 3


def test_iter_rows_and_counts_agree(shop: Repository) -> None:
    _order(shop)
    counts = shop.counts()
    for table, n in counts.items():
        assert sum(1 for _ in shop.iter_rows(table)) == n


def test_conversation_turns_are_versioned_and_ordered(shop: Repository) -> None:
    from ecommerce_agent.domain.conversations import ConversationStatus, Role
    from ecommerce_agent.storage.base import NewMessage

    conversation = shop.create_conversation("U1", now=NOW)
    assert shop.get_conversation(conversation.conversation_id) == conversation and conversation.version == 0
    saved = shop.save_turn(conversation.conversation_id, expected_version=0, state={"last_order_id": "ORD-1"},
                           status=ConversationStatus.ACTIVE, now=NOW + timedelta(seconds=1), title="주문 문의",
                           messages=[NewMessage(Role.USER, "주문 보여줘", "order.list"),
                                     NewMessage(Role.ASSISTANT, "최근 주문입니다.", meta={"cards": [1]})])
    assert saved.version == 1 and saved.state == {"last_order_id": "ORD-1"} and saved.title == "주문 문의"
    with pytest.raises(ConflictError):  # a stale version: another worker won
        shop.save_turn(conversation.conversation_id, expected_version=0, state={}, messages=[],
                       status=ConversationStatus.ACTIVE, now=NOW)
    shop.save_turn(conversation.conversation_id, expected_version=1, state={}, now=NOW + timedelta(seconds=2),
                   status=ConversationStatus.HANDED_OFF, messages=[NewMessage(Role.USER, "상담원")])
    texts = [(m.message_id, m.text) for m in shop.list_messages(conversation.conversation_id)]
    assert texts == [(1, "주문 보여줘"), (2, "최근 주문입니다."), (3, "상담원")]
    assert [m.text for m in shop.list_messages(conversation.conversation_id, limit=2)] == ["최근 주문입니다.", "상담원"]
    assert shop.list_messages(conversation.conversation_id)[1].meta == {"cards": [1]}
    other = shop.create_conversation("U1", now=NOW + timedelta(minutes=5))
    assert [c.conversation_id for c in shop.list_conversations("U1")] == [other.conversation_id,
                                                                         conversation.conversation_id]
    assert shop.list_conversations("U2") == []
    assert shop.delete_conversation(conversation.conversation_id)
    assert shop.get_conversation(conversation.conversation_id) is None
    assert shop.list_messages(conversation.conversation_id) == []
    assert not shop.delete_conversation(conversation.conversation_id)
    with pytest.raises(NotFoundError):
        shop.save_turn("CNV-NOPE", expected_version=0, state={}, messages=[],
                       status=ConversationStatus.ACTIVE, now=NOW)


def test_conversation_with_a_chosen_id_is_created_once(shop: Repository) -> None:
    first = shop.create_conversation("U1", now=NOW, conversation_id="CNV-OAI-ABC123")
    assert shop.get_conversation("CNV-OAI-ABC123") == first and first.user_id == "U1"
    with pytest.raises(ConflictError):  # a racing second create of the same key loses
        shop.create_conversation("U2", now=NOW, conversation_id="CNV-OAI-ABC123")
    assert shop.get_conversation("CNV-OAI-ABC123").user_id == "U1"


# -- claims and cancellations per item ---------------------------------------------------------

def _options(repo: Repository) -> None:
    repo.load_tables({"product_options": [
        {"product_id": "P1", "option": "색상: 화이트", "stock": 0},
        {"product_id": "P1", "option": "색상: 블랙", "stock": 4},
        {"product_id": "P2", "option": "색상: 블랙", "stock": 9}]})


def test_new_orders_number_their_items_and_every_item_starts_ordered(shop: Repository) -> None:
    created = _order(shop)
    assert [i.item_id for i in created.items] == [f"{created.order_id}-1", f"{created.order_id}-2"]
    assert {i.status for i in created.items} == {ItemStatus.ORDERED}
    assert shop.get_order(created.order_id).item(f"{created.order_id}-2").unit_price == 12_000


def test_product_options_in_catalogue_order(shop: Repository) -> None:
    _options(shop)
    assert [(o.option, o.stock) for o in shop.list_product_options("P1")] == [("색상: 블랙", 4), ("색상: 화이트", 0)]
    assert shop.list_product_options("P9") == []


def test_partial_cancel_keeps_the_order_paid_with_a_lower_amount(shop: Repository) -> None:
    created = _order(shop, items=[item(), item(12_000, 2, "P2")])
    second = f"{created.order_id}-2"
    outcome = shop.apply_order_action(created.order_id, Action.CANCEL, now=NOW, reason="필요 없어짐",
                                      lines=[ClaimLine(second)])
    assert isinstance(outcome, ActionApplied)
    stored = shop.get_order(created.order_id)
    assert stored == outcome.order and stored.status is OrderStatus.PAID
    assert stored.total_amount == 45_000 and stored.shipping_fee == 0 and stored.cancelled_at is None
    assert [(i.item_id, i.status, i.reason) for i in stored.items] == [
        (f"{created.order_id}-1", ItemStatus.ORDERED, None), (second, ItemStatus.CANCELLED, "필요 없어짐")]
    assert outcome.estimate.refund_amount == 24_000 and outcome.claimed[0].item_id == second
    assert stored.status_label == "결제완료(일부 취소)"
    again = shop.apply_order_action(created.order_id, Action.CANCEL, now=NOW, lines=[ClaimLine(second)])
    assert isinstance(again, Denied) and again.reason == "item_cancelled"
    last = shop.apply_order_action(created.order_id, Action.CANCEL, now=NOW, lines=[ClaimLine(f"{created.order_id}-1")])
    assert last.order.status is OrderStatus.CANCELLED and last.estimate.refund_amount == 45_000
    assert shop.list_orders("U1", status=OrderStatus.CANCELLED)[0].order_id == created.order_id


def test_partial_cancel_below_the_free_shipping_threshold_adds_the_fee(shop: Repository) -> None:
    created = _order(shop, items=[item(20_000, 1, "P1"), item(12_000, 1, "P2")])  # 32,000: free shipping
    outcome = shop.apply_order_action(created.order_id, Action.CANCEL, now=NOW,
                                      lines=[ClaimLine(f"{created.order_id}-2")])
    assert (outcome.order.shipping_fee, outcome.order.total_amount) == (3_000, 23_000)
    assert outcome.estimate.refund_amount == 9_000 and shop.get_order(created.order_id).total_amount == 23_000


def test_return_of_one_item_with_its_reason_and_ticket(shop: Repository) -> None:
    delivered = _delivered_order(shop, days_ago=2, two_items=True)
    ticket = NewTicket(user_id="U1", issue_type=IssueType.REFUND, description="반품 신청", order_id=delivered,
                       source=TicketSource.CHAT)
    outcome = shop.apply_order_action(delivered, Action.RETURN, now=NOW, ticket=ticket, reason="색이 사진과 달라요",
                                      lines=[ClaimLine(f"{delivered}-2", 1)])
    assert isinstance(outcome, ActionApplied) and outcome.order.status is OrderStatus.DELIVERED
    stored = shop.get_order(delivered)
    assert [i.status for i in stored.items] == [ItemStatus.ORDERED, ItemStatus.RETURN_REQUESTED]
    saved = shop.get_ticket(outcome.ticket.ticket_id)
    assert saved == outcome.ticket and saved.reason == "색이 사진과 달라요"
    assert [(i.item_id, i.title, i.option, i.quantity) for i in saved.items] == [
        (f"{delivered}-2", "머그컵", "색상: 블랙", 1)]
    assert saved.estimate == outcome.estimate and saved.estimate.refund_amount == 12_000 - 6_000


def test_exchange_of_some_units_splits_the_item_and_checks_the_option(shop: Repository) -> None:
    _options(shop)
    delivered = _delivered_order(shop, days_ago=2, two_items=True, quantity=3)
    line = ClaimLine(f"{delivered}-2", 1)
    sold_out = shop.apply_order_action(delivered, Action.EXCHANGE, now=NOW, lines=[line],
                                       replacement_option="화이트")
    assert isinstance(sold_out, Denied) and sold_out.reason == "unknown_option"  # P2 has no 화이트
    ticket = NewTicket(user_id="U1", issue_type=IssueType.EXCHANGE, description="교환", order_id=delivered)
    outcome = shop.apply_order_action(delivered, Action.EXCHANGE, now=NOW, lines=[line], ticket=ticket,
                                      replacement_option="색상: 블랙", reason="x")
    assert isinstance(outcome, Denied) and outcome.reason == "same_option"
    p1 = shop.apply_order_action(delivered, Action.EXCHANGE, now=NOW, lines=[ClaimLine(f"{delivered}-1")],
                                 ticket=ticket, replacement_option="화이트")
    assert isinstance(p1, Denied) and p1.reason == "option_sold_out"
    assert shop.list_tickets("U1") == []
    shop.load_tables({"product_options": [{"product_id": "P2", "option": "색상: 화이트", "stock": 2}]})
    done = shop.apply_order_action(delivered, Action.EXCHANGE, now=NOW, lines=[line], ticket=ticket,
                                   replacement_option="화이트", reason="다른 색이 좋아요")
    assert isinstance(done, ActionApplied) and done.ticket.replacement_option == "색상: 화이트"
    stored = shop.get_order(delivered)
    assert [(i.item_id, i.quantity, i.status) for i in stored.items] == [
        (f"{delivered}-1", 1, ItemStatus.ORDERED), (f"{delivered}-2", 2, ItemStatus.ORDERED),
        (f"{delivered}-3", 1, ItemStatus.EXCHANGE_REQUESTED)]
    assert [i.item_id for i in done.ticket.items] == [f"{delivered}-3"] and done.estimate.extra_payment == 6_000


def test_denied_line_changes_nothing(shop: Repository) -> None:
    created = _order(shop)
    outcome = shop.apply_order_action(created.order_id, Action.CANCEL, now=NOW,
                                      lines=[ClaimLine(f"{created.order_id}-1", 5)])
    assert isinstance(outcome, Denied) and outcome.reason == "invalid_quantity"
    assert shop.get_order(created.order_id) == created


def test_concurrent_cancels_of_one_item_let_exactly_one_succeed(shop: Repository) -> None:
    created = _order(shop)
    results: list[object] = []
    barrier = threading.Barrier(3)

    def cancel() -> None:
        barrier.wait()
        results.append(shop.apply_order_action(created.order_id, Action.CANCEL, now=NOW,
                                               lines=[ClaimLine(f"{created.order_id}-1")]))

    threads = [threading.Thread(target=cancel) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(isinstance(r, ActionApplied) for r in results) == 1
    assert sum(isinstance(r, Denied) and r.reason == "item_cancelled" for r in results) == 2
    assert shop.get_order(created.order_id).total_amount == 24_000 + 3_000  # below the free-shipping threshold


def test_items_without_a_status_follow_their_order(shop: Repository) -> None:
    oid = "ORD-20261101-0003"
    shop.load_tables({"orders": [{
        "order_id": oid, "user_id": "U1", "status": "exchange_requested", "order_date": NOW - timedelta(days=10),
        "total_amount": 45_000, "shipping_fee": 0, "payment_method": "card", "shipping_address": "서울",
        "delivered_at": NOW - timedelta(days=3), "updated_at": NOW - timedelta(days=3)}],
        "order_items": [{"order_id": oid, "line_no": 1, "product_id": "P1", "title": "무선 이어폰",
                         "option": "색상: 블랙", "quantity": 1, "unit_price": 45_000}]})
    assert shop.get_order(oid).items[0].status is ItemStatus.EXCHANGE_REQUESTED


def test_ticket_with_items_reason_and_replacement_round_trips(shop: Repository) -> None:
    created = _order(shop)
    ticket = shop.create_ticket(NewTicket(
        user_id="U1", issue_type=IssueType.EXCHANGE, description="교환 문의", order_id=created.order_id,
        items=(TicketItem(f"{created.order_id}-1", "무선 이어폰", "색상: 블랙", 1),), reason="색상 변경",
        replacement_option="색상: 화이트"), now=NOW)
    assert shop.get_ticket(ticket.ticket_id) == ticket and ticket.items[0].quantity == 1
    assert shop.list_tickets("U1")[0].replacement_option == "색상: 화이트"
