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
