"""Eligibility questions with a condition: "패딩 라벨 뗐는데 환불 돼요?", "택배 포장만
뜯었는데 반품 가능?", "사진이랑 색이 다른데 교환하면 배송비 제가 내요?".

The condition comes typed from the NLU (``Acts.conditions``); what it means for a
return or exchange is data (``data/agent/conditions.yaml``): restricted (no, unless
defective), allowed (the order's own status and 7-day window decide) or the shop's
fault (handled as a defect: 3 months, the shop pays shipping). The answer leads
with 네/아니요, cites the section the rule rests on, and at most *offers* the claim.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..config import read_yaml_mapping
from ..domain.orders import Action, Denied, Order, OrderItem, claim_deadline, decide
from ..errors import ConfigError
from ..nlu.context import Expecting
from ..nlu.lexicon import data_path
from ..nlu.types import Understanding
from . import replies as R
from .env import Env
from .outcome import Outcome
from .state import DialogueState, Frame
from .templates import say

RULES_FILE = Path("data/agent/conditions.yaml")
EFFECTS = ("shop_fault", "restricted", "allowed")  # strongest first: the shop's error wins
CLAIM_TASKS = ("return", "exchange")


@dataclass(frozen=True)
class Rule:
    effect: str
    source: tuple[str, str]
    rule: str


@dataclass(frozen=True)
class Kind:
    categories: frozenset[str]
    words: frozenset[str]
    rule: Rule


@dataclass(frozen=True)
class Condition:
    rule: Rule | None
    kinds: tuple[Kind, ...] = ()
    other: Rule | None = None  # for items of none of the kinds


@dataclass(frozen=True)
class ConditionRules:
    conditions: dict[str, Condition]
    sentences: dict[str, str]
    defect_source: tuple[str, str]  # restrictions never cover a defect


def _rule(path: Path, key: str, data: Any, effect: str | None = None) -> Rule:
    if not isinstance(data, dict):
        raise ConfigError(f"조건 규칙 {path}의 '{key}' 항목은 매핑이어야 합니다.")
    effect = str(data.get("effect") or effect or "")
    source = data.get("source")
    if effect not in EFFECTS or not (isinstance(source, list) and len(source) == 2) or not data.get("rule"):
        raise ConfigError(f"조건 규칙 {path}의 '{key}' 항목에는 effect({', '.join(EFFECTS)}), "
                          "source([문서 id, 절 제목]), rule이 있어야 합니다.")
    return Rule(effect, (str(source[0]), str(source[1])), str(data["rule"]))


def parse_rules(path: Path) -> ConditionRules:
    data = read_yaml_mapping(path, "조건 규칙")
    conditions = {}
    for name, entry in (data.get("rules") or {}).items():
        if not isinstance(entry, dict):
            raise ConfigError(f"조건 규칙 {path}의 '{name}' 항목은 매핑이어야 합니다.")
        kinds = tuple(Kind(frozenset(map(str, k.get("categories") or ())), frozenset(map(str, k.get("words") or ())),
                           _rule(path, f"{name}.kinds.{kind}", k, entry.get("effect")))
                      for kind, k in (entry.get("kinds") or {}).items())
        rule = _rule(path, str(name), entry) if entry.get("rule") else None
        other = _rule(path, f"{name}.other", entry["other"]) if entry.get("other") else None
        if rule is None and not (kinds and other):
            raise ConfigError(f"조건 규칙 {path}의 '{name}' 항목에는 rule 또는 kinds와 other가 있어야 합니다.")
        conditions[str(name)] = Condition(rule, kinds, other)
    sentences = {str(k): str(v) for k, v in (data.get("say") or {}).items()}
    source = data.get("defect_source")
    if not (isinstance(source, list) and len(source) == 2):
        raise ConfigError(f"조건 규칙 {path}의 'defect_source' 항목은 [문서 id, 절 제목]이어야 합니다.")
    return ConditionRules(conditions, sentences, (str(source[0]), str(source[1])))


@lru_cache(maxsize=1)
def condition_rules() -> ConditionRules:
    return parse_rules(data_path(RULES_FILE))


def check_condition_sources(sections: Any) -> list[str]:
    """The sections named by the rules that do not exist (checked at start-up)."""
    rules = [c.rule for c in condition_rules().conditions.values() if c.rule]
    rules += [k.rule for c in condition_rules().conditions.values() for k in c.kinds]
    rules += [c.other for c in condition_rules().conditions.values() if c.other]
    sources = [r.source for r in rules] + [condition_rules().defect_source]
    return [f"conditions: {doc}#{heading}" for doc, heading in sources if sections.get(doc, heading) is None]


def _cite(env: Env, source: tuple[str, str]) -> list[dict[str, Any]]:
    section = env.answerer.sections.get(*source) if env.answerer is not None else None
    if section is None:
        return []
    return [{"doc_id": section.doc_id, "title": section.title, "chunk_id": f"{section.doc_id}#{section.order:02d}",
             "section": section.heading, "score": 1.0}]


def _line(key: str, **fields: Any) -> str:
    return condition_rules().sentences[key].format(**fields)


def rule_of(name: str, env: Env, items: list[OrderItem], words: tuple[str, ...]) -> Rule | None:
    """The rule a stated condition brings for these items (or the words the shopper used)."""
    condition = condition_rules().conditions.get(name)
    if condition is None:
        return None
    categories = {env.tools.product_category(i.product_id) for i in items}
    for kind in condition.kinds:  # the item's own category first, then the words the shopper used
        if categories & kind.categories:
            return kind.rule
    for kind in condition.kinds:
        if any(w in kind.words or any(len(k) >= 2 and k in w for k in kind.words) for w in words):
            return kind.rule
    return condition.other or condition.rule


def ruled(names: tuple[str, ...], *, can: bool) -> bool:
    """Whether a stated condition decides the claim question: one that restricts or is the
    shop's fault always does; one that only allows ("받고 나서", "안 뜯었으면") answers an
    eligibility question (``can``), not "배송비 들어요?"."""
    conditions = condition_rules().conditions
    return any(n in conditions and (can or conditions[n].kinds or (conditions[n].rule and
                                                                 conditions[n].rule.effect != "allowed"))
               for n in names)


def _due(order: Order, action: Action) -> str:
    day = claim_deadline(action, order.delivered_at) if order.delivered_at else None
    return f"{day.month}월 {day.day}일" if day else ""


def answer(env: Env, task: str, u: Understanding, state: DialogueState, order: Order | None, offer: Frame,
           *, in_task: bool = False) -> Outcome | None:
    """The answer to a claim question stating a condition, or None when it states none
    (or only a defect, which the defect rules answer)."""
    if task not in CLAIM_TASKS and not (task == "defect" and "not_as_listed" in u.acts.conditions):
        return None
    from .flows.writes import label, put

    items = [i for i in (order.item(i) for i, _ in offer.items) if i] if order and offer.items else \
        list(order.items) if order else []
    rules = [r for r in (rule_of(c, env, items, u.acts.nouns) for c in u.acts.conditions) if r is not None]
    if not rules:
        return None
    rule = min(rules, key=lambda r: EFFECTS.index(r.effect))
    if rule.effect == "restricted" and ("defect" in u.acts.actions or task == "defect"):
        return None  # "뿌려봤는데 불량이면요?": the defect rules answer it
    cited = _cite(env, rule.source)
    state = replace(state, last_question=u.text, asked_claim=task)
    cards = [R.order_card(order)] if order else []
    if rule.effect == "restricted":  # nothing can be done for it: the order is not taken up as the one in hand
        text = f"{_line('restricted', rule=rule.rule)} {_line('restricted_defect')}"
        return Outcome(_sourced(text, cited), state, cards=cards, citations=cited, rules_out=task)
    if order is not None:
        state = replace(state, last_order_id=order.order_id, last_items=offer.items)
    if rule.effect == "shop_fault":
        task, action = "defect", Action.DEFECT
        offer = replace(offer, reason=offer.reason or u.text.strip()[:200])  # what differs is the reason
        if order is not None:
            state = replace(state, defect_noted=order.order_id, defect_reason=u.text.strip()[:200])
    else:
        action = Action.EXCHANGE if task == "exchange" else Action.RETURN
    text = rule.rule if rule.effect == "shop_fault" else _line("allowed", rule=rule.rule)
    able = True
    if order is not None:
        decision = decide(order, action, env.now)
        summary = R.order_summary(order)
        if isinstance(decision, Denied) and decision.reason in ("not_delivered_yet", "not_shipped_yet") and \
                "after_delivery" in u.acts.conditions and rule.effect == "allowed":  # "받고 나서 반품 돼요?"
            return Outcome(_sourced(_line("later_order", rule=rule.rule, summary=summary, status=order.status_label),
                                    cited), state, cards=cards, citations=cited)
        if isinstance(decision, Denied):
            able = False
            text = _line("denied_order", summary=summary, message=decision.message) + "\n" + rule.rule \
                if rule.effect == "allowed" else f"{text} " + _line("defect_no", summary=summary,
                                                                     message=decision.message)
        elif rule.effect == "shop_fault":
            text = f"{text} " + _line("fault_order", summary=summary, due=_due(order, action))
        else:
            text = f"{text} " + _line("allowed_order", summary=summary, due=_due(order, action),
                                      label=R.josa(label(task), "이/가"))
    out = Outcome(_sourced(text, cited), state, cards=cards, citations=cited)
    if not able or in_task:
        return out
    offer = replace(offer, intent=task, waiting=Expecting.OFFER.value)
    return out.suffixed(say("eligibility.offer", request=say(f"requests.{task}"))).with_state(put(state, offer))


def defect_anyway(env: Env, state: DialogueState) -> Outcome:
    """A defect, whatever the item's state: the rule that restrictions never cover it."""
    rules = condition_rules()
    cited = _cite(env, rules.defect_source)
    return Outcome(_sourced(_line("defect_anyway"), cited), state, citations=cited)


def _sourced(text: str, cited: list[dict[str, Any]]) -> str:
    from .sources import sourced

    return sourced(text, cited)
