"""The deployment's read calls, one implementation for the ape client and the failover reader.

A subclass says only how an operation reaches an `Endpoint` (`_run`): the client through ape's own
connection, the reader through each RPC URL in turn.
"""

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from originproof.chain import logs
from originproof.chain.endpoint import Endpoint
from originproof.chain.records import (
    AttestationEvent,
    AttestationRecord,
    BatchRecord,
    CertificateRecord,
    ChainEvent,
    role_names,
)
from originproof.deployments import Deployment
from originproof.enums import Status
from originproof.errors import ValidationError

T = TypeVar("T")
DEFAULT_PAGE = 2_000


def hash32(value: bytes, field: str) -> bytes:
    """`value` when it is 32 bytes (a hash, uid, root or key); ValidationError naming `field` otherwise."""
    if not isinstance(value, bytes) or len(value) != 32:
        shape = f"{len(value)} bytes" if isinstance(value, bytes) else type(value).__name__
        raise ValidationError(f"{field}: expected 32 bytes, got {shape}")
    return value


def batch_member_args(
    root: bytes, cert_hash: bytes, agreement: int, blanket_from: int, blanket_to: int, proof: Sequence[bytes]
) -> tuple[Any, ...]:
    """A batch member as `status_in_batch` and `materialize` both take it, its hashes checked."""
    return (
        hash32(root, "root"),
        hash32(cert_hash, "cert_hash"),
        agreement,
        blanket_from,
        blanket_to,
        list(proof),
    )


def address_of(account: Any) -> str:
    """The address of an ape account, or the address string itself."""
    return str(getattr(account, "address", account))


class ChainViews(ABC):
    """Read calls of one deployment (no sender, no gas)."""

    deployment: Deployment

    @abstractmethod
    def _run(self, operation: Callable[[Endpoint], T]) -> T:
        """Run `operation` against an endpoint of the deployment's chain."""

    def _call(self, contract: str, function: str, *args: Any) -> Any:
        return self._run(lambda endpoint: endpoint.call(contract, function, *args))

    def status(self, cert_hash: bytes) -> Status:
        """The certificate's status (NONE for an unknown hash or an untouched batch member)."""
        return Status(self._call("Certificates", "status", hash32(cert_hash, "cert_hash")))

    def certificate(self, cert_hash: bytes) -> CertificateRecord:
        """The certificate's whole on-chain record (all zero, status NONE, when unknown)."""
        certifier, agreement, status, issued_at, blanket_from, blanket_to, supersedes = self._call(
            "Certificates", "certificate", hash32(cert_hash, "cert_hash")
        )
        return CertificateRecord(
            certifier=certifier,
            agreement=agreement,
            status=Status(status),
            issued_at=issued_at,
            blanket_from=blanket_from,
            blanket_to=blanket_to,
            supersedes=bytes(supersedes),
        )

    def batch(self, root: bytes) -> BatchRecord:
        """The registered batch of `root` (certifier the zero address when unknown)."""
        certifier, count, registered_at = self._call("Certificates", "batch", hash32(root, "root"))
        return BatchRecord(certifier=certifier, count=count, registered_at=registered_at)

    def status_in_batch(
        self,
        root: bytes,
        cert_hash: bytes,
        agreement: int,
        blanket_from: int,
        blanket_to: int,
        proof: Sequence[bytes],
    ) -> Status:
        """A batch member's status (NONE unless the proof holds for a registered batch).

        Invalid terms revert, which is an answer: ChainError with the contract's reason.
        """
        args = batch_member_args(root, cert_hash, agreement, blanket_from, blanket_to, proof)
        return Status(self._call("Certificates", "status_in_batch", *args))

    def roles_of(self, account: Any) -> frozenset[str]:
        """The role names (as in `enums.Role`: "CUSTOMS", "PRODUCER", …) of an active participant; empty
        when suspended or unknown."""
        return role_names(self._call("Participants", "roles_of", address_of(account)))

    def has_role(self, role: bytes, account: Any) -> bool:
        """Whether `account` holds `role` (a role id of `enums.Role`), suspended or not."""
        return bool(self._call("Participants", "hasRole", hash32(role, "role"), address_of(account)))

    def is_active(self, account: Any) -> bool:
        return bool(self._call("Participants", "is_active", address_of(account)))

    def encryption_key(self, account: Any) -> bytes:
        """The participant's raw X25519 public key (32 zero bytes when it has none)."""
        return bytes(self._call("Participants", "encryption_key", address_of(account)))

    def attestation(self, uid: bytes) -> AttestationRecord:
        """The stored attestation (all zero when unknown)."""
        attester, kind, created_at, expires_at, revoked = self._call(
            "Attestations", "attestation", hash32(uid, "uid")
        )
        return AttestationRecord(
            attester=attester, kind=kind, created_at=created_at, expires_at=expires_at, revoked=revoked
        )

    def is_valid(self, uid: bytes) -> bool:
        return bool(self._call("Attestations", "is_valid", hash32(uid, "uid")))

    def nonces(self, account: Any) -> int:
        """The nonce the account's next attestation, direct or signed, consumes."""
        return int(self._call("Attestations", "nonces", address_of(account)))

    def block_number(self) -> int:
        return self._run(lambda endpoint: endpoint.block_number())

    def block_timestamp(self, block: int | str = "latest") -> int:
        return self._run(lambda endpoint: endpoint.block_timestamp(block))

    def attestations_of(
        self,
        cert_hash: bytes,
        from_block: int | None = None,
        to_block: int | None = None,
        page: int = DEFAULT_PAGE,
    ) -> list[AttestationEvent]:
        """Every attestation of the certificate, from its `Attested` logs, in chain order, paged like
        `events`."""
        hash32(cert_hash, "cert_hash")
        found = self._logs(
            lambda first, last: logs.attested_filter(self.deployment, cert_hash, first, last),
            from_block,
            to_block,
            page,
        )
        return [logs.attestation_event(event) for event in found]

    def events(
        self, from_block: int | None = None, to_block: int | None = None, page: int = DEFAULT_PAGE
    ) -> list[ChainEvent]:
        """Every event of the deployment's three contracts in chain order.

        Blocks from `from_block` (default: the deployment's block) to `to_block` (default: the
        latest) are read `page` blocks at a time, so an RPC's block-range limit is respected.
        """
        return self._logs(
            lambda first, last: logs.deployment_filter(self.deployment, first, last),
            from_block,
            to_block,
            page,
        )

    def _logs(
        self,
        params: Callable[[int, int], dict[str, Any]],
        from_block: int | None,
        to_block: int | None,
        page: int,
    ) -> list[ChainEvent]:
        """The logs `params(first, last)` selects in each page of blocks, decoded, in chain order."""
        start = self.deployment.block if from_block is None else from_block

        def read(endpoint: Endpoint) -> list[ChainEvent]:
            stop = endpoint.block_number() if to_block is None else to_block
            found = [
                logs.decode_event(log, self.deployment)
                for first, last in logs.block_ranges(start, stop, page)
                for log in endpoint.logs(params(first, last))
            ]
            return logs.in_chain_order(found)

        return self._run(read)
