"""Read and check the NLU source files under data/nlu/sources/ (format: sources/README.md).

Standard library only.  A source line that breaks a rule raises ``SourceError``
whose message is one line, ``<file>:<line>: <what is wrong>``.
"""

import json
import os
import re
from collections import OrderedDict

INTENTS = [
    "order.list", "order.detail", "order.status", "order.cancel",
    "claim.refund", "claim.exchange", "claim.defect", "ticket.status",
    "policy", "product.search", "handoff", "general",
    "dialog.confirm", "dialog.deny",
]
ISSUE_TYPES = {"refund", "exchange", "defect", "shipping", "inquiry", "other"}
CLAIM_ISSUE = {"claim.refund": "refund", "claim.exchange": "exchange",
               "claim.defect": "defect"}
SLOT_ORDER = ["order_id", "ticket_id", "issue_type", "reason", "query",
              "price_min", "price_max", "date_ref", "ordinal", "anaphora"]
STRING_SLOTS = {"order_id", "ticket_id", "issue_type", "reason", "query", "date_ref"}
INT_SLOTS = {"price_min", "price_max", "ordinal"}
# Which intents may carry a slot at all (GUIDELINES.md, "Slot rules").
ONLY_ON = {
    "issue_type": set(CLAIM_ISSUE) | {"ticket.status"},
    "reason": set(CLAIM_ISSUE) | {"order.cancel"},
}

ORDER_RE = re.compile(r"(?i)(?<![A-Za-z])ord[-_ ]?(\d{8})[-_ ]?(\d{4})(?!\d)")
TICKET_RE = re.compile(r"(?i)(?<![A-Za-z])tkt[-_ ]?(\d{8})[-_ ]?([A-Za-z0-9]{6})(?![A-Za-z0-9])")

AUGMENT_PAIR_TABLES = ("typos", "english", "register")
AUGMENT_GROUPS = ("request", "question", "general", "dialog")


class SourceError(ValueError):
    """A malformed source line; the message names the file and the line."""


def canon_order(m):
    return "ORD-%s-%s" % (m.group(1), m.group(2))


def canon_ticket(m):
    return "TKT-%s-%s" % (m.group(1), m.group(2).upper())


def norm(text):
    """lower-case, keep only letters/digits (drops spaces, punctuation, emoji)."""
    return "".join(ch for ch in text.lower() if ch.isalnum())


def check(rec):
    """The rules every record obeys, hand-written or augmented (ValueError if not)."""
    text, slots = rec["text"], rec["slots"]
    if rec["intent"] not in INTENTS:
        raise ValueError("unknown intent %r" % rec["intent"])
    for k in ("reason", "query", "date_ref"):
        if k in slots and slots[k] not in text:
            raise ValueError("%s %r not verbatim in %r" % (k, slots[k], text))
    if "order_id" in slots:
        if not re.fullmatch(r"ORD-2026\d{4}-\d{4}", slots["order_id"]):
            raise ValueError("order_id %r is not ORD-2026MMDD-NNNN" % slots["order_id"])
        if not any(canon_order(m) == slots["order_id"] for m in ORDER_RE.finditer(text)):
            raise ValueError("order_id %r is not in the text" % slots["order_id"])
    if "ticket_id" in slots:
        if not re.fullmatch(r"TKT-2026\d{4}-[A-Z0-9]{6}", slots["ticket_id"]):
            raise ValueError("ticket_id %r is not TKT-2026MMDD-XXXXXX" % slots["ticket_id"])
        if not any(canon_ticket(m) == slots["ticket_id"] for m in TICKET_RE.finditer(text)):
            raise ValueError("ticket_id %r is not in the text" % slots["ticket_id"])
    if "issue_type" in slots and slots["issue_type"] not in ISSUE_TYPES:
        raise ValueError("unknown issue_type %r" % slots["issue_type"])


def _check_source(rec):
    """Stricter rules for hand-written lines: shape, types and the labelling rules."""
    if not isinstance(rec, dict) or set(rec) != {"text", "intent", "slots"}:
        raise ValueError('a line must be one JSON object with exactly "text", "intent", "slots"')
    text, intent, slots = rec["text"], rec["intent"], rec["slots"]
    if not isinstance(text, str) or not text or text != text.strip() or "\n" in text:
        raise ValueError("text must be a non-empty one-line string without outer spaces")
    if not isinstance(slots, dict):
        raise ValueError("slots must be an object")
    for k, v in slots.items():
        if k not in SLOT_ORDER:
            raise ValueError("unknown slot %r" % k)
        if k in STRING_SLOTS and not (isinstance(v, str) and v):
            raise ValueError("slot %s must be a non-empty string" % k)
        if k in INT_SLOTS and (type(v) is not int):
            raise ValueError("slot %s must be an integer" % k)
        if k == "anaphora" and v is not True:
            raise ValueError("anaphora is either true or left out")
        if intent in INTENTS and k in ONLY_ON and intent not in ONLY_ON[k]:
            raise ValueError("slot %s is not used on %s" % (k, intent))
    check(rec)
    for key, regex in (("order_id", ORDER_RE), ("ticket_id", TICKET_RE)):
        found = len(regex.findall(text))
        if found > 1:
            raise ValueError("more than one %s in the text" % key)
        if found and key not in slots:
            raise ValueError("the text has an id but slot %s is missing" % key)
    if intent in CLAIM_ISSUE and slots.get("issue_type") != CLAIM_ISSUE[intent]:
        raise ValueError("%s needs issue_type %r" % (intent, CLAIM_ISSUE[intent]))


def _canonical(rec):
    slots = OrderedDict((k, rec["slots"][k]) for k in SLOT_ORDER if k in rec["slots"])
    return OrderedDict([("text", rec["text"]), ("intent", rec["intent"]), ("slots", slots)])


def load_file(path):
    """[(record, "file:line")] of one source file; blank and '#' lines are skipped."""
    stem = os.path.basename(path)[: -len(".jsonl")]
    out = []
    with open(path, encoding="utf-8") as fh:
        for n, raw in enumerate(fh, 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            where = "%s:%d" % (path, n)
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as e:
                raise SourceError("%s: invalid JSON: %s at column %d"
                                  % (where, e.msg, e.colno)) from None
            try:
                _check_source(rec)
            except ValueError as e:
                raise SourceError("%s: %s" % (where, str(e).splitlines()[0])) from None
            if stem in INTENTS and rec["intent"] != stem:
                raise SourceError("%s: intent %r in the file for %s" % (where, rec["intent"], stem))
            out.append((_canonical(rec), where))
    return out


def load_split(directory):
    """{intent: [record]} in INTENTS order; within an intent, file-name then line order.

    The same text twice under one intent is an error naming both places.
    """
    names = sorted(f for f in os.listdir(directory) if f.endswith(".jsonl"))
    if not names:
        raise SourceError("%s: no .jsonl source files" % directory)
    by_intent = OrderedDict((i, []) for i in INTENTS)
    first_seen = {}
    for name in names:
        for rec, where in load_file(os.path.join(directory, name)):
            key = (rec["intent"], rec["text"])
            if key in first_seen:
                raise SourceError("%s: duplicate of %s" % (where, first_seen[key]))
            first_seen[key] = where
            by_intent[rec["intent"]].append(rec)
    return by_intent


def load_augmentation(path):
    """The word lists of the augmentation step (sources/augmentation.json)."""
    with open(path, encoding="utf-8") as fh:
        try:
            tables = json.load(fh, object_pairs_hook=OrderedDict)
        except ValueError as e:
            raise SourceError("%s: %s" % (path, str(e).splitlines()[0])) from None
    want = set(AUGMENT_PAIR_TABLES) | {"prefix", "suffix"}
    if not isinstance(tables, dict) or set(tables) != want:
        raise SourceError("%s: needs exactly the keys %s" % (path, ", ".join(sorted(want))))
    out = {}
    for name in AUGMENT_PAIR_TABLES:
        pairs = tables[name]
        if not (isinstance(pairs, list) and all(
                isinstance(p, list) and len(p) == 2 and all(isinstance(s, str) and s for s in p)
                for p in pairs)):
            raise SourceError("%s: %s must be a list of [old, new] string pairs" % (path, name))
        out[name] = [tuple(p) for p in pairs]
    for name in ("prefix", "suffix"):
        groups = tables[name]
        if not (isinstance(groups, dict) and set(groups) == set(AUGMENT_GROUPS) and all(
                isinstance(v, list) and v and all(isinstance(s, str) and s for s in v)
                for v in groups.values())):
            raise SourceError("%s: %s must map %s to lists of strings"
                              % (path, name, "/".join(AUGMENT_GROUPS)))
        out[name] = {g: list(groups[g]) for g in AUGMENT_GROUPS}
    return out
