"""The pilot's input files: the examples, signed over to the cast's accounts, and the generated batch.

The examples name the test chain's accounts 1 to 3; here every certificate names its actual
certifier's account and every annex its actual owner's, so the pilot holds on whichever accounts
the cast plays. Each certificate is written as `NAME.certificate.json` with its annex beside it as
`NAME.annex.json`, where `certify` looks for it.
"""

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from originproof.flows.certify import ANNEX_SUFFIX, CERTIFICATE_SUFFIX

BATCH_SIZE = 100
FAILING_INVOICE = "CN-2025-00452"
AMENDED_PHONE = "+1 414 555 0199"

Edit = Callable[[dict[str, Any]], None]


@dataclass(frozen=True)
class Documents:
    """The certificate files of one run (each annex lies beside its certificate)."""

    boiler: Path
    """USMCA, single shipment, steam boiler whose annex gives VNM 38,000 (RVC 68.3%)."""
    failing_boiler: Path
    """The same boiler on another invoice, its annex giving VNM 52,000 (RVC 56.7%)."""
    blanket: Path
    """USMCA blanket certificate for 2025 (printed circuits), its annex owned by another producer."""
    nafta: Path
    """NAFTA (Form 434) blanket certificate for 2019."""
    cafta_dr: Path
    """CAFTA-DR, single shipment of pumps, certified by the importer, annex owned by a producer."""
    amendment: Path
    """The USMCA blanket certificate again, with the importer's telephone corrected."""
    batch: tuple[Path, ...]
    """Single-shipment boiler certificates, one per invoice, without annexes, certified as one batch."""


@dataclass(frozen=True)
class Signatories:
    """The accounts the documents name: who certifies, and who owns each annex."""

    producer: str
    second_producer: str
    exporter: str
    importer: str


def prepare(examples: Path, directory: Path, accounts: Signatories) -> Documents:
    """Write the run's certificate and annex files under `directory`, from the files in `examples`."""
    directory.mkdir(parents=True, exist_ok=True)

    def pair(
        example: str, name: str, certifier: str, annex_owner: str, edit: Edit | None = None, annex: str = ""
    ) -> Path:
        return _pair(examples, directory, example, name, certifier, annex_owner, edit, annex or example)

    def new_invoice(document: dict[str, Any]) -> None:
        document["goods"][0]["invoice_number"] = FAILING_INVOICE

    def corrected_phone(document: dict[str, Any]) -> None:
        document["importer"]["phone"] = AMENDED_PHONE

    boiler = pair("usmca-single-boiler", "usmca-boiler", accounts.producer, accounts.producer)
    failing = pair(
        "usmca-single-boiler",
        "usmca-boiler-vnm-52000",
        accounts.producer,
        accounts.producer,
        new_invoice,
        annex="usmca-single-boiler-vnm-52000",
    )
    blanket_owner = accounts.second_producer
    return Documents(
        boiler=boiler,
        failing_boiler=failing,
        blanket=pair("usmca-blanket-circuits", "usmca-blanket", accounts.exporter, blanket_owner),
        nafta=pair("nafta-blanket-circuits", "nafta-blanket", accounts.exporter, accounts.exporter),
        cafta_dr=pair("cafta-dr-single-pumps", "cafta-dr-pumps", accounts.importer, accounts.producer),
        amendment=pair(
            "usmca-blanket-circuits",
            "usmca-blanket-amended",
            accounts.exporter,
            blanket_owner,
            corrected_phone,
        ),
        batch=_batch(examples, directory / "batch", accounts.producer),
    )


def _pair(
    examples: Path,
    directory: Path,
    example: str,
    name: str,
    certifier: str,
    annex_owner: str,
    edit: Edit | None,
    annex_example: str,
) -> Path:
    certificate = _read(examples / (example + CERTIFICATE_SUFFIX))
    certificate["certifier_account"] = certifier
    if edit is not None:
        edit(certificate)
    annex = _read(examples / (annex_example + ANNEX_SUFFIX))
    annex["owner"]["account"] = annex_owner
    _write(directory / (name + ANNEX_SUFFIX), annex)
    return _write(directory / (name + CERTIFICATE_SUFFIX), certificate)


def _batch(examples: Path, directory: Path, certifier: str) -> tuple[Path, ...]:
    """`BATCH_SIZE` variations of the boiler certificate, told apart by their invoice numbers."""
    directory.mkdir()
    template = _read(examples / ("usmca-single-boiler" + CERTIFICATE_SUFFIX))
    template["certifier_account"] = certifier
    paths = []
    for number in range(BATCH_SIZE):
        certificate = copy.deepcopy(template)
        certificate["goods"][0]["invoice_number"] = f"CN-2025-1{number:04d}"
        paths.append(_write(directory / f"boiler-{number:03d}{CERTIFICATE_SUFFIX}", certificate))
    return tuple(paths)


def _read(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


def _write(path: Path, document: dict[str, Any]) -> Path:
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
