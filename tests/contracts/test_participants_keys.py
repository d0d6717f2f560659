"""Participants: the on-chain key directory and key rotation."""

import ape
from eth_utils import keccak
from registry_helpers import ZERO

from originproof.enums import Role

NEW_KEY = keccak(text="rotated age key")


def test_encryption_key__enrolled_participant__is_its_enrolled_key(enrolled, exporter, broker):
    assert enrolled.encryption_key(exporter) == (1).to_bytes(32, "big")
    assert enrolled.encryption_key(broker) == (4).to_bytes(32, "big")


def test_encryption_key__unknown_account__is_zero(enrolled, stranger):
    assert enrolled.encryption_key(stranger) == ZERO


def test_set_encryption_key__rotates_and_logs_previous_and_new(enrolled, exporter):
    tx = enrolled.set_encryption_key(NEW_KEY, sender=exporter)

    assert enrolled.encryption_key(exporter) == NEW_KEY
    [changed] = tx.decode_logs(enrolled.EncryptionKeyChanged)
    assert changed.account == exporter.address
    assert changed.previous_key == (1).to_bytes(32, "big")
    assert changed.new_key == NEW_KEY


def test_set_encryption_key__participant_granted_without_key__sets_its_first_key(enrolled, customs, stranger):
    enrolled.grantRole(Role.BROKER, stranger, sender=customs)
    tx = enrolled.set_encryption_key(NEW_KEY, sender=stranger)
    [changed] = tx.decode_logs(enrolled.EncryptionKeyChanged)
    assert changed.previous_key == ZERO
    assert enrolled.encryption_key(stranger) == NEW_KEY


def test_set_encryption_key__customs__can_publish_its_key(participants, customs):
    participants.set_encryption_key(NEW_KEY, sender=customs)
    assert participants.encryption_key(customs) == NEW_KEY


def test_set_encryption_key__zero__reverts(enrolled, exporter):
    with ape.reverts("Participants: encryption key is zero"):
        enrolled.set_encryption_key(ZERO, sender=exporter)


def test_set_encryption_key__unchanged__reverts(enrolled, exporter):
    with ape.reverts("Participants: encryption key unchanged"):
        enrolled.set_encryption_key((1).to_bytes(32, "big"), sender=exporter)


def test_set_encryption_key__not_enrolled__reverts(enrolled, stranger):
    with ape.reverts("Participants: caller is not enrolled"):
        enrolled.set_encryption_key(NEW_KEY, sender=stranger)


def test_set_encryption_key__role_revoked__reverts(enrolled, customs, exporter):
    enrolled.revokeRole(Role.EXPORTER, exporter, sender=customs)
    with ape.reverts("Participants: caller is not enrolled"):
        enrolled.set_encryption_key(NEW_KEY, sender=exporter)


def test_set_encryption_key__suspended__reverts(enrolled, customs, exporter):
    enrolled.suspend(exporter, sender=customs)
    with ape.reverts("Participants: caller is suspended"):
        enrolled.set_encryption_key(NEW_KEY, sender=exporter)
