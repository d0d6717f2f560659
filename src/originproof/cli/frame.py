"""What every command shares: settings, exit codes, and output as JSON (`--json`) or as text.

A command returns its answer and prints nothing itself: a dict or list (laid out as `key  value`
lines for people, dumped as JSON for scripts), or a `Report` when it has its own wording or an exit
code other than 0. The root group prints it once the command is done.
"""

import datetime
import enum
import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import click


class ExitCode(enum.IntEnum):
    """The process exit codes, the same for every command."""

    OK = 0  # success, or a VALID verification
    INVALID = 1
    USAGE = 2
    UNVERIFIABLE = 3
    ERROR = 4


@dataclass
class Settings:
    """The global options, shared by every command through click's context object."""

    home: Path
    json: bool = False


pass_settings = click.make_pass_decorator(Settings)


@dataclass(frozen=True)
class Report:
    """A command's answer: `data` for --json, `text` for people (else `data` laid out), and its exit code."""

    data: Any
    text: str | None = None
    exit_code: ExitCode = ExitCode.OK


Answer = Report | Mapping[str, Any] | Sequence[Any]


def _ask_for_json(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        ctx.find_root().obj.json = True


class Command(click.Command):
    """A command that also takes `--json` after its name, as scripts tend to write it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.params.append(
            click.Option(
                ["--json"],
                is_flag=True,
                expose_value=False,
                callback=_ask_for_json,
                help="Print the answer as JSON on stdout (same as `originproof --json`).",
            )
        )


class Group(click.Group):
    """A group whose commands are `Command`s and whose subgroups are `Group`s."""

    command_class = Command
    group_class = type


def keep_stdout_for_answers() -> None:
    """Send ape's log lines (`Confirmed 0x…`, warnings) to stderr, so stdout carries the answer alone.

    ape's handler looks its per-level echo options up by level name, but keys them by level number,
    so by itself it prints every level, errors included, on stdout.
    """
    from ape.logging import ClickHandler

    to_stderr = {name.lower(): {"err": True} for name in logging.getLevelNamesMapping()}
    for handler in logging.getLogger("ape").handlers:
        if isinstance(handler, ClickHandler):
            handler.echo_kwargs = to_stderr


def emit(result: Answer, settings: Settings) -> ExitCode:
    """Print a command's answer on stdout, as JSON or text; the exit code it asks for."""
    report = result if isinstance(result, Report) else Report(result)
    if settings.json:
        click.echo(json.dumps(report.data, indent=2, default=_jsonable))
    elif report.text is not None:
        click.echo(report.text)
    else:
        click.echo(render(report.data))
    return report.exit_code


def render(data: Any) -> str:
    """Plain text for people: a mapping as aligned `key  value` lines, a list item by item."""
    if isinstance(data, Mapping):
        width = max((len(str(key)) for key in data), default=0)
        return "\n".join(f"{key!s:<{width}}  {_scalar(value)}" for key, value in data.items())
    if isinstance(data, Sequence) and not isinstance(data, str | bytes):
        separator = "\n\n" if any(isinstance(item, Mapping) for item in data) else "\n"
        return separator.join(render(item) for item in data)
    return _scalar(data)


def _scalar(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, enum.Enum):
        return value.name
    if isinstance(value, Mapping | list | tuple):
        return json.dumps(value, default=_jsonable)
    if isinstance(value, str | int | float):
        return str(value)
    return str(_jsonable(value))


def _jsonable(value: Any) -> Any:
    """JSON for the few types commands return besides JSON's own; anything else is a bug."""
    if isinstance(value, Decimal | Path):
        return str(value)  # money stays a decimal string, never a float
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, datetime.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable: {value!r}")
