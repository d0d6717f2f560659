"""Participants: the deployer's powers, role ids and enrollment."""

import ape
import pytest
from eth_utils import keccak
from registry_helpers import KEY, PROFILE, ZERO, ZERO_ADDRESS

from originproof.enums import Role

ROLE_BITS = [
    (Role.CUSTOMS, 1),
    (Role.EXPORTER, 2),
    (Role.PRODUCER, 4),
    (Role.IMPORTER, 8),
    (Role.BROKER, 16),
]


def test_deploy__deployer_is_admin_and_customs(participants, customs):
    assert participants.hasRole(Role.DEFAULT_ADMIN, customs)
    assert participants.hasRole(Role.CUSTOMS, customs)
    assert participants.roles_of(customs) == 1
    assert participants.is_active(customs)
    assert not participants.is_suspended(customs)
    assert participants.encryption_key(customs) == ZERO


def test_role_ids__are_keccak_of_their_own_names(participants):
    assert participants.DEFAULT_ADMIN_ROLE() == Role.DEFAULT_ADMIN
    assert participants.CUSTOMS_ROLE() == keccak(text="CUSTOMS_ROLE") == Role.CUSTOMS
    assert participants.EXPORTER_ROLE() == keccak(text="EXPORTER_ROLE") == Role.EXPORTER
    assert participants.PRODUCER_ROLE() == keccak(text="PRODUCER_ROLE") == Role.PRODUCER
    assert participants.IMPORTER_ROLE() == keccak(text="IMPORTER_ROLE") == Role.IMPORTER
    assert participants.BROKER_ROLE() == keccak(text="BROKER_ROLE") == Role.BROKER


def test_supports_interface__erc165_and_access_control(participants):
    assert participants.supportsInterface("0x01ffc9a7")
    assert participants.supportsInterface("0x7965db0b")
    assert not participants.supportsInterface("0xffffffff")


def test_enrolled_fixture__each_participant_has_its_role_bit(
    enrolled, exporter, producer, importer, broker, second_producer, stranger
):
    assert enrolled.roles_of(exporter) == 2
    assert enrolled.roles_of(producer) == 4
    assert enrolled.roles_of(importer) == 8
    assert enrolled.roles_of(broker) == 16
    assert enrolled.roles_of(second_producer) == 4
    assert enrolled.roles_of(stranger) == 0
    assert not enrolled.is_active(stranger)


def test_enroll__grants_role_and_records_profile_and_key(participants, customs, stranger):
    tx = participants.enroll(stranger, Role.EXPORTER, PROFILE, KEY, sender=customs)

    assert participants.hasRole(Role.EXPORTER, stranger)
    assert participants.roles_of(stranger) == 2
    assert participants.is_active(stranger)
    assert participants.profile_hash(stranger) == PROFILE
    assert participants.encryption_key(stranger) == KEY
    [granted] = tx.decode_logs(participants.RoleGranted)
    assert granted.role == Role.EXPORTER
    assert granted.account == stranger.address
    assert granted.sender == customs.address
    [enrolled] = tx.decode_logs(participants.ParticipantEnrolled)
    assert enrolled.account == stranger.address
    assert enrolled.role == Role.EXPORTER
    assert enrolled.profile_hash == PROFILE
    assert enrolled.encryption_key == KEY
    assert enrolled.sender == customs.address


@pytest.mark.parametrize(("role", "bit"), ROLE_BITS)
def test_enroll__each_participant_role__sets_its_bit(participants, customs, stranger, role, bit):
    participants.enroll(stranger, role, PROFILE, KEY, sender=customs)
    assert participants.roles_of(stranger) == bit


def test_enroll__second_role__adds_its_bit_and_replaces_profile_and_key(enrolled, customs, producer):
    new_profile, new_key = keccak(text="producer profile v2"), keccak(text="producer key v2")

    enrolled.enroll(producer, Role.EXPORTER, new_profile, new_key, sender=customs)

    assert enrolled.roles_of(producer) == 2 | 4
    assert enrolled.hasRole(Role.PRODUCER, producer)
    assert enrolled.hasRole(Role.EXPORTER, producer)
    assert enrolled.profile_hash(producer) == new_profile
    assert enrolled.encryption_key(producer) == new_key


def test_enroll__suspended_account_in_another_role__stays_suspended(enrolled, customs, producer):
    enrolled.suspend(producer, sender=customs)
    enrolled.enroll(producer, Role.EXPORTER, PROFILE, KEY, sender=customs)
    assert enrolled.hasRole(Role.EXPORTER, producer)
    assert enrolled.roles_of(producer) == 0
    enrolled.reinstate(producer, sender=customs)
    assert enrolled.roles_of(producer) == 2 | 4


@pytest.mark.parametrize("caller_name", ["exporter", "stranger"])
def test_enroll__by_non_admin__reverts(request, enrolled, stranger, caller_name):
    caller = request.getfixturevalue(caller_name)
    with ape.reverts("Participants: caller is missing the admin role"):
        enrolled.enroll(stranger, Role.EXPORTER, PROFILE, KEY, sender=caller)


def test_enroll__by_suspended_admin__reverts(enrolled, customs, deputy, stranger):
    enrolled.suspend(deputy, sender=customs)
    with ape.reverts("Participants: caller is suspended"):
        enrolled.enroll(stranger, Role.EXPORTER, PROFILE, KEY, sender=deputy)


def test_enroll__zero_account__reverts(participants, customs):
    with ape.reverts("Participants: account is the zero address"):
        participants.enroll(ZERO_ADDRESS, Role.EXPORTER, PROFILE, KEY, sender=customs)


@pytest.mark.parametrize("role", [Role.DEFAULT_ADMIN, keccak(text="AUDITOR_ROLE")], ids=["admin", "unknown"])
def test_enroll__not_a_participant_role__reverts(participants, customs, stranger, role):
    with ape.reverts("Participants: not a participant role"):
        participants.enroll(stranger, role, PROFILE, KEY, sender=customs)


def test_enroll__role_already_held__reverts(enrolled, customs, exporter):
    with ape.reverts("Participants: account already enrolled in role"):
        enrolled.enroll(exporter, Role.EXPORTER, PROFILE, KEY, sender=customs)


def test_enroll__zero_profile_hash__reverts(participants, customs, stranger):
    with ape.reverts("Participants: profile hash is zero"):
        participants.enroll(stranger, Role.EXPORTER, ZERO, KEY, sender=customs)


def test_enroll__zero_encryption_key__reverts(participants, customs, stranger):
    with ape.reverts("Participants: encryption key is zero"):
        participants.enroll(stranger, Role.EXPORTER, PROFILE, ZERO, sender=customs)
