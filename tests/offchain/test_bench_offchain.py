"""The off-chain benchmark's code path, run at a tiny size: it completes and writes a well-formed report.

Nothing here is timed against a target; bench/offchain.md holds the measured figures.
"""

import importlib
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
# As when the benchmarks run as scripts: their directory (`machine.py`) on the path.
sys.path.insert(0, str(ROOT / "bench"))
import machine  # noqa: E402

SECTIONS = [
    "Machine and versions",
    "Workload",
    "Targets",
    "Where the time goes, per certificate",
    "Library choices",
    "Transaction size",
    "Cost as the store grows",
    "Disclosure verification",
]
TINY = ["--records", "20", "--batch", "10", "--repeat", "1", "--sample", "4", "--verify-count", "5"]


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    return importlib.import_module("offchain")


@pytest.fixture(scope="module")
def report(bench: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("bench") / "offchain.md"
    assert (
        bench.main([*TINY, "--batch-sizes", "1", "5", "--out", str(out), "--workdir", str(out.parent)]) == 0
    )
    return out.read_text()


def tables(text: str) -> dict[str, list[list[str]]]:
    return machine.read_tables(text)


number = machine.number


def test_report__tiny_run__has_every_section_in_order(report):
    assert report.startswith("# Off-chain benchmark\n")
    assert re.findall(r"^## (.+)$", report, flags=re.MULTILINE) == SECTIONS
    assert "nan" not in report and "inf" not in report


def test_report__tiny_run__every_table_row_fills_its_header(report):
    found = tables(report)
    assert [title for title, rows in found.items() if rows] == [
        title for title in SECTIONS if title != "Workload"
    ]
    for title, rows in found.items():
        if title == "Workload":
            continue
        assert len(rows) >= 2, title
        assert all(len(row) == len(rows[0]) for row in rows), title


def test_report__tiny_run__records_machine_versions_and_load(report):
    machine = dict(row for row in tables(report)["Machine and versions"][1:])
    assert {
        "CPU",
        "memory",
        "Python",
        "SQLite",
        "pyrage",
        "SQLAlchemy",
        "rfc8785",
        "pydantic",
    } <= machine.keys()
    assert "safe-pysha3" in machine and "tiny-keccak" in machine
    phases = tables(report)["Where the time goes, per certificate"]
    assert phases[0] == ["phase", "µs", "CPU µs", "share", "load", "note"]
    assert all(number(row[1]) > 0 and number(row[2]) >= 0 and number(row[4]) >= 0 for row in phases[1:])


def test_report__tiny_run__judges_each_target(report):
    targets = tables(report)["Targets"][1:]
    assert len(targets) == 3
    assert all(row[4].startswith(("yes", "**no**")) for row in targets)
    assert "Native calls alone" in report


def test_report__tiny_run__measures_growth_at_the_requested_size(report):
    growth = tables(report)["Cost as the store grows"][1:]
    assert [row[0] for row in growth] == ["20"]
    assert number(growth[0][1]) == 40
    assert [row[0] for row in tables(report)["Transaction size"][1:]] == ["1", "5"]


def test_report__library_choices__package_keccak_is_a_correct_candidate(report):
    rows = tables(report)["Library choices"][1:]
    used = [row for row in rows if row[0].startswith("keccak256") and row[5] == "used"]
    assert len(used) == 2
    assert any("equal to rfc8785" in row[5] for row in rows)


@pytest.mark.parametrize("flag", ["--records", "--batch", "--repeat", "--sample", "--verify-count"])
def test_parse_args__size_below_one__is_refused(bench, flag, capsys):
    with pytest.raises(SystemExit):
        bench.parse_args([flag, "0"])
    assert f"{flag} must be at least 1" in capsys.readouterr().err
