"""End-to-end benchmark on anvil: certify in batches and one by one, verify, and the pilot.

    python bench/e2e.py --out bench/e2e.md

Issue 5's targets, measured through the library calls the CLI makes (`flows.certify`: read and
validate the files, commit, encrypt, store, register; `flows.verify` over a `ChainReader`). It starts
its own anvil (the native binary `originproof node` runs) on a free loopback port, deploys the three
contracts, enrolls an exporter and the producer owning the annexes, then certifies certificate files
written for the run: `--batches` batches of `--batch` certificates, each registered as one root,
`--singles` certificates registered one transaction each, single certificates, and a few runs of the
`originproof certify FILE` command itself. One more batch and one-by-one run go with a timer around
every phase (validation, commitments, encryption, store, chain) to show where the time goes.
Verification is timed on a warm connection; the pilot runs as `ape run pilot` on the embedded chain.

Every figure comes with the process's CPU time and the 1-minute load average: the machine has 2
cores and may be shared, and anvil's own work is in another process, so it shows in the wall clock
only. Rates are the best run's; the load is recorded, never corrected for.
"""

import argparse
import gc
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "offchain"))

import commitment_samples as samples  # noqa: E402
from ape import accounts, chain, networks  # noqa: E402
from ape.logging import logger  # noqa: E402
from machine import describe, load, table  # noqa: E402
from web3 import HTTPProvider  # noqa: E402

from originproof import deployments, keys, node  # noqa: E402
from originproof._internal.keccak import keccak  # noqa: E402
from originproof.chain import ChainClient, ChainReader  # noqa: E402
from originproof.commitments import Opening  # noqa: E402
from originproof.enums import Role  # noqa: E402
from originproof.errors import ChainError, IntegrityError  # noqa: E402
from originproof.flows import certify as certify_flow  # noqa: E402
from originproof.flows import verify as verify_flow  # noqa: E402
from originproof.flows._common import Party  # noqa: E402
from originproof.flows.disclose import disclose_stored  # noqa: E402
from originproof.merkle import StandardMerkleTree  # noqa: E402
from originproof.store import PartKind, Store, sealing  # noqa: E402
from originproof.store.registrations import Registrations  # noqa: E402
from originproof.workspace import Workspace  # noqa: E402

REGENERATE = "python bench/e2e.py --out bench/e2e.md"
APE = str(Path(sys.executable).with_name("ape"))
ORIGINPROOF = str(Path(sys.executable).with_name("originproof"))

GOODS = 5
MATERIALS = 20
ANNEX_OWNER = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"
CUSTOMS, EXPORTER, PRODUCER = 0, 1, 2
"""Test account indexes: the deployer, the workload's certifier and its annexes' owner."""
USED_ON = date(2025, 6, 1)
"""The day verified certificates are used: inside the workload's 2025 blanket period."""

DISCLOSED = (
    "/agreement",
    "/blanket/from",
    "/blanket/to",
    "/certifier_account",
    "/goods/0/hs_code",
    "/goods/0/origin_criterion",
    "/goods/1/hs_code",
    "/importer/name",
    "/producer/name",
    "/signature/date",
)
"""The 10 fields of the disclosures whose verification is timed."""

TARGET_BATCH_RATE = 500
TARGET_SINGLE_RATE = 20
TARGET_VERIFY_P50 = 0.020
TARGET_PILOT_SECONDS = 60
VERSIONED = (
    "eth-ape",
    "ape-foundry",
    "web3",
    "SQLAlchemy",
    "pyrage",
    "pydantic",
    "pydantic-core",
    "tiny-keccak",
)
WARM_UP = 5
"""Verifications run before timing, so the connection and the reader's chain check are warm."""


@dataclass(frozen=True)
class Run:
    """One timed run of `count` certificates: wall-clock and CPU seconds, and the load after it."""

    count: int
    seconds: float
    cpu: float
    load: float

    @property
    def rate(self) -> float:
        return self.count / self.seconds

    @property
    def cpu_rate(self) -> float:
        return self.count / self.cpu


# The node and the parties


@contextmanager
def anvil(port: int, log: Path) -> Iterator[str]:
    """anvil on `port` with the flags `originproof node start` gives it, less the state file; its URL."""
    command = [
        node.anvil_binary(),
        "--host", node.HOST,
        "--port", str(port),
        "--chain-id", str(node.CHAIN_ID),
        "--mnemonic", node.TEST_MNEMONIC,
        "--accounts", str(node.ACCOUNTS),
        "--balance", str(node.BALANCE_ETH),
    ]  # fmt: skip
    url = node.rpc_url(port)
    with log.open("wb") as output:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=output, stderr=output)
    try:
        deadline = time.monotonic() + 30
        while not _answers(url):
            if process.poll() is not None or time.monotonic() > deadline:
                raise ChainError(f"anvil did not start on {url}: {log.read_text()[-2_000:]}")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def _answers(url: str) -> bool:
    try:
        node.rpc(url, "eth_chainId", timeout=1.0)
    except ChainError:
        return False
    return True


def free_port() -> int:
    """A loopback port nothing listens on now, chosen by the kernel."""
    with socket.socket() as probe:
        probe.bind((node.HOST, 0))
        return int(probe.getsockname()[1])


@dataclass
class World:
    """The deployment on anvil, the exporter certifying (its party and age identity) and its files."""

    url: str
    party: Party
    directory: Path
    written: int = 0

    @property
    def store(self) -> Store:
        return self.party.store

    def files(self, count: int) -> list[Path]:
        """`count` new certificate files, each with its annex beside it: distinct certificates."""
        folder = self.directory / "files"
        folder.mkdir(exist_ok=True)
        paths = []
        for _ in range(count):
            self.written += 1
            certificate = samples.certificate(GOODS)
            del certificate["annex_root"]
            certificate["goods"][0]["description"] += f", lot {self.written}"
            path = folder / f"c{self.written:06d}.certificate.json"
            path.write_text(json.dumps(certificate, ensure_ascii=False, indent=2), encoding="utf-8")
            annex = json.dumps(samples.annex(MATERIALS), ensure_ascii=False, indent=2)
            certify_flow.annex_path_for(path).write_text(annex, encoding="utf-8")
            paths.append(path)
        return paths


def build_world(url: str, directory: Path) -> World:
    """Deploy, enroll the exporter and the annexes' owner (the producer) with age keys, open the store."""
    customs, exporter, producer = (accounts.test_accounts[index] for index in (CUSTOMS, EXPORTER, PRODUCER))
    if (exporter.address, producer.address) != (samples.CERTIFIER, ANNEX_OWNER):
        raise IntegrityError("the workload's certifier and annex owner are not test accounts 1 and 2")
    deployment = deployments.deploy(None, chain, customs)
    client = ChainClient.connect(deployment)
    identity = keys.generate_identity()
    client.enroll(customs, exporter, Role.EXPORTER, keccak(b"exporter"), keys.public_key(identity))
    client.enroll(
        customs, producer, Role.PRODUCER, keccak(b"producer"), keys.public_key(keys.generate_identity())
    )
    home = directory / "exporter"
    home.mkdir()
    keys.write_identity(home / "identity.txt", identity)
    deployments.record(deployment, home / "deployments.json")
    return World(url, Party(Workspace(home), client, exporter), directory)


# Certifying


def certify_files(world: World, paths: Sequence[Path], *, batch: bool) -> Run:
    """Read, validate and certify `paths` in one `certify` call, as `originproof certify` does.

    Each run starts from a collected heap, as a fresh `originproof certify` process does: otherwise
    the cyclic collector's work left over from one run (writing files, the previous run) lands in the next.
    """
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    outcomes = certify_flow.certify(world.party, certify_flow.read_submissions(paths), batch=batch)
    run = Run(len(paths), time.perf_counter() - wall, time.process_time() - cpu, load())
    if len(outcomes) != len(paths) or not all(outcome.registered_now for outcome in outcomes):
        raise IntegrityError("certify: not every certificate was registered by this run")
    if batch and len({outcome.tx_hash for outcome in outcomes}) != 1:
        raise IntegrityError("certify --batch: the certificates were not registered by one transaction")
    return run


def certify_by_cli(world: World, path: Path) -> Run:
    """`originproof certify FILE` in a process of its own, as a user types it, against the same node."""
    command = [ORIGINPROOF, "--home", str(world.party.workspace.home), "--json", "certify", str(path)]
    # The party's home alone, whatever store, identity or network the environment names.
    environment = {name: value for name, value in os.environ.items() if not name.startswith("ORIGINPROOF_")}
    wall, cpu = time.perf_counter(), _children_cpu()
    done = subprocess.run(
        [*command, "--network", world.url, "--account", f"TEST::{EXPORTER}"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    run = Run(1, time.perf_counter() - wall, _children_cpu() - cpu, load())
    if done.returncode != 0 or json.loads(done.stdout)[0]["registered"] != "now":
        raise IntegrityError(f"originproof certify failed ({done.returncode}): {done.stderr[-2_000:]}")
    return run


def _children_cpu() -> float:
    times = os.times()
    return times.children_user + times.children_system


class Stopwatch:
    """Exclusive time per phase: functions wrapped with a timer, each call's inner timed calls left out.

    Wrapping costs about a microsecond a call, a few calls per certificate: the phase runs are timed
    apart from the rate runs, and their total is reported beside them. JSON-RPC requests are also
    counted by method.
    """

    def __init__(self) -> None:
        self.spent: dict[str, float] = defaultdict(float)
        self.requests: Counter[str] = Counter()
        self._inner: list[float] = []

    def timed(self, phase: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed_call(*args: Any, **kwargs: Any) -> Any:
            self._inner.append(0.0)
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                elapsed = time.perf_counter() - started
                self.spent[phase] += elapsed - self._inner.pop()
                if self._inner:
                    self._inner[-1] += elapsed

        return timed_call

    def counted(self, function: Callable[..., Any]) -> Callable[..., Any]:
        """`HTTPProvider._make_request(method, data)`, counting each method.

        The private method, not `make_request`: web3 binds a provider's `make_request` into its
        middleware when it first connects, so wrapping that one now would miss most requests.
        """

        def counted_request(provider: Any, method: str, data: bytes) -> Any:
            self.requests[method] += 1
            return function(provider, method, data)

        return counted_request

    @contextmanager
    def around(self, phases: Sequence[tuple[str, Sequence[tuple[Any, str]]]]) -> Iterator[None]:
        """Wrap each (owner, attribute) of each phase while the block runs; restore them after."""
        originals = []
        for phase, targets in phases:
            for owner, name in targets:
                original = getattr(owner, name)
                originals.append((owner, name, original))
                wrapped = self.timed(phase, original)
                setattr(owner, name, self.counted(wrapped) if owner is HTTPProvider else wrapped)
        try:
            yield
        finally:
            for owner, name, original in reversed(originals):
                setattr(owner, name, original)


RPC = "chain: JSON-RPC round trips to anvil (its work included)"
PHASES: list[tuple[str, Sequence[tuple[Any, str]]]] = [
    (
        "validation: read, parse and check both files (pydantic)",
        [(certify_flow, "load_certificate"), (certify_flow, "load_annex")],
    ),
    ("validation: committed form (`model_dump`)", [(certify_flow, "committed_form")]),
    ("validation: input digest (JCS, keccak256)", [(certify_flow, "_digest")]),
    ("commitments: canonical copies and salts", [(certify_flow, "commit")]),
    ("commitments: merkle trees (leaf hashes, inner nodes)", [(StandardMerkleTree, "__init__")]),
    ("commitments: batch proofs", [(certify_flow, "_batch_memberships")]),
    ("encryption: serialize both openings", [(Opening, "to_bytes")]),
    ("encryption: age, both parts", [(sealing, "encrypt")]),
    (
        "encryption: ciphertext hash and binding (keccak256)",
        [(sealing, "ciphertext_hash"), (sealing, "binding")],
    ),
    ("store: `put_many` checks, SQL inserts and commit", [(Store, "put_many")]),
    (
        "store: registrations read and marked",
        [(Registrations, "by_digest"), (Registrations, "batch_members"), (Registrations, "mark_registered")],
    ),
    (
        "chain: client and ape around reads (roles, keys, records)",
        [
            (ChainClient, "roles_of"),
            (ChainClient, "encryption_key"),
            (ChainClient, "certificate"),
            (ChainClient, "batch"),
        ],
    ),
    (
        "chain: client and ape around `register` transactions",
        [(ChainClient, "register"), (ChainClient, "register_batch")],
    ),
    (RPC, [(HTTPProvider, "_make_request")]),
]
OTHER = "everything else (the flow's own loops and records)"


@dataclass(frozen=True)
class Breakdown:
    """One certify run timed phase by phase: exclusive seconds per phase, the JSON-RPC requests made
    by method, and the run itself."""

    run: Run
    spent: dict[str, float]
    requests: Counter[str]

    def rows(self) -> list[tuple[str, float]]:
        """(phase, seconds) in `PHASES` order, then everything the phases leave out."""
        rows = [(phase, self.spent.get(phase, 0.0)) for phase, _ in PHASES]
        return [*rows, (OTHER, max(self.run.seconds - sum(seconds for _, seconds in rows), 0.0))]


def broken_down(world: World, count: int, *, batch: bool) -> Breakdown:
    """Certify `count` new files with every phase timed."""
    paths = world.files(count)
    stopwatch = Stopwatch()
    with stopwatch.around(PHASES):
        run = certify_files(world, paths, batch=batch)
    return Breakdown(run, dict(stopwatch.spent), stopwatch.requests)


# Verifying


@dataclass(frozen=True)
class Latency:
    """Seconds per verification over `calls` warm calls, reading the file's bytes to the verdict."""

    evidence: str
    calls: list[float]
    load: float

    @property
    def p50(self) -> float:
        return statistics.median(self.calls)

    @property
    def p90(self) -> float:
        return (
            statistics.quantiles(self.calls, n=10, method="inclusive")[-1]
            if len(self.calls) > 1
            else self.calls[0]
        )


def verify_latency(reader: ChainReader, name: str, data: bytes, calls: int) -> Latency:
    """`read_evidence` then `verify`, as `originproof verify FILE` does; VALID every time or an error."""

    def once() -> float:
        started = time.perf_counter()
        evidence = verify_flow.read_evidence(data, name)
        result = verify_flow.verify(evidence, reader, on=USED_ON)
        seconds = time.perf_counter() - started
        if result.verdict is not verify_flow.Verdict.VALID:
            raise IntegrityError(f"verify {name}: {result.verdict} {[c.to_json() for c in result.checks]}")
        return seconds

    for _ in range(WARM_UP):
        once()
    return Latency(name, [once() for _ in range(calls)], load())


def measure_verification(world: World, single: bytes, member: bytes, calls: int) -> list[Latency]:
    """A singly registered certificate's opening and disclosure, and an untouched batch member's
    disclosure (read from its batch root), each verified `calls` times over one warm reader."""
    store, identity = world.store, world.party.identity
    reader = ChainReader([world.url], world.party.client.deployment)
    [part] = store.find(single, kind=PartKind.CERTIFICATE)
    opening = store.read(part.id, identity)
    disclosed = disclose_stored(store, identity, reader, single, DISCLOSED).certificate.to_bytes()
    in_batch = disclose_stored(store, identity, reader, member, DISCLOSED).certificate.to_bytes()
    nodes = len(Opening.from_bytes(opening).salts)
    return [
        verify_latency(reader, f"opening (all {nodes} nodes)", opening, calls),
        verify_latency(reader, f"disclosure ({len(DISCLOSED)} fields)", disclosed, calls),
        verify_latency(
            reader, f"disclosure ({len(DISCLOSED)} fields) of an untouched batch member", in_batch, calls
        ),
    ]


# The pilot


@dataclass(frozen=True)
class Pilot:
    """One `ape run pilot` on the embedded chain: its wall time, and what its report says of itself."""

    wall: float
    seconds: float
    chain_seconds: float
    steps: int
    transactions: int
    passed: bool
    load: float


def run_pilot(directory: Path) -> Pilot:
    """`ape run pilot` from the repository root, as the README's first command runs it."""
    path = directory / "pilot-report.json"
    started = time.perf_counter()
    done = subprocess.run(
        [APE, "run", "pilot", "--report", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise IntegrityError(f"ape run pilot failed ({done.returncode}): {done.stderr[-2_000:]}")
    return pilot_of(json.loads(path.read_text(encoding="utf-8")), wall)


def pilot_of(report: dict[str, Any], wall: float) -> Pilot:
    """The figures of a pilot report (`originproof-pilot-report/1`) run in `wall` seconds."""
    totals = report["totals"]
    return Pilot(
        wall=wall,
        seconds=float(totals["seconds"]),
        chain_seconds=float(totals["chain_seconds"]),
        steps=int(totals["steps"]),
        transactions=int(totals["transactions"]),
        passed=bool(report["passed"]),
        load=load(),
    )


# The whole run


@dataclass
class Report:
    """Everything `render` writes."""

    args: argparse.Namespace
    started: datetime
    versions: list[tuple[str, str]]
    batches: list[Run] = field(default_factory=list)
    singles: list[Run] = field(default_factory=list)
    alone: list[Run] = field(default_factory=list)
    processes: list[Run] = field(default_factory=list)
    batch_phases: Breakdown | None = None
    single_phases: Breakdown | None = None
    verification: list[Latency] = field(default_factory=list)
    pilots: list[Pilot] = field(default_factory=list)


def measure_chain(report: Report, directory: Path) -> None:
    """Everything that needs anvil: certify in batches and one by one, their phases, then verify."""
    args = report.args
    with (
        anvil(args.port or free_port(), directory / "anvil.log") as url,
        networks.parse_network_choice(
            node.APE_CHOICE,
            provider_settings={"host": url, "manage_process": False},
            disconnect_after=True,
        ),
    ):
        world = build_world(url, directory)
        try:
            # A first small run loads what every later one uses (pydantic's validators, the age keys).
            certify_files(world, world.files(2), batch=True)
            report.batches = [
                certify_files(world, world.files(args.batch), batch=True) for _ in range(args.batches)
            ]
            report.batch_phases = broken_down(world, args.batch, batch=True)
            report.singles = [
                certify_files(world, world.files(args.singles), batch=False) for _ in range(args.repeat)
            ]
            report.single_phases = broken_down(world, args.singles, batch=False)
            report.alone = [certify_files(world, world.files(1), batch=False) for _ in range(args.alone)]
            report.processes = [certify_by_cli(world, path) for path in world.files(args.processes)]
            registered = list(world.store.registrations.all())
            alone = next(record.cert_hash for record in registered if record.batch is None)
            member = next(record.cert_hash for record in registered if record.batch is not None)
            report.verification = measure_verification(world, alone, member, args.verify_calls)
            report.versions.append(("anvil", _anvil_version()))
        finally:
            world.party.close()


def _anvil_version() -> str:
    done = subprocess.run([node.anvil_binary(), "--version"], capture_output=True, text=True, check=True)
    return done.stdout.splitlines()[0].removeprefix("anvil Version: ")


# Rendering


def render(report: Report) -> str:
    args = report.args
    lines = [
        "# End-to-end benchmark",
        "",
        f"Generated {report.started:%Y-%m-%d %H:%M} UTC by `{_command()}`. Certify and verify run on a "
        "fresh anvil started by the benchmark on a loopback port, through the same library calls the "
        "CLI makes; the pilot runs as `ape run pilot` on the embedded chain. *CPU* is this process's "
        "CPU time (user + system): it leaves out anvil, a separate process, and the time other "
        "processes held the cores. *load* is the 1-minute load average after a figure: the machine "
        "has 2 cores, so above 1 the benchmark was sharing them.",
        "",
        "## Machine and versions",
        "",
        *table(("", ""), [*describe(VERSIONED), *report.versions]),
        "",
        "## Workload",
        "",
        f"Each certificate is a file pair written for the run: a USMCA blanket certificate of {GOODS} goods "
        f"lines and its annex of {MATERIALS} materials (`tests/offchain/commitment_samples.py`, the "
        "off-chain benchmark's documents; every certificate's first goods line names its own lot, so "
        "no two are alike). Certifying one means what `originproof certify` does: read and validate "
        "both files, commit the annex, commit the certificate holding its root, encrypt the "
        "certificate to the exporter and the annex to its owner (the producer, by its on-chain key), "
        "store both parts and the registration in one SQLite transaction (a file on disk, WAL), "
        "then register on chain: one `register_batch` per batch, or one `register` per certificate, "
        "each waiting for its receipt (anvil mines on receipt of each transaction), and mark the "
        "registrations done in the store.",
        "",
        "## Targets",
        "",
        *table(("target", "measured", "by CPU time", "load", "met"), _targets(report)),
        "",
        "## Certify",
        "",
        "Each call is one `read_submissions` and one `certify` on new files, timed from reading the "
        "files to the last registration marked in the store; the store grows call after call. Before "
        "each call the garbage collector runs, as a new `originproof certify` process starts clean. "
        "*One a call* is what `originproof certify FILE` does for its one file, less the process; "
        "the last row runs that command, each in a new process (its CPU time is the child's).",
        "",
        *table(
            ("registered", "certificates a call", "calls", "best /s", "median /s", "best by CPU /s", "load"),
            [
                _runs("as a batch (`--batch`)", args.batch, report.batches),
                _runs("one by one", args.singles, report.singles),
                _runs("one by one, one a call", 1, report.alone),
                _runs("one by one, one `originproof certify FILE` process a call", 1, report.processes),
            ],
        ),
        "",
        "### Where the time goes",
        "",
        "One more run of each kind with a timer around every phase (exclusive time: a phase's inner "
        "phases are counted apart). The timers' own cost is in *everything else*: compare the timed "
        "run's total with the certify table above.",
        "",
        *_phases(report),
        "",
        *_requests(report),
        "",
        "## Verify",
        "",
        f"`read_evidence` then `verify` on a file's bytes, as `originproof verify FILE --rpc URL` runs "
        f"less the process start: commitments, the chain record, status, the certifier's roles, the "
        f"blanket period on {USED_ON}, the four-year rule and the attestations' logs, over one "
        f"`ChainReader` kept open (warm: {WARM_UP} calls first). {args.verify_calls} calls each.",
        "",
        *table(
            ("evidence", "p50 ms", "p90 ms", "max ms", "load"),
            [
                (
                    latency.evidence,
                    f"{latency.p50 * 1e3:.1f}",
                    f"{latency.p90 * 1e3:.1f}",
                    f"{max(latency.calls) * 1e3:.1f}",
                    f"{latency.load:.2f}",
                )
                for latency in report.verification
            ],
        ),
        "",
        "## Pilot",
        "",
        *_pilot(report),
        "",
    ]
    return "\n".join(lines)


def _targets(report: Report) -> list[tuple[str, str, str, str, str]]:
    rows = []
    if report.batches:
        best = max(report.batches, key=lambda run: run.rate)
        rows.append(
            (
                f"certify ≥ {TARGET_BATCH_RATE} certificates/s in batches of {report.args.batch:,}",
                f"{best.rate:,.0f}/s (best of {len(report.batches)})",
                f"{best.cpu_rate:,.0f}/s",
                f"{best.load:.2f}",
                _met(best.rate >= TARGET_BATCH_RATE),
            )
        )
    if report.singles:
        best = max(report.singles, key=lambda run: run.rate)
        rows.append(
            (
                f"certify ≥ {TARGET_SINGLE_RATE} certificates/s one by one",
                f"{best.rate:,.1f}/s (best of {len(report.singles)})",
                f"{best.cpu_rate:,.1f}/s",
                f"{best.load:.2f}",
                _met(best.rate >= TARGET_SINGLE_RATE),
            )
        )
    for latency in report.verification:
        rows.append(
            (
                f"verify p50 ≤ {TARGET_VERIFY_P50 * 1e3:.0f} ms, warm: {latency.evidence}",
                f"{latency.p50 * 1e3:.1f} ms",
                "—",
                f"{latency.load:.2f}",
                _met(latency.p50 <= TARGET_VERIFY_P50),
            )
        )
    if report.pilots:
        fastest = min(report.pilots, key=lambda pilot: pilot.wall)
        rows.append(
            (
                f"pilot on the embedded chain < {TARGET_PILOT_SECONDS} s",
                f"{fastest.wall:.1f} s (`ape run pilot`, best of {len(report.pilots)})",
                "—",
                f"{fastest.load:.2f}",
                _met(fastest.wall < TARGET_PILOT_SECONDS and fastest.passed),
            )
        )
    return rows


def _met(ok: bool) -> str:
    return "yes" if ok else "**no**"


def _runs(kind: str, size: int, runs: Sequence[Run]) -> tuple[str, ...]:
    """A row of the certify table: the best and median call, and the best call's CPU rate and load."""
    if not runs:
        return (kind, f"{size:,}", "0", "—", "—", "—", "—")
    best = max(runs, key=lambda run: run.rate)
    median = statistics.median(run.rate for run in runs)
    return (
        kind,
        f"{size:,}",
        str(len(runs)),
        _rate(best.rate),
        _rate(median),
        _rate(best.cpu_rate),
        f"{best.load:.2f}",
    )


def _rate(per_second: float) -> str:
    return f"{per_second:,.1f}" if per_second >= 10 else f"{per_second:.2f}"


def _phases(report: Report) -> list[str]:
    columns = []
    for breakdown in (report.batch_phases, report.single_phases):
        if breakdown is not None:
            columns.append(breakdown)
    if not columns:
        return ["not measured"]
    header = ["phase"]
    for breakdown in columns:
        kind = f"batch of {breakdown.run.count:,}" if breakdown is report.batch_phases else "one by one"
        header += [f"{kind}: µs / certificate", "share"]
    rows = []
    for index, (phase, _) in enumerate(columns[0].rows()):
        row = [phase]
        for breakdown in columns:
            seconds = breakdown.rows()[index][1]
            row += [f"{seconds / breakdown.run.count * 1e6:,.0f}", f"{seconds / breakdown.run.seconds:.0%}"]
        rows.append(row)
    total = ["**total** (rate; load)"]
    for breakdown in columns:
        total += [
            f"{breakdown.run.seconds / breakdown.run.count * 1e6:,.0f} ({breakdown.run.rate:,.1f}/s; "
            f"{breakdown.run.load:.2f})",
            "100%",
        ]
    rows.append(total)
    return table(header, rows)


def _requests(report: Report) -> list[str]:
    """The JSON-RPC requests of each timed run, by method: per batch, and per certificate one by one."""
    lines = []
    for breakdown, per in ((report.batch_phases, "batch"), (report.single_phases, "certificate")):
        if breakdown is None:
            continue
        units = 1 if per == "batch" else breakdown.run.count
        made = ", ".join(
            f"`{method}` {calls / units:,.4g}" for method, calls in breakdown.requests.most_common()
        )
        lines.append(
            f"- JSON-RPC requests per {per}"
            + (f" of {breakdown.run.count:,}" if per == "batch" else " registered alone")
            + f": {breakdown.requests.total() / units:,.4g} ({made or 'none'})."
        )
    return lines


def _pilot(report: Report) -> list[str]:
    if not report.pilots:
        return ["Not run (`--no-pilot`)."]
    rows = [
        (
            str(number),
            f"{pilot.wall:.1f}",
            f"{pilot.seconds:.1f}",
            f"{pilot.wall - pilot.seconds:.1f}",
            f"{pilot.chain_seconds:.1f}",
            str(pilot.steps),
            str(pilot.transactions),
            "yes" if pilot.passed else "**no**",
            f"{pilot.load:.2f}",
        )
        for number, pilot in enumerate(report.pilots, start=1)
    ]
    return [
        "`ape run pilot` from the repository root (the README's first command), timed from outside: "
        "*wall* is the whole command; *scenario* is the report's own total (deployment to audit); "
        "the rest is starting Python, ape and its plugins, connecting and writing the report; "
        "*sending* is the scenario's time in transactions.",
        "",
        *table(
            (
                "run",
                "wall s",
                "scenario s",
                "start-up s",
                "sending s",
                "steps",
                "transactions",
                "passed",
                "load",
            ),
            rows,
        ),
    ]


def _command() -> str:
    return " ".join(["python", "bench/e2e.py", *sys.argv[1:]]) if sys.argv[1:] else REGENERATE


# Command line


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="write the markdown report here (default: standard output)")
    parser.add_argument("--batch", type=int, default=1_000, help="certificates per batch")
    parser.add_argument("--batches", type=int, default=3, help="batches timed (the best is kept)")
    parser.add_argument("--singles", type=int, default=100, help="certificates per one-by-one run")
    parser.add_argument("--repeat", type=int, default=2, help="one-by-one runs (the best is kept)")
    parser.add_argument("--alone", type=int, default=10, help="`certify` calls of one certificate each")
    parser.add_argument("--processes", type=int, default=3, help="`originproof certify FILE` processes")
    parser.add_argument("--verify-calls", type=int, default=200, help="timed verifications per evidence")
    parser.add_argument("--pilots", type=int, default=2, help="`ape run pilot` runs (the fastest is kept)")
    parser.add_argument("--no-pilot", action="store_true", help="leave the pilot out")
    parser.add_argument("--port", type=int, help="loopback port for anvil (default: a free one)")
    parser.add_argument(
        "--workdir", type=Path, help="where files and stores go (default: a temporary directory)"
    )
    args = parser.parse_args(argv)
    for name in ("batch", "batches", "singles", "repeat", "alone", "processes", "verify_calls", "pilots"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    out = args.out.resolve() if args.out else None
    # ape reads ape-config.yaml (accounts, balances) from the working directory.
    os.chdir(ROOT)
    os.environ.pop("APE_FOUNDRY_HOST", None)
    logger.set_level("WARNING")
    report = Report(args, datetime.now(UTC), [])
    with tempfile.TemporaryDirectory(dir=args.workdir, prefix="e2e-bench-") as scratch:
        directory = Path(scratch)
        measure_chain(report, directory)
        if not args.no_pilot:
            report.pilots = [run_pilot(directory) for _ in range(args.pilots)]
    text = render(report)
    if out:
        out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
