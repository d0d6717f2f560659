"""`originproof verify FILE` through `main(argv)` on the embedded chain: openings and disclosures, every
check, INVALID naming what failed, and UNVERIFIABLE (exit 3) when no RPC URL answers."""

import json
from pathlib import Path

import pytest
from cli_world import pending_certificate
from eth_utils import keccak
from ports import free_port

from originproof.cli.frame import ExitCode
from originproof.enums import Kind, Status

BOILER = "usmca-single-boiler"
CIRCUITS = "usmca-blanket-circuits"
CHECKS = ["commitments", "registration", "status", "certifier", "blanket period", "four-year validity"]


def _down_url() -> str:
    """An RPC URL where nothing listens."""
    return f"http://127.0.0.1:{free_port()}"


@pytest.fixture
def certified(cli):
    """Factory: certify an example as `party`; the certificate hash as 0x-hex."""

    def make(name: str = BOILER, party: str = "producer", *options: str, **changes) -> str:
        run = cli(party, "certify", str(cli.example(name, **changes)), *options)
        assert run.code == ExitCode.OK, run.err
        return run.data[0]["cert_hash"]

    return make


@pytest.fixture
def disclosed(cli, certified):
    """Factory: a disclosure file of `fields` of a fresh certificate of `name`, written by its certifier."""

    def make(
        fields=("/agreement", "/goods", "/signature/date"), name=BOILER, party="producer", cert_hash=None
    ):
        cert_hash = cert_hash or certified(name, party)
        output = cli.root / f"disclosure-{cert_hash[2:10]}.json"
        options = [option for field in fields for option in ("--fields", field)]
        run = cli(party, "disclose", cert_hash, *options, "-o", str(output), account=False)
        assert run.code == ExitCode.OK, run.err
        return output

    return make


def _export(cli, cert_hash: str, path: Path, party: str = "producer"):
    """Export the party's stored certificate part as an .age file."""
    run = cli(
        party, "export", cert_hash, "--part", "certificate", "-o", str(path), account=False, network=False
    )
    assert run.code == ExitCode.OK, run.err
    return run


def _checks(run) -> dict[str, dict]:
    return {check["name"]: check for check in run.data["checks"]}


def _verify(cli, path: Path, *options: str, party: str = "importer"):
    return cli(party, "verify", str(path), *options, account=False)


# VALID


def test_verify__disclosure__valid_with_every_check(cli, disclosed, producer):
    run = _verify(cli, disclosed())
    assert run.code == ExitCode.OK, run.out + run.err
    assert run.data["verdict"] == "VALID"
    assert [check["name"] for check in run.data["checks"]] == CHECKS
    assert {check["outcome"] for check in run.data["checks"]} == {"pass"}
    checks = _checks(run)
    assert checks["status"]["detail"] == "ACTIVE: in force"
    assert producer.address in checks["registration"]["detail"]
    assert checks["certifier"]["detail"] == f"{producer.address} is an active producer"
    assert checks["four-year validity"]["detail"] == "signed 2025-03-14: accepted until 2029-03-14"


def test_verify__text_output__verdict_first_then_each_check(cli, disclosed):
    run = cli("importer", "verify", str(disclosed()), account=False, json=False)
    assert run.code == ExitCode.OK
    lines = run.out.splitlines()
    assert lines[0].startswith("VALID: certificate 0x")
    assert [line.split()[1] for line in lines[1:3]] == ["commitments", "registration"]


def test_verify__stored_certificate_exported_as_age__valid(cli, certified):
    cert_hash = certified()
    path = cli.root / "certificate.age"
    _export(cli, cert_hash, path)
    run = _verify(cli, path, party="producer")
    assert run.code == ExitCode.OK, run.out + run.err
    assert run.data["evidence"] == "opening"
    assert run.data["cert_hash"] == cert_hash


def test_verify__age_file_of_someone_else__cannot_be_opened(cli, certified):
    path = cli.root / "certificate.age"
    _export(cli, certified(), path)
    run = _verify(cli, path, party="importer")
    assert run.code == ExitCode.ERROR
    assert "decryption failed" in run.err


def test_verify__blanket_certificate__covers_a_day_inside_its_period_only(cli, disclosed):
    path = disclosed(fields=("/blanket",), name=CIRCUITS, party="exporter")
    inside = _verify(cli, path, "--on", "2025-06-01")
    assert inside.code == ExitCode.OK, inside.out
    assert _checks(inside)["blanket period"]["detail"] == "2025-01-01 to 2025-12-31 covers 2025-06-01"
    after = _verify(cli, path, "--on", "2026-01-01")
    assert after.code == ExitCode.INVALID
    assert _checks(after)["blanket period"] == {
        "name": "blanket period",
        "outcome": "fail",
        "detail": "2025-01-01 to 2025-12-31 does not cover 2026-01-01",
    }


def test_verify__batch_member_disclosure__valid_through_its_batch(cli, certified, disclosed):
    paths = [str(cli.example(BOILER, stem=f"b{i}", invoice=f"CN-{i}")) for i in range(3)]
    run = cli("producer", "certify", "--batch", *paths)
    member = run.data[1]
    verified = _verify(cli, disclosed(cert_hash=member["cert_hash"]))
    assert verified.code == ExitCode.OK, verified.out
    assert f"member of batch {member['batch_root']}" in _checks(verified)["registration"]["detail"]


def test_verify__batch_member_opening__found_through_the_stored_registration(cli):
    paths = [str(cli.example(BOILER, stem=f"b{i}", invoice=f"CN-{i}")) for i in range(2)]
    member = cli("producer", "certify", "--batch", *paths).data[0]
    path = cli.root / "member.age"
    _export(cli, member["cert_hash"], path)
    run = _verify(cli, path, party="producer")
    assert run.code == ExitCode.OK, run.out
    assert "member of batch" in _checks(run)["registration"]["detail"]


def test_verify__under_verification__valid_and_says_so(cli, client, customs, disclosed, certified):
    cert_hash = certified()
    client.open_verification(customs, bytes.fromhex(cert_hash[2:]), keccak(text="request"))
    run = _verify(cli, disclosed(cert_hash=cert_hash))
    assert run.code == ExitCode.OK
    assert _checks(run)["status"]["detail"] == "UNDER_VERIFICATION: in force, under verification by customs"


def test_verify__attestations__listed_without_deciding(cli, client, importer, disclosed, certified):
    cert_hash = certified()
    client.attest(importer, bytes.fromhex(cert_hash[2:]), Kind.CLAIM_FILED, keccak(text="entry"))
    run = _verify(cli, disclosed(cert_hash=cert_hash))
    assert run.code == ExitCode.OK
    [claim] = run.data["attestations"]
    assert (claim["kind"], claim["attester"], claim["valid"]) == ("CLAIM_FILED", importer.address, True)


# INVALID


def _tamper(path: Path, pointer: str, value) -> None:
    document = json.loads(path.read_text())
    [field] = [field for field in document["fields"] if field["pointer"] == pointer]
    field["value"] = value
    path.write_text(json.dumps(document))


def test_verify__disclosure_with_one_changed_field__invalid_naming_the_field(cli, disclosed):
    path = disclosed()
    _tamper(path, "/goods/0/hs_code", "840212")
    run = _verify(cli, path)
    assert run.code == ExitCode.INVALID
    assert run.data["verdict"] == "INVALID"
    assert _checks(run)["commitments"] == {
        "name": "commitments",
        "outcome": "fail",
        "detail": "field /goods/0/hs_code does not match its commitment",
    }


def test_verify__changed_chain_context__invalid_naming_the_member(cli, disclosed, exporter):
    path = disclosed()
    document = json.loads(path.read_text())
    document["chain"]["certifier"] = exporter.address
    path.write_text(json.dumps(document))
    run = _verify(cli, path)
    assert run.code == ExitCode.INVALID
    assert _checks(run)["registration"]["detail"].startswith(
        f"chain.certifier is {exporter.address}, but the chain"
    )


def test_verify__revoked__invalid(cli, client, producer, disclosed, certified):
    cert_hash = certified()
    path = disclosed(cert_hash=cert_hash)
    client.revoke(producer, bytes.fromhex(cert_hash[2:]), keccak(text="entered in error"))
    run = _verify(cli, path)
    assert run.code == ExitCode.INVALID
    assert _checks(run)["status"] == {"name": "status", "outcome": "fail", "detail": "REVOKED: not in force"}


def test_verify__superseded__invalid(cli, disclosed, certified):
    old = certified()
    path = disclosed(cert_hash=old)
    certified(BOILER, "producer", "--supersedes", old, stem="amended", invoice="CN-A")
    run = _verify(cli, path)
    assert run.code == ExitCode.INVALID
    assert _checks(run)["status"]["detail"] == f"{Status.SUPERSEDED.name}: not in force"


def test_verify__certifier_suspended__invalid(cli, client, customs, producer, disclosed):
    path = disclosed()
    client.suspend(customs, producer)
    run = _verify(cli, path)
    assert run.code == ExitCode.INVALID
    assert (
        "holds no exporter, producer or importer role now, or is suspended"
        in _checks(run)["certifier"]["detail"]
    )


def test_verify__used_more_than_four_years_after_completion__invalid(cli, disclosed):
    path = disclosed()
    last_day = _verify(cli, path, "--on", "2029-03-14")
    assert last_day.code == ExitCode.OK
    late = _verify(cli, path, "--on", "2029-03-15")
    assert late.code == ExitCode.INVALID
    assert _checks(late)["four-year validity"]["detail"] == (
        "signed 2025-03-14: accepted until 2029-03-14, used 2029-03-15 "
        "(more than four years after it was completed, USMCA Art. 5.2)"
    )


def test_verify__signature_date_not_disclosed__registration_date_stands_in(cli, disclosed):
    run = _verify(cli, disclosed(fields=("/goods",)))
    assert run.code == ExitCode.OK
    assert _checks(run)["four-year validity"]["detail"].startswith(
        "registered (signature date not disclosed) "
    )


def test_verify__unregistered_certificate__invalid(cli, monkeypatch):
    cert_hash = pending_certificate(cli, monkeypatch)
    path = cli.root / "pending.age"
    _export(cli, cert_hash, path)
    run = _verify(cli, path, party="producer")
    assert run.code == ExitCode.INVALID
    assert _checks(run)["registration"]["detail"] == f"certificate {cert_hash} is not registered"


def test_verify__annex_disclosure__checked_against_the_disclosed_annex_root(cli, certified):
    cert_hash = certified()
    output = cli.root / "d.json"
    run = cli(
        "producer", "disclose", cert_hash, "--annex-fields", "/materials/0", "-o", str(output), account=False
    )
    annex = Path(run.data["annex_file"])
    valid = _verify(cli, output, "--annex", str(annex))
    assert valid.code == ExitCode.OK, valid.out
    _tamper(annex, "/materials/0/value", "1.00")
    invalid = _verify(cli, output, "--annex", str(annex))
    assert invalid.code == ExitCode.INVALID
    assert (
        _checks(invalid)["commitments"]["detail"]
        == "annex: field /materials/0/value does not match its commitment"
    )


# UNVERIFIABLE, and files that are neither


def test_verify__every_rpc_url_down__unverifiable_exit_3(cli, disclosed):
    path = disclosed()
    run = _verify(cli, path, "--rpc", _down_url(), "--rpc", _down_url(), "--timeout", "1")
    assert run.code == ExitCode.UNVERIFIABLE
    assert run.data["verdict"] == "UNVERIFIABLE"
    checks = _checks(run)
    assert checks["commitments"]["outcome"] == "pass"
    assert checks["chain"]["outcome"] == "unknown"
    assert checks["chain"]["detail"].startswith("chain unreachable: http://127.0.0.1:")
    assert checks["chain"]["detail"].count("connection failed") == 2


def test_verify__rpc_down_yet_a_field_changed__still_invalid(cli, disclosed):
    path = disclosed()
    _tamper(path, "/agreement", "NAFTA")
    run = _verify(cli, path, "--rpc", _down_url(), "--timeout", "1")
    assert run.code == ExitCode.INVALID
    assert _checks(run)["commitments"]["detail"] == "field /agreement does not match its commitment"


def test_verify__plain_certificate__refused_with_a_hint(cli):
    run = _verify(cli, cli.example(BOILER))
    assert run.code == ExitCode.ERROR
    assert "is a certificate without its salts" in run.err


def test_verify__other_json__refused(cli, tmp_path):
    path = tmp_path / "other.json"
    path.write_text('{"format": "something-else/1"}')
    run = _verify(cli, path)
    assert run.code == ExitCode.ERROR
    assert "is neither an originproof-opening/1 nor an originproof-disclosure/1 file" in run.err
