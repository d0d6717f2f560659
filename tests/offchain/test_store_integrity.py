"""Tamper detection: changed bytes, swapped records and broken commitments, each reported as such."""

from collections.abc import Callable, Iterator
from dataclasses import fields, replace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pyrage import x25519

from originproof import keys
from originproof.errors import IntegrityError
from originproof.store import FindingKind, NewPart, PartKind, PartRecord, Store, audit_store, check, sealing

MakePart = Callable[..., NewPart]
RawSql = Callable[..., list[tuple[object, ...]]]


def _kinds(findings: list) -> list[tuple[int, FindingKind]]:  # type: ignore[type-arg]
    return [(finding.part_id, finding.kind) for finding in findings]


def _rebind(record: PartRecord, ciphertext: bytes, **changes: Any) -> dict[str, object]:
    """The columns a forger who knows the scheme writes: new ciphertext, its hash and a matching binding."""
    forged = replace(
        record, ciphertext=ciphertext, ciphertext_hash=sealing.ciphertext_hash(ciphertext), **changes
    )
    return {
        "ciphertext": forged.ciphertext,
        "ciphertext_hash": forged.ciphertext_hash,
        "commitment_root": forged.commitment_root,
        "binding": sealing.record_binding(forged),
    }


def _write(raw_sql: RawSql, part_id: int, columns: dict[str, object]) -> None:
    assignments = ", ".join(f"{column} = :{column}" for column in columns)
    raw_sql(f"UPDATE parts SET {assignments} WHERE id = :part_id", part_id=part_id, **columns)


# Properties on one record, without a database per example


@pytest.fixture(scope="module")
def sealed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[PartRecord, x25519.Identity]]:
    from originproof.commitments import commit

    identity = keys.generate_identity()
    opening = commit({"bill_of_materials": [{"hs_code": "7410.11", "value": "1200.00"}]})
    path = tmp_path_factory.mktemp("sealed") / "store.db"
    with Store(f"sqlite:///{path}") as store:
        yield (
            store.put(
                NewPart(
                    opening.root, PartKind.CERTIFICATE, "0x" + "11" * 20, keys.public_key(identity), opening
                )
            ),
            identity,
        )


def test_check__intact_record__no_findings(sealed: tuple[PartRecord, x25519.Identity]) -> None:
    record, identity = sealed
    assert check(record) == []
    assert check(record, [identity]) == []


@given(st.data())
def test_check__any_changed_ciphertext_byte__ciphertext_changed(
    sealed: tuple[PartRecord, x25519.Identity], data: st.DataObject
) -> None:
    record, identity = sealed
    position = data.draw(st.integers(min_value=0, max_value=len(record.ciphertext) - 1))
    flip = data.draw(st.integers(min_value=1, max_value=255))
    ciphertext = bytearray(record.ciphertext)
    ciphertext[position] ^= flip
    findings = check(replace(record, ciphertext=bytes(ciphertext)), [identity])
    assert _kinds(findings) == [(record.id, FindingKind.CIPHERTEXT_CHANGED)]
    assert "ciphertext hash mismatch" in findings[0].message


_BYTES32_FIELDS = ["cert_hash", "owner_key", "commitment_root", "ciphertext_hash", "binding"]


@given(st.sampled_from(_BYTES32_FIELDS), st.integers(min_value=0, max_value=31), st.integers(1, 255))
def test_check__any_changed_byte_of_the_record__is_detected(
    sealed: tuple[PartRecord, x25519.Identity], name: str, position: int, flip: int
) -> None:
    record, _ = sealed
    value = bytearray(getattr(record, name))
    value[position] ^= flip
    changed: dict[str, Any] = {name: bytes(value)}
    assert check(replace(record, **changed))


@given(st.integers(min_value=0, max_value=31), st.integers(1, 255))
def test_check__changed_recipient_or_owner__is_detected(
    sealed: tuple[PartRecord, x25519.Identity], position: int, flip: int
) -> None:
    record, _ = sealed
    recipient = bytearray(record.recipients[0])
    recipient[position] ^= flip
    assert _kinds(check(replace(record, recipients=(bytes(recipient),)))) == [
        (record.id, FindingKind.RECORD_SWAPPED)
    ]
    assert _kinds(check(replace(record, owner="0x" + "22" * 20))) == [(record.id, FindingKind.RECORD_SWAPPED)]


def test_check__every_stored_field_is_covered() -> None:
    # A new field must either be bound (and listed above) or be deliberately mutable: decide, then list it.
    mutable = {"id", "created_at", "retain_until"}
    covered = {*_BYTES32_FIELDS, "kind", "owner", "recipients", "ciphertext"}
    assert {field.name for field in fields(PartRecord)} == mutable | covered


def test_check__kind_relabelled__is_detected(sealed: tuple[PartRecord, x25519.Identity]) -> None:
    record, _ = sealed
    assert _kinds(check(replace(record, kind=PartKind.ANNEX))) == [(record.id, FindingKind.RECORD_SWAPPED)]


def test_check__identity_not_a_recipient__plaintext_unchecked(
    sealed: tuple[PartRecord, x25519.Identity],
) -> None:
    record, _ = sealed
    assert check(record, [keys.generate_identity()]) == []


# Tampering with a real store, behind its back


def test_audit__intact_store__no_findings(store: Store, make_part: MakePart, owner: x25519.Identity) -> None:
    store.put_many([make_part(index) for index in range(3)])
    assert audit_store(store) == []
    assert audit_store(store, [owner]) == []


def test_audit__changed_ciphertext_byte__reported_and_read_refused(
    store: Store, make_part: MakePart, owner: x25519.Identity, raw_sql: RawSql
) -> None:
    record = store.put(make_part())
    changed = bytearray(record.ciphertext)
    changed[len(changed) // 2] ^= 0x01
    _write(raw_sql, record.id, {"ciphertext": bytes(changed)})
    assert _kinds(audit_store(store, [owner])) == [(record.id, FindingKind.CIPHERTEXT_CHANGED)]
    with pytest.raises(IntegrityError, match=f"part {record.id} .*ciphertext hash mismatch"):
        store.read(record.id, owner)


def test_audit__ciphertexts_and_hashes_swapped__record_swapped(
    store: Store, make_part: MakePart, owner: x25519.Identity, raw_sql: RawSql
) -> None:
    first, second = store.put_many([make_part(0), make_part(1)])
    _write(raw_sql, first.id, {"ciphertext": second.ciphertext, "ciphertext_hash": second.ciphertext_hash})
    _write(raw_sql, second.id, {"ciphertext": first.ciphertext, "ciphertext_hash": first.ciphertext_hash})
    assert _kinds(audit_store(store, [owner])) == [
        (first.id, FindingKind.RECORD_SWAPPED),
        (second.id, FindingKind.RECORD_SWAPPED),
    ]
    with pytest.raises(IntegrityError, match="record binding mismatch"):
        store.read(first.id, owner)


def test_audit__ciphertext_moved_without_its_hash__names_where_it_came_from(
    store: Store, make_part: MakePart, raw_sql: RawSql
) -> None:
    first, second = store.put_many([make_part(0), make_part(1)])
    _write(raw_sql, second.id, {"ciphertext": first.ciphertext})
    [finding] = audit_store(store)
    assert (finding.part_id, finding.kind) == (second.id, FindingKind.RECORD_SWAPPED)
    assert f"holds the ciphertext of part {first.id}" in finding.message
    assert _kinds(check(store.get(second.id))) == [(second.id, FindingKind.CIPHERTEXT_CHANGED)]


def test_audit__forged_plaintext_with_recomputed_hashes__commitment_mismatch(
    store: Store, make_part: MakePart, owner: x25519.Identity, raw_sql: RawSql
) -> None:
    record = store.put(make_part(0, kind=PartKind.ANNEX, cert_hash=b"\x07" * 32))
    forged = make_part(1).opening.to_bytes()
    _write(raw_sql, record.id, _rebind(record, sealing.encrypt(forged, record.recipients)))
    assert audit_store(store) == []
    [finding] = audit_store(store, [owner])
    assert (finding.part_id, finding.kind) == (record.id, FindingKind.COMMITMENT_MISMATCH)
    assert f"not to its commitment root 0x{record.commitment_root.hex()}" in finding.message
    with pytest.raises(IntegrityError, match="commitment mismatch"):
        store.read(record.id, owner)


def test_audit__plaintext_not_an_opening__commitment_mismatch(
    store: Store, make_part: MakePart, owner: x25519.Identity, raw_sql: RawSql
) -> None:
    record = store.put(make_part())
    _write(raw_sql, record.id, _rebind(record, sealing.encrypt(b"net cost: 1 USD", record.recipients)))
    [finding] = audit_store(store, [owner])
    assert finding.kind is FindingKind.COMMITMENT_MISMATCH
    assert "plaintext is not a valid opening" in finding.message


def test_audit__certificate_root_rewritten__commitment_mismatch_without_keys(
    store: Store, make_part: MakePart, raw_sql: RawSql
) -> None:
    record = store.put(make_part(0))
    other_root = make_part(1).opening.root
    _write(raw_sql, record.id, _rebind(record, record.ciphertext, commitment_root=other_root))
    [finding] = audit_store(store)
    assert (finding.part_id, finding.kind) == (record.id, FindingKind.COMMITMENT_MISMATCH)
    assert "its commitment root is not its certificate hash" in finding.message


def test_audit__reencrypted_away_from_its_recipients__undecryptable(
    store: Store, make_part: MakePart, owner: x25519.Identity, raw_sql: RawSql
) -> None:
    part = make_part()
    record = store.put(part)
    stranger = keys.public_key(keys.generate_identity())
    _write(raw_sql, record.id, _rebind(record, sealing.encrypt(part.opening.to_bytes(), [stranger])))
    assert _kinds(audit_store(store, [owner])) == [(record.id, FindingKind.UNDECRYPTABLE)]


def test_audit__findings_for_several_parts_in_id_order(
    store: Store, make_part: MakePart, owner: x25519.Identity, raw_sql: RawSql
) -> None:
    records = store.put_many([make_part(index) for index in range(4)])
    _write(raw_sql, records[3].id, {"ciphertext": records[3].ciphertext + b"!"})
    _write(raw_sql, records[1].id, {"owner": "0x" + "33" * 20})
    assert _kinds(audit_store(store, [owner])) == [
        (records[1].id, FindingKind.RECORD_SWAPPED),
        (records[3].id, FindingKind.CIPHERTEXT_CHANGED),
    ]
