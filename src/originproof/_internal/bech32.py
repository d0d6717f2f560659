"""Bech32 (BIP 173), the encoding of age's keys: `age1…` recipients and `AGE-SECRET-KEY-1…` identities.

age uses the original bech32 checksum (not bech32m) and lifts BIP 173's 90-character limit, so this
module does the same. Only whole-byte payloads are supported, which is all age needs.
"""

from originproof.errors import ValidationError

_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_GENERATOR = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
_CHECKSUM_LENGTH = 6


def _polymod(values: list[int]) -> int:
    checksum = 1
    for value in values:
        top = checksum >> 25
        checksum = (checksum & 0x1FFFFFF) << 5 ^ value
        for bit, generator in enumerate(_GENERATOR):
            if (top >> bit) & 1:
                checksum ^= generator
    return checksum


def _expand_hrp(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def _to_words(data: bytes) -> list[int]:
    """Regroup 8-bit bytes into 5-bit words, zero-padding the last word."""
    words: list[int] = []
    accumulator = bits = 0
    for byte in data:
        accumulator = (accumulator << 8) | byte
        bits += 8
        while bits >= 5:
            bits -= 5
            words.append((accumulator >> bits) & 31)
    if bits:
        words.append((accumulator << (5 - bits)) & 31)
    return words


def _from_words(words: list[int]) -> bytes:
    """Regroup 5-bit words into bytes; the padding must be shorter than a byte and all zeros."""
    data = bytearray()
    accumulator = bits = 0
    for word in words:
        accumulator = (accumulator << 5) | word
        bits += 5
        if bits >= 8:
            bits -= 8
            data.append((accumulator >> bits) & 0xFF)
    if bits >= 5 or (accumulator & ((1 << bits) - 1)):
        raise ValidationError("bech32 string has invalid padding")
    return bytes(data)


def encode(hrp: str, data: bytes) -> str:
    """Encode `data` under the human-readable part `hrp` (lower case, as age writes recipients)."""
    words = _to_words(data)
    checksum = _polymod([*_expand_hrp(hrp), *words, *[0] * _CHECKSUM_LENGTH]) ^ 1
    words += [(checksum >> 5 * (_CHECKSUM_LENGTH - 1 - i)) & 31 for i in range(_CHECKSUM_LENGTH)]
    return hrp + "1" + "".join(_CHARSET[w] for w in words)


def decode(text: str) -> tuple[str, bytes]:
    """Decode a bech32 string into its lower-case human-readable part and payload bytes.

    Raises `ValidationError` when the string mixes cases, has no separator, holds a character outside
    the bech32 alphabet, or fails its checksum. The message never quotes the string, since it may be a
    secret key; callers name what they were decoding.
    """
    if text.lower() != text and text.upper() != text:
        raise ValidationError("bech32 string mixes upper and lower case")
    lowered = text.lower()
    separator = lowered.rfind("1")
    if separator < 1 or len(lowered) - separator - 1 < _CHECKSUM_LENGTH:
        raise ValidationError("bech32 string has no human-readable part or checksum")
    hrp, payload = lowered[:separator], lowered[separator + 1 :]
    if any(not 33 <= ord(c) <= 126 for c in hrp):
        raise ValidationError("bech32 string has a non-printable human-readable part")
    try:
        words = [_CHARSET.index(c) for c in payload]
    except ValueError:
        raise ValidationError("bech32 string holds a character outside the bech32 alphabet") from None
    if _polymod([*_expand_hrp(hrp), *words]) != 1:
        raise ValidationError("bech32 string fails its checksum")
    return hrp, _from_words(words[:-_CHECKSUM_LENGTH])
