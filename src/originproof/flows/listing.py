"""`list`: the certificates a party certified, holds or claimed, with their on-chain status.

What a party is involved in comes from two places: the chain's events (registrations and
materializations naming it as certifier, its own CLAIM_FILED attestations) and its store (parts
encrypted to its identity, certificates it certified into a batch that the chain knows only by root).
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from originproof.chain import ChainEvent
from originproof.enums import Kind, Status
from originproof.flows._common import Party, batch_member
from originproof.store import PartKind

_CERTIFIED_EVENTS = ("CertificateRegistered", "CertificateMaterialized")


@dataclass(frozen=True)
class Involvement:
    """The certificates a party has to do with, each kind in the order first found."""

    certified: tuple[bytes, ...]
    claimed: tuple[bytes, ...]
    held: dict[bytes, tuple[PartKind, ...]]
    """Certificates with parts encrypted to the party's identity, and the kinds of those parts."""
    stored: frozenset[bytes]
    """Certificates with any part in the store, readable by the party or not."""

    def certificates(self) -> list[bytes]:
        """Every certificate involved, certified first, then claimed, then held, without repeats."""
        return list(dict.fromkeys([*self.certified, *self.claimed, *self.held]))


def involvement(me: Party, events: Sequence[ChainEvent]) -> Involvement:
    """What `me` certified, claimed and holds, from the deployment's `events` and the party's store."""
    certified: dict[bytes, None] = {}
    claimed: dict[bytes, None] = {}
    for event in events:
        if event.name in _CERTIFIED_EVENTS and event.args["certifier"] == me.address:
            certified[event.args["cert_hash"]] = None
        elif (
            event.name == "Attested"
            and event.args["attester"] == me.address
            and event.args["kind"] == Kind.CLAIM_FILED
        ):
            claimed[event.args["cert_hash"]] = None
    for registration in me.store.registrations.all():
        if registration.certifier == me.address:
            certified[registration.cert_hash] = None
    key = me.public_key
    held: dict[bytes, dict[PartKind, None]] = defaultdict(dict)
    stored = set()
    for record in me.store.records():
        stored.add(record.cert_hash)
        if key in record.recipients:
            held[record.cert_hash][record.kind] = None
    return Involvement(
        certified=tuple(certified),
        claimed=tuple(claimed),
        held={cert_hash: tuple(kinds) for cert_hash, kinds in held.items()},
        stored=frozenset(stored),
    )


@dataclass(frozen=True)
class Listed:
    cert_hash: bytes
    status: Status
    certified: bool
    claimed: bool
    held: tuple[PartKind, ...]


def list_certificates(me: Party) -> list[Listed]:
    """The party's certificates with their status; an untouched batch member's status comes from its proof."""
    found = involvement(me, me.client.events())
    return [
        Listed(
            cert_hash=cert_hash,
            status=_status(me, cert_hash),
            certified=cert_hash in found.certified,
            claimed=cert_hash in found.claimed,
            held=tuple(found.held.get(cert_hash, ())),
        )
        for cert_hash in found.certificates()
    ]


def _status(me: Party, cert_hash: bytes) -> Status:
    status = me.client.status(cert_hash)
    member = batch_member(me, cert_hash) if status is Status.NONE else None
    return status if member is None else me.client.status_in_batch(*member)
