"""The origin rules: DOMAIN.md's worked examples, exact arithmetic, and the verdict's explanation."""

import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from originproof.enums import Agreement
from originproof.errors import ValidationError
from originproof.model import Annex, load_annex, load_certificate, parse_annex
from originproof.rules import (
    Level,
    Verdict,
    changes_classification,
    evaluate,
    load_ruleset,
    rounded,
    rvc,
    rvc_build_up,
    share,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def annex(name: str, **changes: Any) -> Annex:
    data = json.loads((EXAMPLES / name).read_text(encoding="utf-8"))
    return parse_annex({**data, **changes})


def boiler(vnm_52000: bool = False, **changes: Any) -> Annex:
    name = "usmca-single-boiler-vnm-52000.annex.json" if vnm_52000 else "usmca-single-boiler.annex.json"
    return annex(name, **changes)


def check(verdict: Verdict, method: str) -> Any:
    (found,) = [check for check in verdict.checks if check.method == method]
    return found


# --- DOMAIN.md's worked examples -------------------------------------------------------------


def test_boiler__vnm_38000__qualifies_at_68_3_percent_by_transaction_value() -> None:
    verdict = evaluate("8402.11", boiler(), Agreement.USMCA)
    tv = check(verdict, "transaction_value")
    assert verdict.qualifies
    assert (tv.result, tv.threshold, tv.passed) == (Decimal("68.3"), Decimal("60"), True)
    assert tv.numbers == {"TV": Decimal("120000.00"), "VNM": Decimal("38000.00")}
    assert verdict.rule_version == "usmca-2020.1"
    assert verdict.rule_key == "840211"


def test_boiler__vnm_52000__fails_transaction_value_at_56_7_percent() -> None:
    verdict = evaluate("840211", boiler(vnm_52000=True, net_cost=None), Agreement.USMCA)
    tv = check(verdict, "transaction_value")
    assert (tv.result, tv.passed) == (Decimal("56.7"), False)
    assert not verdict.qualifies
    assert "not computed: the annex has no net cost" in check(verdict, "net_cost").summary


def test_boiler__vnm_52000__reports_net_cost_and_fails_both() -> None:
    verdict = evaluate("840211", boiler(vnm_52000=True), Agreement.USMCA)
    nc = check(verdict, "net_cost")
    assert (nc.result, nc.threshold, nc.passed) == (Decimal("48.0"), Decimal("50"), False)
    assert not verdict.qualifies


def test_boiler__vnm_52000__qualifies_by_net_cost_when_it_reaches_50_percent() -> None:
    verdict = evaluate("840211", boiler(vnm_52000=True, net_cost="110000"), Agreement.USMCA)
    assert not check(verdict, "transaction_value").passed
    assert check(verdict, "net_cost").result == Decimal("52.7")
    assert verdict.qualifies


def test_circuits__copper_foil_changes_heading__qualifies() -> None:
    verdict = evaluate("8534.00", annex("usmca-blanket-circuits.annex.json"), Agreement.USMCA)
    shift = check(verdict, "heading")
    assert shift.passed and verdict.qualifies
    assert "Refined copper foil, electrolytic, 35 µm (7410.11, CN): changes heading" in shift.details
    assert [c.name for c in verdict.checks] == ["tariff shift"]


def test_circuits__same_heading_material_over_10_percent__fails_de_minimis() -> None:
    circuits = annex("usmca-blanket-circuits.annex.json")
    laminate = circuits.materials[0].model_copy(update={"hs_code": "853400"})
    changed = circuits.model_copy(update={"materials": (laminate, *circuits.materials[1:])})
    verdict = evaluate("853400", changed, Agreement.USMCA)
    assert not check(verdict, "heading").passed
    de_minimis = check(verdict, "transaction_value")
    # 6.30 of TV 42.00 is 15%: over USMCA's 10% de minimis.
    assert (de_minimis.result, de_minimis.threshold, de_minimis.passed) == (
        Decimal("15.0"),
        Decimal("10"),
        False,
    )
    assert not verdict.qualifies


def test_circuits__same_heading_material_at_exactly_10_percent__is_within_de_minimis() -> None:
    circuits = annex("usmca-blanket-circuits.annex.json", transaction_value="63.00")
    foil = circuits.materials[0].model_copy(update={"hs_code": "853400"})
    changed = circuits.model_copy(update={"materials": (foil, *circuits.materials[1:])})
    verdict = evaluate("853400", changed, Agreement.USMCA)
    assert check(verdict, "transaction_value").result == Decimal("10.0")
    assert verdict.qualifies


def test_nafta_circuits__same_heading_material_within_7_percent__qualifies_by_de_minimis() -> None:
    verdict = evaluate("853400", annex("nafta-blanket-circuits.annex.json"), Agreement.NAFTA)
    assert not check(verdict, "heading").passed
    de_minimis = check(verdict, "transaction_value")
    assert (de_minimis.result, de_minimis.threshold, de_minimis.passed) == (
        Decimal("6.2"),
        Decimal("7"),
        True,
    )
    assert verdict.qualifies


def test_nafta_circuits__over_7_percent__fails_de_minimis() -> None:
    verdict = evaluate(
        "853400", annex("nafta-blanket-circuits.annex.json", transaction_value="35.00"), Agreement.NAFTA
    )
    assert check(verdict, "transaction_value").result == Decimal("7.1")
    assert not verdict.qualifies


def test_de_minimis__no_transaction_value__falls_back_to_total_cost() -> None:
    nafta = annex("nafta-blanket-circuits.annex.json", transaction_value=None, net_cost="30", total_cost="50")
    verdict = evaluate("853400", nafta, Agreement.NAFTA)
    assert check(verdict, "total_cost").result == Decimal("5.0")
    assert verdict.qualifies


def test_de_minimis__no_base_at_all__fails_and_says_why() -> None:
    nafta = annex("nafta-blanket-circuits.annex.json", transaction_value=None, net_cost="30")
    verdict = evaluate("853400", nafta, Agreement.NAFTA)
    assert check(verdict, "none").summary == "not computed: the annex has no transaction value or total cost"
    assert not verdict.qualifies


def test_cafta_pumps__build_down_60_and_build_up_exactly_25__qualify() -> None:
    verdict = evaluate("8413.70", annex("cafta-dr-single-pumps.annex.json"), Agreement.CAFTA_DR)
    down, up = check(verdict, "build_down"), check(verdict, "build_up")
    assert (down.result, down.threshold, down.passed) == (Decimal("60.0"), Decimal("35"), True)
    assert (up.result, up.threshold, up.passed) == (Decimal("25.0"), Decimal("25"), True)
    assert up.numbers == {"AV": Decimal("48000.00"), "VOM": Decimal("12000.00")}
    assert verdict.qualifies and verdict.rule_version == "cafta-dr-2006.1"


def pumps_with_originating(*originating: bool, **changes: Any) -> Annex:
    pumps = annex("cafta-dr-single-pumps.annex.json", **changes)
    materials = tuple(
        material.model_copy(update={"originating": flag})
        for material, flag in zip(pumps.materials, originating, strict=True)
    )
    return pumps.model_copy(update={"materials": materials})


def test_cafta_pumps__build_down_alone__suffices() -> None:
    # The housings turn non-originating: VNM 28200, VOM 3000 of AV 48000.
    pumps = pumps_with_originating(False, True, False, False, False)
    verdict = evaluate("841370", pumps, Agreement.CAFTA_DR)
    assert (check(verdict, "build_down").result, check(verdict, "build_down").passed) == (
        Decimal("41.2"),
        True,
    )
    assert (check(verdict, "build_up").result, check(verdict, "build_up").passed) == (Decimal("6.2"), False)
    assert verdict.qualifies


def test_cafta_pumps__both_methods_below__fail() -> None:
    pumps = pumps_with_originating(False, False, False, False, False, adjusted_value="46000.00")
    verdict = evaluate("841370", pumps, Agreement.CAFTA_DR)
    assert check(verdict, "build_down").result == Decimal("32.2")
    assert check(verdict, "build_up").result == Decimal("0.0")
    assert not verdict.qualifies


def test_examples__each_certificate_line__matches_its_annex_verdict() -> None:
    expected = {
        "usmca-single-boiler": ("usmca-single-boiler", True),
        "usmca-blanket-circuits": ("usmca-blanket-circuits", True),
        "nafta-blanket-circuits": ("nafta-blanket-circuits", True),
        "cafta-dr-single-pumps": ("cafta-dr-single-pumps", True),
    }
    for certificate_name, (annex_name, qualifies) in expected.items():
        certificate = load_certificate(EXAMPLES / f"{certificate_name}.certificate.json")
        evidence = load_annex(EXAMPLES / f"{annex_name}.annex.json")
        verdict = evaluate(certificate.goods[0].hs_code, evidence, certificate.agreement_code)
        assert verdict.qualifies is qualifies, certificate_name
    failing = load_annex(EXAMPLES / "usmca-single-boiler-vnm-52000.annex.json")
    assert not evaluate("840211", failing, Agreement.USMCA).qualifies


# --- the verdict -----------------------------------------------------------------------------


def test_explain__names_rule_version_numbers_and_outcome() -> None:
    text = evaluate("840211", boiler(vnm_52000=True), Agreement.USMCA).explain()
    assert "USMCA origin of HS 8402.11: DOES NOT QUALIFY" in text
    assert "rule 8402.11 of usmca-2020.1" in text
    assert "[FAIL] regional value content (transaction value): (TV 120000.00 - VNM 52000.00)" in text
    assert "= 56.7% < 60%" in text
    assert "= 48.0% < 50%" in text
    assert "rounded half-even to one decimal place" in text


def test_explain__de_minimis__reads_within() -> None:
    text = evaluate("853400", annex("nafta-blanket-circuits.annex.json"), Agreement.NAFTA).explain()
    assert (
        "[pass] de minimis (transaction value): materials without the shift, 2.50, are 6.2% of TV 40.00"
        in text
    )
    assert "does not change heading" in text


def test_verdict__is_frozen() -> None:
    verdict = evaluate("840211", boiler(), Agreement.USMCA)
    with pytest.raises(ValueError, match="frozen"):
        verdict.qualifies = False  # type: ignore[misc]


def test_evaluate__annex_of_another_good__is_refused() -> None:
    with pytest.raises(
        ValidationError, match=r"the annex is for HS 8402\.11, not for the certificate's HS 8534\.00"
    ):
        evaluate("8534.00", boiler(), Agreement.USMCA)


def test_evaluate__rules_of_another_agreement__are_refused() -> None:
    with pytest.raises(ValidationError, match=r"rule set nafta-1994\.1 is for NAFTA, not USMCA"):
        evaluate("840211", boiler(), Agreement.USMCA, rules=load_ruleset(Agreement.NAFTA))


def test_evaluate__good_without_product_rule__uses_the_default_rule() -> None:
    small_boiler = boiler(good_hs_code="840219")
    verdict = evaluate("840219", small_boiler, Agreement.USMCA)
    assert verdict.rule_key == "default"
    assert verdict.qualifies
    assert "default rule of usmca-2020.1" in verdict.explain()


def test_explain__heading_prefix_rule__is_named_by_its_prefix() -> None:
    usmca = load_ruleset(Agreement.USMCA)
    heading_rule = usmca.model_copy(update={"product_rules": {"8402": usmca.product_rules["840211"]}})
    verdict = evaluate("840211", boiler(), Agreement.USMCA, rules=heading_rule)
    assert verdict.rule_key == "8402"
    assert "rule 8402 of usmca-2020.1" in verdict.explain()


# --- exact arithmetic ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Fraction(82, 120) * 100, "68.3"),
        (Fraction(1, 4), "0.2"),
        (Fraction(15, 100), "0.2"),
        (Fraction(35, 100), "0.4"),
        (Fraction(-25, 100), "-0.2"),
        (Fraction(60), "60.0"),
    ],
)
def test_rounded__half_even_to_one_place(value: Fraction, shown: str) -> None:
    assert str(rounded(value)) == shown


def test_rvc__just_below_threshold__fails_though_it_displays_as_the_threshold() -> None:
    verdict = evaluate("840211", boiler(transaction_value="95000.00", net_cost=None), Agreement.USMCA)
    tv = check(verdict, "transaction_value")
    # (95000 - 38000) / 95000 = 60% exactly: passes.
    assert tv.passed
    verdict = evaluate("840211", boiler(transaction_value="94990.00", net_cost=None), Agreement.USMCA)
    tv = check(verdict, "transaction_value")
    # 59.996...% shows as 60.0 but is below 60.
    assert (tv.result, tv.passed) == (Decimal("60.0"), False)


def test_share__zero_base__is_refused() -> None:
    with pytest.raises(ValidationError, match="a percentage needs a positive base"):
        share(Decimal(1), Decimal(0))


money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1E15"), places=2)


@given(base=money, data=st.data())
def test_rvc__vnm_within_base__is_between_0_and_100(base: Decimal, data: st.DataObject) -> None:
    vnm = data.draw(st.decimals(min_value=0, max_value=base, places=2))
    assert 0 <= rvc(base, vnm) <= 100


@given(base=money, lower=money, higher=money)
def test_rvc__more_vnm__never_raises_the_rvc(base: Decimal, lower: Decimal, higher: Decimal) -> None:
    assume(lower <= higher)
    assert rvc(base, higher) <= rvc(base, lower)


@given(adjusted=money, vnm=money, vom=money)
def test_build_down_and_build_up__shares_are_consistent(
    adjusted: Decimal, vnm: Decimal, vom: Decimal
) -> None:
    assert rvc(adjusted, vnm) + share(vnm, adjusted) == 100
    if vnm + vom == adjusted:
        assert rvc_build_up(adjusted, vom) == rvc(adjusted, vnm)


@given(adjusted=money, vnm=money)
def test_build_up__all_other_materials_originating__equals_build_down(
    adjusted: Decimal, vnm: Decimal
) -> None:
    assume(vnm <= adjusted)
    assert rvc_build_up(adjusted, adjusted - vnm) == rvc(adjusted, vnm)


hs_codes = st.from_regex(r"\A[0-9]{6}\Z")


@given(material=hs_codes, good=hs_codes)
def test_tariff_shift__a_wider_change_implies_every_narrower_one(material: str, good: str) -> None:
    chapter, heading, subheading = (changes_classification(material, good, level) for level in Level)
    assert not chapter or heading
    assert not heading or subheading
    assert subheading == (material != good)
