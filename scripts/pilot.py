"""`ape run pilot`: the customs pilot end to end, from deployment to the audit, with a report.

Runs on the embedded chain by default (`--network ethereum:local:test`), on anvil
(`--network ethereum:local:foundry`) or on any node by RPC URL, with the network's test accounts
(the public test mnemonic, funded on local nodes). It prints a table of the steps, then the totals,
writes the JSON report and prints its path last; a step whose outcome is not the expected one makes
it exit non-zero, naming the step.
"""

import tempfile
from pathlib import Path

import click
from ape import accounts, networks, project
from ape.cli import ConnectedProviderCommand, verbosity_option

from originproof.pilot import scenario

DEFAULT_REPORT = Path("pilot-report.json")


@click.command(cls=ConnectedProviderCommand)
# ape logs every confirmed transaction at INFO; the table is the pilot's account of them.
@verbosity_option(default="WARNING")
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_REPORT,
    show_default=True,
    help="Where to write the JSON report (steps, totals, network, deployment).",
)
@click.option(
    "--examples",
    "examples_path",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="The example certificates and annexes the pilot certifies [default: the project's examples/].",
)
def cli(network, report_path, examples_path):
    """Replay the customs pilot: deploy, enroll, certify, claim, verify, rule, amend, revoke, audit."""
    with tempfile.TemporaryDirectory(prefix="originproof-pilot-") as directory:
        report = scenario.run(
            examples_path or project.path / "examples",
            Path(directory),
            accounts.test_accounts,
            networks.provider.network_choice,
        )
    click.echo(report.table())
    written = report.write(report_path)
    failure = report.failure()
    if failure is not None:
        click.echo(failure, err=True)
    click.echo(written)
    if failure is not None:
        raise SystemExit(1)
