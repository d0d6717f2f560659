"""The chain context of a disclosure: the certificate as `Certificates` records it."""

from dataclasses import dataclass
from typing import Any

from originproof._internal import wire
from originproof.enums import Agreement
from originproof.errors import ValidationError

MAX_BATCH_PROOF = 32
"""The longest batch proof `Certificates.status_in_batch` takes (`DynArray[bytes32, 32]`)."""

_AGREEMENT_CODES = frozenset(agreement.value for agreement in Agreement)


@dataclass(frozen=True)
class BatchMembership:
    """How an untouched member of a batch is found on chain: the batch root and the member's proof.

    The batch tree's leaf is `(bytes32 certHash, uint8 agreement, uint64 blanketFrom, uint64 blanketTo)`.
    """

    root: bytes
    proof: tuple[bytes, ...]

    def __post_init__(self) -> None:
        if type(self.root) is not bytes or len(self.root) != 32:
            raise ValidationError("chain.batch.root must be 32 bytes")
        if len(self.proof) > MAX_BATCH_PROOF:
            raise ValidationError(f"chain.batch.proof must have at most {MAX_BATCH_PROOF} hashes")
        if any(type(node) is not bytes or len(node) != 32 for node in self.proof):
            raise ValidationError("chain.batch.proof must hold 32-byte hashes")


@dataclass(frozen=True)
class ChainContext:
    """The certificate as the chain records it, for a verifier to check against `Certificates`.

    `chain_id` and `contract` (the Certificates address) are optional: without them the verifier
    uses the deployment it is configured for. `batch` is given for a member of a batch.
    """

    cert_hash: bytes
    agreement: Agreement
    blanket_from: int
    blanket_to: int
    certifier: str
    chain_id: int | None = None
    contract: str | None = None
    batch: BatchMembership | None = None

    def __post_init__(self) -> None:
        if type(self.cert_hash) is not bytes or len(self.cert_hash) != 32:
            raise ValidationError("chain.cert_hash must be 32 bytes")
        if type(self.agreement) not in (int, Agreement) or self.agreement not in _AGREEMENT_CODES:
            choices = ", ".join(f"{agreement.value} ({agreement.name})" for agreement in Agreement)
            raise ValidationError(f"chain.agreement must be one of {choices}, not {self.agreement!r}")
        wire.uint(self.blanket_from, "chain.blanket_from", 64)
        wire.uint(self.blanket_to, "chain.blanket_to", 64)
        if (self.blanket_from or self.blanket_to) and not 0 < self.blanket_from < self.blanket_to:
            raise ValidationError(
                "chain.blanket_from must be before chain.blanket_to, or both 0 for a single shipment"
            )
        object.__setattr__(self, "agreement", Agreement(self.agreement))
        object.__setattr__(self, "certifier", wire.address(self.certifier, "chain.certifier"))
        if self.chain_id is not None:
            wire.uint(self.chain_id, "chain.chain_id", 53, minimum=1)
        if self.contract is not None:
            object.__setattr__(self, "contract", wire.address(self.contract, "chain.contract"))

    def to_json(self) -> dict[str, Any]:
        """The `chain` member of a disclosure file."""
        out: dict[str, Any] = {
            "cert_hash": wire.hex32(self.cert_hash),
            "agreement": int(self.agreement),
            "blanket_from": self.blanket_from,
            "blanket_to": self.blanket_to,
            "certifier": self.certifier,
        }
        if self.chain_id is not None:
            out["chain_id"] = self.chain_id
        if self.contract is not None:
            out["contract"] = self.contract
        if self.batch is not None:
            out["batch"] = {
                "root": wire.hex32(self.batch.root),
                "proof": [wire.hex32(p) for p in self.batch.proof],
            }
        return out

    @classmethod
    def from_json(cls, value: Any) -> "ChainContext":
        """Read the `chain` member of a disclosure file."""
        required = ("cert_hash", "agreement", "blanket_from", "blanket_to", "certifier")
        chain = wire.members(value, "chain", required, ("chain_id", "contract", "batch"))
        batch = None
        if "batch" in chain:
            member = wire.members(chain["batch"], "chain.batch", ("root", "proof"))
            proof = wire.array(member["proof"], "chain.batch.proof")
            batch = BatchMembership(
                wire.bytes32(member["root"], "chain.batch.root"),
                tuple(wire.bytes32(node, f"chain.batch.proof[{i}]") for i, node in enumerate(proof)),
            )
        return cls(
            cert_hash=wire.bytes32(chain["cert_hash"], "chain.cert_hash"),
            agreement=chain["agreement"],
            blanket_from=chain["blanket_from"],
            blanket_to=chain["blanket_to"],
            certifier=chain["certifier"],
            chain_id=chain.get("chain_id"),
            contract=chain.get("contract"),
            batch=batch,
        )
