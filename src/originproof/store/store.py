"""The encrypted store: confidential parts, age-encrypted, with their metadata in SQL.

Every logical write is one transaction: a batch of parts, a claim, a deletion, a key rotation either
happens whole or not at all. Encryption happens before the transaction opens, so a batch holds the
database's write lock only for its inserts.
"""

import os
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Self, TypeVar, cast

import sqlalchemy.exc
from pyrage import x25519
from sqlalchemy import CursorResult, Select, Table, delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from originproof import keys
from originproof._internal.checks import require_address, require_bytes32
from originproof.commitments import Opening
from originproof.errors import IntegrityError, ValidationError
from originproof.store import sealing
from originproof.store.database import DEFAULT_STORE_URL, open_engine
from originproof.store.integrity import check, open_verified
from originproof.store.records import CertificateState, NewPart, NewRegistration, PartKind, PartRecord
from originproof.store.registrations import Registrations, insert_stored
from originproof.store.retention import (
    RETENTION_YEARS,
    Clock,
    require_utc,
    retain_until,
    utc_now,
    years_after,
)
from originproof.store.schema import Certificate, Part, PartRecipient

_PARTS = cast(Table, Part.__table__)
_RECIPIENTS = cast(Table, PartRecipient.__table__)

# Rows per IN (...) list or page: well under SQLite's and PostgreSQL's bound-parameter limits.
_CHUNK = 500

_T = TypeVar("_T")


class Store:
    """Encrypted confidential parts and their retention, in SQLite (the default) or PostgreSQL.

    `url` is a SQLAlchemy database URL; the schema is migrated to the newest version on opening.
    `clock` returns the current time (timezone-aware) and is injectable so retention can be tested.
    """

    def __init__(self, url: str = DEFAULT_STORE_URL, *, clock: Clock = utc_now) -> None:
        self._engine = open_engine(url)
        self._sessions = sessionmaker(self._engine, expire_on_commit=False)
        self._clock = clock
        self.registrations = Registrations(self._sessions, self._now)
        """The certificates certified from this store and how far their registration has got."""

    def close(self) -> None:
        """Release the store's database connections."""
        self._engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    # Writing

    def put(self, part: NewPart) -> PartRecord:
        """Encrypt and store one part; see `put_many`."""
        return self.put_many([part])[0]

    def put_many(
        self, parts: Iterable[NewPart], *, registrations: Sequence[NewRegistration] = ()
    ) -> list[PartRecord]:
        """Encrypt and store many parts in one transaction, returning their records in the same order.

        Each opening's root becomes the record's commitment root and, for a certificate opening, must
        equal the certificate hash. Parts are retained 5 years, or 5 years after the last claim
        recorded for their certificate if that is later. A part identical in certificate, kind, owner
        and commitment root to one stored already is refused, and with it the whole batch.

        `registrations` are recorded `stored` in the same transaction, so a certificate's parts never
        exist without its registration; each needs its certificate part among `parts`, and a document
        digest or certificate hash registered already is refused with the whole batch.
        """
        sealed = [_seal(part) for part in parts]
        _check_registered_parts(sealed, registrations)
        if not sealed:
            return []
        now = self._now()
        try:
            with self._sessions.begin() as session:
                claims = self._lock_certificates(session, {row["cert_hash"] for row, _ in sealed})
                rows = [
                    {**row, "created_at": now, "retain_until": retain_until(now, claims[row["cert_hash"]])}
                    for row, _ in sealed
                ]
                # Core inserts: the ORM's per-row bookkeeping would cost more than the encryption.
                session.execute(insert(_PARTS), rows)
                ids = _inserted_ids(session, rows)
                session.execute(
                    insert(_RECIPIENTS),
                    [
                        {"part_id": part_id, "key": key}
                        for part_id, (_, recipients) in zip(ids, sealed, strict=True)
                        for key in recipients
                    ],
                )
                insert_stored(session, registrations, now)
        except sqlalchemy.exc.IntegrityError:
            raise ValidationError(
                "a part with the same certificate, kind, owner and commitment root, or a registration of "
                "the same document or certificate, is already stored"
            ) from None
        return [
            _record(part_id, row, recipients)
            for part_id, row, (_, recipients) in zip(ids, rows, sealed, strict=True)
        ]

    def record_claim(self, cert_hash: bytes, when: datetime) -> None:
        """Note a claim filed at `when` under the certificate: its parts are kept 5 years after it."""
        cert_hash = require_bytes32(cert_hash, "cert_hash")
        when = require_utc(when, "claim time")
        with self._sessions.begin() as session:
            self._lock_certificates(session, {cert_hash})
            certificate = session.get_one(Certificate, cert_hash)
            if certificate.last_claim_at is None or when > certificate.last_claim_at:
                certificate.last_claim_at = when
            until = years_after(certificate.last_claim_at, RETENTION_YEARS)
            session.execute(
                update(Part)
                .where(Part.cert_hash == cert_hash, Part.retain_until < until)
                .values(retain_until=until)
            )

    def open_verification(self, cert_hash: bytes) -> None:
        """Mark a verification of origin open on the certificate: none of its parts may be deleted."""
        self._set_verification(cert_hash, is_open=True)

    def close_verification(self, cert_hash: bytes) -> None:
        """Mark the certificate's verification closed: its parts follow their retention dates again."""
        self._set_verification(cert_hash, is_open=False)

    def delete(self, part_id: int) -> None:
        """Delete one part; refused while its certificate is under verification or still retained."""
        now = self._now()
        with self._sessions.begin() as session:
            cert_hash = session.scalar(select(Part.cert_hash).where(Part.id == part_id))
            if cert_hash is None:
                raise ValidationError(f"part {part_id} is not in the store")
            certificate = session.get_one(Certificate, cert_hash, with_for_update=True)
            part = session.get_one(Part, part_id, with_for_update=True)
            if certificate.verification_open:
                raise ValidationError(
                    f"part {part_id} of certificate 0x{cert_hash.hex()} cannot be deleted: "
                    "a verification of origin is open on the certificate"
                )
            if now < part.retain_until:
                raise ValidationError(
                    f"part {part_id} of certificate 0x{cert_hash.hex()} cannot be deleted: it is retained "
                    f"until {part.retain_until:%Y-%m-%d %H:%M:%S} UTC"
                )
            session.execute(delete(PartRecipient).where(PartRecipient.part_id == part_id))
            session.delete(part)

    def purge(self, now: datetime | None = None) -> int:
        """Delete every part whose retention has ended by `now` (default: the clock) and whose
        certificate has no open verification; return how many were deleted."""
        moment = self._now() if now is None else require_utc(now, "now")
        with self._sessions.begin() as session:
            # Locking the certificates first keeps a verification from opening under the deletion.
            session.execute(
                select(Certificate.cert_hash)
                .where(
                    Certificate.cert_hash.in_(select(Part.cert_hash).where(Part.retain_until <= moment)),
                    Certificate.verification_open.is_(False),
                )
                .order_by(Certificate.cert_hash)
                .with_for_update()
            )
            expired = (
                select(Part.id)
                .join(Certificate, Certificate.cert_hash == Part.cert_hash)
                .where(Part.retain_until <= moment, Certificate.verification_open.is_(False))
            )
            session.execute(delete(PartRecipient).where(PartRecipient.part_id.in_(expired)))
            result = cast(CursorResult[Any], session.execute(delete(Part).where(Part.id.in_(expired))))
            return result.rowcount

    def share(self, part_id: int, owner_identity: x25519.Identity, key: bytes) -> PartRecord:
        """Re-encrypt a part to one more recipient, the raw X25519 `key`; only its owner may.

        The part is decrypted with the owner's identity and checked against its commitment first, so a
        tampered part is never passed on. Sharing with a key already among the recipients changes nothing.
        """
        key = require_bytes32(key, "key")
        with self._sessions.begin() as session:
            record = self._one(session, part_id, lock=True)
            if keys.public_key(owner_identity) != record.owner_key:
                raise ValidationError(f"part {part_id} can be shared only by its owner, {record.owner}")
            if key in record.recipients:
                return record
            plaintext = open_verified(record, [owner_identity])
            return self._reencrypt(
                session, [(record, plaintext, record.owner_key, (*record.recipients, key))]
            )[0]

    def rotate_key(self, old_identity: x25519.Identity, new_key: bytes) -> int:
        """Re-encrypt every part `old_identity` can read to `new_key` in its place, in one transaction.

        Each part is decrypted with the old identity and checked against its commitment; the other
        recipients keep their access; a part the old key owned is owned by the new key. Any tampered
        part stops the whole rotation, leaving every part as it was. Returns how many were re-encrypted.
        """
        old_key = keys.public_key(old_identity)
        new_key = require_bytes32(new_key, "new_key")
        if new_key == old_key:
            raise ValidationError("new_key is the key being rotated out")
        with self._sessions.begin() as session:
            ids = session.scalars(
                select(PartRecipient.part_id)
                .where(PartRecipient.key == old_key)
                .order_by(PartRecipient.part_id)
            ).all()
            for chunk in _chunks(ids):
                records = self._load(session, select(Part).where(Part.id.in_(chunk)).with_for_update())
                self._reencrypt(
                    session,
                    [
                        (
                            record,
                            open_verified(record, [old_identity]),
                            new_key if record.owner_key == old_key else record.owner_key,
                            tuple({*record.recipients, new_key} - {old_key}),
                        )
                        for record in records
                    ],
                )
            return len(ids)

    # Reading

    def get(self, part_id: int) -> PartRecord:
        """The record of one part."""
        with self._sessions.begin() as session:
            return self._one(session, part_id, lock=False)

    def find(
        self, cert_hash: bytes, *, kind: PartKind | None = None, owner: str | None = None
    ) -> list[PartRecord]:
        """The parts of a certificate, optionally only those of one kind or one owner, oldest first."""
        query = (
            select(Part).where(Part.cert_hash == require_bytes32(cert_hash, "cert_hash")).order_by(Part.id)
        )
        if kind is not None:
            query = query.where(Part.kind == _kind(kind).value)
        if owner is not None:
            query = query.where(Part.owner == require_address(owner, "owner"))
        with self._sessions.begin() as session:
            return self._load(session, query)

    def records(self) -> Iterator[PartRecord]:
        """Every part in the store, in id order, read a page at a time."""
        last = 0
        while True:
            with self._sessions.begin() as session:
                page = self._load(session, select(Part).where(Part.id > last).order_by(Part.id).limit(_CHUNK))
            if not page:
                return
            yield from page
            last = page[-1].id

    def certificates(self) -> Iterator[CertificateState]:
        """Every certificate the store has parts of, its last claim and open verification, by hash."""
        last = b""
        while True:
            with self._sessions.begin() as session:
                page = session.scalars(
                    select(Certificate)
                    .where(Certificate.cert_hash > last)
                    .order_by(Certificate.cert_hash)
                    .limit(_CHUNK)
                ).all()
                states = [
                    CertificateState(row.cert_hash, row.last_claim_at, row.verification_open) for row in page
                ]
            if not states:
                return
            yield from states
            last = states[-1].cert_hash

    def read(self, part_id: int, identity: x25519.Identity) -> bytes:
        """The plaintext of a part, decrypted with `identity` and checked against its hashes and commitment.

        Raises `IntegrityError` naming the tampering found, or `DecryptionError` if `identity` cannot open it.
        """
        return open_verified(self.get(part_id), [identity])

    def export(self, part_id: int, path: Path, *, overwrite: bool = False) -> Path:
        """Write a part's ciphertext to `path` as an `.age` file that `age -d` opens.

        The file appears whole or not at all (written to a temporary file beside it, then linked or
        renamed into place); a part whose hashes fail is not exported. An existing file is kept unless
        `overwrite` is set.
        """
        record = self.get(part_id)
        findings = check(record)
        if findings:
            raise IntegrityError(findings[0].message)
        path = Path(path)
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(descriptor, "wb") as file:
                file.write(record.ciphertext)
                file.flush()
                os.fsync(file.fileno())
            if overwrite:
                os.replace(temporary, path)
            else:
                try:
                    os.link(temporary, path)
                except FileExistsError:
                    raise ValidationError(f"export file {path} already exists") from None
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
        return path

    # Internals

    def _now(self) -> datetime:
        return require_utc(self._clock(), "store clock")

    def _set_verification(self, cert_hash: bytes, *, is_open: bool) -> None:
        cert_hash = require_bytes32(cert_hash, "cert_hash")
        with self._sessions.begin() as session:
            self._lock_certificates(session, {cert_hash})
            session.execute(
                update(Certificate)
                .where(Certificate.cert_hash == cert_hash)
                .values(verification_open=is_open)
            )

    def _lock_certificates(
        self, session: Session, cert_hashes: Iterable[bytes]
    ) -> dict[bytes, datetime | None]:
        """Create the certificates' rows if missing and lock them; return each one's last claim time.

        The lock (PostgreSQL; SQLite already holds the database's write lock) makes a concurrent
        claim wait, so a part never misses an extension of its retention.
        """
        ordered = sorted(cert_hashes)
        dialect_insert = postgresql.insert if self._engine.dialect.name == "postgresql" else sqlite.insert
        session.execute(
            dialect_insert(Certificate).on_conflict_do_nothing(index_elements=["cert_hash"]),
            [{"cert_hash": cert_hash, "verification_open": False} for cert_hash in ordered],
        )
        claims: dict[bytes, datetime | None] = {}
        for chunk in _chunks(ordered):
            rows = session.execute(
                select(Certificate.cert_hash, Certificate.last_claim_at)
                .where(Certificate.cert_hash.in_(chunk))
                .order_by(Certificate.cert_hash)
                .with_for_update()
            )
            claims.update((cert_hash, last_claim_at) for cert_hash, last_claim_at in rows)
        return claims

    def _one(self, session: Session, part_id: int, *, lock: bool) -> PartRecord:
        query = select(Part).where(Part.id == part_id)
        found = self._load(session, query.with_for_update() if lock else query)
        if not found:
            raise ValidationError(f"part {part_id} is not in the store")
        return found[0]

    def _load(self, session: Session, query: Select[Part]) -> list[PartRecord]:
        parts = session.scalars(query).all()
        recipients: dict[int, list[bytes]] = defaultdict(list)
        for chunk in _chunks([part.id for part in parts]):
            for part_id, key in session.execute(
                select(PartRecipient.part_id, PartRecipient.key).where(PartRecipient.part_id.in_(chunk))
            ):
                recipients[part_id].append(key)
        return [
            _record(part.id, {column: getattr(part, column) for column in _COLUMNS}, recipients[part.id])
            for part in parts
        ]

    def _reencrypt(
        self,
        session: Session,
        changes: Sequence[tuple[PartRecord, bytes, bytes, tuple[bytes, ...]]],
    ) -> list[PartRecord]:
        """Rewrite records with their plaintext encrypted anew: each change is (record, plaintext, owner
        key, recipients). Rows and recipient rows are updated in bulk, in the caller's transaction."""
        updated = []
        for record, plaintext, owner_key, new_recipients in changes:
            row, recipients = _encrypt(
                cert_hash=record.cert_hash,
                kind=record.kind,
                owner=record.owner,
                owner_key=owner_key,
                recipients=new_recipients,
                commitment_root=record.commitment_root,
                plaintext=plaintext,
            )
            row |= {"created_at": record.created_at, "retain_until": record.retain_until}
            updated.append(_record(record.id, row, recipients))
        if not updated:
            return []
        session.execute(
            update(Part),
            [
                {
                    "id": record.id,
                    "owner_key": record.owner_key,
                    "ciphertext": record.ciphertext,
                    "ciphertext_hash": record.ciphertext_hash,
                    "binding": record.binding,
                }
                for record in updated
            ],
        )
        session.execute(delete(PartRecipient).where(PartRecipient.part_id.in_([r.id for r in updated])))
        session.execute(
            insert(_RECIPIENTS),
            [{"part_id": record.id, "key": key} for record in updated for key in record.recipients],
        )
        return updated


_COLUMNS = (
    "cert_hash",
    "kind",
    "owner",
    "owner_key",
    "commitment_root",
    "ciphertext",
    "ciphertext_hash",
    "binding",
    "created_at",
    "retain_until",
)


def _inserted_ids(session: Session, rows: Sequence[dict[str, Any]]) -> list[int]:
    """The ids of just-inserted part rows, in their order, found again by their unique key.

    An executemany INSERT runs as one prepared statement; asking it to RETURN the ids in parameter
    order makes SQLite run one statement per row instead, which cost more than the inserts.
    """
    found: dict[tuple[bytes, str, str, bytes], int] = {}
    for chunk in _chunks(sorted({row["cert_hash"] for row in rows})):
        found.update(
            ((cert_hash, kind, owner, root), part_id)
            for part_id, cert_hash, kind, owner, root in session.execute(
                select(Part.id, Part.cert_hash, Part.kind, Part.owner, Part.commitment_root).where(
                    Part.cert_hash.in_(chunk)
                )
            )
        )
    return [found[row["cert_hash"], row["kind"], row["owner"], row["commitment_root"]] for row in rows]


def _check_registered_parts(
    sealed: Sequence[tuple[dict[str, Any], tuple[bytes, ...]]], registrations: Sequence[NewRegistration]
) -> None:
    """Refuse a registration whose certificate part is not stored with it."""
    certified = {row["cert_hash"] for row, _ in sealed if row["kind"] == PartKind.CERTIFICATE.value}
    for registration in registrations:
        cert_hash = require_bytes32(registration.cert_hash, "registration cert_hash")
        if cert_hash not in certified:
            raise ValidationError(
                f"registration of certificate 0x{cert_hash.hex()}: "
                "its certificate part must be stored with it"
            )


def _seal(part: NewPart) -> tuple[dict[str, Any], tuple[bytes, ...]]:
    """Validate a new part and encrypt it: its row (less times) and its sorted recipients."""
    cert_hash = require_bytes32(part.cert_hash, "cert_hash")
    kind = _kind(part.kind)
    if not isinstance(part.opening, Opening):
        raise ValidationError(f"{kind} part of certificate 0x{cert_hash.hex()}: opening must be an Opening")
    root = part.opening.root
    if kind is PartKind.CERTIFICATE and root != cert_hash:
        raise ValidationError(
            f"{kind} part of certificate 0x{cert_hash.hex()}: the opening's root 0x{root.hex()} "
            "is not the certificate hash"
        )
    return _encrypt(
        cert_hash=cert_hash,
        kind=kind,
        owner=require_address(part.owner, "owner"),
        owner_key=require_bytes32(part.owner_key, "owner_key"),
        recipients=tuple(require_bytes32(key, "recipients") for key in part.recipients),
        commitment_root=root,
        plaintext=part.opening.to_bytes(),
    )


def _encrypt(
    *,
    cert_hash: bytes,
    kind: PartKind,
    owner: str,
    owner_key: bytes,
    recipients: Iterable[bytes],
    commitment_root: bytes,
    plaintext: bytes,
) -> tuple[dict[str, Any], tuple[bytes, ...]]:
    """Encrypt to the owner and recipients; the row's bound columns and the sorted recipient keys."""
    everyone = tuple(sorted({owner_key, *recipients}))
    ciphertext = sealing.encrypt(plaintext, everyone)
    ciphertext_hash = sealing.ciphertext_hash(ciphertext)
    row = {
        "cert_hash": cert_hash,
        "kind": kind.value,
        "owner": owner,
        "owner_key": owner_key,
        "commitment_root": commitment_root,
        "ciphertext": ciphertext,
        "ciphertext_hash": ciphertext_hash,
        "binding": sealing.binding(
            cert_hash=cert_hash,
            kind=kind,
            owner=owner,
            owner_key=owner_key,
            recipients=everyone,
            commitment_root=commitment_root,
            ciphertext_hash=ciphertext_hash,
        ),
    }
    return row, everyone


def _record(part_id: int, row: dict[str, Any], recipients: Iterable[bytes]) -> PartRecord:
    return PartRecord(
        id=part_id,
        cert_hash=row["cert_hash"],
        kind=PartKind(row["kind"]),
        owner=row["owner"],
        owner_key=row["owner_key"],
        recipients=tuple(sorted(recipients)),
        commitment_root=row["commitment_root"],
        ciphertext=row["ciphertext"],
        ciphertext_hash=row["ciphertext_hash"],
        binding=row["binding"],
        created_at=row["created_at"],
        retain_until=row["retain_until"],
    )


def _kind(kind: PartKind | str) -> PartKind:
    try:
        return PartKind(kind)
    except ValueError:
        raise ValidationError(
            f"part kind {kind!r} is not one of {', '.join(k.value for k in PartKind)}"
        ) from None


def _chunks(items: Sequence[_T]) -> Iterator[Sequence[_T]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]
