"""Off-chain benchmark: commit + encrypt + store, disclosure verification, and cost as the store grows.

The workload is issue 4's: a USMCA certificate of 5 goods lines whose annex lists 20 materials
(`tests/offchain/commitment_samples.py`, documents shaped as the model dumps them). Storing one
certificate means committing the annex, committing the certificate (which holds the annex root),
then encrypting both openings with age, each to two keys (its owner and one reader), and inserting
both parts into a SQLite file on disk with `Store.put_many`, one transaction per batch.

Every figure is the best of `--repeat` runs, with the 1-minute load average beside it: the machine
has 2 cores and may be shared. Run from the repository root:

    python bench/offchain.py --out bench/offchain.md
"""

import argparse
import hashlib
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import rfc8785
from Crypto.Hash import keccak as cryptodome_keccak
from eth_utils import keccak as eth_keccak

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "offchain"))

import commitment_samples as samples  # noqa: E402
from machine import describe as describe_machine  # noqa: E402
from machine import load, table  # noqa: E402

from originproof import keys  # noqa: E402
from originproof._internal import keccak as package_keccak  # noqa: E402
from originproof._internal.canonical import canonicalize  # noqa: E402
from originproof.commitments import (  # noqa: E402
    OPENING_FORMAT,
    SALT_SIZE,
    Disclosure,
    Opening,
    commit,
    disclose,
    field_leaf,
    verify_disclosure,
)
from originproof.merkle import hash_pair  # noqa: E402
from originproof.model import parse_annex, parse_certificate  # noqa: E402
from originproof.store import NewPart, PartKind, Store, sealing  # noqa: E402

GOODS = 5
MATERIALS = 20
ANNEX_OWNER = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"

DISCLOSED = (
    "/agreement",
    "/annex_root",
    "/blanket/from",
    "/blanket/to",
    "/certifier_account",
    "/goods/0/hs_code",
    "/goods/0/origin_criterion",
    "/goods/1/hs_code",
    "/importer/name",
    "/producer/name",
)
"""The 10 fields of the disclosure whose verification is timed."""

TARGET_STORE_RATE = 1_000
TARGET_VERIFY_RATE = 5_000
FLAT_TOLERANCE = 0.80
"""Flat cost: the median rate at the largest store is at least this share of that at the smallest."""

CHECKPOINTS = (1_000, 10_000, 100_000, 1_000_000)
VERSIONED = ("pyrage", "SQLAlchemy", "tiny-keccak", "safe-pysha3", "rfc8785", "pydantic", "pydantic-core")
REGENERATE = "python bench/offchain.py --out bench/offchain.md"


@dataclass(frozen=True)
class Timing:
    """Seconds per operation by the wall clock and in this process's CPU time, and the load then.

    The wall clock is what the targets are judged on. CPU time (user + system) leaves out the time
    other processes held the cores, so it stays near the idle figure on a loaded machine; it also
    leaves out waiting for the disk.
    """

    seconds: float
    cpu: float
    load: float

    @property
    def micros(self) -> float:
        return self.seconds * 1e6

    @property
    def rate(self) -> float:
        return 1 / self.seconds

    @property
    def cpu_rate(self) -> float:
        return 1 / self.cpu


def clocked(run: Callable[..., object], *args: object) -> tuple[float, float]:
    """`run(*args)` once: (wall-clock seconds, CPU seconds)."""
    wall, cpu = time.perf_counter(), time.process_time()
    run(*args)
    return time.perf_counter() - wall, time.process_time() - cpu


def best_of(repeat: int, count: int, run: Callable[[], object]) -> Timing:
    """Time `run`, which does `count` operations, `repeat` times; keep the fastest, per operation."""
    walls, cpus = zip(*(clocked(run) for _ in range(repeat)), strict=True)
    return Timing(min(walls) / count, min(cpus) / count, load())


def repeated(count: int, operation: Callable[..., object], *args: object) -> Callable[[], None]:
    """A run for `best_of`: `operation(*args)`, `count` times, with nothing else in the loop."""

    def run() -> None:
        for _ in range(count):
            operation(*args)

    return run


class Workload:
    """The benchmark's certificate and annex, and the age keys of the three parties involved."""

    def __init__(self) -> None:
        self.certifier, self.importer, self.producer = (
            keys.public_key(keys.generate_identity()) for _ in range(3)
        )
        self.certificate = samples.certificate(GOODS)
        self.annex = samples.annex(MATERIALS)

    def commit(self) -> tuple[Opening, Opening]:
        """Commit to the annex, then to the certificate holding its root: (certificate, annex)."""
        annex = commit(self.annex)
        certificate = commit({**self.certificate, "annex_root": "0x" + annex.root.hex()})
        certificate.root  # noqa: B018 - the tree is built on first use; committing includes it.
        return certificate, annex

    def parts(self, certificate: Opening, annex: Opening) -> list[NewPart]:
        """Both openings as parts, each encrypted to its owner and one reader."""
        cert_hash = certificate.root
        return [
            NewPart(
                cert_hash,
                PartKind.CERTIFICATE,
                samples.CERTIFIER,
                self.certifier,
                certificate,
                (self.importer,),
            ),
            NewPart(cert_hash, PartKind.ANNEX, ANNEX_OWNER, self.producer, annex, (self.certifier,)),
        ]

    def store_batch(self, store: Store, size: int) -> None:
        """Commit, encrypt and store `size` certificates in one `put_many`."""
        store.put_many([part for _ in range(size) for part in self.parts(*self.commit())])


@contextmanager
def open_store(path: Path) -> Iterator[Store]:
    store = Store(f"sqlite:///{path}")
    try:
        yield store
    finally:
        store.close()


@dataclass(frozen=True)
class Row:
    """One measured line of a table: what, its timing, and a note."""

    name: str
    timing: Timing
    note: str = ""


@dataclass(frozen=True)
class Window:
    """A few batches stored right after the store reached `stored` certificates, timed per certificate."""

    stored: int
    batches: list[Timing]

    @property
    def best(self) -> float:
        return max(batch.rate for batch in self.batches)

    @property
    def median(self) -> float:
        return statistics.median(batch.rate for batch in self.batches)

    @property
    def cpu_median(self) -> float:
        return statistics.median(batch.cpu_rate for batch in self.batches)

    @property
    def load(self) -> float:
        return self.batches[-1].load


@dataclass
class Report:
    """Everything `render` writes."""

    args: argparse.Namespace
    started: datetime
    nodes: tuple[int, int]
    plaintexts: tuple[int, int]
    ciphertexts: tuple[int, int]
    keccak_calls: int
    commit: Timing | None = None
    total: Timing | None = None
    phases: list[Row] = field(default_factory=list)
    commit_detail: list[Row] = field(default_factory=list)
    libraries: list[tuple[str, str, Row]] = field(default_factory=list)
    floor: Timing | None = None
    batches: list[tuple[int, Timing]] = field(default_factory=list)
    windows: list[Window] = field(default_factory=list)
    fill: Timing | None = None
    database_bytes: int = 0
    verification: list[Row] = field(default_factory=list)
    disclosure_bytes: int = 0


def describe(workload: Workload, args: argparse.Namespace) -> Report:
    """The report's fixed facts: the sizes of the documents, their openings and ciphertexts."""
    certificate, annex = workload.commit()
    openings = (certificate.to_bytes(), annex.to_bytes())
    ciphertexts = [sealing.encrypt(data, (workload.certifier, workload.importer)) for data in openings]
    nodes = (len(certificate.salts), len(annex.salts))
    return Report(
        args=args,
        started=datetime.now(UTC),
        nodes=nodes,
        plaintexts=(len(openings[0]), len(openings[1])),
        ciphertexts=(len(ciphertexts[0]), len(ciphertexts[1])),
        # Two per leaf and one per inner node (n leaves make n - 1 of them).
        keccak_calls=sum(3 * n - 1 for n in nodes),
    )


def measure_phases(report: Report, workload: Workload, directory: Path) -> None:
    """Per-certificate cost of each phase, each timed alone over `--sample` certificates."""
    repeat, sample = report.args.repeat, report.args.sample
    openings = [workload.commit() for _ in range(sample)]
    plaintexts = [(c.to_bytes(), a.to_bytes()) for c, a in openings]
    two = (workload.certifier, workload.importer)

    def validate() -> None:
        for _ in range(sample):
            parse_certificate(workload.certificate).model_dump(mode="json")
            parse_annex(workload.annex).model_dump(mode="json")

    def serialize() -> None:
        for certificate, annex in openings:
            certificate.to_bytes()
            annex.to_bytes()

    def encrypt() -> None:
        for certificate, annex in plaintexts:
            sealing.encrypt(certificate, two)
            sealing.encrypt(annex, two)

    committing = best_of(repeat, sample, repeated(sample, workload.commit))
    serializing = best_of(repeat, sample, serialize)
    encrypting = best_of(repeat, sample, encrypt)
    putting = _put_many(workload, directory, openings, repeat)
    report.commit = committing
    report.total = Timing(committing.seconds + putting.seconds, committing.cpu + putting.cpu, putting.load)
    report.phases = [
        Row("commit the annex, then the certificate", committing),
        Row("serialize both openings (`Opening.to_bytes`)", serializing, "in `put_many`"),
        Row("encrypt both parts to 2 recipients each (pyrage)", encrypting, "in `put_many`"),
        Row(
            "store: checks, hashes, SQL insert and commit",
            Timing(
                max(putting.seconds - serializing.seconds - encrypting.seconds, 0.0),
                max(putting.cpu - serializing.cpu - encrypting.cpu, 0.0),
                putting.load,
            ),
            f"in `put_many` ({putting.micros:,.0f} µs) less the two rows above",
        ),
        Row("**commit + encrypt + store**", report.total, "the target's pipeline"),
        Row(
            "validate + `model_dump` both documents (pydantic)",
            best_of(repeat, sample, validate),
            "not in the target",
        ),
    ]
    _measure_commit_detail(report, workload)


def _put_many(
    workload: Workload, directory: Path, openings: list[tuple[Opening, Opening]], repeat: int
) -> Timing:
    """`put_many` alone, into a fresh store each run so that every run inserts the same certificates."""
    parts = [part for pair in openings for part in workload.parts(*pair)]
    runs = []
    for run in range(repeat):
        with open_store(directory / f"phases-{run}.db") as store:
            runs.append(clocked(store.put_many, parts))
    walls, cpus = zip(*runs, strict=True)
    return Timing(min(walls) / len(openings), min(cpus) / len(openings), load())


def _measure_commit_detail(report: Report, workload: Workload) -> None:
    """What committing one certificate costs, primitive by primitive, for both of its documents."""
    repeat, sample = report.args.repeat, report.args.sample
    certificate, annex = workload.commit()
    documents = (workload.annex, certificate.document)
    counts = [len(opening.salts) for opening in (certificate, annex)]
    leaves = [
        (opening.salts[pointer], pointer, value)
        for opening in (certificate, annex)
        for pointer, value in _leaves(opening)
    ]
    pair = (os.urandom(32), os.urandom(32))

    def canonical() -> None:
        for _ in range(sample):
            for document in documents:
                canonicalize(document, normalize=True)

    def salts() -> None:
        for _ in range(sample):
            for count in counts:
                os.urandom(SALT_SIZE * count)

    def leaf_hashes() -> None:
        for _ in range(sample):
            for salt, pointer, value in leaves:
                field_leaf(salt, pointer, value)

    def inner_nodes() -> None:
        for _ in range(sample):
            for _ in range(len(leaves) - 2):
                hash_pair(*pair)

    report.commit_detail = [
        Row("canonical copy and leaf values (JCS, NFC, pointers)", best_of(repeat, sample, canonical)),
        Row("salts: one `os.urandom` per document", best_of(repeat, sample, salts)),
        Row("leaf hashes: ABI encoding, 2 keccak256 per leaf", best_of(repeat, sample, leaf_hashes)),
        Row("inner nodes: 1 keccak256 per node", best_of(repeat, sample, inner_nodes)),
    ]


def _leaves(opening: Opening) -> list[tuple[str, bytes]]:
    _, leaves = canonicalize(opening.document, normalize=False)
    return leaves


def measure_libraries(report: Report, workload: Workload) -> None:
    """The candidates for each native primitive, each checked against a reference before it is timed."""
    repeat = report.args.repeat
    short, long = os.urandom(64), os.urandom(256)
    count = 20 * report.args.sample
    hashing = None
    for name, hash_function in _keccak_candidates():
        correct = all(hash_function(data) == eth_keccak(data) for data in (b"", short, long))
        used = hash_function is package_keccak.keccak
        for size, data in (("64 B", short), ("256 B", long)):
            timing = best_of(repeat, count, repeated(count, hash_function, data))
            note = ("used" if used else "") if correct else "**wrong**: NIST SHA3-256, not keccak256"
            report.libraries.append((f"keccak256 of {size}", name, Row(name, timing, note)))
            if used and data is short:
                hashing = timing

    _, annex = workload.commit()
    salts = {pointer: "0x" + salt.hex() for pointer, salt in annex.salts.items()}
    payload: dict[str, Any] = {"format": OPENING_FORMAT, "document": annex.document, "salts": salts}
    same = rfc8785.dumps(payload) == annex.to_bytes()
    writes, encryptions = max(report.args.sample // 5, 1), max(report.args.sample // 2, 1)
    for name, write, note in (
        ("rfc8785 `dumps`", lambda: rfc8785.dumps(payload), "reference"),
        (
            "`Opening.to_bytes`",
            annex.to_bytes,
            "used; " + ("equal to rfc8785" if same else "**differs from rfc8785**"),
        ),
    ):
        timing = best_of(repeat, writes, repeated(writes, write))
        report.libraries.append(
            (f"JCS of the annex opening ({report.plaintexts[1]:,} B)", name, Row(name, timing, note))
        )

    one, two = (workload.certifier,), (workload.certifier, workload.importer)
    ages = {}
    for label, data, recipients in (
        ("age, empty plaintext, 1 recipient", b"", one),
        ("age, empty plaintext, 2 recipients", b"", two),
        (f"age, annex opening ({report.plaintexts[1]:,} B), 2 recipients", annex.to_bytes(), two),
    ):
        timing = best_of(repeat, encryptions, repeated(encryptions, sealing.encrypt, data, recipients))
        ages[label] = timing
        report.libraries.append(
            (label, "pyrage `encrypt`", Row("pyrage", timing, "used; the only age binding"))
        )

    # What the native calls alone cost: every keccak256 (at the small-input price) and two age
    # encryptions to two recipients, with nothing for Python, JSON or SQL.
    assert hashing is not None, "the package's keccak256 is none of the candidates"
    x25519 = ages["age, empty plaintext, 2 recipients"]
    report.floor = Timing(
        report.keccak_calls * hashing.seconds + 2 * x25519.seconds,
        report.keccak_calls * hashing.cpu + 2 * x25519.cpu,
        load(),
    )


def _keccak_candidates() -> Iterator[tuple[str, Callable[[bytes], bytes]]]:
    """Every keccak256 binding installed, and hashlib's SHA3-256 to show why it is not one."""
    try:
        from tiny_keccak import keccak256

        yield "tiny-keccak `keccak256` (Rust)", keccak256
    except ImportError:
        pass
    try:
        from sha3 import keccak_256

        yield "safe-pysha3 `keccak_256` (C)", lambda data: keccak_256(data).digest()
    except ImportError:
        pass
    yield (
        "pycryptodome `keccak.new` (C)",
        lambda data: cryptodome_keccak.new(data=data, digest_bits=256).digest(),
    )
    yield "eth_utils `keccak` (eth-hash)", eth_keccak
    yield "hashlib `sha3_256`", lambda data: hashlib.sha3_256(data).digest()


def measure_verification(report: Report, workload: Workload) -> None:
    """A 10-field disclosure of the certificate, verified from memory and from its file's bytes."""
    certificate, _ = workload.commit()
    root = certificate.root
    disclosure = disclose(certificate, DISCLOSED, context=samples.context(root))
    data = disclosure.to_bytes()
    report.disclosure_bytes = len(data)
    repeat, count = report.args.repeat, report.args.verify_count
    report.verification = [
        Row(
            "a `Disclosure` in memory",
            best_of(repeat, count, repeated(count, verify_disclosure, disclosure, root)),
        ),
        Row(
            "the file's bytes (`Disclosure.from_bytes`, then verify)",
            best_of(
                repeat,
                count,
                repeated(count, lambda: verify_disclosure(Disclosure.from_bytes(data), root)),
            ),
        ),
    ]


def measure_batches(report: Report, workload: Workload, directory: Path) -> None:
    """The pipeline's rate by transaction size, each into a fresh store."""
    for size in report.args.batch_sizes:
        count = max(size, min(report.args.sample, 20 * size)) // size * size
        with open_store(directory / f"batch-{size}.db") as store:
            workload.store_batch(store, size)
            timing = best_of(
                report.args.repeat,
                count,
                repeated(count // size, workload.store_batch, store, size),
            )
        report.batches.append((size, timing))


def measure_growth(report: Report, workload: Workload, directory: Path) -> None:
    """The pipeline's rate in windows of `--repeat` batches taken as the store grows to `--records`."""
    args = report.args
    checkpoints = [mark for mark in CHECKPOINTS if mark < args.records] + [args.records]
    path = directory / "growth.db"
    stored, wall, cpu = 0, 0.0, 0.0
    with open_store(path) as store:
        for checkpoint in checkpoints:
            while stored < checkpoint:
                size = min(args.batch, checkpoint - stored)
                seconds, processor = clocked(workload.store_batch, store, size)
                stored, wall, cpu = stored + size, wall + seconds, cpu + processor
            batches = []
            for _ in range(args.repeat):
                seconds, processor = clocked(workload.store_batch, store, args.batch)
                stored, wall, cpu = stored + args.batch, wall + seconds, cpu + processor
                batches.append(Timing(seconds / args.batch, processor / args.batch, load()))
            report.windows.append(Window(checkpoint, batches))
    report.fill = Timing(wall / stored, cpu / stored, load())
    report.database_bytes = sum(file.stat().st_size for file in directory.glob(path.name + "*"))


# Rendering


def render(report: Report) -> str:
    """The report as markdown."""
    args = report.args
    assert report.commit and report.total and report.floor and report.fill
    lines = [
        "# Off-chain benchmark",
        "",
        f"Generated {report.started:%Y-%m-%d %H:%M} UTC by `{_command()}`. Each figure is the best of "
        f"{args.repeat} runs by the wall clock, which the targets are judged on; *CPU* is the same work "
        "in this process's CPU time (user + system), which leaves out the time other processes held the "
        "cores and the waits for the disk. *load* is the 1-minute load average when a figure was taken: "
        "the machine has 2 cores, so above 1 this benchmark was sharing them.",
        "",
        "## Machine and versions",
        "",
        *table(("", ""), describe_machine(VERSIONED)),
        "",
        "## Workload",
        "",
        f"One certificate: a USMCA blanket certificate of {GOODS} goods lines ({report.nodes[0]} nodes, "
        f"a {report.plaintexts[0]:,} B opening) and its annex of {MATERIALS} materials "
        f"({report.nodes[1]} nodes, a {report.plaintexts[1]:,} B opening), committed with fresh salts "
        f"({report.keccak_calls} keccak256 calls); both openings encrypted with age, each to two recipients "
        f"({report.ciphertexts[0]:,} B and {report.ciphertexts[1]:,} B), and stored as two parts (with 4 "
        "recipient rows and 1 certificate row) in a SQLite file on disk (WAL) by `Store.put_many`.",
        "",
        "## Targets",
        "",
        *table(("target", "measured", "by CPU time", "load", "met"), _targets(report)),
        "",
        f"Native calls alone ({report.keccak_calls} keccak256 and 2 age encryptions to 2 recipients, "
        f"with no Python, JSON or SQL around them) cost {report.floor.micros:,.0f} µs per certificate "
        f"({report.floor.cpu * 1e6:,.0f} µs CPU): {report.floor.rate:,.0f} certificates/s "
        f"({report.floor.cpu_rate:,.0f} by CPU time) would be the ceiling if everything else were free.",
        "",
        "## Where the time goes, per certificate",
        "",
        f"Each phase timed alone over {args.sample:,} certificates; shares are of commit + encrypt + store.",
        "",
        *table(("phase", "µs", "CPU µs", "share", "load", "note"), _rows(report.phases, report.total)),
        "",
        "Inside commit (both documents):",
        "",
        *table(
            ("primitive", "µs", "CPU µs", "share of commit", "load", "note"),
            _rows(report.commit_detail, report.commit),
        ),
        "",
        "## Library choices",
        "",
        "Each keccak256 candidate is checked against eth_utils on three inputs before it is timed; "
        "`Opening.to_bytes` against the rfc8785 package.",
        "",
        *table(
            ("operation", "library", "µs", "CPU µs", "load", "note"),
            [
                (
                    what,
                    name,
                    f"{row.timing.micros:.2f}",
                    f"{row.timing.cpu * 1e6:.2f}",
                    f"{row.timing.load:.2f}",
                    row.note,
                )
                for what, name, row in report.libraries
            ],
        ),
        "",
        "## Transaction size",
        "",
        "Commit + encrypt + store, by certificates per `put_many` transaction, each into a fresh store.",
        "",
        *table(
            ("certificates per transaction", "certificates/s", "by CPU time", "load"),
            [
                (f"{size:,}", f"{timing.rate:,.0f}", f"{timing.cpu_rate:,.0f}", f"{timing.load:.2f}")
                for size, timing in report.batches
            ],
        ),
        "",
        "## Cost as the store grows",
        "",
        f"Commit + encrypt + store in batches of {args.batch:,} certificates (one transaction each); "
        f"{args.repeat} batches timed right after the store reached each size. Each certificate adds two "
        "part records.",
        "",
        *table(
            (
                "certificates stored",
                "part records",
                "best certificates/s",
                "median",
                "median by CPU time",
                "load",
            ),
            [
                (
                    f"{window.stored:,}",
                    f"{2 * window.stored:,}",
                    f"{window.best:,.0f}",
                    f"{window.median:,.0f}",
                    f"{window.cpu_median:,.0f}",
                    f"{window.load:.2f}",
                )
                for window in report.windows
            ],
        ),
        "",
        f"The whole fill, every batch included, ran at {report.fill.rate:,.0f} certificates/s "
        f"({report.fill.cpu_rate:,.0f} by CPU time, load {report.fill.load:.2f}); the database and its "
        f"WAL took {report.database_bytes / 2**20:,.0f} MiB at the end.",
        "",
        "## Disclosure verification",
        "",
        f"A disclosure of {len(DISCLOSED)} certificate fields ({report.disclosure_bytes:,} B file) checked "
        "against the certificate hash by `verify_disclosure`.",
        "",
        *table(
            ("verifying", "µs", "verifications/s", "by CPU time", "load"),
            [
                (
                    row.name,
                    f"{row.timing.micros:.1f}",
                    f"{row.timing.rate:,.0f}",
                    f"{row.timing.cpu_rate:,.0f}",
                    f"{row.timing.load:.2f}",
                )
                for row in report.verification
            ],
        ),
        "",
    ]
    return "\n".join(lines)


def _targets(report: Report) -> list[tuple[str, str, str, str, str]]:
    best = max(report.windows, key=lambda window: window.best)
    batch = max(best.batches, key=lambda timing: timing.rate)
    from_bytes = report.verification[-1].timing
    first, last = report.windows[0], report.windows[-1]
    ratio, cpu_ratio = last.median / first.median, last.cpu_median / first.cpu_median
    return [
        (
            f"commit + encrypt + store ≥ {TARGET_STORE_RATE:,} certificates/s",
            f"{batch.rate:,.0f}/s (best batch of {report.args.batch:,}, {best.stored:,} stored)",
            f"{batch.cpu_rate:,.0f}/s",
            f"{batch.load:.2f}",
            _met(batch.rate >= TARGET_STORE_RATE),
        ),
        (
            f"verify a disclosure ≥ {TARGET_VERIFY_RATE:,}/s",
            f"{from_bytes.rate:,.0f}/s from the file's bytes",
            f"{from_bytes.cpu_rate:,.0f}/s",
            f"{from_bytes.load:.2f}",
            _met(from_bytes.rate >= TARGET_VERIFY_RATE),
        ),
        (
            f"flat cost from {first.stored:,} to {last.stored:,} certificates stored",
            f"median rate at {last.stored:,} is {ratio:.0%} of that at {first.stored:,}",
            f"{cpu_ratio:.0%}",
            f"{last.load:.2f}",
            _met(ratio >= FLAT_TOLERANCE) + f" (≥ {FLAT_TOLERANCE:.0%})",
        ),
    ]


def _met(ok: bool) -> str:
    return "yes" if ok else "**no**"


def _rows(rows: Sequence[Row], whole: Timing) -> list[tuple[str, ...]]:
    return [
        (
            row.name,
            f"{row.timing.micros:,.1f}",
            f"{row.timing.cpu * 1e6:,.1f}",
            f"{row.timing.seconds / whole.seconds:.0%}",
            f"{row.timing.load:.2f}",
            row.note,
        )
        for row in rows
    ]


def _command() -> str:
    return " ".join(["python", "bench/offchain.py", *sys.argv[1:]]) if sys.argv[1:] else REGENERATE


# Command line


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="write the markdown report here (default: standard output)")
    parser.add_argument(
        "--records", type=int, default=100_000, help="certificates stored by the end of the growth run"
    )
    parser.add_argument("--batch", type=int, default=1_000, help="certificates per put_many transaction")
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure (the best is kept)")
    parser.add_argument("--sample", type=int, default=1_000, help="certificates per phase measurement")
    parser.add_argument("--verify-count", type=int, default=5_000, help="verifications per run")
    parser.add_argument(
        "--batch-sizes", type=int, nargs="+", default=[1, 10, 100, 1_000], help="transaction sizes compared"
    )
    parser.add_argument(
        "--workdir", type=Path, help="where the SQLite files go (default: the system's temporary directory)"
    )
    args = parser.parse_args(argv)
    for name in ("records", "batch", "repeat", "sample", "verify_count"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    if min(args.batch_sizes) < 1:
        parser.error("--batch-sizes must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    workload = Workload()
    report = describe(workload, args)
    with tempfile.TemporaryDirectory(dir=args.workdir, prefix="offchain-bench-") as scratch:
        directory = Path(scratch)
        measure_phases(report, workload, directory)
        measure_libraries(report, workload)
        measure_verification(report, workload)
        measure_batches(report, workload, directory)
        measure_growth(report, workload, directory)
    text = render(report)
    if args.out:
        args.out.write_text(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
