"""PII detectors, table-driven: positives with exact spans, and benign look-alikes."""

from __future__ import annotations

from datetime import date

import pytest

from ecommerce_agent.guardrails import find_pii, luhn_valid, rrn_valid
from ecommerce_agent.guardrails.pii import rrn_birth_date, rrn_check_digit_ok

TODAY = date(2026, 11, 26)


def found(text: str, **kwargs: object) -> list[tuple[str, str]]:
    return [(s.type, text[s.start:s.end]) for s in find_pii(text, today=TODAY, **kwargs)]  # type: ignore[arg-type]


# --- phones --------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "value"), [
    ("연락처 010-4821-7730 입니다", "010-4821-7730"),
    ("문자는 01048217730 으로", "01048217730"),
    ("010 4821 7730 으로 연락 주세요", "010 4821 7730"),
    ("010.4821.7730", "010.4821.7730"),
    ("번호 010 - 4821 - 7730", "010 - 4821 - 7730"),
    ("(010)4821-7730 로", "(010)4821-7730"),
    ("017-482-7730 옛날 번호", "017-482-7730"),
    ("+82 10-4821-7730", "+82 10-4821-7730"),
    ("+821048217730 로 카톡", "+821048217730"),
    ("+82-2-512-3478 사무실", "+82-2-512-3478"),
    ("사무실 02-512-3478", "02-512-3478"),
    ("031-8012-3456 로", "031-8012-3456"),
    ("(02)512-3478", "(02)512-3478"),
    ("연락처 051)623-0198", "051)623-0198"),
    ("집전화 0642211188 로", "0642211188"),
    ("070-4123-5678 인터넷 전화", "070-4123-5678"),
    ("안심번호 0504-123-4567", "0504-123-4567"),
    ("내번호01048217730로문자", "01048217730"),
    ("Call 010-4821-7730 please", "010-4821-7730"),
    ("01048217730 회사 번호예요", "01048217730"),   # 회 is also a count unit; not glued, not a count
    ("HP010-4821-7730", "010-4821-7730"),          # label glued on: not a product code
])
def test_phone_numbers(text: str, value: str) -> None:
    assert found(text) == [("phone", value)]


@pytest.mark.parametrize("text", [
    "고객센터 1644-1122 연결이 안 돼요",       # shop representative number
    "무료전화 080-123-4567",                 # toll-free business line
    "010-****-5678 로 등록된 번호 맞나요?",    # already masked
    "02-0123-4567",                         # local numbers never start with 0 or 1
    "우편번호 02200 2026년 11월 26일",         # postal code followed by a year
    "운송장 0212345678",                     # weak shape under a courier label
])
def test_phone_lookalikes(text: str) -> None:
    assert found(text) == []


# --- resident registration numbers ---------------------------------------------------

@pytest.mark.parametrize(("digits", "born"), [
    ("8503141787788", date(1985, 3, 14)),
    ("0511303728375", date(2005, 11, 30)),
    ("0002293494032", date(2000, 2, 29)),      # leap day
    ("6405175347016", date(1964, 5, 17)),      # foreigner, 1900s
    ("0406068095466", date(2004, 6, 6)),       # foreigner, 2000s
])
def test_rrn_birth_dates(digits: str, born: date) -> None:
    assert rrn_birth_date(digits) == born and rrn_valid(digits, TODAY)


@pytest.mark.parametrize("digits", [
    "8513141787788",   # month 13
    "8502301787788",   # 30 February
    "0102293494032",   # 29 February 2001 (not a leap year)
    "8503149787788",   # gender digit 9 (1800s)
    "8503140787788",   # gender digit 0
    "3001013123456",   # born 2030: in the future
    "850314178778",    # 12 digits
])
def test_rrn_invalid_dates_and_gender_digits(digits: str) -> None:
    assert not rrn_valid(digits, TODAY)


def test_rrn_check_digit_raises_confidence_but_is_not_required() -> None:
    assert rrn_check_digit_ok("8503141787788") and not rrn_check_digit_ok("8503141787782")
    for text in ("주민번호 850314-1787782 입니다", "850314-1787782 제 번호예요", "주민번호 8503141787782"):
        assert [kind for kind, _ in found(text)] == ["rrn"]
    valid, invalid = find_pii("850314-1787788", today=TODAY)[0], find_pii("850314-1787782", today=TODAY)[0]
    assert valid.confidence > invalid.confidence


@pytest.mark.parametrize(("text", "value"), [
    ("주민번호 850314-1787788 드립니다", "850314-1787788"),
    ("주민 번호 930918 - 2339078 이거요", "930918 - 2339078"),
    ("주민번호:0304123832663 맞는지", "0304123832663"),
    ("ARC 8304126019167 / 인증 실패", "8304126019167"),
    ("다적으면850314-1787782맞죠", "850314-1787782"),
    ("010923-4310070 딸 번호", "010923-4310070"),  # starts like a mobile number
    ("8503141787788 이거요", "8503141787788"),       # bare 13 digits: valid check digit
])
def test_rrn_positives(text: str, value: str) -> None:
    assert found(text) == [("rrn", value)]


@pytest.mark.parametrize("text", [
    "8503141787782 이거요",            # bare 13 digits, no label, random last digit
    "바코드 8809121234567 상품",        # barcode label
    "등기번호 9001011234567 조회",      # postal tracking label
    "주민번호 뒷자리 1로 시작해요",        # mentions it, no value
    "850314-1****** 로 조회",         # already masked
])
def test_rrn_lookalikes(text: str) -> None:
    assert found(text) == []


# --- cards -------------------------------------------------------------------------------

@pytest.mark.parametrize(("digits", "valid"), [
    ("4111111111111111", True), ("4111111111111112", False), ("378282246310005", True),
    ("5555555555554444", True), ("6250941234567849", True), ("2026112600012345", False), ("0", False),
])
def test_luhn(digits: str, valid: bool) -> None:
    assert luhn_valid(digits) is valid


@pytest.mark.parametrize(("text", "value"), [
    ("카드번호 4111-1111-1111-1111 결제", "4111-1111-1111-1111"),
    ("결제 카드 5555 5555 5555 4444", "5555 5555 5555 4444"),
    ("4111111111111111 이 카드로", "4111111111111111"),
    ("아멕스 3782 822463 10005", "3782 822463 10005"),
    ("amex 378282246310005 로 결제", "378282246310005"),
    ("my card 4000 1234 5678 1360 was charged", "4000 1234 5678 1360"),
    ("카드번호4628398259791905로결제", "4628398259791905"),
    ("수량 2 4111 1111 1111 1111 12개월 할부", "4111 1111 1111 1111"),   # starts mid-run, one group before
    ("5678 4111 1111 1111 1111 결제", "4111 1111 1111 1111"),
    # Issue #15: card-shaped but Luhn-invalid (a typo, a made-up number) is still a card to the shopper.
    ("카드 4111-1111-1111-1112 결제", "4111-1111-1111-1112"),
    ("1234 5678 9012 3456 으로 결제했어요", "1234 5678 9012 3456"),
    ("카드번호 1234-5678-9012-3456", "1234-5678-9012-3456"),
])
def test_card_positives(text: str, value: str) -> None:
    assert found(text) == [("card", value)]


@pytest.mark.parametrize("text", [
    "주문번호 2026112600012345 환불",           # date-prefixed reference
    "참조번호 2221-0000-0000-0009 조회",        # Luhn valid, but labelled as a reference
    "상품권 핀번호 4111-1111-1111-1111 등록",   # gift voucher PIN
    "카드 끝자리 1234 로 결제",                 # last four digits only
    "****-****-****-6760 카드",               # already masked
])
def test_card_lookalikes(text: str) -> None:
    assert found(text) == []


# --- bank accounts -------------------------------------------------------------------

@pytest.mark.parametrize(("text", "value"), [
    ("환불 계좌 신한 110-482-339102", "110-482-339102"),
    ("국민은행 482301-01-553920 김하늘", "482301-01-553920"),
    ("토스뱅크 1000-4829-3375 입니다", "1000-4829-3375"),
    ("계좌 110392847561 (신한)", "110392847561"),
    ("우리 1002-538-227641 예금주 박지훈", "1002-538-227641"),
    ("3333-08-9912345 카뱅이요", "3333-08-9912345"),
    ("대구은행508-10-223344-5로 환불", "508-10-223344-5"),
    ("refund to Shinhan account 110-771-902345", "110-771-902345"),
])
def test_account_positives(text: str, value: str) -> None:
    assert found(text) == [("account", value)]


@pytest.mark.parametrize("text", [
    "운송장 번호 6789-1234-5678 조회해 주세요",       # same 4-4-4 shape as a TossBank account
    "롯데택배 2339-4410-9823 배송완료",
    "한진택배 송장번호 4210 3387 6612",
    "CJ대한통운 운송장 567812349012",
    "1000-4829-3375 이거 뭐예요?",                  # account shape without a bank or "계좌"
    "사업자등록번호 123-45-67890",
    "주문번호가 20261126-000123 인데 취소",
    "ISBN 979-11-5839-123-4",
])
def test_account_lookalikes(text: str) -> None:
    assert found(text) == []


# --- e-mail ------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "value"), [
    ("영수증은 minji.kim92@naver.com 으로", "minji.kim92@naver.com"),
    ("seoyeon.choi@outlook.com으로 부탁해요", "seoyeon.choi@outlook.com"),   # particle not swallowed
    ("gkstjs1004@naver.com로 영수증ㄱㄱ", "gkstjs1004@naver.com"),
    ("이메일(ys.jang@mirae-partners.com)로", "ys.jang@mirae-partners.com"),
    ("email: jy.park+shop@kakao.com", "jy.park+shop@kakao.com"),
    ("tax@hanbit-trade.co.kr 로 보내주세요", "tax@hanbit-trade.co.kr"),
    ("메일 kim@naver.com.", "kim@naver.com"),
])
def test_email_positives(text: str, value: str) -> None:
    assert found(text) == [("email", value)]


@pytest.mark.parametrize("text", ["인스타 @happy_shop_kr 이벤트", "이메일 주소 변경은 어떻게 하나요?",
                                  "mi***@naver.com 로 보냈어요"])
def test_email_lookalikes(text: str) -> None:
    assert found(text) == []


# --- passports --------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "value"), [
    ("여권번호 M48201937 입니다", "M48201937"),
    ("여권 번호: S02938471", "S02938471"),
    ("passport no. M35902817 for customs", "M35902817"),
    ("여권번호는M64019283입니다", "M64019283"),
    ("여권번호 m58320194 소문자", "m58320194"),
    ("새 번호 M723K5190 로 바꿨어요", "M723K5190"),   # new format is distinctive on its own
])
def test_passport_positives(text: str, value: str) -> None:
    assert found(text) == [("passport", value)]


@pytest.mark.parametrize("text", ["M48201937 이거 뭐예요", "시리얼 M723K5190 정품 등록", "여권번호 입력란이 어디 있어요?",
                                  "모델 D12345678 재고"])
def test_passport_lookalikes(text: str) -> None:
    assert found(text) == []


# --- whole messages -----------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "주문번호 ORD-20261126-0001 배송 언제 와요? 2026-11-26 14:00 결제, 45,000원, 수량 3개",
    "ord_20261120_0003 주문 취소해주세요. 운송장 6123-4455-0981 확인 부탁",
    "문의 티켓 TKT-20261126-7F3K2Q 진행 상황, 결제일 2026.11.26, 총 1,234,567원",
    "20261126 주문건, 우편번호 06236, 12개월 할부, 적립금 5,000원 + 쿠폰 3,000원",
    "LG 그램 16Z90S-GA5PK 2대, SKU-10293847, 옵션 OPT-7781-BLK-270, 결제 승인번호 30012345",
    "주문 3건 (ORD-20261101-0042, ORD-20261101-0043, ORD-20261102-0007) 합배송, CJ대한통운 567812349012",
    "2026-11-26T14:00:00 에 결제, 11/28 23:59 까지 입금, 바코드 8801234567893",
])
def test_realistic_order_texts_have_no_pii(text: str) -> None:
    assert found(text) == []


def test_a_realistic_message_with_ids_and_pii() -> None:
    text = ("주문번호 ORD-20261126-0001 (45,000원, 2026-11-26) 환불은 국민 482301-01-553920 으로, "
            "운송장 6123-4455-0981 은 반송했고 연락처는 010-9876-5432, 메일은 a.kim@naver.com으로 주세요")
    assert found(text) == [("account", "482301-01-553920"), ("phone", "010-9876-5432"), ("email", "a.kim@naver.com")]


def test_spans_index_the_original_text_even_with_full_width_digits() -> None:
    text = "연락처 ０１０－２３４５－６７８９ 입니다"
    (span,) = find_pii(text, today=TODAY)
    assert span.value == text[span.start:span.end] == "０１０－２３４５－６７８９"
    assert "２３４５" not in repr(span) and "value" not in repr(span)  # kept out of repr (logs)


def test_types_and_allow_list() -> None:
    text = "고객센터 02-512-3478 또는 help@shop.example.com, 제 번호 010-9876-5432"
    assert [k for k, _ in found(text, types=("email",))] == ["email"]
    assert found(text, allow=("02-512-3478", "HELP@shop.example.com")) == [("phone", "010-9876-5432")]


def test_glued_values_are_all_found() -> None:
    assert found("M123A4567+82 10 1234 5678") == [("passport", "M123A4567"), ("phone", "+82 10 1234 5678")]
