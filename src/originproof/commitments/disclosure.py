"""Disclosures: some fields of a committed tree, one multiproof for them all, and the chain context.

A verifier recomputes each field's leaf, checks it against the leaf the disclosure records (so a
changed field is named), runs the OpenZeppelin multiproof over the recorded leaves and compares the
result with the root it expects: the certificate hash, or the annex root the certificate holds.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import rfc8785

from originproof._internal import wire
from originproof._internal.canonical import canonical_value, check_pointer, loads, where
from originproof.commitments.context import ChainContext
from originproof.commitments.opening import Opening, field_leaf
from originproof.errors import IntegrityError, ValidationError
from originproof.merkle import MultiProof, process_multiproof

DISCLOSURE_FORMAT = "originproof-disclosure/1"


@dataclass(frozen=True)
class DisclosedField:
    """One disclosed node: its pointer, JCS value bytes and salt, and the leaf hash they commit to.

    The leaf is recorded so that a verifier can tell which field was changed: a recomputed leaf
    that differs from the recorded one names its field, while the multiproof checks the recorded
    leaves against the root.
    """

    pointer: str
    value: bytes
    salt: bytes
    leaf: bytes


@dataclass(frozen=True)
class Disclosure:
    """Some fields of one committed tree, one OpenZeppelin multiproof for all of them, and the chain context.

    `root` is the tree's root: the certificate hash for certificate fields, the annex root for annex
    fields. `disclosed` is in document order; the multiproof consumes their leaves sorted ascending.
    """

    root: bytes
    disclosed: tuple[DisclosedField, ...]
    proof: tuple[bytes, ...]
    flags: tuple[bool, ...]
    context: ChainContext

    def fields(self) -> dict[str, Any]:
        """The disclosed values decoded as JSON, by pointer, in document order."""
        return {item.pointer: loads(item.value, f"field {where(item.pointer)}") for item in self.disclosed}

    def to_bytes(self) -> bytes:
        """The disclosure file (`originproof-disclosure/1`) as canonical (RFC 8785) JSON."""
        return rfc8785.dumps(
            {
                "format": DISCLOSURE_FORMAT,
                "chain": self.context.to_json(),
                "root": wire.hex32(self.root),
                "fields": [
                    {
                        "pointer": item.pointer,
                        "value": loads(item.value, f"field {where(item.pointer)}"),
                        "salt": wire.hex32(item.salt),
                        "leaf": wire.hex32(item.leaf),
                    }
                    for item in self.disclosed
                ],
                "proof": [wire.hex32(node) for node in self.proof],
                "flags": list(self.flags),
            }
        )

    @classmethod
    def from_bytes(cls, data: bytes) -> "Disclosure":
        """Read a disclosure file; ValidationError names the member that is malformed.

        This checks form only; `verify_disclosure` checks the fields against a root.
        """
        top = wire.members(
            loads(data, "disclosure"), "disclosure", ("format", "chain", "root", "fields", "proof", "flags")
        )
        if top["format"] != DISCLOSURE_FORMAT:
            raise ValidationError(f"disclosure: format must be {DISCLOSURE_FORMAT!r}")
        items = wire.array(top["fields"], "disclosure: fields")
        if not items:
            raise ValidationError("disclosure: fields must name at least one field")
        disclosed = tuple(_field_from_json(item, index) for index, item in enumerate(items))
        pointers = {item.pointer for item in disclosed}
        if len(pointers) != len(disclosed):
            raise ValidationError("disclosure: fields name the same pointer twice")
        flags = wire.array(top["flags"], "disclosure: flags")
        if any(type(flag) is not bool for flag in flags):
            raise ValidationError("disclosure: flags must be true or false")
        proof = wire.array(top["proof"], "disclosure: proof")
        return cls(
            root=wire.bytes32(top["root"], "disclosure: root"),
            disclosed=disclosed,
            proof=tuple(wire.bytes32(node, f"disclosure: proof[{i}]") for i, node in enumerate(proof)),
            flags=tuple(flags),
            context=ChainContext.from_json(top["chain"]),
        )


def _field_from_json(value: Any, index: int) -> DisclosedField:
    item = wire.members(value, f"disclosure: fields[{index}]", ("pointer", "value", "salt", "leaf"))
    pointer = item["pointer"]
    if type(pointer) is not str:
        raise ValidationError(f"disclosure: fields[{index}].pointer must be text")
    check_pointer(pointer, f"disclosure: fields[{index}].pointer")
    what = f"disclosure: field {where(pointer)}"
    return DisclosedField(
        pointer=pointer,
        value=canonical_value(item["value"], pointer, "disclosure"),
        salt=wire.bytes32(item["salt"], f"{what}: salt"),
        leaf=wire.bytes32(item["leaf"], f"{what}: leaf"),
    )


def disclose(opening: Opening, pointers: Iterable[str], *, context: ChainContext) -> Disclosure:
    """Disclose the fields at `pointers`; a pointer to an object or array discloses everything under it.

    Raises ValidationError for a pointer that names no node of the document, or for no pointer at all.
    """
    if isinstance(pointers, str):
        raise ValidationError("disclose: pointers must be a collection of pointers, not one string")
    positions = sorted({position for pointer in pointers for position in opening._subtree(pointer)})
    if not positions:
        raise ValidationError("disclose: name at least one field")
    multiproof = opening._tree.get_multiproof(positions)
    disclosed = []
    for position in positions:
        salt, pointer, value = opening._values[position]
        disclosed.append(DisclosedField(pointer, value, salt, field_leaf(salt, pointer, value)))
    return Disclosure(opening.root, tuple(disclosed), multiproof.proof, multiproof.flags, context)


def verify_disclosure(disclosure: Disclosure, expected_root: bytes) -> None:
    """Check every disclosed field against `expected_root`; IntegrityError says what does not match.

    A field whose pointer, value, salt or recorded leaf no longer agree is named. A field changed
    together with its recorded leaf, or a changed proof or flag, fails as a whole: nothing is left
    that says which field was touched.
    """
    if disclosure.root != expected_root:
        raise IntegrityError(
            f"disclosure: its fields commit to 0x{disclosure.root.hex()}, not to 0x{expected_root.hex()}"
        )
    for item in disclosure.disclosed:
        if field_leaf(item.salt, item.pointer, item.value) != item.leaf:
            raise IntegrityError(f"field {where(item.pointer)} does not match its commitment")
    leaves = tuple(sorted(item.leaf for item in disclosure.disclosed))
    try:
        root = process_multiproof(MultiProof(leaves, disclosure.proof, disclosure.flags))
    except (IntegrityError, IndexError):
        # IndexError: merkle's shape check lets some bad flag sequences through, to run out of nodes midway.
        raise IntegrityError("disclosure: its multiproof's proof and flags do not fit its fields") from None
    if root != disclosure.root:
        raise IntegrityError(
            f"disclosure: its fields and multiproof do not lead to 0x{disclosure.root.hex()}"
        )
