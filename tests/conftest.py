"""Shared fixtures: accounts named by role and the three contracts, deployed once per session.

Ape isolates chain state per test, so the session-scoped deployment (and enrollment) is the
starting point every test sees, on EthTester and on anvil alike.
"""

import itertools
from collections.abc import Callable, Sequence

import pytest
from eth_account import Account
from eth_utils import keccak

from originproof.enums import Agreement, Role, Status


@pytest.fixture(scope="session")
def customs(accounts):
    return accounts[0]


@pytest.fixture(scope="session")
def exporter(accounts):
    return accounts[1]


@pytest.fixture(scope="session")
def producer(accounts):
    return accounts[2]


@pytest.fixture(scope="session")
def importer(accounts):
    return accounts[3]


@pytest.fixture(scope="session")
def broker(accounts):
    return accounts[4]


@pytest.fixture(scope="session")
def stranger(accounts):
    return accounts[5]


@pytest.fixture(scope="session")
def second_producer(accounts):
    return accounts[6]


@pytest.fixture(scope="session")
def participants(project, customs):
    return customs.deploy(project.Participants)


@pytest.fixture(scope="session")
def enrolled(participants, customs, exporter, producer, importer, broker, second_producer):
    """Every trade participant enrolled in its role, each with a distinct encryption key."""
    members = [
        (exporter, Role.EXPORTER),
        (producer, Role.PRODUCER),
        (importer, Role.IMPORTER),
        (broker, Role.BROKER),
        (second_producer, Role.PRODUCER),
    ]
    for number, (account, role) in enumerate(members, start=1):
        key = number.to_bytes(32, "big")
        participants.enroll(account, role, b"\x11" * 32, key, sender=customs)
    return participants


@pytest.fixture(scope="session")
def certificates(project, customs, enrolled):
    return customs.deploy(project.Certificates, enrolled)


@pytest.fixture(scope="session")
def attestations(project, customs, enrolled, certificates):
    return customs.deploy(project.Attestations, enrolled, certificates)


# Attestations: certificates in any status, and EIP-1271 multisig wallets enrolled as producers.

NO_AMENDMENT = b"\x00" * 32


@pytest.fixture(scope="session")
def certificate_in_status(certificates, customs, exporter) -> Callable[..., bytes]:
    """Factory: a fresh certificate driven through its lifecycle to `status` (NONE: never registered).

    The certifier is `exporter` unless another is given, so tests can tell "the certifier" from "a
    producer". Each call makes a new hash, so several certificates coexist in one test.
    """
    serial = itertools.count()

    def make(status: Status = Status.ACTIVE, certifier=None) -> bytes:
        certifier = certifier or exporter
        cert_hash = keccak(text=f"certificate in status {status.name} #{next(serial)}")
        if status == Status.NONE:
            return cert_hash
        certificates.register(cert_hash, Agreement.USMCA, 0, 0, NO_AMENDMENT, sender=certifier)
        if status == Status.SUPERSEDED:
            amendment = keccak(b"amendment of " + cert_hash)
            certificates.register(amendment, Agreement.USMCA, 0, 0, cert_hash, sender=certifier)
        elif status == Status.REVOKED:
            certificates.revoke(cert_hash, keccak(text="revoked"), sender=certifier)
        elif status in (Status.UNDER_VERIFICATION, Status.AFFIRMED, Status.DENIED):
            certificates.open_verification(cert_hash, keccak(text="request"), sender=customs)
            if status != Status.UNDER_VERIFICATION:
                certificates.close_verification(cert_hash, status, keccak(text="finding"), sender=customs)
        assert certificates.status(cert_hash) == status
        return cert_hash

    return make


@pytest.fixture(scope="session")
def wallet_owner_keys(accounts) -> list[str]:
    """Private keys of three multisig owners; the first two are funded test accounts that can send."""
    third = Account.from_key(keccak(text="originproof third wallet owner"))
    return [accounts[8].private_key, accounts[9].private_key, third.key.to_0x_hex()]


@pytest.fixture(scope="session")
def make_wallet(project, customs, enrolled) -> Callable[[Sequence[str], int], object]:
    """Factory: a MockMultisigWallet of the given owners' keys and threshold, enrolled as a producer."""

    def make(owner_keys: Sequence[str], threshold: int):
        owners = [Account.from_key(key).address for key in owner_keys]
        wallet = customs.deploy(project.MockMultisigWallet, owners, threshold)
        enrolled.enroll(wallet, Role.PRODUCER, b"\x22" * 32, b"\x33" * 32, sender=customs)
        return wallet

    return make


@pytest.fixture(scope="session")
def new_hash():
    """A factory of certificate hashes never seen before in this session.

    Ape resets the chain between tests but not between hypothesis examples, so every example
    draws its own hashes from here.
    """
    counter = itertools.count()

    def make() -> bytes:
        return keccak(text=f"originproof test certificate {next(counter)}")

    return make


@pytest.fixture
def deputy(accounts, enrolled, customs):
    """A second customs officer who is also an admin, so a test can suspend one and keep the other."""
    account = accounts[7]
    enrolled.enroll(
        account, Role.CUSTOMS, keccak(text="deputy profile"), keccak(text="deputy key"), sender=customs
    )
    enrolled.grantRole(Role.DEFAULT_ADMIN, account, sender=customs)
    return account
