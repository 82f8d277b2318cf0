"""Conversation scenarios (tests/scenarios/*.yaml): run, check, score.

Each scenario runs against a fresh copy of a demo shop seeded at a fixed time,
with the agent's clock fixed too, so a scenario gives the same result on every
run; ``pass^k`` (all k runs pass) then equals pass^1 for a deterministic agent.
See tests/scenarios/README.md for the format.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from ..demo.generate import DEMO_ACCOUNTS, DemoShop, SeedPlan
from ..domain.clock import KST
from ..domain.orders import Order, OrderStatus
from ..storage import open_sqlite
from ..storage.sql import SqlRepository

ANCHOR = datetime(2026, 11, 26, 12, 0, tzinfo=KST)
PLACEHOLDER = re.compile(r"\{([a-z_]+(?:\.[a-z_]+)?\.\d+)\}")
GROUPS = [s.value for s in OrderStatus] + ["delivered_recent", "delivered_old", "delivered_expired"]


@dataclass
class ScenarioResult:
    name: str
    file: str
    failures: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures


def load_scenarios(directory: Path) -> list[tuple[Path, dict[str, Any]]]:
    found = []
    for path in sorted(directory.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for scenario in data if isinstance(data, list) else [data]:
            found.append((path, scenario))
    return found


def seed_template(path: Path) -> None:
    repo = open_sqlite(path)
    repo.load_tables(DemoShop(SeedPlan(anchor=ANCHOR, users=20, products=60, orders=300)).batches())
    repo.close()


def order_groups(repo: SqlRepository, user_id: str) -> dict[str, list[str]]:
    orders: list[Order] = repo.list_orders(user_id, limit=500)
    groups: dict[str, list[str]] = {g: [] for g in GROUPS}
    for order in orders:
        groups[order.status.value].append(order.order_id)
        if order.status is OrderStatus.DELIVERED and order.delivered_at:
            age = ANCHOR - order.delivered_at
            key = ("delivered_recent" if age <= timedelta(days=7) else
                   "delivered_old" if age <= timedelta(days=89) else "delivered_expired")
            groups[key].append(order.order_id)
    return groups


def _substitute(value: Any, refs: dict[str, str]) -> Any:
    if isinstance(value, str):
        def one(match: re.Match[str]) -> str:
            if match.group(1) not in refs:
                raise KeyError(f"unknown placeholder {{{match.group(1)}}}")
            return refs[match.group(1)]
        return PLACEHOLDER.sub(one, value)
    if isinstance(value, list):
        return [_substitute(v, refs) for v in value]
    if isinstance(value, dict):
        return {_substitute(k, refs): _substitute(v, refs) for k, v in value.items()}
    return value


def _refs(repo: SqlRepository, user_id: str, other_id: str) -> dict[str, str]:
    refs = {}
    for prefix, uid in (("", user_id), ("other.", other_id)):
        for group, ids in order_groups(repo, uid).items():
            for n, order_id in enumerate(ids):
                refs[f"{prefix}{group}.{n}"] = order_id
    return refs


AgentFactory = Callable[[SqlRepository, Callable[[], datetime]], Any]


@contextmanager
def shop_copy(template: Path) -> Iterator[SqlRepository]:
    with tempfile.TemporaryDirectory(prefix="scenario-") as tmp:
        path = Path(tmp) / "shop.db"
        shutil.copy(template, path)
        repo = open_sqlite(path)
        try:
            yield repo
        finally:
            repo.close()


def run_scenario(scenario: dict[str, Any], file: str, template: Path, make_agent: AgentFactory) -> ScenarioResult:
    result = ScenarioResult(scenario.get("name", file), file)
    emails = {a.email: a.user_id for a in DEMO_ACCOUNTS}
    with shop_copy(template) as repo:
        user = repo.get_user_by_email(scenario.get("user", "demo@example.com"))
        assert user is not None
        other = emails["demo2@example.com"] if user.email != "demo2@example.com" else emails["demo@example.com"]
        try:
            refs = _refs(repo, user.user_id, other)
            turns = _substitute(scenario.get("turns", []), refs)
            end = _substitute(scenario.get("end", {}), refs)
        except KeyError as exc:
            result.failures.append(str(exc))
            return result
        before = {r["order_id"]: r["status"] for r in repo.iter_rows("orders")}
        tickets_before = {r["ticket_id"] for r in repo.iter_rows("tickets")}
        addresses_before = {r["order_id"]: r["shipping_address"] for r in repo.iter_rows("orders")}
        tick = iter(range(10_000))
        waited = [timedelta(0)]  # `wait_minutes` on a turn moves the clock on (confirmations expire)
        agent = make_agent(repo, lambda: ANCHOR + waited[0] + timedelta(seconds=30 * next(tick)))
        session = None
        for n, turn in enumerate(turns, 1):
            waited[0] += timedelta(minutes=float(turn.get("wait_minutes", 0)))
            reply = agent.handle(user, session, turn["say"])
            session = reply.session_id
            for problem in _check_turn(reply, turn.get("expect", {})):
                result.failures.append(f"turn {n} ({turn['say']!r}): {problem} — reply: {reply.reply[:160]!r}")
        result.failures += _check_end(repo, end, before, tickets_before, addresses_before)
    return result


def _check_turn(turn: Any, expect: dict[str, Any]) -> Iterator[str]:
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


def _check_end(repo: SqlRepository, end: dict[str, Any], before: dict[str, str],
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
    return failures
