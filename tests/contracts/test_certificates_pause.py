"""Certificates: the admin's emergency pause stops registration and nothing else."""

import ape
import pytest
from eth_utils import keccak
from registry_helpers import FINDING, LEAF_TYPES, REASON, REQUEST, ZERO

from originproof.enums import Agreement, Status
from originproof.merkle import StandardMerkleTree

PAUSED = "Certificates: registration is paused"


@pytest.fixture
def paused(certificates, customs):
    certificates.pause(sender=customs)
    return certificates


def test_pause__by_admin__pauses_and_logs(certificates, customs):
    tx = certificates.pause(sender=customs)
    assert certificates.paused()
    [log] = tx.decode_logs(certificates.Paused)
    assert log.account == customs.address


def test_unpause__by_admin__resumes_registration(paused, customs, producer, new_hash):
    tx = paused.unpause(sender=customs)
    assert not paused.paused()
    [log] = tx.decode_logs(paused.Unpaused)
    assert log.account == customs.address
    cert_hash = new_hash()
    paused.register(cert_hash, Agreement.USMCA, 0, 0, ZERO, sender=producer)
    assert paused.status(cert_hash) == Status.ACTIVE


def test_pause__stops_register_and_register_batch(paused, producer, new_hash):
    with ape.reverts(PAUSED):
        paused.register(new_hash(), Agreement.USMCA, 0, 0, ZERO, sender=producer)
    with ape.reverts(PAUSED):
        paused.register_batch(new_hash(), 10, sender=producer)


def test_pause__stops_amendments(certificates, certificate_in_status, customs, exporter, new_hash):
    old_hash = certificate_in_status(Status.ACTIVE)
    certificates.pause(sender=customs)
    with ape.reverts(PAUSED):
        certificates.register(new_hash(), Agreement.USMCA, 0, 0, old_hash, sender=exporter)
    assert certificates.status(old_hash) == Status.ACTIVE


def test_pause__leaves_revocation_and_verification_open(
    certificates, certificate_in_status, customs, exporter
):
    to_revoke = certificate_in_status(Status.ACTIVE)
    to_verify = certificate_in_status(Status.ACTIVE)
    certificates.pause(sender=customs)
    certificates.revoke(to_revoke, REASON, sender=exporter)
    certificates.open_verification(to_verify, REQUEST, sender=customs)
    certificates.close_verification(to_verify, Status.DENIED, FINDING, sender=customs)
    assert certificates.status(to_revoke) == Status.REVOKED
    assert certificates.status(to_verify) == Status.DENIED


def test_pause__leaves_materialize_open(certificates, customs, producer, stranger):
    tree = StandardMerkleTree.of([(keccak(text=f"paused batch {i}"), 1, 0, 0) for i in range(3)], LEAF_TYPES)
    certificates.register_batch(tree.root, 3, sender=producer)
    certificates.pause(sender=customs)
    certificates.materialize(tree.root, *tree.values[1], tree.get_proof(1), sender=stranger)
    assert certificates.status(tree.values[1][0]) == Status.ACTIVE


def test_pause__by_a_second_admin__is_allowed(certificates, deputy):
    certificates.pause(sender=deputy)
    assert certificates.paused()


@pytest.mark.parametrize("caller_name", ["producer", "stranger"])
def test_pause_and_unpause__by_non_admin__revert(request, certificates, customs, caller_name):
    caller = request.getfixturevalue(caller_name)
    with ape.reverts("Certificates: caller is not the admin"):
        certificates.pause(sender=caller)
    certificates.pause(sender=customs)
    with ape.reverts("Certificates: caller is not the admin"):
        certificates.unpause(sender=caller)


def test_pause__by_suspended_admin__reverts(certificates, enrolled, customs, deputy):
    enrolled.suspend(deputy, sender=customs)
    with ape.reverts("Certificates: caller is suspended"):
        certificates.pause(sender=deputy)


def test_pause__twice__reverts(paused, customs):
    with ape.reverts("Certificates: registration already paused"):
        paused.pause(sender=customs)


def test_unpause__not_paused__reverts(certificates, customs):
    with ape.reverts("Certificates: registration is not paused"):
        certificates.unpause(sender=customs)
