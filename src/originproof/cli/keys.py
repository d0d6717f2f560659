"""`originproof keys new|show`: the workspace's age identity, whose public half is the on-chain key."""

from pathlib import Path

import click
from pyrage import x25519

from originproof import keys as age_keys
from originproof.cli.frame import Group, Report, Settings, pass_settings
from originproof.cli.session import passphrase_option, read_passphrase
from originproof.flows._common import load_identity
from originproof.workspace import Workspace


@click.group(cls=Group)
def keys() -> None:
    """The workspace's age identity (identity.txt under --home, or env ORIGINPROOF_IDENTITY)."""


@keys.command()
@passphrase_option()
@pass_settings
def new(settings: Settings, passphrase_file: Path | None) -> Report:
    """Create the workspace's identity (mode 0600); an existing one is never overwritten.

    Prints the age recipient (age1…) and the 0x key to enroll on chain (`participants enroll --key`).
    With --passphrase-file the file is encrypted under that passphrase.
    """
    path = Workspace.from_env(settings.home).identity_path
    path.parent.mkdir(parents=True, exist_ok=True)
    identity = age_keys.generate_identity()
    age_keys.write_identity(path, identity, passphrase=read_passphrase(passphrase_file))
    return _describe(path, identity, "created")


@keys.command()
@passphrase_option()
@pass_settings
def show(settings: Settings, passphrase_file: Path | None) -> Report:
    """Print the identity's public key, as an age recipient and as the 0x on-chain key (never the secret)."""
    workspace = Workspace.from_env(settings.home)
    identity = load_identity(workspace, read_passphrase(passphrase_file))
    return _describe(workspace.identity_path, identity, "identity")


def _describe(path: Path, identity: x25519.Identity, verb: str) -> Report:
    key = age_keys.public_key(identity)
    data = {
        "identity": str(path),
        "recipient": age_keys.key_to_recipient(key),
        "encryption_key": "0x" + key.hex(),
    }
    text = f"{verb} {path}\nrecipient       {data['recipient']}\nencryption_key  {data['encryption_key']}"
    return Report(data, text)
