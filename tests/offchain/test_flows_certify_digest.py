"""What `certify` computes before committing, at batch speed: the input digest is still keccak256 of
the RFC 8785 serialization (so stores written before find their certificates again), and the garbage
collector, paused while a batch is worked on, is always left as it was found."""

import gc
import shutil
from pathlib import Path
from typing import Any

import pytest
import rfc8785
from hypothesis import given
from hypothesis import strategies as st

from originproof._internal.keccak import keccak
from originproof.errors import ValidationError
from originproof.flows import certify as flow

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
TAG = "originproof/certify-input/1"

# What a committed form can hold: text (any, control characters and astral planes included),
# booleans, null, arrays, and objects named by the model's ASCII field names.
_NAMES = st.text(st.characters(max_codepoint=127), max_size=12)
_SCALARS = st.none() | st.booleans() | st.text()
_DOCUMENTS = st.dictionaries(
    _NAMES,
    st.recursive(
        _SCALARS,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_NAMES, inner, max_size=4),
        max_leaves=20,
    ),
    max_size=6,
)


def _reference(certificate: dict[str, Any], annex: dict[str, Any] | None, supersedes: bytes | None) -> bytes:
    return keccak(
        rfc8785.dumps(
            {
                "tag": TAG,
                "certificate": certificate,
                "annex": annex,
                "supersedes": None if supersedes is None else "0x" + supersedes.hex(),
            }
        )
    )


@given(
    certificate=_DOCUMENTS,
    annex=st.none() | _DOCUMENTS,
    supersedes=st.none() | st.binary(min_size=32, max_size=32),
)
def test_digest__any_committed_forms__keccak_of_their_rfc8785_bytes(certificate, annex, supersedes) -> None:
    assert flow._digest(certificate, annex, supersedes) == _reference(certificate, annex, supersedes)


@pytest.mark.parametrize("name", ["usmca-single-boiler", "usmca-blanket-circuits", "cafta-dr-single-pumps"])
def test_read_submissions__examples__digest_of_their_rfc8785_committed_forms(
    name: str, tmp_path: Path
) -> None:
    shutil.copy(EXAMPLES / f"{name}.annex.json", tmp_path)
    path = Path(shutil.copy(EXAMPLES / f"{name}.certificate.json", tmp_path))

    [submission] = flow.read_submissions([path])

    assert submission.annex is not None
    assert submission.annex_document == flow.committed_form(submission.annex)
    assert submission.digest == _reference(submission.document, submission.annex_document, None)


@pytest.mark.parametrize("enabled", [True, False])
def test_collector_paused__leaves_the_collector_as_it_found_it(enabled: bool) -> None:
    (gc.enable if enabled else gc.disable)()
    try:
        with flow._collector_paused():
            assert not gc.isenabled()
        assert gc.isenabled() is enabled
        with pytest.raises(ValidationError), flow._collector_paused():
            raise ValidationError("a bad file")
        assert gc.isenabled() is enabled
    finally:
        gc.enable()


def test_read_submissions__malformed_file__collector_running_again(tmp_path: Path) -> None:
    path = tmp_path / "bad.certificate.json"
    path.write_text('{"agreement": "USMCA"}')
    assert gc.isenabled()

    with pytest.raises(ValidationError, match=r"bad\.certificate\.json"):
        flow.read_submissions([path])

    assert gc.isenabled()
