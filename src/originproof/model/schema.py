"""JSON Schema of the certificate and the annex, for other implementations and editors.

The package ships the schemas under `originproof/data/schema/`; a test keeps those files equal to
what `json_schema` generates, and `write_json_schemas` regenerates them after a model change.
"""

import json
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

from pydantic import TypeAdapter

from originproof.model.loading import ANNEX_ADAPTER, CERTIFICATE_ADAPTER

Document = Literal["certificate", "annex"]
DOCUMENTS: tuple[Document, ...] = ("certificate", "annex")

_DIALECT = "https://json-schema.org/draft/2020-12/schema"
_ADAPTERS: dict[Document, TypeAdapter[Any]] = {"certificate": CERTIFICATE_ADAPTER, "annex": ANNEX_ADAPTER}


def json_schema(document: Document) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a certificate or an annex, as accepted on input."""
    schema = _ADAPTERS[document].json_schema(mode="validation")
    return {"$schema": _DIALECT, "title": document, **schema}


def schema_filename(document: Document) -> str:
    return f"{document}.schema.json"


def shipped_schema_dir() -> Path:
    """Where the package keeps its committed schema files."""
    return Path(str(files("originproof") / "data" / "schema"))


def write_json_schemas(directory: Path | None = None) -> None:
    """Write every schema to `directory` (default: the package's own schema directory)."""
    target = directory or shipped_schema_dir()
    target.mkdir(parents=True, exist_ok=True)
    for document in DOCUMENTS:
        text = json.dumps(json_schema(document), indent=2, ensure_ascii=False) + "\n"
        (target / schema_filename(document)).write_text(text, encoding="utf-8")
