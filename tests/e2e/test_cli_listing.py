"""`originproof list` and `originproof inbox` through `main(argv)` on the embedded chain."""

import shutil
from datetime import UTC, datetime

import pytest
from cli_world import EXAMPLES

from originproof.cli.frame import ExitCode
from originproof.enums import Status
from originproof.errors import ValidationError
from originproof.store.retention import years_after


def _hash(cert_hash: bytes) -> str:
    return "0x" + cert_hash.hex()


def _rows(run) -> dict[str, dict]:
    assert run.code == ExitCode.OK, run.err
    return {row["cert_hash"]: row for row in run.data}


def test_list__certifier_importer_and_customs__each_see_their_part(
    cli, certify, customs_keyed, shared_store, customs
):
    cert_hash = certify()
    assert cli("importer", "claim", _hash(cert_hash)).code == ExitCode.OK
    assert cli("producer", "grant", _hash(cert_hash), "--to", customs.address).code == ExitCode.OK

    assert _rows(cli("producer", "list")) == {
        _hash(cert_hash): {
            "cert_hash": _hash(cert_hash),
            "status": "ACTIVE",
            "certified": True,
            "claimed": False,
            "held": ["certificate", "annex"],
        }
    }
    importer_row = _rows(cli("importer", "list"))[_hash(cert_hash)]
    assert (importer_row["certified"], importer_row["claimed"], importer_row["held"]) == (False, True, [])
    customs_row = _rows(cli("customs", "list"))[_hash(cert_hash)]
    assert (customs_row["certified"], customs_row["claimed"], customs_row["held"]) == (
        False,
        False,
        ["annex"],
    )


def test_list__status_follows_the_chain(cli, certify):
    cert_hash = certify()
    assert cli("producer", "revoke", _hash(cert_hash), "--reason", "r").code == ExitCode.OK
    assert _rows(cli("producer", "list"))[_hash(cert_hash)]["status"] == "REVOKED"


def test_list__nothing__says_so(cli, run_text):
    code, out, _ = run_text("broker", "list")
    assert code == ExitCode.OK
    assert out.strip() == "no certificates"
    assert cli("broker", "list").data == []


def test_list__text__one_line_per_certificate(cli, run_text, certify):
    cert_hash = certify()
    code, out, _ = run_text("producer", "list")
    assert code == ExitCode.OK
    assert out.strip() == f"{_hash(cert_hash)}  ACTIVE              certified, holds certificate+annex"


@pytest.fixture
def batch_of_two(cli, tmp_path) -> list[bytes]:
    """Two producer certificates (the boiler with each of its annexes) registered as one batch."""
    files = []
    for name, annex in (("boiler-a", "usmca-single-boiler"), ("boiler-b", "usmca-single-boiler-vnm-52000")):
        certificate = tmp_path / f"{name}.certificate.json"
        shutil.copy(EXAMPLES / "usmca-single-boiler.certificate.json", certificate)
        shutil.copy(EXAMPLES / f"{annex}.annex.json", tmp_path / f"{name}.annex.json")
        files.append(str(certificate))
    run = cli("producer", "certify", "--batch", *files)
    assert run.code == ExitCode.OK, run.err
    return [bytes.fromhex(outcome["cert_hash"][2:]) for outcome in run.data]


def test_list__untouched_batch_members__are_active_by_their_proof(cli, batch_of_two, certificates):
    rows = _rows(cli("producer", "list"))
    for cert_hash in batch_of_two:
        assert certificates.status(cert_hash) == Status.NONE
        assert rows[_hash(cert_hash)]["status"] == "ACTIVE"
        assert rows[_hash(cert_hash)]["certified"] is True


def test_claim__untouched_batch_member_in_a_shared_store__is_materialized_first(
    cli, shared_store, batch_of_two, certificates
):
    member = batch_of_two[0]
    run = cli("importer", "claim", _hash(member))
    assert run.code == ExitCode.OK, run.err
    assert run.data["materialize_tx_hash"].startswith("0x")
    assert certificates.status(member) == Status.ACTIVE
    assert certificates.status(batch_of_two[1]) == Status.NONE


def _whats(run) -> list[tuple[str, str | None]]:
    assert run.code == ExitCode.OK, run.err
    return [(notice["what"], notice["cert_hash"]) for notice in run.data["notices"]]


def test_inbox__shows_what_others_did_since_last_time_then_moves_on(
    cli, certify, customs_keyed, shared_store
):
    first = cli("producer", "inbox")
    assert _whats(first) == [("enrolled as PRODUCER", None)]
    assert first.data["cursor_moved"] is True
    cert_hash = certify()
    assert cli("importer", "claim", _hash(cert_hash), "--entry", "E-1").code == ExitCode.OK
    assert cli("customs", "verification", "open", _hash(cert_hash), "--request", "r").code == ExitCode.OK

    second = cli("producer", "inbox")
    assert _whats(second) == [("claim filed", _hash(cert_hash)), ("verification opened", _hash(cert_hash))]
    assert second.data["from_block"] == first.data["to_block"] + 1
    assert _whats(cli("producer", "inbox")) == []

    everything = cli("producer", "inbox", "--all")
    assert _whats(everything) == [
        ("enrolled as PRODUCER", None),
        ("claim filed", _hash(cert_hash)),
        ("verification opened", _hash(cert_hash)),
    ]
    assert everything.data["cursor_moved"] is False
    assert _whats(cli("producer", "inbox")) == []


def test_inbox__notices_carry_who_and_the_event_fields(cli, certify, importer):
    cert_hash = certify()
    cli("producer", "inbox")
    cli("importer", "claim", _hash(cert_hash), "--entry", "E-1")
    (notice,) = cli("producer", "inbox").data["notices"]
    assert notice["event"] == "Attested"
    assert notice["by"] == importer.address
    assert notice["details"]["kind"] == 3
    assert notice["tx_hash"].startswith("0x")


def test_inbox__a_grant_to_customs__is_news_to_customs(cli, certify, customs_keyed, shared_store, customs):
    cert_hash = certify()
    cli("customs", "inbox")
    assert cli("producer", "grant", _hash(cert_hash), "--to", customs.address).code == ExitCode.OK
    assert _whats(cli("customs", "inbox")) == [("access granted to you", _hash(cert_hash))]


def test_inbox__a_ruling__reaches_the_importer(cli, certify, customs_keyed):
    cert_hash = certify()
    assert cli("importer", "claim", _hash(cert_hash)).code == ExitCode.OK
    cli("importer", "inbox")
    assert cli("customs", "verification", "open", _hash(cert_hash), "--request", "r").code == ExitCode.OK
    assert (
        cli("customs", "verification", "close", _hash(cert_hash), "--deny", "--finding", "f").code
        == ExitCode.OK
    )
    assert _whats(cli("importer", "inbox")) == [
        ("verification opened", _hash(cert_hash)),
        ("verification closed: DENIED", _hash(cert_hash)),
    ]


def test_inbox__a_revocation__reaches_the_importer(cli, certify, producer):
    cert_hash = certify()
    assert cli("importer", "claim", _hash(cert_hash)).code == ExitCode.OK
    cli("importer", "inbox")
    assert cli("producer", "revoke", _hash(cert_hash), "--reason", "withdrawn").code == ExitCode.OK
    (notice,) = cli("importer", "inbox").data["notices"]
    assert (notice["what"], notice["by"]) == ("certificate revoked", producer.address)


def test_inbox__verification_opened_elsewhere__holds_the_parts_in_my_store(
    cli, certify, customs_keyed, store_of
):
    cert_hash = certify()
    cli("producer", "inbox")
    assert cli("customs", "verification", "open", _hash(cert_hash), "--request", "r").code == ExitCode.OK
    run = cli("producer", "inbox")
    assert run.data["holds_updated"] == 1
    part = store_of("producer").find(cert_hash)[0]
    with pytest.raises(ValidationError, match="a verification of origin is open"):
        store_of("producer").delete(part.id)

    assert cli("customs", "verification", "close", _hash(cert_hash), "--affirm", "--finding", "f").code == 0
    assert cli("producer", "inbox").data["holds_updated"] == 1
    with pytest.raises(ValidationError, match="it is retained until"):
        store_of("producer").delete(part.id)


def test_inbox__a_claim_filed_from_another_store__extends_my_retention(cli, client, chain, certify, store_of):
    cert_hash = certify()
    cli("producer", "inbox")
    before = {record.id: record.retain_until for record in store_of("producer").find(cert_hash)}
    chain.pending_timestamp += 86_400  # the claim comes a day later, so it must extend the retention
    claim = cli("importer", "claim", _hash(cert_hash))
    assert claim.code == ExitCode.OK, claim.err
    assert {record.id: record.retain_until for record in store_of("producer").find(cert_hash)} == before

    run = cli("producer", "inbox")
    assert run.data["claims_recorded"] == 1
    filed_at = datetime.fromtimestamp(client.block_timestamp(claim.data["block_number"]), UTC)
    for record in store_of("producer").find(cert_hash):
        assert record.retain_until == years_after(filed_at, 5) > before[record.id]


def test_inbox__text__one_line_per_notice(cli, run_text, certify, importer):
    cert_hash = certify()
    cli("producer", "inbox")
    cli("importer", "claim", _hash(cert_hash))
    code, out, _ = run_text("producer", "inbox")
    assert code == ExitCode.OK
    header, line = out.strip().splitlines()
    assert header.endswith(": 1 notice(s)")
    assert line.endswith(f"{_hash(cert_hash)}  claim filed by {importer.address}")


def test_inbox__corrupt_cursor__names_the_file(cli):
    home = cli.home("producer")
    (home / "inbox.json").write_text("{not json")
    run = cli("producer", "inbox")
    assert run.code == ExitCode.ERROR
    assert f"inbox cursor {home / 'inbox.json'} cannot be read" in run.err
