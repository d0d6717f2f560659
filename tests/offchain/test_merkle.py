"""The Python tree against `@openzeppelin/merkle-tree` itself, plus properties of proofs."""

import oz
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from originproof.errors import ValidationError
from originproof.merkle import (
    MultiProof,
    StandardMerkleTree,
    process_multiproof,
    verify,
    verify_multiproof,
)

BATCH_TYPES = ["bytes32", "uint8", "uint64", "uint64"]
FIELD_TYPES = ["bytes32", "string", "bytes"]


def _batch_leaf(i: int) -> list:
    return [
        "0x" + (i + 1).to_bytes(32, "big").hex(),
        1 + i % 3,
        0 if i % 2 else 1_735_689_600,
        0 if i % 2 else 1_767_139_200,
    ]


def _field_leaf(i: int) -> list:
    return ["0x" + bytes([i]).hex() * 32, f"/goods/{i}/hs_code", "0x" + f'"84021{i}"'.encode().hex()]


def _multi(n: int) -> list[int]:
    return sorted({0, n // 2, n - 1})


def _python_values(types: list[str], values: list[list]) -> list[list]:
    def convert(kind: str, item):
        return bytes.fromhex(item[2:]) if kind.startswith("bytes") else item

    return [[convert(kind, item) for kind, item in zip(types, value, strict=True)] for value in values]


@pytest.fixture(scope="module")
def reference():
    cases = []
    for n in range(1, 34):
        for types, make in ((BATCH_TYPES, _batch_leaf), (FIELD_TYPES, _field_leaf)):
            cases.append({"types": types, "values": [make(i) for i in range(n)], "multi": _multi(n)})
    return list(zip(cases, oz.trees(cases), strict=True))


def test_tree__1_to_33_leaves__matches_openzeppelin(reference):
    for case, expected in reference:
        tree = StandardMerkleTree.of(_python_values(case["types"], case["values"]), case["types"])
        assert "0x" + tree.root.hex() == expected["root"]
        for index, proof in enumerate(expected["proofs"]):
            assert ["0x" + p.hex() for p in tree.get_proof(index)] == proof


def test_multiproof__1_to_33_leaves__matches_openzeppelin(reference):
    for case, expected in reference:
        tree = StandardMerkleTree.of(_python_values(case["types"], case["values"]), case["types"])
        multiproof = tree.get_multiproof(case["multi"])
        assert ["0x" + h.hex() for h in multiproof.leaves] == expected["multiproof"]["leaves"]
        assert ["0x" + h.hex() for h in multiproof.proof] == expected["multiproof"]["proof"]
        assert list(multiproof.flags) == expected["multiproof"]["flags"]
        assert verify_multiproof(tree.root, multiproof)


def test_tree__no_values__is_refused():
    with pytest.raises(ValidationError, match="at least one value"):
        StandardMerkleTree.of([], BATCH_TYPES)


def test_multiproof__repeated_index__is_refused():
    tree = StandardMerkleTree.of([[b"\x01" * 32, 1, 0, 0], [b"\x02" * 32, 1, 0, 0]], BATCH_TYPES)
    with pytest.raises(ValidationError, match="repeated"):
        tree.get_multiproof([1, 1])


def test_multiproof__inconsistent_shape__does_not_verify():
    tree = StandardMerkleTree.of([[b"\x01" * 32, 1, 0, 0], [b"\x02" * 32, 1, 0, 0]], BATCH_TYPES)
    multiproof = tree.get_multiproof([0])
    broken = MultiProof(multiproof.leaves, (), multiproof.flags)
    assert not verify_multiproof(tree.root, broken)


def test_multiproof__no_leaves__proves_the_root_itself():
    tree = StandardMerkleTree.of([[b"\x01" * 32, 1, 0, 0]], BATCH_TYPES)
    assert process_multiproof(tree.get_multiproof([])) == tree.root


_hashes = st.lists(st.binary(min_size=32, max_size=32), min_size=1, max_size=40, unique=True)


@settings(max_examples=60)
@given(hashes=_hashes, data=st.data())
def test_proof__every_member__verifies_and_a_forged_one_does_not(hashes, data):
    values = [[h, 1, 0, 0] for h in hashes]
    tree = StandardMerkleTree.of(values, BATCH_TYPES)
    index = data.draw(st.integers(0, len(values) - 1))
    proof = tree.get_proof(index)
    assert verify(tree.root, BATCH_TYPES, values[index], proof)
    assert not verify(tree.root, BATCH_TYPES, [values[index][0], 2, 0, 0], proof)
    if proof:
        position = data.draw(st.integers(0, len(proof) - 1))
        forged = [*proof[:position], bytes(32), *proof[position + 1 :]]
        assert not verify(tree.root, BATCH_TYPES, values[index], forged)


@settings(max_examples=60)
@given(hashes=_hashes, data=st.data())
def test_multiproof__any_subset__verifies_and_a_changed_leaf_does_not(hashes, data):
    values = [[h, 1, 0, 0] for h in hashes]
    tree = StandardMerkleTree.of(values, BATCH_TYPES)
    subset = data.draw(st.lists(st.integers(0, len(values) - 1), unique=True))
    multiproof = tree.get_multiproof(subset)
    assert verify_multiproof(tree.root, multiproof)
    if multiproof.leaves:
        changed = MultiProof((bytes(32), *multiproof.leaves[1:]), multiproof.proof, multiproof.flags)
        assert not verify_multiproof(tree.root, changed)
