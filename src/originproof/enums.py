"""On-chain codes mirrored once in Python, for the package and the tests alike."""

from enum import IntEnum

from eth_utils import keccak


class Agreement(IntEnum):
    USMCA = 1
    NAFTA = 2
    CAFTA_DR = 3


class Status(IntEnum):
    NONE = 0
    ACTIVE = 1
    SUPERSEDED = 2
    REVOKED = 3
    UNDER_VERIFICATION = 4
    AFFIRMED = 5
    DENIED = 6


class Kind(IntEnum):
    SUPPLIER_DECLARATION = 1
    RECEIVED = 2
    CLAIM_FILED = 3
    ACCESS_GRANTED = 4
    VERIFICATION_RESPONSE = 5
    CUSTOMS_NOTE = 6


def _role_id(name: str) -> bytes:
    return keccak(text=name)


class Role:
    """Role identifiers as Participants defines them: keccak256 of the role's own name."""

    DEFAULT_ADMIN = b"\x00" * 32
    CUSTOMS = _role_id("CUSTOMS_ROLE")
    EXPORTER = _role_id("EXPORTER_ROLE")
    PRODUCER = _role_id("PRODUCER_ROLE")
    IMPORTER = _role_id("IMPORTER_ROLE")
    BROKER = _role_id("BROKER_ROLE")


CERTIFIER_ROLES = (Role.EXPORTER, Role.PRODUCER, Role.IMPORTER)
