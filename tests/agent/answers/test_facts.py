"""The fact table and the documents cannot drift: every value is in its section as written."""

from __future__ import annotations

import copy

import pytest
import yaml

from ecommerce_agent.agent.answers.facts import FactTable, parse_facts
from ecommerce_agent.agent.answers.sections import SectionStore
from ecommerce_agent.errors import ConfigError

from .conftest import POLICIES


def test_every_fact_and_rule_value_is_in_its_section_as_written(facts: FactTable, sections: SectionStore) -> None:
    assert len(facts.facts) >= 200 and len(facts.rules) >= 10
    for item in (*facts.facts, *facts.rules):
        section = sections.get(item.doc, item.section)
        assert section is not None, f"{item.doc} has no section {item.section!r}"
        assert item.value in section.text, f"{item.doc} / {item.section}: {item.value!r} not in the section"


def test_every_document_has_facts_or_is_free_of_numbers(facts: FactTable, sections: SectionStore) -> None:
    with_facts = {f.doc for f in facts.facts}
    for doc in {s.doc_id for s in sections.sections} - with_facts:
        text = " ".join(s.text for s in sections.of(doc))
        assert not any(ch.isdigit() for ch in text), f"{doc} states numbers but has no facts"


@pytest.fixture()
def raw() -> dict:
    return yaml.safe_load((POLICIES / "facts.yaml").read_text(encoding="utf-8"))


def test_a_drifted_value_is_refused_with_one_korean_line(raw: dict, sections: SectionStore) -> None:
    data = copy.deepcopy(raw)
    fee = next(f for f in data["facts"] if f["doc"] == "shipping-fee" and f["value"] == "3,000원")
    fee["value"] = "3,500원"
    with pytest.raises(ConfigError) as info:
        parse_facts(data, sections, "facts.yaml")
    message = info.value.message
    assert "3,500원" in message and "shipping-fee" in message and "\n" not in message


@pytest.mark.parametrize(("change", "words"), [
    (lambda d: d["facts"][0].update(kind="price"), "kind"),
    (lambda d: d["facts"][0].update(section="없는 섹션"), "섹션이 없습니다"),
    (lambda d: d["facts"].append(dict(d["facts"][0])), "중복"),
    (lambda d: d["rules"][0].pop("number"), "number"),
    (lambda d: d["rules"][0].update(type="magic"), "type"),
    (lambda d: d["rules"][0].update(applies=[]), "applies"),
])
def test_malformed_entries_are_refused(raw: dict, sections: SectionStore, change, words: str) -> None:  # noqa: ANN001
    data = copy.deepcopy(raw)
    change(data)
    with pytest.raises(ConfigError, match=words):
        parse_facts(data, sections)
