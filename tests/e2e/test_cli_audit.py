"""`originproof audit` and `originproof export` through `main(argv)` on the embedded chain."""

import sqlite3

import pytest
from cli_world import fail_once, pending_certificate
from eth_utils import keccak
from ports import free_port
from pyrage import decrypt

from originproof import keys
from originproof.cli.frame import ExitCode
from originproof.commitments import commit
from originproof.enums import Agreement, Kind
from originproof.store import NewPart, PartKind, sealing
from originproof.store.registrations import Registrations

BOILER = "usmca-single-boiler"


@pytest.fixture
def cert_hash(cli) -> bytes:
    run = cli("producer", "certify", str(cli.example(BOILER)))
    assert run.code == ExitCode.OK, run.err
    return bytes.fromhex(run.data[0]["cert_hash"][2:])


def _audit(cli, party: str = "producer", **options):
    return cli(party, "audit", account=False, **options)


def _kinds(run) -> list[str]:
    return [finding["kind"] for finding in run.data]


def _sql(cli, party: str, statement: str, *parameters) -> None:
    with sqlite3.connect(cli.home(party) / "store.db") as connection:
        connection.execute(statement, parameters)


def _flip_annex_byte(cli, party: str = "producer") -> None:
    """Flip the last byte of the stored annex ciphertext, behind the store's back."""
    with sqlite3.connect(cli.home(party) / "store.db") as connection:
        part_id, ciphertext = connection.execute(
            "SELECT id, ciphertext FROM parts WHERE kind = 'annex'"
        ).fetchone()
        tampered = ciphertext[:-1] + bytes([ciphertext[-1] ^ 1])
        connection.execute("UPDATE parts SET ciphertext = ? WHERE id = ?", (tampered, part_id))


def test_audit__store_and_chain_agree__no_mismatches_exit_0(cli, cert_hash):
    run = _audit(cli)
    assert run.code == ExitCode.OK, run.out + run.err
    assert run.data == []
    assert _audit(cli, json=False).out.strip() == "audit: no mismatches"


def test_audit__changed_ciphertext__caught_exit_1(cli, cert_hash):
    _flip_annex_byte(cli)
    run = _audit(cli)
    assert run.code == ExitCode.INVALID
    assert _kinds(run) == ["ciphertext-changed"]
    assert run.data[0]["part_id"] == 2
    text = _audit(cli, json=False).out
    assert text.startswith("audit: 1 finding(s)") and "ciphertext-changed" in text and "part 2" in text


def test_audit__swapped_ciphertexts__caught(cli, cert_hash):
    _sql(
        cli,
        "producer",
        "UPDATE parts SET ciphertext = (SELECT ciphertext FROM parts WHERE id = 2) WHERE id = 1",
    )
    assert "record-swapped" in _kinds(_audit(cli))


def test_audit__stored_but_not_registered__pending(cli, monkeypatch):
    pending_certificate(cli, monkeypatch)
    run = _audit(cli)
    assert run.code == ExitCode.INVALID
    assert _kinds(run) == ["pending"]
    assert "is stored but not registered on chain" in run.data[0]["message"]


def test_audit__registered_but_not_recorded__unrecorded(cli, monkeypatch):
    fail_once(monkeypatch, Registrations, "mark_registered")
    cli("producer", "certify", str(cli.example(BOILER)))
    assert _kinds(_audit(cli)) == ["unrecorded"]


def test_audit__registered_by_me_on_chain_but_not_in_the_store__not_stored(cli, cert_hash, client, producer):
    other = keccak(text="certified elsewhere")
    client.register(producer, other, Agreement.USMCA, 0, 0)
    run = _audit(cli)
    assert _kinds(run) == ["not-stored"]
    assert run.data[0]["subject"] == "0x" + other.hex()


def test_audit__store_says_registered_chain_does_not_know__not_on_chain(cli, cert_hash):
    fake = keccak(text="never registered")
    _sql(cli, "producer", "INSERT INTO certificates (cert_hash, verification_open) VALUES (?, 0)", fake)
    _sql(
        cli,
        "producer",
        "INSERT INTO registrations SELECT ?, ?, certifier, agreement, blanket_from, blanket_to, supersedes, "
        "batch_root, batch_proof, state, tx_hash, created_at, registered_at FROM registrations",
        fake,
        keccak(text="digest"),
    )
    kinds = _kinds(_audit(cli))
    assert "not-on-chain" in kinds and "not-stored" in kinds  # no certificate part either


def test_audit__parts_of_an_unknown_certificate__reported(cli, cert_hash, identities, producer):
    opening = commit({"note": "a stray part"})
    with cli.store("producer") as store:
        store.put(
            NewPart(
                opening.root,
                PartKind.CERTIFICATE,
                producer.address,
                keys.public_key(identities["producer"]),
                opening,
            )
        )
    assert _kinds(_audit(cli)) == ["unknown-certificate"]


def test_audit__claim_on_chain_not_recorded_in_the_store__reported(cli, cert_hash, client, importer):
    client.attest(importer, cert_hash, Kind.CLAIM_FILED, keccak(text="entry"))
    run = _audit(cli)
    assert _kinds(run) == ["claim-not-recorded"]
    assert "its parts are not kept 5 years after the claim" in run.data[0]["message"]


def test_audit__verification_open_on_chain_not_in_the_store__reported(cli, cert_hash, client, customs):
    client.open_verification(customs, cert_hash, keccak(text="request"))
    run = _audit(cli)
    assert _kinds(run) == ["verification-mismatch"]
    with cli.store("producer") as store:
        store.open_verification(cert_hash)
    assert _audit(cli).data == []


def test_audit__every_rpc_url_down__unverifiable(cli, cert_hash):
    run = cli(
        "producer",
        "audit",
        "--rpc",
        f"http://127.0.0.1:{free_port()}",
        "--timeout",
        "1",
        account=False,
        network=False,
    )
    assert run.code == ExitCode.UNVERIFIABLE
    assert "chain unreachable" in run.err


# export


def _export(cli, cert_hash: bytes, *options: str, party: str = "producer"):
    return cli(party, "export", "0x" + cert_hash.hex(), *options, account=False, network=False)


def test_export__annex__the_stored_ciphertext_its_owner_decrypts(cli, cert_hash, identities):
    path = cli.root / "annex.age"
    run = _export(cli, cert_hash, "-o", str(path))
    assert run.code == ExitCode.OK, run.err
    with cli.store("producer") as store:
        [annex] = store.find(cert_hash, kind=PartKind.ANNEX)
    assert path.read_bytes() == annex.ciphertext
    assert run.data["ciphertext_hash"] == "0x" + sealing.ciphertext_hash(path.read_bytes()).hex()
    assert run.data["part"] == "annex" and run.data["owner"] == annex.owner
    assert b'"good_hs_code":"840211"' in decrypt(path.read_bytes(), [identities["producer"]])


def test_export__existing_file__kept_unless_overwrite(cli, cert_hash):
    path = cli.root / "annex.age"
    path.write_bytes(b"keep")
    run = _export(cli, cert_hash, "-o", str(path))
    assert run.code == ExitCode.ERROR and "already exists" in run.err
    assert path.read_bytes() == b"keep"
    assert _export(cli, cert_hash, "-o", str(path), "--overwrite").code == ExitCode.OK


def test_export__no_such_part__refused(cli, cert_hash):
    run = _export(cli, cert_hash, "--part", "verification_evidence", "-o", str(cli.root / "x.age"))
    assert run.code == ExitCode.ERROR
    assert f"the store holds no verification_evidence part of certificate 0x{cert_hash.hex()}" in run.err


def test_export__tampered_part__not_exported(cli, cert_hash):
    _flip_annex_byte(cli)
    run = _export(cli, cert_hash, "-o", str(cli.root / "x.age"))
    assert run.code == ExitCode.ERROR and "ciphertext hash mismatch" in run.err
