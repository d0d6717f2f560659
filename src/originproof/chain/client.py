"""The chain client: ape as a library, to write to a deployment (accounts sign) and read it.

Writes take the sending ape account and return a `TxResult` (hash, gas, block, wall time); a revert
becomes a ChainError carrying the contract's own reason ("Certificates: certificate already
registered"). Reads come from `ChainViews`, over ape's own web3 connection.
"""

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any, TypeVar

from eth_account import Account

from originproof.chain import typed_data
from originproof.chain.abi import contract_type
from originproof.chain.endpoint import Endpoint
from originproof.chain.records import TxResult
from originproof.chain.views import ChainViews, address_of, batch_member_args, hash32
from originproof.deployments import Deployment
from originproof.enums import Kind, Status
from originproof.errors import ChainError, ValidationError

T = TypeVar("T")
NO_AMENDMENT = b"\x00" * 32


class _NoTracebackNoise(logging.Filter):
    """Drops ape's "Problem retrieving traceback" error: on a chain without tracing (the embedded one),
    ape logs it for every revert of a contract whose source is in the current project, although the
    revert reason, all the client reports, is intact."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Problem retrieving traceback")


_TRACEBACK_NOISE = _NoTracebackNoise()


def confirmations_for(network: Any, asked: int | None) -> int:
    """How many blocks a transaction waits for on ape's `network`: `asked`, else the network's default;
    always 0 on a local network, whose blocks are mined only by transactions (waiting would never end)."""
    if network.is_local:
        return 0
    return int(network.required_confirmations) if asked is None else asked


class ChainClient(ChainViews):
    """One deployment on the network ape is connected to.

    `participants`, `certificates` and `attestations` are ape contract instances for anything the
    calls below do not cover. Transactions wait for `confirmations` blocks (`confirmations_for`).
    """

    def __init__(self, deployment: Deployment, provider: Any, confirmations: int) -> None:
        from ape.contracts import ContractInstance
        from eth_tester.exceptions import TransactionFailed
        from web3.exceptions import ContractLogicError

        logging.getLogger("ape").addFilter(_TRACEBACK_NOISE)
        self.deployment = deployment
        self.provider = provider
        self.confirmations = confirmations
        self.participants = ContractInstance(deployment.participants, contract_type("Participants"))
        self.certificates = ContractInstance(deployment.certificates, contract_type("Certificates"))
        self.attestations = ContractInstance(deployment.attestations, contract_type("Attestations"))
        # The embedded chain (eth-tester) reports a reverted call its own way, a node the web3.py way.
        self._endpoint = Endpoint(
            provider.network.choice,
            provider.web3,
            deployment,
            reverts=(ContractLogicError, TransactionFailed),
        )

    @classmethod
    def connect(cls, deployment: Deployment, confirmations: int | None = None) -> "ChainClient":
        """The client of `deployment` on ape's connected network; ChainError when it is another chain."""
        from ape import networks

        provider = networks.active_provider
        if provider is None or not provider.is_connected:
            raise ChainError("ape is not connected to a network: connect before opening the chain client")
        if confirmations is not None and confirmations < 0:
            raise ValidationError(f"confirmations: must be 0 or more, got {confirmations}")
        client = cls(deployment, provider, confirmations_for(provider.network, confirmations))
        client._run(lambda endpoint: endpoint.check())
        return client

    def _run(self, operation: Callable[[Endpoint], T]) -> T:
        from requests import RequestException
        from web3.exceptions import Web3Exception

        try:
            return operation(self._endpoint)
        except (RequestException, Web3Exception) as error:
            raise ChainError(f"reading chain {self.deployment.chain_id} failed: {error}") from error

    def _send(self, name: str, method: Any, sender: Any, *args: Any) -> tuple[Any, TxResult]:
        """Send `method(*args)` from `sender` and wait for its receipt and confirmations."""
        from ape.exceptions import ApeException, ContractLogicError
        from requests import RequestException

        started = time.perf_counter()
        try:
            receipt = method(*args, sender=sender, required_confirmations=self.confirmations)
        except ContractLogicError as error:
            reason = error.revert_message
            raise ChainError(
                reason if reason and reason != "Transaction failed." else f"{name} reverted"
            ) from error
        except (ApeException, RequestException) as error:
            raise ChainError(f"{name} from {address_of(sender)} failed: {error}") from error
        seconds = time.perf_counter() - started
        result = TxResult(
            name=name,
            tx_hash=str(receipt.txn_hash),
            gas_used=int(receipt.gas_used),
            block_number=int(receipt.block_number),
            seconds=seconds,
        )
        return receipt, result

    def _transact(self, name: str, method: Any, sender: Any, *args: Any) -> TxResult:
        return self._send(name, method, sender, *args)[1]

    # Participants

    def enroll(
        self, sender: Any, account: Any, role: bytes, profile_hash: bytes, encryption_key: bytes
    ) -> TxResult:
        """Customs enrolls `account` in `role` (an `enums.Role` id) with its profile hash and age key."""
        return self._transact(
            "enroll",
            self.participants.enroll,
            sender,
            address_of(account),
            hash32(role, "role"),
            hash32(profile_hash, "profile_hash"),
            hash32(encryption_key, "encryption_key"),
        )

    def suspend(self, sender: Any, account: Any) -> TxResult:
        return self._transact("suspend", self.participants.suspend, sender, address_of(account))

    def reinstate(self, sender: Any, account: Any) -> TxResult:
        return self._transact("reinstate", self.participants.reinstate, sender, address_of(account))

    def set_encryption_key(self, sender: Any, key: bytes) -> TxResult:
        """The sender rotates its own encryption key."""
        return self._transact(
            "set_encryption_key", self.participants.set_encryption_key, sender, hash32(key, "key")
        )

    # Certificates

    def register(
        self,
        sender: Any,
        cert_hash: bytes,
        agreement: int,
        blanket_from: int,
        blanket_to: int,
        supersedes: bytes = NO_AMENDMENT,
    ) -> TxResult:
        return self._transact(
            "register",
            self.certificates.register,
            sender,
            hash32(cert_hash, "cert_hash"),
            agreement,
            blanket_from,
            blanket_to,
            hash32(supersedes, "supersedes"),
        )

    def register_batch(self, sender: Any, root: bytes, count: int) -> TxResult:
        return self._transact(
            "register_batch", self.certificates.register_batch, sender, hash32(root, "root"), count
        )

    def materialize(
        self,
        sender: Any,
        root: bytes,
        cert_hash: bytes,
        agreement: int,
        blanket_from: int,
        blanket_to: int,
        proof: Sequence[bytes],
    ) -> TxResult:
        """Give a batch member its own record (anyone may, with the member's proof)."""
        args = batch_member_args(root, cert_hash, agreement, blanket_from, blanket_to, proof)
        return self._transact("materialize", self.certificates.materialize, sender, *args)

    def revoke(self, sender: Any, cert_hash: bytes, reason: bytes) -> TxResult:
        return self._transact(
            "revoke",
            self.certificates.revoke,
            sender,
            hash32(cert_hash, "cert_hash"),
            hash32(reason, "reason"),
        )

    def open_verification(self, sender: Any, cert_hash: bytes, request_hash: bytes) -> TxResult:
        return self._transact(
            "open_verification",
            self.certificates.open_verification,
            sender,
            hash32(cert_hash, "cert_hash"),
            hash32(request_hash, "request_hash"),
        )

    def close_verification(
        self, sender: Any, cert_hash: bytes, outcome: Status, finding_hash: bytes
    ) -> TxResult:
        return self._transact(
            "close_verification",
            self.certificates.close_verification,
            sender,
            hash32(cert_hash, "cert_hash"),
            int(outcome),
            hash32(finding_hash, "finding_hash"),
        )

    # Attestations

    def attest(
        self, sender: Any, cert_hash: bytes, kind: Kind, evidence_hash: bytes, expires_at: int = 0
    ) -> TxResult:
        """Attest as `sender`; the result's `value` is the new attestation's uid."""
        return self._attested(
            "attest",
            self.attestations.attest,
            sender,
            hash32(cert_hash, "cert_hash"),
            int(kind),
            hash32(evidence_hash, "evidence_hash"),
            expires_at,
        )

    def sign_attestation(
        self,
        signer: Any,
        cert_hash: bytes,
        kind: Kind,
        evidence_hash: bytes,
        expires_at: int,
        deadline: int,
        nonce: int | None = None,
    ) -> bytes:
        """The `signer`'s EIP-712 `Attest` signature (65 bytes, r ‖ s ‖ v) for a relayer to submit.

        `signer` is a private key (hex str or bytes) or an ape account; the attester is its address.
        Without `nonce`, the attester's current nonce is read from the chain.
        """
        is_key = isinstance(signer, str | bytes)
        attester = Account.from_key(signer).address if is_key else address_of(signer)
        message = typed_data.AttestMessage(
            certHash=hash32(cert_hash, "cert_hash"),
            kind=int(kind),
            evidenceHash=hash32(evidence_hash, "evidence_hash"),
            expiresAt=expires_at,
            attester=attester,
            nonce=self.nonces(attester) if nonce is None else nonce,
            deadline=deadline,
        )
        chain_id, contract = self.deployment.chain_id, self.deployment.attestations
        if is_key:
            return typed_data.sign_with_key(signer, message, contract, chain_id)
        signature = signer.sign_message(typed_data.signable(message, contract, chain_id))
        if signature is None:
            raise ChainError(f"account {attester} declined to sign the attestation")
        return bytes(signature.encode_rsv())

    def attest_by_sig(
        self,
        relayer: Any,
        cert_hash: bytes,
        kind: Kind,
        evidence_hash: bytes,
        expires_at: int,
        attester: Any,
        deadline: int,
        signature: bytes,
    ) -> TxResult:
        """Relay `attester`'s signed attestation, paying its gas; the result's `value` is the uid."""
        return self._attested(
            "attest_by_sig",
            self.attestations.attest_by_sig,
            relayer,
            hash32(cert_hash, "cert_hash"),
            int(kind),
            hash32(evidence_hash, "evidence_hash"),
            expires_at,
            address_of(attester),
            deadline,
            signature,
        )

    def revoke_attestation(self, sender: Any, uid: bytes, reason: bytes) -> TxResult:
        return self._transact(
            "revoke_attestation",
            self.attestations.revoke_attestation,
            sender,
            hash32(uid, "uid"),
            hash32(reason, "reason"),
        )

    def _attested(self, name: str, method: Any, sender: Any, *args: Any) -> TxResult:
        """Send an attestation; its uid is read from the `Attested` log (a trace is not always available)."""
        receipt, result = self._send(name, method, sender, *args)
        uids = [bytes(log.uid) for log in receipt.decode_logs(self.attestations.Attested)]
        if len(uids) != 1:
            raise ChainError(f"{name} in {result.tx_hash} logged {len(uids)} attestations, expected 1")
        return replace(result, value=uids[0])
