"""Storing, reading and exporting encrypted parts, on SQLite and PostgreSQL; schema migrations."""

import os
import subprocess
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from eth_utils import keccak
from hypothesis import given
from hypothesis import strategies as st
from pyrage import x25519

from originproof import keys
from originproof.errors import DecryptionError, IntegrityError, ValidationError
from originproof.store import DEFAULT_STORE_URL, NewPart, PartKind, Store, sealing
from originproof.store.schema import Base

MakePart = Callable[..., NewPart]


def test_put__record_describes_the_part(
    store: Store, make_part: MakePart, other: x25519.Identity, clock
) -> None:
    part = make_part(recipients=(keys.public_key(other),))
    record = store.put(part)
    assert record.cert_hash == part.cert_hash == part.opening.root
    assert record.kind is PartKind.CERTIFICATE
    assert record.owner == "0x1111111111111111111111111111111111111111"
    assert record.owner_key == part.owner_key
    assert record.recipients == tuple(sorted([part.owner_key, keys.public_key(other)]))
    assert record.commitment_root == part.opening.root
    assert record.ciphertext_hash == keccak(record.ciphertext)
    assert record.created_at == clock.now
    assert store.get(record.id) == record


def test_put__lower_case_owner_is_stored_checksummed(store: Store, make_part: MakePart) -> None:
    address = "0x52908400098527886e0f7030069857d2e4169ee7"
    assert store.put(make_part(address=address)).owner == "0x52908400098527886E0F7030069857D2E4169EE7"


def test_read__owner_and_recipients_decrypt_strangers_cannot(
    store: Store, make_part: MakePart, owner: x25519.Identity, other: x25519.Identity
) -> None:
    part = make_part(recipients=(keys.public_key(other),))
    record = store.put(part)
    assert store.read(record.id, owner) == part.opening.to_bytes()
    assert store.read(record.id, other) == part.opening.to_bytes()
    with pytest.raises(DecryptionError) as raised:
        store.read(record.id, keys.generate_identity())
    assert str(raised.value) == "decryption failed"


def test_ciphertext__opens_with_the_age_tool(
    store: Store, make_part: MakePart, owner: x25519.Identity, tmp_path: Path, age_binary: str
) -> None:
    part = make_part()
    record = store.put(part)
    keys.write_identity(tmp_path / "key.txt", owner)
    store.export(record.id, tmp_path / "part.age")
    result = subprocess.run(
        [age_binary, "-d", "-i", str(tmp_path / "key.txt"), str(tmp_path / "part.age")],
        capture_output=True,
        check=True,
    )
    assert result.stdout == part.opening.to_bytes()


@given(st.binary(max_size=4_096))
def test_encrypt_decrypt__round_trips_any_bytes(plaintext: bytes) -> None:
    identity = keys.generate_identity()
    ciphertext = sealing.encrypt(plaintext, [keys.public_key(identity)])
    assert sealing.decrypt(ciphertext, [identity]) == plaintext


def test_put_many__one_transaction_records_in_order(store: Store, make_part: MakePart) -> None:
    parts = [make_part(index) for index in range(5)]
    records = store.put_many(parts)
    assert [record.cert_hash for record in records] == [part.cert_hash for part in parts]
    assert len({record.id for record in records}) == 5
    assert [store.get(record.id) for record in records] == records


def test_put_many__nothing__stores_nothing(store: Store) -> None:
    assert store.put_many([]) == []
    assert list(store.records()) == []


def test_find__by_certificate_kind_and_owner(
    store: Store, make_part: MakePart, other: x25519.Identity, other_address: str
) -> None:
    certificate = store.put(make_part(0))
    annex = store.put(make_part(1, kind=PartKind.ANNEX, cert_hash=certificate.cert_hash))
    declaration = store.put(
        make_part(
            2,
            kind=PartKind.SUPPLIER_DECLARATION,
            cert_hash=certificate.cert_hash,
            identity=other,
            address=other_address,
        )
    )
    store.put(make_part(3))
    assert store.find(certificate.cert_hash) == [certificate, annex, declaration]
    assert store.find(certificate.cert_hash, kind=PartKind.ANNEX) == [annex]
    assert store.find(certificate.cert_hash, owner=other_address) == [declaration]
    assert store.find(bytes(32)) == []


def test_records__pages_through_every_part(store: Store, make_part: MakePart, monkeypatch) -> None:
    monkeypatch.setattr("originproof.store.store._CHUNK", 2)
    stored = store.put_many([make_part(index) for index in range(5)])
    assert list(store.records()) == stored


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"cert_hash": b"\x01" * 31}, "cert_hash must be 32 bytes"),
        ({"kind": "invoice"}, "part kind 'invoice' is not one of certificate, annex"),
        ({"owner": "0x1234"}, "owner '0x1234' is not an account address"),
        ({"owner": "0x52908400098527886E0F7030069857D2E4169Ee7"}, "is not an account address"),
        ({"owner_key": b"\x01" * 33}, "owner_key must be 32 bytes"),
        ({"recipients": (b"\x01" * 31,)}, "recipients must be 32 bytes"),
        ({"opening": b"{}"}, "opening must be an Opening"),
        ({"cert_hash": b"\x01" * 32}, "the opening's root 0x[0-9a-f]{64} is not the certificate hash"),
    ],
)
def test_put_many__invalid_part__names_the_field_and_stores_nothing(
    store: Store, make_part: MakePart, change: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        store.put_many([make_part(0), replace(make_part(1), **change)])
    assert list(store.records()) == []


def test_put_many__duplicate_part__refused_whole_batch(store: Store, make_part: MakePart) -> None:
    part = make_part(0)
    first = store.put(part)
    with pytest.raises(ValidationError, match="already stored"):
        store.put_many([make_part(1), part])
    assert list(store.records()) == [first]


def test_get__unknown_part__is_an_error(store: Store) -> None:
    with pytest.raises(ValidationError, match="part 99 is not in the store"):
        store.get(99)


@pytest.fixture
def exports(tmp_path: Path) -> Path:
    """A directory for exports alone (the SQLite store's files live in tmp_path)."""
    (tmp_path / "exports").mkdir()
    return tmp_path / "exports"


def test_export__writes_the_exact_ciphertext_atomically(
    store: Store, make_part: MakePart, exports: Path
) -> None:
    record = store.put(make_part())
    path = store.export(record.id, exports / "part.age")
    assert path.read_bytes() == record.ciphertext
    assert keccak(path.read_bytes()) == record.ciphertext_hash
    assert os.listdir(exports) == ["part.age"]


def test_export__existing_file_kept_unless_overwrite(
    store: Store, make_part: MakePart, exports: Path
) -> None:
    record = store.put(make_part())
    target = exports / "part.age"
    target.write_bytes(b"older export")
    with pytest.raises(ValidationError, match=f"export file {target} already exists"):
        store.export(record.id, target)
    assert target.read_bytes() == b"older export"
    assert os.listdir(exports) == ["part.age"]
    store.export(record.id, target, overwrite=True)
    assert target.read_bytes() == record.ciphertext


def test_export__failed_write_leaves_nothing(
    store: Store, make_part: MakePart, exports: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = store.put(make_part())

    def fail(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", fail)
    with pytest.raises(OSError, match="No space left"):
        store.export(record.id, exports / "part.age")
    assert os.listdir(exports) == []


def test_export__tampered_part__is_not_exported(
    store: Store, make_part: MakePart, exports: Path, raw_sql: Callable[..., list[tuple[object, ...]]]
) -> None:
    record = store.put(make_part())
    raw_sql("UPDATE parts SET ciphertext = :c WHERE id = :id", c=record.ciphertext + b"\x00", id=record.id)
    with pytest.raises(IntegrityError, match="ciphertext hash mismatch"):
        store.export(record.id, exports / "part.age")
    assert os.listdir(exports) == []


def test_clock__naive_time__is_refused(store_url: str, make_part: MakePart) -> None:
    with (
        Store(store_url, clock=lambda: datetime(2025, 1, 1)) as naive,
        pytest.raises(ValidationError, match="store clock must be a timezone-aware datetime"),
    ):
        naive.put(make_part())


# Opening a store: URLs and migrations


def test_open__migrates_a_blank_database_to_head_matching_the_models(blank_url: str) -> None:
    Store(blank_url).close()
    engine = sqlalchemy.create_engine(blank_url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection)
            assert context.get_current_revision() == "0002"
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()


def test_open__twice__keeps_the_data(store_url: str, make_part: MakePart, clock) -> None:
    with Store(store_url, clock=clock) as first:
        record = first.put(make_part())
    with Store(store_url, clock=clock) as second:
        assert second.get(record.id) == record


def test_open__default_url_is_a_sqlite_file_in_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert DEFAULT_STORE_URL == "sqlite:///originproof.db"
    monkeypatch.chdir(tmp_path)
    with Store():
        pass
    assert (tmp_path / "originproof.db").is_file()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://user@localhost/db", "the store runs on sqlite or postgresql only"),
        ("not a url", "is not a database URL"),
        ("postgresql+nosuchdriver://localhost/db", "no driver for 'postgresql\\+nosuchdriver'"),
    ],
)
def test_open__unsupported_url__is_refused(url: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Store(url)


def test_open__url_password_is_not_shown() -> None:
    with pytest.raises(ValidationError) as raised:
        Store("mysql://user:hunter2@localhost/db")
    assert "hunter2" not in str(raised.value)
