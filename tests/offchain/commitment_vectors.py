"""The test vectors of docs/vectors/, built from their inputs; run as a script to rewrite the files.

`python tests/offchain/commitment_vectors.py` writes them; test_commitments.py fails when the files
and this code drift apart, and checks every number in them against independent implementations.
"""

import json
import sys
from pathlib import Path
from typing import Any

import rfc8785

from originproof._internal.abi import encode_field
from originproof._internal.canonical import canonicalize
from originproof._internal.keccak import keccak
from originproof.commitments import ChainContext, Disclosure, Opening, disclose, field_leaf
from originproof.enums import Agreement

VECTORS = Path(__file__).resolve().parents[2] / "docs" / "vectors"
SALT_TAG = b"originproof-vector"

DOCUMENT: dict[str, Any] = {
    "agreement": "USMCA",
    "goods": [
        {"hs_code": "840211", "description": "Watertube steam boiler", "value": "120000.00"},
        {"hs_code": "853400", "description": 'Circuits imprimés "FR-4"\n2 couches', "value": "9.50"},
    ],
    "blanket": None,
    "certified": True,
    "revoked": False,
    "lines": 2,
    "offset": -7,
    "notes": {},
    "tags": [],
    "ratio/percent": "68.3",
    "a~b": "São Paulo",
}
POINTERS = ["/goods/1", "/a~0b"]
CONTEXT = {
    "agreement": Agreement.USMCA,
    "blanket_from": 1_735_689_600,
    "blanket_to": 1_767_139_200,
    "certifier": "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
    "chain_id": 31337,
    "contract": "0x5FbDB2315678afecb367f032d93F642f64180aa3",
}

REFUSED_DOCUMENTS = [
    ("a float", '{"goods": [{"value": 12.5}]}', "/goods/0/value"),
    ("a number with an exponent", '{"quantity": 1e3}', "/quantity"),
    ("an integer beyond 2^53 - 1", '{"count": 9007199254740992}', "/count"),
    ("a negative integer beyond -(2^53 - 1)", '{"count": -9007199254740992}', "/count"),
    ("a lone surrogate in text", '{"name": "\\ud800"}', "/name"),
    ("a lone surrogate in a member name", '{"\\udc00": 1}', "/\\udc00"),
    ("an array at the top", "[1, 2]", None),
]


def vector_salt(index: int) -> bytes:
    """salt_i = keccak256("originproof-vector" || uint256(i))."""
    return keccak(SALT_TAG + index.to_bytes(32, "big"))


def vector_opening() -> Opening:
    """The vector document with its fixed salts, numbered in document order."""
    _, leaves = canonicalize(DOCUMENT, normalize=False)
    return Opening(DOCUMENT, {pointer: vector_salt(i) for i, (pointer, _) in enumerate(leaves)})


def vector_disclosure() -> Disclosure:
    opening = vector_opening()
    return disclose(opening, POINTERS, context=ChainContext(cert_hash=opening.root, **CONTEXT))


def _hex(data: bytes) -> str:
    return "0x" + data.hex()


def commitment_vector() -> dict[str, Any]:
    opening = vector_opening()
    return {
        "description": "A small document, its leaves in document order and the tree's root.",
        "salt_rule": 'salt_i = keccak256(utf8("originproof-vector") || uint256_big_endian(i)), '
        "i the leaf's position in `leaves`",
        "document": opening.document,
        "leaves": [
            {
                "pointer": pointer,
                "value_text": value.decode("utf-8"),
                "value": _hex(value),
                "salt": _hex(salt),
                "abi_encoding": _hex(encode_field(salt, pointer, value)),
                "leaf": _hex(field_leaf(salt, pointer, value)),
            }
            for salt, pointer, value in opening._values
        ],
        "root": _hex(opening.root),
        "opening": json.loads(opening.to_bytes()),
    }


def disclosure_vector() -> dict[str, Any]:
    disclosure = vector_disclosure()
    return {
        "description": "A disclosure of the commitment vector's /goods/1 (an object: every node under it) "
        "and /a~0b, with its chain context. `file` is the disclosure file; its canonical bytes are "
        "RFC 8785 of it.",
        "pointers": POINTERS,
        "expected_root": _hex(disclosure.root),
        "multiproof_leaves": sorted(_hex(item.leaf) for item in disclosure.disclosed),
        "file": json.loads(disclosure.to_bytes()),
    }


def rejection_vector() -> dict[str, Any]:
    good = json.loads(vector_disclosure().to_bytes())
    position = {item["pointer"]: f"/fields/{i}" for i, item in enumerate(good["fields"])}
    code, text, line = position["/goods/1/hs_code"], position["/a~0b"], position["/goods/1"]
    field = good["fields"][int(code.rsplit("/", 1)[1])]
    other = good["fields"][int(line.rsplit("/", 1)[1])]
    forged = "853401"
    forged_leaf = field_leaf(bytes.fromhex(field["salt"][2:]), field["pointer"], rfc8785.dumps(forged))
    return {
        "description": "Inputs a conforming implementation must refuse. `documents`: JSON texts that "
        "cannot be committed, with the pointer the refusal names (null: the whole document). "
        "`disclosures` and `malformed`: RFC 6902 JSON Patches to disclosure.json's `file`. A patched "
        "`disclosures` file is well formed but must fail against `expected_root`; `error` names the "
        "field when the change shows which one, else null. A patched `malformed` file must be refused "
        "as it is read. A pointer in an error shows a lone surrogate as \\uXXXX.",
        "expected_root": disclosure_vector()["expected_root"],
        "documents": [
            {"description": description, "json": text, "pointer": pointer}
            for description, text, pointer in REFUSED_DOCUMENTS
        ],
        "disclosures": [
            _tampered("a value changed", field["pointer"], _replace(f"{code}/value", forged)),
            _tampered("a salt changed", field["pointer"], _replace(f"{code}/salt", _hex(bytes(32)))),
            _tampered(
                "a pointer changed", "/goods/0/hs_code", _replace(f"{code}/pointer", "/goods/0/hs_code")
            ),
            _tampered(
                "a leaf swapped for another's",
                field["pointer"],
                _replace(f"{code}/leaf", other["leaf"]),
            ),
            _tampered(
                "a value and its leaf changed together",
                None,
                _replace(f"{code}/value", forged),
                _replace(f"{code}/leaf", _hex(forged_leaf)),
            ),
            _tampered("a proof hash changed", None, _replace("/proof/0", _hex(bytes(32)))),
            _tampered("a flag flipped", None, _replace("/flags/0", not good["flags"][0])),
            _tampered("the root changed", None, _replace("/root", _hex(bytes(32)))),
        ],
        "malformed": [
            _malformed("a float value", _replace(f"{code}/value", 853400.0)),
            _malformed("an integer value beyond 2^53 - 1", _replace(f"{code}/value", 2**53)),
            _malformed("a value not in NFC", _replace(f"{text}/value", "Sa\u0303o Paulo")),
            _malformed("a filled object as a value", _replace(f"{code}/value", {"x": 1})),
            _malformed("the same pointer twice", _replace(f"{code}/pointer", "/goods/1")),
            _malformed("a pointer without its leading slash", _replace(f"{code}/pointer", "goods/1/hs_code")),
            _malformed("a pointer with an escape other than ~0 or ~1", _replace(f"{text}/pointer", "/a~2b")),
            _malformed("a short salt", _replace(f"{code}/salt", "0x1234")),
            _malformed("a flag that is not a boolean", _replace("/flags/0", 1)),
            _malformed("no fields", _replace("/fields", [])),
            _malformed("an unknown member", {"op": "add", "path": "/note", "value": "hello"}),
            _malformed("another format", _replace("/format", "originproof-disclosure/2")),
            _malformed("a chain context without its certifier", {"op": "remove", "path": "/chain/certifier"}),
            _malformed(
                "an address with a wrong EIP-55 checksum", _replace("/chain/certifier", _bad_checksum())
            ),
            _malformed(
                "a blanket period that ends before it starts", _replace("/chain/blanket_to", 1_735_603_200)
            ),
            _malformed("an unknown agreement", _replace("/chain/agreement", 4)),
        ],
    }


def _replace(path: str, value: Any) -> dict[str, Any]:
    return {"op": "replace", "path": path, "value": value}


def _tampered(description: str, error: str | None, *patch: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "patch": list(patch), "error": error}


def _malformed(description: str, *patch: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "patch": list(patch)}


def _bad_checksum() -> str:
    address = str(CONTEXT["certifier"])
    return address[:2] + address[2:].swapcase()


def build() -> dict[str, Any]:
    """Every vector file's content, by file name."""
    return {
        "commitment.json": commitment_vector(),
        "disclosure.json": disclosure_vector(),
        "rejections.json": rejection_vector(),
    }


def render(content: Any) -> str:
    """How the vector files are written: indented for people, non-ASCII kept as is."""
    return json.dumps(content, indent=2, ensure_ascii=False) + "\n"


def main() -> int:
    VECTORS.mkdir(parents=True, exist_ok=True)
    for name, content in build().items():
        (VECTORS / name).write_text(render(content), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
