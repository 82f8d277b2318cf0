"""The dispatch day of a paid order: 14:00 KST on business days (shipping-schedule.md)."""

from __future__ import annotations

from datetime import date, datetime

from hypothesis import given
from hypothesis import strategies as st

from ecommerce_agent.domain.clock import KST, add_business_days, dispatch_day, next_business_day


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=KST)  # 2026-12-07 is a Monday


def test_paid_before_the_cutoff_on_a_weekday_leaves_the_same_day() -> None:
    assert dispatch_day(at(7, 13, 59)) == date(2026, 12, 7)


def test_paid_at_or_after_the_cutoff_leaves_the_next_business_day() -> None:
    assert dispatch_day(at(7, 14, 0)) == date(2026, 12, 8)
    assert dispatch_day(at(11, 15)) == date(2026, 12, 14)  # Friday afternoon -> Monday


def test_weekend_payments_leave_on_monday_whatever_the_hour() -> None:
    assert dispatch_day(at(12, 9)) == date(2026, 12, 14)
    assert dispatch_day(at(13, 23)) == date(2026, 12, 14)


def test_the_day_is_taken_in_korea_not_utc() -> None:
    # Sunday 20:00 UTC is Monday 05:00 in Korea: that Monday, not the Monday after the weekend rule
    assert dispatch_day(datetime.fromisoformat("2026-12-06T20:00:00+00:00")) == date(2026, 12, 7)


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)), st.integers(0, 10))
def test_business_days_never_land_on_a_weekend(day: date, n: int) -> None:
    assert next_business_day(day).weekday() < 5
    later = add_business_days(day, n)
    assert later >= day and (n == 0 or later.weekday() < 5)


@given(st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 12, 31)))
def test_dispatch_is_a_business_day_on_or_after_payment(naive: datetime) -> None:
    paid = naive.replace(tzinfo=KST)
    shipped = dispatch_day(paid)
    assert shipped.weekday() < 5 and shipped >= paid.date()
