"""The bracketed labels masked values are replaced with, in one place: masking
writes them, detection recognises them (already masked, never PII, and a
boundary like the value they replaced)."""

from __future__ import annotations

import re

LABELS: dict[str, str] = {
    "rrn": "[주민등록번호]",
    "phone": "[전화번호]",
    "card": "[카드번호]",
    "account": "[계좌번호]",
    "email": "[이메일]",
    "passport": "[여권번호]",
}
REDACTED = "[다른 고객 정보]"  # another shopper's identifier, removed from a reply
DIGIT_LABELS = frozenset(LABELS[kind] for kind in ("rrn", "phone", "card", "account"))
MASK_LABEL_RE = re.compile("|".join(re.escape(label) for label in (*LABELS.values(), REDACTED)))
