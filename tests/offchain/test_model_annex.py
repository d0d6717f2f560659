"""The confidential annex: bill of materials, valuation, and the exact money it carries."""

import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from originproof.errors import ValidationError
from originproof.model import Annex, parse_annex

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "usmca-single-boiler.annex.json"
DECIMAL_RULE = 'must be a decimal number written as a string, e.g. "1234.56"'


def boiler() -> dict[str, Any]:
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


def test_annex__vnm_and_vom__are_sums_of_the_bill_of_materials() -> None:
    annex = parse_annex(boiler())
    assert annex.non_originating_value == Decimal("38000.00")
    assert annex.originating_value == Decimal("38000.00")


def test_annex__no_materials__has_zero_vnm() -> None:
    data = boiler()
    data["materials"] = []
    assert parse_annex(data).non_originating_value == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("value", "-5", "materials[0].value: must not be negative"),
        ("value", "-0.01", "materials[0].value: must not be negative"),
        ("value", "abc", f"materials[0].value: {DECIMAL_RULE}"),
        ("value", "1e5", f"materials[0].value: {DECIMAL_RULE}"),
        ("value", "NaN", f"materials[0].value: {DECIMAL_RULE}"),
        ("value", "1.1234567", f"materials[0].value: {DECIMAL_RULE}"),
        ("value", "1" * 19, f"materials[0].value: {DECIMAL_RULE}"),
        ("value", 5, f"materials[0].value: {DECIMAL_RULE}"),
        ("value", 5.5, f"materials[0].value: {DECIMAL_RULE}"),
        ("value", True, f"materials[0].value: {DECIMAL_RULE}"),
        ("hs_code", "7208", "materials[0].hs_code: HS code must be 6 digits"),
        ("origin_country", "XX", "materials[0].origin_country: must be an ISO 3166 alpha-2 country code"),
        ("origin_country", "mx", "materials[0].origin_country: must be an ISO 3166 alpha-2 country code"),
        ("originating", "yes", "materials[0].originating: must be true or false"),
        ("supplier", "", "materials[0].supplier: must not be empty"),
    ],
)
def test_material__bad_field__is_rejected_naming_field_and_rule(field: str, value: Any, message: str) -> None:
    data = boiler()
    data["materials"][0][field] = value
    with pytest.raises(ValidationError) as caught:
        parse_annex(data, "boiler.annex.json")
    assert str(caught.value).startswith(f"boiler.annex.json: {message}")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"transaction_value": "0"}, "transaction_value: must be greater than zero"),
        ({"net_cost": "-1"}, "net_cost: must not be negative"),
        (
            {"transaction_value": None, "net_cost": None},
            "needs a transaction_value, a net_cost or an adjusted_value",
        ),
        ({"currency": "usd"}, "currency: must be an ISO 4217 currency code"),
        ({"owner": {"name": "X", "account": "0x00"}}, "owner.account: must be a 0x address"),
        ({"good_hs_code": "84.02.11"}, "good_hs_code: HS code must be 6 digits"),
    ],
)
def test_annex__bad_valuation_or_identity__is_rejected(change: dict[str, Any], message: str) -> None:
    data = {**boiler(), **change}
    with pytest.raises(ValidationError, match="^annex: .*" + message.replace("(", r"\(").replace(")", r"\)")):
        parse_annex(data)


def test_annex__adjusted_value_alone__is_a_valuation() -> None:
    data = boiler()
    del data["transaction_value"], data["net_cost"]
    data["adjusted_value"] = "118000"
    assert parse_annex(data).adjusted_value == Decimal("118000")


def test_annex__decimal_objects__are_accepted_from_python() -> None:
    data = boiler()
    data["transaction_value"] = Decimal("120000.50")
    assert parse_annex(data).transaction_value == Decimal("120000.50")


amounts = st.decimals(
    min_value=0, max_value=Decimal("1E18") - 1, places=6, allow_nan=False, allow_infinity=False
)


@given(amount=amounts)
def test_money__any_amount__round_trips_as_a_decimal_string(amount: Decimal) -> None:
    data = boiler()
    data["materials"][0]["value"] = format(amount, "f")
    dumped = parse_annex(data).model_dump(mode="json")
    assert isinstance(dumped["materials"][0]["value"], str)
    assert Decimal(dumped["materials"][0]["value"]) == amount
    assert parse_annex(copy.deepcopy(dumped)) == Annex.model_validate(dumped)


def test_money__exponent_decimal__is_dumped_without_exponent() -> None:
    data = boiler()
    data["materials"][0]["value"] = Decimal("3E+4")
    assert parse_annex(data).model_dump(mode="json")["materials"][0]["value"] == "30000"


@pytest.mark.parametrize(
    "amount",
    [Decimal("NaN"), Decimal("Infinity"), Decimal("1E18"), Decimal("0.0000001")],
    ids=["nan", "infinity", "too large", "too many decimals"],
)
def test_money__out_of_range_decimal_object__is_rejected(amount: Decimal) -> None:
    data = boiler()
    data["materials"][0]["value"] = amount
    with pytest.raises(ValidationError, match=f"materials\\[0\\]\\.value: {DECIMAL_RULE}"):
        parse_annex(data)
