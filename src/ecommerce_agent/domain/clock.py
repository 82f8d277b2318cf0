"""Time helpers. The shop lives in Korea: dates shoppers see are in KST."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

KST = timezone(timedelta(hours=9), "KST")


def utcnow() -> datetime:
    return datetime.now(UTC)


def kst_date(moment: datetime) -> date:
    """The calendar date in Korea of an aware datetime."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: every stored time must be timezone-aware")
    return moment.astimezone(KST).date()


# Orders paid before this hour (KST) on a business day leave the warehouse that day
# (shipping-schedule.md, 당일 출고 기준); later ones, and weekend ones, the next business day.
# Public holidays are not known here: they count as business days.
DISPATCH_CUTOFF_HOUR = 14


def next_business_day(day: date) -> date:
    day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def add_business_days(day: date, n: int) -> date:
    for _ in range(n):
        day = next_business_day(day)
    return day


def dispatch_day(paid_at: datetime) -> date:
    """The day an order paid at ``paid_at`` is dispatched."""
    local = paid_at.astimezone(KST)
    day = local.date()
    if day.weekday() < 5 and local.hour < DISPATCH_CUTOFF_HOUR:
        return day
    return next_business_day(day)
