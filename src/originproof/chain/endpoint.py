"""The deployment's three contracts as web3.py sees them through one connection.

Both the ape client (over ape's own web3 connection) and the reader (one per RPC URL) read through
an Endpoint, so their answers are built, their reverts reported and their chain checked in one way.
"""

from dataclasses import dataclass
from typing import Any

from eth_abi import decode, encode
from eth_abi.grammar import ABIType, BasicType, TupleType, parse
from eth_utils import to_checksum_address
from eth_utils.abi import function_abi_to_4byte_selector, get_abi_input_types, get_abi_output_types
from web3 import Web3
from web3.exceptions import ContractLogicError

from originproof.chain.abi import abi
from originproof.deployments import CONTRACTS, Deployment
from originproof.errors import ChainError

REVERT_PREFIX = "execution reverted: "


class NoAnswerError(ChainError):
    """A view returned no data at all: the node is not serving the chain properly (it passed `check`, so
    the contract is there), which the reader treats as a failed URL, like a time-out."""


class Endpoint:
    """Calls, logs and blocks of one deployment through one web3.py connection (`name`: its URL)."""

    def __init__(
        self,
        name: str,
        web3: Web3,
        deployment: Deployment,
        reverts: tuple[type[Exception], ...] = (ContractLogicError,),
    ) -> None:
        """`reverts`: the exceptions by which this connection reports a reverted call."""
        self.name = name
        self.web3 = web3
        self.deployment = deployment
        self._reverts = reverts
        self._functions = {
            (contract, entry["name"]): _Function.of(self.address(contract), entry)
            for contract in CONTRACTS
            for entry in abi(contract)
            if entry["type"] == "function"
        }

    def address(self, contract: str) -> str:
        address: str = getattr(self.deployment, contract.lower())
        return address

    def check(self) -> None:
        """ChainError unless this connection serves the deployment's chain (chain id and genesis hash) and
        the three contracts have code there.

        Without the code check, a call to an address with no contract answers "0" on some stacks
        (status NONE): a verifier would call a real certificate unknown instead of naming the mistake.
        """
        deployment = self.deployment
        chain_id = int(self.web3.eth.chain_id)
        if chain_id != deployment.chain_id:
            raise ChainError(
                f"{self.name} serves chain {chain_id}, but the deployment is on chain {deployment.chain_id}"
            )
        genesis = "0x" + bytes(self.web3.eth.get_block(0)["hash"]).hex()
        if genesis != deployment.genesis_hash.lower():
            raise ChainError(
                f"{self.name} serves chain {chain_id} with genesis {genesis}, but the deployment was made on "
                f"genesis {deployment.genesis_hash}: the node was reset or is another chain"
            )
        for contract in CONTRACTS:
            if not self.web3.eth.get_code(Web3.to_checksum_address(self.address(contract))):
                raise ChainError(
                    f"{self.name}: no {contract} contract at {self.address(contract)} on chain {chain_id}: "
                    "a wrong deployment record, or a node that has not synced its block yet"
                )

    def call(self, contract: str, function: str, *args: Any) -> Any:
        """The view `function` of `contract`; a revert is a ChainError carrying the contract's reason.

        Encoded and decoded here rather than by web3.py's contract objects: ape, once imported, makes
        eth_abi decode empty return data as zeros, so an empty answer (no code at the address, a node
        that is behind) would read as status NONE. Every view returns data; none is an error.
        """
        target = self._functions[contract, function]
        try:
            returned = self.web3.eth.call({"to": target.address, "data": target.calldata(args)})
        except self._reverts as error:
            raise ChainError(revert_reason(error, f"{contract}.{function}")) from error
        if not returned:
            raise NoAnswerError(f"{self.name}: {contract}.{function} returned no data")
        return target.result(bytes(returned))

    def logs(self, params: dict[str, Any]) -> list[Any]:
        return list(self.web3.eth.get_logs(params))  # type: ignore[arg-type]

    def block_number(self) -> int:
        return int(self.web3.eth.block_number)

    def block_timestamp(self, block: int | str = "latest") -> int:
        return int(self.web3.eth.get_block(block)["timestamp"])  # type: ignore[arg-type]


def revert_reason(error: Exception, call: str) -> str:
    """The contract's own reason text of a revert, or "<call> reverted" when it gave none."""
    message = str(getattr(error, "message", None) or error)
    if message.startswith(REVERT_PREFIX):
        return message.removeprefix(REVERT_PREFIX)
    return message if message and message != "execution reverted" else f"{call} reverted"


@dataclass(frozen=True)
class _Function:
    """One view function of a deployed contract: how to encode its call and decode its answer."""

    address: str
    selector: bytes
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]

    @classmethod
    def of(cls, address: str, entry: Any) -> "_Function":
        return cls(
            address=to_checksum_address(address),
            selector=function_abi_to_4byte_selector(entry),
            inputs=tuple(get_abi_input_types(entry)),
            outputs=tuple(get_abi_output_types(entry)),
        )

    def calldata(self, args: tuple[Any, ...]) -> Any:
        return "0x" + (self.selector + encode(self.inputs, args)).hex()

    def result(self, returned: bytes) -> Any:
        """The decoded answer, addresses checksummed; a single output unwrapped, as web3.py does."""
        values = tuple(
            _normal(parse(kind), value)
            for kind, value in zip(self.outputs, decode(self.outputs, returned), strict=True)
        )
        return values[0] if len(values) == 1 else values


def _normal(kind: ABIType, value: Any) -> Any:
    if isinstance(kind, TupleType):
        return tuple(_normal(component, item) for component, item in zip(kind.components, value, strict=True))
    if isinstance(kind, BasicType) and kind.base == "address" and not kind.is_array:
        return to_checksum_address(value)
    return value
