"""Registrations in the store, on SQLite and PostgreSQL: written with their parts, then marked registered."""

import itertools
from collections.abc import Callable
from datetime import timedelta

import pytest
from eth_utils import keccak
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from originproof.commitments import BatchMembership
from originproof.enums import Agreement
from originproof.errors import ValidationError
from originproof.store import NewPart, NewRegistration, RegistrationState, Store

MakePart = Callable[..., NewPart]
CERTIFIER = "0x" + "11" * 20


def _registration(part: NewPart, index: int = 0, **changes) -> NewRegistration:
    values = {
        "cert_hash": part.cert_hash,
        "document_digest": keccak(text=f"document {index}"),
        "certifier": CERTIFIER,
        "agreement": Agreement.USMCA,
        "blanket_from": 0,
        "blanket_to": 0,
    }
    return NewRegistration(**(values | changes))


def test_put_many__with_registrations__stored_state_beside_the_parts(
    store: Store, make_part: MakePart, clock
) -> None:
    part = make_part()
    store.put_many([part], registrations=[_registration(part)])
    record = store.registrations.get(part.cert_hash)
    assert record.state is RegistrationState.STORED
    assert (record.certifier, record.agreement, record.batch, record.tx_hash) == (
        CERTIFIER,
        Agreement.USMCA,
        None,
        None,
    )
    assert record.created_at == clock() and record.registered_at is None
    assert store.registrations.get(keccak(text="unknown")) is None


def test_registration__batch_membership__read_back_whole(store: Store, make_part: MakePart) -> None:
    part = make_part()
    batch = BatchMembership(keccak(text="root"), (keccak(text="a"), keccak(text="b")))
    store.put_many(
        [part], registrations=[_registration(part, batch=batch, blanket_from=86_400, blanket_to=2 * 86_400)]
    )
    record = store.registrations.get(part.cert_hash)
    assert record.batch == batch
    assert (record.blanket_from, record.blanket_to) == (86_400, 2 * 86_400)
    assert store.registrations.batch_members(batch.root) == [record]


def test_registration__single_member_batch__has_an_empty_proof(store: Store, make_part: MakePart) -> None:
    part = make_part()
    batch = BatchMembership(part.cert_hash, ())
    store.put_many([part], registrations=[_registration(part, batch=batch)])
    assert store.registrations.get(part.cert_hash).batch == batch


def test_by_digest__finds_only_those_stored(store: Store, make_part: MakePart) -> None:
    parts = [make_part(index) for index in range(3)]
    store.put_many(parts, registrations=[_registration(part, index) for index, part in enumerate(parts)])
    found = store.registrations.by_digest([keccak(text="document 1"), keccak(text="document 9")])
    assert list(found) == [keccak(text="document 1")]
    assert found[keccak(text="document 1")].cert_hash == parts[1].cert_hash


def test_mark_registered__records_the_transaction_once(store: Store, make_part: MakePart, clock) -> None:
    part = make_part()
    store.put_many([part], registrations=[_registration(part)])
    clock.advance(timedelta(minutes=1))
    store.registrations.mark_registered([part.cert_hash], keccak(text="tx 1"))
    clock.advance(timedelta(minutes=1))
    store.registrations.mark_registered([part.cert_hash], keccak(text="tx 2"))
    record = store.registrations.get(part.cert_hash)
    assert record.state is RegistrationState.REGISTERED
    assert record.tx_hash == keccak(text="tx 1")
    assert record.registered_at == record.created_at + timedelta(minutes=1)


def test_mark_registered__without_a_known_transaction(store: Store, make_part: MakePart) -> None:
    part = make_part()
    store.put_many([part], registrations=[_registration(part)])
    store.registrations.mark_registered([part.cert_hash], None)
    record = store.registrations.get(part.cert_hash)
    assert (record.state, record.tx_hash) == (RegistrationState.REGISTERED, None)


def test_mark_registered__unknown_certificate__refused(store: Store) -> None:
    with pytest.raises(ValidationError, match="has no registration in the store"):
        store.registrations.mark_registered([keccak(text="unknown")], None)


def test_put_many__registration_without_its_certificate_part__refused(
    store: Store, make_part: MakePart
) -> None:
    part = make_part()
    with pytest.raises(ValidationError, match="its certificate part must be stored with it"):
        store.put_many([part], registrations=[_registration(make_part(1))])
    assert list(store.records()) == []


def test_put_many__same_document_twice__refused_whole(store: Store, make_part: MakePart) -> None:
    first, second = make_part(0), make_part(1)
    store.put_many([first], registrations=[_registration(first)])
    with pytest.raises(ValidationError, match="a registration of the same document or certificate"):
        store.put_many([second], registrations=[_registration(second)])
    assert store.find(second.cert_hash) == []


def test_registration__bad_values__name_the_field(store: Store, make_part: MakePart) -> None:
    part = make_part()
    with pytest.raises(ValidationError, match="certifier 'nobody' is not an account address"):
        store.put_many([part], registrations=[_registration(part, certifier="nobody")])
    with pytest.raises(ValidationError, match="document_digest must be 32 bytes"):
        store.put_many([part], registrations=[_registration(part, document_digest=b"short")])


def test_all__pages_through_every_registration(store: Store, make_part: MakePart, monkeypatch) -> None:
    monkeypatch.setattr("originproof.store.registrations._CHUNK", 2)
    parts = [make_part(index) for index in range(5)]
    store.put_many(parts, registrations=[_registration(part, index) for index, part in enumerate(parts)])
    assert sorted(record.cert_hash for record in store.registrations.all()) == sorted(
        p.cert_hash for p in parts
    )


def test_certificates__last_claim_and_open_verification(store: Store, make_part: MakePart, clock) -> None:
    part = make_part()
    store.put(part)
    store.record_claim(part.cert_hash, clock())
    store.open_verification(part.cert_hash)
    [state] = list(store.certificates())
    assert (state.cert_hash, state.last_claim_at, state.verification_open) == (part.cert_hash, clock(), True)


_EXAMPLES = itertools.count(1_000)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(depth=st.integers(min_value=0, max_value=32))
def test_registration__any_proof_depth__round_trips(store: Store, make_part: MakePart, depth: int) -> None:
    # The store outlives hypothesis' examples: each one registers a document of its own.
    example = next(_EXAMPLES)
    part = make_part(example)
    batch = BatchMembership(
        keccak(text=f"root {example}"), tuple(keccak(text=f"{example}/{i}") for i in range(depth))
    )
    store.put_many([part], registrations=[_registration(part, example, batch=batch)])
    assert store.registrations.get(part.cert_hash).batch == batch
