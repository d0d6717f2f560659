"""Field types shared by the certificate, the annex and the rule data, each with the rule it enforces.

Every type normalizes on input to the one form that gets committed to (NFC text, 6-digit HS codes,
decimal strings for money), so two parties holding the same document produce the same bytes.
Each failure raises `rule_error`, whose message is the rule in plain words.
"""

import re
import unicodedata
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Context, Decimal, Inexact, InvalidOperation, localcontext
from typing import Annotated, Any

from eth_utils import is_checksum_address
from pydantic import BaseModel, BeforeValidator, ConfigDict, PlainSerializer, WithJsonSchema
from pydantic_core import PydanticCustomError

from originproof.model._countries import ISO_3166_ALPHA2


class FrozenModel(BaseModel):
    """Immutable, closed to unknown fields: what was validated is what gets committed."""

    model_config = ConfigDict(frozen=True, extra="forbid", validate_by_name=True, serialize_by_alias=True)


def rule_error(message: str, at: tuple[str | int, ...] = ()) -> PydanticCustomError:
    """An error whose message is the rule; `at` locates it below the validated model (e.g. one line)."""
    return PydanticCustomError("rule", message, {"at": at} if at else None)


def _text(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    text = unicodedata.normalize("NFC", value).strip()
    if not text:
        raise rule_error("must not be empty")
    return text


Text = Annotated[str, BeforeValidator(_text), WithJsonSchema({"type": "string", "minLength": 1})]
"""Non-empty text, NFC-normalized, without leading or trailing white space."""


_HS_CODE = re.compile(r"[0-9]{4}\.?[0-9]{2}")


def _hs_code(value: Any) -> str:
    """A 6-digit HS code, written `840211` or `8402.11`, in its committed form `840211`."""
    if not isinstance(value, str) or not _HS_CODE.fullmatch(value):
        raise rule_error('HS code must be 6 digits, e.g. "840211" or "8402.11"')
    return value.replace(".", "")


HsCode = Annotated[
    str,
    BeforeValidator(_hs_code),
    WithJsonSchema({"type": "string", "pattern": r"^[0-9]{4}\.?[0-9]{2}$"}),
]


def format_hs(code: str) -> str:
    """`840211` as customs forms print it: `8402.11`."""
    return f"{code[:4]}.{code[4:]}"


_DECIMAL = re.compile(r"-?[0-9]{1,18}(\.[0-9]{1,6})?")
_DECIMAL_LIMIT = Decimal("1E18")
_DECIMAL_RULE = 'must be a decimal number written as a string, e.g. "1234.56" (up to 18 digits, 6 decimals)'


def decimal_string(value: Any) -> Decimal:
    """A non-negative decimal given as a string (or a Decimal); JSON numbers are refused.

    A JSON number has already passed through a binary float by the time it is parsed, so it may not
    be the amount the author wrote; a string is exact.
    """
    if isinstance(value, str):
        if not _DECIMAL.fullmatch(value):
            raise rule_error(_DECIMAL_RULE)
        value = Decimal(value)
    if (
        not isinstance(value, Decimal)
        or not value.is_finite()
        or abs(value) >= _DECIMAL_LIMIT
        or int(value.as_tuple().exponent) < -6
    ):
        raise rule_error(_DECIMAL_RULE)
    if value < 0:
        raise rule_error("must not be negative")
    return value.copy_abs()


def _positive(value: Any) -> Decimal:
    amount = decimal_string(value)
    if amount == 0:
        raise rule_error("must be greater than zero")
    return amount


_DECIMAL_JSON = {"type": "string", "pattern": r"^[0-9]{1,18}(\.[0-9]{1,6})?$"}
_AS_STRING = PlainSerializer(lambda amount: format(amount, "f"), return_type=str, when_used="json")

Money = Annotated[Decimal, BeforeValidator(decimal_string), _AS_STRING, WithJsonSchema(_DECIMAL_JSON)]
"""An amount ≥ 0, exact, serialized as a decimal string."""

PositiveMoney = Annotated[Decimal, BeforeValidator(_positive), _AS_STRING, WithJsonSchema(_DECIMAL_JSON)]
"""An amount > 0 (a value that something is divided by)."""


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_date(value: Any) -> date:
    # pydantic alone would also take unix timestamps and datetimes, which hide a time zone.
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise rule_error('must be a calendar date written YYYY-MM-DD, e.g. "2025-01-31"')


IsoDate = Annotated[date, BeforeValidator(_iso_date), WithJsonSchema({"type": "string", "format": "date"})]


def _country(value: Any) -> str:
    if value not in ISO_3166_ALPHA2:
        raise rule_error('must be an ISO 3166 alpha-2 country code in capitals, e.g. "MX"')
    return str(value)


Country = Annotated[
    str, BeforeValidator(_country), WithJsonSchema({"type": "string", "enum": sorted(ISO_3166_ALPHA2)})
]


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")


def _email(value: Any) -> str:
    if not isinstance(value, str) or not _EMAIL.fullmatch(value.strip()):
        raise rule_error('must be an email address, e.g. "name@example.com"')
    return value.strip()


Email = Annotated[str, BeforeValidator(_email), WithJsonSchema({"type": "string", "format": "email"})]


_PHONE = re.compile(r"\+?[0-9(][0-9 ().\-]{5,30}[0-9]")


def _phone(value: Any) -> str:
    if not isinstance(value, str) or not _PHONE.fullmatch(value.strip()):
        raise rule_error('must be a phone number of digits, spaces and + ( ) - ., e.g. "+1 555 010 0100"')
    return value.strip()


Phone = Annotated[
    str, BeforeValidator(_phone), WithJsonSchema({"type": "string", "pattern": f"^{_PHONE.pattern}$"})
]


def _account(value: Any) -> str:
    # A checksum is the only guard against a mistyped address, which would bind the certificate
    # to an account nobody controls; all-lowercase addresses carry none and are refused too.
    if not isinstance(value, str) or not is_checksum_address(value):
        raise rule_error("must be a 0x address with a valid EIP-55 checksum (mixed case)")
    return value


Account = Annotated[
    str, BeforeValidator(_account), WithJsonSchema({"type": "string", "pattern": "^0x[0-9a-fA-F]{40}$"})
]


_HASH = re.compile(r"0x[0-9a-fA-F]{64}")


def _hash32(value: Any) -> str:
    if not isinstance(value, str) or not _HASH.fullmatch(value):
        raise rule_error("must be 0x followed by 64 hexadecimal digits")
    return value.lower()


Hash32 = Annotated[
    str, BeforeValidator(_hash32), WithJsonSchema({"type": "string", "pattern": "^0x[0-9a-fA-F]{64}$"})
]


_CURRENCY = re.compile(r"[A-Z]{3}")


def _currency(value: Any) -> str:
    if not isinstance(value, str) or not _CURRENCY.fullmatch(value):
        raise rule_error('must be an ISO 4217 currency code in capitals, e.g. "USD"')
    return value


Currency = Annotated[
    str, BeforeValidator(_currency), WithJsonSchema({"type": "string", "pattern": "^[A-Z]{3}$"})
]


def exact_sum(amounts: Iterable[Decimal]) -> Decimal:
    """The sum of amounts, never rounded (the context traps any rounding instead)."""
    with localcontext(_EXACT):
        return sum(amounts, Decimal(0))


# Amounts carry at most 24 significant digits; 60 leaves room for sums of any realistic length.
_EXACT = Context(prec=60, traps=[Inexact, InvalidOperation])
