"""`ape run deploy`: deploy the three originproof contracts and record where they are.

The deploying account becomes the customs authority (DEFAULT_ADMIN_ROLE and CUSTOMS_ROLE).
"""

from pathlib import Path

import click
from ape import accounts, chain, project
from ape.cli import ConnectedProviderCommand, account_option, verbosity_option

from originproof import deployments

DEFAULT_RECORD = Path(".originproof") / "deployments.json"


@click.command(cls=ConnectedProviderCommand)
# ape logs every confirmed transaction at INFO; the addresses printed below are the answer.
@verbosity_option(default="WARNING")
@account_option(prompt=False)
@click.option(
    "--record",
    "record_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_RECORD,
    show_default=True,
    help="JSON file the addresses are recorded in, keyed by chain id and genesis hash.",
)
@click.option("--yes", is_flag=True, help="Do not ask before spending on a live network.")
def cli(network, account, record_path, yes):
    """Deploy Participants, Certificates and Attestations; the deployer becomes customs."""
    if account is None:
        if not network.is_local:
            raise click.UsageError("name the deploying account with --account (an `ape accounts` alias)")
        account = accounts.test_accounts[0]
    if not network.is_local and not yes:
        click.confirm(f"Deploy from {account.address} on {network.choice}, spending real gas?", abort=True)
    deployment = deployments.deploy(project, chain, account)
    path = deployments.record(deployment, record_path)
    for name in deployments.CONTRACTS:
        click.echo(f"{name:<13} {getattr(deployment, name.lower())}")
    click.echo(f"chain {deployment.chain_id}, block {deployment.block}, customs {deployment.deployer}")
    click.echo(f"recorded in {path}")
