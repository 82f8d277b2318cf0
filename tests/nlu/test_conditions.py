"""The condition lexicon (data/lexicons/conditions.yaml): loading and what it reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecommerce_agent.errors import ConfigError
from ecommerce_agent.nlu.conditions import parse_conditions, read_conditions


def test_the_shipped_lexicon_reads_the_conditions_of_an_item() -> None:
    assert read_conditions("패딩 라벨 뗐는데 환불 돼요?") == ("label_removed",)
    assert read_conditions("수납박스 택배 포장 뜯었는데 반품 가능?") == ("outer_box",)  # not "opened"
    assert set(read_conditions("드립백 커피 포장 뜯어서 몇 개 마셨는데")) == {"opened", "consumed"}
    assert read_conditions("받은 패딩 색이 상품 사진이랑 완전 다른데") == ("not_as_listed",)
    assert read_conditions("뜯기 전이면요?") == ("unopened",)
    assert read_conditions("주전자 뚜껑이 부러져서 왔어요") == ()  # a broken part is no condition
    # the shopper's (or a pet's) own damage, not an opened package
    assert read_conditions("강아지가 물어뜯어서 망가졌는데 반품 받아주시나요") == ("damaged",)
    assert read_conditions("제가 떨어뜨려서 깨졌는데 교환 돼요?") == ("damaged",)
    # the box thrown away: its own state, not the outer box opened nor the item opened
    assert read_conditions("택배 박스는 벌써 버렸는데 괜찮아요?") == ("box_discarded",)
    assert read_conditions("원래 박스는 버렸는데 아무 상자에 넣어 보내도 돼요?") == ("box_discarded",)


def test_an_unknown_condition_or_a_bad_pattern_stops_start_up(tmp_path: Path) -> None:
    unknown = tmp_path / "unknown.yaml"
    unknown.write_text("cues:\n  melted: ['녹았']\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="melted"):
        parse_conditions(unknown)
    broken = tmp_path / "broken.yaml"
    broken.write_text("cues:\n  opened: ['(뜯']\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="opened"):
        parse_conditions(broken)
