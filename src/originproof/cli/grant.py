"""`originproof grant HASH --to ACCOUNT` shares a part; `grant open HASH` opens one shared with you."""

import json
from pathlib import Path

import click

from originproof.cli.frame import Group, Report, Settings, pass_settings
from originproof.cli.session import cert_hash_argument, materialization, party, party_options, transaction
from originproof.errors import ValidationError
from originproof.flows import grant as flow
from originproof.flows._common import hex32
from originproof.store import PartKind

_PART = click.Choice([part.value for part in flow.GRANTABLE])
_SHARE = "share"


class _GrantGroup(Group):
    """`grant HASH …` runs `grant share HASH …`: sharing is what `grant` means unless `open` follows."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ctx.help_option_names:
            args = [_SHARE, *args]
        return super().parse_args(ctx, args)


@click.group(cls=_GrantGroup)
def grant() -> None:
    """Share a confidential part with another participant (`grant HASH --to ACCOUNT`), or open one
    shared with you (`grant open HASH`)."""


@grant.command(_SHARE)
@cert_hash_argument()
@click.option("--to", "grantee", metavar="ACCOUNT", required=True, help="The grantee's account address.")
@click.option(
    "--part", type=_PART, default=PartKind.ANNEX.value, show_default=True, help="Which part to share."
)
@party_options()
@pass_settings
def share(
    settings: Settings,
    cert_hash: bytes,
    grantee: str,
    part: str,
    network: str | None,
    account: str,
    passphrase_file: Path | None,
) -> Report:
    """Re-encrypt your part of certificate HASH to the grantee's on-chain key and attest ACCESS_GRANTED.

    The default command of `grant`. A grantee that is not enrolled (no on-chain key) or is suspended
    is refused, with nothing written or sent. Running it again after a failure finishes the grant
    without a second attestation.
    """
    with party(settings, network, account, passphrase_file) as me:
        done = flow.grant(me, cert_hash, grantee, PartKind(part))
    data = {
        "cert_hash": hex32(done.cert_hash),
        "part": done.part.value,
        "part_id": done.part_id,
        "grantee": done.grantee,
        "grantee_key": hex32(done.grantee_key),
        "ciphertext_hash": hex32(done.ciphertext_hash),
        "evidence": hex32(done.evidence),
        "uid": hex32(done.uid),
        "already_attested": done.tx is None,
        **transaction(done.tx),
        **materialization(done.materialized),
    }
    return Report(data)


@grant.command("open")
@cert_hash_argument()
@click.option(
    "--part", type=_PART, default=PartKind.ANNEX.value, show_default=True, help="Which part to open."
)
@click.option(
    "--file",
    "source",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="An .age file of the part (as `export` writes it); default: the part in the store.",
)
@click.option(
    "--certificate-file",
    "certificate_source",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="For the annex: a .age file of the certificate, whose annex_root it must match; else the store.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the decrypted document to this new file instead of printing it.",
)
@party_options()
@pass_settings
def open_(
    settings: Settings,
    cert_hash: bytes,
    part: str,
    source: Path | None,
    certificate_source: Path | None,
    output: Path | None,
    network: str | None,
    account: str,
    passphrase_file: Path | None,
) -> Report:
    """Decrypt a part of certificate HASH shared with you and check it against the chain.

    The certificate must open to HASH; the annex must open to the annex_root of that certificate,
    which you must be able to open too. Prints the decrypted document (or writes it with -o).
    """
    with party(settings, network, account, passphrase_file) as me:
        opened = flow.open_granted(me, cert_hash, PartKind(part), source, certificate_source)
    text = json.dumps(opened.document, indent=2, ensure_ascii=False)
    data = {
        "cert_hash": hex32(opened.cert_hash),
        "part": opened.part.value,
        "root": hex32(opened.root),
        "status": opened.status.name,
        "ciphertext_hash": hex32(opened.ciphertext_hash),
        "granted_on_chain": opened.granted_on_chain,
    }
    if output is not None:
        _write_new(output, text + "\n")
        return Report(
            {**data, "output": str(output)}, f"{opened.part.value} opens to {data['root']}: wrote {output}"
        )
    return Report({**data, "document": opened.document}, text)


def _write_new(path: Path, text: str) -> None:
    try:
        with path.open("x") as file:
            file.write(text)
    except FileExistsError:
        raise ValidationError(f"output file {path} already exists") from None
