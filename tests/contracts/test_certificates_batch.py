"""Certificates: batches as StandardMerkleTree roots, membership proofs and materialization."""

import functools

import ape
import pytest
from eth_utils import keccak
from registry_helpers import DAY, LEAF_TYPES, ZERO, block_time, midnight

from originproof.enums import Agreement, Role, Status
from originproof.merkle import StandardMerkleTree

BLANKET = (midnight(2025, 1, 1), midnight(2025, 12, 31))
SIZES = [1, 2, 1_000]


def members(size: int, label: str = "batch") -> list[tuple[bytes, int, int, int]]:
    """`size` distinct leaves, cycling through the agreements, every other one with a blanket period."""
    return [
        (keccak(text=f"{label} of {size}, member {i}"), 1 + i % 3, *(BLANKET if i % 2 else (0, 0)))
        for i in range(size)
    ]


@functools.cache
def tree_of(size: int, label: str = "batch") -> StandardMerkleTree:
    """The tree of `members(size, label)`, built once per session (plain Python, no chain state)."""
    return StandardMerkleTree.of(members(size, label), LEAF_TYPES)


@pytest.fixture
def tree(size) -> StandardMerkleTree:
    return tree_of(size)


@pytest.fixture
def small_tree() -> StandardMerkleTree:
    return tree_of(4, "small")


def positions(size: int) -> dict[str, int]:
    return {"first": 0, "middle": size // 2, "last": size - 1}


def test_register_batch__records_certifier_count_and_time(chain, certificates, producer, small_tree):
    tx = certificates.register_batch(small_tree.root, 4, sender=producer)

    assert certificates.batch(small_tree.root) == (producer.address, 4, block_time(chain, tx))
    [registered] = tx.decode_logs(certificates.BatchRegistered)
    assert registered.root == small_tree.root
    assert registered.certifier == producer.address
    assert registered.count == 4


def test_batch__unknown_root__reads_as_nothing(certificates, small_tree):
    assert certificates.batch(small_tree.root) == ("0x" + "00" * 20, 0, 0)


@pytest.mark.parametrize("caller_name", ["customs", "broker", "stranger"])
def test_register_batch__by_non_certifier__reverts(request, certificates, small_tree, caller_name):
    caller = request.getfixturevalue(caller_name)
    with ape.reverts("Certificates: caller is not a certifier"):
        certificates.register_batch(small_tree.root, 4, sender=caller)


def test_register_batch__by_suspended_certifier__reverts(
    certificates, enrolled, customs, producer, small_tree
):
    enrolled.suspend(producer, sender=customs)
    with ape.reverts("Certificates: caller is not a certifier"):
        certificates.register_batch(small_tree.root, 4, sender=producer)


def test_register_batch__zero_root__reverts(certificates, producer):
    with ape.reverts("Certificates: batch root is zero"):
        certificates.register_batch(ZERO, 4, sender=producer)


def test_register_batch__zero_count__reverts(certificates, producer, small_tree):
    with ape.reverts("Certificates: batch count is zero"):
        certificates.register_batch(small_tree.root, 0, sender=producer)


@pytest.mark.parametrize("second_name", ["producer", "exporter"])
def test_register_batch__known_root__reverts(request, certificates, producer, small_tree, second_name):
    certificates.register_batch(small_tree.root, 4, sender=producer)
    second = request.getfixturevalue(second_name)
    with ape.reverts("Certificates: batch already registered"):
        certificates.register_batch(small_tree.root, 4, sender=second)


@pytest.mark.parametrize("where", ["first", "middle", "last"])
@pytest.mark.parametrize("size", SIZES, ids=[f"{n}-leaves" for n in SIZES])
def test_status_in_batch__member_of_registered_batch__is_active_and_unmaterialized(
    certificates, producer, tree, where
):
    certificates.register_batch(tree.root, len(tree.values), sender=producer)
    index = positions(len(tree.values))[where]
    value = tree.values[index]

    assert certificates.status_in_batch(tree.root, *value, tree.get_proof(index)) == Status.ACTIVE
    assert certificates.status(value[0]) == Status.NONE


def test_status_in_batch__unregistered_root__is_zero(certificates, small_tree):
    assert certificates.status_in_batch(small_tree.root, *small_tree.values[1], small_tree.get_proof(1)) == 0


def forgeries(tree: StandardMerkleTree, index: int) -> dict[str, tuple]:
    """Ways to claim membership of `values[index]` that must all fail: (leaf fields, proof)."""
    cert_hash, agreement, blanket_from, blanket_to = tree.values[index]
    proof = tree.get_proof(index)
    other_agreement = Agreement.NAFTA if agreement != Agreement.NAFTA else Agreement.USMCA
    return {
        "other-hash": ((keccak(cert_hash), agreement, blanket_from, blanket_to), proof),
        "other-agreement": ((cert_hash, other_agreement, blanket_from, blanket_to), proof),
        "other-blanket": ((cert_hash, agreement, BLANKET[0], BLANKET[1] - DAY), proof),
        "tampered-sibling": (tree.values[index], [keccak(proof[0]), *proof[1:]]),
        "truncated-proof": (tree.values[index], proof[:-1]),
        "extra-element": (tree.values[index], [*proof, keccak(text="extra")]),
        "other-members-proof": (tree.values[index], tree.get_proof(index ^ 1)),
    }


FORGERY_NAMES = list(forgeries(tree_of(4, "small"), 1))


@pytest.mark.parametrize("forgery", FORGERY_NAMES)
def test_forged_membership__status_is_zero_and_materialize_reverts(
    certificates, producer, small_tree, forgery
):
    certificates.register_batch(small_tree.root, 4, sender=producer)
    value, proof = forgeries(small_tree, 1)[forgery]

    assert certificates.status_in_batch(small_tree.root, *value, proof) == 0
    with ape.reverts("Certificates: invalid batch proof"):
        certificates.materialize(small_tree.root, *value, proof, sender=producer)


def test_forged_membership__proof_for_another_registered_batch__fails(certificates, producer, small_tree):
    other = tree_of(4, "other")
    certificates.register_batch(small_tree.root, 4, sender=producer)
    certificates.register_batch(other.root, 4, sender=producer)
    assert certificates.status_in_batch(other.root, *small_tree.values[1], small_tree.get_proof(1)) == 0


@pytest.mark.parametrize("where", ["first", "middle", "last"])
@pytest.mark.parametrize("size", SIZES, ids=[f"{n}-leaves" for n in SIZES])
def test_materialize__by_anyone__gives_the_member_its_own_record(
    chain, certificates, producer, stranger, tree, where
):
    registration = certificates.register_batch(tree.root, len(tree.values), sender=producer)
    index = positions(len(tree.values))[where]
    cert_hash, agreement, blanket_from, blanket_to = tree.values[index]

    tx = certificates.materialize(tree.root, *tree.values[index], tree.get_proof(index), sender=stranger)

    record = certificates.certificate(cert_hash)
    assert record.certifier == producer.address
    assert record.agreement == agreement
    assert record.status == Status.ACTIVE
    assert record.issued_at == certificates.batch(tree.root)[2]
    assert record.issued_at == block_time(chain, registration)
    assert (record.blanket_from, record.blanket_to) == (blanket_from, blanket_to)
    assert record.supersedes == ZERO
    [materialized] = tx.decode_logs(certificates.CertificateMaterialized)
    assert materialized.cert_hash == cert_hash
    assert materialized.root == tree.root
    assert materialized.certifier == producer.address
    assert materialized.agreement == agreement
    assert (materialized.blanket_from, materialized.blanket_to) == (blanket_from, blanket_to)
    assert (
        certificates.status_in_batch(tree.root, *tree.values[index], tree.get_proof(index)) == Status.ACTIVE
    )


def test_materialize__twice__reverts(certificates, producer, small_tree):
    certificates.register_batch(small_tree.root, 4, sender=producer)
    certificates.materialize(small_tree.root, *small_tree.values[2], small_tree.get_proof(2), sender=producer)
    with ape.reverts("Certificates: certificate already registered"):
        certificates.materialize(
            small_tree.root, *small_tree.values[2], small_tree.get_proof(2), sender=producer
        )


def test_materialize__hash_registered_singly__reverts_and_status_follows_the_single_record(
    certificates, producer, exporter, customs, small_tree
):
    cert_hash = small_tree.values[0][0]
    certificates.register(cert_hash, Agreement.NAFTA, 0, 0, ZERO, sender=exporter)
    certificates.open_verification(cert_hash, b"\x01" * 32, sender=customs)
    certificates.register_batch(small_tree.root, 4, sender=producer)

    with ape.reverts("Certificates: certificate already registered"):
        certificates.materialize(
            small_tree.root, *small_tree.values[0], small_tree.get_proof(0), sender=producer
        )
    status = certificates.status_in_batch(small_tree.root, *small_tree.values[0], small_tree.get_proof(0))
    assert status == Status.UNDER_VERIFICATION
    assert certificates.certifier(cert_hash) == exporter.address


def test_register__unmaterialized_batch_member__succeeds_and_blocks_materialize(
    certificates, producer, exporter, small_tree
):
    certificates.register_batch(small_tree.root, 4, sender=producer)
    cert_hash = small_tree.values[3][0]
    certificates.register(cert_hash, Agreement.USMCA, 0, 0, ZERO, sender=exporter)
    with ape.reverts("Certificates: certificate already registered"):
        certificates.materialize(
            small_tree.root, *small_tree.values[3], small_tree.get_proof(3), sender=producer
        )


def test_materialize__unregistered_root__reverts(certificates, producer, small_tree):
    with ape.reverts("Certificates: batch not registered"):
        certificates.materialize(
            small_tree.root, *small_tree.values[1], small_tree.get_proof(1), sender=producer
        )


@pytest.mark.parametrize(
    ("leaf", "reason"),
    [
        ((ZERO, 1, 0, 0), "Certificates: certificate hash is zero"),
        ((keccak(text="no agreement"), 0, 0, 0), "Certificates: unknown agreement"),
        (
            (keccak(text="too long"), 1, BLANKET[0], BLANKET[0] + 366 * DAY),
            "Certificates: blanket period longer than one year",
        ),
        (
            (keccak(text="not midnight"), 1, BLANKET[0] + 1, BLANKET[1]),
            "Certificates: blanket dates must be UTC midnight",
        ),
    ],
    ids=["zero-hash", "no-agreement", "too-long", "not-midnight"],
)
def test_member_with_bad_terms__is_refused_like_register(certificates, producer, leaf, reason):
    tree = StandardMerkleTree.of([leaf, (keccak(text="good member"), 1, 0, 0)], LEAF_TYPES)
    certificates.register_batch(tree.root, 2, sender=producer)
    index = tree.values.index(leaf)
    with ape.reverts(reason):
        certificates.status_in_batch(tree.root, *leaf, tree.get_proof(index))
    with ape.reverts(reason):
        certificates.materialize(tree.root, *leaf, tree.get_proof(index), sender=producer)


def test_materialized_member__follows_the_lifecycle_and_status_in_batch_reports_it(
    certificates, producer, small_tree
):
    certificates.register_batch(small_tree.root, 4, sender=producer)
    value, proof = small_tree.values[1], small_tree.get_proof(1)
    certificates.materialize(small_tree.root, *value, proof, sender=producer)
    certificates.revoke(value[0], keccak(text="withdrawn"), sender=producer)
    assert certificates.status_in_batch(small_tree.root, *value, proof) == Status.REVOKED


def test_materialized_member__its_registrant_can_supersede_it(certificates, producer, small_tree, new_hash):
    certificates.register_batch(small_tree.root, 4, sender=producer)
    value, proof = small_tree.values[0], small_tree.get_proof(0)
    certificates.materialize(small_tree.root, *value, proof, sender=producer)
    amendment = new_hash()
    certificates.register(amendment, Agreement.USMCA, 0, 0, value[0], sender=producer)
    assert certificates.status(value[0]) == Status.SUPERSEDED


def test_unmaterialized_member__cannot_be_superseded_yet(certificates, producer, small_tree, new_hash):
    certificates.register_batch(small_tree.root, 4, sender=producer)
    with ape.reverts("Certificates: superseded certificate not registered"):
        certificates.register(new_hash(), Agreement.USMCA, 0, 0, small_tree.values[0][0], sender=producer)


def test_materialize__registrant_lost_its_role_since__still_records_its_batch(
    certificates, enrolled, customs, producer, stranger, small_tree
):
    certificates.register_batch(small_tree.root, 4, sender=producer)
    enrolled.revokeRole(Role.PRODUCER, producer, sender=customs)
    certificates.materialize(small_tree.root, *small_tree.values[2], small_tree.get_proof(2), sender=stranger)
    assert certificates.certifier(small_tree.values[2][0]) == producer.address
