"""Enrollment (customs) and a participant's own key rotation.

Rotation changes three things that must end up agreeing: the on-chain `encryption_key`, the parts in
the store (re-encrypted from the old key to the new), and the identity file. They change in this
order, each step safe to repeat, so a run that stops anywhere is finished by running it again:

1. the new identity is written beside the current one (`identity.txt.new`), or read back if an
   interrupted run left it there;
2. the chain gets the new key, unless it already has it (senders now encrypt to the new key, which
   the waiting file can open);
3. the store's parts are re-encrypted in one transaction (a rerun finds nothing left to re-encrypt);
4. the current identity is kept as `identity.txt.<old key>.old`, for files encrypted to it outside
   this store (exports, other stores), and the new one takes its place with an atomic rename.
"""

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

from eth_utils import keccak

from originproof import keys
from originproof._internal.checks import require_address
from originproof.chain import TxResult
from originproof.enums import Role
from originproof.errors import ValidationError
from originproof.flows._common import Party, hex32, parse_hash

ROLES = {
    "customs": Role.CUSTOMS,
    "exporter": Role.EXPORTER,
    "producer": Role.PRODUCER,
    "importer": Role.IMPORTER,
    "broker": Role.BROKER,
}
NO_PROFILE = keccak(b"")
"""The profile hash of a participant enrolled without a profile document (the chain refuses zero)."""

_ZERO = bytes(32)


def parse_key(text: str) -> bytes:
    """A participant's encryption key, given as an age recipient (`age1…`) or as 0x and 64 hex digits."""
    text = text.strip()
    key = keys.recipient_to_key(text) if text.startswith("age1") else parse_hash(text, "encryption key")
    if key == _ZERO:
        raise ValidationError("encryption key must not be zero")
    return key


def profile_hash(value: str | None) -> bytes:
    """The profile hash to enroll: a 0x hash as given, keccak256 of a profile file, or `NO_PROFILE`."""
    if value is None:
        return NO_PROFILE
    if value.startswith("0x") and not Path(value).is_file():
        digest = parse_hash(value, "profile hash")
        if digest == _ZERO:
            raise ValidationError("profile hash must not be zero")
        return digest
    path = Path(value)
    try:
        return keccak(path.read_bytes())
    except OSError as error:
        raise ValidationError(
            f"profile {value!r} is neither a readable file nor a 0x hash: {error.strerror}"
        ) from None


@dataclass(frozen=True)
class Enrollment:
    account: str
    role: str
    encryption_key: bytes
    profile_hash: bytes
    tx: TxResult


def enroll(me: Party, account: str, role: str, encryption_key: bytes, profile: bytes) -> Enrollment:
    """Customs enrolls `account` in `role` (a name of `ROLES`) with its encryption key and profile hash."""
    account = require_address(account, "account")
    if role not in ROLES:
        raise ValidationError(f"role {role!r} is not one of {', '.join(ROLES)}")
    tx = me.client.enroll(me.account, account, ROLES[role], profile, encryption_key)
    return Enrollment(account, role, encryption_key, profile, tx)


def suspend(me: Party, account: str) -> TxResult:
    """Customs suspends a participant: it can do nothing on chain until reinstated."""
    return me.client.suspend(me.account, require_address(account, "account"))


def reinstate(me: Party, account: str) -> TxResult:
    """Customs lifts a participant's suspension."""
    return me.client.reinstate(me.account, require_address(account, "account"))


@dataclass(frozen=True)
class Rotation:
    previous_key: bytes
    new_key: bytes
    tx: TxResult | None
    reencrypted: int
    identity: Path
    retired: Path


def pending_path(identity: Path) -> Path:
    """Where a rotation keeps the new identity until the chain and the store have its key."""
    return identity.with_name(identity.name + ".new")


def retired_path(identity: Path, key: bytes) -> Path:
    """Where a rotation keeps the identity it replaced, named by that identity's public key."""
    return identity.with_name(f"{identity.name}.{key.hex()[:16]}.old")


def publish_key(me: Party) -> TxResult | None:
    """Put the workspace identity's key on chain for an account that has none yet (the deploying
    customs, or one enrolled through `grantRole`); None when the chain already has exactly this key.

    A different key already on chain is refused: replacing it is a rotation (`set_key`), which also
    re-encrypts the stored parts.
    """
    key = keys.public_key(me.identity)
    on_chain = me.client.encryption_key(me.address)
    if on_chain == key:
        return None
    if on_chain != _ZERO:
        raise ValidationError(
            f"{me.address} already has the on-chain key {hex32(on_chain)}: "
            "rotate it with `participants set-key`"
        )
    return me.client.set_encryption_key(me.account, key)


def set_key(me: Party) -> Rotation:
    """Rotate the party's encryption key: chain, store and identity file (see the module docstring).

    Refused, before anything changes, when the chain's key for this account is neither the current
    identity's nor the waiting new one's: the workspace would then be rotating someone else's key.
    """
    path = me.workspace.identity_path
    old = me.identity
    old_key = keys.public_key(old)
    waiting = pending_path(path)
    if waiting.exists():
        new = keys.load_identity(waiting, passphrase=me.passphrase)
    else:
        new = keys.generate_identity()
    new_key = keys.public_key(new)
    on_chain = me.client.encryption_key(me.address)
    if on_chain not in (old_key, new_key):
        raise ValidationError(
            f"the on-chain key of {me.address} is {hex32(on_chain)}, not this workspace's identity "
            f"({hex32(old_key)}): nothing was changed"
        )
    if not waiting.exists():
        keys.write_identity(waiting, new, passphrase=me.passphrase)
    tx = None if on_chain == new_key else me.client.set_encryption_key(me.account, new_key)
    reencrypted = me.store.rotate_key(old, new_key)
    retired = retired_path(path, old_key)
    # An interrupted run may have kept it already: the same identity, under its own key's name.
    with contextlib.suppress(FileExistsError):
        os.link(path, retired)
    os.replace(waiting, path)
    return Rotation(old_key, new_key, tx, reencrypted, path, retired)
