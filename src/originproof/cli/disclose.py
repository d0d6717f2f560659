"""`originproof disclose HASH --fields /pointer… -o FILE`: a disclosure file for a counterparty."""

from pathlib import Path

import click

from originproof.cli.frame import Command, Report, Settings, pass_settings
from originproof.cli.network import network_option
from originproof.cli.reading import chain_views, rpc_options
from originproof.cli.session import cert_hash_argument, passphrase_option, read_passphrase
from originproof.flows import disclose as flow
from originproof.flows._common import hex32, load_identity
from originproof.store import Store
from originproof.workspace import Workspace

_OUTPUT = click.Path(dir_okay=False, writable=True, path_type=Path)


@click.command(cls=Command)
@cert_hash_argument()
@click.option(
    "--fields",
    "fields",
    multiple=True,
    metavar="/POINTER",
    help="A certificate field to disclose, as an RFC 6901 pointer (repeatable); an object or list "
    "pointer discloses everything under it.",
)
@click.option(
    "--annex-fields",
    multiple=True,
    metavar="/POINTER",
    help="An annex field to disclose (repeatable), written to --annex-output; adds /annex_root to --fields.",
)
@click.option("-o", "--output", type=_OUTPUT, required=True, help="The disclosure file to write.")
@click.option(
    "--annex-output",
    type=_OUTPUT,
    default=None,
    help="The annex disclosure file; default: the output file's name with `.annex` before its suffix.",
)
@rpc_options()
@network_option()
@passphrase_option()
@pass_settings
def disclose(
    settings: Settings,
    cert_hash: bytes,
    fields: tuple[str, ...],
    annex_fields: tuple[str, ...],
    output: Path,
    annex_output: Path | None,
    rpc_urls: tuple[str, ...],
    timeout: float,
    network: str | None,
    passphrase_file: Path | None,
) -> Report:
    """Write a disclosure of some fields of the stored certificate HASH, with its chain context.

    `originproof verify FILE` checks it (with `--annex ANNEX_FILE` for the annex fields). Files are
    written whole or not at all, mode 0644.
    """
    workspace = Workspace.from_env(settings.home)
    identity = load_identity(workspace, read_passphrase(passphrase_file))
    with Store(workspace.store_url) as store, chain_views(settings, network, rpc_urls, timeout) as views:
        disclosed = flow.disclose_stored(store, identity, views, cert_hash, fields, annex_fields)
    written = {
        "cert_hash": hex32(cert_hash),
        "file": str(flow.write_file(output, disclosed.certificate.to_bytes())),
    }
    if disclosed.annex is not None:
        annex_path = annex_output or output.with_name(f"{output.stem}.annex{output.suffix}")
        written["annex_file"] = str(flow.write_file(annex_path, disclosed.annex.to_bytes()))
    count = len(disclosed.certificate.disclosed)
    lines = [f"{count} field(s) of {hex32(cert_hash)} disclosed in {written['file']}"]
    if disclosed.annex is not None:
        lines.append(f"{len(disclosed.annex.disclosed)} annex field(s) disclosed in {written['annex_file']}")
    return Report(written, "\n".join(lines))
