"""A verification of origin: customs opens it, the certifier or annex owner responds with evidence,
customs recomputes the origin from the granted annex and closes it, affirmed or denied.

Each step writes the chain, then the store (or, for a response, the store, then the chain), and each
is safe to repeat after a failure between the two:

- open: a certificate found UNDER_VERIFICATION already is not opened again; the store's hold (no part
  of the certificate may be deleted) is set either way;
- respond: the evidence is committed like a certificate (salted fields, one root) and stored
  encrypted to the customs officer who opened the case; a rerun with the same evidence finds the
  stored part and the attestation instead of making new ones;
- close: a certificate already closed with the same outcome is not closed again; the hold is lifted.
"""

import base64
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eth_utils import keccak

from originproof.chain import TxResult
from originproof.commitments import Opening, commit
from originproof.enums import Kind, Status
from originproof.errors import ChainError, ValidationError
from originproof.flows._common import Party, attest_once, hex32, status_on_chain
from originproof.flows.grant import open_granted
from originproof.model import parse_annex, parse_certificate
from originproof.rules import Verdict, evaluate
from originproof.store import NewPart, PartKind

OPENABLE = (Status.ACTIVE, Status.AFFIRMED, Status.DENIED)
OUTCOMES = (Status.AFFIRMED, Status.DENIED)


@dataclass(frozen=True)
class CaseStep:
    """One step of a case: the certificate's status after it, the hash put on chain and the transaction
    (None when a previous run had sent it already)."""

    cert_hash: bytes
    status: Status
    digest: bytes
    tx: TxResult | None
    materialized: TxResult | None = None


def _require_customs(me: Party, action: str) -> None:
    if "CUSTOMS" not in me.client.roles_of(me.address):
        raise ValidationError(
            f"account {me.address} is not customs: only customs can {action} a verification"
        )


def open_case(me: Party, cert_hash: bytes, request: bytes) -> CaseStep:
    """Customs opens a verification of the certificate; `request` (the letter) is hashed onto the chain."""
    _require_customs(me, "open")
    request_hash = keccak(request)
    status, materialized = status_on_chain(me, cert_hash)
    tx = None
    if status is not Status.UNDER_VERIFICATION:
        if status not in OPENABLE:
            known = "is not registered" if status is Status.NONE else f"is {status.name}"
            raise ValidationError(f"certificate {hex32(cert_hash)} {known}: a verification cannot be opened")
        tx = me.client.open_verification(me.account, cert_hash, request_hash)
    me.store.open_verification(cert_hash)
    return CaseStep(cert_hash, Status.UNDER_VERIFICATION, request_hash, tx, materialized)


def close_case(me: Party, cert_hash: bytes, outcome: Status, finding: bytes) -> CaseStep:
    """Customs closes the certificate's verification, AFFIRMED or DENIED; `finding` is hashed on chain."""
    if outcome not in OUTCOMES:
        raise ValidationError(f"outcome must be AFFIRMED or DENIED, not {outcome.name}")
    _require_customs(me, "close")
    finding_hash = keccak(finding)
    status = me.client.status(cert_hash)
    tx = None
    if status is Status.UNDER_VERIFICATION:
        tx = me.client.close_verification(me.account, cert_hash, outcome, finding_hash)
    elif status is not outcome:
        raise ValidationError(f"certificate {hex32(cert_hash)} is {status.name}: no verification is open")
    me.store.close_verification(cert_hash)
    return CaseStep(cert_hash, outcome, finding_hash, tx)


def evidence_document(path: Path) -> dict[str, Any]:
    """The evidence to commit: a `.json` file must hold a JSON object, taken as it is; any other file is
    wrapped as `{"file": name, "base64": content}`."""
    try:
        content = path.read_bytes()
    except OSError as error:
        raise ValidationError(f"evidence file {path} cannot be read: {error.strerror}") from None
    if path.suffix.lower() != ".json":
        return {"file": path.name, "base64": base64.b64encode(content).decode("ascii")}
    try:
        document = json.loads(content)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValidationError(f"evidence file {path}: not valid JSON ({error})") from None
    if not isinstance(document, dict):
        raise ValidationError(f"evidence file {path}: must hold a JSON object")
    return document


@dataclass(frozen=True)
class Response:
    cert_hash: bytes
    evidence_root: bytes
    part_id: int
    customs: str
    uid: bytes
    tx: TxResult | None


def respond(me: Party, cert_hash: bytes, evidence: dict[str, Any]) -> Response:
    """The certifier or the annex owner answers an open verification with `evidence`.

    The evidence is committed (its root is the VERIFICATION_RESPONSE's evidence hash), stored
    encrypted to the customs officer who opened the verification, and attested.
    """
    status = me.client.status(cert_hash)
    if status is not Status.UNDER_VERIFICATION:
        raise ValidationError(
            f"certificate {hex32(cert_hash)} is {status.name}: no verification to respond to"
        )
    certifier = me.client.certificate(cert_hash).certifier
    if me.address != certifier and "PRODUCER" not in me.client.roles_of(me.address):
        raise ValidationError(
            f"account {me.address} is neither the certifier ({certifier}) nor a producer: it cannot respond"
        )
    customs = _opened_by(me, cert_hash)
    customs_key = me.client.encryption_key(customs)
    stored = _stored_evidence(me, cert_hash, evidence)
    if stored is None:
        record = me.store.put(
            NewPart(
                cert_hash=cert_hash,
                kind=PartKind.VERIFICATION_EVIDENCE,
                owner=me.address,
                owner_key=me.public_key,
                opening=commit(evidence),
                recipients=(customs_key,),
            )
        )
    else:
        record = me.store.share(stored, me.identity, customs_key)
    me.store.open_verification(cert_hash)
    attestation = attest_once(me, cert_hash, Kind.VERIFICATION_RESPONSE, record.commitment_root)
    return Response(cert_hash, record.commitment_root, record.id, customs, attestation.uid, attestation.tx)


def _opened_by(me: Party, cert_hash: bytes) -> str:
    """The customs officer who opened the certificate's current verification."""
    opened = [
        event
        for event in me.client.events()
        if event.name == "VerificationOpened" and event.args["cert_hash"] == cert_hash
    ]
    if not opened:
        raise ChainError(
            f"certificate {hex32(cert_hash)} is under verification, but no VerificationOpened was logged"
        )
    return str(opened[-1].args["sender"])


def _stored_evidence(me: Party, cert_hash: bytes, evidence: dict[str, Any]) -> int | None:
    """The id of this party's stored evidence part of the certificate holding the same document, if any."""
    wanted = commit(evidence).document
    for record in me.store.find(cert_hash, kind=PartKind.VERIFICATION_EVIDENCE, owner=me.address):
        if record.owner_key != me.public_key:
            continue
        if Opening.from_bytes(me.store.read(record.id, me.identity)).document == wanted:
            return record.id
    return None


@dataclass(frozen=True)
class Evidence:
    """One VERIFICATION_RESPONSE and, when this party can read it, the evidence it commits to."""

    responder: str
    root: bytes
    uid: bytes
    document: dict[str, Any] | None


def read_evidence(me: Party, cert_hash: bytes) -> list[Evidence]:
    """Every response to the certificate's verifications, with the evidence this party can decrypt.

    A stored part counts only if it opens to the root the response attested, so the evidence shown is
    the evidence the responder stands behind on chain.
    """
    key = me.public_key
    found = []
    for event in me.client.attestations_of(cert_hash):
        if event.kind is not Kind.VERIFICATION_RESPONSE:
            continue
        document = None
        for record in me.store.find(cert_hash, kind=PartKind.VERIFICATION_EVIDENCE):
            if key in record.recipients and record.commitment_root == event.evidence_hash:
                document = Opening.from_bytes(me.store.read(record.id, me.identity)).document
        found.append(Evidence(event.attester, event.evidence_hash, event.uid, document))
    return found


def recompute_origin(me: Party, cert_hash: bytes) -> Verdict:
    """Customs' check: the origin rules applied to the granted annex, for the certificate's good of that HS.

    Both parts must be readable by this party and open to the chain's hashes (see `open_granted`).
    """
    certificate = parse_certificate(
        open_granted(me, cert_hash, PartKind.CERTIFICATE).document, f"certificate {hex32(cert_hash)}"
    )
    annex = parse_annex(open_granted(me, cert_hash, PartKind.ANNEX).document, f"annex of {hex32(cert_hash)}")
    goods = [good for good in certificate.goods if good.hs_code.replace(".", "") == annex.good_hs_code]
    if not goods:
        raise ValidationError(
            f"certificate {hex32(cert_hash)} lists no good of HS {annex.good_hs_code}, the annex's good"
        )
    return evaluate(goods[0].hs_code, annex, certificate.agreement_code)
