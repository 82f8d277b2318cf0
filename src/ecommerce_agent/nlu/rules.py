"""The thin rule layer: bare yes/no answers.

"네", "ㅇㅇ", "넵넵", "아뇨", "ㄴㄴ" are one or two syllables with no context
of their own; a statistical model sees few n-grams in them and can be thrown by
a trailing "ㅎㅎ" or emoji. A closed list is exact for them, so an utterance
that consists *only* of affirmatives (or only of negatives), optionally with
fillers (음, 아, 흠), laughter, emoji and punctuation, is decided here. Anything
longer ("네 그걸로 취소해 주세요", "취소하지 마세요") goes to the model, which
was trained on such lines.
"""

from __future__ import annotations

import re

from .text import fold

CONFIRM = "dialog.confirm"
DENY = "dialog.deny"
# Precision of the rules on the training split is 100%; the confidence they
# report still leaves room for the dialogue layer's own doubts.
RULE_CONFIDENCE = 0.99

_YES = ("어", "네", "넵", "넹", "녜", "네엡", "넴", "예", "옙", "예스", "응", "웅", "엉", "ㅇㅇ", "ㅇㅋ", "ㅇㅋㅇㅋ",
        "오케이", "오키", "오키도키", "ok", "okay", "okey", "yes", "yep", "yeah", "yup", "sure", "좋아요",
        "좋아", "좋습니다", "좋아용", "맞아요", "맞아", "맞습니다", "맞아용", "맞음", "콜", "ㄱㄱ", "고고",
        "그래요", "그래", "그럼요", "물론이죠", "당연하죠", "👍", "👌", "🙆")
_NO = ("아니요", "아니오", "아뇨", "아니", "아냐", "아니야", "아니여", "아니용", "아뇽", "ㄴㄴ", "노", "노노",
       "no", "nope", "nah", "싫어요", "싫어", "싫습니다", "🙅")
# Hesitation before the answer, laughter/crying after it ("ㅎㅇ" is a greeting,
# not "ㅎ" + "ㅇ").
_LEAD = r"(?:음+|아+|흠+|엄+|앗|헐)"
_TRAIL = r"(?:ㅎ+|ㅋ+|ㅠ+|ㅜ+)"
_SYMBOLS = re.compile(r"[\s\.,!?~…·'\"()\[\]^_\-]+")


def _alternation(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


# One or more answer words (repeats allowed: "네네", "ㅇㅇㅇ", "노노"), with
# fillers before and laughter/punctuation after; nothing else.
_YES_RE = re.compile(rf"{_LEAD}*(?:{_alternation(_YES)}|ㅇ+)+{_TRAIL}*")
_NO_RE = re.compile(rf"{_LEAD}*(?:{_alternation(_NO)}|ㄴ+)+{_TRAIL}*")
_EMOJI = re.compile(r"[\U0001F300-\U0001FAFF\u2600-\u27BF\uFE0F]")


def yes_no(text: str) -> str | None:
    """``dialog.confirm`` or ``dialog.deny`` for a bare answer, otherwise ``None``."""
    folded = fold(text).strip()
    if folded.endswith("?"):  # "네?" asks the agent to repeat itself
        return None
    keep_emoji = _SYMBOLS.sub("", folded)
    if not keep_emoji:
        return None
    for candidate in (keep_emoji, _EMOJI.sub("", keep_emoji)):
        if not candidate:
            continue
        yes = _YES_RE.fullmatch(candidate) is not None
        no = _NO_RE.fullmatch(candidate) is not None
        if yes != no:
            return CONFIRM if yes else DENY
    return None
