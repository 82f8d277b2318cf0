"""Orders and items by meaning: which of the shopper's orders a message is about.

A message points at an order by its id, by a position in the list the agent
showed ("두 번째요", "2번"), by a pronoun ("그거" → the order just discussed) or
by what was bought: "그 패딩이요", "후라이팬 반품" match the order items whose
title or category contains the word or another word of its group in the product
lexicon (``data/lexicons/products.yaml``: 후라이팬 ~ 프라이팬, 시계 ~ 스마트워치,
책 ~ 도서); words the lexicon does not know are compared with the item titles by
the e5 encoder, accepted only when one title clearly wins. What the question is
for then ranks the candidates (an order on its way for "언제 와요?", a delivered
one for a return): see ``PURPOSE_STATUSES``.
"""

from __future__ import annotations

import re

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from ..domain.orders import Order, OrderItem, OrderStatus
from ..config import read_yaml_mapping
from ..errors import ConfigError
from ..nlu.lexicon import data_path, noun_lexicon
from ..nlu.nouns import squash
from ..nlu.typos import corrected
from ..nlu.types import Understanding
from .state import DialogueState
from .tools import Tools

PRODUCTS_FILE = Path("data/lexicons/products.yaml")
# e5 on one word against short titles: similarities are compressed (0.80–0.87), so a
# title is taken only when it is high and clearly ahead of the next (measured on the
# demo catalogue: wrong picks had margins below 0.013).
E5_MIN = 0.845
E5_MARGIN = 0.03

# The order statuses that fit what a message is for, best first.
PURPOSE_STATUSES: dict[str, tuple[OrderStatus, ...]] = {
    "order.status": (OrderStatus.SHIPPED, OrderStatus.PREPARING, OrderStatus.PAID, OrderStatus.PENDING),
    "lost_parcel": (OrderStatus.DELIVERED, OrderStatus.SHIPPED),
}


@dataclass(frozen=True)
class ProductLexicon:
    groups: tuple[frozenset[str], ...]
    by_word: dict[str, tuple[frozenset[str], ...]]
    option_aliases: dict[str, frozenset[str]] = field(default_factory=dict)  # "화이트" -> {흰색, 하얀, …}
    # slips looked up already: the vocabulary scan (~60 µs a word) would run many times a turn
    _slips: dict[str, str | None] = field(default_factory=dict, compare=False, repr=False)

    def option_words(self, value: str) -> frozenset[str]:
        """An option value and the everyday words for it (squashed, lower case)."""
        key = squash(value).lower()
        return frozenset({key} | self.option_aliases.get(key, frozenset()))

    def known(self, word: str) -> str | None:
        """The lexicon word the shopper wrote, allowing one typing slip ("후라이펜") or a
        compound ending in it ("폼클렌저" → 클렌저, "등산가방" → 가방)."""
        key = squash(word)
        if key in self.by_word:
            return key
        if key not in self._slips:
            if len(self._slips) >= 4096:  # shoppers' words are unbounded: the memo is not
                self._slips.clear()
            self._slips[key] = corrected(key, self.by_word) or self._head(key)
        return self._slips[key]

    def _head(self, key: str) -> str | None:
        """A Korean compound names its kind last: the longest lexicon word (two syllables or
        more) the word ends in, unless what precedes it is an order word ("택배박스" is no box
        bought)."""
        for cut in range(1, len(key) - 1):
            head, modifier = key[cut:], key[:cut]
            if head in self.by_word and modifier not in noun_lexicon().order_words | noun_lexicon().generic:
                return head
        return None

    def related(self, word: str) -> frozenset[str]:
        """The word and every word sharing a group with it (squashed, lower case)."""
        key = self.known(word) or squash(word)
        out = {key}
        for group in self.by_word.get(key, ()):
            out |= group
        return frozenset(out)


def parse_products(path: Path) -> ProductLexicon:
    path = data_path(path)
    data = read_yaml_mapping(path, "상품 어휘 파일")
    groups_raw = data.get("groups")
    if not isinstance(groups_raw, list) or not groups_raw:
        raise ConfigError(f"상품 어휘 파일 {path}에 'groups' 목록이 없습니다.")
    groups = []
    for n, group in enumerate(groups_raw, 1):
        if not isinstance(group, list) or len(group) < 1 or not all(isinstance(w, str) and w.strip() for w in group):
            raise ConfigError(f"상품 어휘 파일 {path}의 {n}번째 묶음은 단어 목록이어야 합니다.")
        groups.append(frozenset(squash(str(w)) for w in group))
    by_word: dict[str, list[frozenset[str]]] = {}
    for group in groups:
        for word in group:
            by_word.setdefault(word, []).append(group)
    aliases: dict[str, frozenset[str]] = {}
    for n, group in enumerate(data.get("option_words") or [], 1):
        if not isinstance(group, list) or len(group) < 2 or not all(isinstance(w, str) and w.strip() for w in group):
            raise ConfigError(f"상품 어휘 파일 {path}의 option_words {n}번째 묶음은 두 단어 이상의 목록이어야 합니다.")
        words = [squash(str(w)).lower() for w in group]
        aliases[words[0]] = frozenset(words[1:])
    return ProductLexicon(tuple(groups), {w: tuple(g) for w, g in by_word.items()}, aliases)


@lru_cache(maxsize=1)
def product_lexicon() -> ProductLexicon:
    return parse_products(PRODUCTS_FILE)


class OrderFinder:
    """Resolves references to the shopper's orders and items (one per turn)."""

    def __init__(self, tools: Tools, encoder: Any | None = None) -> None:
        self.tools = tools
        self.encoder = encoder
        self.lexicon = product_lexicon()

    # -- explicit references --------------------------------------------------

    @staticmethod
    def points(u: Understanding, state: DialogueState) -> bool:
        """Whether the message names an order by id, list position or pronoun."""
        return bool(u.slots.order_id or (position(u) and state.last_list) or
                    (u.slots.anaphora and (state.last_order_id or len(state.last_list) == 1)))

    def referenced(self, u: Understanding, state: DialogueState,
                   listed: tuple[str, ...] = ()) -> tuple[Order | None, str | None]:
        """(the order the message points at, an id named that is not the shopper's)."""
        if u.slots.order_id:
            order = self.tools.get_order(u.slots.order_id)
            return (order, None) if order else (None, u.slots.order_id)
        shown = listed or state.last_list
        n = position(u)
        if n and shown:
            index = n - 1 if n > 0 else len(shown) + n
            return (self.tools.get_order(shown[index]), None) if 0 <= index < len(shown) else (None, None)
        if u.slots.anaphora and state.last_order_id:
            last = self.tools.get_order(state.last_order_id)
            named = self.product_words(u.acts.nouns)
            # "커피 그거 입금 됐나요": the pronoun goes with the product named, not the last order
            if last is None or not named or self.items_named(named, last.items):
                return last, None
        if u.slots.anaphora and len(shown) == 1:  # "그거" after a list of one order
            return self.tools.get_order(shown[0]), None
        return None, None

    # -- by meaning -------------------------------------------------------------

    def product_words(self, words: tuple[str, ...]) -> tuple[str, ...]:
        """The words the product lexicon knows as things people buy."""
        return tuple(w for w in words if self.lexicon.known(w) is not None)

    def item_matches(self, word: str, item: OrderItem, *, related: bool = True) -> bool:
        """Whether ``word`` names the item: in its title, or (``related``) a word of its
        lexicon group in its title or category."""
        if squash(word) in squash(item.title):
            return True
        if not related:
            return False
        haystack = squash(f"{item.title} {self.tools.product_category(item.product_id)}")
        return any(w in haystack for w in self.lexicon.related(word) if len(w) >= 2 or w in {"옷", "책", "꿀", "팬"})

    def _matching(self, word: str, items: list[OrderItem]) -> list[OrderItem]:
        """The items the word names: by its own letters first ("그림책" is not every book),
        then by its lexicon group ("후라이팬" → 프라이팬, "책" → the 도서 category), then
        by a known word inside it ("소설책" → 소설)."""
        direct = [i for i in items if self.item_matches(word, i, related=False)]
        found = direct or [i for i in items if self.item_matches(word, i)]
        if found or self.lexicon.known(word) is not None:
            return found
        inner = [w for w in self.lexicon.by_word if len(w) >= 2 and w != squash(word) and w in squash(word)]
        return [i for i in items if any(self.item_matches(w, i) for w in inner)]

    def items_named(self, words: tuple[str, ...], items: Sequence[OrderItem], *,
                    meaning: bool = False) -> list[OrderItem]:
        """The order's items that the words name (lexicon; with ``meaning``, then e5 when
        nothing matched — only where the shopper is picking an item, as it costs a model call)."""
        found: list[OrderItem] = []
        for word in words:
            found += [i for i in self._matching(word, list(items)) if i not in found]
        if found or not words or not meaning:
            return found
        best = self._e5_best(words, list(items))
        return [best] if best is not None else []

    def orders_naming(self, words: tuple[str, ...], orders: list[Order], *,
                      meaning: bool = False) -> tuple[str | None, list[Order]]:
        """(the word that matched, the orders holding an item it names); ``meaning`` as in
        ``items_named``."""
        for word in words:
            items = self._matching(word, [i for o in orders for i in o.items])
            found = [o for o in orders if any(i in items for i in o.items)]
            if found:
                return word, found
        if not words or not meaning:
            return None, []
        items = [(o, i) for o in orders for i in o.items]
        best = self._e5_best(words, [i for _, i in items])
        if best is None:
            return None, []
        return best.title, [o for o, i in items if i is best]

    def _e5_best(self, words: tuple[str, ...], items: list[OrderItem]) -> OrderItem | None:
        # only for words the lexicon does not know: a known product ("보드게임") that matched
        # nothing is not in these orders, and e5 must not find it in something else
        words = tuple(w for w in words if self.lexicon.known(w) is None)
        if self.encoder is None or not items or not words:
            return None
        titles = list(dict.fromkeys(i.title for i in items))
        try:
            passages = self.encoder.encode_passages(titles)
            query = self.encoder.encode_queries([" ".join(words)])[0]
        except Exception:  # noqa: BLE001 - meaning is a bonus; the lexicon already answered
            return None
        scores = np.asarray(passages) @ np.asarray(query)
        order = np.argsort(-scores)
        top = float(scores[order[0]])
        second = float(scores[order[1]]) if len(order) > 1 else 0.0
        if top < E5_MIN or top - second < E5_MARGIN:
            return None
        title = titles[int(order[0])]
        return next(i for i in items if i.title == title)

    def by_option(self, text: str, orders: list[Order], about: str | None = None) -> list[Order]:
        """The orders with an item whose option the text names ("화이트 거요"); with ``about``
        (the product the orders were found by, "시계") only that product's items count."""
        return [o for o in orders if self.items_by_option(text, o.items, about)]

    def items_by_option(self, text: str, items: Sequence[OrderItem], about: str | None = None) -> list[OrderItem]:
        """The items whose option the text names: "네이비 거요", "사이즈 L" (a one-letter size
        as a token of its own, and not the wanted one: "M으로 바꾸고 싶어요" owns no M)."""
        from ..domain.claims import option_parts

        folded = squash(text).lower()
        lowered = text.lower()
        words = product_lexicon().option_words  # "흰색 거요" names 화이트

        def said(value: str) -> bool:
            if len(value) >= 2:
                return any(w in folded for w in words(value))
            if not re.fullmatch(r"[a-z0-9]", value.lower()):
                return False
            token = re.escape(value.lower())
            return re.search(rf"(?<![a-z0-9]){token}(?![a-z0-9])(?!\s*(?:으로|로))", lowered) is not None

        return [i for i in items if (about is None or self.item_matches(about, i)) and any(
            v and said(v) for v in option_parts(i.option).values())]

    @staticmethod
    def by_purpose(orders: list[Order], purpose: str) -> list[Order]:
        """The orders whose status fits ``purpose``, best-fitting statuses first."""
        wanted = PURPOSE_STATUSES.get(purpose)
        if not wanted:
            return orders
        rank = {status: n for n, status in enumerate(wanted)}
        fitting = [o for o in orders if o.status in rank]
        return sorted(fitting, key=lambda o: rank[o.status])


def position(u: Understanding) -> int | None:
    """A position in the list shown: "두 번째" (ordinal), "2번" or a bare "2"."""
    return u.slots.ordinal or u.acts.list_number
