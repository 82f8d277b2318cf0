"""What a message says about a claim's items, count, reason and history (nlu/acts.py,
data/lexicons/dialogue.yaml) and the spelling slips corrected before reading
(nlu/spelling.py, data/lexicons/spelling.yaml)."""

from __future__ import annotations

import pytest

from ecommerce_agent.nlu.acts import read_acts
from ecommerce_agent.nlu.spelling import correct


@pytest.mark.parametrize(("text", "quantity"), [
    ("전기포트 3개 산 거 중에 2개 반품이요", 2),
    ("폼롤러 3개 중에 하나가 찌그러져 있었어요", 1),
    ("세 개 중 하나만 교환", 1),
    ("프라이팬 두 개만 반품", 2),
    ("하나는 구멍이 나 있긴 해요", 1),
    ("프라이팬 3개 샀는데 너무 많아서 반품하고 싶어요", 3),
])
def test_the_count_meant_is_the_part_not_the_whole(text: str, quantity: int) -> None:
    assert read_acts(text).quantity == quantity


@pytest.mark.parametrize(("text", "meant"), [
    ("수납박스는 취소하고 시계만 살게요", ("수납박스",)),
    ("가디건만 취소 돼요? 커피는 받을래요", ("가디건",)),
    ("레고는 괜찮고 프라이팬 두 개만 반품하고 싶어요", ("프라이팬",)),
    ("커피 취소해주세요", ("커피",)),
])
def test_items_kept_are_not_part_of_the_request(text: str, meant: tuple[str, ...]) -> None:
    assert read_acts(text).meant == meant


@pytest.mark.parametrize(("text", "remark"), [
    ("수납박스 반품해주세요 자리를 너무 차지해요", "자리를 너무 차지해요"),
    ("그럼 그렇게 해주세요 생각보다 커서요", "생각보다 커서요"),
    ("반품해 주세요. 감사합니다", None),
    ("환불해 주세요 교환 말고요", None),
    ("반품해주세요", None),
])
def test_a_statement_after_the_request_is_its_reason(text: str, remark: str | None) -> None:
    assert read_acts(text).remark == remark


@pytest.mark.parametrize(("text", "before"), [
    ("반품한 지 일주일 넘었어요 왜 아직도 환불이 안돼요", True),
    ("교환 신청한 지 열흘 됐는데 감감무소식이네요", True),
    ("RC카 반품 접수했는데 립틴트도 같이 들어간 거 맞죠?", True),
    ("반품해주세요", False),
    ("반품하고 싶어요", False),
])
def test_a_claim_spoken_of_as_made(text: str, before: bool) -> None:
    assert read_acts(text).claimed_before is before


@pytest.mark.parametrize(("text", "kept"), [
    ("프라이팬 3개 중에 하나는 그냥 쓸게요 나머지 반품해주세요", 1),
    ("포트 두 개는 남길게요 나머지는 환불이요", 2),
    ("프라이팬 두 개만 반품", None),
])
def test_units_kept_are_not_the_count_claimed(text: str, kept: int | None) -> None:
    acts = read_acts(text)
    assert acts.kept_count == kept
    assert kept is None or acts.quantity is None


def test_a_count_claimed_beside_the_units_kept_is_kept() -> None:
    acts = read_acts("그럼 2개만 반품이요 하나는 쓸게요")
    assert (acts.quantity, acts.kept_count) == (2, 1)


def test_a_remark_telling_what_happened_is_a_reason() -> None:
    assert read_acts("레고블록만 반품 할께요 선물하려다 취소됐어요").remark == "선물하려다 취소됐어요"


@pytest.mark.parametrize(("text", "action"), [
    ("아니다 그냥 같은걸로 새로 받을래요", "exchange"),
    ("새 걸로 보내 주세요", "exchange"),
    ("커피는 빼는것도 되나요", "cancel"),
])
def test_everyday_words_name_the_write(text: str, action: str) -> None:
    assert action in read_acts(text).actions


@pytest.mark.parametrize(("text", "yes"), [
    ("음 그냥 할게요", True),
    ("그럼 그렇게 진행할게요", True),
    ("안 할게요", False),
    ("그냥 안 할래요", False),
])
def test_going_ahead_said_alone_is_a_yes(text: str, yes: bool) -> None:
    assert read_acts(text).yes is yes


def test_a_denied_defect_names_no_defect() -> None:
    denied = read_acts("불량은 아니고요.. 그럼 방법이 없어요?")
    assert denied.defect_denied and "defect" not in denied.actions
    assert "defect" in read_acts("불량이에요").actions
    assert not read_acts("불량이에요").defect_denied


def test_a_deadline_question_is_not_impatience() -> None:
    asked = read_acts("언제까지 해야돼요?")
    assert asked.until_when and not asked.negative
    assert read_acts("언제까지 기다려야 돼요?").negative


def test_a_write_asked_about_is_a_question_beside_a_wish() -> None:
    assert read_acts("가디건만 취소 돼요? 커피는 받을래요").action_question
    assert not read_acts("가디건 취소해 주세요").action_question


@pytest.mark.parametrize(("typed", "meant"), [
    ("롱패딩 교횐 되나여?", "롱패딩 교환 되나요?"),
    ("반폼할게요", "반품할게요"),
    ("반품해주세여", "반품해주세요"),
    ("교회 가요", "교회 가요"),  # a real word is left alone
    ("되나여요", "되나여요"),  # an ending only where it closes a word
])
def test_spelling_slips_of_key_words(typed: str, meant: str) -> None:
    assert correct(typed) == meant
