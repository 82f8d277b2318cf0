from __future__ import annotations

from pathlib import Path

import pytest

from ecommerce_agent.agent.answers.lexicon import Lexicon, load_lexicon, parse_lexicon
from ecommerce_agent.errors import ConfigError


def test_everyday_words_map_to_the_documents_words(lexicon: Lexicon) -> None:
    found = lexicon.expansions("택배비 공짜로 되나요")
    assert "배송비" in found and "무료" in found
    assert "교환 상품 먼저 발송" in lexicon.expansions("맞교환 돼요?")
    assert lexicon.region("울릉도 사는데요") == "도서산간"
    assert lexicon.region("제주도로 보내요") == "제주"
    assert lexicon.region("서울이에요") is None
    assert lexicon.day_words["닷새"] == 5 and lexicon.weekdays["금요일"] == 4


def test_the_file_problem_is_one_korean_line(tmp_path: Path) -> None:
    path = tmp_path / "lexicon.yaml"
    path.write_text("synonyms: [broken\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_lexicon(path)
    assert str(path) in info.value.message and "\n" not in info.value.message
    with pytest.raises(ConfigError, match="없습니다"):
        load_lexicon(tmp_path / "missing.yaml")


@pytest.mark.parametrize(("data", "key"), [
    ([], "(전체)"),
    ({"synonyms": {"택배비": "배송비"}}, "synonyms.택배비"),
    ({"synonyms": {"택배비": []}}, "synonyms.택배비"),
    ({"synonyms": {"택배비": ["배송비"]}, "colours": {}}, "colours"),
    ({"synonyms": {"택배비": ["배송비"]}, "dayparts": {"밤": 25}}, "dayparts"),
    ({"synonyms": {"택배비": ["배송비"]}, "day_words": {"닷새": "5"}}, "day_words.닷새"),
    ({"synonyms": {"택배비": ["배송비"]}, "regions": {"제주": {"class": "제주"}}}, "regions.제주"),
    ({"synonyms": {}}, "synonyms"),
])
def test_malformed_lexicons_name_the_key(data: object, key: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_lexicon(data, "lex.yaml")
    assert f"'{key}'" in info.value.message and "lex.yaml" in info.value.message
