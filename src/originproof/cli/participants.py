"""`originproof participants enroll|suspend|reinstate|publish-key|set-key`: the on-chain directory."""

from pathlib import Path

import click

from originproof import keys
from originproof.cli.frame import Group, Report, Settings, pass_settings
from originproof.cli.session import party, party_options, transaction
from originproof.flows import participants as flow
from originproof.flows._common import hex32


@click.group(cls=Group)
def participants() -> None:
    """Who may do what: enrollment, suspension (customs) and each participant's own key rotation."""


@participants.command()
@click.argument("address", metavar="ACCOUNT")
@click.option("--role", type=click.Choice(list(flow.ROLES)), required=True, help="The role to enroll in.")
@click.option(
    "--key",
    "encryption_key",
    required=True,
    metavar="KEY",
    help="The participant's age recipient (age1…) or raw X25519 key (0x…), as `keys show` prints it.",
)
@click.option(
    "--profile",
    metavar="FILE-OR-HASH",
    default=None,
    help="The participant's profile document (its keccak256 goes on chain) or a 0x hash; "
    "default: keccak256 of nothing, for no profile.",
)
@party_options(passphrase=False)
@pass_settings
def enroll(
    settings: Settings,
    address: str,
    role: str,
    encryption_key: str,
    profile: str | None,
    network: str | None,
    account: str,
) -> Report:
    """Enroll ACCOUNT in a role with its encryption key (customs, as the directory's admin)."""
    key, profile_hash = flow.parse_key(encryption_key), flow.profile_hash(profile)
    with party(settings, network, account, None) as me:
        done = flow.enroll(me, address, role, key, profile_hash)
    data = {
        "account": done.account,
        "role": done.role,
        "encryption_key": hex32(done.encryption_key),
        "profile_hash": hex32(done.profile_hash),
        **transaction(done.tx),
    }
    return Report(data, f"enrolled {done.account} as {done.role} in {done.tx.tx_hash}")


@participants.command()
@click.argument("address", metavar="ACCOUNT")
@party_options(passphrase=False)
@pass_settings
def suspend(settings: Settings, address: str, network: str | None, account: str) -> Report:
    """Suspend ACCOUNT: it can do nothing on chain until reinstated (customs)."""
    with party(settings, network, account, None) as me:
        tx = flow.suspend(me, address)
    return Report({"account": address, **transaction(tx)}, f"suspended {address} in {tx.tx_hash}")


@participants.command()
@click.argument("address", metavar="ACCOUNT")
@party_options(passphrase=False)
@pass_settings
def reinstate(settings: Settings, address: str, network: str | None, account: str) -> Report:
    """Lift ACCOUNT's suspension (customs)."""
    with party(settings, network, account, None) as me:
        tx = flow.reinstate(me, address)
    return Report({"account": address, **transaction(tx)}, f"reinstated {address} in {tx.tx_hash}")


@participants.command("publish-key")
@party_options()
@pass_settings
def publish_key(
    settings: Settings, network: str | None, account: str, passphrase_file: Path | None
) -> Report:
    """Put your workspace's encryption key on chain, for an account that has none yet (the customs
    authority that deployed the contracts); `set-key` rotates a key that is already there."""
    with party(settings, network, account, passphrase_file) as me:
        tx = flow.publish_key(me)
        key = keys.public_key(me.identity)
    data = {"encryption_key": hex32(key), "published": tx is not None, **transaction(tx)}
    text = f"encryption key {hex32(key)} " + ("published" if tx else "already on chain")
    return Report(data, text)


@participants.command("set-key")
@party_options()
@pass_settings
def set_key(settings: Settings, network: str | None, account: str, passphrase_file: Path | None) -> Report:
    """Rotate your encryption key: a new identity, its key on chain, your stored parts re-encrypted to it.

    The steps run in that order and the identity file is swapped last; if a run stops part-way, run
    it again to finish. The old identity is kept beside the new one (identity.txt.<key>.old) for
    files encrypted to it outside the store.
    """
    with party(settings, network, account, passphrase_file) as me:
        done = flow.set_key(me)
    data = {
        "previous_key": hex32(done.previous_key),
        "encryption_key": hex32(done.new_key),
        "reencrypted_parts": done.reencrypted,
        "identity": str(done.identity),
        "retired_identity": str(done.retired),
        **transaction(done.tx),
    }
    return Report(data)
