"""What the rules found: each check with the numbers it used, and whether the good qualifies."""

from decimal import Decimal

from pydantic import Field

from originproof.enums import Agreement
from originproof.model.fields import FrozenModel, format_hs


def method_label(method: str) -> str:
    """`transaction_value` as `transaction value`, `build_down` as `build-down`."""
    return method.replace("build_", "build-").replace("_", " ")


ROUNDING_NOTE = "Percentages are compared exactly and shown rounded half-even to one decimal place."


class Check(FrozenModel):
    """One test the good was put to.

    `name` is what was tested (regional value content, tariff shift, de minimis) and `method` how
    (transaction_value, heading, ...); `numbers` are the inputs by their usual abbreviation (TV,
    VNM, ...); `result` and `threshold` are percentages, `result` rounded for display (None when
    not computed or not a percentage). `passed` comes from the exact comparison.
    """

    name: str
    method: str
    numbers: dict[str, Decimal] = Field(default_factory=dict)
    result: Decimal | None = None
    threshold: Decimal | None = None
    passed: bool
    summary: str
    details: tuple[str, ...] = ()


class Verdict(FrozenModel):
    """The outcome of evaluating one good against one version of an agreement's rules."""

    agreement: Agreement
    hs_code: str
    rule_version: str
    rule_key: str
    """The HS prefix of the product-specific rule applied, or `default`."""
    rule_description: str
    requirement: str
    checks: tuple[Check, ...]
    qualifies: bool

    def explain(self) -> str:
        """The verdict as text a customs officer or a producer can read."""
        outcome = "QUALIFIES" if self.qualifies else "DOES NOT QUALIFY"
        if self.rule_key == "default":
            rule = "default rule"
        else:
            rule = f"rule {format_hs(self.rule_key) if len(self.rule_key) == 6 else self.rule_key}"
        lines = [
            f"{self.agreement.name.replace('_', '-')} origin of HS {format_hs(self.hs_code)}: {outcome}",
            f"{rule} of {self.rule_version}: {self.rule_description}",
            f"requires: {self.requirement}",
        ]
        for check in self.checks:
            mark = "pass" if check.passed else "FAIL"
            lines.append(f"  [{mark}] {check.name} ({method_label(check.method)}): {check.summary}")
            lines.extend(f"         {detail}" for detail in check.details)
        lines.append(ROUNDING_NOTE)
        return "\n".join(lines)
