"""The persistent local node: a real anvil started, stopped and restarted under a temporary home."""

import json
import re
import signal
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from ports import free_port

from originproof import node
from originproof.cli import main
from originproof.cli.frame import ExitCode
from originproof.cli.network import connected
from originproof.errors import ChainError

# The first account of the test mnemonic, unlocked on anvil.
SENDER = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
RECIPIENT = "0x1111111111111111111111111111111111111111"
# Init code of a tiny contract: stores 42 in slot 0, logs an empty LOG0, deploys empty code.
STORE_42_AND_LOG = "0x602a60005560006000a000"


@pytest.fixture
def home(tmp_path: Path) -> Iterator[Path]:
    """A working directory whose node is stopped at the end whatever the test did."""
    yield tmp_path
    node.stop(tmp_path)


@pytest.fixture
def port() -> int:
    return free_port()


def _cli(home: Path, *argv: str) -> int:
    return main(["--home", str(home), *argv])


def _status_json(home: Path, capsys: pytest.CaptureFixture[str]) -> dict:
    capsys.readouterr()
    assert _cli(home, "--json", "node", "status") == ExitCode.OK
    return json.loads(capsys.readouterr().out)


def _mined(url: str, transaction: dict) -> dict:
    """Send from an unlocked account and wait for the receipt (anvil mines just after answering)."""
    tx_hash = node.rpc(url, "eth_sendTransaction", [transaction])
    for _attempt in range(100):
        receipt = node.rpc(url, "eth_getTransactionReceipt", [tx_hash])
        if receipt is not None:
            return receipt
        time.sleep(0.05)
    raise AssertionError(f"{tx_hash} was not mined")


def test_start_stop_start__keeps_balances_blocks_storage_logs_and_genesis(home, port, capsys):
    assert _cli(home, "node", "start", "--port", str(port)) == ExitCode.OK
    url = f"http://127.0.0.1:{port}"
    _mined(url, {"from": SENDER, "to": RECIPIENT, "value": hex(12_345)})
    contract = _mined(url, {"from": SENDER, "data": STORE_42_AND_LOG})["contractAddress"]
    genesis = node.rpc(url, "eth_getBlockByNumber", ["0x0", False])["hash"]
    before = _status_json(home, capsys)
    assert before["block_number"] == 2

    assert _cli(home, "node", "stop") == ExitCode.OK
    assert _status_json(home, capsys)["running"] is False
    assert _cli(home, "node", "start", "--port", str(port)) == ExitCode.OK

    after = _status_json(home, capsys)
    assert after["running"] is True
    assert after["pid"] != before["pid"]
    assert after["block_number"] == 2
    assert node.rpc(url, "eth_getBalance", [RECIPIENT, "latest"]) == hex(12_345)
    assert int(node.rpc(url, "eth_getStorageAt", [contract, "0x0", "latest"]), 16) == 42
    assert len(node.rpc(url, "eth_getLogs", [{"fromBlock": "0x0", "toBlock": "latest"}])) == 1
    assert node.rpc(url, "eth_getBlockByNumber", ["0x0", False])["hash"] == genesis


def test_status__before_and_after_start__json_shape(home, port, capsys):
    assert _status_json(home, capsys) == {
        "running": False,
        "pid": None,
        "port": None,
        "url": None,
        "chain_id": None,
        "block_number": None,
        "directory": str(home / "node"),
    }
    assert _cli(home, "node", "start", "--port", str(port)) == ExitCode.OK
    running = _status_json(home, capsys)
    assert running == {
        "running": True,
        "pid": running["pid"],
        "port": port,
        "url": f"http://127.0.0.1:{port}",
        "chain_id": node.CHAIN_ID,
        "block_number": 0,
        "directory": str(home / "node"),
    }
    assert (home / "node" / "anvil.log").is_file()


def test_status__text__says_where_it_runs(home, port, capsys):
    assert _cli(home, "node", "start", "--port", str(port)) == ExitCode.OK
    capsys.readouterr()
    assert _cli(home, "node", "status") == ExitCode.OK
    assert capsys.readouterr().out.startswith(f"running on http://127.0.0.1:{port} (pid ")


def test_start__twice__is_idempotent(home, port, capsys):
    assert _cli(home, "node", "start", "--port", str(port)) == ExitCode.OK
    first = _status_json(home, capsys)["pid"]
    assert _cli(home, "node", "start", "--port", str(port)) == ExitCode.OK
    assert capsys.readouterr().out.startswith("already running: ")
    assert _status_json(home, capsys)["pid"] == first


def test_start__json__says_whether_it_started(home, port, capsys):
    _cli(home, "--json", "node", "start", "--port", str(port))
    assert json.loads(capsys.readouterr().out)["started"] is True
    _cli(home, "--json", "node", "start", "--port", str(port))
    assert json.loads(capsys.readouterr().out)["started"] is False


def test_stop__not_running__says_so(home, capsys):
    assert _cli(home, "node", "stop") == ExitCode.OK
    assert capsys.readouterr().out == f"not running ({home / 'node'})\n"


def test_start__port_taken__error_quotes_anvil_log(home, capsys):
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        taken = squatter.getsockname()[1]
        assert _cli(home, "node", "start", "--port", str(taken)) == ExitCode.ERROR
    err = capsys.readouterr().err
    assert err.startswith(f"originproof: anvil exited while starting on port {taken}:")
    assert "Address already in use" in err
    assert not (home / "node" / "pid.json").exists()


def test_start__port_used_by_another_home__refuses(home, port, tmp_path_factory, capsys):
    assert _cli(home, "node", "start", "--port", str(port)) == ExitCode.OK
    other = tmp_path_factory.mktemp("other-home")
    try:
        assert _cli(other, "node", "start", "--port", str(port)) == ExitCode.ERROR
        assert f"port {port} already has a node, not this home's" in capsys.readouterr().err
        assert node.status(other).running is False
    finally:
        node.stop(other)


def test_start__stale_pid_file__is_ignored(home, port, capsys):
    dead_pid = _dead_pid()
    (home / "node").mkdir()
    (home / "node" / "pid.json").write_text(json.dumps({"pid": dead_pid, "port": port}))
    assert _status_json(home, capsys)["running"] is False
    assert not (home / "node" / "pid.json").exists()
    assert _cli(home, "node", "start", "--port", str(port)) == ExitCode.OK
    assert _status_json(home, capsys)["pid"] != dead_pid


def _dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def test_console_script__started_in_another_process__is_stopped_here(home, port):
    script = Path(sys.executable).with_name("originproof")
    subprocess.run([str(script), "--home", str(home), "node", "start", "--port", str(port)], check=True)
    assert node.status(home).chain_id == node.CHAIN_ID
    assert node.stop(home) is True
    assert node.status(home).running is False


def test_connected__ape_reads_the_node__which_keeps_running(home, port):
    from ape import chain

    assert _cli(home, "node", "start", "--port", str(port)) == ExitCode.OK
    url = f"http://127.0.0.1:{port}"
    _mined(url, {"from": SENDER, "to": RECIPIENT, "value": "0x1"})
    with connected(home, None) as provider:
        assert provider.uri == url
        assert chain.chain_id == node.CHAIN_ID
        assert chain.blocks.height == 1
    assert node.status(home).block_number == 1


def test_connected__node_not_running__chain_error_says_how_to_start_it(home):
    expected = "is not running: start it with `originproof node start`"
    with pytest.raises(ChainError, match=expected), connected(home, None):
        pass


def test_connected__named_network__is_used_without_the_node(home):
    with connected(home, "ethereum:local:test") as provider:
        assert provider.network.name == "local"
        assert provider.name == "test"


def test_connected__unreachable_network__chain_error(home):
    choice = f"ethereum:local:http://127.0.0.1:{free_port()}"
    with pytest.raises(ChainError, match=re.escape(f"network {choice}: ")), connected(home, choice):
        pass


def test_connected__unknown_network_choice__usage_error(home):
    import click

    with pytest.raises(click.BadParameter, match="nosuch"), connected(home, "ethereum:nosuch"):
        pass


def test_anvil_binary__npm_package__is_the_native_binary_not_the_node_wrapper():
    binary = Path(node.anvil_binary())
    assert binary.read_bytes()[:2] != b"#!"
    assert subprocess.run([binary, "--version"], capture_output=True, check=True).stdout.startswith(b"anvil")


def _npm_layout(root: Path, native_body: str) -> Path:
    """A fake npm install: @foundry-rs/anvil's Node wrapper, linked from .bin, and a native `anvil`."""
    scope = root / "node_modules" / "@foundry-rs"
    _executable(scope / "anvil" / "bin.mjs", "exec node")
    native = _executable(scope / "anvil-fake" / "bin" / "anvil", native_body)
    (root / "node_modules" / ".bin").mkdir()
    (root / "node_modules" / ".bin" / "anvil").symlink_to("../@foundry-rs/anvil/bin.mjs")
    return native


def _executable(path: Path, body: str) -> Path:
    """A stand-in `anvil` script (its command line names anvil, as the pid check expects)."""
    path.parent.mkdir(parents=True)
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def test_anvil_binary__wrapper_on_path__resolves_to_its_native_binary(monkeypatch, tmp_path):
    native = _npm_layout(tmp_path, "exit 0")
    monkeypatch.setattr(node, "NPM_SCOPES", [])
    monkeypatch.setenv("PATH", str(tmp_path / "node_modules" / ".bin"))
    assert node.anvil_binary() == str(native)


def test_anvil_binary__missing__error_names_npm_ci(monkeypatch, tmp_path):
    monkeypatch.setattr(node, "NPM_SCOPES", [tmp_path / "node_modules" / "@foundry-rs"])
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ChainError, match=r"anvil not found in .* nor on PATH: run `npm ci`"):
        node.anvil_binary()


def test_start__node_never_answers__times_out_and_cleans_up(home, port, monkeypatch):
    _npm_layout(home / "npm", "echo deaf; while :; do sleep 0.1; done")
    monkeypatch.setattr(node, "NPM_SCOPES", [home / "npm" / "node_modules" / "@foundry-rs"])
    with pytest.raises(ChainError, match=r"did not answer .* within 0.5 s:\ndeaf"):
        node.start(home, port, timeout=0.5)
    assert not (home / "node" / "pid.json").exists()


def test_stop__node_ignores_sigterm__times_out_naming_the_pid(home, port):
    fake = _executable(home / "bin" / "anvil", "trap '' TERM; echo deaf; while :; do sleep 0.1; done")
    process = subprocess.Popen([str(fake)], stdout=subprocess.PIPE)
    try:
        assert process.stdout is not None
        assert process.stdout.readline() == b"deaf\n"  # SIGTERM is ignored from here on
        (home / "node").mkdir()
        (home / "node" / "pid.json").write_text(json.dumps({"pid": process.pid, "port": port}))
        with pytest.raises(ChainError, match=rf"\(pid {process.pid}\) did not exit within 0.3 s"):
            node.stop(home, timeout=0.3)
    finally:
        process.send_signal(signal.SIGKILL)
        process.communicate()
