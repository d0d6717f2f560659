"""What every role command shares: which ape account sends, the identity's passphrase, the HASH argument,
and the session (`party`) that joins them with the workspace and the connected chain.

A role command reads:

    @party_options()
    def claim(settings, cert_hash, network, account, passphrase_file):
        with party(settings, network, account, passphrase_file) as me:
            return flows.claim.claim(me, cert_hash)
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from originproof.chain import TxResult
from originproof.cli.frame import Settings
from originproof.cli.network import connected, network_option
from originproof.errors import ValidationError
from originproof.flows._common import Party, open_client, parse_hash
from originproof.workspace import Workspace

ACCOUNT_ENV = "ORIGINPROOF_ACCOUNT"
PASSPHRASE_ENV = "ORIGINPROOF_PASSPHRASE_FILE"


def account_option() -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """`--account ALIAS` (env ORIGINPROOF_ACCOUNT): the ape account that acts, as ape names it."""
    return click.option(
        "--account",
        metavar="ALIAS",
        envvar=ACCOUNT_ENV,
        show_envvar=True,
        required=True,
        help="The acting account: an `ape accounts` alias, or TEST::n (a test account) on a local network.",
    )


def passphrase_option() -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """`--passphrase-file F` (env ORIGINPROOF_PASSPHRASE_FILE): the passphrase of a protected identity."""
    return click.option(
        "--passphrase-file",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        envvar=PASSPHRASE_ENV,
        show_envvar=True,
        default=None,
        help="File whose first line is the passphrase of the workspace's age identity, if it has one.",
    )


def party_options(*, passphrase: bool = True) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The options of a command acting as one party: `--network`, `--account` and, unless the command
    never opens the identity, `--passphrase-file`."""
    options = [network_option(), account_option(), *([passphrase_option()] if passphrase else [])]

    def apply(command: Callable[..., Any]) -> Callable[..., Any]:
        for option in reversed(options):
            command = option(command)
        return command

    return apply


def read_passphrase(path: Path | None) -> str | None:
    """The first line of a passphrase file (without its line break), or None without a file."""
    if path is None:
        return None
    try:
        lines = path.read_text().splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise ValidationError(f"passphrase file {path} cannot be read: {error}") from None
    if not lines or not lines[0]:
        raise ValidationError(f"passphrase file {path}: its first line, the passphrase, is empty")
    return lines[0]


class HashType(click.ParamType):
    """A 32-byte hash typed as `0x` and 64 hex digits, converted to bytes."""

    name = "hash"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> bytes:
        if isinstance(value, bytes):
            return value
        try:
            return parse_hash(str(value), "certificate hash")
        except ValidationError as error:
            self.fail(str(error), param, ctx)


def cert_hash_argument() -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The HASH argument, a certificate hash, given to the command as `cert_hash: bytes`."""
    return click.argument("cert_hash", metavar="HASH", type=HashType())


def resolve_account(alias: str) -> Any:
    """The ape account named `alias` (TEST::n or an `ape accounts` alias); a usage error otherwise."""
    from ape.cli.choices import AccountAliasPromptChoice

    try:
        return AccountAliasPromptChoice().convert(alias, None, None)
    except click.BadParameter as error:
        error.param_hint = "'--account'"
        raise


@contextmanager
def party(
    settings: Settings, network: str | None, account: str, passphrase_file: Path | None
) -> Iterator[Party]:
    """The acting party, connected to `network` (see `connected`), its store closed at the end."""
    passphrase = read_passphrase(passphrase_file)
    workspace = Workspace.from_env(settings.home)
    with connected(settings.home, network):
        me = Party(workspace, open_client(workspace), resolve_account(account), passphrase)
        try:
            yield me
        finally:
            me.close()


def transaction(tx: TxResult | None, prefix: str = "") -> dict[str, Any]:
    """A transaction's fields for a command's answer, flat (`tx_hash`, `gas_used`, …); all None when a
    previous run had sent it and nothing was sent now."""
    return {
        f"{prefix}tx_hash": tx.tx_hash if tx else None,
        f"{prefix}block_number": tx.block_number if tx else None,
        f"{prefix}gas_used": tx.gas_used if tx else None,
        f"{prefix}seconds": round(tx.seconds, 3) if tx else None,
    }


def materialization(tx: TxResult | None) -> dict[str, Any]:
    """Nothing, or the transaction that first gave a batch member its own record (`materialize_…`)."""
    return {} if tx is None else transaction(tx, "materialize_")
