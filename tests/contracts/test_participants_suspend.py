"""Participants: suspension and reinstatement."""

import ape
import pytest

from originproof.enums import Role


def test_suspend__deactivates_but_keeps_roles(enrolled, customs, producer):
    tx = enrolled.suspend(producer, sender=customs)

    assert enrolled.is_suspended(producer)
    assert not enrolled.is_active(producer)
    assert enrolled.roles_of(producer) == 0
    assert enrolled.hasRole(Role.PRODUCER, producer)
    [suspended] = tx.decode_logs(enrolled.ParticipantSuspended)
    assert suspended.account == producer.address
    assert suspended.sender == customs.address


def test_reinstate__restores_roles(enrolled, customs, producer):
    enrolled.suspend(producer, sender=customs)
    tx = enrolled.reinstate(producer, sender=customs)

    assert not enrolled.is_suspended(producer)
    assert enrolled.is_active(producer)
    assert enrolled.roles_of(producer) == 4
    [reinstated] = tx.decode_logs(enrolled.ParticipantReinstated)
    assert reinstated.account == producer.address
    assert reinstated.sender == customs.address


def test_suspend__a_customs_officer__clears_its_customs_bit(enrolled, customs, deputy):
    enrolled.suspend(deputy, sender=customs)
    assert enrolled.roles_of(deputy) == 0


@pytest.mark.parametrize("caller_name", ["exporter", "stranger"])
def test_suspend__by_non_admin__reverts(request, enrolled, producer, caller_name):
    caller = request.getfixturevalue(caller_name)
    with ape.reverts("Participants: caller is missing the admin role"):
        enrolled.suspend(producer, sender=caller)


@pytest.mark.parametrize("caller_name", ["exporter", "stranger"])
def test_reinstate__by_non_admin__reverts(request, enrolled, customs, producer, caller_name):
    enrolled.suspend(producer, sender=customs)
    caller = request.getfixturevalue(caller_name)
    with ape.reverts("Participants: caller is missing the admin role"):
        enrolled.reinstate(producer, sender=caller)


def test_suspend__yourself__reverts(enrolled, customs):
    with ape.reverts("Participants: cannot suspend yourself"):
        enrolled.suspend(customs, sender=customs)


def test_suspend__not_enrolled__reverts(enrolled, customs, stranger):
    with ape.reverts("Participants: account is not enrolled"):
        enrolled.suspend(stranger, sender=customs)


def test_suspend__already_suspended__reverts(enrolled, customs, producer):
    enrolled.suspend(producer, sender=customs)
    with ape.reverts("Participants: participant already suspended"):
        enrolled.suspend(producer, sender=customs)


def test_reinstate__not_suspended__reverts(enrolled, customs, producer):
    with ape.reverts("Participants: participant is not suspended"):
        enrolled.reinstate(producer, sender=customs)


@pytest.mark.parametrize("action", ["suspend", "reinstate", "grantRole", "revokeRole"])
def test_suspended_admin__cannot_administer(enrolled, customs, deputy, producer, action):
    enrolled.suspend(deputy, sender=customs)
    if action == "reinstate":
        enrolled.suspend(producer, sender=customs)
    call = getattr(enrolled, action)
    args = (Role.IMPORTER, producer) if action.endswith("Role") else (producer,)
    with ape.reverts("Participants: caller is suspended"):
        call(*args, sender=deputy)


def test_suspended_admin__cannot_lift_its_own_suspension(enrolled, customs, deputy):
    enrolled.suspend(deputy, sender=customs)
    with ape.reverts("Participants: caller is suspended"):
        enrolled.reinstate(deputy, sender=deputy)
