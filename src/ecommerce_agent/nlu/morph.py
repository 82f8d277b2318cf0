"""Kiwi morphemes: one analyser per process, shared by every caller.

Loading Kiwi's model takes about a second and ~100 MB, so it is loaded once,
lazily, and reused (``shared_kiwi``). Morphemes give the classifier what
character n-grams cannot: "취소하지 마세요" contains the verb 말 (stop) and
"환불 정책" the noun 정책 even when glued to other words ("환불정책알려줘").
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiwipiepy import Kiwi, Token

_LOCK = threading.Lock()
_KIWI: Kiwi | None = None


def shared_kiwi() -> Kiwi:
    """The process-wide Kiwi instance (model bundled in ``kiwipiepy_model``).
    Constructed with defaults so that other packages (search) can share it."""
    global _KIWI
    if _KIWI is None:
        with _LOCK:
            if _KIWI is None:
                from kiwipiepy import Kiwi

                _KIWI = Kiwi()
    return _KIWI


def tokens(text: str) -> list[Token]:
    """Kiwi tokens with character offsets into ``text``."""
    return list(shared_kiwi().tokenize(text))


def morphemes(text: str) -> list[str]:
    """``form/TAG`` strings; verbs and adjectives as lemma (``맞/VA``), tags cut to
    their family for endings and particles (``EF``, ``EC``, ``JK``) so that
    register variants (요/세요/습니다) still differ but rare sub-tags do not
    scatter the counts."""
    out = []
    for tok in tokens(text):
        tag = tok.tag.split("-")[0]  # VV-R / VA-I irregular markers carry no meaning here
        if tag.startswith("JK"):
            tag = "JK"
        out.append(f"{tok.form}/{tag}")
    return out
