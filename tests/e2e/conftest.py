"""Fixtures of the role commands' tests (keys, participants, claim, grant, verification, revoke, list, inbox).

They build on `cli_world` (one home per party, the session's deployment with each party's age key on
chain): customs gets its own key on chain too, parties may share one store as in the pilot, and
certificates are made the way a producer makes them, with `originproof certify`. The tests that need a
real node get a standalone anvil of their own (`anvil_url`).
"""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from cli_world import ACCOUNTS, EXAMPLES, NETWORK, Cli, cli, cli_deployment, identities  # noqa: F401
from ports import free_port

from originproof import keys, node
from originproof.chain import ChainClient
from originproof.cli import main
from originproof.store import Store
from originproof.workspace import STORE_ENV, Workspace


@pytest.fixture(scope="module")
def anvil_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A standalone anvil (never on 8545 or 8645) with the test mnemonic, stopped after the module."""
    home = tmp_path_factory.mktemp("anvil-node")
    current, _ = node.start(home, port=free_port())
    try:
        yield str(current.url)
    finally:
        node.stop(home)


@pytest.fixture
def customs_keyed(cli: Cli, enrolled, customs) -> None:  # noqa: F811
    """Customs' on-chain encryption key is its identity's public key, as `participants set-key` sets it."""
    key = keys.public_key(cli.identities["customs"])
    if bytes(enrolled.encryption_key(customs)) != key:
        enrolled.set_encryption_key(key, sender=customs)


@pytest.fixture
def shared_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every party works from one SQLite store (ORIGINPROOF_STORE), as the pilot's parties do."""
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    monkeypatch.setenv(STORE_ENV, url)
    return url


@pytest.fixture
def store_of(cli: Cli) -> Iterator[Callable[[str], Store]]:  # noqa: F811
    """Factory: the store a party's commands use (its own, or the shared one), opened for inspection."""
    opened: list[Store] = []

    def open_store(party: str) -> Store:
        store = Store(Workspace.from_env(cli.home(party)).store_url)
        opened.append(store)
        return store

    yield open_store
    for store in opened:
        store.close()


@pytest.fixture
def client(cli: Cli) -> ChainClient:  # noqa: F811
    """The chain client of the session's deployment, for checking what the commands did."""
    return ChainClient.connect(cli.deployment)


@pytest.fixture
def run_text(cli: Cli, capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:  # noqa: F811
    """Factory: run a command as `party` for people (no --json); its exit code, stdout and stderr."""

    def run(party: str, *argv: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main(
            [
                "--home",
                str(cli.home(party)),
                *argv,
                "--network",
                NETWORK,
                "--account",
                f"TEST::{ACCOUNTS[party]}",
            ]
        )
        captured = capsys.readouterr()
        return int(code), captured.out, captured.err

    return run


@pytest.fixture
def certify(cli: Cli) -> Callable[..., bytes]:  # noqa: F811
    """Factory: certify `examples/<name>.certificate.json` (with its annex, or `annex=` another example's)
    as `party` with `originproof certify`; the certificate hash."""

    def make(
        name: str = "usmca-single-boiler", *extra: str, party: str = "producer", annex: str | None = None
    ) -> bytes:
        path = cli.example(name)
        options = ["--annex", str(EXAMPLES / f"{annex}.annex.json")] if annex else []
        run = cli(party, "certify", str(path), *options, *extra)
        assert run.code == 0, run.err
        (outcome,) = run.data
        return bytes.fromhex(outcome["cert_hash"][2:])

    return make
