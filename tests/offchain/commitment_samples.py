"""Plain JSON documents shaped like the model's `model_dump(mode="json")`, for the commitment tests.

The size the benchmarks name: a certificate of 5 goods lines and an annex of 20 materials.
"""

from typing import Any

from originproof.commitments import ChainContext
from originproof.enums import Agreement

CERTIFIER = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"


def _contact(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "address": "Blvd. Luis Donaldo Colosio 4100, 88275 Nuevo Laredo, Tamps., Mexico",
        "phone": "+52 867 555 0190",
        "email": "compliance@example.com",
    }


def certificate(goods: int = 5, annex_root: str = "0x" + "ab" * 32) -> dict[str, Any]:
    """A USMCA blanket certificate with `goods` lines."""
    return {
        "agreement": "USMCA",
        "certifier": {
            **_contact("Frontera Trade Logistics, S. de R.L. de C.V."),
            "role": "exporter",
            "title": "Gerente",
        },
        "exporter": None,
        "producer": {**_contact("Circuitos Impresos del Bajío, S.A. de C.V."), "kind": "named"},
        "importer": _contact("Lakeshore Controls Inc."),
        "goods": [
            {
                "description": f"Printed circuit boards, {line + 2}-layer, FR-4, bare",
                "hs_code": f"8534{line:02d}",
                "origin_criterion": "B",
                "invoice_number": None,
            }
            for line in range(goods)
        ],
        "blanket": {"from": "2025-01-01", "to": "2025-12-31"},
        "signature": {"name": "Rodrigo Salinas Ávila", "date": "2024-12-20", "statement": "I certify that…"},
        "certifier_account": CERTIFIER,
        "annex_root": annex_root,
    }


def annex(materials: int = 20) -> dict[str, Any]:
    """A bill of materials with `materials` lines."""
    return {
        "good_description": "Watertube steam boiler, 50 t/h steam output, model CN-50",
        "good_hs_code": "840211",
        "owner": {
            "name": "Calderas del Norte, S.A. de C.V.",
            "account": "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
        },
        "currency": "USD",
        "materials": [
            {
                "description": f"Material {line}: boiler-quality steel plate, hot-rolled",
                "hs_code": "720851",
                "origin_country": "MX" if line % 2 else "DE",
                "originating": bool(line % 2),
                "supplier": "Aceros Regiomontanos, S.A.",
                "value": f"{1000 + line}.00",
                "supplier_declaration": None,
            }
            for line in range(materials)
        ],
        "transaction_value": "120000.00",
        "net_cost": None,
        "total_cost": None,
        "adjusted_value": None,
    }


def context(cert_hash: bytes) -> ChainContext:
    """The chain context of a blanket certificate for 2025."""
    return ChainContext(
        cert_hash=cert_hash,
        agreement=Agreement.USMCA,
        blanket_from=1_735_689_600,
        blanket_to=1_767_139_200,
        certifier=CERTIFIER,
    )
