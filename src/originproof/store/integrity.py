"""Tamper detection: every stored byte that matters is checked against what it is bound to.

Three kinds of tampering are told apart:

- `CIPHERTEXT_CHANGED`: the ciphertext no longer hashes to its recorded keccak256;
- `RECORD_SWAPPED`: the ciphertext (with its hash) belongs to another record, or the record's
  identity or recipients were edited, so its binding no longer matches;
- `COMMITMENT_MISMATCH`: the plaintext no longer opens to the record's commitment root (a certificate
  opening's root must also be its certificate hash); seen by decrypting, so it needs an identity among
  the part's recipients.

`UNDECRYPTABLE` reports a ciphertext that passes its hashes yet none of its own recipients can open.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from pyrage import x25519

from originproof import keys
from originproof.commitments import open_root
from originproof.errors import DecryptionError, Error, IntegrityError
from originproof.store import sealing
from originproof.store.records import PartKind, PartRecord

if TYPE_CHECKING:
    from originproof.store.store import Store


class FindingKind(StrEnum):
    CIPHERTEXT_CHANGED = "ciphertext-changed"
    RECORD_SWAPPED = "record-swapped"
    COMMITMENT_MISMATCH = "commitment-mismatch"
    UNDECRYPTABLE = "undecryptable"


@dataclass(frozen=True)
class Finding:
    """One piece of tampering found in one stored part."""

    part_id: int
    kind: FindingKind
    message: str


def check(record: PartRecord, identities: Sequence[x25519.Identity] = ()) -> list[Finding]:
    """Every tampering found in `record`; empty when it is intact.

    The hashes are checked without any key. The plaintext is checked only when one of `identities`
    is among the part's recipients and the hashes hold (a changed ciphertext says all there is to say).
    """
    findings = _check_hashes(record)
    if findings:
        return findings
    own = [identity for identity in identities if keys.public_key(identity) in record.recipients]
    if own:
        try:
            open_verified(record, own)
        except DecryptionError:
            findings.append(
                Finding(
                    record.id, FindingKind.UNDECRYPTABLE, f"{_name(record)}: its recipient cannot decrypt it"
                )
            )
        except IntegrityError as error:
            findings.append(Finding(record.id, FindingKind.COMMITMENT_MISMATCH, str(error)))
    return findings


def audit_store(store: "Store", identities: Sequence[x25519.Identity] = ()) -> list[Finding]:
    """Every tampering found in every part of `store`, checked as `check` does.

    A ciphertext that hashes to another record's recorded hash is reported as swapped rather than
    merely changed, naming the record it came from. Records are streamed, not loaded all at once.
    """
    findings: list[Finding] = []
    recorded: dict[bytes, int] = {}
    changed: list[tuple[Finding, bytes]] = []
    for record in store.records():
        recorded[record.ciphertext_hash] = record.id
        for finding in check(record, identities):
            if finding.kind is FindingKind.CIPHERTEXT_CHANGED:
                changed.append((finding, sealing.ciphertext_hash(record.ciphertext)))
            else:
                findings.append(finding)
    for finding, actual in changed:
        source = recorded.get(actual)
        if source is None or source == finding.part_id:
            findings.append(finding)
        else:
            findings.append(
                Finding(
                    finding.part_id,
                    FindingKind.RECORD_SWAPPED,
                    f"part {finding.part_id} holds the ciphertext of part {source} (record swapped)",
                )
            )
    return sorted(findings, key=lambda finding: finding.part_id)


def open_verified(record: PartRecord, identities: Sequence[x25519.Identity]) -> bytes:
    """The part's plaintext, once its hashes, its decryption and its commitment all check out.

    Raises `IntegrityError` naming the tampering found, or `DecryptionError` if no identity opens it.
    """
    findings = _check_hashes(record)
    if findings:
        raise IntegrityError(findings[0].message)
    plaintext = sealing.decrypt(record.ciphertext, identities)
    check_opening(plaintext, record.commitment_root, what=_name(record))
    return plaintext


def check_opening(plaintext: bytes, expected_root: bytes, *, what: str) -> None:
    """Raise `IntegrityError` unless `plaintext` is a serialized opening whose root is `expected_root`."""
    try:
        root = open_root(plaintext)
    except Error as error:
        raise IntegrityError(
            f"{what}: commitment mismatch: plaintext is not a valid opening ({error})"
        ) from None
    if root != expected_root:
        raise IntegrityError(
            f"{what}: commitment mismatch: plaintext opens to 0x{root.hex()}, "
            f"not to its commitment root 0x{expected_root.hex()}"
        )


def _check_hashes(record: PartRecord) -> list[Finding]:
    """The checks that need no key: ciphertext hash, record binding, certificate root."""
    findings = []
    actual = sealing.ciphertext_hash(record.ciphertext)
    if actual != record.ciphertext_hash:
        findings.append(
            Finding(
                record.id,
                FindingKind.CIPHERTEXT_CHANGED,
                f"{_name(record)}: ciphertext hash mismatch: the stored bytes hash to 0x{actual.hex()}, "
                f"the record says 0x{record.ciphertext_hash.hex()}",
            )
        )
    if sealing.record_binding(record) != record.binding:
        findings.append(
            Finding(
                record.id,
                FindingKind.RECORD_SWAPPED,
                f"{_name(record)}: record binding mismatch: its ciphertext, recipients or identity do not "
                "belong together (record swapped or edited)",
            )
        )
    if record.kind is PartKind.CERTIFICATE and record.commitment_root != record.cert_hash:
        findings.append(
            Finding(
                record.id,
                FindingKind.COMMITMENT_MISMATCH,
                f"{_name(record)}: commitment mismatch: its commitment root is not its certificate hash",
            )
        )
    return findings


def _name(record: PartRecord) -> str:
    return f"part {record.id} ({record.kind} of certificate 0x{record.cert_hash.hex()}, owner {record.owner})"
