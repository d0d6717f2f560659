"""Claiming preference: the importer (or its broker) attests CLAIM_FILED, and the store keeps the
certificate's parts 5 years after the last claim.

The chain comes first, the store second. If the store write fails after the attestation was mined,
running the claim again finds that attestation (same claimant, same evidence) instead of filing a
second one, and records the claim in the store at the time its block was mined.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from originproof.chain import TxResult
from originproof.enums import Kind, Status
from originproof.errors import ValidationError
from originproof.flows._common import Party, attest_once, hex32, status_on_chain, text_hash
from originproof.store.retention import RETENTION_YEARS, years_after

CLAIMABLE = (Status.ACTIVE, Status.AFFIRMED)
NO_ENTRY = bytes(32)
"""The evidence of a claim filed without an entry number."""


def entry_evidence(entry: str | None) -> bytes:
    """CLAIM_FILED's evidence: keccak256 of the entry number (UTF-8, trimmed), or zero without one."""
    return NO_ENTRY if entry is None else text_hash(entry, "entry number")


@dataclass(frozen=True)
class Claim:
    """A claim as filed: the attestation (new, or found from an earlier run) and the retention it sets."""

    cert_hash: bytes
    claimant: str
    role: str
    evidence: bytes
    uid: bytes
    filed_at: datetime
    retain_until: datetime
    tx: TxResult | None
    materialized: TxResult | None


def claim(me: Party, cert_hash: bytes, *, entry: str | None = None, as_broker: bool = False) -> Claim:
    """File the party's claim under a certificate, as its importer or (`as_broker`) broker.

    Refused with a ValidationError, before anything is sent, when the certificate is not ACTIVE or
    AFFIRMED ("certificate 0x… is REVOKED: cannot claim") or the party does not hold the role. An
    untouched batch member is materialized first when the store holds its proof.
    """
    status, materialized = status_on_chain(me, cert_hash)
    if status not in CLAIMABLE:
        known = "is not registered" if status is Status.NONE else f"is {status.name}"
        raise ValidationError(f"certificate {hex32(cert_hash)} {known}: cannot claim")
    role = "BROKER" if as_broker else "IMPORTER"
    if role not in me.client.roles_of(me.address):
        raise ValidationError(
            f"account {me.address} is not an active {role.lower()}: "
            "claims are filed by an importer, or by a broker with --broker"
        )
    evidence = entry_evidence(entry)
    attestation = attest_once(me, cert_hash, Kind.CLAIM_FILED, evidence)
    filed_at = datetime.fromtimestamp(me.client.block_timestamp(attestation.block_number), UTC)
    me.store.record_claim(cert_hash, filed_at)
    return Claim(
        cert_hash=cert_hash,
        claimant=me.address,
        role=role.lower(),
        evidence=evidence,
        uid=attestation.uid,
        filed_at=filed_at,
        retain_until=years_after(filed_at, RETENTION_YEARS),
        tx=attestation.tx,
        materialized=materialized,
    )
