"""`originproof claim HASH` through `main(argv)` on the embedded chain."""

from datetime import UTC, datetime

import pytest
from eth_utils import keccak

from originproof.cli.frame import ExitCode
from originproof.enums import Kind, Status
from originproof.errors import ValidationError
from originproof.store import Store
from originproof.store.retention import years_after


def _claims(client, cert_hash: bytes) -> list:
    return [event for event in client.attestations_of(cert_hash) if event.kind is Kind.CLAIM_FILED]


def test_claim__active_certificate__attests_and_keeps_the_parts_five_years_after(
    cli, client, chain, certify, shared_store, store_of, importer
):
    cert_hash = certify()
    chain.pending_timestamp += 86_400  # a day after certification: the claim extends the retention
    run = cli("importer", "claim", "0x" + cert_hash.hex(), "--entry", "ABC-1234567-8")
    assert run.code == ExitCode.OK, run.err

    (claim,) = _claims(client, cert_hash)
    assert claim.attester == importer.address
    assert claim.evidence_hash == keccak(text="ABC-1234567-8")
    data = run.data
    assert data["uid"] == "0x" + claim.uid.hex()
    assert data["evidence"] == "0x" + keccak(text="ABC-1234567-8").hex()
    assert data["role"] == "importer"
    assert data["already_filed"] is False
    assert data["block_number"] == claim.block_number
    filed_at = datetime.fromtimestamp(client.block_timestamp(claim.block_number), UTC)
    assert datetime.fromisoformat(data["filed_at"]) == filed_at
    assert datetime.fromisoformat(data["retain_until"]) == years_after(filed_at, 5)
    for record in store_of("producer").find(cert_hash):
        assert record.retain_until == years_after(filed_at, 5)


def test_claim__same_entry_again__finds_the_earlier_claim_and_sends_nothing(cli, client, certify):
    cert_hash = certify()
    first = cli("importer", "claim", "0x" + cert_hash.hex(), "--entry", "E-1")
    second = cli("importer", "claim", "0x" + cert_hash.hex(), "--entry", "E-1")
    assert second.code == ExitCode.OK, second.err
    assert second.data["already_filed"] is True
    assert second.data["tx_hash"] is None
    assert second.data["uid"] == first.data["uid"]
    assert len(_claims(client, cert_hash)) == 1


def test_claim__another_entry__files_a_second_claim(cli, client, certify):
    cert_hash = certify()
    cli("importer", "claim", "0x" + cert_hash.hex(), "--entry", "E-1")
    run = cli("importer", "claim", "0x" + cert_hash.hex(), "--entry", "E-2")
    assert run.code == ExitCode.OK, run.err
    assert [claim.evidence_hash for claim in _claims(client, cert_hash)] == [
        keccak(text="E-1"),
        keccak(text="E-2"),
    ]


def test_claim__without_entry__evidence_is_zero(cli, client, certify):
    cert_hash = certify()
    run = cli("importer", "claim", "0x" + cert_hash.hex())
    assert run.code == ExitCode.OK, run.err
    assert _claims(client, cert_hash)[0].evidence_hash == bytes(32)


def test_claim__as_broker__attests_as_the_broker(cli, client, certify, broker):
    cert_hash = certify()
    run = cli("broker", "claim", "0x" + cert_hash.hex(), "--broker")
    assert run.code == ExitCode.OK, run.err
    assert run.data["role"] == "broker"
    assert _claims(client, cert_hash)[0].attester == broker.address


@pytest.mark.parametrize("status", [Status.REVOKED, Status.SUPERSEDED])
def test_claim__revoked_or_superseded__is_refused_and_nothing_is_attested(
    cli, client, certificate_in_status, status
):
    cert_hash = certificate_in_status(status)
    run = cli("importer", "claim", "0x" + cert_hash.hex())
    assert run.code == ExitCode.ERROR
    assert run.out == ""
    assert run.err.strip() == f"originproof: certificate 0x{cert_hash.hex()} is {status.name}: cannot claim"
    assert _claims(client, cert_hash) == []


def test_claim__unknown_certificate__is_refused(cli):
    run = cli("importer", "claim", "0x" + "ab" * 32)
    assert run.code == ExitCode.ERROR
    assert run.err.strip() == f"originproof: certificate 0x{'ab' * 32} is not registered: cannot claim"


def test_claim__by_a_non_importer__is_refused_naming_the_role(cli, client, certify, exporter):
    cert_hash = certify()
    run = cli("exporter", "claim", "0x" + cert_hash.hex())
    assert run.code == ExitCode.ERROR
    assert f"account {exporter.address} is not an active importer" in run.err
    assert _claims(client, cert_hash) == []


def test_claim__importer_claiming_as_broker__is_refused(cli, certify, importer):
    cert_hash = certify()
    run = cli("importer", "claim", "0x" + cert_hash.hex(), "--broker")
    assert run.code == ExitCode.ERROR
    assert f"account {importer.address} is not an active broker" in run.err


def test_claim__malformed_hash__is_a_usage_error(cli):
    run = cli("importer", "claim", "0x1234")
    assert run.code == ExitCode.USAGE
    assert "certificate hash '0x1234' is not a 32-byte hash" in run.err


def test_claim__store_fails_after_the_chain__rerun_records_it_without_a_second_claim(
    cli, client, chain, certify, shared_store, store_of, monkeypatch
):
    cert_hash = certify()
    chain.pending_timestamp += 86_400
    original = Store.record_claim

    def broken(self, cert_hash, when):
        raise ValidationError("store unavailable (simulated)")

    monkeypatch.setattr(Store, "record_claim", broken)
    failed = cli("importer", "claim", "0x" + cert_hash.hex(), "--entry", "E-9")
    assert failed.code == ExitCode.ERROR
    assert failed.err.strip() == "originproof: store unavailable (simulated)"
    assert len(_claims(client, cert_hash)) == 1
    before = {record.id: record.retain_until for record in store_of("producer").find(cert_hash)}

    monkeypatch.setattr(Store, "record_claim", original)
    rerun = cli("importer", "claim", "0x" + cert_hash.hex(), "--entry", "E-9")
    assert rerun.code == ExitCode.OK, rerun.err
    assert rerun.data["already_filed"] is True
    assert len(_claims(client, cert_hash)) == 1
    filed_at = datetime.fromisoformat(rerun.data["filed_at"])
    for record in store_of("producer").find(cert_hash):
        assert record.retain_until == years_after(filed_at, 5) > before[record.id]
