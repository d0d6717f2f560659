"""The three contracts' ContractTypes, shipped as package data so a client works from any directory.

The JSON files under `originproof/data/contracts/` are ape's compile output cut down to what a client
needs (ABI, bytecode, NatSpec); the source maps and AST stay in the project's `.build`. Regenerate them
after changing a contract, from the project root:

    python -m originproof.chain.abi --export

A test compares them with a fresh compile, so a stale copy cannot go unnoticed.
"""

import argparse
import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from originproof.deployments import CONTRACTS
from originproof.errors import ValidationError

# ape's ContractType fields (by their JSON alias) worth shipping; the rest is debugging detail.
SHIPPED_FIELDS = (
    "contractName",
    "sourceId",
    "abi",
    "deploymentBytecode",
    "runtimeBytecode",
    "userdoc",
    "devdoc",
)
PACKAGE_DIRECTORY = Path(__file__).resolve().parents[1] / "data" / "contracts"


def shipped(contract_type: Any) -> dict[str, Any]:
    """The shipped JSON of an `ethpm_types.ContractType`: its `SHIPPED_FIELDS`, nothing else."""
    full = contract_type.model_dump(mode="json", by_alias=True, exclude_none=True)
    return {field: full[field] for field in SHIPPED_FIELDS if field in full}


@cache
def contract_json(name: str) -> dict[str, Any]:
    """The shipped JSON of contract `name` (one of `deployments.CONTRACTS`)."""
    if name not in CONTRACTS:
        raise ValidationError(f"contract: unknown contract {name!r}, expected one of {', '.join(CONTRACTS)}")
    text = resources.files("originproof").joinpath("data", "contracts", f"{name}.json").read_text()
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def abi(name: str) -> list[dict[str, Any]]:
    """The ABI of contract `name` as plain JSON, what web3.py takes."""
    entries: list[dict[str, Any]] = contract_json(name)["abi"]
    return entries


@cache
def contract_type(name: str) -> Any:
    """The `ethpm_types.ContractType` of contract `name`, what ape takes."""
    # ethpm_types comes with ape; importing it lazily keeps the web3-only reader light.
    from ethpm_types import ContractType

    return ContractType.model_validate(contract_json(name))


def containers(project: Any = None) -> dict[str, Any]:
    """ape `ContractContainer`s of the three contracts: the `project`'s when given, else the shipped ones."""
    if project is not None:
        return {name: getattr(project, name) for name in CONTRACTS}
    from ape.contracts import ContractContainer

    return {name: ContractContainer(contract_type(name)) for name in CONTRACTS}


def export(project: Any, directory: Path) -> list[Path]:
    """Write the shipped JSON of the ape `project`'s three contracts into `directory`; the files written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name in CONTRACTS:
        path = directory / f"{name}.json"
        path.write_text(
            json.dumps(shipped(getattr(project, name).contract_type), indent=1, sort_keys=True) + "\n"
        )
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> None:
    """`python -m originproof.chain.abi --export`: compile the project here and ship its contracts."""
    parser = argparse.ArgumentParser(
        prog="python -m originproof.chain.abi", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--export", action="store_true", required=True, help="write the shipped ContractTypes"
    )
    parser.parse_args(argv)
    from ape import project

    for path in export(project, PACKAGE_DIRECTORY):
        print(path)


if __name__ == "__main__":
    main()
