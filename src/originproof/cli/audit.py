"""`originproof audit`: replay the deployment's events against the store and list every mismatch."""

from pathlib import Path

import click

from originproof.cli.frame import Command, ExitCode, Report, Settings, pass_settings
from originproof.cli.network import network_option
from originproof.cli.reading import chain_views, rpc_options
from originproof.cli.session import passphrase_option, read_passphrase
from originproof.flows import audit as flow
from originproof.flows._common import hex32, load_identity
from originproof.store import Store
from originproof.workspace import Workspace


@click.command(cls=Command)
@rpc_options()
@network_option()
@passphrase_option()
@pass_settings
def audit(
    settings: Settings,
    rpc_urls: tuple[str, ...],
    timeout: float,
    network: str | None,
    passphrase_file: Path | None,
) -> Report:
    """Replay every on-chain event of the deployment against the store, and check every stored part.

    Lists tampered parts (changed ciphertext, swapped record, plaintext off its commitment) and every
    mismatch with the chain (certificates stored but not registered or the other way round, claims and
    verifications the store has not recorded). Exit code 0 when there is none, 1 when there are any.
    With the workspace identity, the parts it can open are checked down to their plaintext.
    """
    workspace = Workspace.from_env(settings.home)
    identities = []
    if workspace.identity_path.exists():
        identities.append(load_identity(workspace, read_passphrase(passphrase_file)))
    with Store(workspace.store_url) as store, chain_views(settings, network, rpc_urls, timeout) as views:
        findings = flow.audit(views, store, identities)
    if not findings:
        return Report([], "audit: no mismatches")
    lines = [f"audit: {len(findings)} finding(s)"]
    lines += [f"  {finding.kind.value:<22} {_subject(finding)}  {finding.message}" for finding in findings]
    return Report([finding.to_json() for finding in findings], "\n".join(lines), ExitCode.INVALID)


def _subject(finding: flow.AuditFinding) -> str:
    if finding.part_id is not None:
        return f"part {finding.part_id}"
    return "-" if finding.subject is None else hex32(finding.subject)
