"""The certificate model: examples, the committed JSON form, every rejection rule, the JSON Schema."""

import copy
import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError as PydanticValidationError

from originproof.enums import Agreement
from originproof.errors import ValidationError
from originproof.model import (
    CaftaDrCertificate,
    NaftaCertificate,
    UsmcaCertificate,
    json_schema,
    load_annex,
    load_certificate,
    parse_certificate,
    write_json_schemas,
)
from originproof.model.schema import DOCUMENTS, schema_filename, shipped_schema_dir

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
BOILER = "usmca-single-boiler.certificate.json"
CIRCUITS = "usmca-blanket-circuits.certificate.json"
NAFTA = "nafta-blanket-circuits.certificate.json"
PUMPS = "cafta-dr-single-pumps.certificate.json"


def example(name: str) -> dict[str, Any]:
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


def rejection(data: dict[str, Any]) -> str:
    with pytest.raises(ValidationError) as caught:
        parse_certificate(data)
    return str(caught.value)


def json_numbers(document: Any) -> list[Any]:
    """Every JSON number in a document (booleans are not numbers)."""
    if isinstance(document, dict):
        return [number for value in document.values() for number in json_numbers(value)]
    if isinstance(document, list):
        return [number for value in document for number in json_numbers(value)]
    return [document] if isinstance(document, int | float) and not isinstance(document, bool) else []


# --- examples and the committed form ---------------------------------------------------------


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.json")), ids=lambda path: path.name)
def test_examples__every_file__loads_and_round_trips(path: Path) -> None:
    load = load_annex if path.name.endswith(".annex.json") else load_certificate
    document = load(path)
    dumped = document.model_dump(mode="json")
    assert load(json.dumps(dumped).encode()) == document
    assert json_numbers(dumped) == []


def test_examples__cover_every_agreement_and_both_shipment_kinds() -> None:
    certificates = [load_certificate(path) for path in sorted(EXAMPLES.glob("*.certificate.json"))]
    assert {type(certificate) for certificate in certificates} == {
        UsmcaCertificate,
        NaftaCertificate,
        CaftaDrCertificate,
    }
    usmca = [certificate for certificate in certificates if isinstance(certificate, UsmcaCertificate)]
    assert {certificate.blanket is None for certificate in usmca} == {True, False}
    assert len(list(EXAMPLES.glob("*.annex.json"))) >= 4


def test_dump__dates_and_money__are_strings() -> None:
    certificate = load_certificate(EXAMPLES / CIRCUITS)
    annex = load_annex(EXAMPLES / "usmca-single-boiler.annex.json")
    assert certificate.model_dump(mode="json")["blanket"] == {"from": "2025-01-01", "to": "2025-12-31"}
    dumped = annex.model_dump(mode="json")
    assert dumped["transaction_value"] == "120000.00"
    assert dumped["materials"][0]["value"] == "30000.00"


def test_agreement_code__each_variant__is_the_on_chain_number() -> None:
    assert load_certificate(EXAMPLES / BOILER).agreement_code is Agreement.USMCA
    assert load_certificate(EXAMPLES / NAFTA).agreement_code is Agreement.NAFTA
    assert load_certificate(EXAMPLES / PUMPS).agreement_code is Agreement.CAFTA_DR


def test_certificate__assignment__is_refused() -> None:
    certificate = load_certificate(EXAMPLES / BOILER)
    with pytest.raises(PydanticValidationError):
        certificate.certifier_account = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"  # type: ignore[misc]


def test_hs_code__dotted__is_committed_as_six_digits() -> None:
    data = example(BOILER)
    data["goods"][0]["hs_code"] = "8402.11"
    assert parse_certificate(data).goods[0].hs_code == "840211"


def test_text__decomposed_unicode__is_normalized_to_nfc() -> None:
    data = example(BOILER)
    data["signature"]["name"] = unicodedata.normalize("NFD", "  Lucía Garza  ")
    name = parse_certificate(data).signature.name
    assert name == "Lucía Garza"
    assert unicodedata.is_normalized("NFC", name)


def test_annex_root__upper_case_hex__is_committed_lower_case() -> None:
    data = example(BOILER)
    data["annex_root"] = "0x" + "AB" * 32
    assert parse_certificate(data).annex_root == "0x" + "ab" * 32


def test_blanket_bounds__single_shipment__is_zero_zero() -> None:
    assert load_certificate(EXAMPLES / BOILER).blanket_bounds() == (0, 0)
    assert load_certificate(EXAMPLES / CIRCUITS).blanket_bounds() == (1_735_689_600, 1_767_139_200)


# --- rejections: each names the field path and the rule --------------------------------------


def _set(path: str, value: Any) -> Any:
    """A change to an example: set the value at a dotted path (`goods.0.hs_code`)."""

    def change(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = data
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[int(last) if last.isdigit() else last] = value

    return change


def _drop(path: str) -> Any:
    def change(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = data
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        del target[last]

    return change


OTHER_PARTY = {
    "name": "Someone Else Ltd.",
    "address": "1 Main Street, Springfield",
    "phone": "+1 555 010 0100",
    "email": "someone@else.example",
}

REJECTIONS = [
    ("unknown agreement", BOILER, _set("agreement", "EU"), "agreement: unknown agreement 'EU'"),
    ("missing agreement", BOILER, _drop("agreement"), "agreement: is required"),
    (
        "hs code five digits",
        BOILER,
        _set("goods.0.hs_code", "84021"),
        "goods[0].hs_code: HS code must be 6 digits",
    ),
    (
        "hs code letters",
        BOILER,
        _set("goods.0.hs_code", "84O211"),
        "goods[0].hs_code: HS code must be 6 digits",
    ),
    ("hs code number", BOILER, _set("goods.0.hs_code", 840211), "goods[0].hs_code: HS code must be 6 digits"),
    (
        "usmca criterion E",
        BOILER,
        _set("goods.0.origin_criterion", "E"),
        "goods[0].origin_criterion: origin criterion 'E' is not valid for USMCA (valid: A, B, C, D)",
    ),
    (
        "nafta criterion G",
        NAFTA,
        _set("goods.0.origin_criterion", "G"),
        "goods[0].origin_criterion: origin criterion 'G' is not valid for NAFTA (valid: A, B, C, D, E, F)",
    ),
    (
        "cafta-dr criterion D",
        PUMPS,
        _set("goods.0.origin_criterion", "D"),
        "goods[0].origin_criterion: origin criterion 'D' is not valid for CAFTA-DR (valid: A, B, C)",
    ),
    (
        "usmca criterion D for apparel",
        BOILER,
        lambda data: data["goods"][0].update(origin_criterion="D", hs_code="620342"),
        "goods[0].origin_criterion: origin criterion D is not available for HS chapters 61 to 63",
    ),
    (
        "single shipment without invoice",
        BOILER,
        _drop("goods.0.invoice_number"),
        "goods[0].invoice_number: invoice number is required for a single shipment",
    ),
    (
        "blanket over a year",
        CIRCUITS,
        _set("blanket", {"from": "2025-01-01", "to": "2026-01-15"}),
        "blanket.to: blanket period may cover at most 12 months: starting 2025-01-01, "
        "it must end by 2025-12-31",
    ),
    (
        "blanket of one day",
        CIRCUITS,
        _set("blanket", {"from": "2025-01-01", "to": "2025-01-01"}),
        "blanket.to: blanket period must end after the day it starts",
    ),
    (
        "blanket backwards",
        CIRCUITS,
        _set("blanket", {"from": "2025-06-01", "to": "2025-01-01"}),
        "blanket.to: blanket period must end after the day it starts",
    ),
    (
        "blanket from the epoch",
        CIRCUITS,
        _set("blanket", {"from": "1970-01-01", "to": "1970-06-01"}),
        "blanket.from: must be between 1970-01-02 and 9998-12-31",
    ),
    (
        "blanket date as timestamp",
        CIRCUITS,
        _set("blanket.to", 1_767_139_200),
        "blanket.to: must be a calendar date written YYYY-MM-DD",
    ),
    (
        "blanket impossible date",
        CIRCUITS,
        _set("blanket.to", "2025-02-30"),
        "blanket.to: must be a calendar date written YYYY-MM-DD",
    ),
    (
        "lower-case account",
        BOILER,
        _set("certifier_account", "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc"),
        "certifier_account: must be a 0x address with a valid EIP-55 checksum",
    ),
    (
        "wrong checksum",
        BOILER,
        _set("certifier_account", "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293Bc"),
        "certifier_account: must be a 0x address with a valid EIP-55 checksum",
    ),
    (
        "short annex root",
        BOILER,
        _set("annex_root", "0x12"),
        "annex_root: must be 0x followed by 64 hexadecimal",
    ),
    (
        "nafta certified by the producer",
        NAFTA,
        _set("certifier.role", "producer"),
        "certifier.role: NAFTA certifications are made by the exporter",
    ),
    ("unknown role", BOILER, _set("certifier.role", "broker"), "certifier.role: must be one of 'importer'"),
    (
        "certifier's own party repeated",
        CIRCUITS,
        _set("exporter", OTHER_PARTY),
        "exporter: must be omitted: the certifier is the exporter",
    ),
    (
        "unknown producer kind",
        BOILER,
        lambda data: data.update(
            certifier={**data["certifier"], "role": "exporter"}, producer={"kind": "nope"}
        ),
        "producer.kind: unknown kind 'nope'",
    ),
    (
        "bad producer email",
        CIRCUITS,
        _set("producer.email", "not-an-email"),
        "producer.email: must be an email address",
    ),
    (
        "various with one producer",
        CIRCUITS,
        _set("producer", {"kind": "various", "producers": [OTHER_PARTY]}),
        "producer.producers: must have at least 2 item(s)",
    ),
    ("bad phone", BOILER, _set("certifier.phone", "call me"), "certifier.phone: must be a phone number"),
    ("no goods", BOILER, _set("goods", []), "goods: must have at least 1 item(s)"),
    ("unknown field", BOILER, _set("colour", "blue"), "colour: is not a known field"),
    ("missing signature", BOILER, _drop("signature"), "signature: is required"),
    ("blank name", BOILER, _set("signature.name", "  "), "signature.name: must not be empty"),
    ("name not text", BOILER, _set("signature.name", 7), "signature.name: must be text"),
    (
        "nafta line without producer column",
        NAFTA,
        _drop("goods.0.producer"),
        "goods[0].producer: is required",
    ),
    (
        "nafta country outside NAFTA",
        NAFTA,
        _set("goods.0.country_of_origin", "GT"),
        "goods[0].country_of_origin: must be one of 'US', 'CA' or 'MX'",
    ),
]


@pytest.mark.parametrize(
    ("source", "change", "message"), [pytest.param(*case[1:], id=case[0]) for case in REJECTIONS]
)
def test_certificate__bad_input__is_rejected_naming_field_and_rule(
    source: str, change: Any, message: str
) -> None:
    data = copy.deepcopy(example(source))
    change(data)
    assert message in rejection(data)


def test_certificate__criterion_d_outside_apparel__is_accepted() -> None:
    data = example(BOILER)
    data["goods"][0]["origin_criterion"] = "D"
    assert parse_certificate(data).goods[0].origin_criterion == "D"


def test_certificate__several_problems__are_all_listed() -> None:
    data = example(BOILER)
    data["goods"][0]["hs_code"] = "8402"
    data["signature"]["date"] = "14/03/2025"
    message = rejection(data)
    assert "goods[0].hs_code: HS code must be 6 digits" in message
    assert "signature.date: must be a calendar date" in message
    assert "goods: must have" not in message


# --- loading files ---------------------------------------------------------------------------


def test_load__malformed_json__names_the_file_and_position(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"agreement": "USMCA",}')
    with pytest.raises(ValidationError, match=r"broken\.json: not valid JSON \(line 1, column 23"):
        load_certificate(broken)


def test_load__duplicate_key__is_rejected(tmp_path: Path) -> None:
    doubled = tmp_path / "doubled.json"
    doubled.write_text('{"agreement": "USMCA", "agreement": "NAFTA"}')
    with pytest.raises(ValidationError, match=r"doubled\.json: not valid JSON \(duplicate key 'agreement'\)"):
        load_certificate(doubled)


def test_load__missing_file__names_it(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match=r"absent\.json: cannot read file"):
        load_certificate(tmp_path / "absent.json")


def test_load__not_utf8__is_rejected() -> None:
    with pytest.raises(ValidationError, match=r"^<bytes>: not valid JSON \('utf-8' codec can't decode"):
        load_certificate(b"\xff{}")


def test_load__not_an_object__is_rejected() -> None:
    with pytest.raises(ValidationError, match=r"^<bytes>: must be an object$"):
        load_certificate(b"[1, 2]")


def test_load__invalid_field_in_file__names_file_and_field(tmp_path: Path) -> None:
    data = example(BOILER)
    data["goods"][0]["hs_code"] = "84"
    path = tmp_path / "cert.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ValidationError, match=r"cert\.json: goods\[0\]\.hs_code: HS code must be 6 digits"):
        load_certificate(path)


# --- JSON Schema -----------------------------------------------------------------------------


@pytest.mark.parametrize("document", DOCUMENTS)
def test_json_schema__committed_file__equals_generated(document: Any) -> None:
    committed = json.loads((shipped_schema_dir() / schema_filename(document)).read_text(encoding="utf-8"))
    regenerate = "python -c 'from originproof.model import write_json_schemas; write_json_schemas()'"
    assert committed == json_schema(document), f"schema out of date: run {regenerate}"


def test_write_json_schemas__writes_the_committed_text(tmp_path: Path) -> None:
    write_json_schemas(tmp_path)
    for document in DOCUMENTS:
        written = (tmp_path / schema_filename(document)).read_text(encoding="utf-8")
        assert written == (shipped_schema_dir() / schema_filename(document)).read_text(encoding="utf-8")


def test_json_schema__money__is_a_decimal_string() -> None:
    schema = json_schema("annex")
    assert schema["properties"]["transaction_value"]["anyOf"][0] == {
        "type": "string",
        "pattern": r"^[0-9]{1,18}(\.[0-9]{1,6})?$",
    }
    assert json_schema("certificate")["discriminator"]["propertyName"] == "agreement"
