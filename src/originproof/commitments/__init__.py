"""Salted field commitments: a document's hash, and the disclosure of any subset of its fields.

The tree's root is the certificate hash (or, for the confidential annex, the annex root that the
certificate holds as one ordinary field). An `Opening` is what the holder keeps (document and
salts); a `Disclosure` is what the holder hands out: some fields with their salts, one multiproof
for all of them, and the certificate's chain context. docs/commitments.md specifies the scheme and
both files for implementations that do not use this code.
"""

from originproof.commitments.context import MAX_BATCH_PROOF, BatchMembership, ChainContext
from originproof.commitments.disclosure import (
    DISCLOSURE_FORMAT,
    DisclosedField,
    Disclosure,
    disclose,
    verify_disclosure,
)
from originproof.commitments.opening import OPENING_FORMAT, SALT_SIZE, Opening, commit, field_leaf, open_root

__all__ = [
    "DISCLOSURE_FORMAT",
    "MAX_BATCH_PROOF",
    "OPENING_FORMAT",
    "SALT_SIZE",
    "BatchMembership",
    "ChainContext",
    "DisclosedField",
    "Disclosure",
    "Opening",
    "commit",
    "disclose",
    "field_leaf",
    "open_root",
    "verify_disclosure",
]
