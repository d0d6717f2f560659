"""Access grants: a part's owner opens it to one more party, who checks what they received.

The owner re-encrypts the part to the grantee's on-chain `encryption_key` and attests ACCESS_GRANTED
with the evidence `keccak256(abi_encode(grantee, ciphertext_hash))` (DESIGN.md), binding the grant to
the exact bytes handed over. The grantee decrypts them, recomputes the commitment root and matches it
with the hash the chain holds (the certificate hash, or the annex root the certificate commits to).
"""

from dataclasses import dataclass

from eth_abi import encode
from eth_utils import keccak
from pyrage import x25519

from originproof._internal.checks import require_address, require_bytes32
from originproof.errors import IntegrityError, ValidationError
from originproof.store import PartRecord, Store, sealing
from originproof.store.integrity import check_opening


@dataclass(frozen=True)
class Grant:
    """A part shared with a grantee, and the evidence hash its ACCESS_GRANTED attestation carries."""

    record: PartRecord
    grantee: str
    evidence: bytes


def access_evidence(grantee: str, ciphertext_hash: bytes) -> bytes:
    """ACCESS_GRANTED's evidence hash: keccak256 of the ABI encoding of (grantee address, ciphertext hash)."""
    return keccak(encode(["address", "bytes32"], [require_address(grantee, "grantee"), ciphertext_hash]))


def grant_access(
    store: Store, part_id: int, owner_identity: x25519.Identity, grantee: str, grantee_key: bytes
) -> Grant:
    """Re-encrypt a stored part to `grantee_key` (the grantee's on-chain key) as its owner, and
    return the grant with the evidence to attest."""
    grantee = require_address(grantee, "grantee")
    grantee_key = require_bytes32(grantee_key, "grantee_key")
    if grantee_key == bytes(len(grantee_key)):
        raise ValidationError(f"grantee {grantee} has no encryption key (its on-chain key is zero)")
    record = store.share(part_id, owner_identity, grantee_key)
    return Grant(record=record, grantee=grantee, evidence=access_evidence(grantee, record.ciphertext_hash))


def verify_evidence(evidence: bytes, grantee: str, ciphertext: bytes) -> None:
    """Raise `IntegrityError` unless `ciphertext` is what `grantee`'s ACCESS_GRANTED `evidence` names."""
    if access_evidence(grantee, sealing.ciphertext_hash(ciphertext)) != evidence:
        raise IntegrityError(
            f"granted ciphertext does not match the ACCESS_GRANTED evidence 0x{evidence.hex()}"
        )


def open_grant(ciphertext: bytes, identity: x25519.Identity, expected_root: bytes) -> bytes:
    """The grantee's side: decrypt a granted part and check it opens to `expected_root`, the on-chain hash.

    Raises `DecryptionError` if `identity` cannot open it, `IntegrityError` if the plaintext does not
    open to the expected root.
    """
    plaintext = sealing.decrypt(ciphertext, [identity])
    check_opening(plaintext, expected_root, what="granted part")
    return plaintext
