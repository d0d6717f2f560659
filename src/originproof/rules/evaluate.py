"""Evaluating a good's confidential annex against its agreement's product-specific rule."""

from decimal import Decimal

from originproof.enums import Agreement
from originproof.errors import ValidationError
from originproof.model.annex import Annex, Material
from originproof.model.fields import exact_sum, format_hs
from originproof.rules.arithmetic import (
    Level,
    at_least,
    at_most,
    changes_classification,
    rounded,
    rvc,
    rvc_build_up,
    share,
)
from originproof.rules.ruleset import DeMinimis, Method, ProductRule, RuleSet, RvcRule, load_ruleset
from originproof.rules.verdict import Check, Verdict, method_label

_ABBREVIATIONS = {
    "transaction_value": "TV",
    "net_cost": "NC",
    "adjusted_value": "AV",
    "total_cost": "total cost",
}
_BASIS_NAMES = {
    "transaction_value": "transaction value",
    "net_cost": "net cost",
    "adjusted_value": "adjusted value",
    "total_cost": "total cost",
}


def evaluate(good_hs: str, annex: Annex, agreement: Agreement, *, rules: RuleSet | None = None) -> Verdict:
    """Whether the good classified `good_hs` qualifies under `agreement`, on the annex's numbers.

    This is the test of origin criterion B (and of D, whose test is the RVC); criteria A and C
    (wholly obtained, exclusively originating materials) are not the product-specific rule.
    `rules` defaults to the latest shipped rule set of the agreement. Every RVC method the rule
    offers is computed when the annex has its basis, so a good that fails by transaction value
    still shows its net cost result. Raises `ValidationError` when the annex is for another good.
    """
    hs = good_hs.replace(".", "")
    if hs != annex.good_hs_code:
        raise ValidationError(
            f"the annex is for HS {format_hs(annex.good_hs_code)}, not for the certificate's HS {good_hs}"
        )
    ruleset = rules or load_ruleset(agreement)
    if ruleset.agreement_code is not agreement:
        raise ValidationError(f"rule set {ruleset.version} is for {ruleset.agreement}, not {agreement.name}")
    key, rule = ruleset.rule_for(hs)

    checks: list[Check] = []
    shift_met = True
    if rule.tariff_shift is not None:
        shift_checks = _tariff_shift(hs, annex, rule.tariff_shift, ruleset.de_minimis)
        checks.extend(shift_checks)
        # The de minimis check, when there is one, decides: it exists only if the shift failed.
        shift_met = shift_checks[-1].passed
    rvc_checks = [_rvc(requirement, annex) for requirement in rule.rvc]
    checks.extend(rvc_checks)
    rvc_met = not rvc_checks or any(check.passed for check in rvc_checks)

    return Verdict(
        agreement=agreement,
        hs_code=hs,
        rule_version=ruleset.version,
        rule_key=key,
        rule_description=rule.description,
        requirement=describe_rule(rule, ruleset.de_minimis),
        checks=tuple(checks),
        qualifies=shift_met and rvc_met,
    )


def describe_rule(rule: ProductRule, de_minimis: DeMinimis) -> str:
    """A rule in words, e.g. `RVC ≥ 60% (transaction value) or ≥ 50% (net cost)`."""
    parts = []
    if rule.tariff_shift is not None:
        bases = " or ".join(_ABBREVIATIONS[basis] for basis in de_minimis.of)
        parts.append(
            f"every non-originating material changes {rule.tariff_shift} "
            f"(de minimis {de_minimis.max_percent}% of {bases})"
        )
    if rule.rvc:
        methods = " or ".join(
            f"≥ {requirement.min_percent}% ({method_label(requirement.method)})" for requirement in rule.rvc
        )
        parts.append(f"RVC {methods}")
    return " and ".join(parts)


def _tariff_shift(hs: str, annex: Annex, level: Level, de_minimis: DeMinimis) -> list[Check]:
    non_originating = [material for material in annex.materials if not material.originating]
    shifts = [(material, changes_classification(material.hs_code, hs, level)) for material in non_originating]
    failing = [material for material, shifted in shifts if not shifted]
    details = tuple(
        f"{material.description} ({format_hs(material.hs_code)}, {material.origin_country}): "
        f"{'changes' if shifted else 'does not change'} {level}"
        for material, shifted in shifts
    )
    shifted = len(non_originating) - len(failing)
    shift = Check(
        name="tariff shift",
        method=level.value,
        passed=not failing,
        summary=f"{shifted} of {len(non_originating)} non-originating materials change {level}"
        f" to {format_hs(hs)}",
        details=details,
    )
    return [shift] if not failing else [shift, _de_minimis(failing, annex, de_minimis)]


def _de_minimis(failing: list[Material], annex: Annex, rule: DeMinimis) -> Check:
    failing_value = exact_sum(material.value for material in failing)
    basis = next((basis for basis in rule.of if getattr(annex, basis) is not None), None)
    if basis is None:
        missing = " or ".join(_BASIS_NAMES[basis] for basis in rule.of)
        return Check(
            name="de minimis",
            method="none",
            numbers={"VNM without shift": failing_value},
            threshold=rule.max_percent,
            passed=False,
            summary=f"not computed: the annex has no {missing}",
        )
    base: Decimal = getattr(annex, basis)
    percent = share(failing_value, base)
    passed = at_most(percent, rule.max_percent)
    return Check(
        name="de minimis",
        method=basis,
        numbers={"VNM without shift": failing_value, _ABBREVIATIONS[basis]: base},
        result=rounded(percent),
        threshold=rule.max_percent,
        passed=passed,
        summary=(
            f"materials without the shift, {failing_value:f}, are {rounded(percent)}% of "
            f"{_ABBREVIATIONS[basis]} {base:f}: {'within' if passed else 'over'} {rule.max_percent}%"
        ),
    )


def _rvc(requirement: RvcRule, annex: Annex) -> Check:
    method = requirement.method
    threshold = requirement.min_percent
    base: Decimal | None = getattr(annex, method.basis)
    if base is None:
        return Check(
            name="regional value content",
            method=method.value,
            threshold=threshold,
            passed=False,
            summary=f"not computed: the annex has no {_BASIS_NAMES[method.basis]}",
        )
    abbreviation = _ABBREVIATIONS[method.basis]
    if method is Method.BUILD_UP:
        vom = annex.originating_value
        value = rvc_build_up(base, vom)
        numbers = {abbreviation: base, "VOM": vom}
        formula = f"VOM {vom:f} / {abbreviation} {base:f} * 100"
    else:
        vnm = annex.non_originating_value
        value = rvc(base, vnm)
        numbers = {abbreviation: base, "VNM": vnm}
        formula = f"({abbreviation} {base:f} - VNM {vnm:f}) / {abbreviation} {base:f} * 100"
    passed = at_least(value, threshold)
    return Check(
        name="regional value content",
        method=method.value,
        numbers=numbers,
        result=rounded(value),
        threshold=threshold,
        passed=passed,
        summary=f"{formula} = {rounded(value)}% {'≥' if passed else '<'} {threshold}%",
    )
