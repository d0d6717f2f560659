"""`originproof certify FILE…`: commit, encrypt, store and register certificates, one by one or as a batch."""

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from originproof.cli.frame import Command, Report, Settings, pass_settings
from originproof.cli.network import network_option
from originproof.cli.session import HashType, account_option, party, passphrase_option
from originproof.flows import certify as flow
from originproof.flows._common import hex32

if TYPE_CHECKING:
    # click types its bar only here; `progressbar(length=…)` alone leaves the item type unknown to mypy.
    from click._termui_impl import ProgressBar

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.command(cls=Command)
@click.argument("files", nargs=-1, required=True, type=_FILE, metavar="FILE…")
@click.option(
    "--annex",
    type=_FILE,
    default=None,
    help="The annex of the (single) certificate FILE; default: its sibling `x.annex.json`, if there is one.",
)
@click.option(
    "--batch", is_flag=True, help="Register every new certificate under one merkle root, in one transaction."
)
@click.option(
    "--to",
    "recipients",
    multiple=True,
    metavar="ACCOUNT",
    help="Also encrypt the certificate to this enrolled account's on-chain key (repeatable).",
)
@click.option(
    "--supersedes",
    type=HashType(),
    default=None,
    metavar="HASH",
    help="The ACTIVE or AFFIRMED certificate of yours that this one amends.",
)
@network_option()
@account_option()
@passphrase_option()
@pass_settings
def certify(
    settings: Settings,
    files: tuple[Path, ...],
    annex: Path | None,
    batch: bool,
    recipients: tuple[str, ...],
    supersedes: bytes | None,
    network: str | None,
    account: str,
    passphrase_file: Path | None,
) -> Report:
    """Certify each certificate FILE: validate, commit, encrypt and store it, then register it on chain.

    A rerun on the same files finishes what a stopped run left (stored but not registered) and never
    registers a certificate twice. Prints each certificate hash.
    """
    submissions = flow.read_submissions(files, annex=annex, supersedes=supersedes)
    with party(settings, network, account, passphrase_file) as me, _progress(len(submissions)) as tell:
        outcomes = flow.certify(me, submissions, batch=batch, recipients=recipients, progress=tell)
    return Report([outcome.to_json() for outcome in outcomes], "\n".join(map(_line, outcomes)))


def _line(outcome: flow.Certified) -> str:
    note = "" if outcome.registered_now else "  (registered before)"
    return f"{hex32(outcome.cert_hash)}  {outcome.path}{note}"


@contextmanager
def _progress(count: int) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr for more than one certificate: each is stored, then registered."""
    if count < 2:
        yield lambda _done: None
        return
    bar: ProgressBar[int]
    with click.progressbar(length=2 * count, label="certifying", file=sys.stderr) as bar:
        yield bar.update
