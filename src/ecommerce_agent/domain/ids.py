"""Order and ticket identifiers.

Order ids are ``ORD-YYYYMMDD-NNNN``: the KST order date plus a per-day sequence.
Ticket ids are ``TKT-YYYYMMDD-XXXXXX``: six random characters from an alphabet
without look-alikes (no 0/O, 1/I/L), so ids created in the same second differ.
"""

from __future__ import annotations

import re
import secrets
from datetime import date

ORDER_ID_RE = re.compile(r"^ORD-(\d{8})-(\d{4})$")
TICKET_ID_RE = re.compile(r"^TKT-(\d{8})-([0-9A-Z]{6})$")
TICKET_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
MAX_ORDERS_PER_DAY = 9999


def order_id(day: date, sequence: int) -> str:
    if not 1 <= sequence <= MAX_ORDERS_PER_DAY:
        raise ValueError(f"order sequence out of range: {sequence}")
    return f"ORD-{day:%Y%m%d}-{sequence:04d}"


def new_ticket_id(day: date, *, token: str | None = None) -> str:
    token = token or "".join(secrets.choice(TICKET_ALPHABET) for _ in range(6))
    return f"TKT-{day:%Y%m%d}-{token}"


def is_order_id(value: str) -> bool:
    return ORDER_ID_RE.match(value) is not None


def is_ticket_id(value: str) -> bool:
    return TICKET_ID_RE.match(value) is not None
