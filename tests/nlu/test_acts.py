"""Dialogue acts read from the phrase lexicon (nlu/acts.py), the address finder and
understanding in context (a "no" denies only while a yes/no question is open)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecommerce_agent.errors import ConfigError
from ecommerce_agent.nlu.acts import read_acts
from ecommerce_agent.nlu.address import find_address
from ecommerce_agent.nlu.lexicon import parse_dialogue


@pytest.mark.parametrize(("text", "address"), [
    ("배송지를 부산광역시 중구 중앙대로 1로 바꿔줘", "부산광역시 중구 중앙대로 1"),
    ("서울특별시 종로구 세종대로 175로 변경해주세요", "서울특별시 종로구 세종대로 175"),
    ("경기도 성남시 분당구 판교역로 235 101동 202호로 수정", "경기도 성남시 분당구 판교역로 235 101동 202호"),
    ("인천광역시 연수구 송도과학로 32 3층", "인천광역시 연수구 송도과학로 32 3층"),
    ("부산 해운대구 센텀로 12 101동 1203호", "부산 해운대구 센텀로 12 101동 1203호"),
    ("아뇨 잠깐만요 동호수도 넣어야 돼요. 대구 수성구 달구벌대로 2450 101동 202호",
     "대구 수성구 달구벌대로 2450 101동 202호"),
    # a building name and unit after the road number are part of it; the request after it is not
    ("경기도 성남시 분당구 판교역로 235 에이치스퀘어 N동 7층", "경기도 성남시 분당구 판교역로 235 에이치스퀘어 N동 7층"),
    ("서울 강남구 테헤란로 152 강남파이낸스센터 20층으로 바꿔주세요", "서울 강남구 테헤란로 152 강남파이낸스센터 20층"),
    ("서울시 관악구 신림로 33 한라아파트 102동 1401호요", "서울시 관악구 신림로 33 한라아파트 102동 1401호"),
    ("대전 유성구 대학로 99 충남대 기숙사 3동이에요", "대전 유성구 대학로 99 충남대 기숙사 3동"),
    ("부산 사하구 낙동대로 550 그리고 빨리 보내주세요", "부산 사하구 낙동대로 550"),
    ("주소 바꿔주세요", None),
    ("3만원 이하 이어폰", None),
])
def test_address(text: str, address: str | None) -> None:
    assert find_address(text) == address


@pytest.mark.parametrize(("text", "expected"), [
    ("박스도 같이 보내야 돼요?", {"question"}),
    ("반품해 주세요", {"request"}),
    ("취소해 주실 수 있나요?", {"question", "request"}),
    ("아 그거 아니고 헤드폰이요", {"correction"}),
    ("아 진짜 짜증나네 몇 번을 말해요", {"negative"}),
    ("네 감사합니다 수고하세요", {"thanks", "bye"}),
    ("넌 누구야?", {"identity"}),
    ("뭘 도와줄 수 있는데?", {"capabilities"}),
    ("문 앞에 뒀다는데 아무것도 없어요", {"lost_parcel"}),
    ("그만할게요", {"abort"}),
    ("아니 둘 다요", {"all"}),
    ("그럼 처리된 거죠?", {"done_check"}),
    ("교환은요?", {"elliptical"}),
    ("네 알겠어요", {"ack"}),
])
def test_acts(text: str, expected: set[str]) -> None:
    acts = read_acts(text)
    assert {name for name in expected if getattr(acts, name)} == expected, text


def test_filters_numbers_and_nouns() -> None:
    assert read_acts("배송중인 것만 보여줘").statuses == ("shipped",)
    assert read_acts("최근 거 3개만").count == 3
    assert read_acts("2번").list_number == 2 and read_acts("3만원 이하").list_number is None
    assert read_acts("머그컵 하나만 다른 색으로 바꿔 주세요").quantity == 1
    assert read_acts("그 패딩이요").nouns == ("패딩",)
    assert read_acts("불량품 신고하려고요").nouns == ()  # a claim word, not a product
    assert read_acts("깨졌는데 환불해 주세요").actions[:2] == ("defect", "return")


def test_a_bad_pattern_stops_with_the_file_and_key(tmp_path: Path) -> None:
    bad = tmp_path / "dialogue.yaml"
    bad.write_text("question: ['(']\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="request"):  # the first missing key is named
        parse_dialogue(bad)
    source = Path(__file__).resolve().parents[2] / "data/lexicons/dialogue.yaml"
    bad.write_text(source.read_text(encoding="utf-8").replace("- '\\?'", "- '(?'", 1), encoding="utf-8")
    with pytest.raises(ConfigError, match="'question'"):
        parse_dialogue(bad)


def test_no_denies_only_while_a_question_is_open(fast_nlu) -> None:  # noqa: ANN001
    text = "돈 안 넣을 거니까 그 주문 없애 주세요"
    assert fast_nlu.understand(text, expecting=None).intent == "order.cancel"
    assert fast_nlu.understand("아니요", expecting="confirm").intent == "dialog.deny"
    assert fast_nlu.understand("아니요", expecting=None).intent == "dialog.deny"  # a bare no stays a no


def test_shopper_apology_urging_and_a_corrected_number_are_read() -> None:
    assert read_acts("아까는 화내서 미안해요").apology
    assert not read_acts("죄송한데 주문 취소 좀 해 주세요").apology
    assert read_acts("빨리요").hurry and read_acts("급해요 언제 와요").hurry
    assert read_acts("아 번호 잘못 말했어요 253 말고 235요").number_fix == ("253", "235")
    assert read_acts("101동 아니고 102동이요").number_fix == ("101", "102")
    assert read_acts("레고 말고 프라이팬이요").number_fix is None


def test_an_affirmation_is_not_a_question_without_its_question_mark() -> None:
    assert not read_acts("네 맞아요").question and read_acts("이거 맞아요?").question
    assert read_acts("맞나요").question


def test_a_short_conditional_after_a_question_leans_on_it() -> None:
    for text in ("수취 거부하면요?", "무료배송이어도요?", "맛이 이상했는데도요?", "아 그렇구나 반품 배송비는요?"):
        assert read_acts(text).elliptical, text
    assert not read_acts("배송지를 제주도로 바꾸면 돈 더 내야 돼요?").elliptical
    for text in ("말이 안 통하네 사람 바꿔", "이딴 식으로 장사하지 마세요", "반품 보낸 지가 언젠데 환불 언제 해줄 건데요?"):
        assert read_acts(text).negative, text


def test_the_top_and_bottom_of_a_list_are_positions() -> None:
    from ecommerce_agent.nlu.refs import find_ordinal

    assert find_ordinal("맨 위에 거 입금 기한이 언제예요?") == 1 and find_ordinal("제일 처음 거요") == 1
    assert find_ordinal("맨 아래 거요") == -1 and find_ordinal("첫 구매 혜택") is None
    assert read_acts("이 중에 반품 되는 거 있어요?").among and not read_acts("중간에 연락 주세요").among


@pytest.mark.parametrize(("text", "facts"), [
    ("이불 언제 샀었더라?", ("ordered_at",)),
    ("주전자 산거 몇개 샀더라", ("quantity",)),
    ("그거 뭘로 결제했어요?", ("payment",)),
    ("그 주문 총 얼마였죠", ("amount",)),
    ("그거 언제 도착했었죠", ("delivered_at",)),
    ("운송장번호 다시 한번만요", ("tracking",)),
    ("스탠드 결제 된거죠?", ("paid",)),
    ("그림책 입금 언제까지 해야돼요?", ("deposit_deadline",)),
    ("주문일이랑 결제 금액 알려 주세요", ("ordered_at", "amount")),
    ("카드 결제는 환불 언제 돼요", ()),
    ("반품 배송비 얼마예요", ()),
    ("결제 어떻게 해요", ()),
])
def test_what_is_asked_about_an_order(text: str, facts: tuple[str, ...]) -> None:
    assert read_acts(text).order_facts == facts


@pytest.mark.parametrize(("text", "about_rule"), [
    # a question about the shop's rules, whatever words it shares with an order lookup
    ("택배 어디 거 써요?", True),
    ("제가 편의점 택배로 직접 보내도 되나요?", True),  # names the shopper, not an order of theirs
    ("탈퇴했다가 재가입하면 예전 주문내역 다시 볼 수 있나요?", True),  # a hypothetical view
    ("상담원한테 카드 비번 불러줘야 되나요?", True),
    # about the shopper's own parcel or order
    ("제 택배 어디쯤이에요?", False),
    ("택배 어디쯤 왔어요?", False),
    ("주문한 거 어떻게 됐어요?", False),
    ("택배 왔나요?", False),
    ("내 주문 뭐 있어요?", False),
    ("택배 언제 와요?", False),
    ("송장번호 뭐예요?", False),
    # requests are not questions
    ("상담원 연결해 주세요", False),
])
def test_a_question_about_the_rules_points_at_nothing_of_the_shoppers(text: str, about_rule: bool) -> None:
    assert read_acts(text).about_rule is about_rule, text


def test_an_elliptical_question_replaces_the_word_of_its_kind_in_the_previous_one() -> None:
    from ecommerce_agent.nlu.context import resolve_ellipsis
    from ecommerce_agent.nlu.types import Slots, Understanding

    def asked(text: str) -> Understanding:
        return Understanding(text=text, intent="policy", confidence=0.9, alternatives=(), slots=Slots(),
                             uncertain=False, acts=read_acts(text))

    assert resolve_ellipsis(asked("쿠폰은요?"), "포인트 유효기간 얼마예요?") == "쿠폰 유효기간 얼마예요?"
    assert resolve_ellipsis(asked("카카오페이는요?"), "카드 환불 며칠 걸려요?") == "카카오페이 환불 며칠 걸려요?"
    assert resolve_ellipsis(asked("울릉도는요?"), "제주도는 배송비 얼마 더 내요?") == "울릉도는 배송비 얼마 더 내요?"
    # a word of no kind in the previous question is added to it, as before
    assert resolve_ellipsis(asked("제주도는요?"), "반품 배송비 얼마예요") == "제주도 반품 배송비 얼마예요"
    assert read_acts("다른 사람한테 주는 건요?").elliptical and not read_acts("다른 사람한테 주는 건요?").person
    assert not read_acts("취소한 건요?").elliptical  # the orders cancelled: a filter, not a follow-up
