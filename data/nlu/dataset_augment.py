"""Templated variants of the hand-written training lines (train only).

The word lists (typos, English code-mixing, register swaps, fillers) are data in
sources/augmentation.json; how they are applied is code and lives here.  Every
random choice goes through the ``rng`` passed in, in a fixed order, so a given
seed and sources give the same lines every time.
"""

import re
from collections import OrderedDict

from dataset_sources import ORDER_RE, SLOT_ORDER, TICKET_RE, check

ID_INTENTS = {"order.detail", "order.status", "order.cancel", "claim.refund",
              "claim.exchange", "claim.defect"}
DIALOG = {"dialog.confirm", "dialog.deny"}
SLOT_STRINGS = ("reason", "query", "date_ref")  # rewritten together with the text
# id templates: before or after the line, for order and ticket intents
ORDER_PRE = ["{id} ", "{id} 건 ", "주문번호 {id} ", "{id}번 "]
ORDER_PRE_UNLESS_ORDER_FIRST = "{id} 주문 "
ORDER_POST = [" {id}", " 주문번호 {id}", " ({id})", " 주문번호는 {id}이에요"]
TICKET_PRE = ["{id} ", "접수번호 {id} ", "티켓 {id} "]
TICKET_POST = [" {id}", " 티켓번호 {id}", " ({id})"]


def _group(intent):
    if intent in DIALOG:
        return "dialog"
    if intent == "general":
        return "general"
    if intent in ("policy", "product.search"):
        return "question"
    return "request"


def rand_date(rng):
    month = rng.randint(1, 11)
    last = 26 if month == 11 else [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30][month - 1]
    return "2026%02d%02d" % (month, rng.randint(1, last))


def rand_order(rng):
    date, seq = rand_date(rng), "%04d" % rng.randint(1, 200)
    canon = "ORD-%s-%s" % (date, seq)
    form = rng.choice(["ORD-%s-%s", "ORD-%s-%s", "ord-%s-%s", "ord_%s_%s", "ORD_%s_%s"])
    return canon, form % (date, seq)


def rand_ticket(rng):
    alnum = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
    while True:
        suf = "".join(rng.choice(alnum) for _ in range(6))
        if any(c.isdigit() for c in suf) and any(c.isalpha() for c in suf):
            break
    date = rand_date(rng)
    canon = "TKT-%s-%s" % (date, suf)
    form = rng.choice(["TKT-%s-%s", "TKT-%s-%s", "tkt-%s-%s", "tkt_%s_%s"])
    surface = form % (date, suf if form[0] == "T" else suf.lower())
    return canon, surface


def _copy(rec, text):
    return OrderedDict([("text", text), ("intent", rec["intent"]),
                        ("slots", OrderedDict(rec["slots"]))])


def _replace(rec, old, new):
    if old not in rec["text"]:
        return None
    text = rec["text"].replace(old, new)
    if new[-1:].isascii() and new[-1:].isalpha():
        # avoid "exchange을": a Latin word followed directly by a particle
        if re.search(re.escape(new) + r"[을를이가은는과와으의]", text):
            return None
    out = _copy(rec, text)
    for k in SLOT_STRINGS:
        if k in out["slots"]:
            out["slots"][k] = out["slots"][k].replace(old, new)
    return out


def _pick_replace(rec, rng, table):
    cands = [(o, n) for o, n in table if o in rec["text"]]
    if not cands:
        return None
    o, n = rng.choice(cands)
    return _replace(rec, o, n)


class Augmenter:
    """One main transform per new line, sometimes followed by a second step."""

    # (transform, weight); the weights are how often a transform is tried first
    WEIGHTS = [("id_swap", 3), ("id_insert", 3), ("typo", 3), ("english", 1),
               ("register", 2), ("filler", 3)]

    def __init__(self, tables):
        self.tables = tables

    def id_swap(self, rec, rng):
        s = rec["slots"]
        if "order_id" in s:
            m = ORDER_RE.search(rec["text"])
            canon, surf = rand_order(rng)
            key = "order_id"
        elif "ticket_id" in s:
            m = TICKET_RE.search(rec["text"])
            canon, surf = rand_ticket(rng)
            key = "ticket_id"
        else:
            return None
        out = _copy(rec, rec["text"][:m.start()] + surf + rec["text"][m.end():])
        out["slots"][key] = canon
        return out

    def id_insert(self, rec, rng):
        s, intent = rec["slots"], rec["intent"]
        if "order_id" in s or "ticket_id" in s or "anaphora" in s or "ordinal" in s:
            return None
        if intent in ID_INTENTS:
            canon, surf = rand_order(rng)
            key = "order_id"
            pre = list(ORDER_PRE)
            if not rec["text"].startswith("주문"):
                pre.append(ORDER_PRE_UNLESS_ORDER_FIRST)
            post = ORDER_POST
        elif intent == "ticket.status":
            canon, surf = rand_ticket(rng)
            key = "ticket_id"
            pre, post = TICKET_PRE, TICKET_POST
        else:
            return None
        if rng.random() < 0.6:
            text = rng.choice(pre).format(id=surf) + rec["text"]
        else:
            text = rec["text"] + rng.choice(post).format(id=surf)
        out = _copy(rec, text)
        out["slots"][key] = canon
        out["slots"] = OrderedDict((k, out["slots"][k]) for k in SLOT_ORDER if k in out["slots"])
        return out

    def typo(self, rec, rng):
        out = _pick_replace(rec, rng, self.tables["typos"])
        if out is None and rec["text"].endswith("요"):
            out = _copy(rec, rec["text"][:-1] + "용")
        return out

    def english(self, rec, rng):
        return _pick_replace(rec, rng, self.tables["english"])

    def register(self, rec, rng):
        return _pick_replace(rec, rng, self.tables["register"])

    def filler(self, rec, rng):
        group = _group(rec["intent"])
        if rng.random() < 0.5:
            return _copy(rec, rng.choice(self.tables["prefix"][group]) + rec["text"])
        return _copy(rec, rec["text"] + rng.choice(self.tables["suffix"][group]))

    def nospace(self, rec, rng):
        if " " not in rec["text"]:
            return None
        # keep spaces around English words (only ids may be glued)
        if re.search(r"[A-Za-z]", TICKET_RE.sub("", ORDER_RE.sub("", rec["text"]))):
            return None
        out = _copy(rec, rec["text"].replace(" ", ""))
        for k in SLOT_STRINGS:
            if k in out["slots"]:
                out["slots"][k] = out["slots"][k].replace(" ", "")
        return out

    def augment_one(self, rec, rng):
        """A checked variant of ``rec``, or None when no transform applies."""
        weights = OrderedDict(self.WEIGHTS)
        if rec["intent"] in ID_INTENTS or rec["intent"] == "ticket.status":
            weights["id_insert"] = 6
        names = [name for name, w in weights.items() for _ in range(w)]
        rng.shuffle(names)
        for name in names:
            out = getattr(self, name)(rec, rng)
            if out is None:
                continue
            if rng.random() < 0.3:
                out2 = self.nospace(out, rng)
                if out2 is not None:
                    out = out2
            elif rng.random() < 0.25:
                out2 = self.filler(out, rng) if name != "filler" else self.typo(out, rng)
                if out2 is not None:
                    out = out2
            try:
                check(out)
            except ValueError:
                continue
            # the ids must still be recoverable by the regexes
            if "order_id" in out["slots"] and not ORDER_RE.search(out["text"]):
                continue
            if "ticket_id" in out["slots"] and not TICKET_RE.search(out["text"]):
                continue
            return out
        return None
