"""Access grants: the owner re-encrypts to the grantee's on-chain key; the grantee checks what arrives."""

from collections.abc import Callable
from pathlib import Path

import pytest
from eth_utils import keccak
from pyrage import x25519

from originproof import keys
from originproof.errors import DecryptionError, IntegrityError, ValidationError
from originproof.grant import access_evidence, grant_access, open_grant, verify_evidence
from originproof.store import NewPart, PartKind, Store, audit_store, sealing

MakePart = Callable[..., NewPart]

CUSTOMS = "0x52908400098527886E0F7030069857D2E4169EE7"


@pytest.fixture
def customs() -> x25519.Identity:
    return keys.generate_identity()


def test_access_evidence__keccak_of_abi_encoded_address_and_hash() -> None:
    ciphertext_hash = bytes(range(32))
    # abi.encode(address, bytes32): the address left-padded to a 32-byte word, then the hash.
    preimage = bytes(12) + bytes.fromhex(CUSTOMS[2:]) + ciphertext_hash
    assert access_evidence(CUSTOMS, ciphertext_hash) == keccak(preimage)
    assert access_evidence(CUSTOMS.lower(), ciphertext_hash) == keccak(preimage)


def test_access_evidence__bad_grantee__names_it() -> None:
    with pytest.raises(ValidationError, match="grantee '0xabc' is not an account address"):
        access_evidence("0xabc", bytes(32))


def test_grant__grantee_decrypts_and_matches_the_on_chain_hash(
    store: Store, make_part: MakePart, owner: x25519.Identity, customs: x25519.Identity, tmp_path: Path
) -> None:
    certificate = make_part(0)
    record = store.put(certificate)
    annex = store.put(make_part(1, kind=PartKind.ANNEX, cert_hash=record.cert_hash))
    grant = grant_access(store, annex.id, owner, CUSTOMS, keys.public_key(customs))

    assert keys.public_key(customs) in grant.record.recipients
    assert grant.grantee == CUSTOMS
    assert grant.evidence == access_evidence(CUSTOMS, grant.record.ciphertext_hash)
    exported = store.export(annex.id, tmp_path / "annex.age").read_bytes()
    verify_evidence(grant.evidence, CUSTOMS, exported)
    plaintext = open_grant(exported, customs, expected_root=annex.commitment_root)
    assert plaintext == store.read(annex.id, owner)
    assert audit_store(store, [owner, customs]) == []


def test_grant__only_the_owner_may_grant(
    store: Store, make_part: MakePart, other: x25519.Identity, customs: x25519.Identity
) -> None:
    record = store.put(make_part(recipients=(keys.public_key(other),)))
    with pytest.raises(ValidationError, match="can be shared only by its owner"):
        grant_access(store, record.id, other, CUSTOMS, keys.public_key(customs))


def test_grant__grantee_without_key__refused(
    store: Store, make_part: MakePart, owner: x25519.Identity
) -> None:
    record = store.put(make_part())
    with pytest.raises(ValidationError, match=f"grantee {CUSTOMS} has no encryption key"):
        grant_access(store, record.id, owner, CUSTOMS, bytes(32))
    with pytest.raises(ValidationError, match="grantee_key must be 32 bytes"):
        grant_access(store, record.id, owner, CUSTOMS, b"\x01" * 20)
    with pytest.raises(ValidationError, match="grantee 'customs' is not an account address"):
        grant_access(store, record.id, owner, "customs", b"\x01" * 32)
    assert store.get(record.id) == record


def test_open_grant__wrong_identity__uninformative_decryption_error(
    store: Store, make_part: MakePart, owner: x25519.Identity, customs: x25519.Identity
) -> None:
    record = store.put(make_part())
    grant = grant_access(store, record.id, owner, CUSTOMS, keys.public_key(customs))
    with pytest.raises(DecryptionError) as raised:
        open_grant(grant.record.ciphertext, keys.generate_identity(), record.commitment_root)
    assert str(raised.value) == "decryption failed"


def test_open_grant__plaintext_for_another_root__integrity_error(
    store: Store, make_part: MakePart, owner: x25519.Identity, customs: x25519.Identity
) -> None:
    first, second = store.put_many([make_part(0), make_part(1)])
    grant = grant_access(store, first.id, owner, CUSTOMS, keys.public_key(customs))
    with pytest.raises(IntegrityError, match=f"not to its commitment root 0x{second.commitment_root.hex()}"):
        open_grant(grant.record.ciphertext, customs, second.commitment_root)


def test_open_grant__not_an_opening__integrity_error(customs: x25519.Identity) -> None:
    ciphertext = sealing.encrypt(b"just a spreadsheet", [keys.public_key(customs)])
    with pytest.raises(IntegrityError, match="plaintext is not a valid opening"):
        open_grant(ciphertext, customs, bytes(32))


def test_verify_evidence__other_bytes_or_grantee__integrity_error(
    store: Store, make_part: MakePart, owner: x25519.Identity, customs: x25519.Identity
) -> None:
    record = store.put(make_part())
    grant = grant_access(store, record.id, owner, CUSTOMS, keys.public_key(customs))
    with pytest.raises(IntegrityError, match="does not match the ACCESS_GRANTED evidence"):
        verify_evidence(grant.evidence, CUSTOMS, grant.record.ciphertext + b"\x00")
    with pytest.raises(IntegrityError, match="does not match the ACCESS_GRANTED evidence"):
        verify_evidence(grant.evidence, "0x" + "99" * 20, grant.record.ciphertext)
