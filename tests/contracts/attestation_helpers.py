"""What a client computes for Attestations, for the tests to hold the contract to.

The uid formula and the EIP-712 message come from `originproof.chain.typed_data`, which rebuilds
them from the spec independently of the contract (eth_abi and eth-account's standard typed-data
signing), so a test that compares the two catches a contract that drifts from what wallets and
clients produce.
"""

from typing import Any

from originproof.chain.typed_data import ATTEST_FIELDS, ATTEST_TYPE, AttestMessage, predict_uid, sign_with_key
from originproof.chain.typed_data import domain as typed_domain
from originproof.enums import Kind, Status

__all__ = ["ATTEST_FIELDS", "ATTEST_TYPE", "AttestMessage", "predict_uid"]

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


def domain(attestations: Any, chain_id: int) -> dict[str, Any]:
    """The EIP-712 domain DESIGN.md fixes for the deployed Attestations contract."""
    return typed_domain(attestations.address, chain_id)


def sign_attest(private_key: Any, message: AttestMessage, attestations: Any, chain_id: int) -> bytes:
    """Sign `message` as a standard wallet's eth_signTypedData_v4 would (eth-account), 65 bytes (r, s, v)."""
    return sign_with_key(private_key, message, attestations.address, chain_id)
