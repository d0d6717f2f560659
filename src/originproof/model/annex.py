"""The confidential annex: the numbers behind an origin claim, kept encrypted off-chain.

It is owned by whoever holds the data (often the producer, who may show it to customs without
showing it to the certifier or the importer) and committed to by the certificate's `annex_root`.
The value of non-originating materials (VNM) and of originating materials (VOM) are not fields of
their own: they are sums over the bill of materials, so they can never disagree with it.
"""

from decimal import Decimal
from typing import Self

from pydantic import StrictBool, model_validator

from originproof.model.fields import (
    Account,
    Country,
    Currency,
    FrozenModel,
    HsCode,
    Money,
    PositiveMoney,
    Text,
    exact_sum,
    rule_error,
)


class Material(FrozenModel):
    """One line of the bill of materials."""

    description: Text
    hs_code: HsCode
    origin_country: Country
    originating: StrictBool
    supplier: Text
    value: Money
    supplier_declaration: Text | None = None
    """The supplier's declaration that the material originates: a document number or an on-chain
    attestation uid."""


class AnnexOwner(FrozenModel):
    """The party holding the data, who grants access to it and answers verifications."""

    name: Text
    account: Account


class Annex(FrozenModel):
    """Bill of materials and valuation of one good, all amounts in one currency.

    At least one valuation basis is required: transaction value, net cost or (CAFTA-DR) adjusted
    value. Total cost is the de minimis base when there is no transaction value.
    """

    good_description: Text
    good_hs_code: HsCode
    owner: AnnexOwner
    currency: Currency
    materials: tuple[Material, ...] = ()
    transaction_value: PositiveMoney | None = None
    net_cost: PositiveMoney | None = None
    total_cost: PositiveMoney | None = None
    adjusted_value: PositiveMoney | None = None

    @model_validator(mode="after")
    def _has_a_valuation(self) -> Self:
        if self.transaction_value is None and self.net_cost is None and self.adjusted_value is None:
            raise rule_error("the annex needs a transaction_value, a net_cost or an adjusted_value")
        return self

    @property
    def non_originating_value(self) -> Decimal:
        """VNM: the value of all non-originating materials."""
        return exact_sum(material.value for material in self.materials if not material.originating)

    @property
    def originating_value(self) -> Decimal:
        """VOM: the value of all originating materials."""
        return exact_sum(material.value for material in self.materials if material.originating)
