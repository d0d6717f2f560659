"""`originproof list` and `originproof inbox`: a party's certificates, and what happened to them."""

from pathlib import Path
from typing import Any

import click

from originproof.cli.frame import Command, Report, Settings, pass_settings
from originproof.cli.session import party, party_options
from originproof.flows import inbox as inbox_flow
from originproof.flows import listing as listing_flow
from originproof.flows._common import hex32


@click.command("list", cls=Command)
@party_options()
@pass_settings
def list_(settings: Settings, network: str | None, account: str, passphrase_file: Path | None) -> Report:
    """The certificates you certified, hold (parts encrypted to you in the store) or claimed, with status."""
    with party(settings, network, account, passphrase_file) as me:
        listed = listing_flow.list_certificates(me)
    rows = [
        {
            "cert_hash": hex32(item.cert_hash),
            "status": item.status.name,
            "certified": item.certified,
            "claimed": item.claimed,
            "held": [kind.value for kind in item.held],
        }
        for item in listed
    ]
    return Report(rows, "\n".join(_line(row) for row in rows) if rows else "no certificates")


def _line(row: dict[str, Any]) -> str:
    roles = [name for name in ("certified", "claimed") if row[name]]
    if row["held"]:
        roles.append("holds " + "+".join(row["held"]))
    return f"{row['cert_hash']}  {row['status']:<18}  {', '.join(roles)}"


@click.command(cls=Command)
@click.option(
    "--all", "everything", is_flag=True, help="Show everything since the deployment; keep the cursor."
)
@party_options()
@pass_settings
def inbox(
    settings: Settings, everything: bool, network: str | None, account: str, passphrase_file: Path | None
) -> Report:
    """What others did to your certificates since you last looked: claims, grants, verifications, revocations.

    The cursor (inbox.json under --home) then moves to the latest block. On the way, your store
    learns of the claims (retention: 5 years after the last) and open verifications (no deletion)
    of the certificates whose parts it keeps.
    """
    with party(settings, network, account, passphrase_file) as me:
        found = inbox_flow.inbox(me, everything=everything)
    notices = [
        {
            "block_number": notice.block_number,
            "tx_hash": notice.tx_hash,
            "event": notice.event,
            "what": notice.what,
            "cert_hash": None if notice.cert_hash is None else hex32(notice.cert_hash),
            "by": notice.by,
            "details": dict(notice.details),
        }
        for notice in found.notices
    ]
    data = {
        "from_block": found.from_block,
        "to_block": found.to_block,
        "cursor_moved": found.cursor_moved,
        "claims_recorded": found.claims_recorded,
        "holds_updated": found.holds_updated,
        "notices": notices,
    }
    lines = [f"blocks {found.from_block}..{found.to_block}: {len(notices)} notice(s)"]
    lines += [
        f"block {row['block_number']}  {row['cert_hash'] or '-'}  {row['what']}"
        + (f" by {row['by']}" if row["by"] else "")
        for row in notices
    ]
    return Report(data, "\n".join(lines))
