"""Disclose: some fields of a stored certificate (and of its annex) for a counterparty to verify.

The holder's stored opening is decrypted with its identity; the disclosure carries the certificate's
chain context as the chain records it (and, for a batch member the chain has no own record of yet,
the batch root and proof the store kept when certifying it). Annex fields go in a second disclosure,
of the annex tree; the certificate disclosure then always includes `/annex_root`, which binds them.
"""

import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pyrage import x25519

from originproof import keys
from originproof.chain import CertificateRecord
from originproof.chain.views import ChainViews
from originproof.commitments import ChainContext, Disclosure, Opening, disclose
from originproof.enums import Agreement, Status
from originproof.errors import IntegrityError, ValidationError
from originproof.flows._common import hex32
from originproof.store import PartKind, RegistrationRecord, Store

ANNEX_ROOT = "/annex_root"
FILE_MODE = 0o644


@dataclass(frozen=True)
class Disclosed:
    """The certificate disclosure and, when annex fields were asked for, the annex disclosure."""

    certificate: Disclosure
    annex: Disclosure | None = None


def disclose_stored(
    store: Store,
    identity: x25519.Identity,
    views: ChainViews,
    cert_hash: bytes,
    fields: Sequence[str],
    annex_fields: Sequence[str] = (),
) -> Disclosed:
    """Disclose `fields` of the stored certificate `cert_hash` and `annex_fields` of its annex.

    ValidationError when no field is named, a pointer names no field, the store holds no part this
    identity can read, or the chain does not know the certificate.
    """
    if not fields and not annex_fields:
        raise ValidationError("disclose: name at least one field (--fields) or annex field (--annex-fields)")
    opening = stored_opening(store, identity, cert_hash, PartKind.CERTIFICATE)
    context = chain_context(store, views, cert_hash)
    pointers = list(fields)
    if annex_fields and ANNEX_ROOT not in pointers:
        pointers.append(ANNEX_ROOT)
    certificate = disclose(opening, pointers, context=context)
    if not annex_fields:
        return Disclosed(certificate)
    annex = stored_opening(store, identity, cert_hash, PartKind.ANNEX)
    committed = opening.document.get("annex_root")
    if committed != hex32(annex.root):
        raise IntegrityError(
            f"the stored annex of {hex32(cert_hash)} opens to {hex32(annex.root)}, "
            f"but the certificate commits to annex_root {committed}"
        )
    return Disclosed(certificate, disclose(annex, annex_fields, context=context))


def stored_opening(store: Store, identity: x25519.Identity, cert_hash: bytes, kind: PartKind) -> Opening:
    """The opening of a stored part of `kind` that `identity` can read, checked against its commitment."""
    key = keys.public_key(identity)
    readable = [record for record in store.find(cert_hash, kind=kind) if key in record.recipients]
    if not readable:
        raise ValidationError(
            f"the store holds no {kind} part of certificate {hex32(cert_hash)} this identity can read"
        )
    return Opening.from_bytes(store.read(readable[0].id, identity))


def chain_context(store: Store, views: ChainViews, cert_hash: bytes) -> ChainContext:
    """The certificate as the chain records it; an untouched batch member's from its stored registration."""
    record = views.certificate(cert_hash)
    terms: CertificateRecord | RegistrationRecord = record
    batch = None
    if record.status is Status.NONE:
        registration = store.registrations.get(cert_hash)
        if (
            registration is None
            or registration.batch is None
            or int(views.batch(registration.batch.root).certifier, 16) == 0
        ):
            raise ValidationError(
                f"certificate {hex32(cert_hash)} is not registered on chain: there is nothing to disclose yet"
            )
        terms, batch = registration, registration.batch
    return ChainContext(
        cert_hash=cert_hash,
        agreement=Agreement(terms.agreement),
        blanket_from=terms.blanket_from,
        blanket_to=terms.blanket_to,
        certifier=terms.certifier,
        chain_id=views.deployment.chain_id,
        contract=views.deployment.certificates,
        batch=batch,
    )


def write_file(path: Path, data: bytes) -> Path:
    """Write `data` to `path` whole or not at all (a temporary file beside it, renamed), mode 0644."""
    path = Path(path)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, FILE_MODE)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return path
