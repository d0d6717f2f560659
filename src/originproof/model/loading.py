"""Reading certificates and annexes from JSON, with errors that name the file, the field and the rule."""

from typing import Any

from pydantic import TypeAdapter

from originproof._internal.validation import Source, read_json, validate
from originproof.model.annex import Annex
from originproof.model.certificate import UNION_TAGS, Certificate

CERTIFICATE_ADAPTER: TypeAdapter[Certificate] = TypeAdapter(Certificate)
ANNEX_ADAPTER = TypeAdapter(Annex)


def parse_certificate(data: Any, name: str = "certificate") -> Certificate:
    """A certificate from already-parsed JSON; `name` says where it came from in error messages."""
    return validate(CERTIFICATE_ADAPTER, data, name, UNION_TAGS)


def parse_annex(data: Any, name: str = "annex") -> Annex:
    """An annex from already-parsed JSON; `name` says where it came from in error messages."""
    return validate(ANNEX_ADAPTER, data, name)


def load_certificate(source: Source) -> Certificate:
    """A certificate from a JSON file (path) or JSON bytes.

    Raises `originproof.errors.ValidationError` naming the file, e.g.
    `cert.json: goods[0].hs_code: HS code must be 6 digits, ...`.
    """
    name, data = read_json(source)
    return parse_certificate(data, name)


def load_annex(source: Source) -> Annex:
    """An annex from a JSON file (path) or JSON bytes; errors as for `load_certificate`."""
    name, data = read_json(source)
    return parse_annex(data, name)
