"""The parties a certificate names, and the certifier's signature."""

from typing import Annotated, Literal

from pydantic import Field

from originproof.model.fields import Email, FrozenModel, IsoDate, Phone, Text

CertifierRole = Literal["importer", "exporter", "producer"]


class Contact(FrozenModel):
    """A party's name and how to reach it (exporter, producer or importer)."""

    name: Text
    address: Text
    phone: Phone
    email: Email


class Certifier(Contact):
    """Who certifies, in which role, and their title (USMCA Annex 5-A elements 1 and 2)."""

    role: CertifierRole
    title: Text


class NamedProducer(Contact):
    """One producer, identified."""

    kind: Literal["named"]


class VariousProducers(FrozenModel):
    """The producer given as "Various": the goods come from several producers, all listed."""

    kind: Literal["various"]
    producers: tuple[Contact, ...] = Field(min_length=2)


class ProducerOnRequest(FrozenModel):
    """The producer withheld, "Available upon request by the importing authorities"."""

    kind: Literal["available_upon_request"]


Producer = Annotated[NamedProducer | VariousProducers | ProducerOnRequest, Field(discriminator="kind")]
PRODUCER_KINDS = ("named", "various", "available_upon_request")


class Signature(FrozenModel):
    """The authorized signature: who signed, when, and the certification statement they signed."""

    name: Text
    date: IsoDate
    statement: Text
