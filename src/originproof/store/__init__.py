"""The encrypted store of confidential parts: `Store`, its records, and tamper checks."""

from originproof.store.database import DEFAULT_STORE_URL
from originproof.store.integrity import Finding, FindingKind, audit_store, check
from originproof.store.records import NewPart, PartKind, PartRecord
from originproof.store.store import Store

__all__ = [
    "DEFAULT_STORE_URL",
    "Finding",
    "FindingKind",
    "NewPart",
    "PartKind",
    "PartRecord",
    "Store",
    "audit_store",
    "check",
]
