"""`originproof keys new|show` through `main(argv)`: the workspace identity and its public halves."""

import json
import stat
from pathlib import Path

import pytest

from originproof import keys
from originproof.cli import main
from originproof.cli.frame import ExitCode
from originproof.keys import SECRET_KEY_PREFIX


def _run(capsys: pytest.CaptureFixture[str], home: Path, *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["--home", str(home), *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_keys_new__fresh_home__writes_a_0600_identity_and_prints_its_public_key(tmp_path, capsys):
    home = tmp_path / "party"
    code, out, _ = _run(capsys, home, "--json", "keys", "new")
    assert code == ExitCode.OK
    shown = json.loads(out)
    path = home / "identity.txt"
    assert shown["identity"] == str(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    identity = keys.load_identity(path)
    assert shown["encryption_key"] == "0x" + keys.public_key(identity).hex()
    assert shown["recipient"] == str(identity.to_public())
    assert SECRET_KEY_PREFIX not in out


def test_keys_show__after_new__prints_the_same_keys_and_never_the_secret(tmp_path, capsys):
    _, created, _ = _run(capsys, tmp_path, "--json", "keys", "new")
    code, out, _ = _run(capsys, tmp_path, "--json", "keys", "show")
    assert code == ExitCode.OK
    assert out == created
    code, text, _ = _run(capsys, tmp_path, "keys", "show")
    assert code == ExitCode.OK
    assert SECRET_KEY_PREFIX not in text
    assert "recipient       age1" in text


def test_keys_new__identity_exists__refuses_and_keeps_the_old_one(tmp_path, capsys):
    _run(capsys, tmp_path, "keys", "new")
    before = (tmp_path / "identity.txt").read_bytes()
    code, out, err = _run(capsys, tmp_path, "keys", "new")
    assert code == ExitCode.ERROR
    assert out == ""
    assert (
        err.strip()
        == f"originproof: key file {tmp_path / 'identity.txt'} already exists; refusing to overwrite it"
    )
    assert (tmp_path / "identity.txt").read_bytes() == before


def test_keys__passphrase_file__protects_the_identity(tmp_path, capsys):
    secret = tmp_path / "passphrase.txt"
    secret.write_text("correct horse battery staple\n")
    code, created, _ = _run(capsys, tmp_path, "--json", "keys", "new", "--passphrase-file", str(secret))
    assert code == ExitCode.OK
    assert (tmp_path / "identity.txt").read_bytes().startswith(b"-----BEGIN AGE ENCRYPTED FILE-----")

    code, _, err = _run(capsys, tmp_path, "keys", "show")
    assert code == ExitCode.ERROR
    assert "is passphrase-protected: give its passphrase" in err

    code, shown, _ = _run(capsys, tmp_path, "--json", "keys", "show", "--passphrase-file", str(secret))
    assert code == ExitCode.OK
    assert shown == created


def test_keys__wrong_passphrase__says_only_that_decryption_failed(tmp_path, capsys):
    right, wrong = tmp_path / "right.txt", tmp_path / "wrong.txt"
    right.write_text("right\n")
    wrong.write_text("wrong\n")
    _run(capsys, tmp_path, "keys", "new", "--passphrase-file", str(right))
    code, _, err = _run(capsys, tmp_path, "keys", "show", "--passphrase-file", str(wrong))
    assert code == ExitCode.ERROR
    assert err.strip() == "originproof: decryption failed"


def test_keys_new__empty_passphrase_file__is_refused_and_writes_nothing(tmp_path, capsys):
    empty = tmp_path / "empty.txt"
    empty.write_text("\n")
    code, _, err = _run(capsys, tmp_path, "keys", "new", "--passphrase-file", str(empty))
    assert code == ExitCode.ERROR
    assert f"passphrase file {empty}: its first line, the passphrase, is empty" in err
    assert not (tmp_path / "identity.txt").exists()


def test_keys_show__no_identity__says_how_to_create_one(tmp_path, capsys):
    code, _, err = _run(capsys, tmp_path, "keys", "show")
    assert code == ExitCode.ERROR
    assert err.strip() == (
        f"originproof: no age identity at {tmp_path / 'identity.txt'}: create one with `originproof keys new`"
    )


def test_keys__identity_env__names_the_file(tmp_path, capsys, monkeypatch):
    elsewhere = tmp_path / "keys" / "customs.txt"
    monkeypatch.setenv("ORIGINPROOF_IDENTITY", str(elsewhere))
    code, _, _ = _run(capsys, tmp_path / "home", "keys", "new")
    assert code == ExitCode.OK
    assert elsewhere.exists()
    assert not (tmp_path / "home" / "identity.txt").exists()


@pytest.mark.parametrize(
    "command",
    [
        ["keys", "new"],
        ["keys", "show"],
        ["participants", "enroll"],
        ["participants", "suspend"],
        ["participants", "reinstate"],
        ["participants", "set-key"],
        ["claim"],
        ["grant"],
        ["grant", "share"],
        ["grant", "open"],
        ["verification", "open"],
        ["verification", "respond"],
        ["verification", "evidence"],
        ["verification", "rvc"],
        ["verification", "close"],
        ["revoke"],
        ["list"],
        ["inbox"],
    ],
)
def test_help__every_role_command__explains_itself(tmp_path, capsys, command):
    code, out, _ = _run(capsys, tmp_path, *command, "--help")
    assert code == ExitCode.OK
    assert out.startswith(f"Usage: originproof {' '.join(command)} ")
    assert len(out.splitlines()) > 4
