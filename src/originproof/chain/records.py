"""What the chain answers, as small frozen values shared by the client (ape) and the reader (web3.py).

Hashes are 32-byte `bytes`, addresses checksummed `str`, codes the IntEnums of `originproof.enums`.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from originproof.enums import Agreement, Kind, Status

# Participants' `roles_of` bitmask, bit by bit: the names are those of `originproof.enums.Role`.
ROLE_BITS = ("CUSTOMS", "EXPORTER", "PRODUCER", "IMPORTER", "BROKER")


def role_names(mask: int) -> frozenset[str]:
    """The role names set in a `roles_of` bitmask (empty for a suspended or unknown account)."""
    return frozenset(name for bit, name in enumerate(ROLE_BITS) if mask >> bit & 1)


@dataclass(frozen=True)
class TxResult:
    """One mined transaction: its hash, gas, block and wall time of send and receipt.

    `value` is the uid for `attest` and `attest_by_sig`, None for the other calls.
    """

    name: str
    tx_hash: str
    gas_used: int
    block_number: int
    seconds: float
    value: bytes | None = None


@dataclass(frozen=True)
class CertificateRecord:
    """`Certificates.certificate(cert_hash)`: all zero (status NONE) for an unknown hash."""

    certifier: str
    agreement: int
    status: Status
    issued_at: int
    blanket_from: int
    blanket_to: int
    supersedes: bytes

    @property
    def agreement_code(self) -> Agreement | None:
        """The agreement as an enum, None for an unknown certificate (agreement 0)."""
        return Agreement(self.agreement) if self.agreement else None


@dataclass(frozen=True)
class BatchRecord:
    """`Certificates.batch(root)`: certifier zero address for an unknown root."""

    certifier: str
    count: int
    registered_at: int


@dataclass(frozen=True)
class AttestationRecord:
    """`Attestations.attestation(uid)`: all zero for an unknown uid."""

    attester: str
    kind: int
    created_at: int
    expires_at: int
    revoked: bool


@dataclass(frozen=True)
class AttestationEvent:
    """One `Attested` log: the attestation as made, with the hashes storage does not keep."""

    uid: bytes
    cert_hash: bytes
    attester: str
    kind: Kind
    evidence_hash: bytes
    expires_at: int
    nonce: int
    block_number: int
    tx_hash: str


@dataclass(frozen=True)
class ChainEvent:
    """Any event of the deployment's three contracts, in chain order by (block_number, log_index).

    `contract` is "Participants", "Certificates" or "Attestations"; `args` maps the event's field
    names to values (bytes32 as bytes, addresses checksummed, integers as int).
    """

    contract: str
    name: str
    args: Mapping[str, Any]
    block_number: int
    log_index: int
    tx_hash: str
