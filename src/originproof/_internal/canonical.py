"""Canonical JSON for commitments: which documents may be committed, and their leaves.

A committed document is plain JSON: objects with text member names, arrays, text, true, false,
null and integers within I-JSON's exact range (|n| ≤ 2^53 - 1). Never a float: money and quantities
are decimal strings, so no two parsers can disagree on a value. All text, member names included,
is in Unicode NFC; `canonicalize(..., normalize=True)` brings text there, `normalize=False` refuses
text that is not, since an opening or a disclosure claims to be canonical already.

Every node of the document (scalars and containers alike) is one leaf, addressed by its RFC 6901
pointer. A scalar's value is its RFC 8785 (JCS) serialization; an object's is `{}` and an array's
`[]`. The container leaves bind the shape: without them `{"a": {"0": 1}}` and `{"a": [1]}` would
have the same leaves, and no two documents may share a leaf set. Leaves come in document order:
pre-order, array items by index, object members as JCS sorts them (by UTF-16 code units), so the
order and the canonical copy never depend on how the caller's dicts happened to be ordered.

JCS of a scalar is small enough to write by hand: `true`, `false`, `null`, an integer in plain
decimal, and text as `json.dumps(..., ensure_ascii=False)` writes it (`encode_basestring`, the C
function behind it, called directly as it is seven times faster), which escapes exactly what JCS
escapes (`"`, `\\`, and control characters below U+0020, as `\\b \\t \\n \\f \\r` or lowercase
`\\u00xx`) and leaves every other character as UTF-8. The tests prove it equal to the `rfc8785`
package, which is general and slower. For the same reason `dumps` writes a whole canonical copy with
`json.dumps`: once members are in JCS order, the C encoder's output is the JCS serialization.
"""

import json
import re
import unicodedata
from collections.abc import Collection
from json.encoder import encode_basestring
from typing import Any, NoReturn

from originproof.errors import ValidationError

MAX_SAFE_INTEGER = 2**53 - 1
"""The largest integer every JSON parser reads exactly (I-JSON, RFC 7493 §2.2)."""

_POINTER = re.compile(r"(/([^~/]|~[01])*)*", re.DOTALL)

MAX_DEPTH = 64
"""Containers nested deeper are refused: far beyond any certificate, well within Python's stack."""

Leaf = tuple[str, bytes]
"""(RFC 6901 pointer, canonical value bytes)."""


def escape(name: str) -> str:
    """A member name as one RFC 6901 reference token: `~` as `~0`, then `/` as `~1`."""
    if "~" in name or "/" in name:
        return name.replace("~", "~0").replace("/", "~1")
    return name


def check_pointer(pointer: str, what: str) -> None:
    """Refuse text that is not an RFC 6901 pointer written as valid Unicode."""
    if not _POINTER.fullmatch(pointer):
        raise ValidationError(
            f"{what}: '{shown(pointer)}' is not a JSON pointer "
            "(empty, or '/'-separated tokens with '~' only in '~0' or '~1')"
        )
    _check_unicode(pointer, f"{what}: pointer '{shown(pointer)}'")


def shown(text: str) -> str:
    """Text safe to print: a lone surrogate would make printing the error fail."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def canonicalize(document: Any, *, normalize: bool, what: str = "document") -> tuple[Any, list[Leaf]]:
    """A fresh canonical copy of a JSON object (members in JCS order) and its leaves in document order.

    Raises ValidationError naming the pointer of the first value that breaks a rule.
    """
    if type(document) is not dict:
        raise ValidationError(f"{what}: must be a JSON object, not {_kind(document)}")
    leaves: list[Leaf] = []
    return _node(document, "", leaves, normalize, what, 0), leaves


def canonical_value(value: Any, pointer: str, what: str) -> bytes:
    """The leaf value of one disclosed field: a canonical scalar, `{}` or `[]`."""
    leaves: list[Leaf] = []
    _node(value, pointer, leaves, False, what, 0)
    if len(leaves) != 1:
        raise ValidationError(
            f"{what}: value of {where(pointer)} must be a scalar, {{}} or [], not a filled container"
        )
    return leaves[0][1]


def _node(value: Any, pointer: str, leaves: list[Leaf], normalize: bool, what: str, depth: int) -> Any:
    kind = type(value)
    if kind is str:
        text = _text(value, pointer, normalize, what)
        leaves.append((pointer, encode_basestring(text).encode("utf-8")))
        return text
    if kind is bool:
        leaves.append((pointer, b"true" if value else b"false"))
        return value
    if kind is int:
        if not -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
            raise ValidationError(
                f"{what}: {where(pointer)} is {value}, outside ±(2^53 - 1) (I-JSON); "
                "write large numbers as decimal strings"
            )
        leaves.append((pointer, str(value).encode("ascii")))
        return value
    if value is None:
        leaves.append((pointer, b"null"))
        return value
    if (kind is dict or kind is list) and depth == MAX_DEPTH:
        raise ValidationError(f"{what}: {where(pointer)} is nested deeper than {MAX_DEPTH} levels")
    if kind is dict:
        leaves.append((pointer, b"{}"))
        names: dict[str, Any] = {}
        for name in value:
            if type(name) is not str:
                raise ValidationError(
                    f"{what}: {where(pointer)} has a member name that is not text ({name!r})"
                )
            key = _text(name, pointer + "/" + escape(name), normalize, what)
            if key in names:
                raise ValidationError(
                    f"{what}: {where(pointer)} has two members named '{shown(key)}' once normalized to NFC"
                )
            names[key] = name
        return {
            key: _node(value[names[key]], pointer + "/" + escape(key), leaves, normalize, what, depth + 1)
            for key in jcs_order(names)
        }
    if kind is list:
        leaves.append((pointer, b"[]"))
        return [
            _node(item, f"{pointer}/{index}", leaves, normalize, what, depth + 1)
            for index, item in enumerate(value)
        ]
    _refuse(value, pointer, what)


def jcs_order(names: Collection[str]) -> list[str]:
    """Member names as JCS sorts them: by UTF-16 code units, which code point order matches for ASCII."""
    if all(name.isascii() for name in names):
        return sorted(names)
    return sorted(names, key=lambda name: name.encode("utf-16-be"))


def dumps(value: Any) -> bytes:
    """The RFC 8785 bytes of a value that is canonical already, with every object's members in JCS order.

    Nothing is checked or sorted here: pass only what `canonicalize` returned, or objects built with
    `jcs_order`, holding text, booleans, null and safe integers. That is what makes it ten times
    faster than `rfc8785.dumps`, which the tests prove it equal to.
    """
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")


def _refuse(value: Any, pointer: str, what: str) -> NoReturn:
    if type(value) is float:
        raise ValidationError(
            f"{what}: {where(pointer)} is a float ({value!r}); "
            "write money and quantities as decimal strings, never JSON numbers"
        )
    raise ValidationError(f"{what}: {where(pointer)} is {_kind(value)}, not a JSON value")


def _text(text: str, pointer: str, normalize: bool, what: str) -> str:
    if text.isascii():
        return text
    _check_unicode(text, f"{what}: text at {where(pointer)}")
    if unicodedata.is_normalized("NFC", text):
        return text
    if normalize:
        return unicodedata.normalize("NFC", text)
    raise ValidationError(f"{what}: text at {where(pointer)} is not in Unicode normalization form NFC")


def _check_unicode(text: str, subject: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError(f"{subject} is not valid Unicode (it holds a lone surrogate)") from None


def where(pointer: str) -> str:
    """A pointer as error messages name it."""
    return shown(pointer) if pointer else "the document root"


def _kind(value: Any) -> str:
    names = {dict: "an object", list: "an array", str: "text", bool: "a boolean", type(None): "null"}
    return names.get(type(value), f"a {type(value).__name__}")


def loads(data: bytes, what: str) -> Any:
    """Strict JSON: UTF-8 only (no BOM, no UTF-16), no duplicate member names, no NaN or Infinity.

    Numbers with a fraction or exponent parse as floats, which `canonicalize` then refuses by pointer.
    """
    try:
        text = data.decode("utf-8")
        return json.loads(text, object_pairs_hook=_unique_members, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        raise ValidationError(
            f"{what}: not JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        ) from None
    except (UnicodeDecodeError, ValueError) as error:
        raise ValidationError(f"{what}: not JSON ({error})") from None
    except RecursionError:
        raise ValidationError(f"{what}: not JSON (nested too deeply)") from None


def _unique_members(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    members: dict[str, Any] = {}
    for name, value in pairs:
        if name in members:
            raise ValueError(f"member name '{shown(name)}' appears twice in one object")
        members[name] = value
    return members


def _no_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not a JSON number")
