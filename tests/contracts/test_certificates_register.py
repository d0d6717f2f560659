"""Certificates: registering one certificate (single shipment), who may, and what it records."""

import ape
import pytest
from hypothesis import given
from hypothesis import strategies as st
from registry_helpers import FEW_EXAMPLES, ZERO, ZERO_ADDRESS, block_time

from originproof.enums import Agreement, Role, Status


@pytest.mark.parametrize("certifier_name", ["exporter", "producer", "importer"])
def test_register__by_each_certifier_role__records_an_active_certificate(
    request, chain, certificates, new_hash, certifier_name
):
    certifier = request.getfixturevalue(certifier_name)
    cert_hash = new_hash()

    tx = certificates.register(cert_hash, Agreement.USMCA, 0, 0, ZERO, sender=certifier)

    assert certificates.status(cert_hash) == Status.ACTIVE
    assert certificates.certifier(cert_hash) == certifier.address
    assert certificates.record_of(cert_hash) == (certifier.address, Status.ACTIVE)
    record = certificates.certificate(cert_hash)
    assert record.certifier == certifier.address
    assert record.agreement == Agreement.USMCA
    assert record.status == Status.ACTIVE
    assert record.issued_at == block_time(chain, tx)
    assert (record.blanket_from, record.blanket_to) == (0, 0)
    assert record.supersedes == ZERO
    [registered] = tx.decode_logs(certificates.CertificateRegistered)
    assert registered.cert_hash == cert_hash
    assert registered.certifier == certifier.address
    assert registered.agreement == Agreement.USMCA
    assert (registered.blanket_from, registered.blanket_to) == (0, 0)
    assert registered.supersedes == ZERO


@pytest.mark.parametrize("agreement", list(Agreement))
def test_register__each_agreement__is_recorded(certificates, producer, new_hash, agreement):
    cert_hash = new_hash()
    certificates.register(cert_hash, agreement, 0, 0, ZERO, sender=producer)
    assert certificates.certificate(cert_hash).agreement == agreement


@pytest.mark.parametrize("caller_name", ["customs", "broker", "stranger"])
def test_register__by_non_certifier__reverts(request, certificates, new_hash, caller_name):
    caller = request.getfixturevalue(caller_name)
    with ape.reverts("Certificates: caller is not a certifier"):
        certificates.register(new_hash(), Agreement.USMCA, 0, 0, ZERO, sender=caller)


def test_register__by_suspended_certifier__reverts(certificates, enrolled, customs, producer, new_hash):
    enrolled.suspend(producer, sender=customs)
    with ape.reverts("Certificates: caller is not a certifier"):
        certificates.register(new_hash(), Agreement.USMCA, 0, 0, ZERO, sender=producer)


def test_register__after_reinstatement__succeeds(certificates, enrolled, customs, producer, new_hash):
    enrolled.suspend(producer, sender=customs)
    enrolled.reinstate(producer, sender=customs)
    cert_hash = new_hash()
    certificates.register(cert_hash, Agreement.USMCA, 0, 0, ZERO, sender=producer)
    assert certificates.status(cert_hash) == Status.ACTIVE


def test_register__certifier_whose_role_was_revoked__reverts(
    certificates, enrolled, customs, producer, new_hash
):
    enrolled.revokeRole(Role.PRODUCER, producer, sender=customs)
    with ape.reverts("Certificates: caller is not a certifier"):
        certificates.register(new_hash(), Agreement.USMCA, 0, 0, ZERO, sender=producer)


def test_register__zero_hash__reverts(certificates, producer):
    with ape.reverts("Certificates: certificate hash is zero"):
        certificates.register(ZERO, Agreement.USMCA, 0, 0, ZERO, sender=producer)


@FEW_EXAMPLES
@given(agreement=st.one_of(st.just(0), st.integers(4, 255)))
def test_register__unknown_agreement__reverts(certificates, producer, new_hash, agreement):
    with ape.reverts("Certificates: unknown agreement"):
        certificates.register(new_hash(), agreement, 0, 0, ZERO, sender=producer)


@pytest.mark.parametrize("second_name", ["producer", "exporter"])
def test_register__known_hash__reverts(request, certificates, producer, new_hash, second_name):
    cert_hash = new_hash()
    certificates.register(cert_hash, Agreement.USMCA, 0, 0, ZERO, sender=producer)
    second = request.getfixturevalue(second_name)
    with ape.reverts("Certificates: certificate already registered"):
        certificates.register(cert_hash, Agreement.NAFTA, 0, 0, ZERO, sender=second)
    assert certificates.certifier(cert_hash) == producer.address


def test_unknown_hash__reads_as_nothing(certificates, new_hash):
    cert_hash = new_hash()
    assert certificates.status(cert_hash) == Status.NONE
    assert certificates.certifier(cert_hash) == ZERO_ADDRESS
    assert certificates.record_of(cert_hash) == (ZERO_ADDRESS, Status.NONE)
    record = certificates.certificate(cert_hash)
    assert record.certifier == ZERO_ADDRESS
    assert (record.agreement, record.status, record.issued_at) == (0, 0, 0)
    assert (record.blanket_from, record.blanket_to, record.supersedes) == (0, 0, ZERO)


def test_participants__is_the_directory_it_was_deployed_with(certificates, enrolled):
    assert certificates.participants() == enrolled.address


def test_deploy__zero_participants__reverts(project, stranger):
    # Not from customs: on anvil, ape decodes a failed deployment with the contract type it cached
    # for the would-be address, and an earlier test's reverted wallet deployment used customs' nonce.
    with ape.reverts("Certificates: participants is the zero address"):
        stranger.deploy(project.Certificates, ZERO_ADDRESS)
