"""Constants and settings shared by the Participants and Certificates tests."""

import datetime as dt

from eth_utils import keccak
from hypothesis import HealthCheck, settings

DAY = 86_400
ZERO = bytes(32)
ZERO_ADDRESS = "0x" + "00" * 20
PROFILE = keccak(text="participant profile")
KEY = keccak(text="participant age key")
REASON = keccak(text="certificate withdrawn")
REQUEST = keccak(text="verification request")
FINDING = keccak(text="verification finding")

# The StandardMerkleTree leaf of a batch member: (certHash, agreement, blanketFrom, blanketTo).
LEAF_TYPES = ("bytes32", "uint8", "uint64", "uint64")

# Ape resets the chain per test, not per hypothesis example: examples draw fresh hashes and stay few.
FEW_EXAMPLES = settings(
    deadline=None, max_examples=8, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def midnight(year: int, month: int, day: int) -> int:
    """The UTC-midnight timestamp of a calendar day, as blanket periods are written on-chain."""
    return int(dt.datetime(year, month, day, tzinfo=dt.UTC).timestamp())


def block_time(chain, tx) -> int:
    """The timestamp of the block that mined `tx`."""
    return chain.blocks[tx.block_number].timestamp
