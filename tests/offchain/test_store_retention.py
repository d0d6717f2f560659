"""Retention: 5 years from creation or the last claim; no deletion before it or during a verification."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

import pytest

from originproof.errors import ValidationError
from originproof.store import NewPart, PartKind, Store
from originproof.store.retention import retain_until, years_after

MakePart = Callable[..., NewPart]
RawSql = Callable[..., list[tuple[object, ...]]]


# Date arithmetic


def test_years_after__same_calendar_date() -> None:
    moment = datetime(2025, 3, 1, 12, 30, tzinfo=UTC)
    assert years_after(moment, 5) == datetime(2030, 3, 1, 12, 30, tzinfo=UTC)


def test_years_after__29_february__moves_to_1_march_never_short() -> None:
    leap_day = datetime(2024, 2, 29, 8, 0, tzinfo=UTC)
    assert years_after(leap_day, 5) == datetime(2029, 3, 1, 8, 0, tzinfo=UTC)
    assert years_after(leap_day, 4) == datetime(2028, 2, 29, 8, 0, tzinfo=UTC)


def test_retain_until__later_of_creation_and_last_claim() -> None:
    created = datetime(2025, 1, 1, tzinfo=UTC)
    assert retain_until(created, None) == datetime(2030, 1, 1, tzinfo=UTC)
    assert retain_until(created, datetime(2026, 6, 1, tzinfo=UTC)) == datetime(2031, 6, 1, tzinfo=UTC)
    assert retain_until(created, datetime(2024, 6, 1, tzinfo=UTC)) == datetime(2030, 1, 1, tzinfo=UTC)


# Retention dates of stored parts


def test_put__retained_five_years(store: Store, make_part: MakePart, clock) -> None:
    record = store.put(make_part())
    assert record.retain_until == datetime(2030, 3, 1, 12, 0, tzinfo=UTC)


def test_record_claim__extends_every_part_of_that_certificate_only(
    store: Store, make_part: MakePart, clock
) -> None:
    certificate = store.put(make_part(0))
    annex = store.put(make_part(1, kind=PartKind.ANNEX, cert_hash=certificate.cert_hash))
    unrelated = store.put(make_part(2))
    claim = datetime(2026, 7, 15, 9, 0, tzinfo=UTC)
    store.record_claim(certificate.cert_hash, claim)
    assert store.get(certificate.id).retain_until == datetime(2031, 7, 15, 9, 0, tzinfo=UTC)
    assert store.get(annex.id).retain_until == datetime(2031, 7, 15, 9, 0, tzinfo=UTC)
    assert store.get(unrelated.id).retain_until == unrelated.retain_until


def test_record_claim__earlier_claim_never_shortens(store: Store, make_part: MakePart) -> None:
    record = store.put(make_part())
    store.record_claim(record.cert_hash, datetime(2027, 1, 1, tzinfo=UTC))
    store.record_claim(record.cert_hash, datetime(2026, 1, 1, tzinfo=UTC))
    store.record_claim(record.cert_hash, datetime(2024, 1, 1, tzinfo=UTC))
    assert store.get(record.id).retain_until == datetime(2032, 1, 1, tzinfo=UTC)


def test_record_claim__applies_to_parts_stored_after_it(store: Store, make_part: MakePart) -> None:
    certificate = make_part(0)
    store.record_claim(certificate.cert_hash, datetime(2027, 5, 5, tzinfo=UTC))
    assert store.put(certificate).retain_until == datetime(2032, 5, 5, tzinfo=UTC)


def test_record_claim__time_zone_is_respected(store: Store, make_part: MakePart) -> None:
    record = store.put(make_part())
    store.record_claim(record.cert_hash, datetime(2027, 1, 1, 20, 0, tzinfo=timezone(timedelta(hours=-5))))
    assert store.get(record.id).retain_until == datetime(2032, 1, 2, 1, 0, tzinfo=UTC)


def test_record_claim__naive_time__is_refused(store: Store, make_part: MakePart) -> None:
    record = store.put(make_part())
    with pytest.raises(ValidationError, match="claim time must be a timezone-aware datetime"):
        store.record_claim(record.cert_hash, datetime(2027, 1, 1))


def test_record_claim__bad_certificate_hash__is_refused(store: Store) -> None:
    with pytest.raises(ValidationError, match="cert_hash must be 32 bytes"):
        store.record_claim(b"\x00" * 20, datetime(2027, 1, 1, tzinfo=UTC))


# Deletion


def test_delete__before_retention_ends__refused_with_the_date(
    store: Store, make_part: MakePart, clock
) -> None:
    record = store.put(make_part())
    clock.advance(timedelta(days=5 * 365))
    with pytest.raises(ValidationError, match="it is retained until 2030-03-01 12:00:00 UTC"):
        store.delete(record.id)
    assert store.get(record.id) == record


def test_delete__after_retention__removes_the_part(store: Store, make_part: MakePart, clock) -> None:
    record = store.put(make_part())
    clock.now = record.retain_until
    store.delete(record.id)
    with pytest.raises(ValidationError, match="not in the store"):
        store.get(record.id)


def test_delete__claim_extended_retention__refused_with_the_new_date(
    store: Store, make_part: MakePart, clock
) -> None:
    record = store.put(make_part())
    store.record_claim(record.cert_hash, datetime(2026, 4, 1, tzinfo=UTC))
    clock.now = record.retain_until
    with pytest.raises(ValidationError, match="retained until 2031-04-01 00:00:00 UTC"):
        store.delete(record.id)


def test_delete__verification_open__refused_even_after_retention(
    store: Store, make_part: MakePart, clock
) -> None:
    record = store.put(make_part())
    store.open_verification(record.cert_hash)
    clock.now = record.retain_until + timedelta(days=1)
    with pytest.raises(ValidationError, match="a verification of origin is open on the certificate"):
        store.delete(record.id)
    store.close_verification(record.cert_hash)
    store.delete(record.id)
    assert list(store.records()) == []


def test_delete__unknown_part__is_an_error(store: Store) -> None:
    with pytest.raises(ValidationError, match="part 7 is not in the store"):
        store.delete(7)


# Purging


def test_purge__removes_only_expired_parts_without_open_verification(
    store: Store, make_part: MakePart, clock, raw_sql: RawSql
) -> None:
    expired = store.put(make_part(0))
    under_verification = store.put(make_part(1))
    store.open_verification(under_verification.cert_hash)
    clock.advance(timedelta(days=400))
    recent = store.put(make_part(2))
    assert store.purge(expired.retain_until - timedelta(seconds=1)) == 0
    assert store.purge(expired.retain_until) == 1
    assert [record.id for record in store.records()] == [under_verification.id, recent.id]
    assert raw_sql("SELECT count(*) FROM part_recipients WHERE part_id = :id", id=expired.id) == [(0,)]


def test_purge__defaults_to_the_clock(store: Store, make_part: MakePart, clock) -> None:
    record = store.put(make_part())
    assert store.purge() == 0
    clock.now = record.retain_until
    assert store.purge() == 1


def test_purge__naive_time__is_refused(store: Store) -> None:
    with pytest.raises(ValidationError, match="now must be a timezone-aware datetime"):
        store.purge(datetime(2031, 1, 1))


def test_verification__flag_follows_open_and_close(store: Store, make_part: MakePart, clock) -> None:
    record = store.put(make_part())
    clock.now = record.retain_until
    store.open_verification(record.cert_hash)
    store.open_verification(record.cert_hash)
    assert store.purge() == 0
    store.close_verification(record.cert_hash)
    assert store.purge() == 1
