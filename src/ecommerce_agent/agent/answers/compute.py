"""Computations with the shopper's own numbers, from the rules of facts.yaml:
an amount against a threshold (28,000원 vs the 30,000원 free-shipping line), days
since delivery against a window (닷새 vs 7일), an order moment against the
dispatch cut-off (일요일 저녁 → 월요일 출고), a moment against service hours.
Each returns the sentence to lead with and the yes/no it implies."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from ...domain.clock import KST
from . import rules_calendar as cal
from . import rules_fees as fees
from .facts import Rule
from .lexicon import squash
from .question import Question
from .rules_base import Computed, fill, kdate

__all__ = ["Computed", "applicable", "compute", "fill", "first_computed"]

Compute = Callable[[Rule, Question, datetime, "datetime | None"], "Computed | None"]


def compute(rule: Rule, q: Question, now: datetime, delivered_at: datetime | None = None) -> Computed | None:
    return COMPUTE[rule.type](rule, q, now, delivered_at)


def _window(rule: Rule, q: Question, now: datetime, delivered_at: datetime | None) -> Computed | None:
    spec = rule.spec
    if any(squash(x) in squash(q.text) for x in spec.get("excludes", [])):
        return None
    days = q.days
    if days is None and delivered_at is not None:
        days = (now.astimezone(KST).date() - delivered_at.astimezone(KST).date()).days
        deadline = delivered_at.astimezone(KST).date() + timedelta(days=int(spec["days"]))
        inside = days <= int(spec["days"])
        text = fill(spec["within" if inside else "outside"], d=str(days))
        if inside and spec.get("yes_if", "within") == "within":
            text += " " + fill(spec["deadline"], date=kdate(deadline))
        return Computed(text, _window_verdict(spec, inside, q), rule.rule_id)
    if days is None:
        return None
    inside = days <= int(spec["days"])
    return Computed(fill(spec["within" if inside else "outside"], d=str(days)), _window_verdict(spec, inside, q),
                    rule.rule_id)


def _window_verdict(spec: dict[str, Any], inside: bool, q: Question) -> str | None:
    if not q.yesno:
        return None
    yes = inside if spec.get("yes_if", "within") == "within" else not inside
    return "yes" if yes else "no"


def applicable(rules: list[Rule], q: Question) -> list[Rule]:
    """Rules whose words the question uses (``applies``) and, when the rule names
    them, one of the words of what it computes from (``needs``: 결제, 주문…), and none
    of the words of a case it does not decide (``excludes``: 따로 주문하면 → 묶음 배송)."""
    squashed = squash(q.text)
    return [r for r in rules if any(squash(a) in squashed for a in r.applies)
            and (not r.spec.get("needs") or any(squash(n) in squashed for n in r.spec["needs"]))
            and not any(squash(x) in squashed for x in r.spec.get("excludes", []))]


def first_computed(rules: list[Rule], q: Question, now: datetime, delivered_at: datetime | None,
                   section: tuple[str, str] | None = None) -> Computed | None:
    """The first rule that computes something: a region named decides the fee before the
    general free-shipping line does, and so does part of an order cancelled (two amounts);
    then the rules of the section chosen to answer."""
    ordered = sorted(applicable(rules, q), key=lambda r: (r.type != "region_fee" or q.region is None,
                                                          r.type != "remaining_threshold",
                                                          (r.doc, r.section) != section))
    for rule in ordered:
        out = compute(rule, q, now, delivered_at)
        if out is not None:
            if rule.type == "window":  # two windows (구매확정 … 반품?): the one asked about is said last
                later = [r for r in ordered if r.type == "window" and _said_at(r, q) > _said_at(rule, q)]
                for other in sorted(later, key=lambda r: -_said_at(r, q)):
                    alt = compute(other, q, now, delivered_at)
                    if alt is not None:
                        return alt
            return out
    return None


def _said_at(rule: Rule, q: Question) -> int:
    squashed = squash(q.text)
    return max(squashed.rfind(squash(a)) for a in rule.applies)


__all__ = ["Computed", "compute", "first_computed", "fill", "applicable", "Any"]


COMPUTE: dict[str, Compute] = {
    "threshold": fees.threshold, "remaining_threshold": fees.remaining_threshold, "bands": fees.bands, "window": _window, "cutoff": cal.cutoff, "hours": cal.hours,
    "region_fee": fees.region_fee, "return_fee": fees.return_fee, "per_unit": fees.per_unit,
    "interest": fees.interest, "accrual": fees.accrual, "monthly_deadline": cal.monthly_deadline,
    "business_days": cal.business_days, "hours_window": cal.hours_window, "anniversary": cal.anniversary}
