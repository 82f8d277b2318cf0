"""Order and ticket identifiers.

Order ids are ``ORD-YYYYMMDD-NNNN``: the KST order date plus a per-day sequence.
Ticket ids are ``TKT-YYYYMMDD-XXXXXX``: six characters from an alphabet without
look-alikes (no 0/O, 1/I/L). Independent random draws would collide by the
birthday bound (about one pair in five among 20,000 ids of 31^6 values), so a
process walks a random permutation of the 31^6 tokens instead: no repeat within
a process, random-looking order, and a random starting point per process; the
storage layer still checks the rare cross-process repeat.
"""

from __future__ import annotations

import itertools
import math
import os
import re
import secrets
import threading
from datetime import date

ORDER_ID_RE = re.compile(r"^ORD-(\d{8})-(\d{4})$")
TICKET_ID_RE = re.compile(r"^TKT-(\d{8})-([0-9A-Z]{6})$")
TICKET_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
MAX_ORDERS_PER_DAY = 9999


def order_id(day: date, sequence: int) -> str:
    if not 1 <= sequence <= MAX_ORDERS_PER_DAY:
        raise ValueError(f"order sequence out of range: {sequence}")
    return f"ORD-{day:%Y%m%d}-{sequence:04d}"


TOKEN_LENGTH = 6
_TOKENS = len(TICKET_ALPHABET) ** TOKEN_LENGTH


class _TokenWalk:
    """x -> (a*x + b) mod N over a counter: a bijection when gcd(a, N) = 1."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counter = itertools.count(secrets.randbelow(_TOKENS))
        self._b = secrets.randbelow(_TOKENS)
        while True:
            self._a = secrets.randbelow(_TOKENS - 2) + 2
            if math.gcd(self._a, _TOKENS) == 1:
                break

    def next(self) -> str:
        with self._lock:
            value = (self._a * next(self._counter) + self._b) % _TOKENS
        chars = []
        for _ in range(TOKEN_LENGTH):
            value, digit = divmod(value, len(TICKET_ALPHABET))
            chars.append(TICKET_ALPHABET[digit])
        return "".join(chars)


_walk = _TokenWalk()


def _new_walk_after_fork() -> None:
    global _walk
    _walk = _TokenWalk()  # forked workers (gunicorn --preload) must not repeat the parent's walk


os.register_at_fork(after_in_child=_new_walk_after_fork)


def new_ticket_id(day: date, *, token: str | None = None) -> str:
    return f"TKT-{day:%Y%m%d}-{token or _walk.next()}"


def is_order_id(value: str) -> bool:
    return ORDER_ID_RE.match(value) is not None


def is_ticket_id(value: str) -> bool:
    return TICKET_ID_RE.match(value) is not None
