"""Reading the members of the JSON files originproof writes, each refusal naming the member and its rule."""

import re
from collections.abc import Collection
from typing import Any

from originproof._internal.keccak import keccak
from originproof.errors import ValidationError

_ADDRESS = re.compile(r"0x[0-9a-fA-F]{40}")


def hex32(data: bytes) -> str:
    """32 bytes as the files write them: `0x` and 64 lowercase hex digits."""
    return "0x" + data.hex()


def obj(value: Any, what: str) -> dict[str, Any]:
    """`value` as a JSON object."""
    if type(value) is not dict:
        raise ValidationError(f"{what} must be a JSON object")
    return value


def members(
    value: Any, what: str, required: Collection[str], optional: Collection[str] = ()
) -> dict[str, Any]:
    """`value` as an object holding every required member and nothing unknown."""
    obj(value, what)
    missing = [name for name in required if name not in value]
    if missing:
        raise ValidationError(f"{what} is missing {', '.join(sorted(missing))}")
    unknown = [name for name in value if name not in required and name not in optional]
    if unknown:
        raise ValidationError(f"{what} has unknown member(s) {', '.join(sorted(unknown))}")
    return value


def array(value: Any, what: str) -> list[Any]:
    """`value` as a JSON array."""
    if type(value) is not list:
        raise ValidationError(f"{what} must be a JSON array")
    return value


def bytes32(value: Any, what: str) -> bytes:
    """32 bytes read from `0x` and 64 hex digits."""
    # `bytes.fromhex` does the checking, a third faster than a regex (a disclosure holds dozens of
    # hashes): it refuses anything but hex digits and whitespace, and whitespace leaves under 32 bytes.
    if type(value) is str and len(value) == 66 and value.startswith("0x"):
        try:
            data = bytes.fromhex(value[2:])
        except ValueError:
            pass
        else:
            if len(data) == 32:
                return data
    raise ValidationError(f"{what} must be 0x followed by 64 hex digits")


def address(value: Any, what: str) -> str:
    """An EVM address in its EIP-55 checksummed form; all-lowercase input carries no checksum to check."""
    if type(value) is not str or not _ADDRESS.fullmatch(value):
        raise ValidationError(f"{what} must be an address: 0x followed by 40 hex digits")
    checksummed = checksum_address(value)
    if value != checksummed and value != value.lower():
        raise ValidationError(f"{what} has a wrong EIP-55 checksum (expected {checksummed})")
    return checksummed


def checksum_address(address: str) -> str:
    """EIP-55: a hex digit is upper case where the keccak of the lower-case address has a nibble ≥ 8.

    eth_utils does the same through its slow keccak backend; this is most of reading a disclosure.
    """
    digits = address[2:].lower()
    nibbles = keccak(digits.encode("ascii")).hex()
    return "0x" + "".join(c.upper() if n >= "8" else c for c, n in zip(digits, nibbles, strict=False))


def uint(value: Any, what: str, bits: int, *, minimum: int = 0) -> int:
    """An integer (never a boolean) in [minimum, 2^bits - 1]."""
    if type(value) is not int or not minimum <= value < 2**bits:
        raise ValidationError(f"{what} must be an integer from {minimum} to 2^{bits} - 1")
    return value
