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


def test_contrasts_neutral_words_and_phrases(lexicon: Lexicon) -> None:
    assert lexicon.contrasted("착불로 보내도 돼요?", "선불로 보내 주셔야 합니다.")
    assert not lexicon.contrasted("선불로 보내면 되죠?", "선불로 보내 주셔야 합니다.")
    assert not lexicon.contrasted("착불이랑 선불 중에 뭐예요?", "선불로 보내 주셔야 합니다.")
    assert "벌써" in lexicon.neutral and "반품" not in lexicon.neutral
    assert "두번결제" in lexicon.phrases and "택배비" not in lexicon.phrases
    # a phrase read once: "배송지 바꿀" is 배송지 변경, not 교환 as well
    found = lexicon.expansions("배송지 바꿀 수 있어요?")
    assert "배송지 변경" in found and "교환" not in found
    # an everyday word inside a corpus word the question says is not read again ("현금영수증")
    assert "매출전표" not in lexicon.expansions("현금영수증 신청할래요")
    assert lexicon.rewrite("택배비 얼마예요", skip=frozenset({"택배비"})) == "택배비 얼마예요"


@pytest.mark.parametrize(("data", "key"), [
    ({"synonyms": {"택배비": ["배송비"]}, "contrasts": [["착불"]]}, "contrasts[1]"),
    ({"synonyms": {"택배비": ["배송비"]}, "neutral": "벌써"}, "neutral"),
])
def test_contrasts_and_neutral_are_checked(data: object, key: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_lexicon(data, "x.yaml")
    assert f"'{key}'" in info.value.message
