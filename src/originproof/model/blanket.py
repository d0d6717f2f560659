"""The blanket period: one certification covering identical goods shipped within up to 12 months."""

from datetime import date, timedelta
from typing import Self

from pydantic import Field, model_validator

from originproof.model.fields import FrozenModel, IsoDate, rule_error

EPOCH = date(1970, 1, 1)
SECONDS_PER_DAY = 86_400

# The chain reads (0, 0) as "single shipment", so no period may start on the epoch itself; the
# upper bound keeps "one year later" inside what `datetime.date` can represent.
_EARLIEST_START = EPOCH + timedelta(days=1)
_LATEST_START = date(9998, 12, 31)


def last_covered_day(start: date) -> date:
    """The last day a blanket period starting on `start` may cover: 12 calendar months less a day.

    The period ends the day before the start's anniversary. 29 February has no anniversary in a
    common year; its anniversary is taken as 1 March, so a period from 2024-02-29 ends on
    2025-02-28. The longest period this allows, across a 29 February, spans 365 days from first to
    last day: the on-chain limit, so the chain accepts every period the model does.
    """
    try:
        anniversary = start.replace(year=start.year + 1)
    except ValueError:
        anniversary = date(start.year + 1, 3, 1)
    return anniversary - timedelta(days=1)


def unix_day(day: date) -> int:
    """UTC midnight at the start of `day`, in seconds since the Unix epoch."""
    return (day - EPOCH).days * SECONDS_PER_DAY


class BlanketPeriod(FrozenModel):
    """`from` and `to` dates, both covered; `to` after `from` and at most 12 months less a day later.

    A period of one day is refused: the chain requires `from < to`, and one shipment on one day is a
    single-shipment certification (no blanket period at all).
    """

    from_: IsoDate = Field(validation_alias="from", serialization_alias="from")
    to: IsoDate

    @model_validator(mode="after")
    def _at_most_twelve_months(self) -> Self:
        if not _EARLIEST_START <= self.from_ <= _LATEST_START:
            raise rule_error(f"must be between {_EARLIEST_START} and {_LATEST_START}", at=("from",))
        if self.to <= self.from_:
            raise rule_error("blanket period must end after the day it starts", at=("to",))
        last = last_covered_day(self.from_)
        if self.to > last:
            raise rule_error(
                f"blanket period may cover at most 12 months: starting {self.from_}, it must end by {last}",
                at=("to",),
            )
        return self

    def bounds(self) -> tuple[int, int]:
        """(from, to) as UTC-midnight unix timestamps, `to` being the last day covered."""
        return unix_day(self.from_), unix_day(self.to)
