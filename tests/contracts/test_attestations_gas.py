"""Attestations gas: `attest` stays under its 80,000 gas target once the attester has a nonce."""

import pytest
from eth_utils import keccak

from originproof.enums import Kind, Status

ATTEST_GAS_TARGET = 80_000
# EIP-2929/3529 pricing of the attester's nonce slot: 22,100 to write it from zero (cold), 5,000 after.
NONCE_FIRST_WRITE_SURCHARGE = 22_100 - 5_000


@pytest.fixture
def cert_hash(certificate_in_status):
    return certificate_in_status(Status.ACTIVE)


def _attest(attestations, cert_hash, attester, kind=Kind.SUPPLIER_DECLARATION):
    return attestations.attest(cert_hash, kind, keccak(text="evidence"), 0, sender=attester)


def test_attest__steady_state__is_under_the_gas_target(attestations, producer, cert_hash):
    _attest(attestations, cert_hash, producer)
    assert _attest(attestations, cert_hash, producer).gas_used < ATTEST_GAS_TARGET


def test_attest__certifier_path__is_under_the_gas_target(attestations, exporter, cert_hash):
    _attest(attestations, cert_hash, exporter, Kind.ACCESS_GRANTED)
    assert _attest(attestations, cert_hash, exporter, Kind.ACCESS_GRANTED).gas_used < ATTEST_GAS_TARGET


def test_attest__first_by_an_attester__costs_only_the_nonce_first_write_more(
    attestations, producer, cert_hash
):
    first = _attest(attestations, cert_hash, producer)
    second = _attest(attestations, cert_hash, producer)
    assert first.gas_used - second.gas_used == NONCE_FIRST_WRITE_SURCHARGE
