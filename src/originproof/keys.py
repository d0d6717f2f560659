"""age X25519 identities: the key files a participant keeps, and the public key that goes on-chain.

An identity file is what `age-keygen` writes (`# created:`, `# public key: age1…`, then the
`AGE-SECRET-KEY-1…` line), so the `age` command-line tool reads it too. A passphrase-protected file is
that text encrypted with age's scrypt passphrase mode and armored, as `age -p -a` produces. Key files
are created with mode 0600 and refused when group or others may read them.

On-chain, a participant's `encryption_key` is the raw 32-byte X25519 public key; off-chain, age names
the same key as a bech32 `age1…` recipient. `key_to_recipient` and `recipient_to_key` convert.

Nothing here logs or prints a secret key, and no error message quotes one.
"""

import os
import stat
from datetime import UTC, datetime
from pathlib import Path

import pyrage
from pyrage import x25519

from originproof._internal import bech32
from originproof.errors import DecryptionError, ValidationError

KEY_LENGTH = 32
RECIPIENT_HRP = "age"
SECRET_KEY_HRP = "age-secret-key-"
SECRET_KEY_PREFIX = "AGE-SECRET-KEY-1"
KEY_FILE_MODE = 0o600

# An age file in either of its encodings: armored (what this module writes) or binary.
_ENCRYPTED_MARKERS = (b"-----BEGIN AGE ENCRYPTED FILE-----", b"age-encryption.org/")


def generate_identity() -> x25519.Identity:
    """A fresh X25519 identity from the operating system's random source."""
    return x25519.Identity.generate()


def key_to_recipient(key: bytes) -> str:
    """The age recipient (`age1…`) of a raw 32-byte X25519 public key, such as an on-chain key."""
    if len(key) != KEY_LENGTH:
        raise ValidationError(f"encryption key must be {KEY_LENGTH} bytes, got {len(key)}")
    return bech32.encode(RECIPIENT_HRP, key)


def recipient_to_key(recipient: str) -> bytes:
    """The raw 32-byte X25519 public key named by an age recipient string (`age1…`)."""
    try:
        hrp, key = bech32.decode(recipient)
    except ValidationError as error:
        raise ValidationError(f"age recipient {recipient!r}: {error}") from None
    if hrp != RECIPIENT_HRP or recipient != recipient.lower():
        raise ValidationError(f"age recipient {recipient!r} must start with {RECIPIENT_HRP!r}1 in lower case")
    if len(key) != KEY_LENGTH:
        raise ValidationError(f"age recipient {recipient!r} holds {len(key)} bytes, not {KEY_LENGTH}")
    return key


def recipient(key: bytes) -> x25519.Recipient:
    """The pyrage recipient that encrypts to a raw 32-byte X25519 public key."""
    return x25519.Recipient.from_str(key_to_recipient(key))


def public_key(identity: x25519.Identity) -> bytes:
    """The raw 32-byte X25519 public key of an identity: its on-chain `encryption_key`."""
    return recipient_to_key(str(identity.to_public()))


def _identity_text(identity: x25519.Identity, created: datetime) -> str:
    """The identity file's text, laid out as `age-keygen` writes it."""
    return (
        f"# created: {created.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}\n"
        f"# public key: {identity.to_public()}\n"
        f"{identity}\n"
    )


def write_identity(path: Path, identity: x25519.Identity, *, passphrase: str | None = None) -> None:
    """Write `identity` to a new file at `path`, readable by its owner only.

    The file is created exclusively with mode 0600, so it is never readable by others, not even
    for a moment, and an existing file (perhaps another key) is never overwritten. With a
    `passphrase`, the file holds the identity encrypted under it (age's scrypt mode, armored).
    """
    if passphrase is not None and not passphrase:
        raise ValidationError(f"key file {path}: passphrase must not be empty")
    content = _identity_text(identity, datetime.now(UTC)).encode()
    if passphrase is not None:
        content = pyrage.passphrase.encrypt(content, passphrase, armored=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, KEY_FILE_MODE)
    except FileExistsError:
        raise ValidationError(f"key file {path} already exists; refusing to overwrite it") from None
    with os.fdopen(descriptor, "wb") as file:
        file.write(content)
        file.flush()
        os.fsync(file.fileno())


def load_identity(path: Path, *, passphrase: str | None = None) -> x25519.Identity:
    """Read the identity in the key file at `path`, decrypting it with `passphrase` if it is protected.

    Raises `ValidationError` naming the file when it is readable by group or others, is protected
    and no passphrase was given (or is not and one was), or does not hold exactly one age secret key;
    `DecryptionError`, saying no more, when the passphrase is wrong.
    """
    try:
        with open(path, "rb") as file:
            mode = stat.S_IMODE(os.fstat(file.fileno()).st_mode)
            if mode & 0o077:
                raise ValidationError(
                    f"key file {path} has mode {mode:04o}: it must not be readable by group or others "
                    f"(run: chmod 600 {path})"
                )
            content = file.read()
    except OSError as error:
        raise ValidationError(f"key file {path} cannot be read: {error.strerror}") from None
    if content.lstrip().startswith(_ENCRYPTED_MARKERS):
        if passphrase is None:
            raise ValidationError(f"key file {path} is passphrase-protected: give its passphrase")
        try:
            content = pyrage.passphrase.decrypt(content, passphrase)
        except pyrage.DecryptError:
            raise DecryptionError("decryption failed") from None
    elif passphrase is not None:
        raise ValidationError(f"key file {path} is not passphrase-protected, yet a passphrase was given")
    return _parse_identity(content, path)


def _parse_identity(content: bytes, path: Path) -> x25519.Identity:
    """The one secret key among the file's lines; comments and blank lines are skipped, as age does."""
    try:
        lines = content.decode().splitlines()
    except UnicodeDecodeError:
        raise ValidationError(f"key file {path} is not text") from None
    secrets = [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
    if len(secrets) != 1 or not secrets[0].startswith(SECRET_KEY_PREFIX):
        raise ValidationError(
            f"key file {path} must hold exactly one {SECRET_KEY_PREFIX}… line "
            f"(found {len(secrets)} non-comment lines)"
        )
    try:
        hrp, secret = bech32.decode(secrets[0])
    except ValidationError as error:
        raise ValidationError(f"key file {path}: its secret key is malformed ({error})") from None
    if hrp != SECRET_KEY_HRP or len(secret) != KEY_LENGTH:
        raise ValidationError(f"key file {path}: its secret key is not a {KEY_LENGTH}-byte age X25519 key")
    return x25519.Identity.from_str(secrets[0])
