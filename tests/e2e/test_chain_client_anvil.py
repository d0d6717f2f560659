"""The chain client through ape's foundry provider on a real anvil node: what the CLI's local node runs on.

The embedded chain reports reverts, receipts and calls its own way; here the same calls go over
JSON-RPC to anvil, deployed from the shipped ContractTypes.
"""

import pytest
from eth_utils import keccak

from originproof import deployments, node
from originproof.chain import ChainClient, ChainReader
from originproof.chain.typed_data import predict_uid
from originproof.enums import Agreement, Kind, Role, Status
from originproof.errors import ChainError

EVIDENCE = keccak(text="anvil evidence")
FAR_DEADLINE = 2**40


@pytest.fixture
def on_anvil(networks, anvil_url):
    """ape connected to the anvil node for the test (the session's chain stays the embedded one)."""
    settings = {"host": anvil_url, "manage_process": False}
    with networks.parse_network_choice(node.APE_CHOICE, provider_settings=settings) as provider:
        yield provider


def test_client_on_anvil__writes_reads_and_reverts(on_anvil, anvil_url, chain, accounts):
    customs, exporter, producer, importer = accounts[0], accounts[1], accounts[2], accounts[3]
    deployment = deployments.deploy(None, chain, customs)
    client = ChainClient.connect(deployment)
    assert client.confirmations == 0
    client.enroll(customs, exporter, Role.EXPORTER, keccak(text="profile"), b"\x01" * 32)
    client.enroll(customs, producer, Role.PRODUCER, keccak(text="profile"), b"\x02" * 32)
    client.enroll(customs, importer, Role.IMPORTER, keccak(text="profile"), b"\x03" * 32)
    cert_hash = keccak(text="anvil certificate")

    registered = client.register(exporter, cert_hash, Agreement.USMCA, 0, 0)
    assert registered.gas_used > 21_000
    assert registered.block_number == chain.blocks.height
    assert client.status(cert_hash) is Status.ACTIVE
    with pytest.raises(ChainError) as caught:
        client.register(exporter, cert_hash, Agreement.USMCA, 0, 0)
    assert str(caught.value) == "Certificates: certificate already registered"
    with pytest.raises(ChainError) as caught:
        client.status_in_batch(cert_hash, cert_hash, Agreement.USMCA, 1, 0, [])
    assert str(caught.value) == "Certificates: blanket period needs both dates"

    claim = client.attest(importer, cert_hash, Kind.CLAIM_FILED, EVIDENCE)
    assert claim.value == predict_uid(cert_hash, Kind.CLAIM_FILED, EVIDENCE, 0, importer.address, 0)
    signature = client.sign_attestation(
        producer, cert_hash, Kind.SUPPLIER_DECLARATION, EVIDENCE, 0, FAR_DEADLINE
    )
    declaration = client.attest_by_sig(
        customs, cert_hash, Kind.SUPPLIER_DECLARATION, EVIDENCE, 0, producer, FAR_DEADLINE, signature
    )
    found = client.attestations_of(cert_hash, page=1)
    assert [event.uid for event in found] == [claim.value, declaration.value]

    reader = ChainReader([anvil_url], deployment)
    assert reader.attestations_of(cert_hash) == found
    assert reader.certificate(cert_hash) == client.certificate(cert_hash)
    assert reader.events() == client.events()
