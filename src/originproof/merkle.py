"""OpenZeppelin's StandardMerkleTree, rebuilt in Python.

Certificate batches and field commitments both use this one tree, so `@openzeppelin/merkle-tree`
(npm) and Solidity/Vyper verifiers agree with it byte for byte:

- a leaf is `keccak256(keccak256(abi.encode(value...)))`: the double hash keeps a 64-byte leaf
  preimage from ever being mistaken for an inner node;
- a pair is hashed sorted (`keccak256(min(a, b) ++ max(a, b))`), so proofs carry no left/right bits;
- leaves are sorted by hash and laid out as a complete binary tree in one array, root at index 0,
  children of `i` at `2i+1` and `2i+2`, leaves at the end in reverse order. A naive bottom-up tree
  gives another root whenever the leaf count is not a power of two.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from originproof._internal.abi import encode
from originproof._internal.keccak import keccak
from originproof.errors import IntegrityError, ValidationError


def leaf_hash(types: Sequence[str], value: Sequence[Any]) -> bytes:
    """The standard leaf of one value: `keccak256(keccak256(abi.encode(value)))`."""
    return keccak(keccak(encode(list(types), list(value))))


def hash_pair(a: bytes, b: bytes) -> bytes:
    return keccak(a + b) if a <= b else keccak(b + a)


def _sibling(index: int) -> int:
    return index + 1 if index % 2 else index - 1


def _parent(index: int) -> int:
    return (index - 1) // 2


@dataclass(frozen=True)
class MultiProof:
    """Leaves in the order the verifier consumes them, sibling hashes and flags (OpenZeppelin layout)."""

    leaves: tuple[bytes, ...]
    proof: tuple[bytes, ...]
    flags: tuple[bool, ...]


def process_proof(leaf: bytes, proof: Sequence[bytes]) -> bytes:
    """The root that `leaf` and its `proof` lead to."""
    node = leaf
    for sibling in proof:
        node = hash_pair(node, sibling)
    return node


def process_multiproof(multiproof: MultiProof) -> bytes:
    """The root a multiproof leads to; IntegrityError when its shape is inconsistent."""
    leaves, proof, flags = multiproof.leaves, multiproof.proof, multiproof.flags
    if len(leaves) + len(proof) != len(flags) + 1 or len(proof) < flags.count(False):
        raise IntegrityError("merkle multiproof: leaves, proof and flags do not fit together")
    stack = list(leaves)
    siblings = list(proof)
    for flag in flags:
        left = stack.pop(0)
        right = stack.pop(0) if flag else siblings.pop(0)
        stack.append(hash_pair(left, right))
    if len(stack) + len(siblings) != 1:
        raise IntegrityError("merkle multiproof: does not reduce to one root")
    return stack[0] if stack else siblings[0]


class StandardMerkleTree:
    """A tree of ABI-encoded values; indices below are positions in `values`, as in OpenZeppelin."""

    def __init__(self, values: Sequence[Sequence[Any]], types: Sequence[str]) -> None:
        if not values:
            raise ValidationError("merkle tree: needs at least one value")
        self.types = tuple(types)
        self.values = tuple(tuple(value) for value in values)
        hashes = [self.leaf_hash(value) for value in self.values]
        order = sorted(range(len(hashes)), key=hashes.__getitem__)
        size = 2 * len(hashes) - 1
        tree: list[bytes] = [b""] * size
        self._tree_index = [0] * len(hashes)
        for position, value_index in enumerate(order):
            tree[size - 1 - position] = hashes[value_index]
            self._tree_index[value_index] = size - 1 - position
        for node in range(size - 1 - len(hashes), -1, -1):
            tree[node] = hash_pair(tree[2 * node + 1], tree[2 * node + 2])
        self._tree = tree

    @classmethod
    def of(cls, values: Sequence[Sequence[Any]], types: Sequence[str]) -> "StandardMerkleTree":
        return cls(values, types)

    @property
    def root(self) -> bytes:
        return self._tree[0]

    def leaf_hash(self, value: Sequence[Any]) -> bytes:
        return leaf_hash(self.types, value)

    def get_proof(self, index: int) -> list[bytes]:
        """Sibling hashes from the leaf of `values[index]` up to the root."""
        node = self._tree_index[index]
        proof = []
        while node > 0:
            proof.append(self._tree[_sibling(node)])
            node = _parent(node)
        return proof

    def get_multiproof(self, indices: Sequence[int]) -> MultiProof:
        """One proof for several values at once (OpenZeppelin's `getMultiProof`)."""
        if len(set(indices)) != len(indices):
            raise ValidationError("merkle multiproof: an index is repeated")
        nodes = sorted((self._tree_index[i] for i in indices), reverse=True)
        stack = list(nodes)
        proof: list[bytes] = []
        flags: list[bool] = []
        while stack and stack[0] > 0:
            node = stack.pop(0)
            sibling = _sibling(node)
            if stack and stack[0] == sibling:
                flags.append(True)
                stack.pop(0)
            else:
                flags.append(False)
                proof.append(self._tree[sibling])
            stack.append(_parent(node))
        if not nodes:
            proof.append(self.root)
        return MultiProof(tuple(self._tree[n] for n in nodes), tuple(proof), tuple(flags))


def verify(root: bytes, types: Sequence[str], value: Sequence[Any], proof: Sequence[bytes]) -> bool:
    """Whether `value` is a member of the tree with this root."""
    return process_proof(leaf_hash(types, value), proof) == root


def verify_multiproof(root: bytes, multiproof: MultiProof) -> bool:
    """Whether the multiproof's leaves all belong to the tree with this root."""
    try:
        return process_multiproof(multiproof) == root
    except IntegrityError:
        return False
