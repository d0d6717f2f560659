"""Event logs of a deployment: block-range pages, `eth_getLogs` filters and decoding into records.

Decoded here with eth_abi from the shipped ABIs, so the ape client and the web3.py reader list the
same events as the same values.
"""

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from eth_abi import decode
from eth_utils import keccak, to_checksum_address

from originproof.chain.abi import abi
from originproof.chain.records import AttestationEvent, ChainEvent
from originproof.deployments import CONTRACTS, Deployment
from originproof.enums import Kind
from originproof.errors import ChainError, ValidationError


@dataclass(frozen=True)
class EventSpec:
    """One event of one contract: its topic and how to decode its fields."""

    contract: str
    name: str
    topic: bytes
    fields: tuple[str, ...]
    indexed: tuple[tuple[str, str], ...]
    data: tuple[tuple[str, str], ...]


@cache
def event_specs() -> Mapping[tuple[str, bytes], EventSpec]:
    """Every event of the three contracts, keyed by (contract, topic 0)."""
    specs = {}
    for contract in CONTRACTS:
        for entry in abi(contract):
            if entry["type"] != "event":
                continue
            inputs = entry["inputs"]
            signature = f"{entry['name']}({','.join(item['type'] for item in inputs)})"
            spec = EventSpec(
                contract=contract,
                name=entry["name"],
                topic=keccak(text=signature),
                fields=tuple(item["name"] for item in inputs),
                indexed=tuple((item["name"], item["type"]) for item in inputs if item["indexed"]),
                data=tuple((item["name"], item["type"]) for item in inputs if not item["indexed"]),
            )
            specs[contract, spec.topic] = spec
    return specs


def attested_topic() -> bytes:
    return next(spec.topic for spec in event_specs().values() if spec.name == "Attested")


def block_ranges(start: int, stop: int, page: int) -> Iterator[tuple[int, int]]:
    """[start, stop] cut into inclusive ranges of at most `page` blocks, in order."""
    if page < 1:
        raise ValidationError(f"page: must be at least 1 block, got {page}")
    for first in range(start, stop + 1, page):
        yield first, min(first + page - 1, stop)


def attested_filter(deployment: Deployment, cert_hash: bytes, start: int, stop: int) -> dict[str, Any]:
    """`eth_getLogs` parameters for the `Attested` logs of one certificate (topic 2 is its hash)."""
    return {
        "address": deployment.attestations,
        "topics": [_hex(attested_topic()), None, _hex(cert_hash)],
        "fromBlock": start,
        "toBlock": stop,
    }


def deployment_filter(deployment: Deployment, start: int, stop: int) -> dict[str, Any]:
    """`eth_getLogs` parameters for every log of the deployment's three contracts."""
    return {
        "address": [deployment.participants, deployment.certificates, deployment.attestations],
        "fromBlock": start,
        "toBlock": stop,
    }


def decode_event(log: Mapping[str, Any], deployment: Deployment) -> ChainEvent:
    """A raw log (web3.py's `get_logs` entry) of one of the deployment's contracts, decoded."""
    contract = _contract_at(deployment, log["address"])
    topics = [bytes(topic) for topic in log["topics"]]
    spec = event_specs().get((contract, topics[0])) if topics else None
    if spec is None:
        raise ChainError(f"{contract} log at block {log['blockNumber']} matches no event of its ABI")
    values = {
        name: decode([kind], topic)[0] for (name, kind), topic in zip(spec.indexed, topics[1:], strict=True)
    }
    data_types = [kind for _, kind in spec.data]
    values.update(zip((name for name, _ in spec.data), decode(data_types, bytes(log["data"])), strict=True))
    types = dict(spec.indexed + spec.data)
    return ChainEvent(
        contract=contract,
        name=spec.name,
        args={name: _normal(types[name], values[name]) for name in spec.fields},
        block_number=int(log["blockNumber"]),
        log_index=int(log["logIndex"]),
        tx_hash=_hex(bytes(log["transactionHash"])),
    )


def attestation_event(event: ChainEvent) -> AttestationEvent:
    """An `Attested` event as the record `attestations_of` lists."""
    args = event.args
    return AttestationEvent(
        uid=args["uid"],
        cert_hash=args["cert_hash"],
        attester=args["attester"],
        kind=Kind(args["kind"]),
        evidence_hash=args["evidence_hash"],
        expires_at=args["expires_at"],
        nonce=args["nonce"],
        block_number=event.block_number,
        tx_hash=event.tx_hash,
    )


def in_chain_order(events: Sequence[ChainEvent]) -> list[ChainEvent]:
    return sorted(events, key=lambda event: (event.block_number, event.log_index))


def _contract_at(deployment: Deployment, address: str) -> str:
    for name in CONTRACTS:
        if getattr(deployment, name.lower()).lower() == address.lower():
            return name
    raise ChainError(f"log from {address}, which is none of the deployment's contracts")


def _normal(kind: str, value: Any) -> Any:
    if kind == "address":
        return to_checksum_address(value)
    if kind.startswith("bytes"):
        return bytes(value)
    return value


def _hex(value: bytes) -> str:
    return "0x" + value.hex()
