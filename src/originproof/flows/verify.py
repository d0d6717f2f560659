"""Verify a certificate opening or a disclosure: VALID, INVALID or UNVERIFIABLE, with every check.

The checks, in order (docs/commitments.md §10 is the scheme they follow):

- commitments: the fields open to the certificate hash (a changed field is named); an annex disclosure
  opens to the `annex_root` the certificate discloses;
- registration: the chain's record (or, for an untouched batch member, its batch leaf) has the
  certifier, agreement and blanket period the document and the disclosure's chain context say;
- status: ACTIVE and AFFIRMED are in force, UNDER_VERIFICATION is in force but reported;
  SUPERSEDED, REVOKED, DENIED and an unknown hash are not;
- certifier: holds an exporter, producer or importer role now and is not suspended (registration
  already required such a role at issue, so the chain vouches for that);
- blanket period: covers the day of use (`on`); a single-shipment certificate covers its invoice;
- four-year validity: customs accepts a certification for four years after the date it was completed
  (USMCA Art. 5.2), the signature date; applied under every agreement. Without a disclosed signature
  date the registration date stands in: completion cannot come after registration, so this catches
  every use more than four years after registration, though not every use four years after signing;
- attestations: listed (claims, supplier declarations, grants, verification notes), never decisive.

A check that fails makes the certificate INVALID; when the commitments fail, nothing else is checked.
A chain that cannot be read (every RPC URL down, timing out or throttling) leaves the chain's checks
UNKNOWN and the answer UNVERIFIABLE: never INVALID.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from pyrage import x25519

from originproof._internal.canonical import escape, loads
from originproof.chain.records import AttestationEvent, CertificateRecord
from originproof.chain.views import ChainViews
from originproof.commitments import (
    DISCLOSURE_FORMAT,
    OPENING_FORMAT,
    BatchMembership,
    ChainContext,
    Disclosure,
    Opening,
    verify_disclosure,
)
from originproof.enums import Agreement, Status
from originproof.errors import ChainError, IntegrityError, UnverifiableError, ValidationError
from originproof.flows._common import hex32
from originproof.model import parse_certificate
from originproof.model.blanket import unix_day
from originproof.store import sealing

VALIDITY_YEARS = 4
IN_FORCE = (Status.ACTIVE, Status.AFFIRMED, Status.UNDER_VERIFICATION)
CERTIFIER_ROLES = frozenset({"EXPORTER", "PRODUCER", "IMPORTER"})

_DATES = ("/signature/date", "/blanket/from", "/blanket/to")
_AGE_MARKERS = (b"age-encryption.org/", b"-----BEGIN AGE ENCRYPTED FILE-----")


class Verdict(StrEnum):
    VALID = "VALID"
    INVALID = "INVALID"
    UNVERIFIABLE = "UNVERIFIABLE"


class Outcome(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Check:
    """One check: its name, how it came out, and what it found (the failing field, the status…)."""

    name: str
    outcome: Outcome
    detail: str

    def to_json(self) -> dict[str, str]:
        return {"name": self.name, "outcome": self.outcome.value, "detail": self.detail}


@dataclass(frozen=True)
class Evidence:
    """What a file puts forward: a certificate hash and the fields it shows (all, for an opening).

    `kind` is "opening" or "disclosure". `fields` maps RFC 6901 pointers to values for the checks that
    compare the document with the chain; `context` is a disclosure's chain context; `problem` is why
    the file's commitments do not hold, `opened` what they showed when they do.
    """

    kind: str
    cert_hash: bytes
    fields: dict[str, Any]
    context: ChainContext | None = None
    problem: str | None = None
    opened: str = ""


@dataclass(frozen=True)
class Verification:
    """The answer: the verdict, every check in order, and the certificate's attestations.

    `kind` is the evidence's ("opening" or "disclosure"); `on` the day of use checked.
    """

    verdict: Verdict
    cert_hash: bytes
    kind: str
    on: date
    checks: tuple[Check, ...]
    attestations: tuple[dict[str, Any], ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict.value,
            "cert_hash": hex32(self.cert_hash),
            "evidence": self.kind,
            "on": self.on.isoformat(),
            "checks": [check.to_json() for check in self.checks],
            "attestations": list(self.attestations),
        }


# Reading what is to be verified


def read_evidence(
    data: bytes,
    name: str,
    *,
    annex: tuple[bytes, str] | None = None,
    identity: Callable[[], x25519.Identity] | None = None,
) -> Evidence:
    """The evidence in a file's bytes: an opening or a disclosure, as JSON or age-encrypted (then opened
    with `identity()`). `annex` (bytes and name of a disclosure of annex fields) is checked against the
    `annex_root` the certificate discloses. ValidationError for a file that is neither.

    Commitments are checked here, without the chain: evidence whose fields do not open to its root
    carries a `problem`, which makes it INVALID.
    """
    if data.lstrip().startswith(_AGE_MARKERS):
        if identity is None:
            raise ValidationError(f"{name}: is age-encrypted; the workspace identity is needed to open it")
        data = sealing.decrypt(data, [identity()])
    document = loads(data, name)
    kind = document.get("format") if isinstance(document, dict) else None
    if kind == OPENING_FORMAT:
        evidence = _opening_evidence(data, name)
    elif kind == DISCLOSURE_FORMAT:
        evidence = _disclosure_evidence(data, name)
    elif isinstance(document, dict) and "agreement" in document:
        raise ValidationError(
            f"{name}: is a certificate without its salts; verify its opening (the stored certificate, "
            "`originproof export HASH --part certificate`) or a disclosure of it (`originproof disclose`)"
        )
    else:
        raise ValidationError(f"{name}: is neither an {OPENING_FORMAT} nor an {DISCLOSURE_FORMAT} file")
    if annex is not None:
        evidence = _with_annex(evidence, *annex)
    return evidence


def _opening_evidence(data: bytes, name: str) -> Evidence:
    try:
        opening = Opening.from_bytes(data)
    except ValidationError as error:
        raise ValidationError(f"{name}: {error}") from None
    problem = None
    try:
        parse_certificate(opening.document, name)
    except ValidationError as error:
        problem = f"the opened document is not a valid certificate: {error}"
    return Evidence(
        kind="opening",
        cert_hash=opening.root,
        fields=_flatten(opening.document),
        problem=problem,
        opened=f"all {len(opening.salts)} fields open to {hex32(opening.root)}",
    )


def _disclosure_evidence(data: bytes, name: str) -> Evidence:
    try:
        disclosure = Disclosure.from_bytes(data)
    except ValidationError as error:
        raise ValidationError(f"{name}: {error}") from None
    cert_hash = disclosure.context.cert_hash
    fields = disclosure.fields()
    problem = None
    try:
        verify_disclosure(disclosure, cert_hash)
    except IntegrityError as error:
        problem = str(error)
    return Evidence(
        kind="disclosure",
        cert_hash=cert_hash,
        fields=fields,
        context=disclosure.context,
        problem=problem or _unusable(fields),
        opened=f"{len(disclosure.disclosed)} disclosed fields open to {hex32(cert_hash)}",
    )


def _with_annex(evidence: Evidence, data: bytes, name: str) -> Evidence:
    """The evidence, with a problem if the annex disclosure does not open to the certificate's annex_root."""
    try:
        annex = Disclosure.from_bytes(data)
    except ValidationError as error:
        raise ValidationError(f"{name}: {error}") from None
    annex_root = evidence.fields.get("/annex_root")
    problem = evidence.problem
    if problem is not None:
        pass
    elif annex.context.cert_hash != evidence.cert_hash:
        problem = (
            f"annex disclosure {name} is of certificate {hex32(annex.context.cert_hash)}, not of this one"
        )
    elif not isinstance(annex_root, str):
        problem = "the certificate does not disclose /annex_root, so the annex fields cannot be checked"
    else:
        try:
            verify_disclosure(annex, bytes.fromhex(annex_root.removeprefix("0x")))
        except IntegrityError as error:
            problem = f"annex: {error}"
    opened = f"{evidence.opened}; {len(annex.disclosed)} annex fields open to its annex_root {annex_root}"
    return replace(evidence, problem=problem, opened=opened)


def _unusable(fields: dict[str, Any]) -> str | None:
    """Why a disclosed field the checks read cannot be a certificate's (a certificate committed outside
    the model may hold anything), or None."""
    agreement = fields.get("/agreement", "USMCA")
    if not isinstance(agreement, str) or agreement not in Agreement.__members__:
        return f"field /agreement: {agreement!r} is not an agreement ({', '.join(Agreement.__members__)})"
    for pointer in _DATES:
        value = fields.get(pointer, "2000-01-01")
        try:
            date.fromisoformat(value)
        except (TypeError, ValueError):
            return f"field {pointer}: {value!r} is not a date (YYYY-MM-DD)"
    if not isinstance(fields.get("/certifier_account", ""), str):
        return "field /certifier_account: is not an address"
    return None


def _flatten(document: Any, pointer: str = "") -> dict[str, Any]:
    """Every scalar of a JSON document by its RFC 6901 pointer."""
    if isinstance(document, dict):
        return {
            key: value
            for name, child in document.items()
            for key, value in _flatten(child, f"{pointer}/{escape(name)}").items()
        }
    if isinstance(document, list):
        return {
            key: value
            for index, child in enumerate(document)
            for key, value in _flatten(child, f"{pointer}/{index}").items()
        }
    return {pointer: document}


# Verifying against the chain


def verify(
    evidence: Evidence,
    views: ChainViews,
    *,
    on: date | None = None,
    batch: BatchMembership | None = None,
) -> Verification:
    """Check `evidence` against the chain `views` reads, for use on `on` (default: today, UTC).

    `batch` is the batch membership of an opening whose certificate may be an untouched batch member
    (a disclosure carries its own). Only a chain that cannot be read makes the answer UNVERIFIABLE;
    other chain errors (a node serving another chain) raise.
    """
    day = on or datetime.now(UTC).date()
    checks = [_commitments(evidence)]
    if evidence.problem is not None:
        # Fields that do not open to the certificate hash say nothing about it: nothing more to check.
        return Verification(Verdict.INVALID, evidence.cert_hash, evidence.kind, day, tuple(checks))
    attestations: list[dict[str, Any]] = []
    try:
        found = _record(evidence, views, evidence.context.batch if evidence.context else batch)
        if isinstance(found, Check):
            checks += [found, _four_years(evidence, None, day)]
        else:
            record, via = found
            checks += [
                _registration(evidence, record, via),
                _status(record),
                _certifier(record.certifier, views),
                _blanket(record, day),
                _four_years(evidence, record, day),
            ]
            attestations = _attestations(evidence.cert_hash, views)
    except UnverifiableError as error:
        checks.append(Check("chain", Outcome.UNKNOWN, str(error)))
    return Verification(
        _verdict(checks), evidence.cert_hash, evidence.kind, day, tuple(checks), tuple(attestations)
    )


def unreadable(evidence: Evidence, error: UnverifiableError, *, on: date | None = None) -> Verification:
    """The answer when the chain could not be reached at all: the commitments, and the chain UNKNOWN."""
    checks = (_commitments(evidence), Check("chain", Outcome.UNKNOWN, str(error)))
    return Verification(
        _verdict(checks), evidence.cert_hash, evidence.kind, on or datetime.now(UTC).date(), checks
    )


def _verdict(checks: Sequence[Check]) -> Verdict:
    outcomes = {check.outcome for check in checks}
    if Outcome.FAIL in outcomes:
        return Verdict.INVALID
    if Outcome.UNKNOWN in outcomes:
        return Verdict.UNVERIFIABLE
    return Verdict.VALID


def _commitments(evidence: Evidence) -> Check:
    if evidence.problem is not None:
        return Check("commitments", Outcome.FAIL, evidence.problem)
    return Check("commitments", Outcome.PASS, evidence.opened)


def _record(
    evidence: Evidence, views: ChainViews, batch: BatchMembership | None
) -> tuple[CertificateRecord, str] | Check:
    """The certificate's record and how it was found (its own record, or the batch holding it); a
    failing check when the chain knows neither."""
    cert_hash = evidence.cert_hash
    record = views.certificate(cert_hash)
    if record.status is not Status.NONE:
        return record, "its own record"
    if batch is None:
        return Check("registration", Outcome.FAIL, f"certificate {hex32(cert_hash)} is not registered")
    terms = _leaf_terms(evidence)
    if terms is None:
        return Check(
            "registration", Outcome.FAIL, "/agreement is not disclosed, so the batch leaf cannot be built"
        )
    agreement, blanket_from, blanket_to = terms
    try:
        status = views.status_in_batch(
            batch.root, cert_hash, agreement, blanket_from, blanket_to, batch.proof
        )
    except UnverifiableError:
        raise
    except ChainError as error:
        return Check(
            "registration", Outcome.FAIL, f"batch {hex32(batch.root)} refuses the member's terms: {error}"
        )
    if status is Status.NONE:
        return Check(
            "registration",
            Outcome.FAIL,
            f"certificate {hex32(cert_hash)} is not a member of a registered batch {hex32(batch.root)}",
        )
    registered = views.batch(batch.root)
    record = CertificateRecord(
        certifier=registered.certifier,
        agreement=agreement,
        status=status,
        issued_at=registered.registered_at,
        blanket_from=blanket_from,
        blanket_to=blanket_to,
        supersedes=bytes(32),
    )
    return record, f"member of batch {hex32(batch.root)}"


def _leaf_terms(evidence: Evidence) -> tuple[int, int, int] | None:
    """(agreement, blanket_from, blanket_to) of the batch leaf: the chain context's, else the document's."""
    if evidence.context is not None:
        context = evidence.context
        return int(context.agreement), context.blanket_from, context.blanket_to
    agreement = Agreement.__members__.get(evidence.fields.get("/agreement", ""))
    if agreement is None:
        return None
    start, end = evidence.fields.get("/blanket/from"), evidence.fields.get("/blanket/to")
    if start is None or end is None:
        return int(agreement), 0, 0
    return int(agreement), unix_day(date.fromisoformat(start)), unix_day(date.fromisoformat(end))


def _registration(evidence: Evidence, record: CertificateRecord, via: str) -> Check:
    """The chain's certifier, agreement and blanket period against the evidence's context and fields."""
    stated: list[tuple[str, Any, Any]] = []
    if evidence.context is not None:
        context = evidence.context
        stated += [
            ("chain.certifier", context.certifier, record.certifier),
            ("chain.agreement", int(context.agreement), record.agreement),
            ("chain.blanket_from", context.blanket_from, record.blanket_from),
            ("chain.blanket_to", context.blanket_to, record.blanket_to),
        ]
    fields = evidence.fields
    on_chain = {
        "/certifier_account": record.certifier,
        "/agreement": _agreement_name(record.agreement),
        "/blanket/from": _day(record.blanket_from),
        "/blanket/to": _day(record.blanket_to),
    }
    stated += [(pointer, fields[pointer], value) for pointer, value in on_chain.items() if pointer in fields]
    single = (record.blanket_from, record.blanket_to) == (0, 0)
    if evidence.kind == "opening" and "/blanket/from" not in fields and not single:
        stated.append(("/blanket", "absent (a single shipment)", "a blanket period"))
    for what, claimed, recorded in stated:
        if claimed != recorded:
            return Check(
                "registration", Outcome.FAIL, f"{what} is {claimed}, but the chain records {recorded}"
            )
    return Check(
        "registration",
        Outcome.PASS,
        f"{_agreement_name(record.agreement)} certificate registered {_timestamp(record.issued_at)} "
        f"by {record.certifier} ({via})",
    )


def _status(record: CertificateRecord) -> Check:
    status = record.status
    if status not in IN_FORCE:
        return Check("status", Outcome.FAIL, f"{status.name}: not in force")
    note = (
        ": in force, under verification by customs" if status is Status.UNDER_VERIFICATION else ": in force"
    )
    return Check("status", Outcome.PASS, status.name + note)


def _certifier(certifier: str, views: ChainViews) -> Check:
    roles = views.roles_of(certifier) & CERTIFIER_ROLES
    if not roles:
        return Check(
            "certifier",
            Outcome.FAIL,
            f"{certifier} holds no exporter, producer or importer role now, or is suspended",
        )
    return Check("certifier", Outcome.PASS, f"{certifier} is an active {' and '.join(sorted(roles)).lower()}")


def _blanket(record: CertificateRecord, day: date) -> Check:
    if record.blanket_from == 0 and record.blanket_to == 0:
        return Check("blanket period", Outcome.PASS, "single shipment: covers the shipment of its invoice")
    start, end = _day(record.blanket_from), _day(record.blanket_to)
    if not start <= day.isoformat() <= end:
        return Check("blanket period", Outcome.FAIL, f"{start} to {end} does not cover {day.isoformat()}")
    return Check("blanket period", Outcome.PASS, f"{start} to {end} covers {day.isoformat()}")


def _four_years(evidence: Evidence, record: CertificateRecord | None, day: date) -> Check:
    signed = evidence.fields.get("/signature/date")
    if isinstance(signed, str):
        completed, source = date.fromisoformat(signed), "signed"
    elif record is not None:
        completed, source = (
            datetime.fromtimestamp(record.issued_at, UTC).date(),
            "registered (signature date not disclosed)",
        )
    else:
        return Check(
            "four-year validity", Outcome.UNKNOWN, "neither the signature date nor the registration is known"
        )
    until = _years_after(completed, VALIDITY_YEARS)
    if day > until:
        return Check(
            "four-year validity",
            Outcome.FAIL,
            f"{source} {completed.isoformat()}: accepted until {until.isoformat()}, used {day.isoformat()} "
            "(more than four years after it was completed, USMCA Art. 5.2)",
        )
    return Check(
        "four-year validity",
        Outcome.PASS,
        f"{source} {completed.isoformat()}: accepted until {until.isoformat()}",
    )


def _attestations(cert_hash: bytes, views: ChainViews) -> list[dict[str, Any]]:
    return [_attestation(event, views.is_valid(event.uid)) for event in views.attestations_of(cert_hash)]


def _attestation(event: AttestationEvent, valid: bool) -> dict[str, Any]:
    return {
        "kind": event.kind.name,
        "attester": event.attester,
        "uid": hex32(event.uid),
        "evidence_hash": hex32(event.evidence_hash),
        "block": event.block_number,
        "tx_hash": event.tx_hash,
        "valid": valid,
    }


def _years_after(day: date, years: int) -> date:
    """The same calendar day `years` later; 29 February moves to 1 March in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


def _day(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, UTC).date().isoformat()


def _timestamp(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _agreement_name(code: int) -> str:
    return Agreement(code).name if code in Agreement._value2member_map_ else str(code)
