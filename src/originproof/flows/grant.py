"""Granting access to a confidential part, and opening a part granted to you.

The owner's side (`grant`): the part is re-encrypted in the store to the grantee's ON-CHAIN key,
then ACCESS_GRANTED is attested with `keccak256(abi_encode(grantee, ciphertext_hash))`. The store
comes first: if the attestation then fails, the part is readable by the grantee but the grant is
not on chain; running the grant again re-encrypts nothing (the grantee is a recipient already), so
it attests the same evidence. If the attestation is there already, a rerun sends nothing.

The grantee's side (`open_granted`): the part, from the store or an `.age` file, is decrypted with
the workspace identity and must open to the hash the chain stands behind: the certificate hash for
the certificate, and for the annex the `annex_root` field of that (checked) certificate.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from originproof._internal.checks import require_address
from originproof.chain import TxResult
from originproof.commitments import Opening
from originproof.enums import Kind, Status
from originproof.errors import ValidationError
from originproof.flows._common import Party, attest_once, hex32, parse_hash, status_on_chain
from originproof.grant import access_evidence, grant_access, open_grant
from originproof.store import PartKind, PartRecord, sealing

GRANTABLE = (PartKind.CERTIFICATE, PartKind.ANNEX)
NOT_GRANTABLE = (Status.NONE, Status.SUPERSEDED, Status.REVOKED)


@dataclass(frozen=True)
class Granted:
    cert_hash: bytes
    part: PartKind
    part_id: int
    grantee: str
    grantee_key: bytes
    ciphertext_hash: bytes
    evidence: bytes
    uid: bytes
    tx: TxResult | None
    materialized: TxResult | None


def grant(me: Party, cert_hash: bytes, grantee: str, part: PartKind = PartKind.ANNEX) -> Granted:
    """Open the party's `part` of a certificate to `grantee`, encrypting to the grantee's on-chain key.

    Refused, with nothing written or sent, when the grantee has no on-chain key or is not an active
    participant, when the certificate is unknown, superseded or revoked, or when the store holds no
    such part owned by this party's identity.
    """
    grantee = require_address(grantee, "grantee")
    if part not in GRANTABLE:
        raise ValidationError(f"part {part!r} cannot be granted: only {', '.join(GRANTABLE)}")
    grantee_key = me.client.encryption_key(grantee)
    if grantee_key == bytes(32):
        raise ValidationError(
            f"grantee {grantee} is not enrolled: it has no on-chain encryption key, so nothing was shared"
        )
    if not me.client.roles_of(grantee):
        raise ValidationError(f"grantee {grantee} is suspended: nothing was shared")
    record = own_part(me, cert_hash, part)
    status, materialized = status_on_chain(me, cert_hash)
    if status in NOT_GRANTABLE:
        known = "is not registered" if status is Status.NONE else f"is {status.name}"
        raise ValidationError(f"certificate {hex32(cert_hash)} {known}: access cannot be granted")
    shared = grant_access(me.store, record.id, me.identity, grantee, grantee_key)
    attestation = attest_once(me, cert_hash, Kind.ACCESS_GRANTED, shared.evidence)
    return Granted(
        cert_hash=cert_hash,
        part=part,
        part_id=record.id,
        grantee=grantee,
        grantee_key=grantee_key,
        ciphertext_hash=shared.record.ciphertext_hash,
        evidence=shared.evidence,
        uid=attestation.uid,
        tx=attestation.tx,
        materialized=materialized,
    )


def own_part(me: Party, cert_hash: bytes, part: PartKind) -> PartRecord:
    """The newest `part` of the certificate owned by this party's identity; ValidationError if none."""
    owned = [record for record in me.store.find(cert_hash, kind=part) if record.owner_key == me.public_key]
    if not owned:
        raise ValidationError(
            f"the store holds no {part} part of certificate {hex32(cert_hash)} "
            "owned by this workspace's identity"
        )
    return owned[-1]


@dataclass(frozen=True)
class Opened:
    """A part granted to this party, decrypted and checked against its commitment.

    `granted_on_chain` says whether an unrevoked ACCESS_GRANTED names exactly these bytes for this
    party (false when the part reached it another way, e.g. as a recipient at certification, or was
    re-encrypted for a later grantee since).
    """

    cert_hash: bytes
    part: PartKind
    root: bytes
    document: dict[str, Any]
    ciphertext_hash: bytes
    granted_on_chain: bool
    status: Status


def open_granted(
    me: Party,
    cert_hash: bytes,
    part: PartKind = PartKind.ANNEX,
    source: Path | None = None,
    certificate_source: Path | None = None,
) -> Opened:
    """Decrypt the certificate's `part` with this party's identity and check it opens to the right hash.

    `source` is an `.age` file of the part (as `export` writes it); without it the part comes from
    the store. The annex is checked against the `annex_root` of the certificate, which this party
    must be able to open too (from `certificate_source`, an `.age` file, or else from the store) and
    which must open to the certificate hash. Raises IntegrityError when a plaintext does not open to
    the hash expected of it.
    """
    if part not in GRANTABLE:
        raise ValidationError(f"part {part!r} cannot be opened here: only {', '.join(GRANTABLE)}")
    is_certificate = part is PartKind.CERTIFICATE
    expected = cert_hash if is_certificate else annex_root(me, cert_hash, certificate_source)
    if source is None:
        ciphertext = _readable(me, cert_hash, part, expected).ciphertext
    else:
        try:
            ciphertext = source.read_bytes()
        except OSError as error:
            raise ValidationError(f"granted file {source} cannot be read: {error.strerror}") from None
    opening = Opening.from_bytes(open_grant(ciphertext, me.identity, expected))
    ciphertext_hash = sealing.ciphertext_hash(ciphertext)
    evidence = access_evidence(me.address, ciphertext_hash)
    return Opened(
        cert_hash=cert_hash,
        part=part,
        root=expected,
        document=opening.document,
        ciphertext_hash=ciphertext_hash,
        granted_on_chain=any(
            event.kind is Kind.ACCESS_GRANTED
            and event.evidence_hash == evidence
            and me.client.is_valid(event.uid)
            for event in me.client.attestations_of(cert_hash)
        ),
        status=me.client.status(cert_hash),
    )


def annex_root(me: Party, cert_hash: bytes, source: Path | None = None) -> bytes:
    """The `annex_root` the certificate commits to, read from the certificate part this party can open
    (the `.age` file `source`, or else the store)."""
    document = open_granted(me, cert_hash, PartKind.CERTIFICATE, source).document
    root = document.get("annex_root")
    if not isinstance(root, str):
        raise ValidationError(f"certificate {hex32(cert_hash)} commits to no annex (it has no annex_root)")
    return parse_hash(root, "annex_root")


def _readable(me: Party, cert_hash: bytes, part: PartKind, root: bytes) -> PartRecord:
    """The newest stored `part` of the certificate with this commitment root encrypted to this party."""
    key = me.public_key
    readable = [
        record
        for record in me.store.find(cert_hash, kind=part)
        if key in record.recipients and record.commitment_root == root
    ]
    if not readable:
        raise ValidationError(
            f"the store holds no {part} part of certificate {hex32(cert_hash)} encrypted to this workspace's "
            f"identity: ask its owner to run "
            f"`originproof grant {hex32(cert_hash)} --to {me.address} --part {part}`"
        )
    return readable[-1]
