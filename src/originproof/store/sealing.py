"""Encrypting parts with age, and the hashes that make a stored byte's change detectable.

Hashes are keccak256, the chain's hash: `ciphertext_hash` is what an ACCESS_GRANTED attestation's
evidence commits to, so anyone holding the `.age` file can check it against the chain.
"""

from collections.abc import Iterable, Sequence
from functools import lru_cache

import pyrage
from pyrage import x25519

from originproof import keys
from originproof._internal.keccak import keccak
from originproof.errors import DecryptionError
from originproof.store.records import PartRecord

BINDING_TAG = b"originproof/part-binding/1"


@lru_cache(maxsize=4_096)
def _recipient(key: bytes) -> x25519.Recipient:
    # Batches encrypt thousands of parts to the same few participants: parse each key once.
    return keys.recipient(key)


def encrypt(plaintext: bytes, recipient_keys: Iterable[bytes]) -> bytes:
    """`plaintext` encrypted with age (binary format) to each raw 32-byte X25519 public key."""
    return pyrage.encrypt(plaintext, [_recipient(key) for key in recipient_keys])


def decrypt(ciphertext: bytes, identities: Sequence[x25519.Identity]) -> bytes:
    """The plaintext of an age ciphertext; `DecryptionError`, saying no more, if no identity opens it."""
    try:
        return pyrage.decrypt(ciphertext, list(identities))
    except pyrage.DecryptError:
        raise DecryptionError("decryption failed") from None


def ciphertext_hash(ciphertext: bytes) -> bytes:
    """keccak256 of the ciphertext bytes, exactly as stored and exported."""
    return keccak(ciphertext)


def binding(
    *,
    cert_hash: bytes,
    kind: str,
    owner: str,
    owner_key: bytes,
    recipients: Sequence[bytes],
    commitment_root: bytes,
    ciphertext_hash: bytes,
) -> bytes:
    """keccak256 over a record's identity, its recipients and its ciphertext hash.

    The preimage is `BINDING_TAG ‖ cert_hash ‖ owner (20 bytes) ‖ owner_key ‖ commitment_root ‖
    ciphertext_hash ‖ len(kind) (1 byte) ‖ kind (ASCII) ‖ recipients (32 bytes each, sorted)`: every
    field but the last two has a fixed size and the kind carries its length, so no two records share
    a preimage. (Hand-packed rather than ABI-encoded: batches bind thousands of records a second.)

    A ciphertext (with its hash) moved into another record, or a record's owner, kind, certificate,
    recipients or commitment root edited, no longer matches. It is not keyed: it catches swaps and
    edits by anyone who does not recompute it; a deliberate forger who does is still caught when the
    decrypted plaintext fails to open to the commitment root, which the chain fixes.
    """
    kind_bytes = kind.encode("ascii")
    return keccak(
        b"".join(
            [
                BINDING_TAG,
                cert_hash,
                bytes.fromhex(owner.removeprefix("0x")),
                owner_key,
                commitment_root,
                ciphertext_hash,
                len(kind_bytes).to_bytes(1, "big"),
                kind_bytes,
                *sorted(recipients),
            ]
        )
    )


def record_binding(record: PartRecord) -> bytes:
    """The binding a stored record's own columns compute to: what its `binding` must equal."""
    return binding(
        cert_hash=record.cert_hash,
        kind=record.kind,
        owner=record.owner,
        owner_key=record.owner_key,
        recipients=record.recipients,
        commitment_root=record.commitment_root,
        ciphertext_hash=record.ciphertext_hash,
    )
