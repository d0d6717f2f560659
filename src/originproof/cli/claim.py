"""`originproof claim HASH`: the importer (or broker) claims preference under a certificate."""

from pathlib import Path

import click

from originproof.cli.frame import Command, Report, Settings, pass_settings
from originproof.cli.session import cert_hash_argument, materialization, party, party_options, transaction
from originproof.flows import claim as flow
from originproof.flows._common import hex32


@click.command(cls=Command)
@cert_hash_argument()
@click.option("--entry", metavar="NUMBER", default=None, help="The customs entry the claim is made on.")
@click.option(
    "--broker", "as_broker", is_flag=True, help="Claim as the importer's broker, not as the importer."
)
@party_options()
@pass_settings
def claim(
    settings: Settings,
    cert_hash: bytes,
    entry: str | None,
    as_broker: bool,
    network: str | None,
    account: str,
    passphrase_file: Path | None,
) -> Report:
    """Claim preference under the certificate HASH: attest CLAIM_FILED and keep its parts 5 more years.

    Only an ACTIVE or AFFIRMED certificate can be claimed. The evidence is keccak256 of --entry (zero
    without one); claiming again with the same entry finds the earlier claim instead of filing twice.
    """
    with party(settings, network, account, passphrase_file) as me:
        done = flow.claim(me, cert_hash, entry=entry, as_broker=as_broker)
    data = {
        "cert_hash": hex32(done.cert_hash),
        "claimant": done.claimant,
        "role": done.role,
        "entry": entry,
        "evidence": hex32(done.evidence),
        "uid": hex32(done.uid),
        "filed_at": done.filed_at,
        "retain_until": done.retain_until,
        "already_filed": done.tx is None,
        **transaction(done.tx),
        **materialization(done.materialized),
    }
    return Report(data)
