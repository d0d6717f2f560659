"""`originproof revoke HASH --reason TEXT` through `main(argv)` on the embedded chain."""

import pytest
from eth_utils import keccak

from originproof.cli.frame import ExitCode
from originproof.enums import Status


def _hash(cert_hash: bytes) -> str:
    return "0x" + cert_hash.hex()


def _revocations(client, cert_hash: bytes) -> list:
    return [
        event
        for event in client.events()
        if event.name == "CertificateRevoked" and event.args["cert_hash"] == cert_hash
    ]


def test_revoke__by_the_certifier__revokes_with_the_hashed_reason(
    cli, client, certify, certificates, producer
):
    cert_hash = certify()
    run = cli("producer", "revoke", _hash(cert_hash), "--reason", "  supplier declaration withdrawn ")
    assert run.code == ExitCode.OK, run.err
    assert certificates.status(cert_hash) == Status.REVOKED
    reason = keccak(text="supplier declaration withdrawn")
    assert run.data["reason"] == "supplier declaration withdrawn"
    assert run.data["reason_hash"] == "0x" + reason.hex()
    assert run.data["previous_status"] == "ACTIVE"
    assert run.data["status"] == "REVOKED"
    (event,) = _revocations(client, cert_hash)
    assert event.args["reason"] == reason
    assert event.args["sender"] == producer.address
    assert run.data["tx_hash"] == event.tx_hash


def test_revoke__by_customs__revokes(cli, certificate_in_status, certificates):
    cert_hash = certificate_in_status(Status.AFFIRMED)
    run = cli("customs", "revoke", _hash(cert_hash), "--reason", "fraud")
    assert run.code == ExitCode.OK, run.err
    assert run.data["previous_status"] == "AFFIRMED"
    assert certificates.status(cert_hash) == Status.REVOKED


def test_revoke__under_verification__customs_may_and_the_certifier_may_not(
    cli, certificate_in_status, certificates
):
    cert_hash = certificate_in_status(Status.UNDER_VERIFICATION)
    refused = cli("exporter", "revoke", _hash(cert_hash), "--reason", "escape")
    assert refused.code == ExitCode.ERROR
    assert refused.err.strip() == "originproof: Certificates: only customs can revoke under verification"
    assert certificates.status(cert_hash) == Status.UNDER_VERIFICATION
    run = cli("customs", "revoke", _hash(cert_hash), "--reason", "ruling")
    assert run.code == ExitCode.OK, run.err
    assert certificates.status(cert_hash) == Status.REVOKED


def test_revoke__by_someone_else__is_refused_with_the_contracts_reason(cli, certify, certificates):
    cert_hash = certify()
    run = cli("importer", "revoke", _hash(cert_hash), "--reason", "not mine")
    assert run.code == ExitCode.ERROR
    assert run.err.startswith("originproof: Certificates: ")
    assert certificates.status(cert_hash) == Status.ACTIVE


@pytest.mark.parametrize("status", [Status.REVOKED, Status.SUPERSEDED])
def test_revoke__final_status__is_refused_before_sending(cli, client, certificate_in_status, status):
    cert_hash = certificate_in_status(status)
    run = cli("exporter", "revoke", _hash(cert_hash), "--reason", "again")
    assert run.code == ExitCode.ERROR
    assert (
        run.err.strip()
        == f"originproof: certificate {_hash(cert_hash)} is {status.name}: it cannot be revoked"
    )
    assert len(_revocations(client, cert_hash)) == (1 if status is Status.REVOKED else 0)


def test_revoke__unknown_certificate__is_refused(cli):
    run = cli("customs", "revoke", "0x" + "cd" * 32, "--reason", "x")
    assert run.code == ExitCode.ERROR
    assert f"certificate 0x{'cd' * 32} is not registered: cannot revoke" in run.err


def test_revoke__blank_reason__is_refused(cli, certify, certificates):
    cert_hash = certify()
    run = cli("producer", "revoke", _hash(cert_hash), "--reason", "   ")
    assert run.code == ExitCode.ERROR
    assert run.err.strip() == "originproof: revocation reason must not be empty"
    assert certificates.status(cert_hash) == Status.ACTIVE
