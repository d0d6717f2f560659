"""Certify: validate certificate files, commit them, store their parts encrypted, register them on chain.

In that order, and resumable. A certificate's parts and its registration (state `stored`) are written
in one store transaction before anything is sent; the registration is marked `registered` once the
chain holds it. A run stopped in between (a crash, a lost connection, a revert) is finished by the next
run on the same files: it finds the `stored` registration by the document's digest, so it neither
commits the document again under fresh salts nor stores it twice, and it asks the chain before sending,
so a transaction that went through but was never recorded is not sent again.

Which annex goes with a certificate: `--annex FILE` for a single certificate, otherwise the file next
to it named like it with `.annex.json` in place of `.certificate.json` (or of `.json`), as in
`examples/`. The annex is committed first: its root becomes the certificate's `annex_root` field, then
the certificate is committed. A certificate that already holds an `annex_root` (its annex committed by
its owner elsewhere) is certified without an annex file.

Who can read what: the certificate part is encrypted to the certifier's identity and to each `--to`
account's on-chain key; the annex part to its owner only (the certifier's own identity when the
certifier owns it, else the owner's on-chain key). Customs is not added by default: it gets the
certificate from the importer's claim or a grant, and the annex only by a grant from its owner.
"""

import gc
import json
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from originproof._internal.checks import require_address
from originproof._internal.keccak import keccak
from originproof.chain import TxResult
from originproof.commitments import BatchMembership, Opening, commit
from originproof.enums import Status
from originproof.errors import ChainError, ValidationError
from originproof.flows._common import Party, hex32
from originproof.merkle import StandardMerkleTree
from originproof.model import Annex, Certificate, load_annex, load_certificate
from originproof.store import NewPart, NewRegistration, PartKind, RegistrationRecord, RegistrationState

BATCH_LEAF_TYPES = ("bytes32", "uint8", "uint64", "uint64")
"""The batch tree's leaf: (cert_hash, agreement, blanket_from, blanket_to), as `Certificates` hashes it."""

CERTIFICATE_SUFFIX = ".certificate.json"
ANNEX_SUFFIX = ".annex.json"

_CERTIFIER_ROLES = frozenset({"EXPORTER", "PRODUCER", "IMPORTER"})
_AMENDABLE = (Status.ACTIVE, Status.AFFIRMED)
_DIGEST_TAG = "originproof/certify-input/1"

Progress = Callable[[int], None]
"""Told how many more certificates have gone through a step (prepared, then registered)."""


@dataclass(frozen=True)
class Submission:
    """One certificate file to certify, validated, with its annex file if it has one.

    `document` is the certificate's committed form (without `annex_root` when an annex file is to be
    committed), `annex_document` the annex's. `digest` identifies the input (certificate, annex,
    amended certificate): the same files give the same digest, which is how a rerun finds what an
    earlier run stored.
    """

    path: Path
    certificate: Certificate
    document: dict[str, Any] = field(repr=False)
    annex_path: Path | None
    annex: Annex | None
    supersedes: bytes | None
    digest: bytes = field(repr=False)
    annex_document: dict[str, Any] | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Certified:
    """One certificate's outcome: its hash and how it stands on chain after this run.

    `registered_now` is False for a certificate an earlier run had already registered. `tx` is the
    transaction this run sent for it (shared by the members of a batch), None when it sent none: the
    certificate was registered before, or the chain held it already when this run came to register it.
    `tx_hash` is the registering transaction when known, this run's or an earlier one's.
    """

    path: Path
    cert_hash: bytes
    annex_root: bytes | None
    registered_now: bool
    tx_hash: str | None
    batch_root: bytes | None
    tx: TxResult | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "file": str(self.path),
            "cert_hash": hex32(self.cert_hash),
            "annex_root": None if self.annex_root is None else hex32(self.annex_root),
            "registered": "now" if self.registered_now else "before",
            "tx_hash": self.tx_hash,
            "batch_root": None if self.batch_root is None else hex32(self.batch_root),
        }


# Reading the input


def read_submissions(
    paths: Sequence[Path], *, annex: Path | None = None, supersedes: bytes | None = None
) -> list[Submission]:
    """Validate every certificate file and its annex; ValidationError names the file and the field.

    Nothing is committed, stored or sent here: a malformed file stops the run before it starts.
    """
    if not paths:
        raise ValidationError("certify: name at least one certificate file")
    if annex is not None and len(paths) != 1:
        raise ValidationError("--annex: names the annex of one certificate; give exactly one FILE with it")
    if supersedes is not None and len(paths) != 1:
        raise ValidationError("--supersedes: an amendment replaces one certificate; give exactly one FILE")
    with _collector_paused():
        submissions = [_submission(Path(path), annex, supersedes) for path in paths]
    seen: dict[bytes, Path] = {}
    for submission in submissions:
        earlier = seen.setdefault(submission.digest, submission.path)
        if earlier != submission.path:
            raise ValidationError(f"{submission.path}: holds the same certificate and annex as {earlier}")
    return submissions


def annex_path_for(path: Path) -> Path:
    """Where the annex of the certificate file `path` is looked for: `x.certificate.json` → `x.annex.json`."""
    name = path.name
    stem = name.removesuffix(CERTIFICATE_SUFFIX) if name.endswith(CERTIFICATE_SUFFIX) else path.stem
    return path.with_name(stem + ANNEX_SUFFIX)


def _submission(path: Path, annex: Path | None, supersedes: bytes | None) -> Submission:
    certificate = load_certificate(path)
    annex_path = annex
    if annex_path is None:
        beside = annex_path_for(path)
        annex_path = beside if beside.exists() else None
    annex_model = None
    if annex_path is not None:
        annex_model = load_annex(annex_path)
        if certificate.annex_root is not None:
            raise ValidationError(
                f"{path}: annex_root: is set already, yet annex file {annex_path} was given to commit; "
                "certify with the annex file or with the annex root, not both"
            )
    document = committed_form(certificate)
    annex_document = None if annex_model is None else committed_form(annex_model)
    digest = _digest(document, annex_document, supersedes)
    return Submission(
        path, certificate, document, annex_path, annex_model, supersedes, digest, annex_document
    )


def committed_form(document: Certificate | Annex) -> dict[str, Any]:
    """The JSON a certificate or annex is committed as: the model's canonical form, absent fields left out."""
    return document.model_dump(mode="json", exclude_none=True)


def _digest(certificate: dict[str, Any], annex: dict[str, Any] | None, supersedes: bytes | None) -> bytes:
    """keccak256 of the RFC 8785 (JCS) serialization of the input's committed forms.

    The committed forms hold only text, booleans, null, arrays and objects whose members are the
    model's field names, all ASCII: `json.dumps` with sorted keys writes exactly the JCS bytes then
    (code-point order is JCS's UTF-16 order for ASCII, and its escapes are JCS's), at a sixth of the
    `rfc8785` package's cost. The tests hold the two equal.
    """
    value = {
        "tag": _DIGEST_TAG,
        "certificate": certificate,
        "annex": annex,
        "supersedes": None if supersedes is None else hex32(supersedes),
    }
    return keccak(
        json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode(
            "utf-8"
        )
    )


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a batch is read or certified.

    A batch allocates hundreds of thousands of short-lived objects that reference counting frees, yet
    the allocations trigger full collections, each of which walks every object of the process: with
    ape loaded, about 0.2 s apiece, one or two per 1,000 certificates (bench/e2e.md). The collector
    is left as it was found, and collects whatever cyclic garbage there is afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# Certifying


def certify(
    party: Party,
    submissions: Sequence[Submission],
    *,
    batch: bool = False,
    recipients: Sequence[str] = (),
    progress: Progress | None = None,
) -> list[Certified]:
    """Commit, encrypt, store and register `submissions` as `party`; one outcome per submission.

    With `batch`, the certificates new to the store are registered as one batch root; otherwise one
    by one. A submission an earlier run stored but did not register is registered now, the way it was
    stored (alone or in its batch); one already registered is reported, not sent again.
    `progress` hears of each certificate twice: once stored, once registered.
    """
    tell = progress or (lambda _count: None)
    if batch and any(submission.supersedes is not None for submission in submissions):
        raise ValidationError("--supersedes: an amendment is registered alone, not in a batch")
    with _collector_paused():
        return _certify(party, submissions, batch=batch, recipients=recipients, progress=tell)


def _certify(
    party: Party,
    submissions: Sequence[Submission],
    *,
    batch: bool,
    recipients: Sequence[str],
    progress: Progress,
) -> list[Certified]:
    keys = _preflight(party, submissions, recipients)
    known = party.store.registrations.by_digest(submission.digest for submission in submissions)
    fresh = [submission for submission in submissions if submission.digest not in known]
    progress(len(submissions) - len(fresh))
    stored, annex_roots = _store(party, fresh, keys, batch=batch, progress=progress)
    known.update(stored)
    registrations = [known[submission.digest] for submission in submissions]
    sent = _register(party, registrations, progress, new={record.cert_hash for record in stored.values()})
    outcomes = []
    for submission, registration in zip(submissions, registrations, strict=True):
        cert_hash = registration.cert_hash
        tx = sent.get(cert_hash)
        earlier = None if cert_hash in sent else registration.tx_hash
        outcomes.append(
            Certified(
                path=submission.path,
                cert_hash=cert_hash,
                annex_root=annex_roots.get(cert_hash) or _annex_root(party, submission, cert_hash),
                registered_now=cert_hash in sent,
                tx_hash=tx.tx_hash if tx is not None else _hex_or_none(earlier),
                batch_root=None if registration.batch is None else registration.batch.root,
                tx=tx,
            )
        )
    return outcomes


@dataclass(frozen=True)
class _Keys:
    """The encryption keys a run needs, resolved before anything is stored."""

    owner: bytes
    recipients: tuple[bytes, ...]
    annex_owners: dict[str, bytes]


def _preflight(party: Party, submissions: Sequence[Submission], recipients: Sequence[str]) -> _Keys:
    """Every check that could stop the run after storing, made before it: the certifier's standing and
    role, the certifier account of each file, the keys to encrypt to, the certificate amended."""
    sender = party.address
    roles = party.client.roles_of(sender) & _CERTIFIER_ROLES
    if not roles:
        raise ChainError(
            f"account {sender} cannot certify: it holds no exporter, producer or importer role, "
            "or it is suspended"
        )
    for submission in submissions:
        certificate = submission.certificate
        if certificate.certifier_account != sender:
            raise ValidationError(
                f"{submission.path}: certifier_account: is {certificate.certifier_account}, "
                f"but the certifying account is {sender}"
            )
        if certificate.certifier.role.upper() not in roles:
            raise ValidationError(
                f"{submission.path}: certifier.role: is {certificate.certifier.role}, but account {sender} "
                f"is enrolled as {' and '.join(sorted(roles)).lower()}"
            )
        if submission.supersedes is not None:
            _check_amendable(party, submission.supersedes)
    owner = party.public_key
    annex_owners = {sender: owner}
    for submission in submissions:
        if submission.annex is not None:
            account = submission.annex.owner.account
            if account not in annex_owners:
                annex_owners[account] = _on_chain_key(
                    party, account, f"{submission.annex_path}: owner.account"
                )
    keys = tuple(
        _on_chain_key(party, require_address(account, "--to"), f"--to {account}") for account in recipients
    )
    return _Keys(owner=owner, recipients=keys, annex_owners=annex_owners)


def _on_chain_key(party: Party, account: str, what: str) -> bytes:
    key = party.client.encryption_key(account)
    if key == bytes(len(key)):
        raise ValidationError(f"{what}: account {account} has no encryption key on chain (is it enrolled?)")
    return key


def _check_amendable(party: Party, supersedes: bytes) -> None:
    record = party.client.certificate(supersedes)
    if record.status not in _AMENDABLE:
        raise ValidationError(
            f"--supersedes {hex32(supersedes)}: the certificate is {record.status.name}; "
            "only an ACTIVE or AFFIRMED certificate can be amended"
        )
    if record.certifier != party.address:
        raise ValidationError(
            f"--supersedes {hex32(supersedes)}: certified by {record.certifier}; "
            f"only its own certifier can amend it, not {party.address}"
        )


def _store(
    party: Party, fresh: Sequence[Submission], keys: _Keys, *, batch: bool, progress: Progress
) -> tuple[dict[bytes, RegistrationRecord], dict[bytes, bytes]]:
    """Commit the new submissions, then store their parts and `stored` registrations in one transaction;
    the registrations by document digest, and the annex roots committed, by certificate hash."""
    if not fresh:
        return {}, {}
    openings = []
    for submission in fresh:
        openings.append(_commit(submission))
        progress(1)
    memberships = (
        _batch_memberships(
            [
                (certificate.root, submission)
                for submission, (certificate, _) in zip(fresh, openings, strict=True)
            ]
        )
        if batch
        else {}
    )
    parts: list[NewPart] = []
    registrations: list[NewRegistration] = []
    for submission, (certificate, annex) in zip(fresh, openings, strict=True):
        cert_hash = certificate.root
        parts.append(
            NewPart(cert_hash, PartKind.CERTIFICATE, party.address, keys.owner, certificate, keys.recipients)
        )
        if annex is not None and submission.annex is not None:
            owner = submission.annex.owner.account
            parts.append(NewPart(cert_hash, PartKind.ANNEX, owner, keys.annex_owners[owner], annex))
        _, blanket_from, blanket_to = _terms(submission.certificate)
        registrations.append(
            NewRegistration(
                cert_hash=cert_hash,
                document_digest=submission.digest,
                certifier=party.address,
                agreement=submission.certificate.agreement_code,
                blanket_from=blanket_from,
                blanket_to=blanket_to,
                supersedes=submission.supersedes,
                batch=memberships.get(cert_hash),
            )
        )
    party.store.put_many(parts, registrations=registrations)
    stored = {
        registration.document_digest: RegistrationRecord(**vars(registration))
        for registration in registrations
    }
    annex_roots = {certificate.root: annex.root for certificate, annex in openings if annex is not None}
    return stored, annex_roots


def _commit(submission: Submission) -> tuple[Opening, Opening | None]:
    """The certificate opening, holding the annex opening's root as its `annex_root`, and the annex's."""
    document = dict(submission.document)
    annex = None
    if submission.annex_document is not None:
        annex = commit(submission.annex_document)
        document["annex_root"] = hex32(annex.root)
    return commit(document), annex


def _terms(certificate: Certificate) -> tuple[int, int, int]:
    """(agreement, blanket_from, blanket_to) as `Certificates.register` and the batch leaf take them."""
    blanket_from, blanket_to = certificate.blanket_bounds()
    return int(certificate.agreement_code), blanket_from, blanket_to


def _batch_memberships(members: Sequence[tuple[bytes, Submission]]) -> dict[bytes, BatchMembership]:
    """Each member's batch root and proof; a leaf is the member's hash and registration terms."""
    leaves = [(cert_hash, *_terms(submission.certificate)) for cert_hash, submission in members]
    tree = StandardMerkleTree.of(leaves, BATCH_LEAF_TYPES)
    return {
        leaf[0]: BatchMembership(tree.root, tuple(tree.get_proof(index))) for index, leaf in enumerate(leaves)
    }


def _register(
    party: Party, registrations: Sequence[RegistrationRecord], progress: Progress, *, new: Collection[bytes]
) -> dict[bytes, TxResult | None]:
    """Register every `stored` registration, alone or by its batch root; the transaction of each one
    this run registered (None when the chain held it already and only the store was behind).

    `new` are the certificates this run stored. Their hashes (and batch roots) come from salts drawn
    in this run and never sent before, so no chain can hold them yet: only an earlier run's are looked
    up on chain first, and a batch made in this run has all its members in `registrations`.
    """
    progress(sum(1 for record in registrations if record.state is RegistrationState.REGISTERED))
    sent: dict[bytes, TxResult | None] = {}
    roots: dict[bytes, list[RegistrationRecord]] = {}
    for record in registrations:
        if record.state is not RegistrationState.STORED:
            continue
        if record.batch is None:
            sent[record.cert_hash] = _register_one(party, record, new=record.cert_hash in new)
            progress(1)
        else:
            roots.setdefault(record.batch.root, []).append(record)
    for root, in_this_run in roots.items():
        made_now = in_this_run[0].cert_hash in new
        members = (
            sorted(in_this_run, key=lambda member: member.cert_hash)
            if made_now
            else party.store.registrations.batch_members(root)
        )
        tx = _register_batch(party, root, members, new=made_now)
        sent.update((member.cert_hash, tx) for member in members)
        progress(len(in_this_run))
    return sent


def _register_one(party: Party, record: RegistrationRecord, *, new: bool) -> TxResult | None:
    if not new:
        on_chain = party.client.certificate(record.cert_hash)
        if on_chain.status is not Status.NONE:
            _check_same_certifier(
                f"certificate {hex32(record.cert_hash)}", on_chain.certifier, record.certifier
            )
            party.store.registrations.mark_registered([record.cert_hash], None)
            return None
    result = party.client.register(
        party.account,
        record.cert_hash,
        int(record.agreement),
        record.blanket_from,
        record.blanket_to,
        record.supersedes or bytes(32),
    )
    party.store.registrations.mark_registered([record.cert_hash], _tx_bytes(result.tx_hash))
    return result


def _register_batch(
    party: Party, root: bytes, members: Sequence[RegistrationRecord], *, new: bool
) -> TxResult | None:
    hashes = [member.cert_hash for member in members]
    if not new:
        on_chain = party.client.batch(root)
        if int(on_chain.certifier, 16) != 0:
            _check_same_certifier(f"batch {hex32(root)}", on_chain.certifier, members[0].certifier)
            party.store.registrations.mark_registered(hashes, None)
            return None
    result = party.client.register_batch(party.account, root, len(members))
    party.store.registrations.mark_registered(hashes, _tx_bytes(result.tx_hash))
    return result


def _check_same_certifier(what: str, on_chain: str, stored: str) -> None:
    if on_chain != stored:
        raise ChainError(f"{what} is registered on chain by {on_chain}, not by {stored}, who stored it")


def _annex_root(party: Party, submission: Submission, cert_hash: bytes) -> bytes | None:
    """The root a certificate stored by an earlier run commits to as `annex_root`: given in its file, or
    that of its stored annex."""
    if submission.certificate.annex_root is not None:
        return bytes.fromhex(submission.certificate.annex_root[2:])
    if submission.annex is None:
        return None
    return party.store.find(cert_hash, kind=PartKind.ANNEX)[0].commitment_root


def _tx_bytes(tx_hash: str) -> bytes:
    return bytes.fromhex(tx_hash.removeprefix("0x"))


def _hex_or_none(value: bytes | None) -> str | None:
    return None if value is None else hex32(value)
