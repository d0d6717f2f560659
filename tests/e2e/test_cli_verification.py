"""`originproof verification open|respond|evidence|rvc|close` through `main(argv)` on the embedded chain."""

import json

import pytest
from eth_utils import keccak

from originproof.cli.frame import ExitCode
from originproof.enums import Kind, Status
from originproof.errors import ValidationError
from originproof.store import PartKind


def _hash(cert_hash: bytes) -> str:
    return "0x" + cert_hash.hex()


@pytest.fixture
def under_verification(cli, certify, customs_keyed, shared_store, certificates) -> bytes:
    """A producer's certificate (boiler, which qualifies) on which customs has opened a verification."""
    cert_hash = certify()
    run = cli(
        "customs", "verification", "open", _hash(cert_hash), "--request", "Request 2025-17: show the BOM"
    )
    assert run.code == ExitCode.OK, run.err
    assert certificates.status(cert_hash) == Status.UNDER_VERIFICATION
    return cert_hash


def test_open__by_customs__puts_the_request_hash_on_chain_and_holds_the_parts(
    cli, certify, customs_keyed, shared_store, store_of, certificates, customs
):
    cert_hash = certify()
    run = cli("customs", "verification", "open", _hash(cert_hash), "--request", "Request 2025-17")
    assert run.code == ExitCode.OK, run.err
    assert run.data["status"] == "UNDER_VERIFICATION"
    assert run.data["request_hash"] == "0x" + keccak(text="Request 2025-17").hex()
    assert run.data["already_done"] is False
    assert certificates.status(cert_hash) == Status.UNDER_VERIFICATION
    store = store_of("producer")
    part = store.find(cert_hash)[0]
    with pytest.raises(ValidationError, match="a verification of origin is open on the certificate"):
        store.delete(part.id)


def test_open__request_file__hashes_the_file(cli, certify, customs_keyed, tmp_path):
    cert_hash = certify()
    letter = tmp_path / "request.txt"
    letter.write_bytes(b"Dear producer,\nplease show the bill of materials.\n")
    run = cli("customs", "verification", "open", _hash(cert_hash), "--request", str(letter))
    assert run.code == ExitCode.OK, run.err
    assert run.data["request_hash"] == "0x" + keccak(letter.read_bytes()).hex()


def test_open__again__sends_nothing_and_keeps_the_hold(cli, under_verification):
    run = cli("customs", "verification", "open", _hash(under_verification), "--request", "again")
    assert run.code == ExitCode.OK, run.err
    assert run.data["already_done"] is True
    assert run.data["tx_hash"] is None


def test_open__by_a_non_customs_account__is_refused(cli, certify, certificates, exporter):
    cert_hash = certify()
    run = cli("exporter", "verification", "open", _hash(cert_hash), "--request", "r")
    assert run.code == ExitCode.ERROR
    assert run.err.strip() == (
        f"originproof: account {exporter.address} is not customs: only customs can open a verification"
    )
    assert certificates.status(cert_hash) == Status.ACTIVE


def test_open__revoked_certificate__is_refused(cli, certificate_in_status):
    cert_hash = certificate_in_status(Status.REVOKED)
    run = cli("customs", "verification", "open", _hash(cert_hash), "--request", "r")
    assert run.code == ExitCode.ERROR
    assert f"certificate {_hash(cert_hash)} is REVOKED: a verification cannot be opened" in run.err


def test_respond__evidence_is_stored_for_customs_and_its_root_attested(
    cli, client, under_verification, store_of, tmp_path, producer
):
    evidence = tmp_path / "evidence.json"
    evidence.write_text(json.dumps({"letter": "BOM attached", "invoice": "CN-2025-00417"}))
    run = cli("producer", "verification", "respond", _hash(under_verification), "--evidence", str(evidence))
    assert run.code == ExitCode.OK, run.err

    (response,) = [
        event
        for event in client.attestations_of(under_verification)
        if event.kind is Kind.VERIFICATION_RESPONSE
    ]
    assert response.attester == producer.address
    assert run.data["evidence_root"] == "0x" + response.evidence_hash.hex()
    (part,) = store_of("customs").find(under_verification, kind=PartKind.VERIFICATION_EVIDENCE)
    assert part.commitment_root == response.evidence_hash
    assert run.data["customs"] == client.deployment.deployer

    shown = cli("customs", "verification", "evidence", _hash(under_verification))
    assert shown.code == ExitCode.OK, shown.err
    assert shown.data == [
        {
            "responder": producer.address,
            "root": "0x" + response.evidence_hash.hex(),
            "uid": "0x" + response.uid.hex(),
            "evidence": {"invoice": "CN-2025-00417", "letter": "BOM attached"},
        }
    ]


def test_respond__same_evidence_again__reuses_the_part_and_the_attestation(
    cli, client, under_verification, store_of, tmp_path
):
    evidence = tmp_path / "evidence.pdf"
    evidence.write_bytes(b"%PDF-1.7 not really")
    first = cli("producer", "verification", "respond", _hash(under_verification), "--evidence", str(evidence))
    second = cli(
        "producer", "verification", "respond", _hash(under_verification), "--evidence", str(evidence)
    )
    assert second.code == ExitCode.OK, second.err
    assert second.data["already_attested"] is True
    assert second.data["evidence_root"] == first.data["evidence_root"]
    assert len(store_of("producer").find(under_verification, kind=PartKind.VERIFICATION_EVIDENCE)) == 1
    shown = cli("customs", "verification", "evidence", _hash(under_verification))
    assert shown.data[0]["evidence"] == {"file": "evidence.pdf", "base64": "JVBERi0xLjcgbm90IHJlYWxseQ=="}


def test_respond__no_open_verification__is_refused(cli, certify, tmp_path):
    cert_hash = certify()
    evidence = tmp_path / "e.json"
    evidence.write_text("{}")
    run = cli("producer", "verification", "respond", _hash(cert_hash), "--evidence", str(evidence))
    assert run.code == ExitCode.ERROR
    assert f"certificate {_hash(cert_hash)} is ACTIVE: no verification to respond to" in run.err


def test_respond__json_evidence_that_is_not_an_object__names_the_file(cli, under_verification, tmp_path):
    evidence = tmp_path / "e.json"
    evidence.write_text("[1, 2]")
    run = cli("producer", "verification", "respond", _hash(under_verification), "--evidence", str(evidence))
    assert run.code == ExitCode.ERROR
    assert f"evidence file {evidence}: must hold a JSON object" in run.err


def test_respond__by_the_importer__is_refused(cli, under_verification, tmp_path, importer):
    evidence = tmp_path / "e.json"
    evidence.write_text("{}")
    run = cli("importer", "verification", "respond", _hash(under_verification), "--evidence", str(evidence))
    assert run.code == ExitCode.ERROR
    assert f"account {importer.address} is neither the certifier" in run.err


def test_close__affirm_by_customs__affirms_and_lifts_the_hold(
    cli, under_verification, certificates, store_of
):
    run = cli(
        "customs",
        "verification",
        "close",
        _hash(under_verification),
        "--affirm",
        "--finding",
        "RVC 61.7% >= 60%",
    )
    assert run.code == ExitCode.OK, run.err
    assert run.data["status"] == "AFFIRMED"
    assert run.data["finding_hash"] == "0x" + keccak(text="RVC 61.7% >= 60%").hex()
    assert certificates.status(under_verification) == Status.AFFIRMED
    part = store_of("producer").find(under_verification)[0]
    with pytest.raises(ValidationError, match="it is retained until"):
        store_of("producer").delete(part.id)

    again = cli("customs", "verification", "close", _hash(under_verification), "--affirm", "--finding", "f")
    assert again.code == ExitCode.OK, again.err
    assert again.data["already_done"] is True


def test_close__as_a_non_customs_account__is_refused(cli, under_verification, certificates, exporter):
    run = cli("exporter", "verification", "close", _hash(under_verification), "--deny", "--finding", "no")
    assert run.code == ExitCode.ERROR
    assert run.out == ""
    assert run.err.strip() == (
        f"originproof: account {exporter.address} is not customs: only customs can close a verification"
    )
    assert certificates.status(under_verification) == Status.UNDER_VERIFICATION


def test_close__without_a_ruling__is_a_usage_error(cli, under_verification):
    run = cli("customs", "verification", "close", _hash(under_verification), "--finding", "f")
    assert run.code == ExitCode.USAGE
    assert "give the ruling: --affirm or --deny" in run.err


def test_close__nothing_open__is_refused(cli, certify, customs_keyed):
    cert_hash = certify()
    run = cli("customs", "verification", "close", _hash(cert_hash), "--deny", "--finding", "f")
    assert run.code == ExitCode.ERROR
    assert f"certificate {_hash(cert_hash)} is ACTIVE: no verification is open" in run.err


def _open_and_grant(cli, cert_hash: bytes, customs) -> None:
    assert cli("customs", "verification", "open", _hash(cert_hash), "--request", "r").code == ExitCode.OK
    for part in ("certificate", "annex"):
        run = cli("producer", "grant", _hash(cert_hash), "--to", customs.address, "--part", part)
        assert run.code == ExitCode.OK, run.err


def test_rvc__customs_affirms_one_and_denies_one_that_fails_its_rule(
    cli, certify, customs_keyed, shared_store, certificates, customs
):
    passing = certify()
    failing = certify(annex="usmca-single-boiler-vnm-52000")
    assert passing != failing
    _open_and_grant(cli, passing, customs)
    _open_and_grant(cli, failing, customs)

    good = cli("customs", "verification", "rvc", _hash(passing))
    assert good.code == ExitCode.OK, good.err
    assert good.data["qualifies"] is True
    assert good.data["hs_code"] == "840211"
    bad = cli("customs", "verification", "rvc", _hash(failing))
    assert bad.code == ExitCode.INVALID, bad.err
    assert bad.data["qualifies"] is False
    assert any(not check["passed"] for check in bad.data["checks"])

    assert (
        cli("customs", "verification", "close", _hash(passing), "--affirm", "--finding", "qualifies").code
        == 0
    )
    assert (
        cli("customs", "verification", "close", _hash(failing), "--deny", "--finding", "RVC fails").code == 0
    )
    assert certificates.status(passing) == Status.AFFIRMED
    assert certificates.status(failing) == Status.DENIED


def test_rvc__text_output__explains_the_verdict(cli, run_text, certify, customs_keyed, shared_store, customs):
    cert_hash = certify()
    _open_and_grant(cli, cert_hash, customs)
    code, out, _ = run_text("customs", "verification", "rvc", _hash(cert_hash))
    assert code == ExitCode.OK
    assert out.startswith("USMCA origin of HS 8402.11: QUALIFIES\n")


def test_rvc__annex_not_granted__says_what_to_ask_for(cli, under_verification, customs):
    run = cli("customs", "verification", "rvc", _hash(under_verification))
    assert run.code == ExitCode.ERROR
    assert "ask its owner to run `originproof grant" in run.err
