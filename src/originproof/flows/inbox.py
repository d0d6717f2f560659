"""`inbox`: what others did to the party's certificates, and to the party, since it last looked.

Notices come from the deployment's events after the cursor kept in the workspace (`inbox.json`,
one block number per chain): claims, receipts and supplier declarations, access grants, verification
requests, responses and rulings, revocations and amendments of the certificates the party certified,
claimed or holds (see `listing.involvement`), and its own enrollment, suspension or reinstatement.
The party's own actions are not news and are left out.

Reading the inbox also brings the store in line with the chain for the certificates whose parts it
keeps, even when the other parties work from other stores: a claim filed extends their retention to
5 years after it, and a verification customs opened holds them until it is closed.
"""

import json
import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from originproof.chain import ChainEvent
from originproof.enums import Kind, Role, Status
from originproof.errors import ValidationError
from originproof.flows._common import Party
from originproof.flows.listing import Involvement, involvement
from originproof.grant import access_evidence

_ROLE_NAMES = {
    Role.CUSTOMS: "CUSTOMS",
    Role.EXPORTER: "EXPORTER",
    Role.PRODUCER: "PRODUCER",
    Role.IMPORTER: "IMPORTER",
    Role.BROKER: "BROKER",
}
_KIND_WORDS = {
    Kind.SUPPLIER_DECLARATION: "supplier declaration",
    Kind.RECEIVED: "goods received",
    Kind.CLAIM_FILED: "claim filed",
    Kind.ACCESS_GRANTED: "access granted",
    Kind.VERIFICATION_RESPONSE: "verification response",
    Kind.CUSTOMS_NOTE: "customs note",
}
_ABOUT_ME = {
    "ParticipantEnrolled": "enrolled",
    "ParticipantSuspended": "suspended",
    "ParticipantReinstated": "reinstated",
}
_CASE_EVENTS = ("VerificationOpened", "VerificationClosed")


@dataclass(frozen=True)
class Notice:
    """One thing that happened: `what` in words, `by` whom, with the event's own fields in `details`."""

    block_number: int
    tx_hash: str
    event: str
    what: str
    cert_hash: bytes | None
    by: str | None
    details: Mapping[str, Any]


@dataclass(frozen=True)
class Inbox:
    notices: list[Notice]
    from_block: int
    to_block: int
    cursor_moved: bool
    claims_recorded: int
    holds_updated: int


def read_cursor(path: Path, chain: str) -> int | None:
    """The last block the party looked at on `chain` (a deployment key), None if it never looked."""
    block = _cursors(path).get(chain)
    if block is not None and (type(block) is not int or block < 0):
        raise ValidationError(f"inbox cursor {path}: block for chain {chain} must be a non-negative integer")
    return block


def write_cursor(path: Path, chain: str, block: int) -> None:
    """Record `block` as the last one looked at on `chain`, atomically, keeping other chains' cursors."""
    cursors = {**_cursors(path), chain: block}
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".inbox-")
    with os.fdopen(handle, "w") as file:
        json.dump(cursors, file, indent=2, sort_keys=True)
        file.write("\n")
    os.replace(temporary, path)


def _cursors(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        cursors = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValidationError(f"inbox cursor {path} cannot be read: {error}") from None
    if not isinstance(cursors, dict):
        raise ValidationError(f"inbox cursor {path} must hold a JSON object of blocks by chain")
    return cursors


def inbox(me: Party, *, everything: bool = False) -> Inbox:
    """The notices since the cursor, which then moves to the latest block; `everything` shows every
    notice since the deployment and leaves the cursor where it is."""
    deployment = me.client.deployment
    path = me.workspace.inbox_cursor_path
    latest = me.client.block_number()
    cursor = None if everything else read_cursor(path, deployment.key)
    first = deployment.block if cursor is None else cursor + 1
    events = me.client.events(deployment.block, latest)
    found = involvement(me, events)
    recent = [event for event in events if event.block_number >= first]
    notices = _notices(me, events, recent, found)
    claims = _record_claims(me, recent, found)
    holds = _align_holds(me, recent, found)
    if not everything:
        write_cursor(path, deployment.key, latest)
    return Inbox(notices, first, latest, not everything, claims, holds)


def _notices(
    me: Party, events: Sequence[ChainEvent], recent: Sequence[ChainEvent], found: Involvement
) -> list[Notice]:
    mine = set(found.certificates())
    certificate_of = {
        event.args["uid"]: event.args["cert_hash"] for event in events if event.name == "Attested"
    }
    notices = []
    for event in recent:
        args = event.args
        if event.name in _ABOUT_ME:
            if args["account"] == me.address:
                role = f" as {_ROLE_NAMES.get(args['role'], 'an unknown role')}" if "role" in args else ""
                notices.append(_notice(event, _ABOUT_ME[event.name] + role, None, args.get("sender")))
            continue
        cert_hash = args.get("cert_hash", certificate_of.get(args.get("uid", b"")))
        by = args.get("attester", args.get("sender"))
        if cert_hash not in mine or by == me.address:
            continue
        described = _describe(me, event, found)
        if described is not None:
            notices.append(_notice(event, described, cert_hash, by))
    return notices


def _describe(me: Party, event: ChainEvent, found: Involvement) -> str | None:
    """The notice's words for an event about one of the party's certificates; None if it is no news."""
    args = event.args
    if event.name == "Attested":
        kind = Kind(args["kind"])
        if kind is Kind.ACCESS_GRANTED and _granted_to_me(
            me, args["cert_hash"], args["evidence_hash"], found
        ):
            return "access granted to you"
        return _KIND_WORDS[kind]
    if event.name == "VerificationClosed":
        return f"verification closed: {Status(args['outcome']).name}"
    return {
        "AttestationRevoked": "attestation revoked",
        "CertificateRevoked": "certificate revoked",
        "CertificateSuperseded": "certificate superseded",
        "VerificationOpened": "verification opened",
    }.get(event.name)


def _granted_to_me(me: Party, cert_hash: bytes, evidence: bytes, found: Involvement) -> bool:
    """Whether an ACCESS_GRANTED names this party and a ciphertext of the certificate in its store."""
    if cert_hash not in found.stored:
        return False
    return any(
        access_evidence(me.address, record.ciphertext_hash) == evidence for record in me.store.find(cert_hash)
    )


def _notice(event: ChainEvent, what: str, cert_hash: bytes | None, by: str | None) -> Notice:
    return Notice(event.block_number, event.tx_hash, event.name, what, cert_hash, by, dict(event.args))


def _record_claims(me: Party, recent: Sequence[ChainEvent], found: Involvement) -> int:
    """Extend the retention of each stored certificate claimed in `recent`, from the time of its block;
    the number of claims recorded (recording one twice changes nothing)."""
    claims = [
        event
        for event in recent
        if event.name == "Attested"
        and event.args["kind"] == Kind.CLAIM_FILED
        and event.args["cert_hash"] in found.stored
    ]
    for event in claims:
        filed_at = datetime.fromtimestamp(me.client.block_timestamp(event.block_number), UTC)
        me.store.record_claim(event.args["cert_hash"], filed_at)
    return len(claims)


def _align_holds(me: Party, recent: Sequence[ChainEvent], found: Involvement) -> int:
    """Open or lift the store's verification hold of each stored certificate a case event concerns,
    as the last such event says; the number of certificates whose hold was set."""
    last: dict[bytes, str] = {}
    for event in recent:
        if event.name in _CASE_EVENTS and event.args["cert_hash"] in found.stored:
            last[event.args["cert_hash"]] = event.name
    for cert_hash, name in last.items():
        if name == "VerificationOpened":
            me.store.open_verification(cert_hash)
        else:
            me.store.close_verification(cert_hash)
    return len(last)
