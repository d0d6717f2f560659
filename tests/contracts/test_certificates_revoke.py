"""Certificates: who may revoke (the certifier or customs) and what a revocation records."""

import ape
import pytest
from registry_helpers import REASON, ZERO

from originproof.enums import Role, Status


@pytest.mark.parametrize("revoker_name", ["exporter", "customs"], ids=["certifier", "customs"])
def test_revoke__by_certifier_or_customs__revokes_and_logs_the_reason(
    request, certificates, certificate_in_status, revoker_name
):
    revoker = request.getfixturevalue(revoker_name)
    cert_hash = certificate_in_status(Status.ACTIVE)

    tx = certificates.revoke(cert_hash, REASON, sender=revoker)

    assert certificates.status(cert_hash) == Status.REVOKED
    [revoked] = tx.decode_logs(certificates.CertificateRevoked)
    assert revoked.cert_hash == cert_hash
    assert revoked.sender == revoker.address
    assert revoked.reason == REASON


def test_revoke__under_verification_by_customs__is_allowed(certificates, certificate_in_status, customs):
    cert_hash = certificate_in_status(Status.UNDER_VERIFICATION)
    tx = certificates.revoke(cert_hash, REASON, sender=customs)
    assert certificates.status(cert_hash) == Status.REVOKED
    [revoked] = tx.decode_logs(certificates.CertificateRevoked)
    assert revoked.sender == customs.address


@pytest.mark.parametrize("caller_name", ["producer", "importer", "broker", "stranger"])
def test_revoke__by_anyone_else__reverts(request, certificates, certificate_in_status, caller_name):
    cert_hash = certificate_in_status(Status.ACTIVE)
    with ape.reverts("Certificates: caller is not the certifier or customs"):
        certificates.revoke(cert_hash, REASON, sender=request.getfixturevalue(caller_name))


def test_revoke__by_suspended_certifier__reverts(
    certificates, certificate_in_status, enrolled, customs, exporter
):
    cert_hash = certificate_in_status(Status.ACTIVE)
    enrolled.suspend(exporter, sender=customs)
    with ape.reverts("Certificates: caller is not the certifier or customs"):
        certificates.revoke(cert_hash, REASON, sender=exporter)


def test_revoke__by_certifier_whose_role_was_revoked__reverts(
    certificates, certificate_in_status, enrolled, customs, exporter
):
    cert_hash = certificate_in_status(Status.ACTIVE)
    enrolled.revokeRole(Role.EXPORTER, exporter, sender=customs)
    with ape.reverts("Certificates: caller is not the certifier or customs"):
        certificates.revoke(cert_hash, REASON, sender=exporter)
    certificates.revoke(cert_hash, REASON, sender=customs)


def test_revoke__by_suspended_customs__reverts(
    certificates, certificate_in_status, enrolled, customs, deputy
):
    cert_hash = certificate_in_status(Status.ACTIVE)
    certificates.revoke(certificate_in_status(Status.ACTIVE), REASON, sender=deputy)
    enrolled.suspend(deputy, sender=customs)
    with ape.reverts("Certificates: caller is not the certifier or customs"):
        certificates.revoke(cert_hash, REASON, sender=deputy)


def test_revoke__zero_reason__reverts(certificates, certificate_in_status, exporter):
    cert_hash = certificate_in_status(Status.ACTIVE)
    with ape.reverts("Certificates: revocation reason is zero"):
        certificates.revoke(cert_hash, ZERO, sender=exporter)


def test_revoke__unknown_certificate__reverts(certificates, customs, new_hash):
    with ape.reverts("Certificates: certificate not registered"):
        certificates.revoke(new_hash(), REASON, sender=customs)
