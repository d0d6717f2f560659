"""Versioned origin-rule data: thresholds, de minimis and product-specific rules per agreement.

Each agreement has JSON files in `originproof/data/rules/` named by their version
(`usmca-2020.1.json`): a new reading of the rules is a new file, so a verdict can always name the
rules it applied. A product-specific rule is keyed by an HS prefix of 2, 4 or 6 digits; the longest
prefix matching a good wins, and a good no key matches falls back to the agreement's default rule.

A rule holds a tariff shift, RVC methods, or both: every non-originating material must make the
shift (or fall within de minimis) AND, when methods are listed, the good must reach the threshold
of at least one of them. Rules offering whole alternatives ("shift X, or shift Y with RVC") are
not expressible yet.
"""

import functools
import re
from decimal import Decimal
from enum import StrEnum
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Annotated, Any, Literal, Self

from pydantic import BeforeValidator, Field, TypeAdapter, WithJsonSchema, model_validator

from originproof._internal.validation import Source, read_json, validate
from originproof.enums import Agreement
from originproof.errors import ValidationError
from originproof.model.fields import FrozenModel, Text, decimal_string, rule_error
from originproof.rules.arithmetic import Level


class Method(StrEnum):
    """A regional value content method; `basis` is the annex field the RVC is a share of."""

    TRANSACTION_VALUE = "transaction_value"
    NET_COST = "net_cost"
    BUILD_DOWN = "build_down"
    BUILD_UP = "build_up"

    @property
    def basis(self) -> str:
        return {
            Method.TRANSACTION_VALUE: "transaction_value",
            Method.NET_COST: "net_cost",
            Method.BUILD_DOWN: "adjusted_value",
            Method.BUILD_UP: "adjusted_value",
        }[self]


# The methods each agreement's general rules use (CAFTA-DR's net cost for some vehicles is left out).
METHODS: dict[str, frozenset[Method]] = {
    "USMCA": frozenset({Method.TRANSACTION_VALUE, Method.NET_COST}),
    "NAFTA": frozenset({Method.TRANSACTION_VALUE, Method.NET_COST}),
    "CAFTA_DR": frozenset({Method.BUILD_DOWN, Method.BUILD_UP}),
}


def _percent(value: Any) -> Decimal:
    percent = decimal_string(value)
    if percent > 100:
        raise rule_error("a percentage must be between 0 and 100")
    return percent


Percent = Annotated[
    Decimal, BeforeValidator(_percent), WithJsonSchema({"type": "string", "pattern": r"^[0-9]+(\.[0-9]+)?$"})
]

Basis = Literal["transaction_value", "net_cost", "total_cost", "adjusted_value"]

_VERSION = re.compile(r"(?P<agreement>[a-z]+(?:-[a-z]+)*)-(?P<year>[0-9]{4})\.(?P<revision>[0-9]+)")
_HS_PREFIX = re.compile(r"[0-9]{2}|[0-9]{4}|[0-9]{6}")


class RvcRule(FrozenModel):
    """RVC by `method` must be at least `min_percent`."""

    method: Method
    min_percent: Percent


class ProductRule(FrozenModel):
    """What a good must satisfy: a tariff shift, RVC (any one method suffices), or both."""

    description: Text
    tariff_shift: Level | None = None
    rvc: tuple[RvcRule, ...] = ()

    @model_validator(mode="after")
    def _requires_something(self) -> Self:
        if self.tariff_shift is None and not self.rvc:
            raise rule_error("a rule needs a tariff_shift, rvc methods, or both")
        return self


class DeMinimis(FrozenModel):
    """Non-originating materials failing the tariff shift are tolerated up to `max_percent` of the
    first basis in `of` that the annex has."""

    max_percent: Percent
    of: tuple[Basis, ...] = Field(min_length=1)


class RuleSet(FrozenModel):
    """One version of one agreement's origin rules."""

    version: str
    agreement: Literal["USMCA", "NAFTA", "CAFTA_DR"]
    note: Text
    de_minimis: DeMinimis
    default_rule: ProductRule
    product_rules: dict[str, ProductRule] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _version_names_agreement(self) -> Self:
        slug = self.agreement.lower().replace("_", "-")
        match = _VERSION.fullmatch(self.version)
        if not match or match["agreement"] != slug:
            raise rule_error(
                f'version must read "{slug}-YEAR.REVISION", e.g. "{slug}-2020.1"', at=("version",)
            )
        return self

    @model_validator(mode="after")
    def _rules_fit_agreement(self) -> Self:
        located: list[tuple[tuple[str, ...], ProductRule]] = [(("default_rule",), self.default_rule)]
        for prefix, rule in self.product_rules.items():
            if not _HS_PREFIX.fullmatch(prefix):
                raise rule_error("an HS prefix must be 2, 4 or 6 digits", at=("product_rules", prefix))
            located.append((("product_rules", prefix), rule))
        for where, rule in located:
            for index, requirement in enumerate(rule.rvc):
                if requirement.method not in METHODS[self.agreement]:
                    raise rule_error(
                        f"method {requirement.method.value} is not used under {self.agreement}",
                        at=(*where, "rvc", index, "method"),
                    )
        return self

    @property
    def agreement_code(self) -> Agreement:
        return Agreement[self.agreement]

    @property
    def sort_key(self) -> tuple[int, int]:
        """(year, revision): later versions sort after earlier ones."""
        year, revision = self.version.rsplit("-", 1)[1].split(".")
        return int(year), int(revision)

    def rule_for(self, hs_code: str) -> tuple[str, ProductRule]:
        """The rule for a 6-digit HS code and its key: the longest matching prefix, else `default`."""
        for digits in (6, 4, 2):
            if hs_code[:digits] in self.product_rules:
                return hs_code[:digits], self.product_rules[hs_code[:digits]]
        return "default", self.default_rule


_ADAPTER = TypeAdapter(RuleSet)


def load_ruleset_file(source: Source) -> RuleSet:
    """A rule set from a JSON file or bytes; errors name the file, the field and the rule."""
    name, data = read_json(source)
    ruleset = validate(_ADAPTER, data, name)
    if not isinstance(source, bytes) and Path(source).stem != ruleset.version:
        raise ValidationError(f"{name}: the file must be named after its version ({ruleset.version}.json)")
    return ruleset


def _shipped_files() -> list[Traversable]:
    directory = files("originproof") / "data" / "rules"
    return sorted((item for item in directory.iterdir() if item.name.endswith(".json")), key=lambda f: f.name)


@functools.cache
def shipped_rulesets() -> tuple[RuleSet, ...]:
    """Every rule set the package ships, validated once."""
    return tuple(load_ruleset_file(Path(str(item))) for item in _shipped_files())


def load_ruleset(agreement: Agreement, version: str | None = None) -> RuleSet:
    """The shipped rules of `agreement`: the given version, or the latest."""
    candidates = sorted(
        (ruleset for ruleset in shipped_rulesets() if ruleset.agreement_code is agreement),
        key=lambda ruleset: ruleset.sort_key,
    )
    if version is None and candidates:
        return candidates[-1]
    for ruleset in candidates:
        if ruleset.version == version:
            return ruleset
    available = ", ".join(ruleset.version for ruleset in candidates) or "none"
    wanted = f"rule set {version}" if version else "rule set"
    raise ValidationError(f"no {wanted} for {agreement.name} (available: {available})")
