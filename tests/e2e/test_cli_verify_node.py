"""certify, disclose and verify on the persistent local node (a real anvil): the reader's RPC path, its
failover past a dead URL, and UNVERIFIABLE once the node is stopped."""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_world import EXAMPLES
from ports import free_port

from originproof import deployments, keys, node
from originproof.chain import ChainClient
from originproof.cli import main
from originproof.cli.frame import ExitCode
from originproof.cli.network import connected
from originproof.enums import Role


@pytest.fixture
def home(tmp_path: Path) -> Iterator[Path]:
    """The producer's home, its node running on a free port and the contracts deployed there."""
    home = tmp_path / "producer"
    home.mkdir()
    node.start(home, free_port())
    identity = keys.generate_identity()
    keys.write_identity(home / "identity.txt", identity)
    with connected(home, None):
        from ape import accounts, chain

        customs, producer = accounts.test_accounts[0], accounts.test_accounts[2]
        deployment = deployments.deploy(None, chain, customs)
        ChainClient.connect(deployment).enroll(
            customs, producer, Role.PRODUCER, b"\x11" * 32, keys.public_key(identity)
        )
    deployments.record(deployment, home / "deployments.json")
    yield home
    node.stop(home)


def _run(home: Path, *argv: str, capsys) -> tuple[int, dict]:
    capsys.readouterr()
    code = main(["--home", str(home), "--json", *argv])
    return code, json.loads(capsys.readouterr().out or "null")


def test_verify__local_node__valid_through_rpc_failover_then_unverifiable_when_stopped(home, capsys):
    code, certified = _run(
        home,
        "certify",
        str(EXAMPLES / "usmca-single-boiler.certificate.json"),
        "--account",
        "TEST::2",
        capsys=capsys,
    )
    assert code == ExitCode.OK
    output = home / "disclosure.json"
    code, _ = _run(
        home, "disclose", certified[0]["cert_hash"], "--fields", "/goods", "-o", str(output), capsys=capsys
    )
    assert code == ExitCode.OK

    url = node.status(home).url
    dead = f"http://127.0.0.1:{free_port()}"
    code, verified = _run(home, "verify", str(output), "--rpc", dead, "--rpc", url, capsys=capsys)
    assert code == ExitCode.OK, verified
    assert verified["verdict"] == "VALID"
    code, verified = _run(home, "verify", str(output), capsys=capsys)
    assert (code, verified["verdict"]) == (ExitCode.OK, "VALID")

    node.stop(home)
    code, verified = _run(home, "verify", str(output), capsys=capsys)
    assert code == ExitCode.UNVERIFIABLE
    assert verified["verdict"] == "UNVERIFIABLE"
    assert "is not running: start it with `originproof node start`" in verified["checks"][-1]["detail"]
