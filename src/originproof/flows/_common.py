"""What every workflow shares: the session of one party (its chain client, sending account, store and
age identity), the parsing of the hashes users type, and what makes a repeated run safe (finding an
attestation a previous run made; giving an untouched batch member its record before acting on it)."""

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from eth_utils import keccak
from pyrage import x25519

from originproof import deployments, keys
from originproof.chain import ChainClient, TxResult
from originproof.enums import Kind, Status
from originproof.errors import ChainError, ValidationError
from originproof.store import Store
from originproof.workspace import Workspace

_HASH = re.compile(r"0x[0-9a-fA-F]{64}")


def hex32(value: bytes) -> str:
    """A 32-byte hash as users see it: `0x` and 64 lower-case hex digits."""
    return "0x" + value.hex()


def parse_hash(text: str, what: str) -> bytes:
    """The 32 bytes of a `0x…` hash typed by a user; ValidationError naming `what` otherwise."""
    if not _HASH.fullmatch(text.strip()):
        raise ValidationError(f"{what} {text!r} is not a 32-byte hash (0x and 64 hex digits)")
    return bytes.fromhex(text.strip()[2:])


def text_hash(text: str, what: str) -> bytes:
    """What goes on chain for a text a user typed: keccak256 of it (UTF-8, trimmed), which must not be
    empty; ValidationError naming `what` otherwise."""
    if not text.strip():
        raise ValidationError(f"{what} must not be empty")
    return keccak(text=text.strip())


@dataclass(frozen=True)
class Attestation:
    """An attestation of this party: made now (`tx`), or found where a previous run made it (`tx` None)."""

    uid: bytes
    block_number: int
    tx: TxResult | None


def attest_once(me: "Party", cert_hash: bytes, kind: Kind, evidence: bytes) -> Attestation:
    """Attest as the party, unless its valid attestation of `kind` with this evidence is there already.

    A run repeated after a failure that followed the transaction so finds the attestation instead of
    making a second one.
    """
    for event in me.client.attestations_of(cert_hash):
        if (
            event.kind is kind
            and event.attester == me.address
            and event.evidence_hash == evidence
            and me.client.is_valid(event.uid)
        ):
            return Attestation(event.uid, event.block_number, None)
    tx = me.client.attest(me.account, cert_hash, kind, evidence)
    if tx.value is None:
        raise ChainError(f"{tx.name} in {tx.tx_hash} created no attestation")
    return Attestation(tx.value, tx.block_number, tx)


def open_client(workspace: Workspace) -> ChainClient:
    """The chain client of the deployment recorded in the workspace for the chain ape is connected to."""
    from ape import chain

    return ChainClient.connect(deployments.find_on(chain, workspace.deployments_path))


def load_identity(workspace: Workspace, passphrase: str | None = None) -> x25519.Identity:
    """The workspace's age identity; ValidationError saying how to create it when there is none."""
    path = workspace.identity_path
    if not path.exists():
        raise ValidationError(f"no age identity at {path}: create one with `originproof keys new`")
    return keys.load_identity(path, passphrase=passphrase)


@dataclass
class Party:
    """One participant at work: its workspace, the chain client and the ape account that sends for it.

    The store and the age identity are opened on first use, so a command that needs neither (enroll,
    revoke) never asks for a passphrase or creates a store. `close()` releases the store.
    """

    workspace: Workspace
    client: ChainClient
    account: Any
    passphrase: str | None = field(default=None, repr=False)

    @property
    def address(self) -> str:
        """The sending account's checksummed address."""
        return str(self.account.address)

    @cached_property
    def store(self) -> Store:
        self.workspace.home.mkdir(parents=True, exist_ok=True)
        return Store(self.workspace.store_url)

    @cached_property
    def identity(self) -> x25519.Identity:
        return load_identity(self.workspace, self.passphrase)

    @property
    def public_key(self) -> bytes:
        """The raw X25519 public key of the party's identity (what its on-chain key should be)."""
        return keys.public_key(self.identity)

    def close(self) -> None:
        if "store" in self.__dict__:
            self.store.close()


def status_on_chain(me: Party, cert_hash: bytes) -> tuple[Status, TxResult | None]:
    """The certificate's on-chain status, first giving an untouched batch member its own record.

    A batch member's status reads NONE until something happens to it; when this party's store holds
    the member's batch proof (it certified the batch, or shares the certifier's store), the member is
    materialized, and that transaction is returned with the new status.
    """
    status = me.client.status(cert_hash)
    if status is not Status.NONE:
        return status, None
    member = batch_member(me, cert_hash)
    if member is None:
        return status, None
    tx = me.client.materialize(me.account, *member)
    return me.client.status(cert_hash), tx


BatchMember = tuple[bytes, bytes, int, int, int, tuple[bytes, ...]]
"""(root, cert_hash, agreement, blanket_from, blanket_to, proof): how `materialize` and
`status_in_batch` name a batch member."""


def batch_member(me: Party, cert_hash: bytes) -> BatchMember | None:
    """The batch terms of a certificate this party's store registered as a batch member; else None."""
    registration = me.store.registrations.get(cert_hash)
    if registration is None or registration.batch is None:
        return None
    batch = registration.batch
    return (
        batch.root,
        cert_hash,
        registration.agreement,
        registration.blanket_from,
        registration.blanket_to,
        batch.proof,
    )
