"""`originproof verify FILE`: VALID, INVALID or UNVERIFIABLE, with every check that led there."""

from datetime import datetime
from pathlib import Path

import click

from originproof.cli.frame import Command, ExitCode, Report, Settings, pass_settings
from originproof.cli.network import network_option
from originproof.cli.reading import chain_views, rpc_options
from originproof.cli.session import passphrase_option, read_passphrase
from originproof.commitments import BatchMembership
from originproof.errors import UnverifiableError
from originproof.flows import verify as flow
from originproof.flows._common import hex32, load_identity
from originproof.store import Store
from originproof.workspace import Workspace

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
_EXIT = {
    flow.Verdict.VALID: ExitCode.OK,
    flow.Verdict.INVALID: ExitCode.INVALID,
    flow.Verdict.UNVERIFIABLE: ExitCode.UNVERIFIABLE,
}


@click.command(cls=Command)
@click.argument("file", type=_FILE)
@click.option(
    "--annex",
    "annex_file",
    type=_FILE,
    default=None,
    help="A disclosure of annex fields, checked against the annex_root that FILE discloses.",
)
@click.option(
    "--on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    metavar="YYYY-MM-DD",
    help="The day the certificate is used (the import); default: today (UTC).",
)
@rpc_options()
@network_option()
@passphrase_option()
@pass_settings
def verify(
    settings: Settings,
    file: Path,
    annex_file: Path | None,
    on: datetime | None,
    rpc_urls: tuple[str, ...],
    timeout: float,
    network: str | None,
    passphrase_file: Path | None,
) -> Report:
    """Verify a certificate opening (JSON, or the `.age` file of a stored certificate) or a disclosure.

    Prints VALID, INVALID (a check failed: a changed field, a revoked certificate, a period that does
    not cover --on, more than four years since it was completed…) or UNVERIFIABLE (the chain could not
    be read), then each check. Exit code 0 VALID, 1 INVALID, 3 UNVERIFIABLE.
    """
    workspace = Workspace.from_env(settings.home)
    evidence = flow.read_evidence(
        file.read_bytes(),
        str(file),
        annex=None if annex_file is None else (annex_file.read_bytes(), str(annex_file)),
        identity=lambda: load_identity(workspace, read_passphrase(passphrase_file)),
    )
    day = None if on is None else on.date()
    batch = _stored_batch(workspace, evidence.cert_hash) if evidence.kind == "opening" else None
    try:
        with chain_views(settings, network, rpc_urls, timeout) as views:
            result = flow.verify(evidence, views, on=day, batch=batch)
    except UnverifiableError as error:
        result = flow.unreadable(evidence, error, on=day)
    return Report(result.to_json(), _text(result), _EXIT[result.verdict])


def _stored_batch(workspace: Workspace, cert_hash: bytes) -> BatchMembership | None:
    """The batch membership the workspace's store recorded when it certified `cert_hash`, if it did."""
    if workspace.store is None and not (workspace.home / "store.db").exists():
        return None
    with Store(workspace.store_url) as store:
        registration = store.registrations.get(cert_hash)
    return None if registration is None else registration.batch


def _text(result: flow.Verification) -> str:
    lines = [
        f"{result.verdict.value}: certificate {hex32(result.cert_hash)} ({result.kind}), used {result.on}"
    ]
    width = max(len(check.name) for check in result.checks)
    lines += [f"  {check.outcome.value:<7}  {check.name:<{width}}  {check.detail}" for check in result.checks]
    if result.attestations:
        lines.append("attestations:")
        lines += [
            f"  {item['kind']:<21}  by {item['attester']}  block {item['block']}  uid {item['uid']}"
            + ("" if item["valid"] else "  (revoked or expired)")
            for item in result.attestations
        ]
    return "\n".join(lines)
