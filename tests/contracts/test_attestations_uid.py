"""Attestations uids and nonces: clients predict every uid; direct and signed attestations share a nonce."""

import pytest
from attestation_helpers import AttestMessage, predict_uid, sign_attest
from eth_utils import keccak
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from originproof.enums import Kind, Status

NEVER = 0
EVIDENCE = keccak(text="supplier declaration evidence")


@pytest.fixture
def active_certificate(certificate_in_status):
    return certificate_in_status(Status.ACTIVE)


def test_attest__returns_the_uid_a_client_predicts(attestations, producer, active_certificate):
    expected = predict_uid(
        active_certificate, Kind.SUPPLIER_DECLARATION, EVIDENCE, NEVER, producer.address, 0
    )
    args = (active_certificate, Kind.SUPPLIER_DECLARATION, EVIDENCE, NEVER)
    assert attestations.attest.call(*args, sender=producer) == expected
    tx = attestations.attest(*args, sender=producer)
    assert tx.events[0].uid == expected


def test_attest__consumes_the_attester_nonce(attestations, producer, active_certificate):
    assert attestations.nonces(producer) == 0
    attestations.attest(active_certificate, Kind.SUPPLIER_DECLARATION, EVIDENCE, NEVER, sender=producer)
    assert attestations.nonces(producer) == 1
    attestations.attest(active_certificate, Kind.SUPPLIER_DECLARATION, EVIDENCE, NEVER, sender=producer)
    assert attestations.nonces(producer) == 2


def test_attest__same_statement_twice__gets_two_uids(attestations, producer, active_certificate):
    args = (active_certificate, Kind.SUPPLIER_DECLARATION, EVIDENCE, NEVER)
    first = attestations.attest(*args, sender=producer)
    second = attestations.attest(*args, sender=producer)
    assert first.events[0].uid != second.events[0].uid
    assert attestations.is_valid(first.events[0].uid)
    assert attestations.is_valid(second.events[0].uid)


def test_attest__nonces_are_per_attester(attestations, producer, second_producer, active_certificate):
    attestations.attest(active_certificate, Kind.SUPPLIER_DECLARATION, EVIDENCE, NEVER, sender=producer)
    assert attestations.nonces(producer) == 1
    assert attestations.nonces(second_producer) == 0
    tx = attestations.attest(
        active_certificate, Kind.SUPPLIER_DECLARATION, EVIDENCE, NEVER, sender=second_producer
    )
    assert tx.events[0].nonce == 0


def test_attest_by_sig__shares_the_nonce_with_direct_attest(
    chain, attestations, producer, stranger, active_certificate
):
    attestations.attest(active_certificate, Kind.SUPPLIER_DECLARATION, EVIDENCE, NEVER, sender=producer)
    message = AttestMessage(
        certHash=active_certificate,
        kind=Kind.SUPPLIER_DECLARATION,
        evidenceHash=EVIDENCE,
        expiresAt=NEVER,
        attester=producer.address,
        nonce=1,
        deadline=chain.pending_timestamp + 3_600,
    )
    signature = sign_attest(producer.private_key, message, attestations, chain.chain_id)
    tx = attestations.attest_by_sig(*message.by_sig_args(signature), sender=stranger)
    expected = predict_uid(
        active_certificate, Kind.SUPPLIER_DECLARATION, EVIDENCE, NEVER, producer.address, 1
    )
    assert tx.events[0].uid == expected
    assert attestations.nonces(producer) == 2
    direct = attestations.attest(
        active_certificate, Kind.SUPPLIER_DECLARATION, EVIDENCE, NEVER, sender=producer
    )
    assert direct.events[0].nonce == 2


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    evidence=st.binary(min_size=32, max_size=32),
    lifetime=st.one_of(st.just(None), st.integers(min_value=1, max_value=10 * 365 * 86_400)),
)
def test_attest__any_evidence_and_expiry__uid_matches_prediction(
    chain, attestations, importer, active_certificate, evidence, lifetime
):
    # Chain state persists across hypothesis examples: read the nonce and the time afresh.
    nonce = attestations.nonces(importer)
    expires_at = NEVER if lifetime is None else chain.pending_timestamp + lifetime
    tx = attestations.attest(active_certificate, Kind.CLAIM_FILED, evidence, expires_at, sender=importer)
    assert tx.events[0].uid == predict_uid(
        active_certificate, Kind.CLAIM_FILED, evidence, expires_at, importer.address, nonce
    )
    assert attestations.nonces(importer) == nonce + 1
