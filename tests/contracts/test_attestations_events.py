"""Attestations events, field by field: what a client reads from logs to list and check attestations."""

import pytest
from attestation_helpers import AttestMessage, predict_uid, sign_attest
from eth_utils import keccak

from originproof.enums import Kind, Status

EVIDENCE = keccak(text="goods received at the port")
REASON = keccak(text="entered in error")


@pytest.fixture
def cert_hash(certificate_in_status):
    return certificate_in_status(Status.ACTIVE)


def _indexed(event_abi) -> list[str]:
    return [field.name for field in event_abi.inputs if field.indexed]


def test_attested__indexes_uid_certificate_and_attester(attestations):
    assert _indexed(attestations.Attested.abi) == ["uid", "cert_hash", "attester"]


def test_attestation_revoked__indexes_uid_and_attester(attestations):
    assert _indexed(attestations.AttestationRevoked.abi) == ["uid", "attester"]


def test_attest__logs_attested_field_by_field(chain, attestations, broker, cert_hash):
    expires_at = chain.pending_timestamp + 86_400
    tx = attestations.attest(cert_hash, Kind.RECEIVED, EVIDENCE, expires_at, sender=broker)
    [event] = tx.decode_logs(attestations.Attested)
    assert event.uid == predict_uid(cert_hash, Kind.RECEIVED, EVIDENCE, expires_at, broker.address, 0)
    assert event.cert_hash == cert_hash
    assert event.attester == broker.address
    assert event.kind == Kind.RECEIVED
    assert event.evidence_hash == EVIDENCE
    assert event.expires_at == expires_at
    assert event.nonce == 0


def test_attest_by_sig__logs_the_signer_as_attester_and_never_the_relayer(
    chain, attestations, producer, stranger, cert_hash
):
    message = AttestMessage(
        certHash=cert_hash,
        kind=Kind.SUPPLIER_DECLARATION,
        evidenceHash=EVIDENCE,
        expiresAt=0,
        attester=producer.address,
        nonce=0,
        deadline=chain.pending_timestamp + 3_600,
    )
    signature = sign_attest(producer.private_key, message, attestations, chain.chain_id)
    tx = attestations.attest_by_sig(*message.by_sig_args(signature), sender=stranger)
    [event] = tx.decode_logs(attestations.Attested)
    assert event.uid == predict_uid(cert_hash, Kind.SUPPLIER_DECLARATION, EVIDENCE, 0, producer.address, 0)
    assert event.cert_hash == cert_hash
    assert event.attester == producer.address
    assert event.kind == Kind.SUPPLIER_DECLARATION
    assert event.evidence_hash == EVIDENCE
    assert event.expires_at == 0
    assert event.nonce == 0


def test_revoke_attestation__logs_attestation_revoked_field_by_field(attestations, importer, cert_hash):
    uid = attestations.attest(cert_hash, Kind.CLAIM_FILED, EVIDENCE, 0, sender=importer).events[0].uid
    tx = attestations.revoke_attestation(uid, REASON, sender=importer)
    [event] = tx.decode_logs(attestations.AttestationRevoked)
    assert event.uid == uid
    assert event.attester == importer.address
    assert event.reason == REASON


def test_attested_logs__filtered_by_certificate__list_that_certificate_attestations(
    chain, attestations, certificate_in_status, importer, broker, cert_hash
):
    other_cert = certificate_in_status(Status.ACTIVE)
    start = chain.blocks.height
    mine = [
        attestations.attest(cert_hash, Kind.RECEIVED, EVIDENCE, 0, sender=importer).events[0].uid,
        attestations.attest(cert_hash, Kind.CLAIM_FILED, EVIDENCE, 0, sender=broker).events[0].uid,
    ]
    attestations.attest(other_cert, Kind.RECEIVED, EVIDENCE, 0, sender=importer)
    logs = attestations.Attested.range(start, chain.blocks.height + 1, search_topics={"cert_hash": cert_hash})
    assert [log.uid for log in logs] == mine
