"""Text views the classifier reads: cheap, deterministic normalisation.

Shoppers type on phones: full-width characters, no spaces ("주문내역좀보여줘"),
stretched endings ("네에에", "!!!!"), chat shorthand ("ㅇㅇ", "ㄴㄴ") and typos
that are one jamo off ("해주새요", "취쇼", "되요"). Rather than a typo list, the
classifier gets several views of the same utterance and learns from all:

* ``normalise`` — NFKC, lower case, ids masked, digits folded, runs shortened;
* ``spaceless`` — the same without spaces, so spacing variants share n-grams;
* ``jamo`` — spaceless and decomposed into jamo with easily confused vowels
  merged (ㅐ/ㅔ, ㅚ/ㅙ/ㅞ …), so a one-jamo typo keeps most of its n-grams.
"""

from __future__ import annotations

import re
import unicodedata

from .ids import mask_ids

# Placeholders for ids: single symbols no shopper types, distinct from Hangul.
ORDER_TOKEN = "ⓞ"
TICKET_TOKEN = "ⓣ"

_RUNS = re.compile(r"(.)\1{2,}")
_DIGITS = re.compile(r"\d")
_SPACES = re.compile(r"\s+")

_CHO = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_JUNG = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
# Vowels shoppers confuse (pronounced alike in modern Seoul Korean).
_VOWEL_MERGE = str.maketrans({"ㅐ": "ㅔ", "ㅒ": "ㅖ", "ㅙ": "ㅞ", "ㅚ": "ㅞ"})
# Final consonants use the conjoining jongseong block (U+11A8…), so "각" and
# "가ㄱ" differ, while initials use the compatibility jamo that "ㅇㅇ" is typed in.
_JONG_BASE = 0x11A7


def fold(text: str) -> str:
    """NFKC (full-width → ASCII, compatibility forms unified) and lower case, but
    the jamo shoppers type alone ("ㅇㅇ", "ㄴㄴ", "ㅠㅠ") stay compatibility jamo:
    plain NFKC would turn them into conjoining jamo that no longer look like
    the initials inside decomposed syllables."""
    if text.isascii():
        return text.lower()
    return "".join(ch if "\u3131" <= ch <= "\u318e" else unicodedata.normalize("NFKC", ch)
                   for ch in text).lower()


def normalise(text: str) -> str:
    """Folded, ids masked, digits folded to 0, runs of 3+ shortened to 2."""
    text = fold(text)
    text = mask_ids(text, ORDER_TOKEN, TICKET_TOKEN)
    text = _DIGITS.sub("0", text)
    text = _RUNS.sub(r"\1\1", text)
    return _SPACES.sub(" ", text).strip()


def spaceless(normalised: str) -> str:
    return normalised.replace(" ", "")


def jamo(normalised: str) -> str:
    """Spaceless text with Hangul syllables decomposed into compatibility jamo."""
    out: list[str] = []
    for ch in normalised:
        if ch == " ":
            continue
        code = ord(ch) - 0xAC00
        if 0 <= code < 11172:
            out.append(_CHO[code // 588])
            out.append(_JUNG[(code % 588) // 28])
            if code % 28:
                out.append(chr(_JONG_BASE + code % 28))
        else:
            out.append(ch)
    return "".join(out).translate(_VOWEL_MERGE)
