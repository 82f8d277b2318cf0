"""Every figure a reply template states (periods, amounts, rates) is one the shop's
policy documents state: the replies and the documents cannot drift apart (a template
once promised a pickup in "2~3영업일" where the documents say 1~3)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
FIGURE = re.compile(r"\d[\d,]*(?:~\d[\d,]*)?\s?(?:영업일|일|시간|개월|원|%)")


def _strings(node: object) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for v in node.values() for s in _strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v)]
    return []


def test_every_figure_in_a_reply_template_is_in_the_policy_documents() -> None:
    corpus = re.sub(r"\s", "", "".join(p.read_text(encoding="utf-8") for p in (ROOT / "data" / "policies").glob("*.md")))
    missing = []
    for path in sorted((ROOT / "data" / "agent").glob("*.yaml")):
        for text in _strings(yaml.safe_load(path.read_text(encoding="utf-8"))):
            for figure in FIGURE.findall(re.sub(r"\{[^}]*\}", "", text)):
                if re.sub(r"\s", "", figure) not in corpus:
                    missing.append(f"{path.name}: {figure!r} in {text[:60]!r}")
    assert missing == []
