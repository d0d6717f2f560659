"""Retention dates: how long a part must be kept (19 CFR 182.15: records kept at least 5 years)."""

from collections.abc import Callable
from datetime import UTC, datetime

from originproof.errors import ValidationError

RETENTION_YEARS = 5

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The current time in UTC: the store's clock unless a test injects another."""
    return datetime.now(UTC)


def require_utc(moment: datetime, name: str) -> datetime:
    """`moment` converted to UTC; a naive datetime is refused, since its instant is unknown."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValidationError(f"{name} must be a timezone-aware datetime, got {moment.isoformat()}")
    return moment.astimezone(UTC)


def years_after(moment: datetime, years: int) -> datetime:
    """The same calendar date and time `years` later.

    29 February moves to 1 March when the later year has no such day, so a retention period is never
    a day short of its years.
    """
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:
        return moment.replace(year=moment.year + years, month=3, day=1)


def retain_until(created_at: datetime, last_claim_at: datetime | None) -> datetime:
    """When a part's retention ends: 5 years after its creation or its last claim, whichever is later."""
    start = created_at if last_claim_at is None else max(created_at, last_claim_at)
    return years_after(start, RETENTION_YEARS)
