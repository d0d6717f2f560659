"""`originproof export HASH --part annex -o FILE.age`: a stored part as an age file."""

from pathlib import Path

import click

from originproof import keys
from originproof.cli.frame import Command, Report, Settings, pass_settings
from originproof.cli.session import cert_hash_argument, passphrase_option, read_passphrase
from originproof.flows._common import hex32, load_identity
from originproof.flows.export import export_part
from originproof.store import PartKind, Store
from originproof.workspace import Workspace


@click.command(cls=Command)
@cert_hash_argument()
@click.option(
    "--part",
    type=click.Choice([kind.value for kind in PartKind]),
    default=PartKind.ANNEX.value,
    show_default=True,
    help="Which confidential part of the certificate.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The .age file to write.",
)
@click.option("--part-id", type=int, default=None, help="The part to export when the store holds several.")
@click.option("--overwrite", is_flag=True, help="Replace the file if it exists.")
@passphrase_option()
@pass_settings
def export(
    settings: Settings,
    cert_hash: bytes,
    part: str,
    output: Path,
    part_id: int | None,
    overwrite: bool,
    passphrase_file: Path | None,
) -> Report:
    """Write a stored part's ciphertext to an .age file; `age -d -i identity.txt FILE` decrypts it.

    With several parts of that kind (several owners), the one the workspace identity can read is taken.
    """
    workspace = Workspace.from_env(settings.home)
    reader_key = _public_key(workspace, passphrase_file)
    with Store(workspace.store_url) as store:
        record = export_part(
            store,
            cert_hash,
            PartKind(part),
            output,
            reader_key=reader_key,
            part_id=part_id,
            overwrite=overwrite,
        )
    data = {
        "cert_hash": hex32(cert_hash),
        "part": record.kind.value,
        "part_id": record.id,
        "owner": record.owner,
        "ciphertext_hash": hex32(record.ciphertext_hash),
        "file": str(output),
    }
    return Report(data, f"{record.kind} part {record.id} of {hex32(cert_hash)} written to {output}")


def _public_key(workspace: Workspace, passphrase_file: Path | None) -> bytes | None:
    """The public key of the workspace identity, if there is one: it picks among several parts."""
    if not workspace.identity_path.exists():
        return None
    return keys.public_key(load_identity(workspace, read_passphrase(passphrase_file)))
