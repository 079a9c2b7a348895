"""Short factories for test inputs (declarations rows and files)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from diversion.ingest.declarations_csv import COLUMNS
from diversion.ingest.run import InputReport, ingest
from diversion.store import Workspace


def decl(**overrides: object) -> dict[str, str]:
    """One declarations row: an import of 500 DJI drones into Kazakhstan unless told otherwise."""
    row = {
        "declaration_id": "KZ-1",
        "date": "2022-05-12",
        "declaring_country": "KZ",
        "direction": "import",
        "exporter_name": "DJI Europe B.V.",
        "exporter_id": "",
        "exporter_country": "NL",
        "importer_name": "ТОО «Аспан Арба»",
        "importer_id": "220440031187",
        "importer_country": "KZ",
        "origin_country": "CN",
        "dispatch_country": "NL",
        "destination_country": "KZ",
        "hs_code": "880622",
        "description": "Квадрокоптер DJI Mavic 3",
        "brand": "DJI",
        "model": "Mavic 3",
        "quantity": "500",
        "unit": "pcs",
        "net_kg": "450",
        "value": "1250000",
        "currency": "USD",
        "value_usd": "1250000",
    }
    row.update({key: str(value) for key, value in overrides.items()})
    return row


def csv_text(rows: list[dict[str, str]], columns: tuple[str, ...] | list[str] = COLUMNS) -> str:
    """Rows as CSV text with a header (values quoted when they hold a comma or quote)."""

    def cell(value: str) -> str:
        return '"' + value.replace('"', '""') + '"' if any(c in value for c in ',"\n\r') else value

    lines = [",".join(columns)] + [",".join(cell(row.get(c, "")) for c in columns) for row in rows]
    return "\n".join(lines) + "\n"


def write_decls(path: Path, rows: list[dict[str, str]], encoding: str = "utf-8") -> Path:
    path.write_bytes(csv_text(rows).encode(encoding))
    return path


def ingest_one(ws: Workspace, path: Path) -> InputReport:
    """Ingest one file that must be readable; its counts must reconcile."""
    report = ingest(ws, [path]).inputs[0]
    assert report.error is None, report.error
    assert report.rows_read == report.rows_accepted + report.rows_quarantined, report
    return report


def rows_by(ws: Workspace, table: str, key: str) -> dict[str, dict[str, Any]]:
    """The rows of a canonical table, by one of their columns."""
    return {row[key]: row for row in ws.table(table).to_pyarrow().to_pylist()}
