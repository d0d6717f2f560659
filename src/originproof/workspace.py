"""One party's working state: where its deployment records, age identity, store and inbox cursor live.

Every party (a certifier, an importer, customs) works from its own home directory; parties that share
one store (the pilot, or several firms on one PostgreSQL server) name it by URL instead.
"""

import os
from dataclasses import dataclass
from pathlib import Path

STORE_ENV = "ORIGINPROOF_STORE"
IDENTITY_ENV = "ORIGINPROOF_IDENTITY"
DEPLOYMENTS_ENV = "ORIGINPROOF_DEPLOYMENTS"


@dataclass(frozen=True)
class Workspace:
    home: Path
    store: str | None = None
    identity: Path | None = None
    deployments: Path | None = None

    @classmethod
    def from_env(cls, home: Path) -> "Workspace":
        """The workspace at `home`, with the store, identity and deployment record the environment names.

        A shared deployment record is how every party of one network finds the same contracts (on a
        testnet, the record committed beside the project).
        """
        identity = os.environ.get(IDENTITY_ENV)
        deployments = os.environ.get(DEPLOYMENTS_ENV)
        return cls(
            home=home,
            store=os.environ.get(STORE_ENV),
            identity=Path(identity) if identity else None,
            deployments=Path(deployments) if deployments else None,
        )

    @property
    def deployments_path(self) -> Path:
        return self.deployments or self.home / "deployments.json"

    @property
    def identity_path(self) -> Path:
        return self.identity or self.home / "identity.txt"

    @property
    def store_url(self) -> str:
        return self.store or f"sqlite:///{self.home / 'store.db'}"

    @property
    def inbox_cursor_path(self) -> Path:
        return self.home / "inbox.json"
