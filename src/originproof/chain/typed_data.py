"""The Attestations contract's client-side formulas: the uid it will assign and the EIP-712 `Attest` message.

Written from DESIGN.md alone (eth_abi and eth-account's standard typed-data encoding), never read
back from the contract, so the contract tests that compare the two catch a contract that drifts from
what wallets and clients produce.
"""

from dataclasses import asdict, dataclass
from typing import Any

from eth_abi import encode
from eth_account import Account
from eth_account.messages import SignableMessage, encode_typed_data
from eth_utils import keccak

DOMAIN_NAME = "originproof"
DOMAIN_VERSION = "1"
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
_UID_TYPES = ["bytes32", "uint8", "bytes32", "uint64", "address", "uint256"]


def predict_uid(
    cert_hash: bytes, kind: int, evidence_hash: bytes, expires_at: int, attester: str, nonce: int
) -> bytes:
    """The uid the contract assigns: keccak256(abi_encode(cert_hash, kind, evidence_hash, expires_at,
    attester, nonce)), with the attester's nonce before the attestation consumes it."""
    return keccak(encode(_UID_TYPES, [cert_hash, kind, evidence_hash, expires_at, attester, nonce]))


@dataclass(frozen=True)
class AttestMessage:
    """One `Attest` EIP-712 message, its fields named as in the type string."""

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

    @property
    def uid(self) -> bytes:
        """The uid the attestation will get once this message is relayed."""
        return predict_uid(
            self.certHash, self.kind, self.evidenceHash, self.expiresAt, self.attester, self.nonce
        )


def domain(verifying_contract: str, chain_id: int) -> dict[str, Any]:
    """The EIP-712 domain DESIGN.md fixes for the Attestations contract at `verifying_contract`."""
    return {
        "name": DOMAIN_NAME,
        "version": DOMAIN_VERSION,
        "chainId": chain_id,
        "verifyingContract": verifying_contract,
    }


def signable(message: AttestMessage, verifying_contract: str, chain_id: int) -> SignableMessage:
    """The message as `eth_signTypedData_v4` hashes it, ready for any signer (a key or an ape account)."""
    return encode_typed_data(
        domain_data=domain(verifying_contract, chain_id),
        message_types={"Attest": ATTEST_FIELDS},
        message_data=asdict(message),
    )


def sign_with_key(private_key: Any, message: AttestMessage, verifying_contract: str, chain_id: int) -> bytes:
    """Sign as a standard wallet would (eth-account): 65 bytes, r ‖ s ‖ v."""
    signed = Account.sign_message(signable(message, verifying_contract, chain_id), private_key)
    return bytes(signed.signature)
