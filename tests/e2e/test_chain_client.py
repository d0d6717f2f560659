"""The chain client on the embedded chain: every write, every read, reverts, attestation logs and events."""

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from chain_fixtures import deployment_of
from eth_utils import keccak

from originproof.chain import ChainClient
from originproof.chain.endpoint import Endpoint
from originproof.chain.records import AttestationRecord, BatchRecord, CertificateRecord, TxResult
from originproof.chain.typed_data import predict_uid
from originproof.enums import Agreement, Kind, Role, Status
from originproof.errors import ChainError, ValidationError
from originproof.merkle import StandardMerkleTree

DAY = 86_400
JAN_1_2025 = 1_735_689_600
NO_AMENDMENT = bytes(32)
EVIDENCE = keccak(text="goods received")
REASON = keccak(text="entered in error")
LEAF_TYPES = ("bytes32", "uint8", "uint64", "uint64")
FAR_DEADLINE = 2**40


@contextmanager
def reverts(reason: str) -> Iterator[None]:
    """Expect a ChainError whose message is exactly the contract's revert reason."""
    with pytest.raises(ChainError) as caught:
        yield
    assert str(caught.value) == reason


@pytest.fixture(scope="session")
def deployment(chain, customs, enrolled, certificates, attestations):
    return deployment_of(chain, customs, enrolled, certificates, attestations)


@pytest.fixture
def client(deployment):
    return ChainClient.connect(deployment)


@pytest.fixture
def registered(client, exporter, new_hash):
    """A fresh ACTIVE certificate of `exporter`."""
    cert_hash = new_hash()
    client.register(exporter, cert_hash, Agreement.USMCA, 0, 0)
    return cert_hash


# connect


def test_connect__other_chain_id__refuses(deployment):
    other = type(deployment)(**{**deployment.__dict__, "chain_id": 11_155_111})
    with pytest.raises(ChainError, match="the deployment is on chain 11155111"):
        ChainClient.connect(other)


def test_connect__other_genesis__refuses(deployment):
    reset = type(deployment)(**{**deployment.__dict__, "genesis_hash": "0x" + "ab" * 32})
    with pytest.raises(ChainError, match="the node was reset or is another chain"):
        ChainClient.connect(reset)


def test_connect__no_contract_at_an_address__refuses(deployment):
    wrong = type(deployment)(**{**deployment.__dict__, "attestations": "0x" + "03" * 20})
    with pytest.raises(
        ChainError, match="no Attestations contract at 0x0303030303030303030303030303030303030303"
    ):
        ChainClient.connect(wrong)


def test_connect__negative_confirmations__names_the_field(deployment):
    with pytest.raises(ValidationError, match="confirmations: must be 0 or more"):
        ChainClient.connect(deployment, confirmations=-1)


def test_connect__local_network__never_waits_for_confirmations(deployment, exporter, new_hash):
    client = ChainClient.connect(deployment, confirmations=3)
    assert client.confirmations == 0
    assert client.register(exporter, new_hash(), Agreement.USMCA, 0, 0).name == "register"


def test_connect__offers_ape_instances_at_the_deployment(client, deployment):
    assert client.participants.address == deployment.participants
    assert client.certificates.address == deployment.certificates
    assert client.attestations.address == deployment.attestations


# writes: results


def test_write__result_names_the_call_and_its_mined_transaction(client, chain, exporter, new_hash):
    result = client.register(exporter, new_hash(), Agreement.NAFTA, 0, 0)
    receipt = chain.provider.get_receipt(result.tx_hash)
    assert isinstance(result, TxResult)
    assert result.name == "register"
    assert re.fullmatch(r"0x[0-9a-f]{64}", result.tx_hash)
    assert result.gas_used == receipt.gas_used > 21_000
    assert result.block_number == receipt.block_number == chain.blocks.height
    assert 0 < result.seconds < 30
    assert result.value is None


# Participants


def test_enroll__gives_the_role_and_the_key(client, customs, accounts):
    newcomer = accounts[8]
    result = client.enroll(customs, newcomer, Role.IMPORTER, keccak(text="profile"), b"\x07" * 32)
    assert result.name == "enroll"
    assert client.roles_of(newcomer) == {"IMPORTER"}
    assert client.has_role(Role.IMPORTER, newcomer.address)
    assert client.is_active(newcomer)
    assert client.encryption_key(newcomer.address) == b"\x07" * 32


def test_enroll__by_a_non_admin__reverts_with_the_reason(client, stranger, accounts):
    with reverts("Participants: caller is missing the admin role"):
        client.enroll(stranger, accounts[8], Role.IMPORTER, keccak(text="profile"), b"\x07" * 32)


def test_suspend_then_reinstate__switches_activity_and_roles(client, customs, producer):
    client.suspend(customs, producer)
    assert not client.is_active(producer)
    assert client.roles_of(producer) == frozenset()
    assert client.has_role(Role.PRODUCER, producer)
    client.reinstate(customs, producer)
    assert client.is_active(producer)
    assert client.roles_of(producer) == {"PRODUCER"}


def test_set_encryption_key__rotates_the_senders_key(client, importer):
    result = client.set_encryption_key(importer, b"\x42" * 32)
    assert result.name == "set_encryption_key"
    assert client.encryption_key(importer) == b"\x42" * 32


def test_roles_of__names_every_role_held(client, customs, deputy):
    assert client.roles_of(customs) == {"CUSTOMS"}
    assert client.roles_of(deputy) == {"CUSTOMS"}
    client.enroll(customs, deputy, Role.BROKER, keccak(text="broker profile"), keccak(text="broker key"))
    assert client.roles_of(deputy) == {"CUSTOMS", "BROKER"}


def test_reads__unknown_account__empty_answers(client, accounts):
    unknown = accounts[9]
    assert client.roles_of(unknown) == frozenset()
    assert not client.is_active(unknown)
    assert client.encryption_key(unknown) == bytes(32)
    assert client.nonces(unknown) == 0


def test_writes_and_reads__a_short_hash__validation_error_naming_the_field(
    client, exporter, importer, registered
):
    with pytest.raises(ValidationError, match="cert_hash: expected 32 bytes, got 5 bytes"):
        client.register(exporter, b"short", Agreement.USMCA, 0, 0)
    with pytest.raises(ValidationError, match="evidence_hash: expected 32 bytes, got 0 bytes"):
        client.attest(importer, registered, Kind.RECEIVED, b"")
    with pytest.raises(ValidationError, match="root: expected 32 bytes, got 31 bytes"):
        client.batch(bytes(31))


# Certificates


def test_register__records_the_whole_certificate(client, chain, exporter, new_hash):
    cert_hash = new_hash()
    blanket_to = JAN_1_2025 + 364 * DAY
    result = client.register(exporter, cert_hash, Agreement.CAFTA_DR, JAN_1_2025, blanket_to)
    assert client.status(cert_hash) is Status.ACTIVE
    assert client.certificate(cert_hash) == CertificateRecord(
        certifier=exporter.address,
        agreement=Agreement.CAFTA_DR,
        status=Status.ACTIVE,
        issued_at=chain.blocks[result.block_number].timestamp,
        blanket_from=JAN_1_2025,
        blanket_to=blanket_to,
        supersedes=NO_AMENDMENT,
    )
    assert client.certificate(cert_hash).agreement_code is Agreement.CAFTA_DR


def test_register__twice__reverts_with_the_contracts_reason(client, exporter, registered):
    with reverts("Certificates: certificate already registered"):
        client.register(exporter, registered, Agreement.USMCA, 0, 0)


def test_revert__reported_once_without_apes_traceback_noise(client, exporter, registered, capfd):
    with reverts("Certificates: certificate already registered"):
        client.register(exporter, registered, Agreement.USMCA, 0, 0)
    captured = capfd.readouterr()
    assert "Problem retrieving traceback" not in captured.out + captured.err


def test_register__by_a_non_certifier__reverts_with_the_reason(client, broker, new_hash):
    with reverts("Certificates: caller is not a certifier"):
        client.register(broker, new_hash(), Agreement.USMCA, 0, 0)


def test_register__superseding__turns_the_old_one_superseded(client, exporter, registered, new_hash):
    amendment = new_hash()
    client.register(exporter, amendment, Agreement.USMCA, 0, 0, supersedes=registered)
    assert client.status(registered) is Status.SUPERSEDED
    assert client.certificate(amendment).supersedes == registered


def test_certificate__unknown_hash__all_zero_and_none(client, new_hash):
    record = client.certificate(new_hash())
    assert record.status is Status.NONE
    assert record.certifier == "0x" + "00" * 20
    assert record.agreement_code is None
    assert client.status(new_hash()) is Status.NONE


def test_batch__register_then_materialize__members_answer(client, chain, producer, stranger, new_hash):
    leaves = [(new_hash(), Agreement.USMCA, 0, 0) for _ in range(5)]
    tree = StandardMerkleTree.of(leaves, LEAF_TYPES)
    result = client.register_batch(producer, tree.root, len(leaves))
    assert client.batch(tree.root) == BatchRecord(
        certifier=producer.address, count=5, registered_at=chain.blocks[result.block_number].timestamp
    )
    member, proof = leaves[3], tree.get_proof(3)
    assert client.status_in_batch(tree.root, *member, proof) is Status.ACTIVE
    assert client.status(member[0]) is Status.NONE
    client.materialize(stranger, tree.root, *member, proof)
    assert client.status(member[0]) is Status.ACTIVE
    assert client.certificate(member[0]).certifier == producer.address


def test_status_in_batch__wrong_proof_or_unknown_root__none(client, producer, new_hash):
    leaves = [(new_hash(), Agreement.USMCA, 0, 0) for _ in range(3)]
    tree = StandardMerkleTree.of(leaves, LEAF_TYPES)
    client.register_batch(producer, tree.root, 3)
    assert client.status_in_batch(tree.root, *leaves[0], tree.get_proof(1)) is Status.NONE
    assert client.status_in_batch(new_hash(), *leaves[0], tree.get_proof(0)) is Status.NONE
    assert client.batch(new_hash()).certifier == "0x" + "00" * 20


def test_status_in_batch__invalid_terms__the_read_reverts_with_the_reason(client, new_hash):
    with reverts("Certificates: blanket period needs both dates"):
        client.status_in_batch(new_hash(), new_hash(), Agreement.USMCA, JAN_1_2025, 0, [])


def test_materialize__bad_proof__reverts_with_the_reason(client, producer, stranger, new_hash):
    leaves = [(new_hash(), Agreement.USMCA, 0, 0) for _ in range(2)]
    tree = StandardMerkleTree.of(leaves, LEAF_TYPES)
    client.register_batch(producer, tree.root, 2)
    with reverts("Certificates: invalid batch proof"):
        client.materialize(stranger, tree.root, *leaves[0], tree.get_proof(1))


def test_revoke__by_the_certifier__revoked(client, exporter, registered):
    client.revoke(exporter, registered, REASON)
    assert client.status(registered) is Status.REVOKED


def test_verification__open_then_close__the_outcome(client, customs, registered):
    client.open_verification(customs, registered, keccak(text="request"))
    assert client.status(registered) is Status.UNDER_VERIFICATION
    client.close_verification(customs, registered, Status.DENIED, keccak(text="finding"))
    assert client.status(registered) is Status.DENIED


def test_close_verification__by_a_certifier__reverts_with_the_reason(client, customs, exporter, registered):
    client.open_verification(customs, registered, keccak(text="request"))
    with reverts("Certificates: caller is not customs"):
        client.close_verification(exporter, registered, Status.AFFIRMED, keccak(text="finding"))


# Attestations


def test_attest__value_is_the_predicted_uid(client, chain, importer, registered):
    nonce = client.nonces(importer)
    result = client.attest(importer, registered, Kind.CLAIM_FILED, EVIDENCE, expires_at=2**39)
    assert result.name == "attest"
    assert result.value == predict_uid(registered, Kind.CLAIM_FILED, EVIDENCE, 2**39, importer.address, nonce)
    assert client.nonces(importer) == nonce + 1
    assert client.is_valid(result.value)
    assert client.attestation(result.value) == AttestationRecord(
        attester=importer.address,
        kind=Kind.CLAIM_FILED,
        created_at=chain.blocks[result.block_number].timestamp,
        expires_at=2**39,
        revoked=False,
    )


def test_attest__wrong_role__reverts_with_the_reason(client, exporter, registered):
    with reverts("Attestations: receipts and claims are made by importers or brokers"):
        client.attest(exporter, registered, Kind.CLAIM_FILED, EVIDENCE)


def test_revoke_attestation__no_longer_valid(client, importer, registered):
    uid = client.attest(importer, registered, Kind.RECEIVED, EVIDENCE).value
    client.revoke_attestation(importer, uid, REASON)
    assert not client.is_valid(uid)
    assert client.attestation(uid).revoked


def test_attestation__unknown_uid__all_zero_and_invalid(client, new_hash):
    uid = new_hash()
    assert client.attestation(uid) == AttestationRecord("0x" + "00" * 20, 0, 0, 0, False)
    assert not client.is_valid(uid)


def test_sign_attestation__ape_account_and_its_key__same_signature(client, producer, registered):
    args = (registered, Kind.SUPPLIER_DECLARATION, EVIDENCE, 0, FAR_DEADLINE)
    by_account = client.sign_attestation(producer, *args)
    assert len(by_account) == 65
    assert client.sign_attestation(producer.private_key, *args) == by_account


def test_attest_by_sig__relayed__attested_for_the_signer(client, customs, producer, registered):
    nonce = client.nonces(producer)
    signature = client.sign_attestation(
        producer.private_key, registered, Kind.SUPPLIER_DECLARATION, EVIDENCE, 0, FAR_DEADLINE
    )
    result = client.attest_by_sig(
        customs, registered, Kind.SUPPLIER_DECLARATION, EVIDENCE, 0, producer, FAR_DEADLINE, signature
    )
    assert result.name == "attest_by_sig"
    assert result.value == predict_uid(
        registered, Kind.SUPPLIER_DECLARATION, EVIDENCE, 0, producer.address, nonce
    )
    assert client.attestation(result.value).attester == producer.address


def test_sign_attestation__without_nonce__fetches_it_from_the_chain(client, customs, producer, registered):
    client.attest(producer, registered, Kind.SUPPLIER_DECLARATION, keccak(text="first declaration"))
    args = (registered, Kind.SUPPLIER_DECLARATION, EVIDENCE, 0, FAR_DEADLINE)
    fetched = client.sign_attestation(producer, *args)
    assert fetched == client.sign_attestation(producer, *args, nonce=1)
    assert fetched != client.sign_attestation(producer, *args, nonce=0)
    client.attest_by_sig(customs, *args[:4], producer, FAR_DEADLINE, fetched)


def test_attest_by_sig__stale_nonce__reverts_with_the_reason(client, customs, producer, registered):
    args = (registered, Kind.SUPPLIER_DECLARATION, EVIDENCE, 0, FAR_DEADLINE)
    signature = client.sign_attestation(producer, *args, nonce=7)
    with reverts("Attestations: invalid signature"):
        client.attest_by_sig(customs, *args[:4], producer, FAR_DEADLINE, signature)


# logs


@pytest.fixture
def attested(client, exporter, importer, broker, registered, new_hash):
    """Five attestations of `registered`, one per block, around one of another certificate."""
    other = new_hash()
    client.register(exporter, other, Agreement.USMCA, 0, 0)
    uids = [
        client.attest(importer, registered, Kind.RECEIVED, keccak(text=f"receipt {n}")).value
        for n in range(3)
    ]
    client.attest(importer, other, Kind.RECEIVED, EVIDENCE)
    uids += [
        client.attest(broker, registered, Kind.CLAIM_FILED, keccak(text=f"claim {n}")).value for n in range(2)
    ]
    return uids


def test_attestations_of__every_attestation_of_the_certificate_in_chain_order(
    client, registered, attested, importer
):
    found = client.attestations_of(registered)
    assert [event.uid for event in found] == attested
    first = found[0]
    assert first.cert_hash == registered
    assert first.attester == importer.address
    assert first.kind is Kind.RECEIVED
    assert first.evidence_hash == keccak(text="receipt 0")
    assert (first.expires_at, first.nonce) == (0, 0)
    assert [event.block_number for event in found] == sorted(event.block_number for event in found)
    assert first.tx_hash.startswith("0x")


def test_attestations_of__small_pages__same_answer_each_range_within_the_page(
    client, registered, attested, monkeypatch
):
    ranges = []
    real_logs = Endpoint.logs

    def spy(endpoint, params):
        ranges.append((params["fromBlock"], params["toBlock"]))
        return real_logs(endpoint, params)

    monkeypatch.setattr(Endpoint, "logs", spy)
    found = client.attestations_of(registered, page=2)
    assert [event.uid for event in found] == attested
    assert len(ranges) > 3
    assert all(last - first + 1 <= 2 for first, last in ranges)
    assert ranges[0][0] == client.deployment.block
    assert all(ranges[n][1] + 1 == ranges[n + 1][0] for n in range(len(ranges) - 1))


def test_attestations_of__block_window__only_its_blocks(client, registered, attested):
    everything = client.attestations_of(registered)
    middle = everything[2].block_number
    window = client.attestations_of(registered, from_block=middle, to_block=middle)
    assert [event.uid for event in window] == [attested[2]]


def test_attestations_of__page_below_one__names_the_field(client, registered):
    with pytest.raises(ValidationError, match="page: must be at least 1 block"):
        client.attestations_of(registered, page=0)


def test_events__every_contract_event_in_chain_order(
    client, customs, exporter, importer, registered, new_hash
):
    client.attest(importer, registered, Kind.RECEIVED, EVIDENCE)
    client.revoke(exporter, registered, REASON)
    client.suspend(customs, importer)
    events = client.events()
    names = [(event.contract, event.name) for event in events]
    assert names[-4:] == [
        ("Certificates", "CertificateRegistered"),
        ("Attestations", "Attested"),
        ("Certificates", "CertificateRevoked"),
        ("Participants", "ParticipantSuspended"),
    ]
    assert ("Participants", "ParticipantEnrolled") in names
    order = [(event.block_number, event.log_index) for event in events]
    assert order == sorted(order)
    revoked = events[-2]
    assert revoked.args == {"cert_hash": registered, "sender": exporter.address, "reason": REASON}


def test_events__paged_window__same_as_the_whole(client, importer, registered, attested):
    start = client.attestations_of(registered)[0].block_number
    whole = client.events(from_block=start)
    assert client.events(from_block=start, page=1) == whole
    assert [event.name for event in whole].count("Attested") == 6


def test_block_timestamp__latest_and_by_number(client, chain, registered):
    assert client.block_number() == chain.blocks.height
    assert client.block_timestamp() == chain.blocks.head.timestamp
    assert client.block_timestamp(1) == chain.blocks[1].timestamp
