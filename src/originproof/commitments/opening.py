"""Openings: a committed document with the salt of each of its nodes, and the root they give.

Every node of a canonical JSON document (see `originproof._internal.canonical`) is one leaf of an
OpenZeppelin StandardMerkleTree of `(bytes32 salt, string path, bytes value)`: a fresh random salt,
the node's RFC 6901 pointer and its JCS bytes. The salt keeps a field with few possible values,
such as a country, from being guessed from its leaf.
"""

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Any

from originproof._internal import wire
from originproof._internal.abi import FIELD_TYPES, encode_field
from originproof._internal.canonical import Leaf, canonicalize, dumps, jcs_order, loads, shown, where
from originproof._internal.keccak import keccak
from originproof.errors import ValidationError
from originproof.merkle import StandardMerkleTree

OPENING_FORMAT = "originproof-opening/1"
SALT_SIZE = 32

_CONTAINERS = (b"{}", b"[]")


def field_leaf(salt: bytes, pointer: str, value: bytes) -> bytes:
    """The leaf hash of one field: `keccak256(keccak256(abi.encode(salt, pointer, value)))`."""
    return keccak(keccak(encode_field(salt, pointer, value)))


class _FieldTree(StandardMerkleTree):
    """The standard tree of `(salt, path, value)` leaves, hashed through `field_leaf`'s direct encoding."""

    def leaf_hash(self, value: Sequence[Any]) -> bytes:
        salt, pointer, data = value
        return field_leaf(salt, pointer, data)


@dataclass(frozen=True, eq=True, repr=False)
class Opening:
    """A committed document and the salt of each of its nodes, keyed by pointer.

    Construction checks that the document is canonical (it does not normalize: `commit` does) and
    that there is exactly one 32-byte salt per node. The document is a fresh copy; treat it as
    read-only. The repr shows only the root: the salts are what keeps undisclosed fields secret.
    """

    document: dict[str, Any]
    salts: Mapping[str, bytes]
    _values: tuple[tuple[bytes, str, bytes], ...] = field(init=False, compare=False)

    def __post_init__(self) -> None:
        document, leaves = canonicalize(self.document, normalize=False, what="opening")
        self._settle(document, leaves, dict(self.salts))

    @classmethod
    def _of_canonical(
        cls, document: dict[str, Any], leaves: list[Leaf], salts: dict[str, bytes]
    ) -> "Opening":
        """An opening of a document `canonicalize` has just copied: it need not be walked again."""
        opening = object.__new__(cls)
        opening._settle(document, leaves, salts)
        return opening

    def _settle(self, document: dict[str, Any], leaves: list[Leaf], salts: dict[str, bytes]) -> None:
        for pointer, _ in leaves:
            salt = salts.get(pointer)
            if salt is None:
                raise ValidationError(f"opening: no salt for {where(pointer)}")
            if type(salt) is not bytes or len(salt) != SALT_SIZE:
                raise ValidationError(f"opening: salt for {where(pointer)} must be {SALT_SIZE} bytes")
        if len(salts) != len(leaves):
            known = {pointer for pointer, _ in leaves}
            stray = sorted(where(str(pointer)) for pointer in salts if pointer not in known)
            raise ValidationError(f"opening: salt(s) for {', '.join(stray)} name no node of the document")
        object.__setattr__(self, "document", document)
        object.__setattr__(self, "salts", MappingProxyType(salts))
        object.__setattr__(
            self, "_values", tuple((salts[pointer], pointer, value) for pointer, value in leaves)
        )

    def __repr__(self) -> str:
        return f"Opening(root=0x{self.root.hex()}, nodes={len(self._values)})"

    @cached_property
    def _tree(self) -> StandardMerkleTree:
        return _FieldTree(self._values, FIELD_TYPES)

    @cached_property
    def _positions(self) -> dict[str, int]:
        return {pointer: index for index, (_, pointer, _) in enumerate(self._values)}

    @property
    def root(self) -> bytes:
        """The commitment: the certificate hash, or the annex root."""
        return self._tree.root

    def to_bytes(self) -> bytes:
        """The opening as canonical (RFC 8785) JSON, salts as 0x-hex.

        The document is the canonical copy construction made, so it is written as it stands; only
        the salts, kept in document order, are sorted into JCS order here.
        """
        salts = {pointer: wire.hex32(self.salts[pointer]) for pointer in jcs_order(self.salts)}
        # Written with its members in JCS order, as `dumps` requires.
        return dumps({"document": self.document, "format": OPENING_FORMAT, "salts": salts})

    @classmethod
    def from_bytes(cls, data: bytes) -> "Opening":
        """Read `to_bytes` output back; ValidationError names what is malformed."""
        top = wire.members(loads(data, "opening"), "opening", ("format", "document", "salts"))
        if top["format"] != OPENING_FORMAT:
            raise ValidationError(f"opening: format must be {OPENING_FORMAT!r}")
        salts = wire.obj(top["salts"], "opening: salts")
        parsed = {
            pointer: wire.bytes32(salt, f"opening: salt for {where(pointer)}")
            for pointer, salt in salts.items()
        }
        return cls(top["document"], parsed)

    def _subtree(self, pointer: str) -> range:
        """Positions of the node at `pointer` and of every node under it (contiguous: pre-order)."""
        start = self._positions.get(pointer)
        if start is None:
            raise ValidationError(f"disclose: '{shown(pointer)}' names no field of the document")
        end = start + 1
        if self._values[start][2] in _CONTAINERS:
            prefix = pointer + "/"
            while end < len(self._values) and self._values[end][1].startswith(prefix):
                end += 1
        return range(start, end)


def commit(document: dict[str, Any], *, random: Callable[[int], bytes] = os.urandom) -> Opening:
    """Commit to a JSON object with fresh salts, after normalizing its text to NFC.

    Raises ValidationError naming the pointer of a float, an integer beyond ±(2^53 - 1), invalid
    Unicode or anything that is not JSON.
    """
    canonical, leaves = canonicalize(document, normalize=True)
    entropy = random(SALT_SIZE * len(leaves))
    salts = {pointer: entropy[SALT_SIZE * i : SALT_SIZE * (i + 1)] for i, (pointer, _) in enumerate(leaves)}
    return Opening._of_canonical(canonical, leaves, salts)


def open_root(plaintext: bytes) -> bytes:
    """The root of a serialized opening: what a stored part must still match."""
    return Opening.from_bytes(plaintext).root
