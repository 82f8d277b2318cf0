"""Checks on digit strings that decide whether a number can be personal data:
a registration number's birth date and check digit, a card's Luhn sum and
issuer prefix. Pure functions of the digits (no text, no position)."""

from __future__ import annotations

from datetime import date

_RRN_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)


def rrn_birth_date(digits: str) -> date | None:
    """The birth date a 13-digit registration number encodes, or ``None`` when the
    month, day or gender digit make it impossible. Gender digits 1, 2, 5, 6 are
    born in the 1900s (5, 6 foreigners), 3, 4, 7, 8 in the 2000s."""
    if len(digits) != 13 or not digits.isdigit() or digits[6] not in "12345678":
        return None
    century = 1900 if digits[6] in "1256" else 2000
    try:
        return date(century + int(digits[:2]), int(digits[2:4]), int(digits[4:6]))
    except ValueError:
        return None


def rrn_check_digit_ok(digits: str) -> bool:
    """The pre-October-2020 check digit (citizens, and the foreigner variant).
    Numbers issued since then have a random last digit, so this may only raise
    confidence, never decide."""
    total = sum(int(d) * w for d, w in zip(digits[:12], _RRN_WEIGHTS))
    citizen = (11 - total % 11) % 10
    foreign = (13 - total % 11) % 10
    return int(digits[12]) == citizen or (digits[6] in "5678" and int(digits[12]) == foreign)


def rrn_valid(digits: str, today: date | None = None) -> bool:
    """A plausible registration number: real birth date, not in the future."""
    born = rrn_birth_date(digits)
    return born is not None and born <= (today or date.today())


def luhn_valid(digits: str) -> bool:
    """The Luhn (mod 10) check every payment card number satisfies."""
    if not digits.isdigit() or len(digits) < 2:
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def card_issuer_plausible(digits: str) -> bool:
    """Major networks by their first digits: Visa 4, Mastercard 51-55 and 2221-2720,
    Amex 34/37 (15 digits), JCB 35, Diners 36/38, UnionPay/Discover 6, Korean
    domestic (BC and others) 9. An order reference that starts with a year
    ("2026…") is not a Mastercard."""
    first = digits[0]
    if first in "469":
        return True
    if first == "5":
        return digits[1] in "12345"
    if first == "3":
        return digits[1] in "4578" and (len(digits) == 15) == (digits[1] in "47")
    if first == "2":
        return 2221 <= int(digits[:4]) <= 2720
    return False
