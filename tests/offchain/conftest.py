"""Fixtures for the off-chain suites: a throwaway PostgreSQL server, store URLs for both databases,
an adjustable clock, age identities, the `age` binary, and serialized openings to store.

The PostgreSQL server is real and mandatory: when its binaries are missing the fixture fails, telling
how to install them, rather than skipping the tests that need it.

The store and commitments are imported inside the fixtures that use them, so a suite that needs
neither (the merkle tests, say) still runs while either is broken.
"""

import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import psycopg
import pytest
import sqlalchemy
from pyrage import x25519

from originproof import keys

if TYPE_CHECKING:
    from originproof.commitments import Opening
    from originproof.store import NewPart, Store

INSTALL_HINT = "install it with `sudo apt-get install -y {package}` or run tools/install-system-deps.sh"

# Durability buys nothing in a server that lives for one test session.
_SERVER_OPTIONS = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"


@dataclass(frozen=True)
class PostgresServer:
    """A running throwaway cluster, reachable over loopback TCP as the trusted `postgres` superuser."""

    port: int

    def url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def connect(self) -> psycopg.Connection:
        return psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname="postgres", autocommit=True
        )


def _postgres_binaries() -> Path:
    """Debian's newest PostgreSQL server binaries: the directory holding initdb and pg_ctl."""

    def version(directory: str) -> int:
        found = re.search(r"/postgresql/(\d+)/", directory)
        return int(found.group(1)) if found else 0

    for directory in sorted(map(str, Path("/usr/lib/postgresql").glob("*/bin")), key=version, reverse=True):
        if os.access(Path(directory, "initdb"), os.X_OK) and os.access(Path(directory, "pg_ctl"), os.X_OK):
            return Path(directory)
    pytest.fail(
        "PostgreSQL server binaries (initdb, pg_ctl) not found under /usr/lib/postgresql/*/bin: "
        + INSTALL_HINT.format(package="postgresql"),
        pytrace=False,
    )


def _run_as_server_user() -> list[str]:
    """The command prefix that runs the server's tools: PostgreSQL refuses to run as root."""
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        pytest.fail(
            "running as root, the tests start PostgreSQL as the `postgres` system user, which does not "
            "exist: " + INSTALL_HINT.format(package="postgresql"),
            pytrace=False,
        )
    return ["runuser", "-u", "postgres", "--"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL cluster in a temporary directory on a free loopback port, stopped at session end."""
    binaries = _postgres_binaries()
    prefix = _run_as_server_user()
    # Not pytest's tmp_path: its parents are private to the current user, and the server may run as another.
    base = Path(tempfile.mkdtemp(prefix="originproof-pg-"))
    data = base / "data"
    if prefix:
        shutil.chown(base, user="postgres")
    port = _free_port()

    def run(*command: str) -> None:
        result = subprocess.run([*prefix, *command], capture_output=True, text=True, check=False)
        if result.returncode:
            log = (base / "server.log").read_text() if (base / "server.log").exists() else ""
            pytest.fail(f"{command[0]} failed: {result.stdout}{result.stderr}{log}", pytrace=False)

    try:
        run(str(binaries / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
            "--no-locale", "--no-sync")  # fmt: skip
        run(str(binaries / "pg_ctl"), "-D", str(data), "-l", str(base / "server.log"), "-w", "-o",
            f"-c listen_addresses=127.0.0.1 -p {port} -k {base} {_SERVER_OPTIONS}", "start")  # fmt: skip
        yield PostgresServer(port)
    finally:
        if (data / "postmaster.pid").exists():
            run(str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop")
        shutil.rmtree(base, ignore_errors=True)


def _create_database(server: PostgresServer, template: str = "template1") -> Iterator[str]:
    name = f"store_{uuid.uuid4().hex}"
    with server.connect() as admin:
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    yield server.url(name)
    with server.connect() as admin:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def migrated_database(postgres_server: PostgresServer) -> Iterator[str]:
    """A database migrated to head once per session, emptied after each test that uses it.

    Emptying the tables is much faster than creating (and migrating) a database for every test.
    """
    from originproof.store.database import open_engine

    for url in _create_database(postgres_server):
        open_engine(url).dispose()
        yield url


@pytest.fixture
def postgres_url(migrated_database: str) -> Iterator[str]:
    """An empty store database on the session's server, its schema at head."""
    yield migrated_database
    with psycopg.connect(migrated_database, autocommit=True) as connection:
        # A connection a test left open would make TRUNCATE wait forever: fail instead.
        connection.execute("SET lock_timeout = '10s'")
        connection.execute("TRUNCATE registrations, part_recipients, parts, certificates RESTART IDENTITY")


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty store, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture(params=["sqlite", "postgresql"])
def blank_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database without any schema, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'blank.db'}"
    else:
        yield from _create_database(request.getfixturevalue("postgres_server"))


@pytest.fixture
def raw_sql(store_url: str) -> Iterator[Callable[..., list[tuple[object, ...]]]]:
    """Run SQL on the store's database behind the store's back, as an intruder (or a test) would."""
    engine = sqlalchemy.create_engine(store_url.replace("postgresql://", "postgresql+psycopg://"))

    def run(statement: str, **parameters: object) -> list[tuple[object, ...]]:
        with engine.begin() as connection:
            result = connection.execute(sqlalchemy.text(statement), parameters)
            return [tuple(row) for row in result] if result.returns_rows else []

    yield run
    engine.dispose()


class Clock:
    """A clock that stands still until a test moves it."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2025, 3, 1, 12, 0, tzinfo=UTC))


@pytest.fixture
def store(store_url: str, clock: Clock) -> Iterator["Store"]:
    from originproof.store import Store

    with Store(store_url, clock=clock) as opened:
        yield opened


@pytest.fixture
def owner() -> x25519.Identity:
    return keys.generate_identity()


@pytest.fixture
def other() -> x25519.Identity:
    return keys.generate_identity()


OWNER_ADDRESS = "0x" + "11" * 20


@pytest.fixture
def owner_address() -> str:
    return OWNER_ADDRESS


@pytest.fixture
def other_address() -> str:
    return "0x" + "22" * 20


def opening(index: int = 0) -> "Opening":
    """An opening of a small document, distinct for each `index` (and, by its salts, for each call)."""
    from originproof.commitments import commit

    return commit({"exporter": {"name": f"Boilers {index} S.A."}, "net_cost": f"{index}.50"})


@pytest.fixture
def make_opening() -> Callable[[int], "Opening"]:
    return opening


@pytest.fixture
def make_part(owner: x25519.Identity) -> Callable[..., "NewPart"]:
    """Build a `NewPart` of a fresh opening: a certificate part (whose hash is its root) by default."""
    from originproof.store import NewPart, PartKind

    def make(
        index: int = 0,
        *,
        kind: PartKind = PartKind.CERTIFICATE,
        cert_hash: bytes | None = None,
        recipients: tuple[bytes, ...] = (),
        identity: x25519.Identity = owner,
        address: str = OWNER_ADDRESS,
    ) -> NewPart:
        part_opening = opening(index)
        return NewPart(
            cert_hash=cert_hash or part_opening.root,
            kind=kind,
            owner=address,
            owner_key=keys.public_key(identity),
            opening=part_opening,
            recipients=recipients,
        )

    return make


@pytest.fixture(scope="session")
def age_binary() -> str:
    """The `age` command-line tool, which must open what the store writes."""
    found = shutil.which("age")
    if found is None:
        pytest.fail(
            "the `age` command-line tool is missing: " + INSTALL_HINT.format(package="age"), pytrace=False
        )
    return found
