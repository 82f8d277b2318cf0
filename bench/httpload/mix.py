"""The requests of each endpoint: hundreds of distinct ones (mix.yaml crossed
with the shop's customers and orders), shuffled with a fixed seed so that
consecutive requests differ, each customer's with a JWT of their own."""

from __future__ import annotations

import json
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import yaml

from .wrk import Request

MIX_FILE = Path(__file__).with_name("mix.yaml")
SEED = 16


@dataclass(frozen=True, slots=True)
class Customer:
    user_id: str
    token: str  # an access token for this customer
    orders: tuple[str, ...]


def load_mix(path: Path = MIX_FILE) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def healthz_requests() -> list[Request]:
    return [Request("GET", "/healthz")]


def search_requests(mix: Mapping, *, limit: int = 1000) -> list[Request]:
    """Every topic in every form (``GET /policies/search?q=…``)."""
    queries = [form.format(topic=topic) for topic in mix["search"]["topics"] for form in mix["search"]["forms"]]
    random.Random(SEED).shuffle(queries)
    return [Request("GET", f"/policies/search?q={quote(q)}") for q in queries[:limit]]


def order_requests(customers: Sequence[Customer], *, limit: int = 1000) -> list[Request]:
    """Each customer's own orders, with that customer's token (``GET /orders/{id}``)."""
    pairs = [(c, order) for c in customers for order in c.orders]
    random.Random(SEED).shuffle(pairs)
    return [Request("GET", f"/orders/{quote(order)}", _auth(c.token)) for c, order in pairs[:limit]]


def chat_requests(mix: Mapping, customers: Sequence[Customer], *, limit: int = 1500) -> list[Request]:
    """Every customer says each plain message and each order message about one of
    their orders (``POST /chat``, a new conversation each)."""
    rng = random.Random(SEED)
    said: list[tuple[Customer, str]] = []
    for c in customers:
        said += [(c, text) for text in mix["chat"]["plain"]]
        if c.orders:
            said += [(c, text.format(order=rng.choice(c.orders))) for text in mix["chat"]["with_order"]]
    rng.shuffle(said)
    headers = {"Content-Type": "application/json"}
    return [Request("POST", "/chat", {**headers, **_auth(c.token)}, json.dumps({"message": text}, ensure_ascii=False))
            for c, text in said[:limit]]


def distinct(requests: Sequence[Request]) -> int:
    """How many different requests (path and body; the token aside) a list holds."""
    return len({(r.method, r.path, r.body) for r in requests})


def shop_customers(database: Path, secret: str, *, limit: int = 200) -> list[Customer]:
    """The shop's customers with their orders and a freshly minted access token
    each (the server verifies it with the same ``secret``)."""
    from datetime import timedelta

    from ecommerce_agent.api.tokens import TokenService
    from ecommerce_agent.storage import open_sqlite
    from ecommerce_agent.storage.state import MemoryState

    tokens = TokenService(secret, MemoryState(), access_ttl=timedelta(hours=2), refresh_ttl=timedelta(days=1))
    repo = open_sqlite(database, migrate=False)
    try:
        ids = [row["user_id"] for row in repo.iter_rows("users") if row["role"] == "customer"][:limit]
        return [Customer(uid, tokens.issue(uid).access_token,
                         tuple(o.order_id for o in repo.list_orders(uid, limit=100))) for uid in ids]
    finally:
        repo.close()
