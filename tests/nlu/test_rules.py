from __future__ import annotations

import pytest

from ecommerce_agent.nlu.rules import CONFIRM, DENY, yes_no


@pytest.mark.parametrize("text", ["네", "예", "응", "ㅇㅇ", "ㅇㅇㅇ", "넵", "넵넵", "네네", "좋아요", "좋아",
                                  "맞아요", "ㅇㅋ", "오케이", "ok", "OK!", "yes", "네!!", "네~", "음... 네",
                                  "응 ㅋㅋ", "네 ㅎㅎ", "👍", "ＯＫ"])
def test_bare_yes(text: str) -> None:
    assert yes_no(text) == CONFIRM


@pytest.mark.parametrize("text", ["아니요", "아니오", "아뇨", "아니", "ㄴㄴ", "ㄴㄴㄴ", "노노", "no", "nope",
                                  "싫어요", "아니요...", "아뇨 ㅠㅠ"])
def test_bare_no(text: str) -> None:
    assert yes_no(text) == DENY


@pytest.mark.parametrize("text", ["ㅎㅇ", "네?", "아", "ㅎㅎ", "", "  ", "네 그걸로 취소해 주세요",
                                  "취소하지 마세요", "yes no", "아니 근데 배송 언제 와요", "네이버페이 돼요?"])
def test_everything_else_goes_to_the_model(text: str) -> None:
    assert yes_no(text) is None
