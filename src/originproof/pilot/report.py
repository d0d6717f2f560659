"""The pilot's report: one row per step (actor, transactions, gas, time, outcome), totals, and its JSON.

A step passes when the outcome it observed (read back from the chain, the store or the rules) is
exactly the outcome the scenario expected; the first step that does not stops the pilot.
"""

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from originproof.chain import TxResult
from originproof.deployments import Deployment

REPORT_FORMAT = "originproof-pilot-report/1"


@dataclass(frozen=True)
class Step:
    """One step as it ran: who acted, the transactions it sent, its wall time and what it observed."""

    name: str
    actor: str
    expected: str
    outcome: str
    seconds: float
    transactions: tuple[TxResult, ...] = ()

    @property
    def passed(self) -> bool:
        return self.outcome == self.expected

    @property
    def gas_used(self) -> int:
        return sum(transaction.gas_used for transaction in self.transactions)

    @property
    def chain_seconds(self) -> float:
        """The part of `seconds` spent sending transactions and waiting for their receipts."""
        return sum(transaction.seconds for transaction in self.transactions)

    def to_json(self, number: int) -> dict[str, Any]:
        return {
            "number": number,
            "name": self.name,
            "actor": self.actor,
            "transactions": [
                {"name": tx.name, "tx_hash": tx.tx_hash, "gas_used": tx.gas_used, "block": tx.block_number}
                for tx in self.transactions
            ],
            "gas_used": self.gas_used,
            "seconds": round(self.seconds, 3),
            "chain_seconds": round(self.chain_seconds, 3),
            "expected": self.expected,
            "outcome": self.outcome,
            "passed": self.passed,
        }


@dataclass(frozen=True)
class Totals:
    steps: int
    transactions: int
    gas_used: int
    seconds: float
    chain_seconds: float

    @classmethod
    def of(cls, steps: Sequence[Step], seconds: float) -> "Totals":
        """The totals of `steps`; `seconds` is the whole run's wall time, set-up included."""
        return cls(
            steps=len(steps),
            transactions=sum(len(step.transactions) for step in steps),
            gas_used=sum(step.gas_used for step in steps),
            seconds=seconds,
            chain_seconds=sum(step.chain_seconds for step in steps),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "steps": self.steps,
            "transactions": self.transactions,
            "gas_used": self.gas_used,
            "seconds": round(self.seconds, 3),
            "chain_seconds": round(self.chain_seconds, 3),
        }


@dataclass(frozen=True)
class PilotReport:
    """A whole run: where it ran, the deployment it made, its steps and their totals.

    `failed` names the step whose outcome was not the expected one (the last step listed), or is
    None when every step passed.
    """

    network: str
    chain_id: int
    deployment: Deployment | None
    steps: tuple[Step, ...]
    seconds: float
    failed: str | None = None

    @property
    def passed(self) -> bool:
        return self.failed is None

    @property
    def totals(self) -> Totals:
        return Totals.of(self.steps, self.seconds)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": REPORT_FORMAT,
            "network": {"choice": self.network, "chain_id": self.chain_id},
            "deployment": None if self.deployment is None else asdict(self.deployment),
            "steps": [step.to_json(number) for number, step in enumerate(self.steps, start=1)],
            "totals": self.totals.to_json(),
            "passed": self.passed,
            "failed_step": self.failed,
        }

    def failure(self) -> str | None:
        """What went wrong, in one line naming the step; None when every step passed."""
        if self.failed is None:
            return None
        step = self.steps[-1]
        return f"pilot failed at step {step.name!r}: {step.outcome} (expected: {step.expected})"

    def write(self, path: Path) -> Path:
        """Write the report as JSON to `path`; the path, resolved."""
        path.write_text(json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return path.resolve()

    def table(self) -> str:
        """The steps as aligned columns for a terminal, then the totals line."""
        header = ("#", "step", "actor", "txs", "first transaction", "gas", "seconds", "outcome")
        rows = [
            (
                str(number),
                step.name,
                step.actor,
                str(len(step.transactions)),
                _short(step.transactions[0].tx_hash) if step.transactions else "-",
                f"{step.gas_used:,}",
                f"{step.seconds:.2f}",
                step.outcome if step.passed else f"{step.outcome}  [expected: {step.expected}]",
            )
            for number, step in enumerate(self.steps, start=1)
        ]
        totals = self.totals
        lines = _aligned([header, *rows], right={0, 3, 5, 6})
        lines.append(
            f"totals: {totals.steps} steps, {totals.transactions} transactions, {totals.gas_used:,} gas, "
            f"{totals.seconds:.2f} s ({totals.chain_seconds:.2f} s sending transactions)"
        )
        if self.failed is not None:
            lines.append(f"FAILED at step {self.failed!r}")
        return "\n".join(lines)


def _short(tx_hash: str) -> str:
    return f"{tx_hash[:10]}…{tx_hash[-4:]}"


def _aligned(rows: Iterable[Sequence[str]], right: set[int]) -> list[str]:
    """Rows padded to their columns' widths; the columns in `right` (numbers) right-aligned."""
    rows = list(rows)
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    last = len(widths) - 1
    return [
        "  ".join(
            cell.rjust(widths[column])
            if column in right
            else (cell if column == last else cell.ljust(widths[column]))
            for column, cell in enumerate(row)
        )
        for row in rows
    ]
