"""What the store holds: the kinds of confidential part, a part to store, and a stored record."""

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from originproof.commitments import Opening


class PartKind(StrEnum):
    """The confidential parts of a certificate, each a serialized commitment opening."""

    CERTIFICATE = "certificate"
    ANNEX = "annex"
    SUPPLIER_DECLARATION = "supplier_declaration"
    VERIFICATION_EVIDENCE = "verification_evidence"


@dataclass(frozen=True)
class NewPart:
    """A part to encrypt and store: a commitment opening, its owner and who else may read it.

    The opening's root becomes the record's commitment root (for a certificate opening, that root is
    the certificate hash itself); its serialized form is what gets encrypted. The part is encrypted to
    `owner_key` and every key in `recipients`, all raw 32-byte X25519 public keys (on-chain
    `encryption_key` values); `owner` is the owner's account address.
    """

    cert_hash: bytes
    kind: PartKind
    owner: str
    owner_key: bytes
    opening: Opening
    recipients: tuple[bytes, ...] = ()


@dataclass(frozen=True)
class PartRecord:
    """A stored part, as read back.

    `recipients` lists every key the ciphertext is encrypted to, the owner's included, sorted.
    `ciphertext_hash` is keccak256 of the ciphertext, the same bytes an exported `.age` file holds;
    `binding` ties that hash to the record's identity and recipients (see `sealing.binding`).
    """

    id: int
    cert_hash: bytes
    kind: PartKind
    owner: str
    owner_key: bytes
    recipients: tuple[bytes, ...]
    commitment_root: bytes
    ciphertext: bytes = field(repr=False)
    ciphertext_hash: bytes
    binding: bytes
    created_at: datetime
    retain_until: datetime
