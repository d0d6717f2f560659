"""Audit: replay every event of the deployment against the store, and check every stored byte.

Findings come in two families. The store's own (`store.FindingKind`): a ciphertext changed, a record
swapped, a plaintext that no longer opens to its commitment, a part its recipients cannot open. And the
chain's against the store (`ChainFindingKind`):

- `pending`: certified into the store but not registered on chain (rerun `certify` on the file);
- `unrecorded`: registered on chain while the store still says `stored` (rerun `certify` to record it);
- `not-on-chain`: the store says registered, the chain knows no such certificate or batch;
- `not-stored`: the chain holds a certificate or batch registered by a certifier of this store that
  the store has no registration of, or a registration lacks its certificate part;
- `batch-count`: a batch's registered count differs from the members the store holds;
- `unknown-certificate`: the store holds parts of a certificate the chain does not know;
- `claim-not-recorded`: a claim was filed on chain after the store's last recorded claim, so the
  certificate's parts are not retained 5 years after it;
- `verification-mismatch`: the chain has the certificate under verification and the store does not
  mark it open (its parts could be purged), or the other way round.

Statuses are replayed from the events themselves, in chain order.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from pyrage import x25519

from originproof.chain.records import ChainEvent
from originproof.chain.views import ChainViews
from originproof.enums import Kind, Status
from originproof.flows._common import hex32
from originproof.store import FindingKind, PartKind, RegistrationRecord, RegistrationState, Store, audit_store


class ChainFindingKind(StrEnum):
    PENDING = "pending"
    UNRECORDED = "unrecorded"
    NOT_ON_CHAIN = "not-on-chain"
    NOT_STORED = "not-stored"
    BATCH_COUNT = "batch-count"
    UNKNOWN_CERTIFICATE = "unknown-certificate"
    CLAIM_NOT_RECORDED = "claim-not-recorded"
    VERIFICATION_MISMATCH = "verification-mismatch"


@dataclass(frozen=True)
class AuditFinding:
    """One mismatch: its kind, the certificate (or batch root) it concerns, the stored part if any."""

    kind: FindingKind | ChainFindingKind
    subject: bytes | None
    message: str
    part_id: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "subject": None if self.subject is None else hex32(self.subject),
            "part_id": self.part_id,
            "message": self.message,
        }


@dataclass
class _Chain:
    """What the events say: registrations, batches, each certificate's status, its latest claim's block."""

    registered: dict[bytes, str]
    batches: dict[bytes, tuple[str, int]]
    status: dict[bytes, Status]
    last_claim_block: dict[bytes, int]


_BECOMES = {
    "CertificateRegistered": Status.ACTIVE,
    "CertificateMaterialized": Status.ACTIVE,
    "CertificateSuperseded": Status.SUPERSEDED,
    "CertificateRevoked": Status.REVOKED,
    "VerificationOpened": Status.UNDER_VERIFICATION,
}


def audit(views: ChainViews, store: Store, identities: Sequence[x25519.Identity] = ()) -> list[AuditFinding]:
    """Every mismatch between the chain's events and the store, and every tampered part.

    `identities` open the parts they are recipients of, so their plaintext is checked against its
    commitment too; without them only the hashes are checked.
    """
    chain = replay(views.events())
    registrations = list(store.registrations.all())
    parts: dict[bytes, set[PartKind]] = defaultdict(set)
    for record in store.records():
        parts[record.cert_hash].add(record.kind)
    findings = [
        AuditFinding(finding.kind, None, finding.message, finding.part_id)
        for finding in audit_store(store, identities)
    ]
    findings += _registrations(chain, registrations, parts)
    findings += _unregistered(chain, registrations)
    findings += _unknown(chain, registrations, parts)
    findings += _states(views, chain, store)
    return findings


def replay(events: Iterable[ChainEvent]) -> _Chain:
    """The chain's state as its events, in order, build it."""
    chain = _Chain({}, {}, {}, {})
    for event in events:
        args = event.args
        if event.name in ("CertificateRegistered", "CertificateMaterialized"):
            chain.registered[args["cert_hash"]] = args["certifier"]
        if event.name == "BatchRegistered":
            chain.batches[args["root"]] = (args["certifier"], args["count"])
        elif event.name in _BECOMES:
            chain.status[args["cert_hash"]] = _BECOMES[event.name]
        elif event.name == "VerificationClosed":
            chain.status[args["cert_hash"]] = Status(args["outcome"])
        elif event.name == "Attested" and args["kind"] == Kind.CLAIM_FILED:
            chain.last_claim_block[args["cert_hash"]] = event.block_number
    return chain


def _registrations(
    chain: _Chain, registrations: Sequence[RegistrationRecord], parts: dict[bytes, set[PartKind]]
) -> list[AuditFinding]:
    """Each registration against the chain: pending, unrecorded, missing on chain, batch sizes, parts."""
    findings = []
    members: dict[bytes, int] = defaultdict(int)
    for registration in registrations:
        cert_hash, batch = registration.cert_hash, registration.batch
        if batch is not None:
            members[batch.root] += 1
        what = f"certificate {hex32(cert_hash)}" + ("" if batch is None else f" (batch {hex32(batch.root)})")
        on_chain = cert_hash in chain.registered or (batch is not None and batch.root in chain.batches)
        stored = registration.state is RegistrationState.STORED
        if stored and not on_chain:
            findings.append(
                AuditFinding(
                    ChainFindingKind.PENDING, cert_hash, f"{what} is stored but not registered on chain"
                )
            )
        elif stored:
            findings.append(
                AuditFinding(
                    ChainFindingKind.UNRECORDED,
                    cert_hash,
                    f"{what} is registered on chain, but the store still says it is only stored",
                )
            )
        elif not on_chain:
            findings.append(
                AuditFinding(
                    ChainFindingKind.NOT_ON_CHAIN,
                    cert_hash,
                    f"{what} is registered according to the store, but the chain does not know it",
                )
            )
        if PartKind.CERTIFICATE not in parts.get(cert_hash, ()):
            findings.append(
                AuditFinding(
                    ChainFindingKind.NOT_STORED,
                    cert_hash,
                    f"{what} is registered in the store without its certificate part",
                )
            )
    for root, count in members.items():
        if root in chain.batches and chain.batches[root][1] != count:
            findings.append(
                AuditFinding(
                    ChainFindingKind.BATCH_COUNT,
                    root,
                    f"batch {hex32(root)} was registered with {chain.batches[root][1]} certificates; "
                    f"the store holds {count}",
                )
            )
    return findings


def _unregistered(chain: _Chain, registrations: Sequence[RegistrationRecord]) -> list[AuditFinding]:
    """What certifiers of this store registered on chain that the store has no registration of."""
    certifiers = {registration.certifier for registration in registrations}
    hashes = {registration.cert_hash for registration in registrations}
    roots = {registration.batch.root for registration in registrations if registration.batch is not None}
    findings = [
        AuditFinding(
            ChainFindingKind.NOT_STORED,
            cert_hash,
            f"certificate {hex32(cert_hash)}, registered on chain by {certifier}, "
            "has no registration in the store",
        )
        for cert_hash, certifier in chain.registered.items()
        if certifier in certifiers and cert_hash not in hashes
    ]
    findings += [
        AuditFinding(
            ChainFindingKind.NOT_STORED,
            root,
            f"batch {hex32(root)} registered on chain by {certifier} has no members in the store",
        )
        for root, (certifier, _count) in chain.batches.items()
        if certifier in certifiers and root not in roots
    ]
    return findings


def _unknown(
    chain: _Chain, registrations: Sequence[RegistrationRecord], parts: dict[bytes, set[PartKind]]
) -> list[AuditFinding]:
    """Parts of certificates the chain does not know (those certified from this store are reported above)."""
    certified = {registration.cert_hash for registration in registrations}
    return [
        AuditFinding(
            ChainFindingKind.UNKNOWN_CERTIFICATE,
            cert_hash,
            f"the store holds {', '.join(sorted(kinds))} part(s) of certificate {hex32(cert_hash)}, "
            "which the chain does not know",
        )
        for cert_hash, kinds in parts.items()
        if cert_hash not in certified and cert_hash not in chain.registered
    ]


def _states(views: ChainViews, chain: _Chain, store: Store) -> list[AuditFinding]:
    """Claims and open verifications: the store's record of each certificate against the chain's."""
    findings = []
    for state in store.certificates():
        cert_hash = state.cert_hash
        under_verification = chain.status.get(cert_hash) is Status.UNDER_VERIFICATION
        if under_verification != state.verification_open:
            chain_says = "under verification" if under_verification else "not under verification"
            store_says = "marks it open" if state.verification_open else "does not mark it open"
            findings.append(
                AuditFinding(
                    ChainFindingKind.VERIFICATION_MISMATCH,
                    cert_hash,
                    f"certificate {hex32(cert_hash)} is {chain_says} on chain, but the store {store_says}",
                )
            )
        block = chain.last_claim_block.get(cert_hash)
        if block is None:
            continue
        filed_at = datetime.fromtimestamp(views.block_timestamp(block), UTC)
        if state.last_claim_at is None or state.last_claim_at < filed_at:
            recorded = (
                "no claim"
                if state.last_claim_at is None
                else f"its last claim at {state.last_claim_at:%Y-%m-%d %H:%M:%S} UTC"
            )
            findings.append(
                AuditFinding(
                    ChainFindingKind.CLAIM_NOT_RECORDED,
                    cert_hash,
                    f"certificate {hex32(cert_hash)} was claimed on chain {filed_at:%Y-%m-%d %H:%M:%S} UTC, "
                    f"but the store records {recorded}: its parts are not kept 5 years after the claim",
                )
            )
    return findings
