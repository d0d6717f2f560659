"""Revoking a certificate: its certifier, or customs, ends it for good with a hashed reason."""

from dataclasses import dataclass

from originproof.chain import TxResult
from originproof.enums import Status
from originproof.errors import ValidationError
from originproof.flows._common import Party, hex32, status_on_chain, text_hash

FINAL = (Status.SUPERSEDED, Status.REVOKED)


def reason_hash(reason: str) -> bytes:
    """The on-chain reason: keccak256 of the reason's text (UTF-8, trimmed), which must not be empty."""
    return text_hash(reason, "revocation reason")


@dataclass(frozen=True)
class Revocation:
    cert_hash: bytes
    reason: str
    reason_hash: bytes
    previous_status: Status
    tx: TxResult
    materialized: TxResult | None


def revoke(me: Party, cert_hash: bytes, reason: str) -> Revocation:
    """Revoke a certificate as its certifier or as customs (only customs while a verification is open).

    A certificate that is unknown, superseded or already revoked is refused before anything is sent;
    whether this party may revoke it is the contract's to decide, and its reason becomes the error.
    """
    digest = reason_hash(reason)
    status, materialized = status_on_chain(me, cert_hash)
    if status is Status.NONE:
        raise ValidationError(f"certificate {hex32(cert_hash)} is not registered: cannot revoke")
    if status in FINAL:
        raise ValidationError(f"certificate {hex32(cert_hash)} is {status.name}: it cannot be revoked")
    tx = me.client.revoke(me.account, cert_hash, digest)
    return Revocation(cert_hash, reason.strip(), digest, status, tx, materialized)
