"""The gas floor of a transaction: what the EVM charges for its input and its effects, before any code runs.

A call cannot cost less than the transaction base, its calldata, the storage slots it must write and
the logs it must emit; everything a contract spends beyond that (dispatch, checks, reads, hashing,
calls to other contracts) is overhead this floor makes visible. Prices are those of EIP-2028
(calldata), EIP-2200/EIP-2929 (storage, cold access) and the yellow paper (logs); from Prague on,
EIP-7623 also bills calldata-heavy transactions at least 10 gas per calldata token.
"""

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from originproof.errors import ValidationError

TX_BASE = 21_000
ZERO_BYTE = 4
NONZERO_BYTE = 16
# EIP-7623: a calldata token is one zero byte or a quarter of a nonzero byte's weight (4 tokens).
STANDARD_PER_TOKEN = 4
FLOOR_PER_TOKEN = 10
COLD_SLOAD = 2_100
SSTORE_SET = 20_000
# EIP-2929 prices an update at 5,000 less the cold surcharge, which is billed separately.
SSTORE_RESET = 2_900
LOG_BASE = 375
LOG_TOPIC = 375
LOG_DATA_BYTE = 8

# Ethereum's hardforks in order, as anvil names them (lower-cased, with the aliases it accepts);
# EIP-7623 arrived with Prague.
_HARDFORKS = (
    "frontier",
    "homestead",
    "dao",
    "tangerine",
    "tangerinewhistle",
    "spuriousdragon",
    "byzantium",
    "constantinople",
    "petersburg",
    "istanbul",
    "muirglacier",
    "berlin",
    "london",
    "arrowglacier",
    "grayglacier",
    "paris",
    "merge",
    "shanghai",
    "cancun",
    "prague",
    "osaka",
    "bpo1",
    "bpo2",
    "bpo3",
    "bpo4",
    "bpo5",
)
_FIRST_WITH_EIP7623 = _HARDFORKS.index("prague")


class Write(enum.Enum):
    """How a storage write changes its slot, which decides its price."""

    NEW = "0 → nonzero"
    UPDATE = "nonzero → nonzero"


@dataclass(frozen=True)
class SlotWrite:
    """One storage slot a call must write: a name for the reader, and how it changes."""

    slot: str
    write: Write

    @property
    def gas(self) -> int:
        """Cold access plus the SSTORE price of the change."""
        return COLD_SLOAD + (SSTORE_SET if self.write is Write.NEW else SSTORE_RESET)


@dataclass(frozen=True)
class Log:
    """One emitted log: its topic count (event signature included) and data length."""

    topics: int
    data_bytes: int

    @property
    def gas(self) -> int:
        return LOG_BASE + LOG_TOPIC * self.topics + LOG_DATA_BYTE * self.data_bytes


@dataclass(frozen=True)
class Floor:
    """The floor of one transaction, term by term."""

    calldata: int
    storage: int
    logs: int
    # EIP-7623's calldata floor for the whole transaction, or None before Prague.
    eip7623: int | None

    @property
    def standard(self) -> int:
        """Base, calldata, storage and logs: the cost with no code at all."""
        return TX_BASE + self.calldata + self.storage + self.logs

    @property
    def total(self) -> int:
        """The floor the transaction is billed at least: EIP-7623's when it is higher."""
        return max(self.standard, self.eip7623 or 0)


def calldata_tokens(data: bytes) -> int:
    """EIP-7623's token count: 1 per zero byte, 4 per nonzero byte."""
    nonzero = sum(1 for byte in data if byte)
    return (len(data) - nonzero) + 4 * nonzero


def calldata_gas(data: bytes) -> int:
    """EIP-2028's calldata price: 4 gas per zero byte, 16 per nonzero byte."""
    return STANDARD_PER_TOKEN * calldata_tokens(data)


def eip7623_floor(data: bytes) -> int:
    """The least a transaction with this input is billed under EIP-7623, whatever it executes."""
    return TX_BASE + FLOOR_PER_TOKEN * calldata_tokens(data)


def applies_eip7623(hardfork: str) -> bool:
    """Whether `hardfork` (a name as anvil reports it, any case) prices calldata under EIP-7623."""
    name = hardfork.lower()
    if name not in _HARDFORKS:
        raise ValidationError(
            f"hardfork: {hardfork!r} is not a known Ethereum hardfork, so whether EIP-7623 applies is unknown"
        )
    return _HARDFORKS.index(name) >= _FIRST_WITH_EIP7623


def floor(data: bytes, writes: Sequence[SlotWrite], logs: Sequence[Log], eip7623: bool) -> Floor:
    """The floor of a transaction with input `data` that writes `writes` and emits `logs`."""
    return Floor(
        calldata=calldata_gas(data),
        storage=sum(write.gas for write in writes),
        logs=sum(log.gas for log in logs),
        eip7623=eip7623_floor(data) if eip7623 else None,
    )
