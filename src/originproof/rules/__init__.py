"""Origin rules: regional value content, de minimis and tariff shift, with a verdict that explains itself.

`evaluate(hs_code, annex, agreement)` applies the product-specific rule of the latest shipped rule
set (`originproof/data/rules/*.json`) and returns a frozen `Verdict` naming that rule set's version.
Arithmetic is exact (see `originproof.rules.arithmetic` for the rounding of reported percentages).
"""

from originproof.rules.arithmetic import Level, changes_classification, rounded, rvc, rvc_build_up, share
from originproof.rules.evaluate import describe_rule, evaluate
from originproof.rules.ruleset import (
    DeMinimis,
    Method,
    ProductRule,
    RuleSet,
    RvcRule,
    load_ruleset,
    load_ruleset_file,
    shipped_rulesets,
)
from originproof.rules.verdict import Check, Verdict

__all__ = [
    "Check",
    "DeMinimis",
    "Level",
    "Method",
    "ProductRule",
    "RuleSet",
    "RvcRule",
    "Verdict",
    "changes_classification",
    "describe_rule",
    "evaluate",
    "load_ruleset",
    "load_ruleset_file",
    "rounded",
    "rvc",
    "rvc_build_up",
    "share",
    "shipped_rulesets",
]
