"""The blanket period: the exact 12-month calendar rule, and that the chain accepts every period it allows."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from originproof.model import BlanketPeriod, last_covered_day
from originproof.model.fields import rule_error

ON_CHAIN_LIMIT = 365 * 86_400
starts = st.dates(min_value=date(1970, 1, 2), max_value=date(9998, 12, 31))


def period(start: date, end: date) -> BlanketPeriod:
    return BlanketPeriod.model_validate({"from": start.isoformat(), "to": end.isoformat()})


@pytest.mark.parametrize(
    ("start", "last"),
    [
        (date(2025, 1, 1), date(2025, 12, 31)),
        (date(2025, 7, 15), date(2026, 7, 14)),
        (date(2024, 2, 29), date(2025, 2, 28)),
        (date(2023, 3, 1), date(2024, 2, 29)),
        (date(2024, 3, 1), date(2025, 2, 28)),
        (date(2024, 2, 28), date(2025, 2, 27)),
    ],
)
def test_last_covered_day__known_dates(start: date, last: date) -> None:
    assert last_covered_day(start) == last


def test_blanket__full_year__is_accepted_and_one_day_more_is_not() -> None:
    assert period(date(2025, 1, 1), date(2025, 12, 31)).to == date(2025, 12, 31)
    with pytest.raises(ValueError, match="at most 12 months"):
        period(date(2025, 1, 1), date(2026, 1, 1))


def test_blanket__bounds__are_utc_midnights() -> None:
    assert period(date(2025, 1, 1), date(2025, 12, 31)).bounds() == (1_735_689_600, 1_767_139_200)


def test_blanket__python_names__are_accepted_and_dumped_as_from_and_to() -> None:
    blanket = BlanketPeriod(from_=date(2025, 1, 1), to=date(2025, 6, 30))
    assert blanket.model_dump(mode="json") == {"from": "2025-01-01", "to": "2025-06-30"}


def test_rule_error__location__travels_in_the_context() -> None:
    assert rule_error("broken", at=("to",)).context == {"at": ("to",)}


@given(start=starts, data=st.data())
def test_blanket__any_accepted_period__fits_the_chain_rule(start: date, data: st.DataObject) -> None:
    last = last_covered_day(start)
    end = data.draw(st.dates(min_value=start + timedelta(days=1), max_value=last))
    blanket_from, blanket_to = period(start, end).bounds()
    assert 0 < blanket_from < blanket_to
    assert blanket_to - blanket_from <= ON_CHAIN_LIMIT
    assert blanket_from % 86_400 == 0 and blanket_to % 86_400 == 0


@given(start=starts)
def test_blanket__one_day_past_the_last__is_rejected(start: date) -> None:
    with pytest.raises(ValueError, match="at most 12 months"):
        period(start, last_covered_day(start) + timedelta(days=1))


@given(start=starts)
def test_last_covered_day__is_the_eve_of_the_anniversary(start: date) -> None:
    anniversary = last_covered_day(start) + timedelta(days=1)
    if (start.month, start.day) == (2, 29):
        assert anniversary == date(start.year + 1, 3, 1)
    else:
        assert anniversary == start.replace(year=start.year + 1)


def test_blanket__start_in_year_9999__is_rejected() -> None:
    with pytest.raises(ValueError, match="must be between 1970-01-02 and 9998-12-31"):
        period(date(9999, 1, 1), date(9999, 6, 1))


def test_blanket__datetime__is_rejected_as_not_a_date() -> None:
    with pytest.raises(ValueError, match="must be a calendar date written YYYY-MM-DD"):
        BlanketPeriod(from_=datetime(2025, 1, 1, tzinfo=UTC), to=date(2025, 6, 30))
