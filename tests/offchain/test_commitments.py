"""Field commitments: canonical documents, openings, the fast primitives, and the spec's test vectors."""

import json
import re
import unicodedata
from dataclasses import FrozenInstanceError
from decimal import Decimal
from pathlib import Path
from typing import Any

import commitment_samples as samples
import commitment_vectors as vectors
import eth_abi
import oz
import pytest
import rfc8785
from eth_utils import keccak as reference_keccak
from eth_utils import to_checksum_address
from hypothesis import given, settings
from hypothesis import strategies as st

from originproof._internal.abi import FIELD_TYPES, encode, encode_field
from originproof._internal.canonical import MAX_DEPTH, MAX_SAFE_INTEGER, canonicalize, dumps
from originproof._internal.keccak import keccak
from originproof._internal.wire import bytes32, checksum_address
from originproof.commitments import (
    Disclosure,
    Opening,
    commit,
    disclose,
    field_leaf,
    open_root,
    verify_disclosure,
)
from originproof.errors import IntegrityError, ValidationError
from originproof.merkle import StandardMerkleTree

ROOT = Path(__file__).resolve().parents[2]

# JSON as the scheme admits it: NFC text, exact integers, no floats.
nfc_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12).map(
    lambda text: unicodedata.normalize("NFC", text)
)
safe_int = st.integers(-MAX_SAFE_INTEGER, MAX_SAFE_INTEGER)
scalars = st.one_of(st.none(), st.booleans(), safe_int, nfc_text)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(nfc_text, inner, max_size=4),
    max_leaves=20,
)
documents = st.dictionaries(nfc_text, json_values, max_size=5)


def counter_random(size: int) -> bytes:
    """Deterministic 'randomness' for tests that compare roots: bytes 0, 1, 2, …"""
    return bytes(i % 256 for i in range(size))


def oz_case(opening: Opening, multi: list[int]) -> dict[str, Any]:
    values = [["0x" + salt.hex(), pointer, "0x" + value.hex()] for salt, pointer, value in opening._values]
    return {"types": list(FIELD_TYPES), "values": values, "multi": multi}


def rebuild(leaves: list[tuple[str, bytes]]) -> Any:
    """The document a leaf set describes: proof by construction that leaves determine the document."""
    nodes = {pointer: value for pointer, value in leaves}

    def build(pointer: str) -> Any:
        value = nodes[pointer]
        if value not in (b"{}", b"[]"):
            return json.loads(value)
        children = [p for p in nodes if p.startswith(pointer + "/") and "/" not in p[len(pointer) + 1 :]]
        tokens = [p[len(pointer) + 1 :] for p in children]
        if value == b"[]":
            return [build(f"{pointer}/{i}") for i in range(len(children))]
        return {t.replace("~1", "/").replace("~0", "~"): build(f"{pointer}/{t}") for t in tokens}

    return build("")


# --- the fast primitives equal their references ---------------------------------------------------


@settings(max_examples=200)
@given(data=st.binary(max_size=300))
def test_keccak__any_input__equals_eth_utils(data):
    assert keccak(data) == reference_keccak(data)


@settings(max_examples=200)
@given(
    salt=st.binary(min_size=32, max_size=32),
    path=st.text(st.characters(blacklist_categories=("Cs",))),
    value=st.binary(),
)
def test_encode_field__any_input__equals_eth_abi(salt, path, value):
    expected = eth_abi.encode(list(FIELD_TYPES), [salt, path, value])
    assert encode_field(salt, path, value) == expected
    assert encode(FIELD_TYPES, (salt, path, value)) == expected


def test_encode__other_layouts_and_loose_values__fall_back_to_eth_abi():
    batch = ["bytes32", "uint8", "uint64", "uint64"]
    assert encode(batch, [b"\x01" * 32, 1, 2, 3]) == eth_abi.encode(batch, [b"\x01" * 32, 1, 2, 3])
    loose = [bytearray(b"\x02" * 32), "/a", b"1"]
    assert encode(FIELD_TYPES, loose) == eth_abi.encode(list(FIELD_TYPES), loose)


@settings(max_examples=300)
@given(
    text=st.one_of(
        st.binary(min_size=32, max_size=32).map(lambda raw: "0x" + raw.hex()),
        st.text("0123456789abcdefABCDEF \t\n\x0b\x1c\xa0g٣", min_size=62, max_size=66).map(
            lambda t: "0x" + t
        ),
        st.text("0123456789abcdefxX ", min_size=64, max_size=68),
    )
)
def test_bytes32__any_text__reads_exactly_0x_and_64_hex_digits(text):
    if re.fullmatch(r"0x[0-9a-fA-F]{64}", text):
        assert bytes32(text, "root") == bytes.fromhex(text[2:])
    else:
        with pytest.raises(ValidationError, match="root must be 0x followed by 64 hex digits"):
            bytes32(text, "root")


@settings(max_examples=100)
@given(raw=st.binary(min_size=20, max_size=20))
def test_checksum_address__any_address__equals_eth_utils(raw):
    assert checksum_address("0x" + raw.hex()) == to_checksum_address("0x" + raw.hex())


@settings(max_examples=300)
@given(value=scalars)
def test_scalar_value__any_scalar__is_its_rfc8785_serialization(value):
    _, leaves = canonicalize({"x": value}, normalize=False)
    assert leaves == [("", b"{}"), ("/x", rfc8785.dumps(value))]


# --- canonical documents ----------------------------------------------------------------------------


def test_canonicalize__every_node__is_a_leaf_in_document_order():
    _, leaves = canonicalize({"f": [], "a": [1, {"b~/c": None}], "e": {}}, normalize=False)
    assert leaves == [
        ("", b"{}"),
        ("/a", b"[]"),
        ("/a/0", b"1"),
        ("/a/1", b"{}"),
        ("/a/1/b~0~1c", b"null"),
        ("/e", b"{}"),
        ("/f", b"[]"),
    ]


def test_canonicalize__members__come_in_jcs_order_by_utf16_code_units():
    names = ["b", "a", "\uff61", "\U0001f600", "é"]
    copy, leaves = canonicalize(dict.fromkeys(names, 0), normalize=False)
    assert list(copy) == ["a", "b", "é", "\U0001f600", "\uff61"]
    assert list(copy) == list(json.loads(rfc8785.dumps(dict.fromkeys(names, 0))))
    assert [pointer for pointer, _ in leaves] == ["", *(f"/{name}" for name in copy)]


def test_canonicalize__digit_keys_and_arrays__have_different_leaves():
    _, as_object = canonicalize({"a": {"0": 1}}, normalize=False)
    _, as_array = canonicalize({"a": [1]}, normalize=False)
    assert set(as_object) != set(as_array)


@settings(max_examples=150)
@given(document=documents)
def test_canonicalize__leaf_set__determines_the_document(document):
    _, leaves = canonicalize(document, normalize=False)
    assert rebuild(leaves) == document


@settings(max_examples=100)
@given(document=documents)
def test_commit__key_order__does_not_change_the_root(document):
    def reverse(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: reverse(value[key]) for key in reversed(list(value))}
        if isinstance(value, list):
            return [reverse(item) for item in value]
        return value

    opening = commit(document, random=counter_random)
    reordered = commit(reverse(document), random=counter_random)
    assert reordered.root == opening.root
    assert reordered.to_bytes() == opening.to_bytes()


@settings(max_examples=100)
@given(document=documents)
def test_commit__nfd_input__commits_to_the_nfc_document(document):
    def nfd(value: Any) -> Any:
        if isinstance(value, str):
            return unicodedata.normalize("NFD", value)
        if isinstance(value, dict):
            return {nfd(key): nfd(item) for key, item in value.items()}
        if isinstance(value, list):
            return [nfd(item) for item in value]
        return value

    try:
        decomposed = commit(nfd(document), random=counter_random)
    except ValidationError as error:
        # Two NFC names can only collide once decomposed and recomposed if they were equal: never.
        raise AssertionError(error) from error
    assert decomposed.root == commit(document, random=counter_random).root
    assert decomposed.document == document


def test_commit__non_nfc_text__is_normalized_and_an_opening_refuses_it():
    decomposed = {"city": "Sa\u0303o Paulo"}
    assert commit(decomposed).document == {"city": "S\u00e3o Paulo"}
    with pytest.raises(
        ValidationError, match="opening: text at /city is not in Unicode normalization form NFC"
    ):
        Opening(decomposed, {"": bytes(32), "/city": bytes(32)})


def test_commit__names_that_collide_once_normalized__are_refused():
    with pytest.raises(
        ValidationError, match="document: /a has two members named 'é' once normalized to NFC"
    ):
        commit({"a": {"e\u0301": 1, "\u00e9": 2}})


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (
            {"goods": [{"value": 12.5}]},
            "document: /goods/0/value is a float (12.5); write money and quantities",
        ),
        ({"n": MAX_SAFE_INTEGER + 1}, "document: /n is 9007199254740992, outside ±(2^53 - 1)"),
        ({"n": -MAX_SAFE_INTEGER - 1}, "document: /n is -9007199254740992, outside ±(2^53 - 1)"),
        ({"name": "\ud800"}, "document: text at /name is not valid Unicode"),
        ({"\udc00": 1}, "document: text at /\\udc00 is not valid Unicode"),
        ({"a": {1: "x"}}, "document: /a has a member name that is not text (1)"),
        ({"t": (1, 2)}, "document: /t is a tuple, not a JSON value"),
        ({"v": Decimal("1.5")}, "document: /v is a Decimal, not a JSON value"),
    ],
)
def test_commit__value_that_is_not_canonical_json__is_refused_naming_its_pointer(document, message):
    with pytest.raises(ValidationError, match=re.escape(message)):
        commit(document)


def test_commit__integers_at_the_i_json_limits__are_accepted():
    opening = commit({"max": MAX_SAFE_INTEGER, "min": -MAX_SAFE_INTEGER})
    assert opening.document == {"max": MAX_SAFE_INTEGER, "min": -MAX_SAFE_INTEGER}


@pytest.mark.parametrize("document", [[1, 2], "text", None])
def test_commit__document_that_is_not_an_object__is_refused(document):
    with pytest.raises(ValidationError, match="document: must be a JSON object"):
        commit(document)


def test_commit__deep_nesting__is_refused():
    document: dict[str, Any] = {}
    node = document
    for _ in range(MAX_DEPTH - 1):
        node["a"] = {}
        node = node["a"]
    commit(document)
    node["a"] = []
    with pytest.raises(ValidationError, match=f"is nested deeper than {MAX_DEPTH} levels"):
        commit(document)


# --- openings -------------------------------------------------------------------------------------


def test_commit__fresh_salts__give_a_new_root_each_time():
    document = samples.certificate(goods=1)
    first, second = commit(document), commit(document)
    assert first.document == second.document
    assert first.root != second.root
    assert set(first.salts.values()).isdisjoint(second.salts.values())


def test_commit__root__is_the_standard_tree_of_salt_path_and_value():
    opening = commit({"country": "MX", "lines": [1]}, random=counter_random)
    values = [[salt, pointer, value] for salt, pointer, value in opening._values]
    reference = [reference_keccak(reference_keccak(eth_abi.encode(list(FIELD_TYPES), v))) for v in values]
    assert [field_leaf(*v) for v in values] == reference
    assert opening.root == StandardMerkleTree.of(values, FIELD_TYPES).root
    assert [p for _, p, _ in opening._values] == ["", "/country", "/lines", "/lines/0"]


def test_commit__root__equals_openzeppelin_for_a_certificate_and_its_annex():
    annex = commit(samples.annex())
    certificate = commit(samples.certificate(annex_root="0x" + annex.root.hex()))
    expected = oz.trees([oz_case(annex, [0, 5]), oz_case(certificate, [1, 2, 40])])
    assert expected[0]["root"] == "0x" + annex.root.hex()
    assert expected[1]["root"] == "0x" + certificate.root.hex()


@settings(max_examples=60)
@given(document=documents)
def test_opening__to_bytes_and_from_bytes__round_trip(document):
    opening = commit(document)
    data = opening.to_bytes()
    again = Opening.from_bytes(data)
    assert again == opening
    assert again.root == opening.root == open_root(data)
    assert again.to_bytes() == data


@settings(max_examples=200)
@given(document=documents)
def test_dumps__canonical_copy__is_its_rfc8785_serialization(document):
    canonical, _ = canonicalize(document, normalize=True)
    assert dumps(canonical) == rfc8785.dumps(canonical)


@settings(max_examples=60)
@given(document=documents)
def test_opening__to_bytes__of_any_document__is_rfc8785(document):
    opening = commit(document)
    salts = {pointer: "0x" + salt.hex() for pointer, salt in opening.salts.items()}
    payload = {"format": "originproof-opening/1", "document": opening.document, "salts": salts}
    assert opening.to_bytes() == rfc8785.dumps(payload)


def test_opening__to_bytes__is_rfc8785_with_hex_salts():
    opening = commit({"b": 1, "a": "x"}, random=counter_random)
    data = json.loads(opening.to_bytes())
    assert opening.to_bytes() == rfc8785.dumps(data)
    assert data["format"] == "originproof-opening/1"
    assert data["salts"]["/a"] == "0x" + opening.salts["/a"].hex()


def test_opening__is_frozen_and_its_repr_keeps_salts_out():
    opening = commit({"country": "MX"})
    with pytest.raises(FrozenInstanceError):
        opening.document = {}  # type: ignore[misc]
    with pytest.raises(TypeError):
        opening.salts["/country"] = bytes(32)  # type: ignore[index]
    assert repr(opening) == f"Opening(root=0x{opening.root.hex()}, nodes=2)"
    assert opening.salts["/country"].hex() not in repr(opening)


def test_opening__construction__copies_the_document():
    document = {"a": {"b": "c"}}
    opening = Opening(document, {"": bytes(32), "/a": bytes(32), "/a/b": bytes(32)})
    document["a"]["b"] = "changed"
    assert opening.document == {"a": {"b": "c"}}


def _opening_json(**changes: Any) -> bytes:
    data = json.loads(commit({"a": 1}, random=counter_random).to_bytes())
    data.update(changes)
    return json.dumps(data).encode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"{", "opening: not JSON (line 1, column 2"),
        (b"\xff", "opening: not JSON"),
        (b"\xef\xbb\xbf{}", "opening: not JSON (line 1, column 1: Unexpected UTF-8 BOM"),
        ("{}".encode("utf-16"), "opening: not JSON ('utf-8' codec can't decode"),
        (b'{"a": 1, "a": 2}', "opening: not JSON (member name 'a' appears twice in one object)"),
        (b'{"a": NaN}', "opening: not JSON (NaN is not a JSON number)"),
        (b"[]", "opening must be a JSON object"),
        (b'{"format": "originproof-opening/1"}', "opening is missing document, salts"),
        (_opening_json(extra=1), "opening has unknown member(s) extra"),
        (_opening_json(format="originproof-opening/2"), "opening: format must be 'originproof-opening/1'"),
        (_opening_json(salts=[]), "opening: salts must be a JSON object"),
        (
            _opening_json(salts={"": "0x00", "/a": "0x" + "00" * 32}),
            "opening: salt for the document root must be 0x",
        ),
        (_opening_json(salts={"": "0x" + "00" * 32}), "opening: no salt for /a"),
        (
            _opening_json(salts={"": "0x" + "00" * 32, "/a": "0x" + "00" * 32, "/b": "0x" + "00" * 32}),
            "opening: salt(s) for /b name no node of the document",
        ),
        (_opening_json(document={"a": 1.5}), "opening: /a is a float (1.5)"),
        (
            _opening_json(document={"a": "Sa\u0303o"}),
            "opening: text at /a is not in Unicode normalization form NFC",
        ),
    ],
)
def test_opening__malformed_bytes__are_refused_naming_what_is_wrong(data, message):
    with pytest.raises(ValidationError, match=re.escape(message)):
        Opening.from_bytes(data)
    with pytest.raises(ValidationError, match=re.escape(message)):
        open_root(data)


def test_opening__salt_of_the_wrong_size__is_refused():
    with pytest.raises(ValidationError, match="opening: salt for /a must be 32 bytes"):
        Opening({"a": 1}, {"": bytes(32), "/a": bytes(31)})
    with pytest.raises(ValidationError, match="opening: salt for /a must be 32 bytes"):
        commit({"a": 1}, random=lambda size: bytes(size - 1))


# --- the spec's test vectors ----------------------------------------------------------------------


def _vector(name: str) -> Any:
    return json.loads((vectors.VECTORS / name).read_text(encoding="utf-8"))


def _patched(file: dict[str, Any], patch: list[dict[str, Any]]) -> bytes:
    """Apply an RFC 6902 patch (add, replace, remove) to a copy of `file`."""
    document = json.loads(json.dumps(file))
    for operation in patch:
        *parents, last = [t.replace("~1", "/").replace("~0", "~") for t in operation["path"][1:].split("/")]
        node = document
        for token in parents:
            node = node[int(token)] if isinstance(node, list) else node[token]
        key: Any = int(last) if isinstance(node, list) else last
        if operation["op"] == "remove":
            del node[key]
        else:
            node[key] = operation["value"]
    return json.dumps(document, ensure_ascii=False).encode()


@pytest.mark.parametrize("name", ["commitment.json", "disclosure.json", "rejections.json"])
def test_vectors__files__are_what_the_code_computes(name):
    expected = json.loads(vectors.render(vectors.build()[name]))
    assert _vector(name) == expected, (
        f"docs/vectors/{name} drifted: run python tests/offchain/commitment_vectors.py"
    )


def test_vectors__commitment__checks_out_against_independent_implementations():
    vector = _vector("commitment.json")
    _, canonical = canonicalize(vector["document"], normalize=False)
    assert [leaf["pointer"] for leaf in vector["leaves"]] == [pointer for pointer, _ in canonical]
    for i, leaf in enumerate(vector["leaves"]):
        value = bytes.fromhex(leaf["value"][2:])
        salt = bytes.fromhex(leaf["salt"][2:])
        assert value == leaf["value_text"].encode()
        assert salt == reference_keccak(b"originproof-vector" + i.to_bytes(32, "big"))
        encoded = eth_abi.encode(list(FIELD_TYPES), [salt, leaf["pointer"], value])
        assert leaf["abi_encoding"] == "0x" + encoded.hex()
        assert leaf["leaf"] == "0x" + reference_keccak(reference_keccak(encoded)).hex()
    scalars_by_pointer = {p: v for p, v in canonical if v not in (b"{}", b"[]")}
    for pointer, value in scalars_by_pointer.items():
        tokens = [t.replace("~1", "/").replace("~0", "~") for t in pointer[1:].split("/")]
        node = vector["document"]
        for token in tokens:
            node = node[int(token)] if isinstance(node, list) else node[token]
        assert value == rfc8785.dumps(node)
    opening = Opening.from_bytes(json.dumps(vector["opening"]).encode())
    assert "0x" + opening.root.hex() == vector["root"]
    (reference,) = oz.trees([oz_case(opening, [])])
    assert reference["root"] == vector["root"]


def test_vectors__disclosure__verifies_and_matches_openzeppelin_multiproof():
    commitment, vector = _vector("commitment.json"), _vector("disclosure.json")
    disclosure = Disclosure.from_bytes(json.dumps(vector["file"]).encode())
    root = bytes.fromhex(vector["expected_root"][2:])
    verify_disclosure(disclosure, root)
    assert vector["expected_root"] == commitment["root"]
    assert disclosure.to_bytes() == rfc8785.dumps(vector["file"])
    opening = Opening.from_bytes(json.dumps(commitment["opening"]).encode())
    assert disclose(opening, vector["pointers"], context=disclosure.context) == disclosure
    positions = [i for i, (_, pointer, _) in enumerate(opening._values) if pointer in disclosure.fields()]
    (reference,) = oz.trees([oz_case(opening, positions)])
    assert reference["multiproof"]["leaves"] == vector["multiproof_leaves"]
    assert reference["multiproof"]["proof"] == vector["file"]["proof"]
    assert reference["multiproof"]["flags"] == vector["file"]["flags"]


def test_vectors__refused_documents__are_refused_naming_their_pointer():
    for case in _vector("rejections.json")["documents"]:
        with pytest.raises(ValidationError) as error:
            commit(json.loads(case["json"]))
        if case["pointer"] is not None:
            assert f" {case['pointer']} " in str(error.value), case["description"]


def test_vectors__tampered_disclosures__fail_naming_the_field_when_they_can():
    vectors_file = _vector("rejections.json")
    file = _vector("disclosure.json")["file"]
    root = bytes.fromhex(vectors_file["expected_root"][2:])
    for case in vectors_file["disclosures"]:
        disclosure = Disclosure.from_bytes(_patched(file, case["patch"]))
        with pytest.raises(IntegrityError) as error:
            verify_disclosure(disclosure, root)
        named = str(error.value).startswith("field ")
        assert named == (case["error"] is not None), case["description"]
        if named:
            assert str(error.value) == f"field {case['error']} does not match its commitment"


def test_vectors__malformed_disclosures__are_refused_as_they_are_read():
    file = _vector("disclosure.json")["file"]
    for case in _vector("rejections.json")["malformed"]:
        with pytest.raises(ValidationError):
            Disclosure.from_bytes(_patched(file, case["patch"]))


def test_spec__examples__are_the_vectors():
    spec = (ROOT / "docs" / "commitments.md").read_text(encoding="utf-8")
    example = spec.split("### Full example", 1)[1].split("```json\n", 1)[1].split("```", 1)[0]
    assert json.loads(example) == _vector("disclosure.json")["file"]
    (leaf,) = [leaf for leaf in _vector("commitment.json")["leaves"] if leaf["pointer"] == "/goods/1/hs_code"]
    encoded = bytes.fromhex(leaf["abi_encoding"][2:])
    worked = spec.split("### Worked example", 1)[1].split("## 6.", 1)[0]
    words = [
        line.split()[1] for line in worked.splitlines() if line.startswith("0x") and len(line.split()) > 1
    ]
    assert words == [encoded[i : i + 32].hex() for i in range(0, len(encoded), 32)]
    assert f"keccak256(encoded)  = {keccak(encoded).hex()}" in worked
    assert f"leaf                = {leaf['leaf'][2:]}" in worked
