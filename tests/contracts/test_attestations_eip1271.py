"""Attestations by contract attesters: EIP-1271 multisig signatures longer than 65 bytes, and direct calls."""

from dataclasses import replace

import ape
import pytest
from attestation_helpers import (
    INACTIVE_ATTESTER,
    INVALID_SIGNATURE,
    ROLE_REASONS,
    AttestMessage,
    predict_uid,
    sign_attest,
)
from eth_account import Account
from eth_utils import keccak

from originproof.enums import Kind, Status

NEVER = 0
EVIDENCE = keccak(text="supplier declaration by a multisig")
STRANGER_KEY = Account.from_key(keccak(text="not a wallet owner")).key.to_0x_hex()
SECP256K1_ORDER = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


@pytest.fixture
def cert_hash(certificate_in_status):
    return certificate_in_status(Status.ACTIVE)


def _message(chain, attestations, wallet, cert_hash, kind=Kind.SUPPLIER_DECLARATION) -> AttestMessage:
    return AttestMessage(
        certHash=cert_hash,
        kind=kind,
        evidenceHash=EVIDENCE,
        expiresAt=NEVER,
        attester=wallet.address,
        nonce=attestations.nonces(wallet),
        deadline=chain.pending_timestamp + 3_600,
    )


def _multisig(keys, message, attestations, chain) -> bytes:
    """Each key's 65-byte EIP-712 signature of `message`, concatenated in the order given."""
    return b"".join(sign_attest(key, message, attestations, chain.chain_id) for key in keys)


def test_attest_by_sig__one_of_one_wallet_65_byte_signature__is_accepted(
    chain, attestations, make_wallet, wallet_owner_keys, stranger, cert_hash
):
    wallet = make_wallet(wallet_owner_keys[:1], 1)
    message = _message(chain, attestations, wallet, cert_hash)
    signature = _multisig(wallet_owner_keys[:1], message, attestations, chain)
    assert len(signature) == 65
    tx = attestations.attest_by_sig(*message.by_sig_args(signature), sender=stranger)
    assert tx.events[0].attester == wallet.address
    assert tx.events[0].uid == predict_uid(cert_hash, message.kind, EVIDENCE, NEVER, wallet.address, 0)
    assert attestations.nonces(wallet) == 1


def test_attest_by_sig__three_owner_195_byte_signature__is_accepted(
    chain, attestations, make_wallet, wallet_owner_keys, stranger, cert_hash
):
    wallet = make_wallet(wallet_owner_keys, 3)
    message = _message(chain, attestations, wallet, cert_hash)
    signature = _multisig(wallet_owner_keys, message, attestations, chain)
    assert len(signature) == 195
    tx = attestations.attest_by_sig(*message.by_sig_args(signature), sender=stranger)
    assert attestations.is_valid(tx.events[0].uid)


def test_attest_by_sig__two_of_three_in_any_order__is_accepted(
    chain, attestations, make_wallet, wallet_owner_keys, stranger, cert_hash
):
    wallet = make_wallet(wallet_owner_keys, 2)
    message = _message(chain, attestations, wallet, cert_hash)
    signature = _multisig([wallet_owner_keys[2], wallet_owner_keys[0]], message, attestations, chain)
    tx = attestations.attest_by_sig(*message.by_sig_args(signature), sender=stranger)
    assert tx.events[0].attester == wallet.address


def test_attest_by_sig__two_of_three_with_a_non_owner_signature__reverts(
    chain, attestations, make_wallet, wallet_owner_keys, stranger, cert_hash
):
    wallet = make_wallet(wallet_owner_keys, 2)
    message = _message(chain, attestations, wallet, cert_hash)
    signature = _multisig([wallet_owner_keys[0], STRANGER_KEY], message, attestations, chain)
    with ape.reverts(INVALID_SIGNATURE):
        attestations.attest_by_sig(*message.by_sig_args(signature), sender=stranger)


def test_attest_by_sig__two_of_three_with_a_signature_of_another_message__reverts(
    chain, attestations, make_wallet, wallet_owner_keys, stranger, cert_hash
):
    wallet = make_wallet(wallet_owner_keys, 2)
    message = _message(chain, attestations, wallet, cert_hash)
    other = replace(message, evidenceHash=keccak(text="something else"))
    signature = _multisig(wallet_owner_keys[:1], message, attestations, chain) + _multisig(
        wallet_owner_keys[1:2], other, attestations, chain
    )
    with ape.reverts(INVALID_SIGNATURE):
        attestations.attest_by_sig(*message.by_sig_args(signature), sender=stranger)


def test_attest_by_sig__two_of_three_with_one_owner_twice__reverts(
    chain, attestations, make_wallet, wallet_owner_keys, stranger, cert_hash
):
    wallet = make_wallet(wallet_owner_keys, 2)
    message = _message(chain, attestations, wallet, cert_hash)
    signature = _multisig([wallet_owner_keys[1], wallet_owner_keys[1]], message, attestations, chain)
    with ape.reverts(INVALID_SIGNATURE):
        attestations.attest_by_sig(*message.by_sig_args(signature), sender=stranger)


def test_attest_by_sig__fewer_signatures_than_the_threshold__reverts(
    chain, attestations, make_wallet, wallet_owner_keys, stranger, cert_hash
):
    wallet = make_wallet(wallet_owner_keys, 2)
    message = _message(chain, attestations, wallet, cert_hash)
    signature = _multisig(wallet_owner_keys[:1], message, attestations, chain)
    with ape.reverts(INVALID_SIGNATURE):
        attestations.attest_by_sig(*message.by_sig_args(signature), sender=stranger)


def test_attest_by_sig__wallet_that_reverts__reverts_with_one_clear_reason(
    chain, attestations, make_wallet, wallet_owner_keys, stranger, cert_hash
):
    # A high-s signature makes the wallet's own ECDSA check revert inside isValidSignature.
    wallet = make_wallet(wallet_owner_keys[:1], 1)
    message = _message(chain, attestations, wallet, cert_hash)
    signature = _multisig(wallet_owner_keys[:1], message, attestations, chain)
    s = int.from_bytes(signature[32:64], "big")
    twin = signature[:32] + (SECP256K1_ORDER - s).to_bytes(32, "big") + bytes([55 - signature[64]])
    with ape.reverts(INVALID_SIGNATURE):
        attestations.attest_by_sig(*message.by_sig_args(twin), sender=stranger)


def test_attest_by_sig__contract_without_eip1271__reverts(
    chain, attestations, certificates, wallet_owner_keys, stranger, cert_hash
):
    message = _message(chain, attestations, certificates, cert_hash)
    signature = _multisig(wallet_owner_keys[:1], message, attestations, chain)
    with ape.reverts(INVALID_SIGNATURE):
        attestations.attest_by_sig(*message.by_sig_args(signature), sender=stranger)


def test_attest_by_sig__replayed_wallet_signature__reverts(
    chain, attestations, make_wallet, wallet_owner_keys, stranger, cert_hash
):
    wallet = make_wallet(wallet_owner_keys, 3)
    message = _message(chain, attestations, wallet, cert_hash)
    signature = _multisig(wallet_owner_keys, message, attestations, chain)
    attestations.attest_by_sig(*message.by_sig_args(signature), sender=stranger)
    with ape.reverts(INVALID_SIGNATURE):
        attestations.attest_by_sig(*message.by_sig_args(signature), sender=stranger)


def test_attest_by_sig__wallet_deadline_passed__reverts(
    chain, attestations, make_wallet, wallet_owner_keys, stranger, cert_hash
):
    wallet = make_wallet(wallet_owner_keys[:1], 1)
    late = replace(_message(chain, attestations, wallet, cert_hash), deadline=chain.blocks.head.timestamp - 1)
    signature = _multisig(wallet_owner_keys[:1], late, attestations, chain)
    with ape.reverts("Attestations: signature expired"):
        attestations.attest_by_sig(*late.by_sig_args(signature), sender=stranger)


def test_attest_by_sig__suspended_wallet__reverts(
    chain, attestations, enrolled, customs, make_wallet, wallet_owner_keys, stranger, cert_hash
):
    wallet = make_wallet(wallet_owner_keys[:1], 1)
    enrolled.suspend(wallet, sender=customs)
    message = _message(chain, attestations, wallet, cert_hash)
    signature = _multisig(wallet_owner_keys[:1], message, attestations, chain)
    with ape.reverts(INACTIVE_ATTESTER):
        attestations.attest_by_sig(*message.by_sig_args(signature), sender=stranger)


def test_attest_by_sig__wallet_role_forbids_the_kind__reverts(
    chain, attestations, make_wallet, wallet_owner_keys, stranger, cert_hash
):
    wallet = make_wallet(wallet_owner_keys[:1], 1)
    message = _message(chain, attestations, wallet, cert_hash, kind=Kind.CLAIM_FILED)
    signature = _multisig(wallet_owner_keys[:1], message, attestations, chain)
    with ape.reverts(ROLE_REASONS[Kind.CLAIM_FILED]):
        attestations.attest_by_sig(*message.by_sig_args(signature), sender=stranger)


def test_wallet_attest__contract_participant_attests_directly(
    accounts, attestations, make_wallet, wallet_owner_keys, cert_hash
):
    wallet = make_wallet(wallet_owner_keys, 2)
    tx = wallet.attest(
        attestations, cert_hash, Kind.SUPPLIER_DECLARATION, EVIDENCE, NEVER, sender=accounts[8]
    )
    [event] = tx.decode_logs(attestations.Attested)
    assert event.attester == wallet.address
    assert event.uid == predict_uid(cert_hash, Kind.SUPPLIER_DECLARATION, EVIDENCE, NEVER, wallet.address, 0)
    assert attestations.nonces(wallet) == 1


def test_wallet_attest__by_a_non_owner__reverts(
    attestations, make_wallet, wallet_owner_keys, stranger, cert_hash
):
    wallet = make_wallet(wallet_owner_keys, 2)
    with ape.reverts("MockMultisigWallet: caller is not an owner"):
        wallet.attest(attestations, cert_hash, Kind.SUPPLIER_DECLARATION, EVIDENCE, NEVER, sender=stranger)


@pytest.mark.parametrize("threshold", [0, 4])
def test_mock_wallet__threshold_out_of_range__reverts(project, customs, wallet_owner_keys, threshold):
    owners = [Account.from_key(key).address for key in wallet_owner_keys]
    with ape.reverts("MockMultisigWallet: threshold out of range"):
        customs.deploy(project.MockMultisigWallet, owners, threshold)
