"""Certificates: blanket periods — UTC midnights, from < to, at most 365 days, stored as day numbers."""

import ape
import pytest
from hypothesis import given
from hypothesis import strategies as st
from registry_helpers import DAY, FEW_EXAMPLES, ZERO, midnight

from originproof.enums import Agreement

LAST_STORABLE_DAY = 2**20 - 1
START_DAYS = st.integers(1, LAST_STORABLE_DAY)


def register_blanket(certificates, certifier, cert_hash, blanket_from, blanket_to):
    return certificates.register(cert_hash, Agreement.USMCA, blanket_from, blanket_to, ZERO, sender=certifier)


def stored_period(certificates, cert_hash) -> tuple[int, int]:
    record = certificates.certificate(cert_hash)
    return record.blanket_from, record.blanket_to


@pytest.mark.parametrize(
    ("blanket_from", "blanket_to"),
    [
        (midnight(2025, 1, 1), midnight(2026, 1, 1)),
        (midnight(2024, 2, 29), midnight(2025, 2, 28)),
        (midnight(2023, 3, 1), midnight(2024, 2, 29)),
        (midnight(2024, 1, 1), midnight(2024, 12, 31)),
        (midnight(2025, 6, 1), midnight(2025, 6, 2)),
    ],
    ids=["365-days", "from-29-february", "to-29-february", "leap-calendar-year", "one-day"],
)
def test_register__blanket_up_to_365_days__is_recorded_exactly(
    certificates, producer, new_hash, blanket_from, blanket_to
):
    cert_hash = new_hash()
    tx = register_blanket(certificates, producer, cert_hash, blanket_from, blanket_to)

    assert stored_period(certificates, cert_hash) == (blanket_from, blanket_to)
    [registered] = tx.decode_logs(certificates.CertificateRegistered)
    assert (registered.blanket_from, registered.blanket_to) == (blanket_from, blanket_to)


@pytest.mark.parametrize(
    ("blanket_from", "blanket_to"),
    [
        (midnight(2025, 1, 1), midnight(2026, 1, 2)),
        (midnight(2024, 2, 29), midnight(2025, 3, 1)),
        (midnight(2024, 1, 1), midnight(2025, 1, 1)),
    ],
    ids=["366-days", "29-february-to-1-march", "leap-year-plus-one-day"],
)
def test_register__blanket_over_one_year__reverts(certificates, producer, new_hash, blanket_from, blanket_to):
    with ape.reverts("Certificates: blanket period longer than one year"):
        register_blanket(certificates, producer, new_hash(), blanket_from, blanket_to)


@pytest.mark.parametrize("days_back", [0, 1], ids=["same-day", "ends-before"])
def test_register__blanket_not_after_its_start__reverts(certificates, producer, new_hash, days_back):
    start = midnight(2025, 6, 1)
    with ape.reverts("Certificates: blanket period must end after it starts"):
        register_blanket(certificates, producer, new_hash(), start, start - days_back * DAY)


@pytest.mark.parametrize(
    ("blanket_from", "blanket_to"),
    [(midnight(2025, 1, 1), 0), (0, midnight(2025, 1, 1))],
    ids=["no-end", "no-start"],
)
def test_register__blanket_with_one_date__reverts(certificates, producer, new_hash, blanket_from, blanket_to):
    with ape.reverts("Certificates: blanket period needs both dates"):
        register_blanket(certificates, producer, new_hash(), blanket_from, blanket_to)


@pytest.mark.parametrize(
    ("from_offset", "to_offset"), [(1, 0), (0, DAY - 1), (3_600, 3_600)], ids=["from", "to", "both"]
)
def test_register__blanket_date_not_utc_midnight__reverts(
    certificates, producer, new_hash, from_offset, to_offset
):
    blanket_from, blanket_to = midnight(2025, 1, 1), midnight(2025, 12, 31)
    with ape.reverts("Certificates: blanket dates must be UTC midnight"):
        register_blanket(
            certificates, producer, new_hash(), blanket_from + from_offset, blanket_to + to_offset
        )


def test_register__blanket_starting_on_the_last_storable_day__is_recorded(certificates, producer, new_hash):
    cert_hash = new_hash()
    period = (LAST_STORABLE_DAY * DAY, (LAST_STORABLE_DAY + 365) * DAY)
    register_blanket(certificates, producer, cert_hash, *period)
    assert stored_period(certificates, cert_hash) == period


def test_register__blanket_starting_after_the_last_storable_day__reverts(certificates, producer, new_hash):
    start = (LAST_STORABLE_DAY + 1) * DAY
    with ape.reverts("Certificates: blanket dates out of range"):
        register_blanket(certificates, producer, new_hash(), start, start + DAY)


@FEW_EXAMPLES
@given(start_day=START_DAYS, days=st.integers(1, 365), agreement=st.sampled_from(list(Agreement)))
def test_register__any_period_within_a_year__round_trips(
    certificates, producer, new_hash, start_day, days, agreement
):
    cert_hash = new_hash()
    period = (start_day * DAY, (start_day + days) * DAY)
    certificates.register(cert_hash, agreement, *period, ZERO, sender=producer)
    record = certificates.certificate(cert_hash)
    assert (record.blanket_from, record.blanket_to) == period
    assert record.agreement == agreement
    assert record.certifier == producer.address


@FEW_EXAMPLES
@given(start_day=START_DAYS, days=st.integers(366, 100_000))
def test_register__any_period_over_a_year__reverts(certificates, producer, new_hash, start_day, days):
    with ape.reverts("Certificates: blanket period longer than one year"):
        register_blanket(certificates, producer, new_hash(), start_day * DAY, (start_day + days) * DAY)


@FEW_EXAMPLES
@given(
    start_day=START_DAYS, days=st.integers(1, 365), offset=st.integers(1, DAY - 1), shift_end=st.booleans()
)
def test_register__any_date_off_midnight__reverts(
    certificates, producer, new_hash, start_day, days, offset, shift_end
):
    blanket_from, blanket_to = start_day * DAY, (start_day + days) * DAY
    if shift_end:
        blanket_to += offset
    else:
        blanket_from += offset
    with ape.reverts("Certificates: blanket dates must be UTC midnight"):
        register_blanket(certificates, producer, new_hash(), blanket_from, blanket_to)
