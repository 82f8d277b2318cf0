"""Phrase lexicons the NLU reads besides its trained model: data, not code.

``data/lexicons/dialogue.yaml`` holds the cues of dialogue acts (question vs
request, correction, abort, sentiment, small talk, named actions, status
filters) and ``data/lexicons/nouns.yaml`` the words that never name a product.
They are loaded and compiled once per process; a malformed file stops start-up
with one Korean line naming the file and the key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import ConfigError

DIALOGUE_FILE = Path("data/lexicons/dialogue.yaml")
NOUNS_FILE = Path("data/lexicons/nouns.yaml")
# The project's own data when the working directory is elsewhere (tests, services).
PROJECT_ROOT = Path(__file__).resolve().parents[3]


def data_path(path: Path) -> Path:
    """``path`` as given when it exists, else the same path inside the project."""
    return path if path.is_absolute() or path.exists() else PROJECT_ROOT / path
# Cues every dialogue lexicon must define (a missing one would silently never fire).
FLAT_KEYS = (
    "question", "request", "correction", "abort", "negative", "greeting", "thanks", "bye", "identity",
    "capabilities", "all", "person", "lost_parcel", "count", "cheapest", "priciest", "quantity",
    "other_option", "because", "done_check", "can", "how", "another", "also", "ack", "elliptical",
    "partial", "ticket_words", "view", "shopping", "conditional", "found", "timed", "mine", "polite_request",
    "final_question", "other_product", "apology", "hurry", "cheaper", "pricier", "ticket_number",
    "yes_word", "checked", "among", "insist", "other_account", "procedure", "negated_check", "no_pay",
    "ordered", "claimed_before", "action_question", "keep", "defect_denied", "until_when", "picked_up",
    "person_declined", "deadline", "dispatch", "contact", "obligation", "new_item", "withdraw", "kept_count",
    "told_delivered", "will_look", "what_next", "status_excluded", "own_order",
)
NESTED_KEYS = ("status_words", "actions", "payment_words", "order_facts", "my_account")
# What of the shopper's own account is asked ("포인트 얼마 있어요", "쿠폰 뭐 있어요", "제 등급 뭐예요"):
# data this agent cannot see; answered with where the shopper sees it.
MY_ACCOUNT = ("points", "coupons", "tier")
ACTION_NAMES = ("change_address", "defect", "exchange", "return", "cancel")
ORDER_FACTS = ("ordered_at", "quantity", "payment", "amount", "delivered_at", "tracking", "paid", "unpaid",
               "deposit_deadline", "refunded", "option", "items")


@dataclass(frozen=True)
class DialogueLexicon:
    flat: dict[str, re.Pattern[str]]
    statuses: tuple[tuple[str, re.Pattern[str]], ...]
    actions: tuple[tuple[str, re.Pattern[str]], ...]  # most specific first
    payments: tuple[tuple[str, re.Pattern[str]], ...] = ()  # payment methods (domain PaymentMethod values)
    order_facts: tuple[tuple[str, re.Pattern[str]], ...] = ()  # what is asked about an order (ORDER_FACTS)
    my_account: tuple[tuple[str, re.Pattern[str]], ...] = ()  # what is asked of their own account (MY_ACCOUNT)

    def __getattr__(self, name: str) -> re.Pattern[str]:
        try:
            return self.flat[name]
        except KeyError:
            raise AttributeError(name) from None


@dataclass(frozen=True)
class NounLexicon:
    generic: frozenset[str]  # say nothing about what is asked ("가능", "방법", "주문")
    order_words: frozenset[str]  # words of a request about an order that never name its product
    product_generic: frozenset[str]  # words around a product query that are not the product
    request_words: frozenset[str] = frozenset()  # glued after a product ("패딩반품"), not part of its name
    contrasts: tuple[tuple[str, ...], ...] = ()  # words one asks about in place of another ("울릉도는요?")


def _fail(path: Path, key: str, why: str) -> ConfigError:
    return ConfigError(f"어휘 파일 {path}의 '{key}' 항목이 잘못되었습니다: {why}")


def _compile(path: Path, key: str, patterns: Any) -> re.Pattern[str]:
    if not isinstance(patterns, list) or not patterns or not all(isinstance(p, str) for p in patterns):
        raise _fail(path, key, "정규식 문자열 목록이어야 합니다")
    try:
        return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)
    except re.error as exc:
        raise _fail(path, key, f"정규식 오류 ({exc})") from None


def _read(path: Path) -> dict[str, Any]:
    from ..config import read_yaml_mapping  # the project's one YAML reader and error line

    return read_yaml_mapping(data_path(path), "어휘 파일")


def parse_dialogue(path: Path) -> DialogueLexicon:
    data = _read(path)
    missing = [k for k in (*FLAT_KEYS, *NESTED_KEYS) if k not in data]
    if missing:
        raise _fail(path, missing[0], "항목이 없습니다")
    flat = {key: _compile(path, key, data[key]) for key in FLAT_KEYS}
    for key in NESTED_KEYS:
        if not isinstance(data[key], dict) or not data[key]:
            raise _fail(path, key, "이름별 정규식 목록의 매핑이어야 합니다")
    unknown = set(data["actions"]) - set(ACTION_NAMES)
    if unknown:
        raise _fail(path, "actions", f"알 수 없는 조치 {sorted(unknown)} (허용값: {', '.join(ACTION_NAMES)})")
    statuses = tuple((name, _compile(path, f"status_words.{name}", p)) for name, p in data["status_words"].items())
    actions = tuple((name, _compile(path, f"actions.{name}", data["actions"][name]))
                    for name in ACTION_NAMES if name in data["actions"])
    payments = tuple((name, _compile(path, f"payment_words.{name}", p))
                     for name, p in data["payment_words"].items())
    unknown = set(data["order_facts"]) - set(ORDER_FACTS)
    if unknown:
        raise _fail(path, "order_facts", f"알 수 없는 항목 {sorted(unknown)} (허용값: {', '.join(ORDER_FACTS)})")
    facts = tuple((name, _compile(path, f"order_facts.{name}", p)) for name, p in data["order_facts"].items())
    unknown = set(data["my_account"]) - set(MY_ACCOUNT)
    if unknown:
        raise _fail(path, "my_account", f"알 수 없는 항목 {sorted(unknown)} (허용값: {', '.join(MY_ACCOUNT)})")
    account = tuple((name, _compile(path, f"my_account.{name}", p)) for name, p in data["my_account"].items())
    return DialogueLexicon(flat, statuses, actions, payments, facts, account)


def parse_nouns(path: Path) -> NounLexicon:
    data = _read(path)
    sets = {}
    for key in ("generic", "order_words", "product_generic"):
        words = data.get(key)
        if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
            raise _fail(path, key, "단어 목록이어야 합니다")
        sets[key] = frozenset(words)
    glued = data.get("request_words", [])
    if not isinstance(glued, list) or not all(isinstance(w, str) and w for w in glued):
        raise _fail(path, "request_words", "단어 목록이어야 합니다")
    contrasts = data.get("contrasts", [])
    if not isinstance(contrasts, list) or not all(
            isinstance(g, list) and len(g) > 1 and all(isinstance(w, str) and w for w in g) for g in contrasts):
        raise _fail(path, "contrasts", "두 단어 이상인 단어 목록들의 목록이어야 합니다")
    return NounLexicon(sets["generic"], sets["order_words"], sets["generic"] | sets["product_generic"],
                       frozenset(glued), tuple(tuple(g) for g in contrasts))


@lru_cache(maxsize=1)
def dialogue_lexicon() -> DialogueLexicon:
    return parse_dialogue(DIALOGUE_FILE)


@lru_cache(maxsize=1)
def noun_lexicon() -> NounLexicon:
    return parse_nouns(NOUNS_FILE)
