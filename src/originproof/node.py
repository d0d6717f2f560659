"""The persistent local node: one anvil per working directory, in the background, its chain kept there.

The CLI's state must outlive a single command, so by default it talks to this node. anvil runs
detached, bound to 127.0.0.1 on its own port (8645 by default: 8545 belongs to the tests and to
ape-foundry's own anvil), chain id 31337, with the public test mnemonic and ape's test balance so the
test accounts ape derives exist and are funded. Its files live in `<home>/node/`:

- `state.json`: the chain. anvil loads it on start (`--state`) and writes it on SIGTERM; checked with
  anvil 1.7.1: blocks, receipts, logs, contract storage and the genesis hash all survive a stop and
  start. `--state-interval` also writes it every few seconds, so a crash loses little.
- `pid.json`: the running node's pid and port; a file whose process is gone is stale and ignored.
- `anvil.log`: anvil's output for the current run, quoted when it fails to start.
"""

import contextlib
import json
import os
import shutil
import signal
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from originproof.errors import ChainError

DEFAULT_PORT = 8645
CHAIN_ID = 31337
# Public and well known (Hardhat's and anvil's default): the node is for local work only.
TEST_MNEMONIC = "test test test test test test test test test test test junk"
# ape-config.yaml's `test` section: the same accounts and balance as the embedded chain.
ACCOUNTS = 10
BALANCE_ETH = 100_000
STATE_INTERVAL_SECONDS = 5
HOST = "127.0.0.1"
LOG_TAIL_LINES = 20
# ape reaches the node through ape-foundry's provider, pointed at its port and forbidden to start an
# anvil of its own (it would, on a free local port, and lose everything when the command ends).
APE_CHOICE = "ethereum:local:foundry"
# Where `npm ci` puts @foundry-rs/anvil: in the checkout (found from this file, installed editable)
# or in the directory the command runs from.
NPM_SCOPES = [
    Path(__file__).resolve().parents[2] / "node_modules" / "@foundry-rs",
    Path("node_modules") / "@foundry-rs",
]


@dataclass(frozen=True)
class NodeStatus:
    """What `status` found: a running node answers on `url` with its chain id and latest block."""

    running: bool
    pid: int | None
    port: int | None
    chain_id: int | None
    block_number: int | None
    directory: Path

    @property
    def url(self) -> str | None:
        return None if self.port is None else rpc_url(self.port)

    def to_json(self) -> dict[str, Any]:
        return {
            "running": self.running,
            "pid": self.pid,
            "port": self.port,
            "url": self.url,
            "chain_id": self.chain_id,
            "block_number": self.block_number,
            "directory": str(self.directory),
        }


def node_directory(home: Path) -> Path:
    return home / "node"


def rpc_url(port: int) -> str:
    """The node's RPC address on `port`."""
    return f"http://{HOST}:{port}"


def anvil_binary() -> str:
    """The native anvil executable, from npm's `@foundry-rs/anvil` (`npm ci`) or else from PATH.

    npm's `node_modules/.bin/anvil` is a Node wrapper that, on SIGTERM, exits at once while the anvil
    it spawned is still writing its state: `stop` could not tell when the chain is safe, so the
    binary it wraps (its platform package's `bin/anvil`) is run instead.
    """
    on_path = shutil.which("anvil")
    scopes = list(NPM_SCOPES)
    if on_path is not None and Path(on_path).resolve().suffix == ".mjs":
        scopes.append(Path(on_path).resolve().parents[1])
        on_path = None
    for scope in scopes:
        for candidate in (*sorted(scope.glob("anvil-*/bin/anvil")), scope / "anvil" / "dist" / "anvil"):
            if os.access(candidate, os.X_OK):
                return str(candidate)
    if on_path is None:
        raise ChainError(
            f"anvil not found in {', '.join(str(scope) for scope in NPM_SCOPES)} nor on PATH: "
            "run `npm ci` in the originproof checkout (it installs @foundry-rs/anvil)"
        )
    return on_path


def status(home: Path) -> NodeStatus:
    """The node of `home`: running (its pid alive) or stopped; chain id and block when its RPC answers."""
    directory = node_directory(home)
    recorded = _read_pid_file(directory)
    if recorded is None:
        return NodeStatus(False, None, None, None, None, directory)
    pid, port = recorded
    chain_id: int | None
    block_number: int | None
    try:
        chain_id = int(rpc(rpc_url(port), "eth_chainId"), 16)
        block_number = int(rpc(rpc_url(port), "eth_blockNumber"), 16)
    except ChainError:
        chain_id = block_number = None
    return NodeStatus(True, pid, port, chain_id, block_number, directory)


def ape_provider_settings(home: Path) -> dict[str, Any]:
    """ape's provider settings for the running node of `home`, used with `APE_CHOICE`."""
    current = status(home)
    if current.chain_id is None:
        state = "does not answer" if current.running else "is not running"
        raise ChainError(
            f"the originproof node of {home} {state}: start it with `originproof node start` "
            "or name another network with --network"
        )
    return {"host": current.url, "manage_process": False}


def start(home: Path, port: int = DEFAULT_PORT, timeout: float = 30.0) -> tuple[NodeStatus, bool]:
    """Start the node of `home` unless it runs; its status and whether this call started it.

    Waits until the RPC answers; if anvil exits or stays silent for `timeout` seconds, raises
    ChainError quoting the end of its log.
    """
    current = status(home)
    if current.running:
        return current, False
    address = rpc_url(port)
    if _answers(address):
        raise ChainError(f"port {port} already has a node, not this home's: choose another with --port")
    directory = node_directory(home)
    directory.mkdir(parents=True, exist_ok=True)
    log_path = directory / "anvil.log"
    pid = _launch(_command(directory, port), log_path)
    _write_pid_file(directory, pid, port)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _alive(pid):
            _forget(directory)
            raise ChainError(f"anvil exited while starting on port {port}:\n{_tail(log_path)}")
        if _answers(address):
            return status(home), True
        time.sleep(0.1)
    _terminate(pid, timeout)
    _forget(directory)
    raise ChainError(f"anvil did not answer on {address} within {timeout:g} s:\n{_tail(log_path)}")


def stop(home: Path, timeout: float = 30.0) -> bool:
    """Stop the node of `home` with SIGTERM (anvil saves its state then); False when it was not running."""
    directory = node_directory(home)
    recorded = _read_pid_file(directory)
    if recorded is None:
        return False
    _terminate(recorded[0], timeout)
    _forget(directory)
    return True


def rpc(url: str, method: str, params: list[Any] | None = None, timeout: float = 5.0) -> Any:
    """One JSON-RPC call through the standard library; ChainError when it cannot be answered."""
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params or []}).encode()
    request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            answer = json.load(response)
    except (OSError, ValueError) as error:
        raise ChainError(f"{method} on {url} failed: {error}") from error
    if "error" in answer:
        raise ChainError(f"{method} on {url} failed: {answer['error'].get('message', answer['error'])}")
    return answer["result"]


def _command(directory: Path, port: int) -> list[str]:
    return [
        anvil_binary(),
        "--host", HOST,
        "--port", str(port),
        "--chain-id", str(CHAIN_ID),
        "--mnemonic", TEST_MNEMONIC,
        "--accounts", str(ACCOUNTS),
        "--balance", str(BALANCE_ETH),
        "--state", str(directory / "state.json"),
        "--state-interval", str(STATE_INTERVAL_SECONDS),
    ]  # fmt: skip


def _launch(command: list[str], log_path: Path) -> int:
    """Run `command` detached, output to `log_path`; its pid.

    A shell starts it in the background and exits, so the node is nobody's child here (this process
    never has to reap it) and, in a session of its own, ignores the terminal's Ctrl-C.
    """
    with log_path.open("wb") as log:
        launched = subprocess.run(
            ["/bin/sh", "-c", '"$@" >&2 & echo $!', "sh", *command],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log, start_new_session=True,
            check=True, text=True,
        )  # fmt: skip
    return int(launched.stdout)


def _answers(url: str) -> bool:
    try:
        rpc(url, "eth_chainId", timeout=1.0)
    except ChainError:
        return False
    return True


def _terminate(pid: int, timeout: float) -> None:
    """SIGTERM `pid` and wait until it is gone; ChainError if it outlives `timeout` seconds."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while _alive(pid):
        if time.monotonic() > deadline:
            raise ChainError(
                f"the node (pid {pid}) did not exit within {timeout:g} s of SIGTERM; it may still be "
                "writing its state: run `originproof node stop` again"
            )
        time.sleep(0.05)


def _read_pid_file(directory: Path) -> tuple[int, int] | None:
    """The (pid, port) of a live node, or None; a stale or unreadable file is removed."""
    path = directory / "pid.json"
    try:
        recorded = json.loads(path.read_text())
        pid, port = int(recorded["pid"]), int(recorded["port"])
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, TypeError):
        _forget(directory)
        return None
    if not _alive(pid):
        _forget(directory)
        return None
    return pid, port


def _write_pid_file(directory: Path, pid: int, port: int) -> None:
    temporary = directory / "pid.json.tmp"
    temporary.write_text(json.dumps({"pid": pid, "port": port}) + "\n")
    os.replace(temporary, directory / "pid.json")


def _forget(directory: Path) -> None:
    (directory / "pid.json").unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    """Whether `pid` is a live anvil: not gone, not a zombie, not a recycled pid running something else."""
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    return _proc_says_anvil(pid)


def _proc_says_anvil(pid: int) -> bool:
    """Where /proc exists (Linux), the pid must run anvil and not be a zombie nobody reaped."""
    proc = Path("/proc") / str(pid)
    if not Path("/proc/self").exists():
        return True
    try:
        state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
        command = (proc / "cmdline").read_bytes()
    except OSError:
        return False
    return state != "Z" and b"anvil" in command


def _tail(path: Path) -> str:
    lines = path.read_text(errors="replace").splitlines()
    return "\n".join(lines[-LOG_TAIL_LINES:]) or "(anvil wrote nothing)"
