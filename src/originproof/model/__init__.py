"""The certificate of origin and its confidential annex (pydantic v2, frozen, exact money).

`load_certificate` / `load_annex` read JSON and raise `originproof.errors.ValidationError` naming
the file, the field path and the rule. `model_dump(mode="json")` gives the committed form: money
as decimal strings, dates as ISO strings, text in NFC.
"""

from originproof.model.annex import Annex, AnnexOwner, Material
from originproof.model.blanket import BlanketPeriod, last_covered_day
from originproof.model.certificate import (
    CaftaDrCertificate,
    CaftaDrGood,
    Certificate,
    CertificateBase,
    Good,
    NaftaCertificate,
    NaftaGood,
    UsmcaCertificate,
    UsmcaGood,
)
from originproof.model.loading import load_annex, load_certificate, parse_annex, parse_certificate
from originproof.model.parties import (
    Certifier,
    Contact,
    NamedProducer,
    ProducerOnRequest,
    Signature,
    VariousProducers,
)
from originproof.model.schema import json_schema, write_json_schemas

__all__ = [
    "Annex",
    "AnnexOwner",
    "BlanketPeriod",
    "CaftaDrCertificate",
    "CaftaDrGood",
    "Certificate",
    "CertificateBase",
    "Certifier",
    "Contact",
    "Good",
    "Material",
    "NaftaCertificate",
    "NaftaGood",
    "NamedProducer",
    "ProducerOnRequest",
    "Signature",
    "UsmcaCertificate",
    "UsmcaGood",
    "VariousProducers",
    "json_schema",
    "last_covered_day",
    "load_annex",
    "load_certificate",
    "parse_annex",
    "parse_certificate",
    "write_json_schemas",
]
