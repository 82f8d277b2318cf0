from __future__ import annotations

from ecommerce_agent.agent.answers.lexicon import Lexicon
from ecommerce_agent.agent.answers.question import read_question


def test_what_is_asked(lexicon: Lexicon) -> None:
    assert read_question("반품 배송비 얼마예요?", lexicon).kinds >= {"amount"}
    assert "period" in read_question("환불 며칠 걸려요?", lexicon).kinds
    assert read_question("해외 배송 되나요?", lexicon).yesno
    assert not read_question("배송비 얼마예요?", lexicon).yesno
    assert "who" in read_question("반품비 누가 내요?", lexicon).kinds
    assert "how" in read_question("현금영수증 어떻게 신청해요?", lexicon).kinds
    how_long = read_question("입금하면 결제완료까지 얼마나 걸려요?", lexicon).kinds
    assert "period" in how_long and "amount" not in how_long  # how long, not how much
    assert "amount" in read_question("얼마나 더 내야 돼요?", lexicon).kinds


def test_the_shoppers_numbers(lexicon: Lexicon) -> None:
    assert read_question("닷새 전에 받았어요", lexicon).days == 5
    assert read_question("두 달 됐는데요", lexicon).days == 60
    assert read_question("받은 지 9일 지났어요", lexicon).days == 9
    assert read_question("3천원 더 내야 돼요?", lexicon).amounts == (3000,)
    assert read_question("2만8천원어치 사면요", lexicon).amounts == (28000,)
    assert read_question("적립금 500포인트 있어요", lexicon).points == (500,)
    assert read_question("저 만 13살인데요", lexicon).ages == (13,)
    assert read_question("선물포장 두 개 하면요", lexicon).count == 2


def test_moments(lexicon: Lexicon) -> None:
    friday = read_question("금요일 밤에 주문하면 언제 와요?", lexicon).moment
    assert friday is not None and friday.weekday == 4 and friday.hour == 21
    paid = read_question("오전 11시에 주문하고 입금은 오후 4시에 하면요?", lexicon).moment
    assert paid is not None and paid.hour == 16  # the last time said: when the payment is made
    tomorrow = read_question("내일 3시에 결제하면요?", lexicon).moment
    assert tomorrow is not None and tomorrow.day_offset == 1 and tomorrow.hour == 15
    assert read_question("공휴일에 문의 남기면요?", lexicon).moment.holiday  # type: ignore[union-attr]


def test_two_part_questions_are_split(lexicon: Lexicon) -> None:
    q = read_question("반품 배송비 얼마예요? 그리고 환불은 며칠 걸려요?", lexicon)
    assert len(q.parts) == 2
    assert read_question("반품 배송비 얼마예요?", lexicon).parts == ()


def test_two_aspects_of_one_topic_are_two_parts(lexicon: Lexicon) -> None:
    q = read_question("적립금 유효기간이랑 최소 사용금액 알려주세요", lexicon)
    assert q.parts == ("적립금 유효기간", "적립금 최소 사용금액 알려주세요")
    assert read_question("반품 기간하고 배송비 얼마예요?", lexicon).parts == ("반품 기간", "반품 배송비 얼마예요?")
    # one thing asked of two nouns is one question
    assert read_question("쿠폰이랑 적립금 같이 쓸 수 있어요?", lexicon).parts == ()
    assert "period" in read_question("입금하면 결제완료까지 몇 분 걸려요?", lexicon).kinds


def test_points_said_in_won_and_handed_over_topics(lexicon: Lexicon) -> None:
    q = read_question("적립금 800원 있는데 쓸 수 있어요?", lexicon)
    assert q.points == (800,) and q.amounts == ()
    q = read_question("3만원 샀는데 포인트 얼마 쌓여요?", lexicon)
    assert q.amounts == (30000,) and q.points == ()
    assert read_question("포인트 오백점 있어요", lexicon).points == (500,)
    assert "yesno" not in read_question("비용은요?", lexicon).kinds


def test_parts_split_after_what_they_ask(lexicon: Lexicon) -> None:
    assert read_question("반품배송비 얼마고 환불은 언제 돼요", lexicon).parts == ("반품배송비 얼마", "환불은 언제 돼요")
    assert len(read_question("교환 신청 어떻게 하고 배송비는 얼마예요?", lexicon).parts) == 2
    assert read_question("쿠폰 코드 한번 등록한거 또 넣을수 있어요?", lexicon).parts == ()


def test_ages_in_native_number_words(lexicon: Lexicon) -> None:
    from ecommerce_agent.agent.answers.numbers import native_number

    assert read_question("저 열다섯 살인데 가입할수 있어요?", lexicon).ages == (15,)
    assert read_question("스무살 넘으면 돼요?", lexicon).ages == (20,)
    assert read_question("만 13살인데 돼요?", lexicon).ages == (13,)
    assert [native_number(w) for w in ("열다섯", "서른", "스물두", "다섯", "열", "사람")] == [15, 30, 22, 5, None, None]
