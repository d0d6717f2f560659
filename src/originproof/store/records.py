"""What the store holds: the kinds of confidential part, a part to store, a stored record, and the
registration of a certificate certified from the store."""

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from originproof.commitments import BatchMembership, Opening
from originproof.enums import Agreement


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


@dataclass(frozen=True)
class CertificateState:
    """What the store keeps about a certificate beyond its parts: its last claim, an open verification."""

    cert_hash: bytes
    last_claim_at: datetime | None
    verification_open: bool


class RegistrationState(StrEnum):
    """How far a certificate certified from this store has got: stored, then registered on chain."""

    STORED = "stored"
    REGISTERED = "registered"


@dataclass(frozen=True)
class NewRegistration:
    """A certificate about to be stored with its parts, not yet registered on chain.

    `document_digest` identifies the certified input (see `Registration`); the chain terms are those
    `Certificates.register` (or the batch leaf) receives; `batch` is set for a member of a batch.
    """

    cert_hash: bytes
    document_digest: bytes
    certifier: str
    agreement: Agreement
    blanket_from: int
    blanket_to: int
    supersedes: bytes | None = None
    batch: BatchMembership | None = None


@dataclass(frozen=True)
class RegistrationRecord(NewRegistration):
    """A registration as read back: its state, the registering transaction and when it was recorded.

    `tx_hash` is None for a registration found already on chain when the store still said `stored`
    (the previous run sent it, then stopped before recording it).
    """

    state: RegistrationState = RegistrationState.STORED
    tx_hash: bytes | None = None
    created_at: datetime | None = None
    registered_at: datetime | None = None
