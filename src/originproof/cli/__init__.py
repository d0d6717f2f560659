"""`originproof`, the command line: a root group with the global options, and one module per command group.

Commands return their answer and the root prints it (see `frame`). Exit codes: 0 success or VALID,
1 INVALID, 2 usage error, 3 UNVERIFIABLE, 4 any other error. Only `originproof.errors.Error` (and
click's own usage errors) become a one-line message; anything else is a bug and keeps its traceback.
"""

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from originproof import __version__
from originproof.cli import (
    audit,
    certify,
    claim,
    disclose,
    export,
    frame,
    grant,
    keys,
    listing,
    node,
    participants,
    revoke,
    verification,
    verify,
)
from originproof.cli.frame import ExitCode, Settings, pass_settings
from originproof.errors import Error, UnverifiableError

DEFAULT_HOME = Path(".originproof")


@click.group(cls=frame.Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--json", "as_json", is_flag=True, help="Print answers as JSON on stdout, for scripts.")
@click.option(
    "--home",
    type=click.Path(file_okay=False, resolve_path=True, path_type=Path),
    default=DEFAULT_HOME,
    envvar="ORIGINPROOF_HOME",
    show_default=True,
    show_envvar=True,
    help="Working state: the local node, deployments.json, the store.",
)
@click.version_option(__version__, prog_name="originproof")
@click.pass_context
def cli(ctx: click.Context, as_json: bool, home: Path) -> None:
    """Certificates of origin proven on an EVM chain, their trade secrets kept encrypted off it.

    Exit codes: 0 success or VALID, 1 INVALID, 2 usage error, 3 UNVERIFIABLE, 4 any other error.
    """
    ctx.obj = Settings(home=home, json=as_json)


@cli.result_callback()
@pass_settings
def _print(settings: Settings, result: frame.Answer, **_options: Any) -> ExitCode:
    return frame.emit(result, settings)


cli.add_command(node.node)
cli.add_command(certify.certify)
cli.add_command(verify.verify)
cli.add_command(disclose.disclose)
cli.add_command(audit.audit)
cli.add_command(export.export)
cli.add_command(keys.keys)
cli.add_command(participants.participants)
cli.add_command(claim.claim)
cli.add_command(grant.grant)
cli.add_command(verification.verification)
cli.add_command(revoke.revoke)
cli.add_command(listing.list_)
cli.add_command(listing.inbox)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line on `argv` (default: the process's arguments); the exit code."""
    frame.keep_stdout_for_answers()
    try:
        result = cli.main(args=argv, prog_name="originproof", standalone_mode=False)
    except click.UsageError as error:
        error.show()
        return ExitCode.USAGE
    except click.ClickException as error:
        return _fail(error.format_message(), ExitCode.ERROR)
    except click.Abort:
        return _fail("aborted", ExitCode.ERROR)
    except UnverifiableError as error:
        return _fail(str(error), ExitCode.UNVERIFIABLE)
    except Error as error:
        return _fail(str(error), ExitCode.ERROR)
    # --help and --version end early and hand back click's 0 instead of a command's exit code.
    return result if isinstance(result, ExitCode) else ExitCode.OK


def _fail(message: str, code: ExitCode) -> ExitCode:
    click.echo(f"originproof: {message}", err=True)
    return code
