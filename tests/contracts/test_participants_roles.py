"""Participants: grantRole, revokeRole and renounceRole keep `roles_of` in step with `hasRole`."""

import ape
import pytest
from eth_utils import keccak
from hypothesis import given
from hypothesis import strategies as st
from registry_helpers import FEW_EXAMPLES, ZERO, ZERO_ADDRESS

from originproof.enums import Role

PARTICIPANT_ROLES = [Role.CUSTOMS, Role.EXPORTER, Role.PRODUCER, Role.IMPORTER, Role.BROKER]
AUDITOR_ROLE = keccak(text="AUDITOR_ROLE")


def expected_roles(participants, account) -> int:
    """`roles_of` recomputed from `hasRole`, bit i for PARTICIPANT_ROLES[i]."""
    if participants.is_suspended(account):
        return 0
    return sum(1 << bit for bit, role in enumerate(PARTICIPANT_ROLES) if participants.hasRole(role, account))


def test_grant_role__participant_role__counts_as_enrolled_without_a_key(participants, customs, stranger):
    tx = participants.grantRole(Role.IMPORTER, stranger, sender=customs)

    assert participants.hasRole(Role.IMPORTER, stranger)
    assert participants.roles_of(stranger) == 8
    assert participants.is_active(stranger)
    assert participants.encryption_key(stranger) == ZERO
    [granted] = tx.decode_logs(participants.RoleGranted)
    assert granted.role == Role.IMPORTER
    assert granted.account == stranger.address
    assert granted.sender == customs.address


@pytest.mark.parametrize("role", [Role.DEFAULT_ADMIN, AUDITOR_ROLE], ids=["admin", "other"])
def test_grant_role__non_participant_role__leaves_roles_of_unchanged(participants, customs, stranger, role):
    participants.grantRole(role, stranger, sender=customs)
    assert participants.hasRole(role, stranger)
    assert participants.roles_of(stranger) == 0
    assert not participants.is_active(stranger)


def test_grant_role__already_held__emits_nothing(enrolled, customs, exporter):
    tx = enrolled.grantRole(Role.EXPORTER, exporter, sender=customs)
    assert tx.decode_logs(enrolled.RoleGranted) == []
    assert enrolled.roles_of(exporter) == 2


def test_grant_role__by_non_admin__reverts(enrolled, exporter, stranger):
    with ape.reverts("Participants: caller is missing the admin role"):
        enrolled.grantRole(Role.EXPORTER, stranger, sender=exporter)


def test_grant_role__by_suspended_admin__reverts(enrolled, customs, deputy, stranger):
    enrolled.suspend(deputy, sender=customs)
    with ape.reverts("Participants: caller is suspended"):
        enrolled.grantRole(Role.EXPORTER, stranger, sender=deputy)


def test_grant_role__zero_account__reverts(participants, customs):
    with ape.reverts("Participants: account is the zero address"):
        participants.grantRole(Role.EXPORTER, ZERO_ADDRESS, sender=customs)


def test_revoke_role__removes_it_from_roles_of(enrolled, customs, exporter):
    tx = enrolled.revokeRole(Role.EXPORTER, exporter, sender=customs)

    assert not enrolled.hasRole(Role.EXPORTER, exporter)
    assert enrolled.roles_of(exporter) == 0
    assert not enrolled.is_active(exporter)
    [revoked] = tx.decode_logs(enrolled.RoleRevoked)
    assert revoked.role == Role.EXPORTER
    assert revoked.account == exporter.address
    assert revoked.sender == customs.address


def test_revoke_role__one_of_two__keeps_the_other(enrolled, customs, producer):
    enrolled.enroll(producer, Role.IMPORTER, keccak(text="profile"), keccak(text="key"), sender=customs)
    enrolled.revokeRole(Role.PRODUCER, producer, sender=customs)
    assert enrolled.roles_of(producer) == 8
    assert enrolled.is_active(producer)


def test_revoke_role__by_non_admin__reverts(enrolled, producer, exporter):
    with ape.reverts("Participants: caller is missing the admin role"):
        enrolled.revokeRole(Role.EXPORTER, exporter, sender=producer)


def test_renounce_role__removes_it_from_roles_of(enrolled, producer):
    tx = enrolled.renounceRole(Role.PRODUCER, producer, sender=producer)

    assert not enrolled.hasRole(Role.PRODUCER, producer)
    assert enrolled.roles_of(producer) == 0
    [revoked] = tx.decode_logs(enrolled.RoleRevoked)
    assert revoked.role == Role.PRODUCER
    assert revoked.account == producer.address
    assert revoked.sender == producer.address


def test_renounce_role__while_suspended__is_allowed(enrolled, customs, producer):
    enrolled.suspend(producer, sender=customs)
    enrolled.renounceRole(Role.PRODUCER, producer, sender=producer)
    enrolled.reinstate(producer, sender=customs)
    assert enrolled.roles_of(producer) == 0


def test_renounce_role__for_another_account__reverts(enrolled, producer, exporter):
    with ape.reverts("Participants: can only renounce roles for itself"):
        enrolled.renounceRole(Role.EXPORTER, exporter, sender=producer)


OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(["grant", "revoke", "renounce", "suspend", "reinstate"]),
        st.sampled_from([*PARTICIPANT_ROLES, Role.DEFAULT_ADMIN]),
        st.integers(1, 3),
    ),
    min_size=1,
    max_size=5,
)


@FEW_EXAMPLES
@given(operations=OPERATIONS)
def test_roles_of__after_any_role_changes__matches_has_role_and_suspension(
    enrolled, customs, accounts, operations
):
    for action, role, index in operations:
        account = accounts[index]
        if action == "grant":
            enrolled.grantRole(role, account, sender=customs)
        elif action == "revoke":
            enrolled.revokeRole(role, account, sender=customs)
        elif action == "renounce":
            enrolled.renounceRole(role, account, sender=account)
        elif action == "suspend" and enrolled.roles_of(account) != 0:
            enrolled.suspend(account, sender=customs)
        elif action == "reinstate" and enrolled.is_suspended(account):
            enrolled.reinstate(account, sender=customs)
        assert enrolled.roles_of(account) == expected_roles(enrolled, account)
        assert enrolled.is_active(account) == (enrolled.roles_of(account) != 0)
