"""The pilot's cast: customs and the trade participants, each a `Party` with its own home and age identity.

Every party works from its own directory under the run's directory (its identity file, its profile),
as separate firms would; all of them name one shared store (a SQLite file in the run directory), as
parties sharing one PostgreSQL store would. The accounts are the network's test accounts, in the order
the test suite names them (customs first).
"""

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from originproof import keys
from originproof.chain import ChainClient, TxResult
from originproof.flows import participants
from originproof.flows._common import Party
from originproof.workspace import Workspace

STORE_FILE = "shared-store.db"


@dataclass(frozen=True)
class Member:
    """A part in the pilot: who (`name`, as the report shows the actor), in which role, on which account."""

    name: str
    role: str
    account_index: int


CUSTOMS = Member("customs", "customs", 0)
EXPORTER = Member("exporter", "exporter", 1)
PRODUCER = Member("producer", "producer", 2)
IMPORTER = Member("importer", "importer", 3)
BROKER = Member("broker", "broker", 4)
SECOND_IMPORTER = Member("second importer", "importer", 5)
SECOND_PRODUCER = Member("second producer", "producer", 6)

CAST = (CUSTOMS, EXPORTER, PRODUCER, IMPORTER, BROKER, SECOND_IMPORTER, SECOND_PRODUCER)


@dataclass
class Cast:
    """The parties of one run, by member, and the SQLite file of the store they share."""

    parties: dict[Member, Party]
    store_path: Path

    def __getitem__(self, member: Member) -> Party:
        return self.parties[member]

    def __iter__(self) -> Iterator[tuple[Member, Party]]:
        return iter(self.parties.items())

    def close(self) -> None:
        for party in self.parties.values():
            party.close()


def assemble(directory: Path, client: ChainClient, accounts: Sequence[Any]) -> Cast:
    """Give every member a home under `directory` with a fresh age identity and a profile file.

    `accounts` are the network's test accounts; member `account_index` picks one. Nothing is sent:
    `enroll` puts the cast on chain.
    """
    store_path = directory / STORE_FILE
    parties = {}
    for member in CAST:
        home = directory / member.name.replace(" ", "-")
        home.mkdir(parents=True)
        workspace = Workspace(home=home, store=f"sqlite:///{store_path}")
        keys.write_identity(workspace.identity_path, keys.generate_identity())
        _profile_path(home).write_text(json.dumps({"participant": member.name, "role": member.role}) + "\n")
        parties[member] = Party(workspace, client, accounts[member.account_index])
    return Cast(parties, store_path)


def enroll(cast: Cast) -> list[TxResult]:
    """Customs publishes its own encryption key and enrolls every other member with theirs.

    Customs holds its role from the deployment, so it only sets its key; the others are enrolled in
    their roles with their profile file's hash and the public key of their age identity.
    """
    customs = cast[CUSTOMS]
    sent = [customs.client.set_encryption_key(customs.account, customs.public_key)]
    for member, party in cast:
        if member is CUSTOMS:
            continue
        profile = participants.profile_hash(str(_profile_path(party.workspace.home)))
        enrollment = participants.enroll(customs, party.address, member.role, party.public_key, profile)
        sent.append(enrollment.tx)
    return sent


def _profile_path(home: Path) -> Path:
    return home / "profile.json"
