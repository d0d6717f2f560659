"""The CLI frame: exit codes, error lines, --json against text output, --help and --version."""

import json
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import click
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from originproof import __version__
from originproof.cli import cli, main
from originproof.cli.frame import Command, ExitCode, Report, Settings, pass_settings, render
from originproof.cli.network import network_option
from originproof.enums import Status
from originproof.errors import ChainError, UnverifiableError, ValidationError

PROBE = "probe-frame"


@pytest.fixture
def probe() -> Iterator[SimpleNamespace]:
    """A throwaway command on the root group: it records its settings and returns (or raises) `run()`."""
    state = SimpleNamespace(run=dict, settings=None)

    @click.command(PROBE, cls=Command)
    @pass_settings
    def command(settings: Settings) -> Any:
        state.settings = settings
        return state.run()

    cli.add_command(command)
    try:
        yield state
    finally:
        del cli.commands[PROBE]


def _raising(error: BaseException) -> Callable[[], Any]:
    def run() -> Any:
        raise error

    return run


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every command under `group`, depth first, with the names that lead to it."""
    for name, command in group.commands.items():
        yield (*prefix, name), command
        if isinstance(command, click.Group):
            yield from _commands(command, (*prefix, name))


def test_version__prints_the_package_version(capsys):
    assert main(["--version"]) == ExitCode.OK
    assert capsys.readouterr().out == f"originproof, version {__version__}\n"


def test_help__root__lists_the_exit_codes(capsys):
    assert main(["--help"]) == ExitCode.OK
    out = capsys.readouterr().out
    assert "Usage: originproof" in out
    assert "3 UNVERIFIABLE" in out


def test_help__every_registered_command__exits_zero(capsys):
    paths = [path for path, _command in _commands(cli)]
    assert ("node", "start") in paths
    for path in paths:
        assert main([*path, "--help"]) == ExitCode.OK, path
        assert f"Usage: originproof {' '.join(path)}" in capsys.readouterr().out


def test_help__every_leaf_command__offers_json(capsys):
    for path, command in _commands(cli):
        if not isinstance(command, click.Group):
            main([*path, "--help"])
            assert "--json" in capsys.readouterr().out, path


@pytest.mark.parametrize(
    "argv",
    [
        ["no-such-command"],
        ["node", "status", "--no-such-option"],
        ["node", "start", "--port", "0"],
        ["node", "start", "--port", "not-a-number"],
        ["--home"],
    ],
)
def test_usage_error__exits_two_with_click_message(argv, capsys):
    assert main(argv) == ExitCode.USAGE
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "Error:" in captured.err


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (ValidationError("certificate.json: /goods/0/hs_code: must be 6 digits"), ExitCode.ERROR),
        (ChainError("eth_call on http://127.0.0.1:1 failed"), ExitCode.ERROR),
        (UnverifiableError("the chain could not be read"), ExitCode.UNVERIFIABLE),
        (click.BadParameter("must be a hash", param_hint="'CERT'"), ExitCode.USAGE),
        (click.FileError("bom.csv", "gone"), ExitCode.ERROR),
        (click.Abort(), ExitCode.ERROR),
    ],
)
def test_error__exits_with_its_code(probe, capsys, error, code):
    probe.run = _raising(error)
    assert main([PROBE]) == code
    assert capsys.readouterr().out == ""


def test_error__originproof_error__prints_one_line_naming_it(probe, capsys):
    probe.run = _raising(ValidationError("certificate.json: /goods/0/hs_code: must be 6 digits"))
    assert main([PROBE]) == ExitCode.ERROR
    assert capsys.readouterr().err == "originproof: certificate.json: /goods/0/hs_code: must be 6 digits\n"


def test_error__anything_else__is_a_bug_and_propagates(probe):
    probe.run = _raising(RuntimeError("a bug"))
    with pytest.raises(RuntimeError, match="a bug"):
        main([PROBE])


@pytest.mark.parametrize("argv", [["--json", PROBE], [PROBE, "--json"]])
def test_json__either_position__prints_the_answer_as_json(probe, capsys, argv):
    probe.run = lambda: {"cert_hash": b"\xab" * 2, "value": Decimal("1.10"), "path": Path("/x"), "note": None}
    assert main(argv) == ExitCode.OK
    assert json.loads(capsys.readouterr().out) == {
        "cert_hash": "0xabab",
        "value": "1.10",
        "path": "/x",
        "note": None,
    }


def test_json__list_answer__is_a_json_array(probe, capsys):
    probe.run = lambda: [{"uid": "0x01"}, {"uid": "0x02"}]
    assert main(["--json", PROBE]) == ExitCode.OK
    assert json.loads(capsys.readouterr().out) == [{"uid": "0x01"}, {"uid": "0x02"}]


def test_json__unserialisable_value__is_a_bug(probe):
    probe.run = lambda: {"thing": object()}
    with pytest.raises(TypeError, match="not JSON serialisable"):
        main(["--json", PROBE])


def test_text__dict_answer__aligned_key_value_lines(probe, capsys):
    probe.run = lambda: {"status": "ACTIVE", "revoked": False, "supersedes": None}
    assert main([PROBE]) == ExitCode.OK
    assert capsys.readouterr().out == "status      ACTIVE\nrevoked     no\nsupersedes  -\n"


def test_text__enum__by_name_and_json__by_number(probe, capsys):
    probe.run = lambda: {"status": Status.ACTIVE}
    main([PROBE])
    assert capsys.readouterr().out == "status  ACTIVE\n"
    main([PROBE, "--json"])
    assert json.loads(capsys.readouterr().out) == {"status": 1}


def test_text__list_of_mappings__blocks_separated_by_a_blank_line():
    assert render([{"uid": "0x01", "kind": 2}, {"uid": "0x02", "kind": 3}]) == (
        "uid   0x01\nkind  2\n\nuid   0x02\nkind  3"
    )


def test_text__list_of_scalars__one_per_line():
    assert render(["0x01", Decimal("2.50"), None]) == "0x01\n2.50\n-"


def test_text__report__prints_its_own_text_and_exits_with_its_code(probe, capsys):
    probe.run = lambda: Report({"verdict": "INVALID"}, "INVALID: not registered", ExitCode.INVALID)
    assert main([PROBE]) == ExitCode.INVALID
    assert capsys.readouterr().out == "INVALID: not registered\n"


def test_json__report__prints_its_data_and_keeps_its_code(probe, capsys):
    probe.run = lambda: Report({"verdict": "INVALID"}, "INVALID: not registered", ExitCode.INVALID)
    assert main([PROBE, "--json"]) == ExitCode.INVALID
    assert json.loads(capsys.readouterr().out) == {"verdict": "INVALID"}


def test_ape_logs__go_to_stderr_so_json_stdout_stays_clean(probe, capsys):
    from ape.logging import LogLevel, logger

    def run() -> dict[str, bool]:
        logger.info("Confirmed 0xfeed")
        return {"ok": True}

    probe.run = run
    # `ape test` quietens ape's logger: make sure the line is written at all.
    with logger.at_level(LogLevel.INFO):
        assert main(["--json", PROBE]) == ExitCode.OK
    captured = capsys.readouterr()
    assert json.loads(captured.out) == {"ok": True}
    assert "Confirmed 0xfeed" in captured.err


def test_home__default__is_dot_originproof_in_the_working_directory(probe, capsys, monkeypatch, tmp_path):
    monkeypatch.delenv("ORIGINPROOF_HOME", raising=False)
    monkeypatch.chdir(tmp_path)
    probe.run = lambda: {}
    main([PROBE])
    assert probe.settings.home == tmp_path / ".originproof"


def test_home__environment_variable__sets_it(probe, monkeypatch, tmp_path):
    monkeypatch.setenv("ORIGINPROOF_HOME", str(tmp_path / "elsewhere"))
    probe.run = lambda: {}
    main([PROBE])
    assert probe.settings.home == tmp_path / "elsewhere"
    assert probe.settings.json is False


@pytest.mark.parametrize(
    ("argv", "environment", "expected"),
    [
        ([], None, None),
        (["--network", "ethereum:sepolia:node"], None, "ethereum:sepolia:node"),
        ([], "ethereum:local:test", "ethereum:local:test"),
    ],
)
def test_network_option__absent_means_the_local_node(monkeypatch, capsys, argv, environment, expected):
    chosen = []

    @click.command(PROBE, cls=Command)
    @network_option()
    def command(network: str | None) -> dict[str, Any]:
        chosen.append(network)
        return {}

    if environment is None:
        monkeypatch.delenv("ORIGINPROOF_NETWORK", raising=False)
    else:
        monkeypatch.setenv("ORIGINPROOF_NETWORK", environment)
    cli.add_command(command)
    try:
        assert main([PROBE, *argv]) == ExitCode.OK
    finally:
        del cli.commands[PROBE]
    assert chosen == [expected]


texts = st.text(alphabet=st.characters(exclude_categories=["Cs"]))
scalars = st.none() | st.booleans() | st.integers() | texts
keys = st.text(alphabet=st.characters(categories=["L", "N"]), min_size=1, max_size=20)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(keys, scalars, max_size=8))
def test_json__any_mapping_of_json_scalars__round_trips(probe, capsys, data):
    probe.run = lambda: data
    assert main(["--json", PROBE]) == ExitCode.OK
    assert json.loads(capsys.readouterr().out) == data


@given(st.dictionaries(keys, st.none() | st.booleans() | st.integers(), min_size=1, max_size=8))
def test_text__any_mapping__one_line_per_key_in_order(data):
    lines = render(data).split("\n")
    assert [line.split()[0] for line in lines] == list(data)
