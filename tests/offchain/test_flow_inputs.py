"""What the role workflows make of the values users type: keys, hashes, profiles, entries, reasons,
request letters, evidence files and the inbox cursor (no chain needed)."""

import json
from pathlib import Path

import click
import pytest
from eth_utils import keccak
from hypothesis import given, settings
from hypothesis import strategies as st

from originproof import keys
from originproof.cli.session import HashType, read_passphrase
from originproof.cli.verification import file_or_text
from originproof.errors import ValidationError
from originproof.flows._common import hex32, parse_hash
from originproof.flows.case import evidence_document
from originproof.flows.claim import NO_ENTRY, entry_evidence
from originproof.flows.inbox import read_cursor, write_cursor
from originproof.flows.participants import NO_PROFILE, parse_key, pending_path, profile_hash, retired_path
from originproof.flows.revoke import reason_hash

nonzero_keys = st.binary(min_size=32, max_size=32).filter(any)


@given(nonzero_keys)
def test_parse_key__age_recipient_or_hex__give_the_same_raw_key(key):
    assert parse_key(keys.key_to_recipient(key)) == key
    assert parse_key("0x" + key.hex()) == key
    assert parse_key("  0x" + key.hex().upper() + "\n") == key


@given(st.binary(max_size=40).filter(lambda raw: len(raw) != 32))
def test_parse_key__wrong_length__names_the_encryption_key(raw):
    with pytest.raises(ValidationError, match=r"encryption key '0x[0-9a-f]*' is not a 32-byte hash"):
        parse_key("0x" + raw.hex())


def test_parse_key__zero__is_refused():
    with pytest.raises(ValidationError, match="encryption key must not be zero"):
        parse_key("0x" + "00" * 32)


@given(st.binary(min_size=32, max_size=32))
def test_parse_hash__round_trips_hex32(digest):
    assert parse_hash(hex32(digest), "hash") == digest


@pytest.mark.parametrize("text", ["", "0x", "12" * 32, "0x" + "g" * 64, "0x" + "1" * 63, "0x" + "1" * 65])
def test_parse_hash__malformed__names_what_it_is(text):
    with pytest.raises(ValidationError, match=f"request hash {text!r} is not a 32-byte hash"):
        parse_hash(text, "request hash")


def test_hash_type__malformed__is_a_usage_error_naming_the_certificate_hash():
    with pytest.raises(click.BadParameter, match="certificate hash '0x12' is not a 32-byte hash"):
        HashType().convert("0x12", None, None)


def test_profile_hash__file_hash_or_nothing(tmp_path):
    profile = tmp_path / "profile.json"
    profile.write_bytes(b'{"name": "Calderas del Norte"}')
    assert profile_hash(str(profile)) == keccak(profile.read_bytes())
    assert profile_hash("0x" + "ab" * 32) == bytes.fromhex("ab" * 32)
    assert profile_hash(None) == NO_PROFILE == keccak(b"")
    with pytest.raises(ValidationError, match="profile hash must not be zero"):
        profile_hash("0x" + "00" * 32)


def test_profile_hash__a_file_named_like_a_hash__is_read_as_a_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    name = "0x" + "ab" * 32
    Path(name).write_bytes(b"profile")
    assert profile_hash(name) == keccak(b"profile")


@given(st.text(min_size=1).filter(str.strip))
def test_entry_and_reason__are_keccak_of_the_trimmed_text(text):
    assert entry_evidence(f"  {text}\t") == keccak(text=text.strip())
    assert reason_hash(f"\n{text} ") == keccak(text=text.strip())


def test_entry__none_is_zero_and_blank_is_refused():
    assert entry_evidence(None) == NO_ENTRY == bytes(32)
    with pytest.raises(ValidationError, match="entry number must not be empty"):
        entry_evidence("   ")
    with pytest.raises(ValidationError, match="revocation reason must not be empty"):
        reason_hash(" ")


def test_file_or_text__a_file_gives_its_bytes_anything_else_its_text(tmp_path):
    letter = tmp_path / "letter.txt"
    letter.write_bytes(b"\x00binary\xff")
    assert file_or_text(str(letter)) == b"\x00binary\xff"
    assert file_or_text("Request 17: show the BOM") == b"Request 17: show the BOM"


def test_evidence_document__json_object_as_is__other_files_wrapped(tmp_path):
    answer = tmp_path / "answer.json"
    answer.write_text('{"letter": "BOM attached"}')
    assert evidence_document(answer) == {"letter": "BOM attached"}
    scan = tmp_path / "scan.png"
    scan.write_bytes(b"\x89PNG")
    assert evidence_document(scan) == {"file": "scan.png", "base64": "iVBORw=="}
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    with pytest.raises(ValidationError, match=f"evidence file {broken}: not valid JSON"):
        evidence_document(broken)


def test_read_passphrase__first_line_only__empty_refused(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("open sesame\r\nsecond line\n")
    assert read_passphrase(secret) == "open sesame"
    assert read_passphrase(None) is None
    secret.write_text("")
    with pytest.raises(ValidationError, match="its first line, the passphrase, is empty"):
        read_passphrase(secret)


@settings(max_examples=25)
@given(st.dictionaries(st.sampled_from(["1:0xaa", "31337:0xbb", "11155111:0xcc"]), st.integers(0, 2**63)))
def test_inbox_cursor__each_chain_keeps_its_own_block(tmp_path_factory, cursors):
    path = tmp_path_factory.mktemp("cursor") / "inbox.json"
    for chain, block in cursors.items():
        write_cursor(path, chain, block)
    for chain, block in cursors.items():
        assert read_cursor(path, chain) == block
    assert read_cursor(path, "5:0xdd") is None


@pytest.mark.parametrize("content", ["[]", '{"1:0xaa": -1}', '{"1:0xaa": "12"}', "{"])
def test_inbox_cursor__malformed__names_the_file(tmp_path, content):
    path = tmp_path / "inbox.json"
    path.write_text(content)
    with pytest.raises(ValidationError, match=f"inbox cursor {path}"):
        read_cursor(path, "1:0xaa")


def test_rotation_paths__sit_beside_the_identity_and_name_the_old_key():
    identity = Path("/home/p/.originproof/identity.txt")
    assert pending_path(identity) == Path("/home/p/.originproof/identity.txt.new")
    assert retired_path(identity, bytes.fromhex("ab" * 32)) == Path(
        "/home/p/.originproof/identity.txt.abababababababab.old"
    )


def test_write_cursor__keeps_the_file_valid_json_and_refuses_to_clobber_a_malformed_one(tmp_path):
    path = tmp_path / "sub" / "inbox.json"
    write_cursor(path, "1:0xaa", 7)
    assert json.loads(path.read_text()) == {"1:0xaa": 7}
    path.write_text("[1]")
    with pytest.raises(ValidationError, match="must hold a JSON object of blocks by chain"):
        write_cursor(path, "1:0xaa", 8)
    assert path.read_text() == "[1]"
