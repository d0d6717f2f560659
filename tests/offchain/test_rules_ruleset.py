"""Versioned rule data: the shipped files, choosing a version, matching a good, rejecting bad data."""

import json
from pathlib import Path
from typing import Any

import pytest

from originproof.enums import Agreement
from originproof.errors import ValidationError
from originproof.rules import Level, Method, load_ruleset, load_ruleset_file, shipped_rulesets
from originproof.rules import ruleset as ruleset_module
from originproof.rules.ruleset import RuleSet


def usmca_data() -> dict[str, Any]:
    return load_ruleset(Agreement.USMCA).model_dump(mode="json")


def write(directory: Path, data: dict[str, Any], name: str | None = None) -> Path:
    path = directory / f"{name or data['version']}.json"
    path.write_text(json.dumps(data))
    return path


def test_shipped__one_rule_set_per_agreement__loads() -> None:
    assert {ruleset.agreement_code for ruleset in shipped_rulesets()} == set(Agreement)


@pytest.mark.parametrize(
    ("agreement", "version", "de_minimis"),
    [
        (Agreement.USMCA, "usmca-2020.1", "10"),
        (Agreement.NAFTA, "nafta-1994.1", "7"),
        (Agreement.CAFTA_DR, "cafta-dr-2006.1", "10"),
    ],
)
def test_load_ruleset__latest__has_the_agreements_de_minimis(
    agreement: Agreement, version: str, de_minimis: str
) -> None:
    ruleset = load_ruleset(agreement)
    assert ruleset.version == version
    assert str(ruleset.de_minimis.max_percent) == de_minimis


def test_load_ruleset__unknown_version__lists_the_available_ones() -> None:
    with pytest.raises(
        ValidationError, match=r"no rule set usmca-1999\.9 for USMCA \(available: usmca-2020\.1\)"
    ):
        load_ruleset(Agreement.USMCA, "usmca-1999.9")


def test_load_ruleset__no_files_for_the_agreement__says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ruleset_module, "shipped_rulesets", lambda: ())
    with pytest.raises(ValidationError, match=r"^no rule set for NAFTA \(available: none\)$"):
        load_ruleset(Agreement.NAFTA)


def test_load_ruleset__named_version__is_returned() -> None:
    assert load_ruleset(Agreement.NAFTA, "nafta-1994.1").agreement == "NAFTA"


def test_rule_for__longest_prefix__wins() -> None:
    data = usmca_data()
    data["product_rules"]["84"] = {"description": "chapter 84", "tariff_shift": "chapter"}
    data["product_rules"]["8402"] = {"description": "heading 84.02", "tariff_shift": "heading"}
    ruleset = RuleSet.model_validate(data)
    assert ruleset.rule_for("840211")[0] == "840211"
    assert ruleset.rule_for("840219") == ("8402", ruleset.product_rules["8402"])
    assert ruleset.rule_for("841370")[0] == "84"
    assert ruleset.rule_for("950300")[0] == "default"


def test_rule__sort_key__orders_versions() -> None:
    data = usmca_data()
    later = RuleSet.model_validate({**data, "version": "usmca-2020.10"})
    assert later.sort_key > RuleSet.model_validate(data).sort_key


def test_rule__methods_and_levels__are_read_as_enums() -> None:
    usmca = load_ruleset(Agreement.USMCA)
    assert usmca.product_rules["853400"].tariff_shift is Level.HEADING
    assert usmca.product_rules["840211"].rvc[0].method is Method.TRANSACTION_VALUE


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda data: data["product_rules"]["840211"]["rvc"][0].update(method="build_down"),
            "product_rules.840211.rvc[0].method: method build_down is not used under USMCA",
        ),
        (
            lambda data: data["product_rules"].update(
                {"840": {"description": "x", "tariff_shift": "heading"}}
            ),
            "product_rules.840: an HS prefix must be 2, 4 or 6 digits",
        ),
        (
            lambda data: data["default_rule"]["rvc"][0].update(min_percent="160"),
            "default_rule.rvc[0].min_percent: a percentage must be between 0 and 100",
        ),
        (
            lambda data: data["default_rule"].update(rvc=[]),
            "default_rule: a rule needs a tariff_shift, rvc methods, or both",
        ),
        (
            lambda data: data["product_rules"]["853400"].update(tariff_shift="section"),
            "product_rules.853400.tariff_shift: must be one of 'chapter', 'heading' or 'subheading'",
        ),
        (lambda data: data.update(version="usmca-2020"), 'version: version must read "usmca-YEAR.REVISION"'),
        (
            lambda data: data.update(version="nafta-2020.1"),
            'version: version must read "usmca-YEAR.REVISION"',
        ),
        (lambda data: data["de_minimis"].update(of=[]), "de_minimis.of: must have at least 1 item(s)"),
    ],
)
def test_load_ruleset_file__bad_data__names_file_field_and_rule(
    tmp_path: Path, change: Any, message: str
) -> None:
    data = usmca_data()
    change(data)
    path = write(tmp_path, data, name="usmca-2020.1")
    with pytest.raises(ValidationError) as caught:
        load_ruleset_file(path)
    assert str(caught.value).startswith(f"{path}: {message}")


def test_load_ruleset_file__name_differs_from_version__is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, usmca_data(), name="usmca-latest")
    with pytest.raises(
        ValidationError, match=r"usmca-latest\.json: the file must be named after its version"
    ):
        load_ruleset_file(path)


def test_load_ruleset_file__valid_copy__loads(tmp_path: Path) -> None:
    assert load_ruleset_file(write(tmp_path, usmca_data())) == load_ruleset(Agreement.USMCA)
