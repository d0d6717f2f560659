"""Identity files, passphrase protection, and age recipient <-> on-chain key conversion."""

import logging
import os
import pty
import select
import stat
import subprocess
from pathlib import Path

import pyrage
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pyrage import x25519

from originproof import keys
from originproof._internal import bech32
from originproof.errors import DecryptionError, ValidationError

PASSPHRASE = "correct horse battery staple"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(scope="module")
def protected_key(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, x25519.Identity]:
    # Module-scoped: every passphrase operation costs a second of scrypt.
    identity = keys.generate_identity()
    path = tmp_path_factory.mktemp("protected") / "key.age"
    keys.write_identity(path, identity, passphrase=PASSPHRASE)
    return path, identity


# Conversion between age recipients and on-chain keys


@given(st.binary(min_size=32, max_size=32))
def test_key_to_recipient__round_trips_and_pyrage_agrees(key: bytes) -> None:
    recipient = keys.key_to_recipient(key)
    assert recipient.startswith("age1")
    assert keys.recipient_to_key(recipient) == key
    assert str(x25519.Recipient.from_str(recipient)) == recipient


def test_public_key__matches_age_keygen(tmp_path: Path, age_binary: str) -> None:
    path = tmp_path / "key.txt"
    subprocess.run(["age-keygen", "-o", str(path)], check=True, capture_output=True)
    printed = subprocess.run(["age-keygen", "-y", str(path)], check=True, capture_output=True, text=True)
    identity = keys.load_identity(path)
    assert keys.key_to_recipient(keys.public_key(identity)) == printed.stdout.strip()


def test_recipient_to_key__known_vector() -> None:
    assert keys.recipient_to_key("age1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq5cu47z") == bytes(
        32
    )


@given(st.binary(min_size=32, max_size=32), st.data())
def test_recipient_to_key__any_single_character_change__is_rejected(key: bytes, data: st.DataObject) -> None:
    recipient = keys.key_to_recipient(key)
    position = data.draw(st.integers(min_value=len("age1"), max_value=len(recipient) - 1))
    replacement = data.draw(
        st.sampled_from("qpzry9x8gf2tvdw0s3jn54khce6mua7l").filter(lambda c: c != recipient[position])
    )
    with pytest.raises(ValidationError, match="checksum"):
        keys.recipient_to_key(recipient[:position] + replacement + recipient[position + 1 :])


@pytest.mark.parametrize(
    ("recipient", "rule"),
    [
        ("age1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq5cu47Z", "mixes upper and lower case"),
        ("AGE1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ5CU47Z", "in lower case"),
        ("age1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq5cu47b", "outside the bech32 alphabet"),
        ("ageqqqq", "no human-readable part or checksum"),
        (bech32.encode("age", bytes(31)), "holds 31 bytes, not 32"),
        (bech32.encode("bge", bytes(32)), "must start with 'age'1"),
    ],
)
def test_recipient_to_key__malformed__names_recipient_and_rule(recipient: str, rule: str) -> None:
    with pytest.raises(ValidationError, match=rule) as raised:
        keys.recipient_to_key(recipient)
    assert repr(recipient) in str(raised.value)


@pytest.mark.parametrize(
    "words",
    [[0] * 33, [0] * 51 + [1]],
    ids=["a whole five-bit word of padding", "non-zero padding bits"],
)
def test_bech32_from_words__bad_padding__is_rejected(words: list[int]) -> None:
    with pytest.raises(ValidationError, match="invalid padding"):
        bech32._from_words(words)


def test_key_to_recipient__wrong_length__is_rejected() -> None:
    with pytest.raises(ValidationError, match="encryption key must be 32 bytes, got 33"):
        keys.key_to_recipient(bytes(33))


# Writing identity files


def test_write_identity__age_keygen_layout_and_mode_0600(tmp_path: Path) -> None:
    identity = keys.generate_identity()
    path = tmp_path / "key.txt"
    keys.write_identity(path, identity)
    lines = path.read_text().splitlines()
    assert lines[0].startswith("# created: ") and lines[0].endswith("Z")
    assert lines[1] == f"# public key: {identity.to_public()}"
    assert lines[2] == str(identity) and lines[2].startswith("AGE-SECRET-KEY-1")
    assert _mode(path) == 0o600


def test_write_identity__created_exclusively_with_mode_0600(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[tuple[int, int]] = []
    real_open = os.open

    def spy(path: str, flags: int, mode: int = 0o777, *args: object) -> int:
        opened.append((flags, mode))
        return real_open(path, flags, mode)

    monkeypatch.setattr(os, "open", spy)
    previous = os.umask(0)
    try:
        keys.write_identity(tmp_path / "key.txt", keys.generate_identity())
    finally:
        os.umask(previous)
    [(flags, mode)] = opened
    assert flags & os.O_CREAT and flags & os.O_EXCL
    assert mode == 0o600
    assert _mode(tmp_path / "key.txt") == 0o600


def test_write_identity__existing_file__is_kept(tmp_path: Path) -> None:
    path = tmp_path / "key.txt"
    path.write_text("someone else's key")
    with pytest.raises(ValidationError, match=f"key file {path} already exists"):
        keys.write_identity(path, keys.generate_identity())
    assert path.read_text() == "someone else's key"


def test_write_identity__empty_passphrase__is_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="passphrase must not be empty"):
        keys.write_identity(tmp_path / "key.txt", keys.generate_identity(), passphrase="")
    assert not (tmp_path / "key.txt").exists()


# Loading identity files


def test_load_identity__round_trips(tmp_path: Path) -> None:
    identity = keys.generate_identity()
    keys.write_identity(tmp_path / "key.txt", identity)
    assert str(keys.load_identity(tmp_path / "key.txt")) == str(identity)


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o644, 0o666])
def test_load_identity__readable_by_others__is_refused(tmp_path: Path, mode: int) -> None:
    path = tmp_path / "key.txt"
    keys.write_identity(path, keys.generate_identity())
    path.chmod(mode)
    with pytest.raises(ValidationError, match=f"key file {path} has mode {mode:04o}"):
        keys.load_identity(path)


def test_load_identity__missing_file__names_it(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match=f"key file {tmp_path / 'nope.txt'} cannot be read"):
        keys.load_identity(tmp_path / "nope.txt")


@pytest.mark.parametrize(
    ("content", "rule"),
    [
        ("# created: now\n", "exactly one AGE-SECRET-KEY-1… line \\(found 0"),
        ("{secret}\n{secret}\n", "exactly one AGE-SECRET-KEY-1… line \\(found 2"),
        ("not a key\n", "exactly one AGE-SECRET-KEY-1"),
        ("{corrupted}\n", "its secret key is malformed"),
        (bech32.encode("age-secret-key-", bytes(31)).upper() + "\n", "not a 32-byte age X25519 key"),
    ],
)
def test_load_identity__malformed__names_file_never_the_secret(
    tmp_path: Path, content: str, rule: str
) -> None:
    secret = str(keys.generate_identity())
    corrupted = secret[:-1] + ("Q" if secret[-1] != "Q" else "P")
    path = tmp_path / "key.txt"
    path.write_text(content.format(secret=secret, corrupted=corrupted))
    path.chmod(0o600)
    with pytest.raises(ValidationError, match=rule) as raised:
        keys.load_identity(path)
    assert str(path) in str(raised.value)
    assert secret[16:] not in str(raised.value) and corrupted[16:] not in str(raised.value)


def test_load_identity__binary_content__is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "key.txt"
    path.write_bytes(b"\xff\xfe")
    path.chmod(0o600)
    with pytest.raises(ValidationError, match=f"key file {path} is not text"):
        keys.load_identity(path)


def test_load_identity__passphrase_for_plain_file__is_rejected(tmp_path: Path) -> None:
    keys.write_identity(tmp_path / "key.txt", keys.generate_identity())
    with pytest.raises(ValidationError, match="is not passphrase-protected"):
        keys.load_identity(tmp_path / "key.txt", passphrase=PASSPHRASE)


def test_write_and_load__print_and_log_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    identity = keys.generate_identity()
    keys.write_identity(tmp_path / "key.txt", identity)
    keys.load_identity(tmp_path / "key.txt")
    captured = capsys.readouterr()
    assert captured.out == captured.err == ""
    assert not caplog.records
    assert str(identity) not in repr(identity)


# Passphrase-protected identity files


def test_protected_key__is_armored_age_with_mode_0600(protected_key: tuple[Path, x25519.Identity]) -> None:
    path, identity = protected_key
    content = path.read_bytes()
    assert content.startswith(b"-----BEGIN AGE ENCRYPTED FILE-----")
    assert str(identity).encode() not in content
    assert _mode(path) == 0o600


def test_protected_key__without_passphrase__names_file(protected_key: tuple[Path, x25519.Identity]) -> None:
    path, _ = protected_key
    with pytest.raises(
        ValidationError, match=f"key file {path} is passphrase-protected: give its passphrase"
    ):
        keys.load_identity(path)


def test_protected_key__with_passphrase__loads(protected_key: tuple[Path, x25519.Identity]) -> None:
    path, identity = protected_key
    assert str(keys.load_identity(path, passphrase=PASSPHRASE)) == str(identity)


def test_protected_key__wrong_passphrase__uninformative_decryption_error(
    protected_key: tuple[Path, x25519.Identity],
) -> None:
    path, _ = protected_key
    with pytest.raises(DecryptionError) as raised:
        keys.load_identity(path, passphrase="wrong")
    assert str(raised.value) == "decryption failed"


def test_protected_key__opens_with_the_age_tool(
    protected_key: tuple[Path, x25519.Identity], tmp_path: Path, age_binary: str
) -> None:
    # age asks for an identity file's passphrase on the terminal only, so give it one.
    path, identity = protected_key
    (tmp_path / "message.age").write_bytes(pyrage.encrypt(b"bill of materials", [identity.to_public()]))
    pid, terminal = pty.fork()
    if pid == 0:
        os.execv(
            age_binary,
            ["age", "-d", "-i", str(path), "-o", str(tmp_path / "out"), str(tmp_path / "message.age")],
        )
    transcript = b""
    while b"passphrase" not in transcript.lower():
        ready, _, _ = select.select([terminal], [], [], 30)
        assert ready, f"age did not ask for the passphrase: {transcript!r}"
        transcript += os.read(terminal, 1_024)
    os.write(terminal, PASSPHRASE.encode() + b"\n")
    _, status = os.waitpid(pid, 0)
    os.close(terminal)
    assert os.waitstatus_to_exitcode(status) == 0
    assert (tmp_path / "out").read_bytes() == b"bill of materials"


def test_plain_key__opens_with_the_age_tool(tmp_path: Path, age_binary: str) -> None:
    identity = keys.generate_identity()
    keys.write_identity(tmp_path / "key.txt", identity)
    (tmp_path / "message.age").write_bytes(pyrage.encrypt(b"net cost", [identity.to_public()]))
    result = subprocess.run(
        [age_binary, "-d", "-i", str(tmp_path / "key.txt"), str(tmp_path / "message.age")],
        capture_output=True,
        check=True,
    )
    assert result.stdout == b"net cost"
