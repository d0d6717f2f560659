"""Certificates: amendments (`register(..., supersedes)` by the same certifier) supersede the old one."""

import ape
import pytest
from registry_helpers import ZERO, midnight

from originproof.enums import Agreement, Status


def amend(certificates, certifier, new_hash, old_hash, agreement=Agreement.USMCA, blanket=(0, 0)):
    """Register a fresh amendment of `old_hash`; returns its hash and the transaction."""
    cert_hash = new_hash()
    tx = certificates.register(cert_hash, agreement, *blanket, old_hash, sender=certifier)
    return cert_hash, tx


@pytest.mark.parametrize("old_status", [Status.ACTIVE, Status.AFFIRMED])
def test_supersede__active_or_affirmed__becomes_superseded(
    certificates, certificate_in_status, exporter, new_hash, old_status
):
    old_hash = certificate_in_status(old_status, exporter)
    blanket = (midnight(2025, 1, 1), midnight(2025, 12, 31))

    new, tx = amend(certificates, exporter, new_hash, old_hash, Agreement.CAFTA_DR, blanket)

    assert certificates.status(old_hash) == Status.SUPERSEDED
    assert certificates.status(new) == Status.ACTIVE
    record = certificates.certificate(new)
    assert record.supersedes == old_hash
    assert (record.agreement, record.blanket_from, record.blanket_to) == (Agreement.CAFTA_DR, *blanket)
    assert certificates.certificate(old_hash).supersedes == ZERO
    [registered] = tx.decode_logs(certificates.CertificateRegistered)
    assert registered.cert_hash == new
    assert registered.certifier == exporter.address
    assert registered.supersedes == old_hash
    [superseded] = tx.decode_logs(certificates.CertificateSuperseded)
    assert superseded.cert_hash == old_hash
    assert superseded.superseded_by == new


def test_supersede__chain_of_amendments__links_back_to_the_original(certificates, producer, new_hash):
    original = new_hash()
    certificates.register(original, Agreement.USMCA, 0, 0, ZERO, sender=producer)
    chain_of_hashes = [original]
    for _ in range(3):
        amendment, _tx = amend(certificates, producer, new_hash, chain_of_hashes[-1])
        chain_of_hashes.append(amendment)

    assert [certificates.status(h) for h in chain_of_hashes] == [Status.SUPERSEDED] * 3 + [Status.ACTIVE]
    walked, link = [], chain_of_hashes[-1]
    while link != ZERO:
        walked.append(link)
        link = certificates.certificate(link).supersedes
    assert walked == chain_of_hashes[::-1]


def test_supersede__amendment_of_an_amendment_after_verification__is_allowed(
    certificates, producer, customs, new_hash
):
    first = new_hash()
    certificates.register(first, Agreement.USMCA, 0, 0, ZERO, sender=producer)
    second, _tx = amend(certificates, producer, new_hash, first)
    certificates.open_verification(second, b"\x01" * 32, sender=customs)
    certificates.close_verification(second, Status.AFFIRMED, b"\x02" * 32, sender=customs)
    third, _tx = amend(certificates, producer, new_hash, second)
    assert [certificates.status(h) for h in (first, second, third)] == [
        Status.SUPERSEDED,
        Status.SUPERSEDED,
        Status.ACTIVE,
    ]


def test_supersede__already_superseded__cannot_fork(certificates, producer, new_hash):
    original = new_hash()
    certificates.register(original, Agreement.USMCA, 0, 0, ZERO, sender=producer)
    amend(certificates, producer, new_hash, original)
    with ape.reverts("Certificates: certificate cannot be superseded in its status"):
        amend(certificates, producer, new_hash, original)


def test_supersede__by_another_certifier__reverts(certificates, certificate_in_status, producer, new_hash):
    old_hash = certificate_in_status(Status.ACTIVE)
    with ape.reverts("Certificates: caller is not the superseded certificate's certifier"):
        amend(certificates, producer, new_hash, old_hash)
    assert certificates.status(old_hash) == Status.ACTIVE


def test_supersede__unknown_certificate__reverts(certificates, producer, new_hash):
    with ape.reverts("Certificates: superseded certificate not registered"):
        amend(certificates, producer, new_hash, new_hash())


def test_supersede__failed__registers_nothing(certificates, certificate_in_status, producer, new_hash):
    old_hash = certificate_in_status(Status.ACTIVE)
    amendment = new_hash()
    with ape.reverts("Certificates: caller is not the superseded certificate's certifier"):
        certificates.register(amendment, Agreement.USMCA, 0, 0, old_hash, sender=producer)
    assert certificates.status(amendment) == Status.NONE


def test_supersede__itself__reverts(certificates, producer, new_hash):
    cert_hash = new_hash()
    with ape.reverts("Certificates: superseded certificate not registered"):
        certificates.register(cert_hash, Agreement.USMCA, 0, 0, cert_hash, sender=producer)
