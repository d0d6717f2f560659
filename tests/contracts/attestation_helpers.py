"""What a client computes for Attestations, written from the spec, for the tests to hold the contract to.

The uid formula and the EIP-712 message are rebuilt here independently of the contract (eth_abi and
eth-account's standard typed-data signing), so a test that compares the two catches a contract that
drifts from what wallets and clients produce.
"""

from dataclasses import asdict, dataclass
from typing import Any

from eth_abi import encode
from eth_account import Account
from eth_utils import keccak

from originproof.enums import Kind, Status

ATTEST_TYPE = (
    "Attest(bytes32 certHash,uint8 kind,bytes32 evidenceHash,uint64 expiresAt,address attester,"
    "uint256 nonce,uint64 deadline)"
)
ATTEST_FIELDS = [
    {"name": "certHash", "type": "bytes32"},
    {"name": "kind", "type": "uint8"},
    {"name": "evidenceHash", "type": "bytes32"},
    {"name": "expiresAt", "type": "uint64"},
    {"name": "attester", "type": "address"},
    {"name": "nonce", "type": "uint256"},
    {"name": "deadline", "type": "uint64"},
]
EIP1271_SIGNATURE_LENGTH = 65

# The kind table of DESIGN.md, cell by cell: who may make each kind ("certifier" is the
# certificate's own certifier) and on which certificate statuses.
MAKERS: dict[Kind, frozenset[str]] = {
    Kind.SUPPLIER_DECLARATION: frozenset({"producer"}),
    Kind.RECEIVED: frozenset({"importer", "broker"}),
    Kind.CLAIM_FILED: frozenset({"importer", "broker"}),
    Kind.ACCESS_GRANTED: frozenset({"certifier", "producer"}),
    Kind.VERIFICATION_RESPONSE: frozenset({"certifier", "producer"}),
    Kind.CUSTOMS_NOTE: frozenset({"customs"}),
}
ALLOWED_STATUSES: dict[Kind, frozenset[Status]] = {
    Kind.SUPPLIER_DECLARATION: frozenset({Status.ACTIVE, Status.UNDER_VERIFICATION, Status.AFFIRMED}),
    Kind.RECEIVED: frozenset({Status.ACTIVE, Status.AFFIRMED}),
    Kind.CLAIM_FILED: frozenset({Status.ACTIVE, Status.AFFIRMED}),
    Kind.ACCESS_GRANTED: frozenset(set(Status) - {Status.NONE, Status.SUPERSEDED, Status.REVOKED}),
    Kind.VERIFICATION_RESPONSE: frozenset({Status.UNDER_VERIFICATION}),
    Kind.CUSTOMS_NOTE: frozenset(set(Status) - {Status.NONE}),
}
ROLE_REASONS: dict[Kind, str] = {
    Kind.SUPPLIER_DECLARATION: "Attestations: supplier declarations are made by producers",
    Kind.RECEIVED: "Attestations: receipts and claims are made by importers or brokers",
    Kind.CLAIM_FILED: "Attestations: receipts and claims are made by importers or brokers",
    Kind.ACCESS_GRANTED: (
        "Attestations: access grants and verification responses are made by the certifier or a producer"
    ),
    Kind.VERIFICATION_RESPONSE: (
        "Attestations: access grants and verification responses are made by the certifier or a producer"
    ),
    Kind.CUSTOMS_NOTE: "Attestations: customs notes are made by customs",
}
UNKNOWN_CERTIFICATE = "Attestations: unknown certificate"
STATUS_FORBIDS_KIND = "Attestations: certificate status does not allow this kind"
INACTIVE_ATTESTER = "Attestations: attester is not an active participant"
INVALID_SIGNATURE = "Attestations: invalid signature"

# Kinds whose maker is fixed by role alone; the others also admit the certificate's certifier,
# which is only known once the certificate is read.
_ROLE_ONLY_KINDS = frozenset({Kind.SUPPLIER_DECLARATION, Kind.RECEIVED, Kind.CLAIM_FILED, Kind.CUSTOMS_NOTE})


def expected_revert(kind: Kind, actor: str, status: Status) -> str | None:
    """The reason an attestation of `kind` by `actor` on a certificate in `status` reverts with, or None.

    The order is the contract's documented one: the role when it alone decides, then whether the
    certificate exists, then the certifier for kinds 4 and 5, then the status.
    """
    if kind in _ROLE_ONLY_KINDS and actor not in MAKERS[kind]:
        return ROLE_REASONS[kind]
    if status == Status.NONE:
        return UNKNOWN_CERTIFICATE
    if actor not in MAKERS[kind]:
        return ROLE_REASONS[kind]
    if status not in ALLOWED_STATUSES[kind]:
        return STATUS_FORBIDS_KIND
    return None


def predict_uid(
    cert_hash: bytes, kind: int, evidence_hash: bytes, expires_at: int, attester: str, nonce: int
) -> bytes:
    """The uid a client predicts before sending.

    keccak256(abi_encode(cert_hash, kind, evidence_hash, expires_at, attester, nonce)).
    """
    return keccak(
        encode(
            ["bytes32", "uint8", "bytes32", "uint64", "address", "uint256"],
            [cert_hash, kind, evidence_hash, expires_at, attester, nonce],
        )
    )


@dataclass(frozen=True)
class AttestMessage:
    """One `Attest` EIP-712 message, with the field names of the type string."""

    certHash: bytes
    kind: int
    evidenceHash: bytes
    expiresAt: int
    attester: str
    nonce: int
    deadline: int

    def by_sig_args(self, signature: bytes) -> tuple[Any, ...]:
        """The positional arguments of `attest_by_sig` that carry this message and its signature."""
        return (
            self.certHash,
            self.kind,
            self.evidenceHash,
            self.expiresAt,
            self.attester,
            self.deadline,
            signature,
        )


def domain(attestations: Any, chain_id: int) -> dict[str, Any]:
    """The EIP-712 domain DESIGN.md fixes for the Attestations contract."""
    return {
        "name": "originproof",
        "version": "1",
        "chainId": chain_id,
        "verifyingContract": attestations.address,
    }


def sign_attest(private_key: Any, message: AttestMessage, attestations: Any, chain_id: int) -> bytes:
    """Sign `message` as a standard wallet's eth_signTypedData_v4 would (eth-account), 65 bytes (r, s, v)."""
    signed = Account.sign_typed_data(
        private_key,
        domain_data=domain(attestations, chain_id),
        message_types={"Attest": ATTEST_FIELDS},
        message_data=asdict(message),
    )
    return bytes(signed.signature)
