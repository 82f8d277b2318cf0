"""Reply templates and lexicons are data: every template the agent names exists, every
family of templates covers every task, and a broken file fails with the file and key."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ecommerce_agent.agent.flows.writes import ACTIONS
from ecommerce_agent.agent.resolve import parse_products
from ecommerce_agent.agent.templates import parse_templates, say, templates
from ecommerce_agent.errors import ConfigError
from ecommerce_agent.nlu.lexicon import parse_nouns

AGENT = Path(__file__).resolve().parents[2] / "src" / "ecommerce_agent" / "agent"
LITERAL = re.compile(r"""say\(\s*["']([a-z_.]+)["']""")


def test_every_template_the_agent_names_exists() -> None:
    named = {key for path in AGENT.rglob("*.py") for key in LITERAL.findall(path.read_text(encoding="utf-8"))}
    assert named, "the agent names no template"
    missing = sorted(named - set(templates()))
    assert missing == []


@pytest.mark.parametrize("family", ["requests", "verbs"])
def test_template_families_cover_every_write(family: str) -> None:
    for task in ACTIONS:
        assert say(f"{family}.{task}")


def test_follow_ups_cover_every_topic() -> None:
    """Every topic a completed task leaves (state.topic) has its follow-up, filled as the agent fills it."""
    fields = {"refund": "R", "ticket": "T", "hours": "H", "when": "W"}
    for topic in ("cancel", "cancel_unpaid", "return", "exchange", "defect", "change_address", "handoff",
                  "lost_parcel"):
        text = say(f"followup.{topic}", **fields)
        assert text and "{" not in text, topic
    assert "T" in say("followup.handoff", **fields) and "H" in say("followup.lost_parcel", **fields)


def test_no_template_reads_like_markdown_or_leaves_a_field_unnamed() -> None:
    for key, text in templates().items():
        assert "|" not in text, key
        assert "{}" not in text, key


def test_broken_data_files_name_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "replies.yaml"
    bad.write_text("confirm:\n  cancel: [1, 2]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="confirm.cancel"):
        parse_templates(bad)
    products = tmp_path / "products.yaml"
    products.write_text("groups:\n  - [이어폰, 3]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="1번째"):
        parse_products(products)
    nouns = tmp_path / "nouns.yaml"
    nouns.write_text("generic: [가능]\norder_words: nope\nproduct_generic: []\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="order_words"):
        parse_nouns(nouns)


def test_no_agent_or_nlu_module_is_long() -> None:
    src = AGENT.parent
    long = {str(p.relative_to(src)): n for p in [*AGENT.rglob("*.py"), *(src / "nlu").rglob("*.py")]
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400}
    assert long == {}
