"""Selective disclosure: choosing fields, verifying them against a root, the disclosure file."""

import json
import re
import unicodedata
from dataclasses import replace
from random import Random
from typing import Any

import commitment_samples as samples
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from originproof.commitments import (
    DISCLOSURE_FORMAT,
    BatchMembership,
    ChainContext,
    DisclosedField,
    Disclosure,
    Opening,
    commit,
    disclose,
    field_leaf,
    verify_disclosure,
)
from originproof.enums import Agreement
from originproof.errors import IntegrityError, ValidationError

CERTIFIER = samples.CERTIFIER


@pytest.fixture(scope="module")
def certificate() -> Opening:
    return commit(samples.certificate())


def _disclose(opening: Opening, pointers: list[str]) -> Disclosure:
    return disclose(opening, pointers, context=samples.context(opening.root))


# --- choosing fields --------------------------------------------------------------------------------


def test_disclose__one_scalar__discloses_it_alone(certificate):
    disclosure = _disclose(certificate, ["/goods/2/hs_code"])
    assert disclosure.fields() == {"/goods/2/hs_code": "853402"}
    verify_disclosure(disclosure, certificate.root)


def test_disclose__an_object__discloses_every_node_under_it(certificate):
    disclosure = _disclose(certificate, ["/blanket"])
    assert disclosure.fields() == {"/blanket": {}, "/blanket/from": "2025-01-01", "/blanket/to": "2025-12-31"}
    verify_disclosure(disclosure, certificate.root)


def test_disclose__an_array__discloses_every_line(certificate):
    fields = _disclose(certificate, ["/goods"]).fields()
    assert fields["/goods"] == []
    assert [fields[f"/goods/{i}/hs_code"] for i in range(5)] == [f"8534{i:02d}" for i in range(5)]
    assert len(fields) == 1 + 5 * 5


def test_disclose__the_root_pointer__discloses_the_whole_document(certificate):
    disclosure = _disclose(certificate, [""])
    assert len(disclosure.disclosed) == len(certificate.salts)
    assert disclosure.proof == ()
    verify_disclosure(disclosure, certificate.root)


def test_disclose__overlapping_pointers__disclose_each_field_once(certificate):
    disclosure = _disclose(certificate, ["/importer", "/importer/name", "/importer"])
    assert [item.pointer for item in disclosure.disclosed] == [
        "/importer",
        "/importer/address",
        "/importer/email",
        "/importer/name",
        "/importer/phone",
    ]


def test_disclose__a_prefix_that_is_not_a_parent__is_not_included():
    opening = commit({"a": {"x": 1}, "ab": 2, "a~b": 3, "a/b": 4})
    assert list(_disclose(opening, ["/a"]).fields()) == ["/a", "/a/x"]


def test_disclose__null_empty_and_escaped_fields__are_disclosed_as_json():
    opening = commit({"exporter": None, "notes": {}, "tags": [], "a/b": True, "m~n": -3})
    disclosure = _disclose(opening, ["/exporter", "/notes", "/tags", "/a~1b", "/m~0n"])
    assert disclosure.fields() == {"/a~1b": True, "/exporter": None, "/m~0n": -3, "/notes": {}, "/tags": []}
    verify_disclosure(disclosure, opening.root)


@pytest.mark.parametrize(
    ("pointers", "message"),
    [
        (["/goods/9"], "disclose: '/goods/9' names no field of the document"),
        (["/goods/0/hs_code/x"], "disclose: '/goods/0/hs_code/x' names no field of the document"),
        (["goods"], "disclose: 'goods' names no field of the document"),
        ([], "disclose: name at least one field"),
        ("/goods", "disclose: pointers must be a collection of pointers, not one string"),
    ],
)
def test_disclose__bad_pointers__are_refused_naming_them(certificate, pointers, message):
    with pytest.raises(ValidationError, match=re.escape(message)):
        _disclose(certificate, pointers)


def test_disclose__multiproof__is_the_trees_own_in_ascending_leaf_order(certificate):
    disclosure = _disclose(certificate, ["/goods/1", "/signature/name"])
    positions = [i for i, (_, pointer, _) in enumerate(certificate._values) if pointer in disclosure.fields()]
    multiproof = certificate._tree.get_multiproof(positions)
    assert multiproof.leaves == tuple(sorted(item.leaf for item in disclosure.disclosed))
    assert (multiproof.proof, multiproof.flags) == (disclosure.proof, disclosure.flags)


# --- verifying --------------------------------------------------------------------------------------

nfc_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=8).map(
    lambda text: unicodedata.normalize("NFC", text)
)
documents = st.dictionaries(
    nfc_text,
    st.recursive(
        st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | nfc_text,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(nfc_text, inner, max_size=3),
        max_leaves=12,
    ),
    min_size=1,
    max_size=5,
)


@st.composite
def disclosures(draw: Any) -> tuple[Opening, Disclosure, int]:
    """A committed document, a disclosure of a random subset of its nodes, and one disclosed index."""
    opening = commit(draw(documents), random=Random(draw(st.integers(0, 2**32))).randbytes)
    pointers = list(opening.salts)
    chosen = draw(st.lists(st.sampled_from(pointers), min_size=1, unique=True))
    disclosure = _disclose(opening, chosen)
    return opening, disclosure, draw(st.integers(0, len(disclosure.disclosed) - 1))


def _with_field(disclosure: Disclosure, index: int, **changes: Any) -> Disclosure:
    disclosed = list(disclosure.disclosed)
    disclosed[index] = replace(disclosed[index], **changes)
    return replace(disclosure, disclosed=tuple(disclosed))


def _other_value(value: bytes) -> bytes:
    return b'"x"' if value != b'"x"' else b'"y"'


@settings(max_examples=80)
@given(case=disclosures())
def test_verify__any_subset__verifies(case):
    opening, disclosure, _ = case
    verify_disclosure(disclosure, opening.root)


@settings(max_examples=80)
@given(case=disclosures())
def test_verify__a_changed_value__fails_naming_its_field(case):
    opening, disclosure, index = case
    item = disclosure.disclosed[index]
    tampered = _with_field(disclosure, index, value=_other_value(item.value))
    with pytest.raises(IntegrityError, match="does not match its commitment") as error:
        verify_disclosure(tampered, opening.root)
    assert str(error.value) == f"field {item.pointer or 'the document root'} does not match its commitment"


@settings(max_examples=80)
@given(case=disclosures(), salt=st.binary(min_size=32, max_size=32))
def test_verify__a_changed_salt__fails_naming_its_field(case, salt):
    opening, disclosure, index = case
    item = disclosure.disclosed[index]
    if salt == item.salt:
        salt = bytes(32) if salt != bytes(32) else b"\x01" * 32
    with pytest.raises(IntegrityError, match="does not match its commitment") as error:
        verify_disclosure(_with_field(disclosure, index, salt=salt), opening.root)
    assert (item.pointer or "the document root") in str(error.value)


@settings(max_examples=80)
@given(case=disclosures(), suffix=st.sampled_from(["/x", "0", "~0"]))
def test_verify__a_changed_path__fails_naming_the_new_path(case, suffix):
    opening, disclosure, index = case
    pointer = disclosure.disclosed[index].pointer + suffix
    with pytest.raises(IntegrityError, match=re.escape(f"field {pointer} does not match its commitment")):
        verify_disclosure(_with_field(disclosure, index, pointer=pointer), opening.root)


@settings(max_examples=60)
@given(case=disclosures())
def test_verify__a_value_changed_with_its_leaf__fails_as_a_whole(case):
    opening, disclosure, index = case
    item = disclosure.disclosed[index]
    value = _other_value(item.value)
    forged = _with_field(disclosure, index, value=value, leaf=field_leaf(item.salt, item.pointer, value))
    with pytest.raises(IntegrityError, match="its fields and multiproof do not lead to 0x"):
        verify_disclosure(forged, opening.root)


@settings(max_examples=60)
@given(case=disclosures(), data=st.data())
def test_verify__a_changed_proof_or_flag__fails(case, data):
    opening, disclosure, _ = case
    if disclosure.proof:
        position = data.draw(st.integers(0, len(disclosure.proof) - 1))
        proof = list(disclosure.proof)
        proof[position] = bytes(32)
        with pytest.raises(IntegrityError, match="disclosure: "):
            verify_disclosure(replace(disclosure, proof=tuple(proof)), opening.root)
    if disclosure.flags:
        position = data.draw(st.integers(0, len(disclosure.flags) - 1))
        flags = list(disclosure.flags)
        flags[position] = not flags[position]
        with pytest.raises(IntegrityError):
            verify_disclosure(replace(disclosure, flags=tuple(flags)), opening.root)


def test_verify__a_dropped_field__fails_as_a_whole(certificate):
    disclosure = _disclose(certificate, ["/goods/0"])
    dropped = replace(disclosure, disclosed=disclosure.disclosed[1:])
    with pytest.raises(IntegrityError, match="disclosure: "):
        verify_disclosure(dropped, certificate.root)


def test_verify__flags_that_run_out_of_nodes__fail_as_integrity_errors():
    opening = commit({"a": 1, "b": 2, "c": 3})
    disclosure = _disclose(opening, ["/a", "/b", "/c"])
    flags = (True,) * len(disclosure.flags)
    with pytest.raises(IntegrityError, match="disclosure: "):
        verify_disclosure(
            replace(disclosure, flags=flags, proof=disclosure.proof[: flags.count(False)]), opening.root
        )


def test_verify__another_root__fails_naming_both_roots(certificate):
    disclosure = _disclose(certificate, ["/agreement"])
    other = commit(samples.certificate()).root
    with pytest.raises(
        IntegrityError,
        match=f"disclosure: its fields commit to 0x{certificate.root.hex()}, not to 0x{other.hex()}",
    ):
        verify_disclosure(disclosure, other)


def test_verify__annex_fields__check_against_the_root_the_certificate_holds():
    annex = commit(samples.annex())
    certificate = commit(samples.certificate(annex_root="0x" + annex.root.hex()))
    cert_part = _disclose(certificate, ["/annex_root"])
    verify_disclosure(cert_part, certificate.root)
    annex_part = disclose(annex, ["/materials/3"], context=samples.context(certificate.root))
    verify_disclosure(annex_part, bytes.fromhex(cert_part.fields()["/annex_root"][2:]))
    assert annex_part.fields()["/materials/3/origin_country"] == "MX"


# --- the disclosure file ----------------------------------------------------------------------------


@settings(max_examples=60)
@given(case=disclosures())
def test_disclosure__to_bytes_and_from_bytes__round_trip(case):
    opening, disclosure, _ = case
    data = disclosure.to_bytes()
    again = Disclosure.from_bytes(data)
    assert again == disclosure
    assert again.to_bytes() == data
    verify_disclosure(again, opening.root)


def test_disclosure__file__holds_values_as_json_and_the_chain_context(certificate):
    context = ChainContext(
        cert_hash=certificate.root,
        agreement=Agreement.NAFTA,
        blanket_from=0,
        blanket_to=0,
        certifier=CERTIFIER.lower(),
        chain_id=31337,
        contract="0x5fbdb2315678afecb367f032d93f642f64180aa3",
        batch=BatchMembership(root=b"\x07" * 32, proof=(b"\x08" * 32,)),
    )
    data = json.loads(disclose(certificate, ["/goods/0/hs_code"], context=context).to_bytes())
    assert data["format"] == DISCLOSURE_FORMAT
    assert data["chain"] == {
        "cert_hash": "0x" + certificate.root.hex(),
        "agreement": 2,
        "blanket_from": 0,
        "blanket_to": 0,
        "certifier": CERTIFIER,
        "chain_id": 31337,
        "contract": "0x5FbDB2315678afecb367f032d93F642f64180aa3",
        "batch": {"root": "0x" + "07" * 32, "proof": ["0x" + "08" * 32]},
    }
    (field,) = data["fields"]
    assert field["pointer"] == "/goods/0/hs_code" and field["value"] == "853400"
    assert Disclosure.from_bytes(json.dumps(data).encode()).context == context


def test_disclosure__optional_chain_members__are_left_out_when_absent(certificate):
    data = json.loads(_disclose(certificate, ["/agreement"]).to_bytes())
    assert set(data["chain"]) == {"cert_hash", "agreement", "blanket_from", "blanket_to", "certifier"}


def _file(certificate: Opening, change: Any) -> bytes:
    data = json.loads(_disclose(certificate, ["/goods/0/hs_code", "/signature/name"]).to_bytes())
    change(data)
    return json.dumps(data).encode()


def _set(*path: Any, value: Any) -> Any:
    def change(data: dict[str, Any]) -> None:
        node = data
        for step in path[:-1]:
            node = node[step]
        node[path[-1]] = value

    return change


def _drop(*path: Any) -> Any:
    def change(data: dict[str, Any]) -> None:
        node = data
        for step in path[:-1]:
            node = node[step]
        del node[path[-1]]

    return change


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            _set("format", value="originproof-disclosure/0"),
            "disclosure: format must be 'originproof-disclosure/1'",
        ),
        (_set("extra", value=1), "disclosure has unknown member(s) extra"),
        (_drop("proof"), "disclosure is missing proof"),
        (_set("root", value="0x12"), "disclosure: root must be 0x followed by 64 hex digits"),
        (_set("fields", value={}), "disclosure: fields must be a JSON array"),
        (_set("fields", value=[]), "disclosure: fields must name at least one field"),
        (_set("fields", 0, value=[]), "disclosure: fields[0] must be a JSON object"),
        (_drop("fields", 0, "salt"), "disclosure: fields[0] is missing salt"),
        (_set("fields", 0, "pointer", value=7), "disclosure: fields[0].pointer must be text"),
        (
            _set("fields", 0, "pointer", value="goods"),
            "disclosure: fields[0].pointer: 'goods' is not a JSON pointer",
        ),
        (
            _set("fields", 0, "pointer", value="/a~2"),
            "disclosure: fields[0].pointer: '/a~2' is not a JSON pointer",
        ),
        (
            _set("fields", 0, "pointer", value="/\ud800"),
            "disclosure: fields[0].pointer: pointer '/\\ud800' is not valid Unicode",
        ),
        (
            _set("fields", 1, "pointer", value="/goods/0/hs_code"),
            "disclosure: fields name the same pointer twice",
        ),
        (_set("fields", 0, "value", value=1.5), "disclosure: /goods/0/hs_code is a float (1.5)"),
        (
            _set("fields", 0, "value", value=2**53),
            "disclosure: /goods/0/hs_code is 9007199254740992, outside",
        ),
        (
            _set("fields", 0, "value", value="Sa\u0303o"),
            "disclosure: text at /goods/0/hs_code is not in Unicode normalization form NFC",
        ),
        (
            _set("fields", 0, "value", value=[1]),
            "disclosure: value of /goods/0/hs_code must be a scalar, {} or [], not a filled container",
        ),
        (
            _set("fields", 0, "salt", value="0x" + "0" * 63),
            "disclosure: field /goods/0/hs_code: salt must be 0x",
        ),
        (_set("fields", 0, "leaf", value=None), "disclosure: field /goods/0/hs_code: leaf must be 0x"),
        (_set("proof", value="0x"), "disclosure: proof must be a JSON array"),
        (_set("proof", 0, value="zz"), "disclosure: proof[0] must be 0x followed by 64 hex digits"),
        (_set("flags", value=[0]), "disclosure: flags must be true or false"),
        (_set("flags", value=None), "disclosure: flags must be a JSON array"),
        (_set("chain", value=[]), "chain must be a JSON object"),
        (_drop("chain", "certifier"), "chain is missing certifier"),
        (_set("chain", "note", value=1), "chain has unknown member(s) note"),
        (_set("chain", "cert_hash", value=1), "chain.cert_hash must be 0x followed by 64 hex digits"),
        (_set("chain", "batch", value={"root": "0x" + "00" * 32}), "chain.batch is missing proof"),
        (
            _set("chain", "batch", value={"root": "0x" + "00" * 32, "proof": {}}),
            "chain.batch.proof must be a JSON array",
        ),
        (
            _set("chain", "batch", value={"root": "0x" + "00" * 32, "proof": ["0x"]}),
            "chain.batch.proof[0] must be 0x followed by 64 hex digits",
        ),
        (
            _set("chain", "batch", value={"root": "0x", "proof": []}),
            "chain.batch.root must be 0x followed by 64 hex",
        ),
    ],
)
def test_disclosure__malformed_file__is_refused_naming_the_member(certificate, change, message):
    with pytest.raises(ValidationError, match=re.escape(message)):
        Disclosure.from_bytes(_file(certificate, change))


def test_disclosure__not_json__is_refused():
    with pytest.raises(ValidationError, match=re.escape("disclosure: not JSON (line 1, column 1")):
        Disclosure.from_bytes(b"")


# --- the chain context ------------------------------------------------------------------------------

HASH = b"\x01" * 32


def _context(**changes: Any) -> ChainContext:
    values: dict[str, Any] = {
        "cert_hash": HASH,
        "agreement": 1,
        "blanket_from": 1_735_689_600,
        "blanket_to": 1_767_139_200,
        "certifier": CERTIFIER,
    }
    return ChainContext(**{**values, **changes})


def test_chain_context__agreement_and_address__are_normalized():
    context = _context(agreement=3, certifier=CERTIFIER.lower())
    assert context.agreement is Agreement.CAFTA_DR
    assert context.certifier == CERTIFIER


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"cert_hash": b"\x01" * 31}, "chain.cert_hash must be 32 bytes"),
        ({"agreement": 4}, "chain.agreement must be one of 1 (USMCA), 2 (NAFTA), 3 (CAFTA_DR), not 4"),
        ({"agreement": True}, "chain.agreement must be one of 1 (USMCA), 2 (NAFTA), 3 (CAFTA_DR), not True"),
        ({"agreement": "1"}, "chain.agreement must be one of"),
        ({"agreement": 1.0}, "chain.agreement must be one of"),
        ({"blanket_from": -1}, "chain.blanket_from must be an integer from 0 to 2^64 - 1"),
        ({"blanket_to": 2**64}, "chain.blanket_to must be an integer from 0 to 2^64 - 1"),
        ({"blanket_from": 0}, "chain.blanket_from must be before chain.blanket_to, or both 0"),
        ({"blanket_to": 0}, "chain.blanket_from must be before chain.blanket_to, or both 0"),
        ({"blanket_to": 1_735_689_600}, "chain.blanket_from must be before chain.blanket_to, or both 0"),
        ({"certifier": "0x1234"}, "chain.certifier must be an address: 0x followed by 40 hex digits"),
        (
            {"certifier": CERTIFIER.swapcase().replace("0X", "0x")},
            "chain.certifier has a wrong EIP-55 checksum",
        ),
        ({"chain_id": 0}, "chain.chain_id must be an integer from 1 to 2^53 - 1"),
        ({"chain_id": True}, "chain.chain_id must be an integer from 1 to 2^53 - 1"),
        ({"contract": "not an address"}, "chain.contract must be an address"),
    ],
)
def test_chain_context__bad_member__is_refused_naming_it(changes, message):
    with pytest.raises(ValidationError, match=re.escape(message)):
        _context(**changes)


@pytest.mark.parametrize(
    ("root", "proof", "message"),
    [
        (b"\x01" * 31, (), "chain.batch.root must be 32 bytes"),
        (HASH, (HASH,) * 33, "chain.batch.proof must have at most 32 hashes"),
        (HASH, (b"\x01",), "chain.batch.proof must hold 32-byte hashes"),
    ],
)
def test_batch_membership__bad_member__is_refused_naming_it(root, proof, message):
    with pytest.raises(ValidationError, match=re.escape(message)):
        BatchMembership(root, proof)


def test_disclosed_field__value__is_its_jcs_bytes(certificate):
    (item,) = _disclose(certificate, ["/signature/name"]).disclosed
    assert item == DisclosedField(
        "/signature/name", '"Rodrigo Salinas Ávila"'.encode(), certificate.salts["/signature/name"], item.leaf
    )
    assert item.leaf == field_leaf(item.salt, item.pointer, item.value)
