"""Re-encryption: sharing a part with one more key, and rotating a participant's key across the store."""

from collections.abc import Callable

import pytest
from pyrage import x25519

from originproof import keys
from originproof.errors import DecryptionError, IntegrityError, ValidationError
from originproof.store import NewPart, PartKind, Store, audit_store

MakePart = Callable[..., NewPart]
RawSql = Callable[..., list[tuple[object, ...]]]


# Sharing


def test_share__new_recipient_reads_the_same_plaintext(
    store: Store, make_part: MakePart, owner: x25519.Identity, other: x25519.Identity
) -> None:
    part = make_part()
    record = store.put(part)
    shared = store.share(record.id, owner, keys.public_key(other))
    assert shared.recipients == tuple(sorted([record.owner_key, keys.public_key(other)]))
    assert shared.ciphertext != record.ciphertext
    assert store.get(record.id) == shared
    assert store.read(record.id, other) == part.opening.to_bytes()
    assert store.read(record.id, owner) == part.opening.to_bytes()
    assert audit_store(store, [owner, other]) == []


def test_share__by_a_non_owner__refused(
    store: Store, make_part: MakePart, other: x25519.Identity, owner_address: str
) -> None:
    record = store.put(make_part(recipients=(keys.public_key(other),)))
    with pytest.raises(
        ValidationError, match=f"part {record.id} can be shared only by its owner, {owner_address}"
    ):
        store.share(record.id, other, keys.public_key(keys.generate_identity()))
    assert store.get(record.id) == record


def test_share__key_already_a_recipient__changes_nothing(
    store: Store, make_part: MakePart, owner: x25519.Identity, other: x25519.Identity
) -> None:
    record = store.put(make_part(recipients=(keys.public_key(other),)))
    assert store.share(record.id, owner, keys.public_key(other)) == record
    assert store.get(record.id) == record


def test_share__tampered_part__is_not_passed_on(
    store: Store, make_part: MakePart, owner: x25519.Identity, raw_sql: RawSql
) -> None:
    record = store.put(make_part())
    raw_sql("UPDATE parts SET owner = :owner WHERE id = :id", owner="0x" + "44" * 20, id=record.id)
    with pytest.raises(IntegrityError, match="record binding mismatch"):
        store.share(record.id, owner, keys.public_key(keys.generate_identity()))


def test_share__bad_key_or_part__refused(store: Store, make_part: MakePart, owner: x25519.Identity) -> None:
    record = store.put(make_part())
    with pytest.raises(ValidationError, match="key must be 32 bytes"):
        store.share(record.id, owner, b"\x01" * 31)
    with pytest.raises(ValidationError, match="part 42 is not in the store"):
        store.share(42, owner, b"\x01" * 32)


# Key rotation


def test_rotate_key__every_part_the_old_key_reads_moves_to_the_new_key(
    store: Store,
    make_part: MakePart,
    owner: x25519.Identity,
    other: x25519.Identity,
    other_address: str,
) -> None:
    new = keys.generate_identity()
    owned = make_part(0, recipients=(keys.public_key(other),))
    received = make_part(1, identity=other, address=other_address, recipients=(keys.public_key(owner),))
    unrelated = make_part(2, identity=other, address=other_address)
    records = store.put_many([owned, received, unrelated])

    assert store.rotate_key(owner, keys.public_key(new)) == 2

    rotated_owned, rotated_received, untouched = (store.get(record.id) for record in records)
    assert rotated_owned.owner_key == keys.public_key(new)
    assert rotated_owned.recipients == tuple(sorted([keys.public_key(new), keys.public_key(other)]))
    assert rotated_received.owner_key == keys.public_key(other)
    assert rotated_received.recipients == tuple(sorted([keys.public_key(new), keys.public_key(other)]))
    assert untouched == records[2]
    for record, part in zip(records[:2], [owned, received], strict=True):
        assert store.read(record.id, new) == part.opening.to_bytes()
        assert store.read(record.id, other) == part.opening.to_bytes()
        with pytest.raises(DecryptionError):
            store.read(record.id, owner)
    assert audit_store(store, [new, other]) == []


def test_rotate_key__nothing_to_rotate__returns_zero(store: Store, make_part: MakePart) -> None:
    record = store.put(make_part())
    assert store.rotate_key(keys.generate_identity(), keys.public_key(keys.generate_identity())) == 0
    assert store.get(record.id) == record


def test_rotate_key__tampered_part__stops_the_whole_rotation(
    store: Store, make_part: MakePart, owner: x25519.Identity, raw_sql: RawSql
) -> None:
    records = store.put_many([make_part(index) for index in range(3)])
    raw_sql(
        "UPDATE parts SET ciphertext = :c WHERE id = :id", c=records[2].ciphertext + b"\x00", id=records[2].id
    )
    with pytest.raises(IntegrityError, match=f"part {records[2].id} .*ciphertext hash mismatch"):
        store.rotate_key(owner, keys.public_key(keys.generate_identity()))
    assert [store.get(record.id) for record in records[:2]] == records[:2]


def test_rotate_key__many_parts_across_pages(
    store: Store, make_part: MakePart, owner: x25519.Identity, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("originproof.store.store._CHUNK", 2)
    records = store.put_many(
        [make_part(index, kind=PartKind.ANNEX, cert_hash=b"\x05" * 32) for index in range(5)]
    )
    new = keys.generate_identity()
    assert store.rotate_key(owner, keys.public_key(new)) == 5
    assert all(store.get(record.id).owner_key == keys.public_key(new) for record in records)
    assert audit_store(store, [new]) == []


def test_rotate_key__same_or_malformed_key__refused(store: Store, owner: x25519.Identity) -> None:
    with pytest.raises(ValidationError, match="new_key is the key being rotated out"):
        store.rotate_key(owner, keys.public_key(owner))
    with pytest.raises(ValidationError, match="new_key must be 32 bytes"):
        store.rotate_key(owner, b"\x01" * 16)
