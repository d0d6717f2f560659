"""The exact arithmetic of the origin rules: regional value content, shares and tariff shift.

Amounts are `Decimal`s and percentages exact `Fraction`s: nothing here rounds and nothing is a
float. A percentage is compared exactly against its threshold (`at_least`, `at_most`) and only
rounded for people to read, half-even to one decimal place (`rounded`): 68.333…% reads 68.3%,
and an RVC of 59.96% reads 60.0% yet still fails a 60% threshold.
"""

from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from originproof.errors import ValidationError


class Level(StrEnum):
    """How far a tariff shift must go: a change of chapter, heading or subheading."""

    CHAPTER = "chapter"
    HEADING = "heading"
    SUBHEADING = "subheading"

    @property
    def digits(self) -> int:
        """How many leading HS digits name a classification at this level."""
        return {Level.CHAPTER: 2, Level.HEADING: 4, Level.SUBHEADING: 6}[self]


def changes_classification(material_hs: str, good_hs: str, level: Level) -> bool:
    """Whether a material classified `material_hs` shifts to `good_hs` at `level` (6-digit codes)."""
    return material_hs[: level.digits] != good_hs[: level.digits]


def share(part: Decimal, whole: Decimal) -> Fraction:
    """`part / whole * 100`, exactly; `whole` is the base of a percentage and must be positive."""
    if whole <= 0:
        raise ValidationError(f"a percentage needs a positive base, not {whole}")
    return Fraction(part) * 100 / Fraction(whole)


def rvc(base: Decimal, vnm: Decimal) -> Fraction:
    """`(base - VNM) / base * 100`: the transaction value (base TV), net cost (base NC) and
    build-down (base AV) methods are this one formula over different bases."""
    return 100 - share(vnm, base)


def rvc_build_up(adjusted_value: Decimal, vom: Decimal) -> Fraction:
    """CAFTA-DR build-up: `VOM / AV * 100`."""
    return share(vom, adjusted_value)


def at_least(value: Fraction, threshold: Decimal) -> bool:
    return value >= Fraction(threshold)


def at_most(value: Fraction, threshold: Decimal) -> bool:
    return value <= Fraction(threshold)


def rounded(value: Fraction) -> Decimal:
    """`value` rounded half-even to one decimal place, for reports only."""
    # round() on a Fraction is exact and half-even; the Decimal is built from its string, exactly.
    return Decimal(f"{round(value * 10)}E-1")
