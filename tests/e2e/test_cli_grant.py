"""`originproof grant HASH --to ACCOUNT` and `originproof grant open HASH` through `main(argv)`."""

import json

import pytest
from cli_world import EXAMPLES

from originproof import keys
from originproof.chain import ChainClient
from originproof.cli.frame import ExitCode
from originproof.enums import Kind, Status
from originproof.errors import ChainError
from originproof.grant import access_evidence
from originproof.store import PartKind

STRANGER = "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc"  # TEST::5, enrolled in no role


def _grants(client, cert_hash: bytes) -> list:
    return [event for event in client.attestations_of(cert_hash) if event.kind is Kind.ACCESS_GRANTED]


def _hash(cert_hash: bytes) -> str:
    return "0x" + cert_hash.hex()


def test_grant__annex_to_customs__encrypts_to_its_chain_key_and_attests_the_evidence(
    cli, client, certify, customs_keyed, store_of, customs, producer
):
    cert_hash = certify()
    run = cli("producer", "grant", _hash(cert_hash), "--to", customs.address)
    assert run.code == ExitCode.OK, run.err

    (annex,) = store_of("producer").find(cert_hash, kind=PartKind.ANNEX)
    customs_key = keys.public_key(cli.identities["customs"])
    assert customs_key in annex.recipients
    store_of("producer").read(annex.id, cli.identities["customs"])
    (grant,) = _grants(client, cert_hash)
    assert grant.attester == producer.address
    assert grant.evidence_hash == access_evidence(customs.address, annex.ciphertext_hash)
    assert run.data == {
        **run.data,
        "cert_hash": _hash(cert_hash),
        "part": "annex",
        "part_id": annex.id,
        "grantee": customs.address,
        "grantee_key": "0x" + customs_key.hex(),
        "ciphertext_hash": "0x" + annex.ciphertext_hash.hex(),
        "evidence": "0x" + grant.evidence_hash.hex(),
        "uid": "0x" + grant.uid.hex(),
        "already_attested": False,
    }


def test_grant__to_an_unenrolled_account__is_refused_and_nothing_is_written(cli, client, certify, store_of):
    cert_hash = certify()
    before = store_of("producer").find(cert_hash)
    run = cli("producer", "grant", _hash(cert_hash), "--to", STRANGER)
    assert run.code == ExitCode.ERROR
    assert run.out == ""
    assert run.err.strip() == (
        f"originproof: grantee {STRANGER} is not enrolled: "
        "it has no on-chain encryption key, so nothing was shared"
    )
    assert store_of("producer").find(cert_hash) == before
    assert _grants(client, cert_hash) == []


def test_grant__to_a_suspended_participant__is_refused(cli, client, certify, enrolled, customs, importer):
    cert_hash = certify()
    enrolled.suspend(importer, sender=customs)
    run = cli("producer", "grant", _hash(cert_hash), "--to", importer.address)
    assert run.code == ExitCode.ERROR
    assert f"grantee {importer.address} is suspended: nothing was shared" in run.err
    assert _grants(client, cert_hash) == []


def test_grant__revoked_certificate__is_refused(cli, client, certify, customs_keyed, customs):
    cert_hash = certify()
    assert cli("producer", "revoke", _hash(cert_hash), "--reason", "withdrawn").code == ExitCode.OK
    run = cli("producer", "grant", _hash(cert_hash), "--to", customs.address)
    assert run.code == ExitCode.ERROR
    assert f"certificate {_hash(cert_hash)} is REVOKED: access cannot be granted" in run.err
    assert _grants(client, cert_hash) == []


def test_grant__a_part_this_identity_does_not_own__is_refused(
    cli, certify, customs_keyed, shared_store, customs
):
    cert_hash = certify()
    run = cli("importer", "grant", _hash(cert_hash), "--to", customs.address)
    assert run.code == ExitCode.ERROR
    assert (
        f"the store holds no annex part of certificate {_hash(cert_hash)} owned by this workspace's identity"
        in (run.err)
    )


def test_grant__attestation_fails__rerun_attests_once(
    cli, client, certify, customs_keyed, store_of, customs, monkeypatch
):
    cert_hash = certify()
    original = ChainClient.attest

    def broken(self, *args, **kwargs):
        raise ChainError("network went away (simulated)")

    monkeypatch.setattr(ChainClient, "attest", broken)
    failed = cli("producer", "grant", _hash(cert_hash), "--to", customs.address)
    assert failed.code == ExitCode.ERROR
    assert failed.err.strip() == "originproof: network went away (simulated)"
    (annex,) = store_of("producer").find(cert_hash, kind=PartKind.ANNEX)
    assert keys.public_key(cli.identities["customs"]) in annex.recipients
    assert _grants(client, cert_hash) == []

    monkeypatch.setattr(ChainClient, "attest", original)
    rerun = cli("producer", "grant", _hash(cert_hash), "--to", customs.address)
    assert rerun.code == ExitCode.OK, rerun.err
    assert rerun.data["ciphertext_hash"] == "0x" + annex.ciphertext_hash.hex()
    again = cli("producer", "grant", _hash(cert_hash), "--to", customs.address)
    assert again.data["already_attested"] is True and again.data["tx_hash"] is None
    assert len(_grants(client, cert_hash)) == 1


def _grant_both(cli, cert_hash: bytes, grantee: str) -> None:
    for part in ("certificate", "annex"):
        run = cli("producer", "grant", _hash(cert_hash), "--to", grantee, "--part", part)
        assert run.code == ExitCode.OK, run.err


def test_grant_open__certificate_and_annex__decrypt_and_match_the_chain(
    cli, certify, customs_keyed, shared_store, customs
):
    cert_hash = certify()
    _grant_both(cli, cert_hash, customs.address)

    certificate = cli("customs", "grant", "open", _hash(cert_hash), "--part", "certificate")
    assert certificate.code == ExitCode.OK, certificate.err
    assert certificate.data["root"] == _hash(cert_hash)
    assert certificate.data["granted_on_chain"] is True
    assert certificate.data["status"] == Status.ACTIVE.name
    annex_root = certificate.data["document"]["annex_root"]

    annex = cli("customs", "grant", "open", _hash(cert_hash))
    assert annex.code == ExitCode.OK, annex.err
    assert annex.data["part"] == "annex"
    assert annex.data["root"] == annex_root
    assert annex.data["granted_on_chain"] is True
    expected = json.loads((EXAMPLES / "usmca-single-boiler.annex.json").read_text())
    assert annex.data["document"]["good_hs_code"] == expected["good_hs_code"]
    assert annex.data["document"]["net_cost"] == expected["net_cost"]


def test_grant_open__output_file__holds_the_document(
    cli, certify, customs_keyed, shared_store, customs, tmp_path
):
    cert_hash = certify()
    _grant_both(cli, cert_hash, customs.address)
    target = tmp_path / "annex.json"
    run = cli("customs", "grant", "open", _hash(cert_hash), "-o", str(target))
    assert run.code == ExitCode.OK, run.err
    assert run.data["output"] == str(target)
    assert json.loads(target.read_text())["good_hs_code"] == "840211"

    again = cli("customs", "grant", "open", _hash(cert_hash), "-o", str(target))
    assert again.code == ExitCode.ERROR
    assert f"output file {target} already exists" in again.err


def test_grant_open__annex_without_the_certificate__says_what_to_ask_for(
    cli, certify, customs_keyed, shared_store, customs
):
    cert_hash = certify()
    assert cli("producer", "grant", _hash(cert_hash), "--to", customs.address).code == ExitCode.OK
    run = cli("customs", "grant", "open", _hash(cert_hash))
    assert run.code == ExitCode.ERROR
    assert (
        f"the store holds no certificate part of certificate {_hash(cert_hash)} "
        "encrypted to this workspace's identity: ask its owner to run "
        f"`originproof grant {_hash(cert_hash)} --to {customs.address} --part certificate`"
    ) in run.err


def test_grant_open__separate_stores__from_exported_files(
    cli, certify, customs_keyed, store_of, customs, tmp_path
):
    cert_hash = certify()
    _grant_both(cli, cert_hash, customs.address)
    store = store_of("producer")
    files = {}
    for kind in (PartKind.CERTIFICATE, PartKind.ANNEX):
        (record,) = store.find(cert_hash, kind=kind)
        files[kind] = store.export(record.id, tmp_path / f"{kind}.age")

    run = cli(
        "customs", "grant", "open", _hash(cert_hash), "--file", str(files[PartKind.ANNEX]),
        "--certificate-file", str(files[PartKind.CERTIFICATE]),
    )  # fmt: skip
    assert run.code == ExitCode.OK, run.err
    assert run.data["granted_on_chain"] is True
    assert run.data["document"]["good_hs_code"] == "840211"


def test_grant_open__a_file_that_is_not_the_granted_annex__fails_integrity(
    cli, certify, customs_keyed, store_of, customs, tmp_path
):
    cert_hash = certify()
    _grant_both(cli, cert_hash, customs.address)
    (certificate,) = store_of("producer").find(cert_hash, kind=PartKind.CERTIFICATE)
    exported = store_of("producer").export(certificate.id, tmp_path / "certificate.age")
    run = cli(
        "customs",
        "grant",
        "open",
        _hash(cert_hash),
        "--file",
        str(exported),
        "--certificate-file",
        str(exported),
    )
    assert run.code == ExitCode.ERROR
    assert f"granted part: commitment mismatch: plaintext opens to {_hash(cert_hash)}, not to" in run.err


@pytest.mark.parametrize("party", ["importer", "stranger"])
def test_grant_open__not_a_recipient__cannot_open(cli, certify, customs_keyed, shared_store, customs, party):
    cert_hash = certify()
    _grant_both(cli, cert_hash, customs.address)
    run = cli(party, "grant", "open", _hash(cert_hash), "--part", "certificate")
    assert run.code == ExitCode.ERROR
    assert "encrypted to this workspace's identity" in run.err
