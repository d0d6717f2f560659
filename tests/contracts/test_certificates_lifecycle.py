"""Certificates: the lifecycle table of DESIGN.md, every (status, action) pair; only its rows move."""

import ape
import pytest
from registry_helpers import FINDING, REASON, REQUEST, ZERO, midnight

from originproof.enums import Agreement, Status

ACTIONS = [
    "register",
    "supersede",
    "revoke_by_certifier",
    "revoke_by_customs",
    "open_verification",
    "close_affirmed",
    "close_denied",
]

# The table of DESIGN.md, row by row: (from, action) -> to. Every other pair reverts.
TRANSITIONS = {
    (Status.NONE, "register"): Status.ACTIVE,
    (Status.ACTIVE, "supersede"): Status.SUPERSEDED,
    (Status.AFFIRMED, "supersede"): Status.SUPERSEDED,
    (Status.ACTIVE, "revoke_by_certifier"): Status.REVOKED,
    (Status.AFFIRMED, "revoke_by_certifier"): Status.REVOKED,
    (Status.ACTIVE, "revoke_by_customs"): Status.REVOKED,
    (Status.AFFIRMED, "revoke_by_customs"): Status.REVOKED,
    (Status.ACTIVE, "open_verification"): Status.UNDER_VERIFICATION,
    (Status.AFFIRMED, "open_verification"): Status.UNDER_VERIFICATION,
    (Status.DENIED, "open_verification"): Status.UNDER_VERIFICATION,
    (Status.UNDER_VERIFICATION, "close_affirmed"): Status.AFFIRMED,
    (Status.UNDER_VERIFICATION, "close_denied"): Status.DENIED,
    (Status.UNDER_VERIFICATION, "revoke_by_customs"): Status.REVOKED,
}


def refusal(status: Status, action: str) -> str:
    """The reason a pair outside the table reverts with."""
    if action == "register":
        return "Certificates: certificate already registered"
    if action == "supersede":
        if status == Status.NONE:
            return "Certificates: superseded certificate not registered"
        return "Certificates: certificate cannot be superseded in its status"
    if status == Status.NONE:
        return "Certificates: certificate not registered"
    if action == "revoke_by_certifier" and status == Status.UNDER_VERIFICATION:
        return "Certificates: only customs can revoke under verification"
    if action.startswith("revoke"):
        return "Certificates: certificate cannot be revoked in its status"
    if action == "open_verification":
        return "Certificates: certificate cannot enter verification in its status"
    return "Certificates: certificate is not under verification"


def act(action: str, certificates, cert_hash: bytes, certifier, customs, new_hash):
    if action == "register":
        return certificates.register(cert_hash, Agreement.USMCA, 0, 0, ZERO, sender=certifier)
    if action == "supersede":
        return certificates.register(new_hash(), Agreement.USMCA, 0, 0, cert_hash, sender=certifier)
    if action == "revoke_by_certifier":
        return certificates.revoke(cert_hash, REASON, sender=certifier)
    if action == "revoke_by_customs":
        return certificates.revoke(cert_hash, REASON, sender=customs)
    if action == "open_verification":
        return certificates.open_verification(cert_hash, REQUEST, sender=customs)
    outcome = Status.AFFIRMED if action == "close_affirmed" else Status.DENIED
    return certificates.close_verification(cert_hash, outcome, FINDING, sender=customs)


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("status", list(Status), ids=[s.name for s in Status])
def test_lifecycle__every_status_and_action(
    certificates, certificate_in_status, exporter, customs, new_hash, status, action
):
    cert_hash = certificate_in_status(status)
    before = certificates.certificate(cert_hash)

    if (status, action) in TRANSITIONS:
        act(action, certificates, cert_hash, exporter, customs, new_hash)
        assert certificates.status(cert_hash) == TRANSITIONS[status, action]
        if status != Status.NONE:
            after = certificates.certificate(cert_hash)
            assert (after.certifier, after.agreement, after.issued_at) == (
                before.certifier,
                before.agreement,
                before.issued_at,
            )
    else:
        with ape.reverts(refusal(status, action)):
            act(action, certificates, cert_hash, exporter, customs, new_hash)
        assert certificates.status(cert_hash) == status


def test_lifecycle__a_long_walk__changes_only_the_status(certificates, producer, customs, new_hash):
    cert_hash = new_hash()
    blanket = (midnight(2024, 2, 29), midnight(2025, 2, 28))
    certificates.register(cert_hash, Agreement.CAFTA_DR, *blanket, ZERO, sender=producer)
    original = certificates.certificate(cert_hash)
    steps = [
        (certificates.open_verification, (REQUEST,), Status.UNDER_VERIFICATION),
        (certificates.close_verification, (Status.DENIED, FINDING), Status.DENIED),
        (certificates.open_verification, (REQUEST,), Status.UNDER_VERIFICATION),
        (certificates.close_verification, (Status.AFFIRMED, FINDING), Status.AFFIRMED),
        (certificates.open_verification, (REQUEST,), Status.UNDER_VERIFICATION),
        (certificates.revoke, (REASON,), Status.REVOKED),
    ]
    for method, args, status in steps:
        method(cert_hash, *args, sender=customs)
        record = certificates.certificate(cert_hash)
        assert record.status == status
        assert record.certifier == original.certifier == producer.address
        assert record.agreement == Agreement.CAFTA_DR
        assert record.issued_at == original.issued_at
        assert (record.blanket_from, record.blanket_to) == blanket
