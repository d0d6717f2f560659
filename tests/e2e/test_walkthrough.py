"""The README's walkthrough (docs/walkthrough.sh), run for real on a persistent node of its own."""

import os
import subprocess
from pathlib import Path

from ports import free_port

ROOT = Path(__file__).resolve().parents[2]


def test_walkthrough__every_role_on_the_persistent_node__ends_valid_and_audited(tmp_path):
    env = {**os.environ, "DEMO": str(tmp_path / "demo"), "PORT": str(free_port())}
    for variable in (
        "ORIGINPROOF_NETWORK",
        "ORIGINPROOF_DEPLOYMENTS",
        "ORIGINPROOF_STORE",
        "ORIGINPROOF_HOME",
    ):
        env.pop(variable, None)
    run = subprocess.run(
        ["bash", str(ROOT / "docs" / "walkthrough.sh")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-3_000:]
    out = run.stdout
    assert "encryption key 0x" in out and " published" in out
    assert out.count("VALID: certificate 0x") == 3
    assert "INVALID" not in out
    assert "status        UNDER_VERIFICATION" in out
    assert "claim filed by 0x90F79bf6EB2c4f870365E785982E1f101E93b906" in out
    assert "verification opened by 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266" in out
    assert "USMCA origin of HS 8402.11: QUALIFIES" in out
    assert "status        AFFIRMED" in out
    assert "audit: no mismatches" in out
    assert '{"document":{"currency":"USD"' in out
    restarted = out.split("node start --port")[-1]
    assert "block 12" in restarted and "AFFIRMED: in force" in restarted
