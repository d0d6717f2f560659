"""Attestations kind table: every kind x role x certificate status cell, unknown kinds, inactive attesters."""

import ape
import pytest
from attestation_helpers import INACTIVE_ATTESTER, ROLE_REASONS, expected_revert
from eth_utils import keccak

from originproof.enums import Kind, Role, Status

NEVER = 0
EVIDENCE = keccak(text="evidence")
PROFILE = b"\x44" * 32
KEY = b"\x55" * 32

# "certifier" is the exporter that registered the certificate; "other_exporter" holds the same role
# but certified nothing here, so it tells the certifier apart from a mere certifier-role holder.
ACTORS = ("customs", "certifier", "other_exporter", "producer", "importer", "broker")

# A status each kind may be made on, and the account that may make it, for the cases where only
# the attester's standing varies.
LAWFUL = {
    Kind.SUPPLIER_DECLARATION: (Status.ACTIVE, "producer"),
    Kind.RECEIVED: (Status.ACTIVE, "importer"),
    Kind.CLAIM_FILED: (Status.AFFIRMED, "broker"),
    Kind.ACCESS_GRANTED: (Status.DENIED, "certifier"),
    Kind.VERIFICATION_RESPONSE: (Status.UNDER_VERIFICATION, "certifier"),
    Kind.CUSTOMS_NOTE: (Status.REVOKED, "customs"),
}


@pytest.fixture(scope="module")
def certificate_of(certificate_in_status):
    """One certificate in each status, all certified by `exporter`, shared by the module's tests."""
    return {status: certificate_in_status(status) for status in Status}


@pytest.fixture(scope="module")
def actors(accounts, enrolled, customs, exporter, producer, importer, broker, second_producer, stranger):
    """The module's accounts by part; every session fixture is requested here, so they all exist before
    the module's first snapshot."""
    other_exporter = accounts[7]
    enrolled.enroll(other_exporter, Role.EXPORTER, PROFILE, KEY, sender=customs)
    return {
        "customs": customs,
        "certifier": exporter,
        "other_exporter": other_exporter,
        "producer": producer,
        "importer": importer,
        "broker": broker,
        "second_producer": second_producer,
        "stranger": stranger,
    }


def _lawful_maker(kind: Kind, actors, enrolled, customs):
    """The account that may make `kind`; for customs notes a second customs officer, since customs cannot
    suspend itself."""
    if kind != Kind.CUSTOMS_NOTE:
        return actors[LAWFUL[kind][1]]
    enrolled.enroll(actors["stranger"], Role.CUSTOMS, PROFILE, KEY, sender=customs)
    return actors["stranger"]


@pytest.mark.parametrize("status", list(Status), ids=lambda status: status.name)
@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("kind", list(Kind), ids=lambda kind: kind.name)
def test_attest__kind_table_cell(attestations, certificate_of, actors, kind, actor, status):
    args = (certificate_of[status], kind, EVIDENCE, NEVER)
    reason = expected_revert(kind, actor, status)
    if reason is None:
        tx = attestations.attest(*args, sender=actors[actor])
        assert attestations.is_valid(tx.events[0].uid)
    else:
        with ape.reverts(reason):
            attestations.attest(*args, sender=actors[actor])


@pytest.mark.parametrize("kind", [0, 7, 255])
def test_attest__unknown_kind__reverts(attestations, certificate_of, producer, kind):
    with ape.reverts("Attestations: unknown kind"):
        attestations.attest(certificate_of[Status.ACTIVE], kind, EVIDENCE, NEVER, sender=producer)


@pytest.mark.parametrize("kind", list(Kind), ids=lambda kind: kind.name)
def test_attest__unenrolled_account__reverts(attestations, certificate_of, actors, kind):
    with ape.reverts(INACTIVE_ATTESTER):
        attestations.attest(certificate_of[LAWFUL[kind][0]], kind, EVIDENCE, NEVER, sender=actors["stranger"])


@pytest.mark.parametrize("kind", list(Kind), ids=lambda kind: kind.name)
def test_attest__suspended_maker__reverts_until_reinstated(
    attestations, enrolled, certificate_of, actors, customs, kind
):
    maker = _lawful_maker(kind, actors, enrolled, customs)
    args = (certificate_of[LAWFUL[kind][0]], kind, EVIDENCE, NEVER)
    enrolled.suspend(maker, sender=customs)
    with ape.reverts(INACTIVE_ATTESTER):
        attestations.attest(*args, sender=maker)
    enrolled.reinstate(maker, sender=customs)
    tx = attestations.attest(*args, sender=maker)
    assert tx.events[0].attester == maker.address


def test_attest__certifier_whose_role_was_revoked__reverts(
    attestations, enrolled, certificate_of, actors, customs
):
    certifier = actors["certifier"]
    enrolled.revokeRole(Role.EXPORTER, certifier, sender=customs)
    with ape.reverts(INACTIVE_ATTESTER):
        attestations.attest(
            certificate_of[Status.ACTIVE], Kind.ACCESS_GRANTED, EVIDENCE, NEVER, sender=certifier
        )


def test_attest__importer_certifier__grants_access_while_a_broker_cannot(
    attestations, certificate_in_status, importer, broker
):
    cert_hash = certificate_in_status(Status.ACTIVE, certifier=importer)
    tx = attestations.attest(cert_hash, Kind.ACCESS_GRANTED, EVIDENCE, NEVER, sender=importer)
    assert attestations.is_valid(tx.events[0].uid)
    with ape.reverts(ROLE_REASONS[Kind.ACCESS_GRANTED]):
        attestations.attest(cert_hash, Kind.ACCESS_GRANTED, EVIDENCE, NEVER, sender=broker)


def test_attest__producer_that_is_not_the_certifier__answers_a_verification(
    attestations, certificate_of, actors
):
    cert_hash = certificate_of[Status.UNDER_VERIFICATION]
    tx = attestations.attest(
        cert_hash, Kind.VERIFICATION_RESPONSE, EVIDENCE, NEVER, sender=actors["second_producer"]
    )
    assert attestations.is_valid(tx.events[0].uid)


def test_attest__a_status_change_after_attesting__keeps_the_attestation(
    attestations, certificates, certificate_of, importer, exporter
):
    cert_hash = certificate_of[Status.ACTIVE]
    tx = attestations.attest(cert_hash, Kind.CLAIM_FILED, EVIDENCE, NEVER, sender=importer)
    certificates.revoke(cert_hash, keccak(text="withdrawn"), sender=exporter)
    assert attestations.is_valid(tx.events[0].uid)
    with ape.reverts("Attestations: certificate status does not allow this kind"):
        attestations.attest(cert_hash, Kind.CLAIM_FILED, EVIDENCE, NEVER, sender=importer)
