"""The end-to-end benchmark's code path at a tiny size: it starts its anvil, certifies, verifies and
writes a well-formed report. Nothing is timed against a target here; bench/e2e.md holds the figures."""

import argparse
import importlib
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
# As when the benchmarks run as scripts: their directory (`machine.py`) on the path.
sys.path.insert(0, str(ROOT / "bench"))
import machine  # noqa: E402

SECTIONS = ["Machine and versions", "Workload", "Targets", "Certify", "Verify", "Pilot"]
TINY = [
    "--batch", "4", "--batches", "2", "--singles", "2", "--repeat", "1", "--alone", "1",
    "--processes", "1", "--verify-calls", "3", "--no-pilot",
]  # fmt: skip


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    # bench/ is on the path, as for the script itself; a regular module wins over tests/e2e/ too.
    return importlib.import_module("e2e")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The whole program, in its own process: it connects ape to an anvil of its own."""
    out = tmp_path_factory.mktemp("bench") / "e2e.md"
    done = subprocess.run(
        [sys.executable, "bench/e2e.py", *TINY, "--out", str(out), "--workdir", str(out.parent)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3_000:]
    return out.read_text(encoding="utf-8")


def tables(text: str) -> dict[str, list[list[str]]]:
    return machine.read_tables(text, heading="##+ ")


number = machine.number


def test_report__tiny_run__has_every_section_in_order(report):
    assert report.startswith("# End-to-end benchmark\n")
    assert re.findall(r"^## (.+)$", report, flags=re.MULTILINE) == SECTIONS
    assert "### Where the time goes" in report
    assert "nan" not in report and "inf" not in report


def test_report__tiny_run__records_machine_versions_and_load(report):
    machine = dict(row for row in tables(report)["Machine and versions"][1:])
    assert {
        "CPU",
        "memory",
        "Python",
        "SQLite",
        "eth-ape",
        "ape-foundry",
        "web3",
        "anvil",
        "pydantic",
    } <= set(machine)
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", machine["anvil"])


def test_report__tiny_run__judges_every_target_measured(report):
    targets = tables(report)["Targets"]
    assert targets[0] == ["target", "measured", "by CPU time", "load", "met"]
    names = [row[0] for row in targets[1:]]
    assert names[0] == "certify ≥ 500 certificates/s in batches of 4"
    assert names[1] == "certify ≥ 20 certificates/s one by one"
    assert [name for name in names if name.startswith("verify p50 ≤ 20 ms")] == names[2:5]
    assert len(names) == 5  # no pilot row with --no-pilot
    for row in targets[1:]:
        assert row[4] in ("yes", "**no**")
        assert number(row[1]) > 0 and number(row[3]) >= 0


def test_report__tiny_run__certify_calls_of_each_kind(report):
    rows = tables(report)["Certify"]
    assert rows[0] == [
        "registered", "certificates a call", "calls", "best /s", "median /s", "best by CPU /s", "load"
    ]  # fmt: skip
    assert [row[:3] for row in rows[1:]] == [
        ["as a batch (`--batch`)", "4", "2"],
        ["one by one", "2", "1"],
        ["one by one, one a call", "1", "1"],
        ["one by one, one `originproof certify FILE` process a call", "1", "1"],
    ]
    for row in rows[1:]:
        best, median, cpu = (number(cell) for cell in row[3:6])
        assert 0 < median <= best and cpu > 0


def test_report__tiny_run__every_phase_timed_in_both_modes(report, bench):
    phases = tables(report)["Where the time goes"]
    assert phases[0] == [
        "phase",
        "batch of 4: µs / certificate",
        "share",
        "one by one: µs / certificate",
        "share",
    ]
    assert [row[0] for row in phases[1:-1]] == [phase for phase, _ in bench.PHASES] + [bench.OTHER]
    assert all(number(cell) >= 0 for row in phases[1:-1] for cell in (row[1], row[3]))
    assert phases[-1][0] == "**total** (rate; load)"
    # The one-by-one run went through commitments and the chain; each register sent one transaction.
    one_by_one = {row[0]: number(row[3]) for row in phases[1:-1]}
    assert one_by_one["commitments: canonical copies and salts"] > 0
    assert one_by_one["chain: client and ape around `register` transactions"] > 0
    assert one_by_one[bench.RPC] > 0
    batch = re.search(r"^- JSON-RPC requests per batch of 4: (\d+) \((.*)\)\.$", report, re.MULTILINE)
    assert batch and "`eth_sendRawTransaction` 1" in batch.group(2)
    alone = re.search(
        r"^- JSON-RPC requests per certificate registered alone: ([\d.]+) \((.*)\)\.$", report, re.M
    )
    assert alone and "`eth_sendRawTransaction` 1" in alone.group(2)


def test_report__tiny_run__verify_latencies_of_three_evidences(report):
    rows = tables(report)["Verify"]
    assert rows[0] == ["evidence", "p50 ms", "p90 ms", "max ms", "load"]
    assert len(rows) == 4
    for row in rows[1:]:
        p50, p90, most = (number(cell) for cell in row[1:4])
        assert 0 < p50 <= p90 <= most


def test_report__no_pilot__says_so(report):
    assert "Not run (`--no-pilot`)." in report


def test_render__pilot_runs__table_and_target_from_their_reports(bench):
    pilot_report = {
        "totals": {"steps": 25, "transactions": 32, "gas_used": 1, "seconds": 2.25, "chain_seconds": 0.5},
        "passed": True,
    }
    report = bench.Report(bench.parse_args(["--no-pilot"]), datetime.now(UTC), [])
    report.pilots = [bench.pilot_of(pilot_report, 4.75), bench.pilot_of(pilot_report, 5.5)]

    found = tables(bench.render(report))

    assert found["Pilot"][1][:8] == ["1", "4.8", "2.2", "2.5", "0.5", "25", "32", "yes"]
    [target] = found["Targets"][1:]
    assert target[:2] == ["pilot on the embedded chain < 60 s", "4.8 s (`ape run pilot`, best of 2)"]
    assert target[4] == "yes"


@pytest.mark.parametrize(
    "flag",
    ["--batch", "--batches", "--singles", "--repeat", "--alone", "--processes", "--verify-calls", "--pilots"],
)
def test_parse_args__size_below_one__is_refused(bench, flag, capsys):
    with pytest.raises(SystemExit):
        bench.parse_args([flag, "0"])
    assert f"{flag} must be at least 1" in capsys.readouterr().err


def test_parse_args__defaults_are_the_issues_sizes(bench):
    args = bench.parse_args([])
    assert isinstance(args, argparse.Namespace)
    assert (args.batch, args.singles, args.verify_calls, args.no_pilot) == (1_000, 100, 200, False)
