"""Attestations revocation: by its attester only, once, while active; a revoked attestation is invalid."""

import ape
import pytest
from attestation_helpers import INACTIVE_ATTESTER, AttestMessage, sign_attest
from eth_utils import keccak

from originproof.enums import Kind, Status

NEVER = 0
EVIDENCE = keccak(text="claim filed")
REASON = keccak(text="claim withdrawn")


@pytest.fixture
def cert_hash(certificate_in_status):
    return certificate_in_status(Status.ACTIVE)


@pytest.fixture
def uid(attestations, importer, cert_hash):
    """A claim the importer filed."""
    return attestations.attest(cert_hash, Kind.CLAIM_FILED, EVIDENCE, NEVER, sender=importer).events[0].uid


def test_revoke_attestation__by_its_attester__invalidates_it_and_keeps_the_record(
    chain, attestations, importer, uid
):
    before = attestations.attestation(uid)
    attestations.revoke_attestation(uid, REASON, sender=importer)
    after = attestations.attestation(uid)
    assert not attestations.is_valid(uid)
    assert after.revoked is True
    assert (after.attester, after.kind, after.created_at, after.expires_at) == (
        before.attester,
        before.kind,
        before.created_at,
        before.expires_at,
    )


@pytest.mark.parametrize("who", ["broker", "customs", "exporter", "stranger"])
def test_revoke_attestation__by_anyone_else__reverts(request, attestations, uid, who):
    with ape.reverts("Attestations: caller is not the attester"):
        attestations.revoke_attestation(uid, REASON, sender=request.getfixturevalue(who))


def test_revoke_attestation__twice__reverts(attestations, importer, uid):
    attestations.revoke_attestation(uid, REASON, sender=importer)
    with ape.reverts("Attestations: attestation already revoked"):
        attestations.revoke_attestation(uid, REASON, sender=importer)


def test_revoke_attestation__unknown_uid__reverts(attestations, importer):
    with ape.reverts("Attestations: unknown attestation"):
        attestations.revoke_attestation(keccak(text="never attested"), REASON, sender=importer)


def test_revoke_attestation__suspended_attester__reverts_until_reinstated(
    attestations, enrolled, customs, importer, uid
):
    enrolled.suspend(importer, sender=customs)
    with ape.reverts(INACTIVE_ATTESTER):
        attestations.revoke_attestation(uid, REASON, sender=importer)
    assert attestations.is_valid(uid)
    enrolled.reinstate(importer, sender=customs)
    attestations.revoke_attestation(uid, REASON, sender=importer)
    assert not attestations.is_valid(uid)


def test_revoke_attestation__expired_attestation__is_allowed(chain, attestations, importer, cert_hash):
    expires_at = chain.pending_timestamp + 10
    tx = attestations.attest(cert_hash, Kind.CLAIM_FILED, EVIDENCE, expires_at, sender=importer)
    chain.mine(timestamp=expires_at + 1)
    attestations.revoke_attestation(tx.events[0].uid, REASON, sender=importer)
    assert attestations.attestation(tx.events[0].uid).revoked is True


def test_revoke_attestation__does_not_touch_the_nonce(attestations, importer, uid):
    attestations.revoke_attestation(uid, REASON, sender=importer)
    assert attestations.nonces(importer) == 1


def test_revoke_attestation__signed_attestation__only_the_signer_not_the_relayer(
    chain, attestations, producer, stranger, cert_hash
):
    message = AttestMessage(
        certHash=cert_hash,
        kind=Kind.SUPPLIER_DECLARATION,
        evidenceHash=EVIDENCE,
        expiresAt=NEVER,
        attester=producer.address,
        nonce=0,
        deadline=chain.pending_timestamp + 3_600,
    )
    signature = sign_attest(producer.private_key, message, attestations, chain.chain_id)
    uid = attestations.attest_by_sig(*message.by_sig_args(signature), sender=stranger).events[0].uid
    with ape.reverts("Attestations: caller is not the attester"):
        attestations.revoke_attestation(uid, REASON, sender=stranger)
    attestations.revoke_attestation(uid, REASON, sender=producer)
    assert not attestations.is_valid(uid)


def test_revoke_attestation__one_of_two__leaves_the_other_valid(attestations, importer, cert_hash, uid):
    other = attestations.attest(cert_hash, Kind.RECEIVED, EVIDENCE, NEVER, sender=importer).events[0].uid
    attestations.revoke_attestation(uid, REASON, sender=importer)
    assert attestations.is_valid(other)
