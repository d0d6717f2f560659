"""What a benchmark report records beside its figures: the machine, the versions, the load; and its tables."""

import os
import platform
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
