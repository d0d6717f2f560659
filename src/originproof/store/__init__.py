"""The encrypted store of confidential parts: `Store`, its records, its registrations, and tamper checks."""

from originproof.store.database import DEFAULT_STORE_URL
from originproof.store.integrity import Finding, FindingKind, audit_store, check
from originproof.store.records import (
    CertificateState,
    NewPart,
    NewRegistration,
    PartKind,
    PartRecord,
    RegistrationRecord,
    RegistrationState,
)
from originproof.store.registrations import Registrations
from originproof.store.store import Store

__all__ = [
    "DEFAULT_STORE_URL",
    "CertificateState",
    "Finding",
    "FindingKind",
    "NewPart",
    "NewRegistration",
    "PartKind",
    "PartRecord",
    "RegistrationRecord",
    "RegistrationState",
    "Registrations",
    "Store",
    "audit_store",
    "check",
]
