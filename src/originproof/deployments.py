"""Where the three contracts live on each chain: deploy them, record them, find them again.

A record is keyed by chain id AND genesis hash: a local node restarted from scratch keeps its chain
id but gets a new genesis, and its old addresses must not be trusted.
"""

import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from originproof.errors import ChainError

CONTRACTS = ("Participants", "Certificates", "Attestations")


@dataclass(frozen=True)
class Deployment:
    chain_id: int
    genesis_hash: str
    block: int
    deployer: str
    participants: str
    certificates: str
    attestations: str

    @property
    def key(self) -> str:
        return chain_key(self.chain_id, self.genesis_hash)


def chain_key(chain_id: int, genesis_hash: str) -> str:
    return f"{chain_id}:{genesis_hash.lower()}"


def deploy(project: Any, chain: Any, account: Any, **tx_args: Any) -> Deployment:
    """Deploy Participants, Certificates and Attestations from `account`, which becomes the customs admin.

    The contracts are the ape `project`'s, or, when `project` is None, the ContractTypes shipped with
    the package (so deployment works outside this ape project).
    """
    # Imported here: the chain package itself imports this module.
    from originproof.chain.abi import containers

    contracts = containers(project)
    block = chain.blocks.height + 1
    participants = account.deploy(contracts["Participants"], **tx_args)
    certificates = account.deploy(contracts["Certificates"], participants, **tx_args)
    attestations = account.deploy(contracts["Attestations"], participants, certificates, **tx_args)
    return Deployment(
        chain_id=chain.chain_id,
        genesis_hash=_hex(chain.blocks[0].hash),
        block=block,
        deployer=str(account.address),
        participants=str(participants.address),
        certificates=str(certificates.address),
        attestations=str(attestations.address),
    )


def record(deployment: Deployment, path: Path) -> Path:
    """Add (or replace) this chain's record in the JSON file at `path`, atomically."""
    records = _read(path)
    records[deployment.key] = asdict(deployment)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".deployments-")
    with os.fdopen(handle, "w") as file:
        json.dump(records, file, indent=2, sort_keys=True)
        file.write("\n")
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, path)
    return path


def find(path: Path, chain_id: int, genesis_hash: str) -> Deployment:
    """The recorded deployment of this chain; ChainError naming the chain when there is none."""
    entry = _read(path).get(chain_key(chain_id, genesis_hash))
    if entry is None:
        raise ChainError(
            f"no originproof deployment recorded for chain {chain_id} (genesis {genesis_hash}) in {path}: "
            "run `ape run deploy` on this network first"
        )
    return Deployment(**entry)


def recorded(path: Path) -> list[Deployment]:
    """Every deployment recorded in the file at `path` (none when there is no file)."""
    return [Deployment(**entry) for entry in _read(path).values()]


def find_on(chain: Any, path: Path) -> Deployment:
    return find(path, chain.chain_id, _hex(chain.blocks[0].hash))


def _read(path: Path) -> dict[str, dict[str, Any]]:
    if not path.exists():
        return {}
    try:
        records = json.loads(path.read_text())
    except json.JSONDecodeError as error:
        raise ChainError(f"{path}: not valid JSON ({error.msg} at line {error.lineno})") from error
    if not isinstance(records, dict):
        raise ChainError(f"{path}: expected an object keyed by chain")
    return records


def _hex(value: bytes | str) -> str:
    to_hex: Callable[[], str] | None = getattr(value, "to_0x_hex", None)
    if to_hex is not None:
        return to_hex()
    return value if isinstance(value, str) else "0x" + value.hex()
