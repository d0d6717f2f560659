"""`originproof participants enroll|suspend|reinstate|set-key` through `main(argv)` on the embedded chain."""

import pytest
from cli_world import NETWORK
from eth_utils import keccak

from originproof import keys
from originproof.cli.frame import ExitCode
from originproof.enums import Role
from originproof.errors import ValidationError
from originproof.flows.participants import NO_PROFILE, pending_path
from originproof.store import PartKind, Store

STRANGER = "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc"  # TEST::5, enrolled in no role


def test_enroll__age_recipient_and_profile_file__sets_role_key_and_profile_hash(cli, enrolled, tmp_path):
    identity = keys.generate_identity()
    profile = tmp_path / "profile.json"
    profile.write_text('{"name": "Puerto Seguro Brokers"}')
    run = cli(
        "customs",
        "participants",
        "enroll",
        STRANGER,
        "--role",
        "broker",
        "--key",
        str(identity.to_public()),
        "--profile",
        str(profile),
    )
    assert run.code == ExitCode.OK, run.err
    key = keys.public_key(identity)
    assert run.data["account"] == STRANGER
    assert run.data["role"] == "broker"
    assert run.data["encryption_key"] == "0x" + key.hex()
    assert run.data["profile_hash"] == "0x" + keccak(profile.read_bytes()).hex()
    assert run.data["tx_hash"].startswith("0x") and run.data["gas_used"] > 0
    assert enrolled.hasRole(Role.BROKER, STRANGER)
    assert bytes(enrolled.encryption_key(STRANGER)) == key
    assert bytes(enrolled.profile_hash(STRANGER)) == keccak(profile.read_bytes())


def test_enroll__hex_key_without_profile__uses_the_empty_profile_hash(cli, enrolled):
    key = keys.public_key(keys.generate_identity())
    run = cli("customs", "participants", "enroll", STRANGER, "--role", "importer", "--key", "0x" + key.hex())
    assert run.code == ExitCode.OK, run.err
    assert bytes(enrolled.profile_hash(STRANGER)) == NO_PROFILE == keccak(b"")
    assert bytes(enrolled.encryption_key(STRANGER)) == key


def test_enroll__profile_given_as_hash__goes_on_chain_as_is(cli, enrolled):
    profile = keccak(text="profile document kept elsewhere")
    key = keys.public_key(keys.generate_identity())
    run = cli(
        "customs",
        "participants",
        "enroll",
        STRANGER,
        "--role",
        "exporter",
        "--key",
        "0x" + key.hex(),
        "--profile",
        "0x" + profile.hex(),
    )
    assert run.code == ExitCode.OK, run.err
    assert bytes(enrolled.profile_hash(STRANGER)) == profile


def test_enroll__by_a_non_admin__is_refused_with_the_contracts_reason(cli, enrolled):
    key = keys.public_key(keys.generate_identity())
    run = cli("exporter", "participants", "enroll", STRANGER, "--role", "importer", "--key", "0x" + key.hex())
    assert run.code == ExitCode.ERROR
    assert run.err.strip() == "originproof: Participants: caller is missing the admin role"
    assert not enrolled.hasRole(Role.IMPORTER, STRANGER)


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("age1notakey", "age recipient 'age1notakey'"),
        ("0x1234", "encryption key '0x1234' is not a 32-byte hash"),
        ("0x" + "00" * 32, "encryption key must not be zero"),
    ],
)
def test_enroll__malformed_key__is_refused_naming_it(cli, enrolled, key, message):
    run = cli("customs", "participants", "enroll", STRANGER, "--role", "importer", "--key", key)
    assert run.code == ExitCode.ERROR
    assert message in run.err
    assert not enrolled.hasRole(Role.IMPORTER, STRANGER)


def test_enroll__unknown_role__is_a_usage_error(cli):
    run = cli("customs", "participants", "enroll", STRANGER, "--role", "smuggler", "--key", "0x" + "11" * 32)
    assert run.code == ExitCode.USAGE
    assert "'smuggler' is not one of" in run.err


def test_enroll__missing_profile_file__names_it(cli):
    run = cli(
        "customs", "participants", "enroll", STRANGER, "--role", "importer", "--key", "0x" + "11" * 32,
        "--profile", "no-such-profile.json",
    )  # fmt: skip
    assert run.code == ExitCode.ERROR
    assert "profile 'no-such-profile.json' is neither a readable file nor a 0x hash" in run.err


def test_suspend_then_reinstate__toggles_is_active(cli, enrolled, importer):
    run = cli("customs", "participants", "suspend", importer.address)
    assert run.code == ExitCode.OK, run.err
    assert not enrolled.is_active(importer)
    assert run.data["account"] == importer.address

    again = cli("customs", "participants", "suspend", importer.address)
    assert again.code == ExitCode.ERROR
    assert again.err.strip() == "originproof: Participants: participant already suspended"

    run = cli("customs", "participants", "reinstate", importer.address)
    assert run.code == ExitCode.OK, run.err
    assert enrolled.is_active(importer)


def test_suspend__by_a_non_admin__is_refused(cli, enrolled, importer):
    run = cli("exporter", "participants", "suspend", importer.address)
    assert run.code == ExitCode.ERROR
    assert run.err.strip() == "originproof: Participants: caller is missing the admin role"
    assert enrolled.is_active(importer)


def test_suspend__not_an_address__names_the_account(cli):
    run = cli("customs", "participants", "suspend", "0xnothex")
    assert run.code == ExitCode.ERROR
    assert "account '0xnothex' is not an account address" in run.err


def test_unknown_account_alias__is_a_usage_error(cli):
    run = cli(
        "producer", "participants", "set-key", "--network", NETWORK, "--account", "nobody", account=False
    )
    assert run.code == ExitCode.USAGE
    assert "Account with alias 'nobody' not found" in run.err


def test_set_key__rotates_chain_store_and_identity_file(cli, enrolled, producer, certify, store_of):
    cert_hash = certify()
    home = cli.home("producer")
    old_identity = cli.identities["producer"]
    old_key = keys.public_key(old_identity)

    run = cli("producer", "participants", "set-key")
    assert run.code == ExitCode.OK, run.err

    new_identity = keys.load_identity(home / "identity.txt")
    new_key = keys.public_key(new_identity)
    assert new_key != old_key
    assert run.data["previous_key"] == "0x" + old_key.hex()
    assert run.data["encryption_key"] == "0x" + new_key.hex()
    assert run.data["reencrypted_parts"] == 2  # the certificate and the annex
    assert bytes(enrolled.encryption_key(producer)) == new_key
    retired = home / f"identity.txt.{old_key.hex()[:16]}.old"
    assert run.data["retired_identity"] == str(retired)
    assert keys.public_key(keys.load_identity(retired)) == old_key
    assert not pending_path(home / "identity.txt").exists()

    store = store_of("producer")
    for record in store.find(cert_hash):
        assert record.owner_key == new_key and old_key not in record.recipients
        store.read(record.id, new_identity)


def test_set_key__store_fails_after_the_chain__rerun_finishes_without_a_second_transaction(
    cli, enrolled, producer, certify, store_of, monkeypatch
):
    cert_hash = certify()
    home = cli.home("producer")
    original = Store.rotate_key

    def broken(self, old_identity, new_key):
        raise ValidationError("store unavailable (simulated)")

    monkeypatch.setattr(Store, "rotate_key", broken)
    failed = cli("producer", "participants", "set-key")
    assert failed.code == ExitCode.ERROR
    assert failed.err.strip() == "originproof: store unavailable (simulated)"
    waiting = keys.load_identity(pending_path(home / "identity.txt"))
    assert bytes(enrolled.encryption_key(producer)) == keys.public_key(waiting)
    assert keys.public_key(keys.load_identity(home / "identity.txt")) == keys.public_key(
        cli.identities["producer"]
    )

    monkeypatch.setattr(Store, "rotate_key", original)
    rerun = cli("producer", "participants", "set-key")
    assert rerun.code == ExitCode.OK, rerun.err
    assert rerun.data["tx_hash"] is None
    assert rerun.data["encryption_key"] == "0x" + keys.public_key(waiting).hex()
    assert rerun.data["reencrypted_parts"] == 2
    current = keys.load_identity(home / "identity.txt")
    assert keys.public_key(current) == keys.public_key(waiting)
    annex = store_of("producer").find(cert_hash, kind=PartKind.ANNEX)[0]
    store_of("producer").read(annex.id, current)


def test_set_key__chain_key_is_not_this_identity__changes_nothing(cli, enrolled, producer):
    enrolled.set_encryption_key(b"\x42" * 32, sender=producer)
    home = cli.home("producer")
    before = (home / "identity.txt").read_bytes()
    run = cli("producer", "participants", "set-key")
    assert run.code == ExitCode.ERROR
    assert (
        f"the on-chain key of {producer.address} is 0x{'42' * 32}, not this workspace's identity" in run.err
    )
    assert (home / "identity.txt").read_bytes() == before
    assert not pending_path(home / "identity.txt").exists()
    assert bytes(enrolled.encryption_key(producer)) == b"\x42" * 32


def test_set_key__protected_identity__the_new_one_is_protected_by_the_same_passphrase(
    cli, enrolled, producer, tmp_path
):
    home = cli.home("producer")
    (home / "identity.txt").unlink()
    keys.write_identity(home / "identity.txt", cli.identities["producer"], passphrase="s3cret")
    secret = tmp_path / "passphrase"
    secret.write_text("s3cret\n")

    refused = cli("producer", "participants", "set-key")
    assert refused.code == ExitCode.ERROR
    assert "is passphrase-protected: give its passphrase" in refused.err

    run = cli("producer", "participants", "set-key", "--passphrase-file", str(secret))
    assert run.code == ExitCode.OK, run.err
    rotated = keys.load_identity(home / "identity.txt", passphrase="s3cret")
    assert bytes(enrolled.encryption_key(producer)) == keys.public_key(rotated)


def test_publish_key__customs_without_a_key__puts_its_identity_key_on_chain(cli, enrolled, customs):
    assert bytes(enrolled.encryption_key(customs)) == bytes(32)
    run = cli("customs", "participants", "publish-key")
    assert run.code == ExitCode.OK, run.err
    key = keys.public_key(cli.identities["customs"])
    assert run.data["encryption_key"] == "0x" + key.hex()
    assert run.data["published"] is True and run.data["gas_used"] > 0
    assert bytes(enrolled.encryption_key(customs)) == key


def test_publish_key__same_key_already_on_chain__sends_nothing(cli, enrolled, customs):
    assert cli("customs", "participants", "publish-key").code == ExitCode.OK
    run = cli("customs", "participants", "publish-key")
    assert run.code == ExitCode.OK, run.err
    assert run.data["published"] is False and run.data["tx_hash"] is None


def test_publish_key__another_key_on_chain__is_refused_as_a_rotation(cli, enrolled, customs):
    enrolled.set_encryption_key(b"\x07" * 32, sender=customs)
    run = cli("customs", "participants", "publish-key")
    assert run.code == ExitCode.ERROR
    assert "rotate it with `participants set-key`" in run.err
    assert bytes(enrolled.encryption_key(customs)) == b"\x07" * 32
