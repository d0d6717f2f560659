"""The pilot on the embedded chain: played in process (every step's outcome, its transactions, the
report's shape and totals), and as `ape run pilot` (the printed table, the report path printed last)."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pilot_expected import EXAMPLES, REPO, STEPS, TRANSACTIONS, observed

from originproof.chain import TxResult
from originproof.deployments import CONTRACTS
from originproof.errors import ValidationError
from originproof.pilot import scenario
from originproof.pilot.report import PilotReport, Step
from originproof.pilot.scenario import Observed, Planned

TX_HASH = re.compile(r"0x[0-9a-f]{64}")
APE = str(Path(sys.executable).with_name("ape"))


@pytest.fixture(scope="module")
def report(accounts, chain, tmp_path_factory) -> PilotReport:
    """One whole pilot, played once for the module on ape's embedded chain."""
    return scenario.run(EXAMPLES, tmp_path_factory.mktemp("pilot"), accounts, chain.provider.network_choice)


def _steps(report: PilotReport) -> list[tuple[str, str, int, str]]:
    return [(step.name, step.actor, len(step.transactions), step.outcome) for step in report.steps]


# In process


def test_pilot__every_step_observes_its_expected_outcome(report):
    assert _steps(report) == STEPS
    assert report.passed
    assert report.failure() is None
    assert all(step.passed for step in report.steps)


def test_pilot__every_transaction_is_mined_with_the_gas_it_reports(report, chain):
    transactions = [tx for step in report.steps for tx in step.transactions]
    assert len({tx.tx_hash for tx in transactions}) == len(transactions) == TRANSACTIONS
    for tx in transactions:
        receipt = chain.provider.get_receipt(tx.tx_hash)
        assert not receipt.failed, tx
        assert (int(receipt.gas_used), int(receipt.block_number)) == (tx.gas_used, tx.block_number), tx
        assert tx.gas_used > 21_000


def test_pilot__deploys_the_three_contracts_it_reports(report, chain):
    deployment = report.deployment
    assert deployment is not None
    assert (deployment.chain_id, report.chain_id) == (chain.chain_id, chain.chain_id)
    assert report.network == "ethereum:local:test"
    for name in CONTRACTS:
        assert chain.provider.get_code(getattr(deployment, name.lower())), name
    deployed = [tx.name for tx in report.steps[0].transactions]
    assert deployed == [f"deploy {name}" for name in CONTRACTS]


def test_pilot__totals_add_up(report):
    totals = report.totals
    assert totals.steps == len(STEPS)
    assert totals.transactions == TRANSACTIONS
    assert totals.gas_used == sum(tx.gas_used for step in report.steps for tx in step.transactions)
    assert totals.chain_seconds <= sum(step.seconds for step in report.steps) <= totals.seconds


def test_pilot__runs_in_under_a_minute(report):
    assert report.seconds < 60, report.table()


def test_pilot__json_report(report, tmp_path):
    path = report.write(tmp_path / "report.json")
    data = json.loads(path.read_text(encoding="utf-8"))

    assert set(data) == {"format", "network", "deployment", "steps", "totals", "passed", "failed_step"}
    assert data["format"] == "originproof-pilot-report/1"
    assert data["network"] == {"choice": "ethereum:local:test", "chain_id": report.chain_id}
    assert data["deployment"]["certificates"] == report.deployment.certificates
    assert (data["passed"], data["failed_step"]) == (True, None)
    assert observed(data) == STEPS
    assert [step["number"] for step in data["steps"]] == list(range(1, len(STEPS) + 1))
    for step in data["steps"]:
        assert step["passed"] and step["expected"] == step["outcome"]
        assert step["gas_used"] == sum(tx["gas_used"] for tx in step["transactions"])
        for tx in step["transactions"]:
            assert set(tx) == {"name", "tx_hash", "gas_used", "block"}
            assert TX_HASH.fullmatch(tx["tx_hash"])
    assert data["totals"]["transactions"] == TRANSACTIONS
    assert data["totals"]["gas_used"] == report.totals.gas_used


def test_pilot__a_wrong_ruling_fails_at_that_step(accounts, chain, tmp_path):
    examples = shutil.copytree(EXAMPLES, tmp_path / "examples")
    # The boiler customs must deny now carries the qualifying annex: customs affirms it.
    shutil.copy(
        examples / "usmca-single-boiler.annex.json", examples / "usmca-single-boiler-vnm-52000.annex.json"
    )

    run = scenario.run(examples, tmp_path / "run", accounts, chain.provider.network_choice)

    names = [name for name, _actor, _count, _outcome in STEPS]
    assert run.failed == "rule on boiler (VNM 52,000)"
    assert [step.name for step in run.steps] == names[: names.index(run.failed) + 1]
    assert run.steps[-1].outcome == "AFFIRMED: RVC 68.3% ≥ 60%"
    assert run.failure() == (
        "pilot failed at step 'rule on boiler (VNM 52,000)': AFFIRMED: RVC 68.3% ≥ 60% "
        "(expected: DENIED: RVC 56.7% < 60%)"
    )
    table = run.table()
    assert "AFFIRMED: RVC 68.3% ≥ 60%  [expected: DENIED: RVC 56.7% < 60%]" in table
    assert table.endswith("FAILED at step 'rule on boiler (VNM 52,000)'")


def test_run__an_error_is_an_unexpected_outcome_and_stops_the_pilot(monkeypatch, tmp_path):
    ran = []

    def refuse() -> Observed:
        raise ValidationError("certificate.json: goods[0].hs_code: HS code must be 6 digits")

    def plan(self) -> list[Planned]:
        return [
            Planned("first", "customs", "done", lambda: Observed("done")),
            Planned("second", "producer", "ACTIVE", refuse),
            Planned("third", "importer", "never", lambda: ran.append("third") or Observed("never")),
        ]

    monkeypatch.setattr(scenario.Pilot, "plan", plan)

    run = scenario.run(EXAMPLES, tmp_path, [], "ethereum:local:test")

    assert ran == []
    assert [step.name for step in run.steps] == ["first", "second"]
    assert run.failed == "second"
    assert run.steps[-1].outcome == "error: certificate.json: goods[0].hs_code: HS code must be 6 digits"
    assert run.deployment is None
    assert run.to_json()["passed"] is False


# The table

_CELL = (
    st.text(alphabet=st.characters(codec="ascii", categories=("L", "N", "P", "Zs")), min_size=1, max_size=30)
    .map(str.strip)
    .filter(bool)
)


@st.composite
def _step(draw: st.DrawFn) -> Step:
    count = draw(st.integers(min_value=0, max_value=3))
    transactions = tuple(
        TxResult(
            f"tx{i}", "0x" + f"{draw(st.integers(0, 2**256 - 1)):064x}", draw(st.integers(0, 10**8)), i, 0.1
        )
        for i in range(count)
    )
    outcome = draw(_CELL)
    return Step(
        name=draw(_CELL),
        actor=draw(_CELL),
        expected=outcome if draw(st.booleans()) else draw(_CELL),
        outcome=outcome,
        seconds=draw(st.floats(min_value=0, max_value=1_000)),
        transactions=transactions,
    )


@settings(max_examples=50, deadline=None)
@given(steps=st.lists(_step(), min_size=1, max_size=8))
def test_table__columns_line_up_whatever_the_cells(steps):
    report = PilotReport("ethereum:local:test", 1337, None, tuple(steps), seconds=1.0)

    lines = report.table().splitlines()
    header, rows = lines[0], lines[1 : 1 + len(steps)]

    outcome_at = header.index("outcome")
    gas_ends_at = header.index(" gas ") + len(" gas")
    for row, step in zip(rows, steps, strict=True):
        assert row[outcome_at:].startswith(step.outcome)
        assert row[:gas_ends_at].endswith(f"{step.gas_used:,}")
        assert step.passed or row.endswith(f"[expected: {step.expected}]")
    assert lines[1 + len(steps)].startswith(
        f"totals: {len(steps)} steps, {report.totals.transactions} transactions"
    )


# `ape run pilot`


def _ape_run(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [APE, "run", "pilot", *arguments], cwd=REPO, capture_output=True, text=True, timeout=300, check=False
    )


def test_ape_run_pilot__prints_the_table_and_the_report_path_last(tmp_path):
    path = tmp_path / "report.json"

    done = _ape_run("--report", str(path))

    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[-1] == str(path.resolve())
    header = next(index for index, line in enumerate(lines) if line.lstrip().startswith("#  step"))
    rows = lines[header + 1 : header + 1 + len(STEPS)]
    for number, (row, (name, actor, _count, outcome)) in enumerate(zip(rows, STEPS, strict=True), start=1):
        assert row.split()[0] == str(number)
        assert name in row and actor in row and row.endswith(outcome)
    assert lines[header + 1 + len(STEPS)].startswith(
        f"totals: {len(STEPS)} steps, {TRANSACTIONS} transactions"
    )
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["passed"] is True
    assert observed(data) == STEPS


def test_ape_run_pilot__a_failing_step_exits_non_zero_naming_it(tmp_path):
    examples = shutil.copytree(EXAMPLES, tmp_path / "examples")
    boiler = examples / "usmca-single-boiler.certificate.json"
    boiler.write_text(boiler.read_text(encoding="utf-8").replace('"840211"', '"84021"'), encoding="utf-8")
    path = tmp_path / "report.json"

    done = _ape_run("--examples", str(examples), "--report", str(path))

    assert done.returncode == 1
    assert "pilot failed at step 'certify USMCA boiler (VNM 38,000)': error: " in done.stderr
    assert "hs_code" in done.stderr
    assert done.stdout.splitlines()[-1] == str(path.resolve())
    data = json.loads(path.read_text(encoding="utf-8"))
    assert (data["passed"], data["failed_step"]) == (False, "certify USMCA boiler (VNM 38,000)")
    assert len(data["steps"]) == 3
