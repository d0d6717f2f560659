"""`originproof verification open|respond|evidence|rvc|close`: a verification of origin, request to ruling."""

from pathlib import Path

import click

from originproof.cli.frame import ExitCode, Group, Report, Settings, pass_settings
from originproof.cli.session import cert_hash_argument, materialization, party, party_options, transaction
from originproof.enums import Status
from originproof.flows import case
from originproof.flows._common import hex32


def file_or_text(value: str) -> bytes:
    """The bytes of the file `value` names, or else the text `value` itself (UTF-8)."""
    path = Path(value)
    return path.read_bytes() if path.is_file() else value.encode()


@click.group(cls=Group)
def verification() -> None:
    """A verification of origin: customs opens it, the certifier or annex owner responds, customs
    recomputes the origin from the granted annex and closes it, affirmed or denied."""


def _step(step: case.CaseStep, digest_name: str) -> dict[str, object]:
    return {
        "cert_hash": hex32(step.cert_hash),
        "status": step.status.name,
        digest_name: hex32(step.digest),
        "already_done": step.tx is None,
        **transaction(step.tx),
        **materialization(step.materialized),
    }


@verification.command("open")
@cert_hash_argument()
@click.option(
    "--request",
    required=True,
    metavar="FILE-OR-TEXT",
    help="The request letter; its keccak256 goes on chain.",
)
@party_options()
@pass_settings
def open_(
    settings: Settings,
    cert_hash: bytes,
    request: str,
    network: str | None,
    account: str,
    passphrase_file: Path | None,
) -> Report:
    """Open a verification of certificate HASH (customs); its parts in the store can no longer be deleted."""
    with party(settings, network, account, passphrase_file) as me:
        step = case.open_case(me, cert_hash, file_or_text(request))
    return Report(_step(step, "request_hash"))


@verification.command()
@cert_hash_argument()
@click.option(
    "--evidence",
    "evidence_file",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The evidence: a .json file holding an object, or any other file (stored base64-encoded).",
)
@party_options()
@pass_settings
def respond(
    settings: Settings,
    cert_hash: bytes,
    evidence_file: Path,
    network: str | None,
    account: str,
    passphrase_file: Path | None,
) -> Report:
    """Answer the open verification of certificate HASH (its certifier or annex owner).

    The evidence is committed, stored encrypted to the customs officer who opened the case, and its
    root attested as VERIFICATION_RESPONSE.
    """
    evidence = case.evidence_document(evidence_file)
    with party(settings, network, account, passphrase_file) as me:
        done = case.respond(me, cert_hash, evidence)
    data = {
        "cert_hash": hex32(done.cert_hash),
        "evidence_root": hex32(done.evidence_root),
        "part_id": done.part_id,
        "customs": done.customs,
        "uid": hex32(done.uid),
        "already_attested": done.tx is None,
        **transaction(done.tx),
    }
    return Report(data)


@verification.command()
@cert_hash_argument()
@party_options()
@pass_settings
def evidence(
    settings: Settings, cert_hash: bytes, network: str | None, account: str, passphrase_file: Path | None
) -> list[dict[str, object]]:
    """The responses to verifications of certificate HASH, with the evidence you can decrypt (customs)."""
    with party(settings, network, account, passphrase_file) as me:
        found = case.read_evidence(me, cert_hash)
    return [
        {
            "responder": item.responder,
            "root": hex32(item.root),
            "uid": hex32(item.uid),
            "evidence": item.document,
        }
        for item in found
    ]


@verification.command()
@cert_hash_argument()
@party_options()
@pass_settings
def rvc(
    settings: Settings, cert_hash: bytes, network: str | None, account: str, passphrase_file: Path | None
) -> Report:
    """Recompute the origin of certificate HASH from its granted annex (customs); exit 1 if it fails.

    The certificate and annex granted to you are decrypted and checked against the chain, then the
    agreement's origin rules are applied to the annex's numbers.
    """
    with party(settings, network, account, passphrase_file) as me:
        verdict = case.recompute_origin(me, cert_hash)
    return Report(
        {"cert_hash": hex32(cert_hash), **verdict.model_dump(mode="json")},
        verdict.explain(),
        ExitCode.OK if verdict.qualifies else ExitCode.INVALID,
    )


@verification.command()
@cert_hash_argument()
@click.option("--affirm", "outcome", flag_value=Status.AFFIRMED.name, help="Rule that the goods originate.")
@click.option("--deny", "outcome", flag_value=Status.DENIED.name, help="Rule that they do not.")
@click.option(
    "--finding",
    required=True,
    metavar="FILE-OR-TEXT",
    help="The written finding; its keccak256 goes on chain.",
)
@party_options()
@pass_settings
def close(
    settings: Settings,
    cert_hash: bytes,
    outcome: str | None,
    finding: str,
    network: str | None,
    account: str,
    passphrase_file: Path | None,
) -> Report:
    """Close the verification of certificate HASH, affirmed or denied (customs only)."""
    if outcome is None:
        raise click.UsageError("give the ruling: --affirm or --deny")
    with party(settings, network, account, passphrase_file) as me:
        step = case.close_case(me, cert_hash, Status[outcome], file_or_text(finding))
    return Report(_step(step, "finding_hash"))
