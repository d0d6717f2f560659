"""Registrations: which certificates this store certified, and whether the chain holds them yet.

`Store.put_many` writes a certificate's registration (state `stored`) in the same transaction as its
parts; once the chain holds the certificate, `Registrations.mark_registered` records it. Between the
two a run may stop: the next finds the `stored` row by its document digest and finishes the work.
"""

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from originproof._internal.checks import require_address, require_bytes32
from originproof.commitments import BatchMembership
from originproof.enums import Agreement
from originproof.errors import ValidationError
from originproof.store.records import NewRegistration, RegistrationRecord, RegistrationState
from originproof.store.retention import Clock, require_utc
from originproof.store.schema import HASH_LENGTH, Registration

# Rows per IN (...) list or page, as in the store.
_CHUNK = 500


class Registrations:
    """Queries and updates of the store's registrations; reached as `Store.registrations`."""

    def __init__(self, sessions: sessionmaker[Session], clock: Clock) -> None:
        self._sessions = sessions
        self._clock = clock

    def get(self, cert_hash: bytes) -> RegistrationRecord | None:
        """The registration of one certificate, None if it was not certified from this store."""
        cert_hash = require_bytes32(cert_hash, "cert_hash")
        found = self._load(select(Registration).where(Registration.cert_hash == cert_hash))
        return found[0] if found else None

    def by_digest(self, digests: Iterable[bytes]) -> dict[bytes, RegistrationRecord]:
        """The registrations of those document digests already certified, keyed by digest."""
        wanted = sorted({require_bytes32(digest, "document_digest") for digest in digests})
        found: dict[bytes, RegistrationRecord] = {}
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            for record in self._load(select(Registration).where(Registration.document_digest.in_(chunk))):
                found[record.document_digest] = record
        return found

    def batch_members(self, root: bytes) -> list[RegistrationRecord]:
        """Every member of the batch with this root, in certificate-hash order."""
        root = require_bytes32(root, "batch root")
        return self._load(
            select(Registration).where(Registration.batch_root == root).order_by(Registration.cert_hash)
        )

    def all(self) -> Iterator[RegistrationRecord]:
        """Every registration, in certificate-hash order, read a page at a time."""
        last = b""
        while True:
            page = self._load(
                select(Registration)
                .where(Registration.cert_hash > last)
                .order_by(Registration.cert_hash)
                .limit(_CHUNK)
            )
            if not page:
                return
            yield from page
            last = page[-1].cert_hash

    def mark_registered(self, cert_hashes: Sequence[bytes], tx_hash: bytes | None) -> None:
        """Record that the chain now holds these certificates, registered by `tx_hash` (None: unknown).

        Only `stored` rows change, so marking twice keeps the first transaction; a hash the store
        never certified is an error.
        """
        hashes = sorted({require_bytes32(cert_hash, "cert_hash") for cert_hash in cert_hashes})
        if tx_hash is not None:
            tx_hash = require_bytes32(tx_hash, "tx_hash")
        now = require_utc(self._clock(), "store clock")
        with self._sessions.begin() as session:
            for start in range(0, len(hashes), _CHUNK):
                chunk = hashes[start : start + _CHUNK]
                known = set(
                    session.scalars(select(Registration.cert_hash).where(Registration.cert_hash.in_(chunk)))
                )
                missing = [cert_hash for cert_hash in chunk if cert_hash not in known]
                if missing:
                    raise ValidationError(
                        f"certificate 0x{missing[0].hex()} has no registration in the store"
                    )
                session.execute(
                    update(Registration)
                    .where(
                        Registration.cert_hash.in_(chunk),
                        Registration.state == RegistrationState.STORED.value,
                    )
                    .values(state=RegistrationState.REGISTERED.value, tx_hash=tx_hash, registered_at=now)
                )

    def _load(self, query: Select[Registration]) -> list[RegistrationRecord]:
        with self._sessions.begin() as session:
            return [_record(row) for row in session.scalars(query)]


def insert_stored(session: Session, registrations: Sequence[NewRegistration], now: datetime) -> None:
    """Insert `stored` rows for new registrations, in the caller's transaction (`Store.put_many`'s)."""
    if registrations:
        session.execute(insert(Registration), [_row(registration, now) for registration in registrations])


def _row(registration: NewRegistration, now: datetime) -> dict[str, Any]:
    batch = registration.batch
    supersedes = registration.supersedes
    return {
        "cert_hash": require_bytes32(registration.cert_hash, "cert_hash"),
        "document_digest": require_bytes32(registration.document_digest, "document_digest"),
        "certifier": require_address(registration.certifier, "certifier"),
        "agreement": int(Agreement(registration.agreement)),
        "blanket_from": registration.blanket_from,
        "blanket_to": registration.blanket_to,
        "supersedes": None if supersedes is None else require_bytes32(supersedes, "supersedes"),
        "batch_root": None if batch is None else batch.root,
        "batch_proof": None if batch is None else b"".join(batch.proof),
        "state": RegistrationState.STORED.value,
        "tx_hash": None,
        "created_at": now,
        "registered_at": None,
    }


def _record(row: Registration) -> RegistrationRecord:
    batch = None
    if row.batch_root is not None:
        nodes = row.batch_proof or b""
        batch = BatchMembership(
            row.batch_root,
            tuple(nodes[start : start + HASH_LENGTH] for start in range(0, len(nodes), HASH_LENGTH)),
        )
    return RegistrationRecord(
        cert_hash=row.cert_hash,
        document_digest=row.document_digest,
        certifier=row.certifier,
        agreement=Agreement(row.agreement),
        blanket_from=row.blanket_from,
        blanket_to=row.blanket_to,
        supersedes=row.supersedes,
        batch=batch,
        state=RegistrationState(row.state),
        tx_hash=row.tx_hash,
        created_at=row.created_at,
        registered_at=row.registered_at,
    )
