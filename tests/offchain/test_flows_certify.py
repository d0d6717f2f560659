"""Reading certificate files for `certify`, before anything is committed, stored or sent."""

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from originproof.errors import ValidationError
from originproof.flows.certify import annex_path_for, committed_form, read_submissions

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
BOILER = "usmca-single-boiler"


@pytest.fixture
def boiler(tmp_path: Path) -> Path:
    shutil.copy(EXAMPLES / f"{BOILER}.annex.json", tmp_path)
    return Path(shutil.copy(EXAMPLES / f"{BOILER}.certificate.json", tmp_path))


def test_read_submissions__finds_the_annex_beside_the_certificate(boiler: Path) -> None:
    [submission] = read_submissions([boiler])
    assert submission.annex_path == annex_path_for(boiler)
    assert submission.annex is not None and submission.annex.good_hs_code == "840211"


def test_read_submissions__same_files__same_digest_and_any_change_another(boiler: Path) -> None:
    [first] = read_submissions([boiler])
    assert read_submissions([boiler])[0].digest == first.digest
    assert read_submissions([boiler], supersedes=b"\x01" * 32)[0].digest != first.digest
    annex = annex_path_for(boiler)
    annex.write_text(annex.read_text().replace('"120000.00"', '"120000.01"'))
    assert read_submissions([boiler])[0].digest != first.digest
    annex.unlink()
    assert read_submissions([boiler])[0].digest != first.digest


def test_committed_form__leaves_absent_fields_out(boiler: Path) -> None:
    [submission] = read_submissions([boiler])
    document = committed_form(submission.certificate)
    assert "exporter" not in document and "blanket" not in document and "annex_root" not in document
    assert document == submission.document
    assert document == json.loads(boiler.read_text())


def test_read_submissions__nothing__refused() -> None:
    with pytest.raises(ValidationError, match="name at least one certificate file"):
        read_submissions([])


@given(invoices=st.lists(st.text(alphabet="ABC-0123456789", min_size=1, max_size=12), min_size=2, max_size=5))
def test_read_submissions__digest_tells_certificates_apart(invoices: list[str], tmp_path_factory) -> None:
    directory = tmp_path_factory.mktemp("many")
    document = json.loads((EXAMPLES / f"{BOILER}.certificate.json").read_text())
    paths = []
    for index, invoice in enumerate(invoices):
        document["goods"][0]["invoice_number"] = invoice
        paths.append(directory / f"c{index}.json")
        paths[-1].write_text(json.dumps(document))
    if len(set(invoices)) == len(invoices):
        assert len({submission.digest for submission in read_submissions(paths)}) == len(invoices)
    else:
        with pytest.raises(ValidationError, match="holds the same certificate and annex as"):
            read_submissions(paths)
