"""Text views the guards read: cheap, deterministic, no model.

Two different needs:

* PII detection reports spans in the shopper's own text, so its view must keep
  every character where it was: ``fold`` maps full-width digits and letters
  (mobile keyboards), odd dashes and spaces one-to-one and nothing else.
* Injection and abuse detection only need a verdict, so their views may change
  the length freely: NFKC, lower case, jamo typed one by one put back into
  syllables ("ㅅㅣㅅㅡㅌㅔㅁ" → "시스템"), leetspeak undone in Latin words
  ("1gn0r3" → "ignore"), letter-spacing closed up ("무 시 하 고" → "무시하고"),
  and a ``compact`` view without any spaces or punctuation for patterns that
  must survive "시.스.템" and "i g n o r e".
"""

from __future__ import annotations

import re
import unicodedata

# --- length-preserving fold (PII) -------------------------------------------------

_FOLD_TABLE: dict[int, str] = {cp: chr(cp - 0xFEE0) for cp in range(0xFF01, 0xFF5F)}  # full-width ASCII
_FOLD_TABLE.update({cp: "-" for cp in (0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212,
                                       0xFE63, 0x30FC)})
_FOLD_TABLE.update({cp: " " for cp in (0x00A0, 0x2002, 0x2003, 0x2009, 0x202F, 0x3000)})
_FOLD_TABLE.update({cp: "." for cp in (0x00B7, 0x2027, 0x30FB, 0x318D, 0xFF65)})  # 010·1234·5678
_ASCII_LOWER = {cp: chr(cp + 32) for cp in range(ord("A"), ord("Z") + 1)}


def fold(text: str) -> str:
    """Full-width ASCII to ASCII; dash, dot and space look-alikes to '-', '.' and ' '.
    One character in, one character out, so spans index the original text."""
    return text.translate(_FOLD_TABLE)


def ascii_lower(text: str) -> str:
    """Lower-case ASCII letters only (``str.lower`` may change the length)."""
    return text.translate(_ASCII_LOWER)


# --- Hangul jamo ---------------------------------------------------------------

_CHO = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_JUNG = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
_JONG = ["", *"ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ"]
_CHO_INDEX = {c: i for i, c in enumerate(_CHO)}
_JUNG_INDEX = {c: i for i, c in enumerate(_JUNG)}
_JONG_INDEX = {c: i for i, c in enumerate(_JONG) if c}
_VOWEL_PAIRS = {("ㅗ", "ㅏ"): "ㅘ", ("ㅗ", "ㅐ"): "ㅙ", ("ㅗ", "ㅣ"): "ㅚ", ("ㅜ", "ㅓ"): "ㅝ",
                ("ㅜ", "ㅔ"): "ㅞ", ("ㅜ", "ㅣ"): "ㅟ", ("ㅡ", "ㅣ"): "ㅢ"}
_FINAL_PAIRS = {("ㄱ", "ㅅ"): "ㄳ", ("ㄴ", "ㅈ"): "ㄵ", ("ㄴ", "ㅎ"): "ㄶ", ("ㄹ", "ㄱ"): "ㄺ",
                ("ㄹ", "ㅁ"): "ㄻ", ("ㄹ", "ㅂ"): "ㄼ", ("ㄹ", "ㅅ"): "ㄽ", ("ㄹ", "ㅌ"): "ㄾ",
                ("ㄹ", "ㅍ"): "ㄿ", ("ㄹ", "ㅎ"): "ㅀ", ("ㅂ", "ㅅ"): "ㅄ"}
_HAS_VOWEL_JAMO = re.compile("[ㅏ-ㅣ]")


def compose_jamo(text: str) -> str:
    """Put compatibility jamo typed one by one back into syllables: "ㅇㅣㅈㅓㄴ" → "이전".
    Consonants without a vowel ("ㅅㅂ", "ㅋㅋ", "ㅎㅇ") are left as they are."""
    if not _HAS_VOWEL_JAMO.search(text):
        return text
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in _CHO_INDEX and i + 1 < n and text[i + 1] in _JUNG_INDEX:
            vowel, j = text[i + 1], i + 2
            if j < n and (vowel, text[j]) in _VOWEL_PAIRS:
                vowel, j = _VOWEL_PAIRS[(vowel, text[j])], j + 1
            final = ""
            if j < n and text[j] in _JONG_INDEX and not (j + 1 < n and text[j + 1] in _JUNG_INDEX):
                final, j = text[j], j + 1
                if (j < n and (final, text[j]) in _FINAL_PAIRS
                        and not (j + 1 < n and text[j + 1] in _JUNG_INDEX)):
                    final, j = _FINAL_PAIRS[(final, text[j])], j + 1
            code = 0xAC00 + (_CHO_INDEX[c] * 21 + _JUNG_INDEX[vowel]) * 28 + (_JONG_INDEX[final] if final else 0)
            out.append(chr(code))
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


# Dubeolsik keyboard layout, for Hangul typed with the input method left in
# English ("tlqkf" is 시발). Double consonants are the shifted keys; lower case
# is used so that "Tlqkf" and "tlqkf" both match.
_KEYS = dict(zip("ㅂㅈㄷㄱㅅㅛㅕㅑㅐㅔㅁㄴㅇㄹㅎㅗㅓㅏㅣㅋㅌㅊㅍㅠㅜㅡ", "qwertyuiopasdfghjklzxcvbnm"))
_KEYS.update({"ㅃ": "q", "ㅉ": "w", "ㄸ": "e", "ㄲ": "r", "ㅆ": "t", "ㅒ": "o", "ㅖ": "p"})
_SPLIT = {**{v: a + b for (a, b), v in _VOWEL_PAIRS.items()}, **{v: a + b for (a, b), v in _FINAL_PAIRS.items()}}


def hangul_keystrokes(word: str) -> str:
    """The (lower-case) keys typed for ``word`` on a dubeolsik keyboard: 시발 → "tlqkf"."""
    keys = []
    for ch in word:
        code = ord(ch) - 0xAC00
        if 0 <= code < 11172:
            jamo = _CHO[code // 588] + _JUNG[(code % 588) // 28] + _JONG[code % 28]
        else:
            jamo = ch
        keys.append("".join(_KEYS.get(j, j) for j in "".join(_SPLIT.get(j, j) for j in jamo)))
    return "".join(keys)


# --- views for injection and abuse scoring ---------------------------------------

_ZERO_WIDTH = re.compile("[\u200b-\u200f\u2060\ufeff\u00ad]")
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"})
_LEET_TOKEN = re.compile(r"[A-Za-z0-9@$]*[A-Za-z][A-Za-z0-9@$]*")
_HOMOGLYPHS = str.maketrans({"а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x",
                             "і": "i", "ј": "j", "ѕ": "s", "ԁ": "d", "ɡ": "g"})
_SINGLE = re.compile(r"(?<!\S)(\S)(?:[ \t]+(\S)(?!\S))+")
_SPACES = re.compile(r"\s+")
_NON_WORD = re.compile(r"[\W_]+")


_HANDLE = re.compile(r"[A-Za-z]+\d+")  # demo2, user123: an account name, not leetspeak


def _unleet(match: re.Match[str]) -> str:
    token = match.group(0)
    if any(ch.isdigit() or ch in "@$" for ch in token) and not _HANDLE.fullmatch(token):
        return token.translate(_LEET)
    return token


def join_singles(text: str) -> str:
    """Close up runs of single characters separated by spaces: "ㅅ ㅂ" → "ㅅㅂ",
    "무 시 하 고" → "무시하고". Words of two or more characters are left alone, so
    "수박씨 발라" does not become "수박씨발라"."""
    return _SINGLE.sub(lambda m: re.sub(r"[ \t]+", "", m.group(0)), text)


def base_view(text: str) -> str:
    """NFKC, zero-width characters removed, lower case, jamo composed, Cyrillic
    look-alikes mapped to Latin, leetspeak undone in words that contain a Latin
    letter, letter-spacing closed up, whitespace collapsed."""
    # Jamo are composed before NFKC: NFKC would turn a lone final "ㅁ" into an
    # initial consonant that no longer joins the syllable before it. Whatever
    # jamo remain ("ㅅㅂ") are mapped back to the compatibility block after it.
    text = compose_jamo(_ZERO_WIDTH.sub("", text))
    text = _to_compat_jamo(unicodedata.normalize("NFKC", text)).lower().translate(_HOMOGLYPHS)
    text = _LEET_TOKEN.sub(_unleet, text)
    return _SPACES.sub(" ", compose_jamo(join_singles(text))).strip()


def compact_view(base: str) -> str:
    """``base_view`` without spaces, punctuation or underscores."""
    return _NON_WORD.sub("", base)


_CONJOINING_TO_COMPAT: dict[int, str] = {}
for _i, _c in enumerate(_CHO):
    _CONJOINING_TO_COMPAT[0x1100 + _i] = _c
for _i, _c in enumerate(_JUNG):
    _CONJOINING_TO_COMPAT[0x1161 + _i] = _c
for _i, _c in enumerate(_JONG[1:], start=1):
    _CONJOINING_TO_COMPAT[0x11A7 + _i] = _c


def _to_compat_jamo(text: str) -> str:
    return text.translate(_CONJOINING_TO_COMPAT)
