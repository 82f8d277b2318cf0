"""Properties of masking over generated text: idempotent, and a no-op on text
made only of ids, dates, times, amounts, quantities, codes and tracking numbers."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from ecommerce_agent.guardrails import PiiGuard, find_pii

LABEL = PiiGuard(style="label")
PARTIAL = PiiGuard(style="partial")

# Pieces that make detectors fire, almost fire, or label a neighbour.
FRAGMENTS = [
    "010-1234-5678", "01012345678", "+82 10 1234 5678", "02-345-6789", "(031)234-5678", "070 1234 5678",
    "850314-1787788", "8503141787788", "4111 1111 1111 1111", "4111111111111111", "3782 822463 10005",
    "110-482-339102", "1000-4829-3375", "user@example.com", "a.b+c@mail.co.kr", "M12345678", "M123A4567",
    "계좌", "신한", "카드", "주민번호", "여권", "연락처", "운송장", "주문번호", "택배", "번호", "[전화번호]",
    "[계좌번호]", "ORD-20261126-0001", "TKT-20261126-7F3K2Q", "2026-11-26", "20261126", "45,000원",
    " ", " ", "-", ".", "@", "로", "으로", "입니다", "(", ")", "\n",
]
ALPHABET = "0123456789 -.@+()[]가나다계좌카드MSabc*"
messy_text = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(alphabet=ALPHABET, max_size=6)),
                      max_size=12).map("".join)


@settings(max_examples=400, deadline=None)
@given(messy_text)
def test_masking_is_idempotent(text: str) -> None:
    for guard in (LABEL, PARTIAL):
        once = guard.mask(text)
        assert guard.mask(once) == once
        assert find_pii(once) == ()


def _day(offset: int) -> date:
    return date(2026, 11, 26) + timedelta(days=offset)


order_id = st.builds(lambda d, n: f"ORD-{_day(d):%Y%m%d}-{n:04d}", st.integers(-400, 400), st.integers(1, 9999))
order_id_typed = st.builds(lambda d, n, sep: f"ord{sep}{_day(d):%Y%m%d}{sep}{n:04d}",
                           st.integers(-400, 400), st.integers(1, 9999), st.sampled_from(["_", "-", " ", ""]))
ticket_id = st.builds(lambda d, t: f"TKT-{_day(d):%Y%m%d}-{t}", st.integers(-400, 400),
                      st.text(alphabet="23456789ABCDEFGHJKMNPQRSTUVWXYZ", min_size=6, max_size=6))
day = st.builds(lambda d, fmt: f"{_day(d):{fmt}}", st.integers(-4000, 400),
                st.sampled_from(["%Y-%m-%d", "%Y.%m.%d", "%Y/%m/%d", "%Y%m%d", "%Y년 %m월 %d일", "%m/%d"]))
clock = st.builds(lambda h, m: f"{h:02d}:{m:02d}", st.integers(0, 23), st.integers(0, 59))
price = st.builds(lambda n, fmt: fmt.format(n), st.integers(100, 99_999_999),
                  st.sampled_from(["{:,}원", "{}원", "₩{:,}", "{:,} 원"]))
quantity = st.builds(lambda n, unit: f"{n}{unit}", st.integers(1, 9999), st.sampled_from(["개", "건", "박스", "세트", "%"]))
postal = st.builds(lambda n: f"우편번호 {n:05d}", st.integers(1000, 63999))
tracking = st.builds(lambda courier, n, grouped: f"{courier} {'-'.join([n[:4], n[4:8], n[8:]]) if grouped else n}",
                     st.sampled_from(["CJ대한통운 운송장", "한진택배 송장번호", "롯데택배", "로젠 운송장", "우체국 등기번호"]),
                     st.text(alphabet="0123456789", min_size=12, max_size=13), st.booleans())
model = st.sampled_from(["SM-S928N", "NT950XGQ-A51A", "16Z90S-GA5PK", "RF85C9001AP", "MTJV3KH/A", "SKU-10293847"])
word = st.sampled_from(["주문", "배송", "언제", "와요?", "결제", "취소해 주세요", "확인 부탁드려요", "총", "수량", "합배송", "및", ","])
shop_text = st.lists(st.one_of(order_id, order_id_typed, ticket_id, day, clock, price, quantity, postal,
                               tracking, model, word), min_size=1, max_size=10).map(" ".join)


@settings(max_examples=400, deadline=None)
@given(shop_text)
def test_ids_dates_amounts_and_tracking_numbers_are_never_masked(text: str) -> None:
    assert find_pii(text) == ()
    assert LABEL.mask(text) == text
