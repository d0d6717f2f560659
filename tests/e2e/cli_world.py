"""Fixtures for driving `originproof` through `main(argv)` on the embedded chain, one home per party.

The session's deployment (conftest: three contracts, participants enrolled) is recorded in each party's
home; every party gets an age identity whose public key is its on-chain encryption key. Homes (and so
stores) are fresh in every test, as ape reverts the chain between tests.

Import the fixtures into a test module: `from cli_world import cli, cli_deployment, identities  # noqa: F401`.
"""

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from chain_fixtures import deployment_of
from pyrage import x25519

from originproof import deployments, keys
from originproof.cli import main
from originproof.deployments import Deployment
from originproof.errors import ChainError
from originproof.store import Store

NETWORK = "ethereum:local:test"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

# conftest's accounts: the test account index of each party, as `--account TEST::n` names it.
ACCOUNTS = {"customs": 0, "exporter": 1, "producer": 2, "importer": 3, "broker": 4, "stranger": 5}
_ENROLLED = ("exporter", "producer", "importer", "broker")


@pytest.fixture(scope="session")
def identities() -> dict[str, x25519.Identity]:
    """An age identity per party (the stranger too, though the chain knows no key of it)."""
    return {party: keys.generate_identity() for party in ACCOUNTS}


@pytest.fixture(scope="session")
def cli_deployment(chain, accounts, customs, enrolled, certificates, attestations, identities) -> Deployment:
    """The session's deployment, each enrolled party's on-chain key set to its identity's public key."""
    for party in _ENROLLED:
        enrolled.set_encryption_key(keys.public_key(identities[party]), sender=accounts[ACCOUNTS[party]])
    return deployment_of(chain, customs, enrolled, certificates, attestations)


@dataclass(frozen=True)
class Run:
    """One command's exit code, stdout and stderr; `data` is stdout read as JSON (for `--json` runs)."""

    code: int
    out: str
    err: str

    @property
    def data(self) -> Any:
        return json.loads(self.out)


class Cli:
    """`originproof` as each party runs it, from its own home under the test's temporary directory."""

    def __init__(
        self, root: Path, deployment: Deployment, identities: dict[str, x25519.Identity], capsys
    ) -> None:
        self.root = root
        self.deployment = deployment
        self.identities = identities
        self._capsys = capsys

    def home(self, party: str) -> Path:
        """The party's home: its identity file and the deployment record, created on first use."""
        home = self.root / party
        if not home.exists():
            home.mkdir(parents=True)
            keys.write_identity(home / "identity.txt", self.identities[party])
            deployments.record(self.deployment, home / "deployments.json")
        return home

    def __call__(
        self, party: str, *argv: str, account: bool = True, json: bool = True, network: bool = True
    ) -> Run:
        """Run `originproof --home <party's home> [--json] ARGV… [--network …] [--account TEST::n]`."""
        extra = ["--network", NETWORK] if network else []
        if account:
            extra += ["--account", f"TEST::{ACCOUNTS[party]}"]
        self._capsys.readouterr()
        code = main(["--home", str(self.home(party)), *(["--json"] if json else []), *argv, *extra])
        captured = self._capsys.readouterr()
        return Run(int(code), captured.out, captured.err)

    def store(self, party: str) -> Store:
        """The party's store (close it after use)."""
        return Store(f"sqlite:///{self.home(party) / 'store.db'}")

    def example(self, name: str, *, stem: str | None = None, annex: bool = True, **changes: Any) -> Path:
        """A copy of `examples/<name>.certificate.json` (and of its annex, beside it) in the test's
        directory, as `<stem>.certificate.json`; `changes` replace top-level members, and an
        `invoice` changes every goods line's invoice number, so copies are distinct certificates."""
        target = self.root / "files"
        target.mkdir(exist_ok=True)
        stem = stem or name
        document = json.loads((EXAMPLES / f"{name}.certificate.json").read_text())
        invoice = changes.pop("invoice", None)
        if invoice is not None:
            for good in document["goods"]:
                good["invoice_number"] = invoice
        document.update(changes)
        path = target / f"{stem}.certificate.json"
        path.write_text(json.dumps(document, indent=2))
        if annex:
            shutil.copy(EXAMPLES / f"{name}.annex.json", target / f"{stem}.annex.json")
        return path


def fail_once(
    monkeypatch: pytest.MonkeyPatch, owner: type, name: str, message: str = "connection lost"
) -> None:
    """Make `owner.name` raise ChainError(message) on its next call only, as a crash there would."""
    original = getattr(owner, name)
    failures = iter([ChainError(message)])

    def flaky(self: Any, *args: Any, **kwargs: Any) -> Any:
        error = next(failures, None)
        if error is not None:
            raise error
        return original(self, *args, **kwargs)

    monkeypatch.setattr(owner, name, flaky)


def pending_certificate(
    cli: "Cli", monkeypatch: pytest.MonkeyPatch, name: str = "usmca-single-boiler"
) -> str:
    """Certify an example as the producer with the registration failing: stored, not on chain; its hash."""
    from originproof.chain import ChainClient

    fail_once(monkeypatch, ChainClient, "register")
    assert cli("producer", "certify", str(cli.example(name))).code != 0
    with cli.store("producer") as store:
        (pending,) = list(store.registrations.all())
    return "0x" + pending.cert_hash.hex()


@pytest.fixture
def cli(tmp_path: Path, cli_deployment: Deployment, identities, capsys) -> Iterator[Cli]:
    yield Cli(tmp_path, cli_deployment, identities, capsys)
