"""Kiwi morphemes: one analyser per process, shared by every caller.

Loading Kiwi's model takes about a second and ~100 MB, so the process has one
instance, lazily loaded and shared with search (``search.analysis.shared_kiwi``).
Morphemes give the classifier what character n-grams cannot: "취소하지 마세요" contains the verb 말 (stop) and
"환불 정책" the noun 정책 even when glued to other words ("환불정책알려줘").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..search.analysis import shared_kiwi, shared_tokens

if TYPE_CHECKING:
    from kiwipiepy import Token

__all__ = ["morphemes", "shared_kiwi", "tokens"]


def tokens(text: str) -> list[Token]:
    """Kiwi tokens with character offsets into ``text`` (recent texts' kept: ``shared_tokens``)."""
    return list(shared_tokens(text))


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
