"""The certificate of origin, one variant per agreement, told apart by its `agreement` field.

- USMCA: the minimum data elements of Annex 5-A; origin criteria A to D of Article 4.2.
- NAFTA: CBP Form 434, completed by the exporter; preference criteria A to F, with the producer
  (YES / NO1 / NO2 / NO3), net cost (NC / NO) and country of origin columns.
- CAFTA-DR: no prescribed form (19 CFR 10.584), so the USMCA elements are reused; certified by the
  importer, exporter or producer. Its origin criteria are the three ways Article 4.1 makes a good
  originating, lettered as certifiers write them on CAFTA-DR certifications:
  A wholly obtained or produced; B satisfies the product-specific rule of Annex 4.1 (tariff shift
  and/or regional value content); C produced exclusively from originating materials.

The confidential annex is not part of the certificate; `annex_root` commits to it.
"""

from typing import Annotated, Any, ClassVar, Literal, Self

from pydantic import BeforeValidator, Field, model_validator

from originproof.enums import Agreement
from originproof.model.blanket import BlanketPeriod
from originproof.model.fields import Account, FrozenModel, Hash32, HsCode, Text, rule_error
from originproof.model.parties import PRODUCER_KINDS, Certifier, CertifierRole, Contact, Producer, Signature

_APPAREL_CHAPTERS = frozenset({"61", "62", "63"})


def _criterion_of(agreement: str, valid: tuple[str, ...]) -> BeforeValidator:
    """Refuse an origin criterion the agreement does not have, saying which it does have."""

    def check(value: Any) -> Any:
        if value not in valid:
            raise rule_error(
                f"origin criterion {value!r} is not valid for {agreement} (valid: {', '.join(valid)})"
            )
        return value

    return BeforeValidator(check)


class Good(FrozenModel):
    """One goods line: described precisely enough to match the invoice, classified to 6 digits."""

    description: Text
    hs_code: HsCode
    origin_criterion: str
    invoice_number: Text | None = None


class UsmcaGood(Good):
    """A USMCA goods line; criterion D is never available for textiles and apparel (chapters 61 to 63)."""

    origin_criterion: Annotated[Literal["A", "B", "C", "D"], _criterion_of("USMCA", ("A", "B", "C", "D"))]

    @model_validator(mode="after")
    def _no_criterion_d_for_apparel(self) -> Self:
        if self.origin_criterion == "D" and self.hs_code[:2] in _APPAREL_CHAPTERS:
            raise rule_error(
                "origin criterion D is not available for HS chapters 61 to 63 (textiles and apparel)",
                at=("origin_criterion",),
            )
        return self


class NaftaGood(Good):
    """A Form 434 line: preference criterion, whether the exporter produced it, net cost, origin."""

    origin_criterion: Annotated[
        Literal["A", "B", "C", "D", "E", "F"], _criterion_of("NAFTA", ("A", "B", "C", "D", "E", "F"))
    ]
    producer: Literal["YES", "NO1", "NO2", "NO3"]
    net_cost: Literal["NC", "NO"]
    country_of_origin: Literal["US", "CA", "MX"]


class CaftaDrGood(Good):
    """A CAFTA-DR goods line, criteria A, B or C (see the module docstring)."""

    origin_criterion: Annotated[Literal["A", "B", "C"], _criterion_of("CAFTA-DR", ("A", "B", "C"))]


class CertificateBase(FrozenModel):
    """What every variant holds. The certifier's own party (exporter, producer or importer) is not
    repeated: the certifier's details stand for it."""

    agreement: str
    certifier: Certifier
    exporter: Contact | None = None
    producer: Producer | None = None
    importer: Contact | None = None
    goods: tuple[Good, ...] = Field(min_length=1)
    blanket: BlanketPeriod | None = None
    signature: Signature
    certifier_account: Account
    annex_root: Hash32 | None = None

    certifier_roles: ClassVar[tuple[CertifierRole, ...]] = ("importer", "exporter", "producer")

    @model_validator(mode="after")
    def _certifier_not_repeated(self) -> Self:
        role = self.certifier.role
        if role not in self.certifier_roles:
            raise rule_error(
                f"{self.agreement} certifications are made by the {' or '.join(self.certifier_roles)}",
                at=("certifier", "role"),
            )
        if getattr(self, role) is not None:
            raise rule_error(f"must be omitted: the certifier is the {role}", at=(role,))
        return self

    @property
    def agreement_code(self) -> Agreement:
        """The agreement as the chain numbers it."""
        return Agreement[self.agreement]

    def blanket_bounds(self) -> tuple[int, int]:
        """(blanket_from, blanket_to) for `Certificates.register`; (0, 0) for a single shipment."""
        return self.blanket.bounds() if self.blanket else (0, 0)


class UsmcaCertificate(CertificateBase):
    """USMCA certification of origin; a single shipment names the invoice of every line."""

    agreement: Literal["USMCA"]
    goods: tuple[UsmcaGood, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _invoice_for_single_shipment(self) -> Self:
        if self.blanket is None:
            for index, good in enumerate(self.goods):
                if good.invoice_number is None:
                    raise rule_error(
                        "invoice number is required for a single shipment (no blanket period)",
                        at=("goods", index, "invoice_number"),
                    )
        return self


class NaftaCertificate(CertificateBase):
    """NAFTA Certificate of Origin (CBP Form 434), which the exporter completes."""

    agreement: Literal["NAFTA"]
    goods: tuple[NaftaGood, ...] = Field(min_length=1)

    certifier_roles: ClassVar[tuple[CertifierRole, ...]] = ("exporter",)


class CaftaDrCertificate(CertificateBase):
    """CAFTA-DR certification of origin."""

    agreement: Literal["CAFTA_DR"]
    goods: tuple[CaftaDrGood, ...] = Field(min_length=1)


Certificate = Annotated[
    UsmcaCertificate | NaftaCertificate | CaftaDrCertificate, Field(discriminator="agreement")
]

# Tagged-union values pydantic writes into error locations; they are not fields of the document.
UNION_TAGS = frozenset(("USMCA", "NAFTA", "CAFTA_DR", *PRODUCER_KINDS))
