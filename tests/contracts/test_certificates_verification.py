"""Certificates: customs' verification — opening it, closing it with an outcome, and who may."""

import ape
import pytest
from registry_helpers import FINDING, REQUEST, ZERO

from originproof.enums import Status

NOT_CUSTOMS = ["exporter", "producer", "importer", "broker", "stranger"]


def test_open_verification__by_customs__puts_it_under_verification(
    certificates, certificate_in_status, customs
):
    cert_hash = certificate_in_status(Status.ACTIVE)

    tx = certificates.open_verification(cert_hash, REQUEST, sender=customs)

    assert certificates.status(cert_hash) == Status.UNDER_VERIFICATION
    [opened] = tx.decode_logs(certificates.VerificationOpened)
    assert opened.cert_hash == cert_hash
    assert opened.sender == customs.address
    assert opened.request_hash == REQUEST


@pytest.mark.parametrize("outcome", [Status.AFFIRMED, Status.DENIED], ids=["affirmed", "denied"])
def test_close_verification__by_customs__records_the_outcome(
    certificates, certificate_in_status, customs, outcome
):
    cert_hash = certificate_in_status(Status.UNDER_VERIFICATION)

    tx = certificates.close_verification(cert_hash, outcome, FINDING, sender=customs)

    assert certificates.status(cert_hash) == outcome
    [closed] = tx.decode_logs(certificates.VerificationClosed)
    assert closed.cert_hash == cert_hash
    assert closed.sender == customs.address
    assert closed.outcome == outcome
    assert closed.finding_hash == FINDING


def test_verification__by_a_second_customs_officer__is_allowed(certificates, certificate_in_status, deputy):
    cert_hash = certificate_in_status(Status.ACTIVE)
    certificates.open_verification(cert_hash, REQUEST, sender=deputy)
    certificates.close_verification(cert_hash, Status.DENIED, FINDING, sender=deputy)
    assert certificates.status(cert_hash) == Status.DENIED


@pytest.mark.parametrize("caller_name", NOT_CUSTOMS)
def test_open_verification__by_non_customs__reverts(
    request, certificates, certificate_in_status, caller_name
):
    cert_hash = certificate_in_status(Status.ACTIVE)
    with ape.reverts("Certificates: caller is not customs"):
        certificates.open_verification(cert_hash, REQUEST, sender=request.getfixturevalue(caller_name))


@pytest.mark.parametrize("caller_name", NOT_CUSTOMS)
def test_close_verification__by_non_customs__reverts(
    request, certificates, certificate_in_status, caller_name
):
    cert_hash = certificate_in_status(Status.UNDER_VERIFICATION)
    with ape.reverts("Certificates: caller is not customs"):
        certificates.close_verification(
            cert_hash, Status.AFFIRMED, FINDING, sender=request.getfixturevalue(caller_name)
        )


def test_verification__by_suspended_customs__reverts(
    certificates, certificate_in_status, enrolled, customs, deputy
):
    active = certificate_in_status(Status.ACTIVE)
    under_verification = certificate_in_status(Status.UNDER_VERIFICATION)
    enrolled.suspend(deputy, sender=customs)
    with ape.reverts("Certificates: caller is not customs"):
        certificates.open_verification(active, REQUEST, sender=deputy)
    with ape.reverts("Certificates: caller is not customs"):
        certificates.close_verification(under_verification, Status.AFFIRMED, FINDING, sender=deputy)


def test_open_verification__zero_request_hash__reverts(certificates, certificate_in_status, customs):
    cert_hash = certificate_in_status(Status.ACTIVE)
    with ape.reverts("Certificates: request hash is zero"):
        certificates.open_verification(cert_hash, ZERO, sender=customs)


@pytest.mark.parametrize("outcome", [0, 1, 2, 3, 4, 7, 255])
def test_close_verification__outcome_not_affirmed_or_denied__reverts(
    certificates, certificate_in_status, customs, outcome
):
    cert_hash = certificate_in_status(Status.UNDER_VERIFICATION)
    with ape.reverts("Certificates: outcome must be AFFIRMED or DENIED"):
        certificates.close_verification(cert_hash, outcome, FINDING, sender=customs)


def test_close_verification__zero_finding_hash__reverts(certificates, certificate_in_status, customs):
    cert_hash = certificate_in_status(Status.UNDER_VERIFICATION)
    with ape.reverts("Certificates: finding hash is zero"):
        certificates.close_verification(cert_hash, Status.AFFIRMED, ZERO, sender=customs)


def test_verification__denied_then_reopened__can_be_affirmed(certificates, certificate_in_status, customs):
    cert_hash = certificate_in_status(Status.DENIED)
    certificates.open_verification(cert_hash, REQUEST, sender=customs)
    certificates.close_verification(cert_hash, Status.AFFIRMED, FINDING, sender=customs)
    assert certificates.status(cert_hash) == Status.AFFIRMED
