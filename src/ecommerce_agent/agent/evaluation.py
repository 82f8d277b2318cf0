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

from ..config import parse_yaml
from ..demo.generate import DEMO_ACCOUNTS, DemoShop, SeedPlan
from ..domain.clock import KST
from ..domain.orders import Order, OrderStatus
from ..storage import open_sqlite
from ..storage.sql import SqlRepository
from .checks import check_end, check_turn, shop_state

ANCHOR = datetime(2026, 11, 26, 12, 0, tzinfo=KST)
PLACEHOLDER = re.compile(r"\{([a-z_]+(?:\.[a-z_]+)?\.\d+)\}")
GROUPS = [s.value for s in OrderStatus] + ["delivered_recent", "delivered_old", "delivered_expired"]


@dataclass
class ScenarioResult:
    name: str
    file: str
    failures: list[str] = field(default_factory=list)
    patterns: tuple[str, ...] = ()
    unconfirmed_writes: int = 0  # turns that changed the shop without being allowed to (no explicit yes)
    disclosures: int = 0  # replies naming another customer's order

    @property
    def passed(self) -> bool:
        return not self.failures


def load_scenarios(directory: Path) -> list[tuple[Path, dict[str, Any]]]:
    found = []
    for path in sorted(directory.glob("*.yaml")):
        data = parse_yaml(path.read_text(encoding="utf-8"))
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
    """Run one conversation; a conversation with ``patterns`` (tests/conversations) is also
    checked for writes in turns that were not allowed one (``expect.writes``)."""
    result = ScenarioResult(scenario.get("name", file), file, patterns=tuple(scenario.get("patterns") or ()))
    strict = "patterns" in scenario
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
        theirs = {v for k, v in refs.items() if k.startswith("other.")}
        for n, turn in enumerate(turns, 1):
            waited[0] += timedelta(minutes=float(turn.get("wait_minutes", 0)))
            shop_before = shop_state(repo) if strict else None
            reply = agent.handle(user, session, turn["say"])
            session = reply.session_id
            expect = turn.get("expect", {})
            problems = list(check_turn(reply, expect))
            if shop_before is not None and not expect.get("writes") and shop_state(repo) != shop_before:
                result.unconfirmed_writes += 1
                problems.append("the shop changed in a turn without an explicit yes")
            if any(order_id in reply.reply for order_id in theirs):
                result.disclosures += 1
                problems.append("another customer's order named in the reply")
            for problem in problems:
                result.failures.append(f"turn {n} ({turn['say']!r}): {problem} — reply: {reply.reply[:160]!r}")
        result.failures += check_end(repo, end, before, tickets_before, addresses_before)
    return result


