"""Export: a stored part's ciphertext as an `.age` file, which the `age` tool opens with its identity."""

from pathlib import Path

from originproof.errors import ValidationError
from originproof.flows._common import hex32
from originproof.store import PartKind, PartRecord, Store


def export_part(
    store: Store,
    cert_hash: bytes,
    kind: PartKind,
    path: Path,
    *,
    reader_key: bytes | None = None,
    part_id: int | None = None,
    overwrite: bool = False,
) -> PartRecord:
    """Write the certificate's stored part of `kind` to `path`, whole or not at all; its record.

    With several such parts (several owners), the one `reader_key` can open is taken, or the one
    `part_id` names; the hashes are checked first, so a tampered part is never exported.
    """
    record = choose_part(store, cert_hash, kind, reader_key=reader_key, part_id=part_id)
    store.export(record.id, path, overwrite=overwrite)
    return record


def choose_part(
    store: Store,
    cert_hash: bytes,
    kind: PartKind,
    *,
    reader_key: bytes | None = None,
    part_id: int | None = None,
) -> PartRecord:
    """The one stored part of `kind` of the certificate that `part_id`, or else `reader_key`, picks out."""
    parts = store.find(cert_hash, kind=kind)
    what = f"{kind} part of certificate {hex32(cert_hash)}"
    if part_id is not None:
        parts = [record for record in parts if record.id == part_id]
        if not parts:
            raise ValidationError(f"--part-id {part_id}: is no {what}")
    if len(parts) > 1 and reader_key is not None:
        parts = [record for record in parts if reader_key in record.recipients] or parts
    if not parts:
        raise ValidationError(f"the store holds no {what}")
    if len(parts) > 1:
        ids = ", ".join(str(record.id) for record in parts)
        raise ValidationError(f"the store holds several {what}s (parts {ids}): choose one with --part-id")
    return parts[0]
