"""Numbers typed with a space between the digits ("9 0 0 1 0 1 - 1 2 3 …"),
a common way to slip past a filter or to make a number easy to read out.

The digits of such a run are judged as the number they spell: a registration
number with a real birth date, a phone number with a Korean area code, a card
number of 15-16 digits that passes Luhn. Runs with only a space or two inside
("900101 - 1234567", "010 1234 5678") are the ordinary detectors' business.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from .lookalikes import Keywords
from .numbers import luhn_valid, rrn_valid

# Digits joined by spaces (one or two) or by a hyphen with optional spaces around it.
_RUN = re.compile(r"(?<![\d*\ue000])\d(?:(?:[ \t]*-[ \t]*|[ \t]{1,2})\d){8,18}(?!\d)(?![ \t]*-[ \t]*\d)")
_SPACE_GAP = re.compile(r"\d[ \t]+(?=\d)")
_PHONE_DIGITS = re.compile(r"01[016789]\d{7,8}|02\d{7,8}|0(?:3[1-3]|4[1-4]|5[1-5]|6[1-4])\d{7,8}|070\d{8}")
MIN_SPACE_GAPS = 4  # fewer: an ordinarily grouped number


def spaced_numbers(text: str, keywords: Keywords, today: date) -> Iterator[tuple[str, int, int, float]]:
    """(type, start, end, confidence) of each spaced-out number in ``text``
    (already ``fold``-ed, as the detectors see it)."""
    for m in _RUN.finditer(text):
        if len(_SPACE_GAP.findall(m.group())) < MIN_SPACE_GAPS:
            continue
        left = keywords.left(m.start())
        if left is not None and left.kind == "ref" and m.start() - left.end <= 4:
            continue  # "운송장 1 2 3 …": a reference read out, not personal data
        digits = [(d.start() + m.start(), d.group()) for d in re.finditer(r"\d", m.group())]
        number = "".join(d for _, d in digits)
        if len(number) in (15, 16) and luhn_valid(number):
            yield "card", m.start(), m.end(), 0.8
        elif _PHONE_DIGITS.fullmatch(number):
            yield "phone", m.start(), m.end(), 0.8
        else:
            yield from _registration_numbers(text, digits, today)


def _registration_numbers(text: str, digits: list[tuple[int, str]], today: date,
                          ) -> Iterator[tuple[str, int, int, float]]:
    """A registration number inside a longer run ("수량 2 9 0 0 1 0 1 - 1 …", or a
    count glued on after it): any 13 consecutive digits with a real birth date
    whose hyphen, if the run has one there, sits after the sixth digit."""
    for i in range(len(digits) - 12):
        window = digits[i:i + 13]
        number = "".join(d for _, d in window)
        start, end = window[0][0], window[-1][0] + 1
        inside = text[start:end]
        if "-" in inside and "-" not in text[window[5][0]:window[6][0]]:
            continue
        if "-" not in inside and "-" in text[start - 3:start] + text[end:end + 3]:
            continue  # a hyphen just outside: the groups are elsewhere
        if rrn_valid(number, today):
            yield "rrn", start, end, 0.9
            return
