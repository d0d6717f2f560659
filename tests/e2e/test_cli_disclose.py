"""`originproof disclose HASH --fields … -o FILE` through `main(argv)` on the embedded chain."""

import json
import stat
from pathlib import Path

import pytest
from cli_world import pending_certificate

from originproof import merkle
from originproof.cli.frame import ExitCode
from originproof.commitments import Disclosure
from originproof.enums import Agreement
from originproof.flows.certify import BATCH_LEAF_TYPES

BOILER = "usmca-single-boiler"


@pytest.fixture
def cert_hash(cli) -> str:
    run = cli("producer", "certify", str(cli.example(BOILER)))
    assert run.code == ExitCode.OK, run.err
    return run.data[0]["cert_hash"]


def _disclose(cli, cert_hash: str, *options: str, party: str = "producer"):
    return cli(party, "disclose", cert_hash, *options, account=False)


def test_disclose__writes_only_the_named_fields_with_the_chain_context(cli, cert_hash, producer):
    output = cli.root / "out.json"
    run = _disclose(
        cli, cert_hash, "--fields", "/goods/0/hs_code", "--fields", "/importer", "-o", str(output)
    )
    assert run.code == ExitCode.OK, run.err
    assert run.data == {"cert_hash": cert_hash, "file": str(output)}
    disclosure = Disclosure.from_bytes(output.read_bytes())
    fields = disclosure.fields()
    assert fields["/goods/0/hs_code"] == "840211"
    assert fields["/importer/name"] == "Great Lakes Steam Systems Inc."
    assert not any(pointer.startswith("/certifier") for pointer in fields)
    context = disclosure.context
    assert "0x" + context.cert_hash.hex() == cert_hash
    assert (context.certifier, context.blanket_from, context.blanket_to) == (producer.address, 0, 0)
    assert (context.chain_id, context.contract) == (cli.deployment.chain_id, cli.deployment.certificates)
    assert context.batch is None
    assert stat.S_IMODE(output.stat().st_mode) == 0o644


def test_disclose__replaces_an_existing_file_whole(cli, cert_hash):
    output = cli.root / "out.json"
    output.write_text("old")
    assert _disclose(cli, cert_hash, "--fields", "/agreement", "-o", str(output)).code == ExitCode.OK
    assert Disclosure.from_bytes(output.read_bytes()).fields() == {"/agreement": "USMCA"}
    assert [path.name for path in cli.root.iterdir() if path.name.startswith(".out.json")] == []


def test_disclose__annex_fields__second_file_bound_by_the_annex_root(cli, cert_hash):
    output = cli.root / "out.json"
    run = _disclose(cli, cert_hash, "--annex-fields", "/transaction_value", "-o", str(output))
    assert run.code == ExitCode.OK, run.err
    annex_path = Path(run.data["annex_file"])
    assert annex_path == cli.root / "out.annex.json"
    certificate = Disclosure.from_bytes(output.read_bytes())
    annex = Disclosure.from_bytes(annex_path.read_bytes())
    assert list(certificate.fields()) == ["/annex_root"]
    assert certificate.fields()["/annex_root"] == "0x" + annex.root.hex()
    assert annex.fields() == {"/transaction_value": "120000.00"}
    assert annex.context == certificate.context


def test_disclose__annex_output_option__names_the_annex_file(cli, cert_hash):
    output, annex = cli.root / "a.json", cli.root / "elsewhere.json"
    run = _disclose(
        cli, cert_hash, "--annex-fields", "/currency", "-o", str(output), "--annex-output", str(annex)
    )
    assert run.code == ExitCode.OK, run.err
    assert json.loads(annex.read_text())["fields"][0]["pointer"] == "/currency"


def test_disclose__batch_member__carries_its_batch_root_and_proof(cli):
    paths = [str(cli.example(BOILER, stem=f"b{i}", invoice=f"CN-{i}")) for i in range(3)]
    member = cli("producer", "certify", "--batch", *paths).data[2]
    output = cli.root / "member.json"
    assert (
        _disclose(cli, member["cert_hash"], "--fields", "/agreement", "-o", str(output)).code == ExitCode.OK
    )
    context = Disclosure.from_bytes(output.read_bytes()).context
    assert "0x" + context.batch.root.hex() == member["batch_root"]
    leaf = (context.cert_hash, Agreement.USMCA, 0, 0)
    assert merkle.verify(context.batch.root, BATCH_LEAF_TYPES, leaf, context.batch.proof)


def test_disclose__no_field__refused(cli, cert_hash):
    run = _disclose(cli, cert_hash, "-o", str(cli.root / "out.json"))
    assert run.code == ExitCode.ERROR
    assert "disclose: name at least one field (--fields) or annex field (--annex-fields)" in run.err


def test_disclose__unknown_pointer__refused_naming_it(cli, cert_hash):
    output = cli.root / "out.json"
    run = _disclose(cli, cert_hash, "--fields", "/goods/7", "-o", str(output))
    assert run.code == ExitCode.ERROR
    assert "'/goods/7' names no field of the document" in run.err
    assert not output.exists()


def test_disclose__certificate_not_in_my_store__refused(cli, cert_hash):
    run = _disclose(
        cli, cert_hash, "--fields", "/agreement", "-o", str(cli.root / "out.json"), party="importer"
    )
    assert run.code == ExitCode.ERROR
    assert f"the store holds no certificate part of certificate {cert_hash} this identity can read" in run.err


def test_disclose__not_registered_yet__refused(cli, monkeypatch):
    cert_hash = pending_certificate(cli, monkeypatch)
    run = _disclose(cli, cert_hash, "--fields", "/agreement", "-o", str(cli.root / "out.json"))
    assert run.code == ExitCode.ERROR
    assert f"certificate {cert_hash} is not registered on chain" in run.err


def test_disclose__bad_hash__usage_error(cli):
    run = _disclose(cli, "0x1234", "--fields", "/agreement", "-o", str(cli.root / "out.json"))
    assert run.code == ExitCode.USAGE
