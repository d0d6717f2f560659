"""ABI encoding with a hand-written fast path for the field-leaf layout `(bytes32, string, bytes)`.

`eth_abi.encode` is general and costs about 13 µs per field leaf; this layout is fixed, so its
encoding is a few concatenations: the head holds the salt and the byte offsets of the two dynamic
tails (always 0x60 for the path), each tail is a 32-byte length followed by the data zero-padded
to a multiple of 32 bytes. The tests prove it equal to `eth_abi.encode` for arbitrary inputs.
"""

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import eth_abi

FIELD_TYPES = ("bytes32", "string", "bytes")

_HEAD_SIZE = 3 * 32
_PATH_OFFSET = _HEAD_SIZE.to_bytes(32, "big")
_PADDING = bytes(32)


def encode_field(salt: bytes, path: str, value: bytes) -> bytes:
    """`abi.encode(bytes32 salt, string path, bytes value)`; `salt` must be exactly 32 bytes."""
    return b"".join(
        (salt, _path_head(path), len(value).to_bytes(32, "big"), value, _PADDING[: -len(value) % 32])
    )


@lru_cache(maxsize=4_096)
def _path_head(path: str) -> bytes:
    """What lies between the salt and the value's length: both tail offsets, then the padded path.

    Cached: documents of one kind share their paths, so each certificate meets the same few hundred.
    """
    path_bytes = path.encode("utf-8")
    path_padding = -len(path_bytes) % 32
    value_offset = _HEAD_SIZE + 32 + len(path_bytes) + path_padding
    return b"".join(
        (
            _PATH_OFFSET,
            value_offset.to_bytes(32, "big"),
            len(path_bytes).to_bytes(32, "big"),
            path_bytes,
            _PADDING[:path_padding],
        )
    )


def encode(types: Sequence[str], args: Sequence[Any]) -> bytes:
    """`eth_abi.encode(types, args)`, taking the fast path when the layout and values allow it."""
    if len(args) == 3 and tuple(types) == FIELD_TYPES:
        salt, path, value = args
        if type(salt) is bytes and len(salt) == 32 and type(path) is str and type(value) is bytes:
            return encode_field(salt, path, value)
    return eth_abi.encode(types, args)
