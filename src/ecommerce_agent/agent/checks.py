"""The checks of a conversation (tests/scenarios, tests/conversations): per turn, at
the end, and whether a turn changed the shop. See the READMEs of both folders."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..storage.sql import SqlRepository


def shop_state(repo: SqlRepository) -> tuple[Any, ...]:
    """Everything a write can change: orders (status, address, amount), items, tickets."""
    orders = tuple(sorted((r["order_id"], r["status"], r["shipping_address"], r.get("total_amount"))
                          for r in repo.iter_rows("orders")))
    items = tuple(sorted(tuple(sorted((k, str(v)) for k, v in r.items())) for r in repo.iter_rows("order_items")))
    tickets = tuple(sorted(r["ticket_id"] for r in repo.iter_rows("tickets")))
    return orders, items, tickets


def check_turn(turn: Any, expect: dict[str, Any]) -> Iterator[str]:
    if "intent" in expect:
        allowed = expect["intent"] if isinstance(expect["intent"], list) else [expect["intent"]]
        if turn.intent not in allowed:
            yield f"intent {turn.intent} not in {allowed}"
    for phrase in map(str, expect.get("reply_has", [])):
        if phrase not in turn.reply:
            yield f"reply lacks {phrase!r}"
    any_of = [str(p) for p in expect.get("reply_has_any", [])]
    if any_of and not any(phrase in turn.reply for phrase in any_of):
        yield f"reply has none of {any_of!r}"
    for phrase in map(str, expect.get("reply_lacks", [])):
        if phrase in turn.reply:
            yield f"reply has {phrase!r}"
    if "pending" in expect:
        got = turn.pending_action["action"] if turn.pending_action else None
        if got != expect["pending"]:
            yield f"pending {got} != {expect['pending']}"
    if "handoff" in expect and turn.handoff != expect["handoff"]:
        yield f"handoff {turn.handoff} != {expect['handoff']}"
    if expect.get("citations") is True and not turn.citations:
        yield "no citations"
    if expect.get("citations") is False and turn.citations:
        yield f"citations {[c['doc_id'] for c in turn.citations]} where none were expected"
    if "cites" in expect:  # the quoted (first) citation comes from one of these documents
        allowed = expect["cites"] if isinstance(expect["cites"], list) else [expect["cites"]]
        first = turn.citations[0]["doc_id"] if turn.citations else None
        if first not in allowed:
            yield f"cited {first} not in {allowed}"
    if "cards" in expect and len(turn.cards) < expect["cards"]:
        yield f"{len(turn.cards)} cards < {expect['cards']}"
    if "cards_at_most" in expect and len(turn.cards) > expect["cards_at_most"]:
        yield f"{len(turn.cards)} cards > {expect['cards_at_most']}"
    orders = [c for c in turn.cards if c.get("type") == "order"]
    if "card_statuses" in expect:  # every order card is in one of these statuses
        wrong = [(c["order_id"], c["status"]) for c in orders if c["status"] not in expect["card_statuses"]]
        if wrong:
            yield f"order cards outside {expect['card_statuses']}: {wrong}"
    for phrase in expect.get("card_orders_lack", []):
        if any(c["order_id"] == phrase for c in orders):
            yield f"order card {phrase} shown"
    for order_id in expect.get("card_orders", []):
        if not any(c["order_id"] == order_id for c in orders):
            yield f"order card {order_id} not shown"
    starts = [str(p) for p in expect.get("reply_starts_with_any", [])]
    if starts and not any(turn.reply.lstrip().startswith(p) for p in starts):
        yield f"reply does not start with any of {starts!r}"
    products = [c for c in turn.cards if c.get("type") == "product"]
    if "products" in expect and len(products) < expect["products"]:
        yield f"{len(products)} product cards < {expect['products']}"
    if "max_price" in expect:
        over = [(c["title"], c["price"]) for c in products if (c.get("price") or 0) > expect["max_price"]]
        if over:
            yield f"products over {expect['max_price']}: {over}"
    if "min_price" in expect:
        under = [(c["title"], c["price"]) for c in products if (c.get("price") or 0) < expect["min_price"]]
        if under:
            yield f"products under {expect['min_price']}: {under}"


def check_end(repo: SqlRepository, end: dict[str, Any], before: dict[str, str],
               tickets_before: set[str], addresses_before: dict[str, str]) -> list[str]:
    failures = []
    rows = list(repo.iter_rows("orders"))
    after = {r["order_id"]: r["status"] for r in rows}
    expected = dict(before) | dict(end.get("orders", {}))
    for order_id, status in expected.items():
        if after.get(order_id) != status:
            failures.append(f"order {order_id}: {after.get(order_id)} != {status}")
    # addresses: the listed orders' new address contains the text; every other is unchanged
    moved = dict(end.get("addresses", {}))
    for row in rows:
        order_id, address = row["order_id"], row["shipping_address"]
        if order_id in moved:
            if moved[order_id] not in address:
                failures.append(f"order {order_id}: address {address!r} lacks {moved[order_id]!r}")
        elif address != addresses_before.get(order_id):
            failures.append(f"order {order_id}: address changed to {address!r}")
    created = [r for r in repo.iter_rows("tickets") if r["ticket_id"] not in tickets_before]
    wanted = end.get("tickets", [])
    got = sorted((t["issue_type"], t["order_id"] or "", t["source"]) for t in created)
    want = sorted((w["issue_type"], w.get("order") or "", w.get("source", "chat")) for w in wanted)
    if got != want:
        failures.append(f"tickets created {got} != {want}")
    else:
        failures += _check_ticket_details(repo, created, wanted)
    failures += _check_items(repo, end.get("items", {}))
    return failures


def _check_ticket_details(repo: SqlRepository, created: list[Any], wanted: list[dict[str, Any]]) -> list[str]:
    """Items, quantity, replacement option and reason of each expected claim ticket."""
    failures = []
    tickets = [repo.get_ticket(r["ticket_id"]) for r in created]
    for want in wanted:
        if not any(k in want for k in ("items", "quantity", "replacement_has", "reason_has_any")):
            continue
        candidates = [t for t in tickets if t is not None and t.issue_type.value == want["issue_type"]
                      and (t.order_id or "") == (want.get("order") or "")]
        problems: list[str] = []
        for ticket in candidates:
            problems = []
            items = list(getattr(ticket, "items", ()) or ())
            if "items" in want:
                words = [str(w) for w in want["items"]]
                if len(items) != len(words) or not all(any(w in i.title for i in items) for w in words):
                    problems.append(f"items {[i.title for i in items]} != {words}")
            if "quantity" in want and sum(i.quantity for i in items) != int(want["quantity"]):
                problems.append(f"quantity {sum(i.quantity for i in items)} != {want['quantity']}")
            option = getattr(ticket, "replacement_option", None) or ""
            if "replacement_has" in want and str(want["replacement_has"]) not in option:
                problems.append(f"replacement option {option!r} lacks {want['replacement_has']!r}")
            reason = getattr(ticket, "reason", None) or ""
            if "reason_has_any" in want and not any(str(w) in reason for w in want["reason_has_any"]):
                problems.append(f"reason {reason!r} has none of {want['reason_has_any']!r}")
            if not problems:
                break
        failures += [f"ticket {want['issue_type']} {want.get('order')}: {p}" for p in problems]
    return failures


def _check_items(repo: SqlRepository, expected: dict[str, dict[str, str]]) -> list[str]:
    """Per order, an item whose title contains the word is in the expected status."""
    failures = []
    for order_id, words in expected.items():
        order = repo.get_order(order_id)
        if order is None:
            failures.append(f"order {order_id} not found")
            continue
        for word, status in words.items():
            found = [i for i in order.items if word in i.title]
            if not any(getattr(i.status, "value", i.status) == status for i in found):
                seen = [(i.title, getattr(i.status, "value", i.status)) for i in found]
                failures.append(f"order {order_id}: no '{word}' item is {status} ({seen})")
    return failures
