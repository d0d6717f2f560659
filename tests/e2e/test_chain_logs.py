"""Pure parts of the chain package: block-range pages, log decoding, role bitmasks, confirmations."""

from types import SimpleNamespace

import pytest
from eth_abi import encode
from eth_utils import keccak, to_checksum_address
from hypothesis import given
from hypothesis import strategies as st

from originproof.chain import logs
from originproof.chain.client import confirmations_for
from originproof.chain.records import ROLE_BITS, role_names
from originproof.chain.views import hash32
from originproof.deployments import Deployment
from originproof.enums import Kind, Role
from originproof.errors import ChainError, ValidationError

DEPLOYMENT = Deployment(
    chain_id=31_337,
    genesis_hash="0x" + "00" * 32,
    block=1,
    deployer=to_checksum_address("0x" + "aa" * 20),
    participants=to_checksum_address("0x" + "01" * 20),
    certificates=to_checksum_address("0x" + "02" * 20),
    attestations=to_checksum_address("0x" + "03" * 20),
)
hashes = st.binary(min_size=32, max_size=32)
addresses = st.binary(min_size=20, max_size=20).map(lambda raw: to_checksum_address(raw))


@given(start=st.integers(0, 10_000), length=st.integers(0, 5_000), page=st.integers(1, 3_000))
def test_block_ranges__cover_the_span_in_order_each_within_the_page(start, length, page):
    stop = start + length
    ranges = list(logs.block_ranges(start, stop, page))
    assert ranges[0][0] == start
    assert ranges[-1][1] == stop
    assert all(first <= last and last - first < page for first, last in ranges)
    assert all(ranges[n][1] + 1 == ranges[n + 1][0] for n in range(len(ranges) - 1))


def test_block_ranges__empty_span__no_range():
    assert list(logs.block_ranges(10, 9, 5)) == []


def test_block_ranges__page_zero__names_the_field():
    with pytest.raises(ValidationError, match="page: must be at least 1 block, got 0"):
        list(logs.block_ranges(0, 10, 0))


def attested_log(uid, cert_hash, attester, kind, evidence_hash, expires_at, nonce, block, index):
    """An `Attested` log as a node returns it, encoded here independently of the decoder."""
    signature = "Attested(bytes32,bytes32,address,uint8,bytes32,uint64,uint256)"
    return {
        "address": DEPLOYMENT.attestations.lower(),
        "topics": [keccak(text=signature), uid, cert_hash, encode(["address"], [attester])],
        "data": encode(["uint8", "bytes32", "uint64", "uint256"], [kind, evidence_hash, expires_at, nonce]),
        "blockNumber": block,
        "logIndex": index,
        "transactionHash": keccak(uid),
    }


@given(
    uid=hashes,
    cert_hash=hashes,
    attester=addresses,
    kind=st.sampled_from(Kind),
    evidence_hash=hashes,
    expires_at=st.integers(0, 2**64 - 1),
    nonce=st.integers(0, 2**256 - 1),
    block=st.integers(0, 2**40),
    index=st.integers(0, 1_000),
)
def test_decode_event__attested__every_field_back(
    uid, cert_hash, attester, kind, evidence_hash, expires_at, nonce, block, index
):
    log = attested_log(uid, cert_hash, attester, kind, evidence_hash, expires_at, nonce, block, index)
    event = logs.decode_event(log, DEPLOYMENT)
    assert (event.contract, event.name, event.block_number, event.log_index) == (
        "Attestations",
        "Attested",
        block,
        index,
    )
    attestation = logs.attestation_event(event)
    assert attestation.uid == uid
    assert attestation.cert_hash == cert_hash
    assert attestation.attester == attester
    assert attestation.kind is kind
    assert (attestation.evidence_hash, attestation.expires_at, attestation.nonce) == (
        evidence_hash,
        expires_at,
        nonce,
    )
    assert attestation.tx_hash == "0x" + keccak(uid).hex()


def test_attested_filter__topic_two_is_the_certificate():
    cert_hash = keccak(text="certificate")
    params = logs.attested_filter(DEPLOYMENT, cert_hash, 5, 9)
    assert params["address"] == DEPLOYMENT.attestations
    assert params["topics"][1] is None
    assert params["topics"][2] == "0x" + cert_hash.hex()
    assert (params["fromBlock"], params["toBlock"]) == (5, 9)


def test_decode_event__log_of_another_contract__chain_error():
    log = attested_log(bytes(32), bytes(32), DEPLOYMENT.deployer, Kind.RECEIVED, bytes(32), 0, 0, 1, 0)
    with pytest.raises(ChainError, match="none of the deployment's contracts"):
        logs.decode_event({**log, "address": "0x" + "99" * 20}, DEPLOYMENT)


def test_decode_event__unknown_topic__chain_error():
    log = attested_log(bytes(32), bytes(32), DEPLOYMENT.deployer, Kind.RECEIVED, bytes(32), 0, 0, 7, 0)
    with pytest.raises(ChainError, match="Attestations log at block 7 matches no event of its ABI"):
        logs.decode_event({**log, "topics": [keccak(text="Other()")]}, DEPLOYMENT)


def test_event_specs__every_contract_event_is_known():
    names = {(spec.contract, spec.name) for spec in logs.event_specs().values()}
    assert {
        ("Participants", "ParticipantEnrolled"),
        ("Participants", "EncryptionKeyChanged"),
        ("Participants", "ParticipantSuspended"),
        ("Participants", "ParticipantReinstated"),
        ("Certificates", "CertificateRegistered"),
        ("Certificates", "CertificateSuperseded"),
        ("Certificates", "BatchRegistered"),
        ("Certificates", "CertificateMaterialized"),
        ("Certificates", "CertificateRevoked"),
        ("Certificates", "VerificationOpened"),
        ("Certificates", "VerificationClosed"),
        ("Attestations", "Attested"),
        ("Attestations", "AttestationRevoked"),
    } <= names


@given(st.sets(st.sampled_from(ROLE_BITS)))
def test_role_names__the_bits_of_the_roles_held(held):
    mask = sum(1 << ROLE_BITS.index(name) for name in held)
    assert role_names(mask) == held


def test_role_bits__named_like_the_role_ids():
    assert all(hasattr(Role, name) for name in ROLE_BITS)


@pytest.mark.parametrize(
    ("is_local", "default", "asked", "expected"),
    [
        (True, 0, None, 0),
        (True, 0, 5, 0),
        (False, 2, None, 2),
        (False, 2, 0, 0),
        (False, 2, 6, 6),
    ],
)
def test_confirmations_for__asked_else_the_networks_default_never_on_local(
    is_local, default, asked, expected
):
    network = SimpleNamespace(is_local=is_local, required_confirmations=default)
    assert confirmations_for(network, asked) == expected


@given(st.binary(max_size=64).filter(lambda value: len(value) != 32))
def test_hash32__any_other_length__names_the_field(value):
    with pytest.raises(ValidationError, match=f"cert_hash: expected 32 bytes, got {len(value)} bytes"):
        hash32(value, "cert_hash")


def test_hash32__not_bytes__names_the_field_and_type():
    with pytest.raises(ValidationError, match="uid: expected 32 bytes, got str"):
        hash32("0x" + "00" * 32, "uid")  # type: ignore[arg-type]
