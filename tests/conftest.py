"""Shared fixtures: accounts named by role and the three contracts, deployed once per session.

Ape isolates chain state per test, so the session-scoped deployment (and enrollment) is the
starting point every test sees, on EthTester and on anvil alike.
"""

import pytest

from originproof.enums import Role


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
