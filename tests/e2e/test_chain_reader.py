"""The failover reader against a real anvil on a loopback port, and against RPCs that fail in every way.

An unreadable chain (refused connection, time-out, HTTP 429/5xx, JSON-RPC rate limit, garbage) moves
to the next URL and, when all fail, is UnverifiableError naming each URL; a revert or another chain is
an answer (ChainError), never "unverifiable".
"""

import contextlib
import json
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from eth_utils import keccak
from ports import free_port
from web3 import HTTPProvider, Web3

from originproof.chain import ChainReader
from originproof.chain.abi import contract_json
from originproof.chain.records import AttestationRecord, BatchRecord, CertificateRecord
from originproof.chain.typed_data import predict_uid
from originproof.deployments import Deployment
from originproof.enums import Agreement, Kind, Role, Status
from originproof.errors import ChainError, UnverifiableError, ValidationError
from originproof.merkle import StandardMerkleTree

NO_AMENDMENT = bytes(32)
JAN_1_2025 = 1_735_689_600
DAY = 86_400
CERT = keccak(text="reader certificate")
EVIDENCE = keccak(text="reader receipt")
LEAF_TYPES = ("bytes32", "uint8", "uint64", "uint64")
BATCH = [(keccak(text=f"reader batch member {n}"), Agreement.NAFTA, 0, 0) for n in range(4)]
TREE = StandardMerkleTree.of(BATCH, LEAF_TYPES)
# A deployment whose URLs are never reached: the addresses only have to be well formed.
UNREACHABLE = Deployment(
    31337, "0x00", 1, "0x" + "00" * 20, "0x" + "01" * 20, "0x" + "02" * 20, "0x" + "03" * 20
)


def dead_url() -> str:
    return f"http://127.0.0.1:{free_port()}"


class Anvil:
    """An anvil node with the three contracts deployed and some history, as web3.py set it up."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.web3 = Web3(HTTPProvider(url))
        self.customs, self.exporter, self.producer, self.importer = self.web3.eth.accounts[:4]
        first = self.web3.eth.block_number + 1
        participants = self.deploy("Participants")
        certificates = self.deploy("Certificates", participants.address)
        attestations = self.deploy("Attestations", participants.address, certificates.address)
        self.contracts = {
            "Participants": participants,
            "Certificates": certificates,
            "Attestations": attestations,
        }
        self.deployment = Deployment(
            chain_id=self.web3.eth.chain_id,
            genesis_hash=self.web3.eth.get_block(0)["hash"].to_0x_hex(),
            block=first,
            deployer=self.customs,
            participants=participants.address,
            certificates=certificates.address,
            attestations=attestations.address,
        )
        for account, role, key in (
            (self.exporter, Role.EXPORTER, b"\x01" * 32),
            (self.producer, Role.PRODUCER, b"\x02" * 32),
            (self.importer, Role.IMPORTER, b"\x03" * 32),
        ):
            self.send(self.customs, "Participants", "enroll", account, role, keccak(text="profile"), key)
        blanket_to = JAN_1_2025 + 30 * DAY
        self.registered = self.send(
            self.exporter,
            "Certificates",
            "register",
            CERT,
            Agreement.USMCA,
            JAN_1_2025,
            blanket_to,
            NO_AMENDMENT,
        )
        self.send(self.producer, "Certificates", "register_batch", TREE.root, len(BATCH))
        self.uids = []
        for number in range(3):
            evidence = keccak(text=f"reader receipt {number}")
            self.uids.append(predict_uid(CERT, Kind.RECEIVED, evidence, 0, self.importer, number))
            self.send(self.importer, "Attestations", "attest", CERT, Kind.RECEIVED, evidence, 0)

    def deploy(self, name: str, *args: object):
        shipped = contract_json(name)
        factory = self.web3.eth.contract(
            abi=shipped["abi"], bytecode=shipped["deploymentBytecode"]["bytecode"]
        )
        receipt = self.mined(factory.constructor(*args).transact({"from": self.customs}))
        return self.web3.eth.contract(address=receipt["contractAddress"], abi=shipped["abi"])

    def send(self, sender: str, contract: str, function: str, *args: object):
        return self.mined(self.contracts[contract].functions[function](*args).transact({"from": sender}))

    def mined(self, tx_hash):
        receipt = self.web3.eth.wait_for_transaction_receipt(tx_hash)
        assert receipt["status"] == 1
        return receipt


@pytest.fixture(scope="module")
def anvil(anvil_url: str) -> Anvil:
    return Anvil(anvil_url)


@pytest.fixture
def reader(anvil) -> ChainReader:
    return ChainReader([anvil.url], anvil.deployment)


Answer = Callable[[BaseHTTPRequestHandler], None]


@pytest.fixture
def fake_rpc() -> Iterator[Callable[[Answer], tuple[str, list[int]]]]:
    """Factory: an HTTP server on a loopback port answering every POST with `answer`; its URL and a
    list that grows by one per request received."""
    servers = []

    def start(answer: Answer) -> tuple[str, list[int]]:
        hits: list[int] = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.body = self.rfile.read(int(self.headers["Content-Length"]))
                hits.append(1)
                answer(self)

            def log_message(self, *args: object) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}", hits

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def reply(status: int, body: bytes, content_type: str = "application/json") -> Answer:
    def answer(handler: BaseHTTPRequestHandler) -> None:
        # A reader that timed out has hung up already: nobody is left to answer.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            handler.send_response(status)
            handler.send_header("Content-Type", content_type)
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)

    return answer


RATE_LIMITED = json.dumps(
    {"jsonrpc": "2.0", "id": 0, "error": {"code": -32005, "message": "rate limit exceeded"}}
).encode()


# reads match what the node holds


def test_reads__match_the_node(reader, anvil):
    block = anvil.web3.eth.get_block(anvil.registered["blockNumber"])
    assert reader.status(CERT) is Status.ACTIVE
    assert reader.certificate(CERT) == CertificateRecord(
        certifier=anvil.exporter,
        agreement=Agreement.USMCA,
        status=Status.ACTIVE,
        issued_at=block["timestamp"],
        blanket_from=JAN_1_2025,
        blanket_to=JAN_1_2025 + 30 * DAY,
        supersedes=NO_AMENDMENT,
    )
    assert reader.roles_of(anvil.producer) == {"PRODUCER"}
    assert reader.roles_of(anvil.customs) == {"CUSTOMS"}
    assert reader.has_role(Role.IMPORTER, anvil.importer)
    assert reader.is_active(anvil.importer)
    assert not reader.is_active(anvil.web3.eth.accounts[5])
    assert reader.encryption_key(anvil.producer) == b"\x02" * 32
    assert reader.nonces(anvil.importer) == 3
    assert reader.block_number() == anvil.web3.eth.block_number
    assert reader.block_timestamp() == anvil.web3.eth.get_block("latest")["timestamp"]
    assert reader.block_timestamp(block["number"]) == block["timestamp"]


def test_batch_reads__match_the_node(reader, anvil):
    assert reader.batch(TREE.root).certifier == anvil.producer
    assert reader.batch(TREE.root) == BatchRecord(anvil.producer, 4, reader.batch(TREE.root).registered_at)
    assert reader.status_in_batch(TREE.root, *BATCH[2], TREE.get_proof(2)) is Status.ACTIVE
    assert reader.status_in_batch(TREE.root, *BATCH[2], TREE.get_proof(1)) is Status.NONE


def test_attestations__match_the_node(reader, anvil):
    found = reader.attestations_of(CERT)
    assert [event.uid for event in found] == anvil.uids
    assert [event.nonce for event in found] == [0, 1, 2]
    assert {event.attester for event in found} == {anvil.importer}
    assert reader.attestations_of(CERT, page=1) == found
    assert reader.attestations_of(keccak(text="never attested")) == []
    record = reader.attestation(anvil.uids[0])
    assert record == AttestationRecord(anvil.importer, Kind.RECEIVED, record.created_at, 0, False)
    assert reader.is_valid(anvil.uids[0])


def test_events__the_deployments_history_in_order(reader):
    events = reader.events()
    names = [event.name for event in events]
    assert names.count("ParticipantEnrolled") == 3
    assert names[-5:] == ["CertificateRegistered", "BatchRegistered", "Attested", "Attested", "Attested"]
    assert reader.events(page=2) == events


def test_warm_connection__status_p50_within_20_ms(reader):
    reader.status(CERT)
    timings = []
    for _ in range(40):
        started = time.perf_counter()
        reader.status(CERT)
        timings.append(time.perf_counter() - started)
    assert statistics.median(timings) <= 0.020


def test_warm_connection__chain_checked_once_then_one_request_per_read(anvil, fake_rpc):
    methods: list[str] = []

    def counting_proxy(handler: BaseHTTPRequestHandler) -> None:
        methods.append(json.loads(handler.body)["method"])
        upstream = requests.post(anvil.url, data=handler.body, headers={"Content-Type": "application/json"})
        reply(200, upstream.content)(handler)

    proxy, _ = fake_rpc(counting_proxy)
    reader = ChainReader([proxy], anvil.deployment)
    reader.status(CERT)
    assert methods == ["eth_chainId", "eth_getBlockByNumber", *["eth_getCode"] * 3, "eth_call"]
    reader.certificate(CERT)
    reader.roles_of(anvil.exporter)
    assert methods[6:] == ["eth_call", "eth_call"]


# a revert or another chain is an answer, not a transport failure


def test_revert__is_a_chain_error_with_the_reason_and_no_failover(anvil, fake_rpc):
    backup, hits = fake_rpc(reply(503, b"down"))
    reader = ChainReader([anvil.url, backup], anvil.deployment)
    with pytest.raises(ChainError) as caught:
        reader.status_in_batch(TREE.root, CERT, Agreement.USMCA, JAN_1_2025, 0, [])
    assert not isinstance(caught.value, UnverifiableError)
    assert str(caught.value) == "Certificates: blanket period needs both dates"
    assert hits == []


def test_chain_id_mismatch__chain_error_not_unverifiable(anvil):
    elsewhere = Deployment(**{**anvil.deployment.__dict__, "chain_id": 1})
    with pytest.raises(ChainError) as caught:
        ChainReader([anvil.url], elsewhere).status(CERT)
    assert not isinstance(caught.value, UnverifiableError)
    assert str(caught.value) == f"{anvil.url} serves chain 31337, but the deployment is on chain 1"


def test_no_contract_at_the_address__chain_error_not_unverifiable(anvil):
    empty = Deployment(**{**anvil.deployment.__dict__, "certificates": "0x" + "02" * 20})
    with pytest.raises(
        ChainError, match="no Certificates contract at 0x0202020202020202020202020202020202020202"
    ) as caught:
        ChainReader([anvil.url], empty).status(CERT)
    assert not isinstance(caught.value, UnverifiableError)


def test_genesis_mismatch__chain_error_not_unverifiable(anvil):
    reset = Deployment(**{**anvil.deployment.__dict__, "genesis_hash": "0x" + "ab" * 32})
    with pytest.raises(ChainError, match="the node was reset or is another chain") as caught:
        ChainReader([anvil.url], reset).status(CERT)
    assert not isinstance(caught.value, UnverifiableError)


def test_bad_hash__validation_error_not_unverifiable():
    reader = ChainReader([dead_url()], UNREACHABLE)
    with pytest.raises(ValidationError, match="cert_hash: expected 32 bytes, got 3 bytes"):
        reader.status(b"abc")


# failover


def test_first_url_dead__the_second_answers(anvil):
    reader = ChainReader([dead_url(), anvil.url], anvil.deployment)
    assert reader.status(CERT) is Status.ACTIVE


def test_failover__the_url_that_answered_is_tried_first_next_time(anvil, fake_rpc):
    failing, hits = fake_rpc(reply(503, b"down"))
    reader = ChainReader([failing, anvil.url], anvil.deployment)
    assert reader.status(CERT) is Status.ACTIVE
    assert reader.roles_of(anvil.exporter) == {"EXPORTER"}
    assert len(hits) == 1


def test_all_urls_dead__unverifiable_naming_each_url():
    first, second = dead_url(), dead_url()
    deployment = Deployment(
        31337, "0x00", 1, "0x" + "00" * 20, "0x" + "01" * 20, "0x" + "02" * 20, "0x" + "03" * 20
    )
    with pytest.raises(UnverifiableError) as caught:
        ChainReader([first, second], deployment).status(CERT)
    assert str(caught.value) == f"chain unreachable: {first}: connection failed; {second}: connection failed"


@pytest.mark.parametrize("status", [429, 500, 502, 503])
def test_http_error__moves_on_then_unverifiable_alone(anvil, fake_rpc, status):
    failing, _ = fake_rpc(reply(status, b"try later", "text/plain"))
    assert ChainReader([failing, anvil.url], anvil.deployment).status(CERT) is Status.ACTIVE
    with pytest.raises(UnverifiableError, match=rf"^chain unreachable: {failing}: HTTP {status} "):
        ChainReader([failing], anvil.deployment).status(CERT)


def test_json_rpc_rate_limit__moves_on_then_unverifiable_alone(anvil, fake_rpc):
    limited, _ = fake_rpc(reply(200, RATE_LIMITED))
    assert ChainReader([limited, anvil.url], anvil.deployment).is_active(anvil.importer)
    with pytest.raises(UnverifiableError) as caught:
        ChainReader([limited], anvil.deployment).status(CERT)
    assert str(caught.value) == f"chain unreachable: {limited}: RPC error -32005: rate limit exceeded"


def test_empty_call_answer__moves_on_then_unverifiable_alone(anvil, fake_rpc):
    """A node that passes the chain check but answers a call with no data (behind, or misconfigured).

    ape, once imported, makes eth_abi decode empty data as zeros: read naively, this would be status
    NONE, a certificate called unknown."""

    def empty_calls(handler: BaseHTTPRequestHandler) -> None:
        request = json.loads(handler.body)
        if request["method"] == "eth_call":
            reply(200, json.dumps({"jsonrpc": "2.0", "id": request["id"], "result": "0x"}).encode())(handler)
            return
        upstream = requests.post(anvil.url, data=handler.body, headers={"Content-Type": "application/json"})
        reply(200, upstream.content)(handler)

    hollow, _ = fake_rpc(empty_calls)
    assert ChainReader([hollow, anvil.url], anvil.deployment).status(CERT) is Status.ACTIVE
    with pytest.raises(UnverifiableError) as caught:
        ChainReader([hollow], anvil.deployment).status(CERT)
    assert str(caught.value) == f"chain unreachable: {hollow}: Certificates.status returned no data"


def test_not_json_rpc__unverifiable(anvil, fake_rpc):
    portal, _ = fake_rpc(reply(200, b"<html>captive portal</html>", "text/html"))
    with pytest.raises(UnverifiableError, match="answered with something that is not JSON-RPC"):
        ChainReader([portal], anvil.deployment).status(CERT)


def test_slow_server__past_the_timeout__unverifiable_in_time(anvil, fake_rpc):
    def stall(handler: BaseHTTPRequestHandler) -> None:
        time.sleep(2.0)
        reply(200, b"{}")(handler)

    slow, _ = fake_rpc(stall)
    started = time.perf_counter()
    with pytest.raises(UnverifiableError) as caught:
        ChainReader([slow], anvil.deployment, timeout=0.3).status(CERT)
    assert str(caught.value) == f"chain unreachable: {slow}: timed out"
    assert time.perf_counter() - started < 1.5
    assert ChainReader([slow, anvil.url], anvil.deployment, timeout=0.3).status(CERT) is Status.ACTIVE


def test_failure_mid_listing__the_whole_listing_comes_from_the_next_url(anvil, fake_rpc):
    """A URL that passes the chain check and serves the first page of logs, then throttles."""
    log_pages: list[int] = []

    def throttling_proxy(handler: BaseHTTPRequestHandler) -> None:
        if json.loads(handler.body)["method"] == "eth_getLogs":
            log_pages.append(1)
            if len(log_pages) > 1:
                reply(429, b"slow down", "text/plain")(handler)
                return
        upstream = requests.post(anvil.url, data=handler.body, headers={"Content-Type": "application/json"})
        reply(200, upstream.content)(handler)

    proxy, _ = fake_rpc(throttling_proxy)
    reader = ChainReader([proxy, anvil.url], anvil.deployment)
    assert [event.uid for event in reader.attestations_of(CERT, page=1)] == anvil.uids
    assert len(log_pages) == 2


# bad settings


def test_no_urls__names_the_field(anvil):
    with pytest.raises(ValidationError, match="urls: name at least one RPC URL"):
        ChainReader([], anvil.deployment)


def test_zero_timeout__names_the_field(anvil):
    with pytest.raises(ValidationError, match="timeout: must be more than 0 seconds"):
        ChainReader([anvil.url], anvil.deployment, timeout=0)


def test_url_without_http_scheme__names_the_field(anvil):
    with pytest.raises(ValidationError, match="urls: 'localhost:8545' is not an http:// or https:// RPC URL"):
        ChainReader([anvil.url, "localhost:8545"], anvil.deployment)
