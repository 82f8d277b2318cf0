"""Korean native numbers written as words ("열다섯", "스물두", "서른"): an age or a
count a shopper spells out."""

from __future__ import annotations

TENS = {"열": 10, "스물": 20, "스무": 20, "서른": 30, "마흔": 40, "쉰": 50, "예순": 60, "일흔": 70, "여든": 80, "아흔": 90}
UNITS = {"하나": 1, "한": 1, "둘": 2, "두": 2, "셋": 3, "세": 3, "넷": 4, "네": 4, "다섯": 5, "여섯": 6, "일곱": 7,
         "여덟": 8, "아홉": 9}


def native_number(word: str) -> int | None:
    """The value of a native number word of two letters or more ("열다섯" → 15, "스무" → 20);
    None for anything else (one-letter words such as 한, 세 are read where they count)."""
    if len(word) < 2:
        return None
    for ten, value in TENS.items():
        if word.startswith(ten):
            rest = word[len(ten):]
            if not rest:
                return value
            unit = UNITS.get(rest)
            return value + unit if unit is not None else None
    return UNITS.get(word) if len(word) >= 2 else None
