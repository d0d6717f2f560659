"""Checks of the byte strings and addresses that cross the chain boundary, with errors naming the field."""

from eth_utils import is_address

from originproof._internal.wire import checksum_address
from originproof.errors import ValidationError

BYTES32 = 32


def require_bytes32(value: object, field: str) -> bytes:
    """`value` if it is exactly 32 bytes (a hash or a raw X25519 key); otherwise `ValidationError`."""
    if not isinstance(value, bytes) or len(value) != BYTES32:
        raise ValidationError(f"{field} must be {BYTES32} bytes")
    return value


def require_address(value: object, field: str) -> str:
    """`value` as a checksummed account address; `ValidationError` if it is none or its checksum is wrong."""
    if not isinstance(value, str) or not is_address(value):
        raise ValidationError(f"{field} {value!r} is not an account address (0x and 40 hex digits)")
    # eth_utils' own checksum goes through its slow keccak backend: a quarter of storing a part.
    checksummed = checksum_address("0x" + value[-40:])
    digits = value.removeprefix("0x")
    # Mixed case claims an EIP-55 checksum, which a typo breaks; a single case claims none.
    if digits not in (digits.lower(), digits.upper()) and value != checksummed:
        raise ValidationError(f"{field} {value!r} is not an account address: its EIP-55 checksum is wrong")
    return checksummed
