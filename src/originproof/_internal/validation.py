"""Reading JSON documents and turning pydantic's errors into `originproof.errors.ValidationError`.

Every message names where the input came from (a file, or "<bytes>"), the field path in the
document (`goods[0].hs_code`) and the rule it broke, so a user can fix the input without a traceback.
"""

import json
from collections.abc import Collection, Iterable
from os import PathLike, fspath
from pathlib import Path
from typing import Any, TypeVar

import pydantic
from pydantic_core import ErrorDetails

from originproof.errors import ValidationError

T = TypeVar("T")

Source = str | PathLike[str] | bytes

# pydantic's own wording for the errors a hand-written document most often has, restated as rules.
_MESSAGES = {
    "missing": "is required",
    "extra_forbidden": "is not a known field",
    "string_type": "must be text",
    "bool_type": "must be true or false",
    "literal_error": "must be one of {expected}",
    "enum": "must be one of {expected}",
    "too_short": "must have at least {min_length} item(s)",
    "model_type": "must be an object",
    "model_attributes_type": "must be an object",
    "dict_type": "must be an object",
    "list_type": "must be a list",
    "tuple_type": "must be a list",
}


def read_json(source: Source) -> tuple[str, Any]:
    """Parse a JSON document from a path or from bytes; return its display name and its data.

    Duplicate keys are rejected rather than silently resolved to the last one, since the document
    is about to be committed to and two readers must never see different values.
    """
    name = "<bytes>" if isinstance(source, bytes) else fspath(source)
    try:
        raw = source if isinstance(source, bytes) else Path(source).read_bytes()
    except OSError as error:
        raise ValidationError(f"{name}: cannot read file ({error.strerror})") from error
    try:
        return name, json.loads(raw, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as error:
        raise ValidationError(
            f"{name}: not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        ) from error
    except (UnicodeDecodeError, _DuplicateKeyError) as error:
        raise ValidationError(f"{name}: not valid JSON ({error})") from error


class _DuplicateKeyError(ValueError):
    pass


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            raise _DuplicateKeyError(f"duplicate key {key!r}")
        seen.add(key)
    return dict(pairs)


def validate(adapter: pydantic.TypeAdapter[T], data: Any, name: str, tags: Collection[str] = ()) -> T:
    """Validate `data` against `adapter`; on failure raise one `ValidationError` listing every problem.

    `tags` are the discriminator values of tagged unions in the model: pydantic puts them in the
    error location, where they would only confuse a reader of the document.
    """
    try:
        return adapter.validate_python(data)
    except pydantic.ValidationError as error:
        details = error.errors()
        problems = "; ".join(
            describe(detail, tags) for detail in details if not _consequence(detail, details)
        )
        raise ValidationError(f"{name}: {problems}") from None


def _consequence(detail: ErrorDetails, details: list[ErrorDetails]) -> bool:
    """A tuple whose items failed is also reported as too short; only the items' errors are causes."""
    location = detail["loc"]
    return detail["type"] == "too_short" and any(
        other["loc"][: len(location)] == location and len(other["loc"]) > len(location) for other in details
    )


def describe(detail: ErrorDetails, tags: Collection[str] = ()) -> str:
    """One pydantic error as `path: rule`."""
    context = detail.get("ctx", {})
    location: list[str | int] = [part for part in detail["loc"] if part not in tags]
    if detail["type"] in ("union_tag_invalid", "union_tag_not_found"):
        discriminator = context["discriminator"].strip("'")
        location.append(discriminator)
        rule = (
            f"unknown {discriminator} {context['tag']!r}; expected one of {context['expected_tags']}"
            if "tag" in context
            else "is required"
        )
    else:
        template = _MESSAGES.get(detail["type"])
        rule = template.format(**context) if template else detail["msg"]
    if "at" in context:
        location.extend(context["at"])
    return f"{format_path(location)}: {rule}" if location else rule


def format_path(location: Iterable[str | int]) -> str:
    """`("goods", 0, "hs_code")` as `goods[0].hs_code`."""
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text.removeprefix(".")
