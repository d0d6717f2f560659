"""Attestations expiry and validity: 0 never expires, else valid while block.timestamp < expires_at."""

import ape
import pytest
from eth_utils import keccak
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from originproof.enums import Kind, Status

NEVER = 0
EVIDENCE = keccak(text="received goods")
LARGEST_EXPIRY = 2**40 - 1
TEN_YEARS = 10 * 365 * 86_400


@pytest.fixture
def cert_hash(certificate_in_status):
    return certificate_in_status(Status.ACTIVE)


def _attest(attestations, cert_hash, importer, expires_at):
    tx = attestations.attest(cert_hash, Kind.RECEIVED, EVIDENCE, expires_at, sender=importer)
    return tx, tx.events[0].uid


def test_is_valid__never_expiring__stays_valid_years_later(chain, attestations, importer, cert_hash):
    _, uid = _attest(attestations, cert_hash, importer, NEVER)
    chain.mine(timestamp=chain.pending_timestamp + TEN_YEARS)
    assert attestations.is_valid(uid)


def test_is_valid__at_expiry_boundary__valid_one_second_before_and_invalid_at_it(
    chain, attestations, importer, cert_hash
):
    expires_at = chain.pending_timestamp + 100
    _, uid = _attest(attestations, cert_hash, importer, expires_at)
    chain.mine(timestamp=expires_at - 1)
    assert attestations.is_valid(uid)
    chain.mine(timestamp=expires_at)
    assert not attestations.is_valid(uid)


def test_is_valid__expired__keeps_the_record(chain, attestations, importer, cert_hash):
    expires_at = chain.pending_timestamp + 100
    _, uid = _attest(attestations, cert_hash, importer, expires_at)
    chain.mine(timestamp=expires_at + 1)
    record = attestations.attestation(uid)
    assert record.attester == importer.address
    assert record.expires_at == expires_at
    assert not record.revoked


def test_attest__expiring_one_second_after_its_block__is_accepted(chain, attestations, importer, cert_hash):
    block_time = chain.pending_timestamp + 50
    chain.pending_timestamp = block_time
    tx, uid = _attest(attestations, cert_hash, importer, block_time + 1)
    assert chain.blocks[tx.block_number].timestamp == block_time
    assert attestations.attestation(uid).expires_at == block_time + 1


def test_attest__expiring_at_its_own_block_time__reverts(chain, attestations, importer, cert_hash):
    block_time = chain.pending_timestamp + 50
    chain.pending_timestamp = block_time
    with ape.reverts("Attestations: expiry is in the past"):
        attestations.attest(cert_hash, Kind.RECEIVED, EVIDENCE, block_time, sender=importer)


def test_attest__expiry_in_the_past__reverts(chain, attestations, importer, cert_hash):
    with ape.reverts("Attestations: expiry is in the past"):
        attestations.attest(
            cert_hash, Kind.RECEIVED, EVIDENCE, chain.blocks.head.timestamp - 1, sender=importer
        )


def test_attest__largest_expiry_that_fits_40_bits__is_stored_exactly(attestations, importer, cert_hash):
    _, uid = _attest(attestations, cert_hash, importer, LARGEST_EXPIRY)
    assert attestations.attestation(uid).expires_at == LARGEST_EXPIRY
    assert attestations.is_valid(uid)


@pytest.mark.parametrize("expires_at", [LARGEST_EXPIRY + 1, 2**64 - 1])
def test_attest__expiry_beyond_40_bits__reverts(attestations, importer, cert_hash, expires_at):
    with ape.reverts("Attestations: expiry does not fit in 40 bits"):
        attestations.attest(cert_hash, Kind.RECEIVED, EVIDENCE, expires_at, sender=importer)


def test_attestation__returns_the_unpacked_record(chain, attestations, importer, cert_hash):
    expires_at = chain.pending_timestamp + 3_600
    tx, uid = _attest(attestations, cert_hash, importer, expires_at)
    record = attestations.attestation(uid)
    assert record.attester == importer.address
    assert record.kind == Kind.RECEIVED
    assert record.created_at == chain.blocks[tx.block_number].timestamp
    assert record.expires_at == expires_at
    assert record.revoked is False


def test_attestation__unknown_uid__is_all_zero_and_invalid(attestations):
    uid = keccak(text="never attested")
    record = attestations.attestation(uid)
    assert record.attester == "0x" + "00" * 20
    assert (record.kind, record.created_at, record.expires_at, record.revoked) == (0, 0, 0, False)
    assert not attestations.is_valid(uid)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lifetime=st.integers(min_value=2, max_value=TEN_YEARS))
def test_is_valid__any_lifetime__valid_until_expiry_then_not(
    chain, attestations, importer, cert_hash, lifetime
):
    # Chain time moves forward across hypothesis examples: every expiry is relative to now.
    expires_at = chain.pending_timestamp + lifetime
    _, uid = _attest(attestations, cert_hash, importer, expires_at)
    assert attestations.attestation(uid).expires_at == expires_at
    chain.mine(timestamp=expires_at - 1)
    assert attestations.is_valid(uid)
    chain.mine(timestamp=expires_at)
    assert not attestations.is_valid(uid)
