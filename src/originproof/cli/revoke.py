"""`originproof revoke HASH --reason TEXT`: the certifier or customs ends a certificate for good."""

from pathlib import Path

import click

from originproof.cli.frame import Command, Report, Settings, pass_settings
from originproof.cli.session import cert_hash_argument, materialization, party, party_options, transaction
from originproof.flows import revoke as flow
from originproof.flows._common import hex32


@click.command(cls=Command)
@cert_hash_argument()
@click.option("--reason", required=True, metavar="TEXT", help="Why; its keccak256 goes on chain.")
@party_options()
@pass_settings
def revoke(
    settings: Settings,
    cert_hash: bytes,
    reason: str,
    network: str | None,
    account: str,
    passphrase_file: Path | None,
) -> Report:
    """Revoke certificate HASH, as its certifier or as customs (customs alone while under verification).

    REVOKED is final: the certificate can no longer be claimed, granted or amended.
    """
    with party(settings, network, account, passphrase_file) as me:
        done = flow.revoke(me, cert_hash, reason)
    data = {
        "cert_hash": hex32(done.cert_hash),
        "status": "REVOKED",
        "previous_status": done.previous_status.name,
        "reason": done.reason,
        "reason_hash": hex32(done.reason_hash),
        **transaction(done.tx),
        **materialization(done.materialized),
    }
    return Report(data)
