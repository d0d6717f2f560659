"""What a benchmark report records beside its figures: the machine, the versions, the load; and its tables."""

import os
import platform
import re
import sqlite3
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path


def load() -> float:
    """The 1-minute load average: how busy the shared machine was around a figure."""
    return os.getloadavg()[0]


def describe(packages: Sequence[str]) -> list[tuple[str, str]]:
    """CPU, memory, system, Python and SQLite, then the installed version of each of `packages`."""
    cpu = _proc_field("/proc/cpuinfo", "model name") or platform.processor()
    rows = [
        ("CPU", f"{cpu}, nproc {os.cpu_count()}"),
        ("memory", _memory()),
        ("system", platform.platform()),
        ("Python", f"{platform.python_implementation()} {platform.python_version()}"),
        ("SQLite", sqlite3.sqlite_version),
    ]
    for name in packages:
        try:
            rows.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            rows.append((name, "not installed"))
    return rows


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """A markdown table, as lines."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def _proc_field(path: str, name: str) -> str:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(name):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return ""


def _memory() -> str:
    total = _proc_field("/proc/meminfo", "MemTotal")
    return f"{int(total.split()[0]) / 2**20:.1f} GiB" if total else "unknown"


def read_tables(text: str, heading: str = "## ") -> dict[str, list[list[str]]]:
    """Each section's first table, as rows of cells (header first, separator dropped): how the tests
    read a report back. `heading` is the markdown prefix that starts a section ("##+ " for subsections too).
    """
    found: dict[str, list[list[str]]] = {}
    for section in re.split(rf"^{heading}", text, flags=re.MULTILINE)[1:]:
        title, _, body = section.partition("\n")
        blocks = [block.strip() for block in body.split("\n\n") if block.strip().startswith("|")]
        rows = blocks[0].splitlines() if blocks else []
        found[title] = [
            [cell.strip() for cell in row.strip("|").split("|")] for row in rows if "---" not in row
        ]
    return found


def number(cell: str) -> float:
    """The leading figure of a table cell such as "1,234/s (best of 3)"."""
    return float(cell.replace(",", "").split()[0].removesuffix("/s"))
