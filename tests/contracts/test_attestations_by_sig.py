"""Attestations by EIP-712 signature from an EOA: eth-account signatures, replay, deadline, tampering."""

from dataclasses import asdict, replace

import ape
import pytest
from attestation_helpers import (
    ATTEST_FIELDS,
    ATTEST_TYPE,
    INACTIVE_ATTESTER,
    INVALID_SIGNATURE,
    ROLE_REASONS,
    AttestMessage,
    domain,
    predict_uid,
    sign_attest,
)
from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_utils import keccak
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from originproof.enums import Kind, Status

NEVER = 0
EVIDENCE = keccak(text="supplier declaration")
SECP256K1_ORDER = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


@pytest.fixture
def cert_hash(certificate_in_status):
    return certificate_in_status(Status.ACTIVE)


@pytest.fixture
def message(chain, attestations, producer, cert_hash) -> AttestMessage:
    """A supplier declaration by `producer`, signed for its current nonce, usable for an hour."""
    return AttestMessage(
        certHash=cert_hash,
        kind=Kind.SUPPLIER_DECLARATION,
        evidenceHash=EVIDENCE,
        expiresAt=NEVER,
        attester=producer.address,
        nonce=attestations.nonces(producer),
        deadline=chain.pending_timestamp + 3_600,
    )


def _sign(account, message: AttestMessage, attestations, chain) -> bytes:
    return sign_attest(account.private_key, message, attestations, chain.chain_id)


def test_eip712_domain__is_originproof_version_1_on_this_chain(chain, attestations):
    fields, name, version, chain_id, verifying_contract, salt, extensions = attestations.eip712Domain()
    assert fields == b"\x0f"
    assert (name, version) == ("originproof", "1")
    assert chain_id == chain.chain_id
    assert verifying_contract == attestations.address
    assert salt == b"\x00" * 32
    assert extensions == []


def test_attest_typehash__is_the_hash_of_the_design_type_string(attestations):
    assert attestations.ATTEST_TYPEHASH() == keccak(text=ATTEST_TYPE)


def test_attest_by_sig__eth_account_typed_data_signature__is_accepted_from_any_relayer(
    chain, attestations, producer, stranger, message
):
    signature = _sign(producer, message, attestations, chain)
    tx = attestations.attest_by_sig(*message.by_sig_args(signature), sender=stranger)
    event = tx.events[0]
    assert event.attester == producer.address
    assert event.uid == predict_uid(
        message.certHash, message.kind, message.evidenceHash, message.expiresAt, producer.address, 0
    )
    assert attestations.attestation(event.uid).attester == producer.address
    assert attestations.nonces(producer) == 1
    assert attestations.nonces(stranger) == 0


def test_attest_by_sig__full_v4_message_signed_with_sign_message__is_accepted(
    chain, attestations, producer, stranger, message
):
    full_message = {
        "types": {
            "EIP712Domain": [
                {"name": "name", "type": "string"},
                {"name": "version", "type": "string"},
                {"name": "chainId", "type": "uint256"},
                {"name": "verifyingContract", "type": "address"},
            ],
            "Attest": ATTEST_FIELDS,
        },
        "primaryType": "Attest",
        "domain": domain(attestations, chain.chain_id),
        "message": asdict(message),
    }
    signed = Account.sign_message(encode_typed_data(full_message=full_message), producer.private_key)
    tx = attestations.attest_by_sig(*message.by_sig_args(bytes(signed.signature)), sender=stranger)
    assert tx.events[0].attester == producer.address


def test_attest_by_sig__replayed_signature__reverts(chain, attestations, producer, stranger, message):
    signature = _sign(producer, message, attestations, chain)
    attestations.attest_by_sig(*message.by_sig_args(signature), sender=stranger)
    with ape.reverts(INVALID_SIGNATURE):
        attestations.attest_by_sig(*message.by_sig_args(signature), sender=stranger)


def test_attest_by_sig__signed_for_a_future_nonce__reverts(chain, attestations, producer, stranger, message):
    ahead = replace(message, nonce=message.nonce + 1)
    with ape.reverts(INVALID_SIGNATURE):
        attestations.attest_by_sig(
            *ahead.by_sig_args(_sign(producer, ahead, attestations, chain)), sender=stranger
        )


def test_attest_by_sig__deadline_passed__reverts(chain, attestations, producer, stranger, message):
    late = replace(message, deadline=chain.blocks.head.timestamp - 1)
    with ape.reverts("Attestations: signature expired"):
        attestations.attest_by_sig(
            *late.by_sig_args(_sign(producer, late, attestations, chain)), sender=stranger
        )


def test_attest_by_sig__deadline_is_the_block_time__is_accepted(
    chain, attestations, producer, stranger, message
):
    block_time = chain.pending_timestamp + 50
    chain.pending_timestamp = block_time
    on_time = replace(message, deadline=block_time)
    tx = attestations.attest_by_sig(
        *on_time.by_sig_args(_sign(producer, on_time, attestations, chain)), sender=stranger
    )
    assert chain.blocks[tx.block_number].timestamp == block_time


def test_attest_by_sig__signed_by_someone_else__reverts(chain, attestations, importer, stranger, message):
    with ape.reverts(INVALID_SIGNATURE):
        attestations.attest_by_sig(
            *message.by_sig_args(_sign(importer, message, attestations, chain)), sender=stranger
        )


@pytest.mark.parametrize(
    "tampered",
    [
        {"certHash": keccak(text="another certificate")},
        {"kind": Kind.ACCESS_GRANTED},
        {"evidenceHash": keccak(text="other evidence")},
        {"expiresAt": 2**39},
        {"deadline": 2**40},
    ],
    ids=lambda change: next(iter(change)),
)
def test_attest_by_sig__field_changed_after_signing__reverts(
    chain, attestations, producer, stranger, message, tampered
):
    signature = _sign(producer, message, attestations, chain)
    with ape.reverts(INVALID_SIGNATURE):
        attestations.attest_by_sig(*replace(message, **tampered).by_sig_args(signature), sender=stranger)


def test_attest_by_sig__attester_swapped_for_another_participant__reverts(
    chain, attestations, producer, second_producer, stranger, message
):
    signature = _sign(producer, message, attestations, chain)
    swapped = replace(message, attester=second_producer.address)
    with ape.reverts(INVALID_SIGNATURE):
        attestations.attest_by_sig(*swapped.by_sig_args(signature), sender=stranger)


def test_attest_by_sig__signed_for_another_contract__reverts(
    chain, attestations, producer, stranger, message
):
    elsewhere = {**domain(attestations, chain.chain_id), "verifyingContract": stranger.address}
    signed = Account.sign_typed_data(
        producer.private_key,
        domain_data=elsewhere,
        message_types={"Attest": ATTEST_FIELDS},
        message_data=asdict(message),
    )
    with ape.reverts(INVALID_SIGNATURE):
        attestations.attest_by_sig(*message.by_sig_args(bytes(signed.signature)), sender=stranger)


def test_attest_by_sig__high_s_twin_of_a_valid_signature__reverts(
    chain, attestations, producer, stranger, message
):
    signature = _sign(producer, message, attestations, chain)
    r, s, v = signature[:32], int.from_bytes(signature[32:64], "big"), signature[64]
    twin = r + (SECP256K1_ORDER - s).to_bytes(32, "big") + bytes([55 - v])
    with ape.reverts("ecdsa: invalid signature `s` value"):
        attestations.attest_by_sig(*message.by_sig_args(twin), sender=stranger)


@pytest.mark.parametrize("length", [0, 64, 66, 130])
def test_attest_by_sig__eoa_signature_not_65_bytes__reverts(
    chain, attestations, producer, stranger, message, length
):
    signature = _sign(producer, message, attestations, chain)
    resized = (signature * 2)[:length]
    with ape.reverts("Attestations: EOA signature must be 65 bytes"):
        attestations.attest_by_sig(*message.by_sig_args(resized), sender=stranger)


def test_attest_by_sig__signer_role_forbids_the_kind__reverts(
    chain, attestations, importer, stranger, message
):
    by_importer = replace(message, attester=importer.address, nonce=attestations.nonces(importer))
    signature = _sign(importer, by_importer, attestations, chain)
    with ape.reverts(ROLE_REASONS[Kind.SUPPLIER_DECLARATION]):
        attestations.attest_by_sig(*by_importer.by_sig_args(signature), sender=stranger)


def test_attest_by_sig__suspended_signer__reverts(
    chain, attestations, enrolled, customs, producer, stranger, message
):
    signature = _sign(producer, message, attestations, chain)
    enrolled.suspend(producer, sender=customs)
    with ape.reverts(INACTIVE_ATTESTER):
        attestations.attest_by_sig(*message.by_sig_args(signature), sender=stranger)
    assert attestations.nonces(producer) == message.nonce


def test_attest_by_sig__certificate_status_forbids_the_kind__reverts(
    chain, attestations, certificate_in_status, producer, stranger, message
):
    revoked = replace(message, certHash=certificate_in_status(Status.REVOKED))
    signature = _sign(producer, revoked, attestations, chain)
    with ape.reverts("Attestations: certificate status does not allow this kind"):
        attestations.attest_by_sig(*revoked.by_sig_args(signature), sender=stranger)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    evidence=st.binary(min_size=32, max_size=32),
    lifetime=st.one_of(st.just(None), st.integers(min_value=1, max_value=10 * 365 * 86_400)),
    window=st.integers(min_value=0, max_value=30 * 86_400),
)
def test_attest_by_sig__any_evidence_expiry_and_deadline__accepted_with_predicted_uid(
    chain, attestations, producer, stranger, cert_hash, evidence, lifetime, window
):
    # State persists across examples: the nonce and the time are read afresh for each.
    now = chain.pending_timestamp
    message = AttestMessage(
        certHash=cert_hash,
        kind=Kind.SUPPLIER_DECLARATION,
        evidenceHash=evidence,
        expiresAt=NEVER if lifetime is None else now + lifetime,
        attester=producer.address,
        nonce=attestations.nonces(producer),
        deadline=now + window,
    )
    chain.pending_timestamp = now
    tx = attestations.attest_by_sig(
        *message.by_sig_args(_sign(producer, message, attestations, chain)), sender=stranger
    )
    assert tx.events[0].uid == predict_uid(
        cert_hash, message.kind, evidence, message.expiresAt, producer.address, message.nonce
    )
