"""The consignments every shipment detector starts from: the lines of one shipment folded into one."""

from __future__ import annotations

from pathlib import Path

from diversion.detect.shipments.common import consignments
from diversion.resolve import resolve
from diversion.store import Workspace
from tests.factory import decl, ingest_one, write_decls

LINES = [
    decl(declaration_id="KZ-1", quantity="500", description="Квадрокоптер DJI Mavic 3"),
    # the same consignment declared again, its description worded another way: one consignment
    decl(declaration_id="KZ-1b", quantity="500", description="Квадрокоптеры DJI Mavic 3 Pro"),
    decl(declaration_id="KZ-2", quantity="120", date="2022-06-01", value_usd="300000"),
]


def test_lines_of_one_consignment_fold_into_one_led_by_the_first(ws: Workspace, tmp_path: Path) -> None:
    ingest_one(ws, write_decls(tmp_path / "kz.csv", LINES))
    resolve(ws)
    rows = sorted(consignments(ws).to_pyarrow().to_pylist(), key=lambda r: r["quantity"])
    assert [(r["quantity"], r["declaration_id"], len(r["lines"])) for r in rows] == [
        (120.0, "KZ-2", 1),
        (500.0, "KZ-1", 2),  # the first line by source and record speaks for the consignment
    ]
    assert rows[1]["description"] == "Квадрокоптер DJI Mavic 3"


def test_a_line_stored_twice_under_one_source_and_record_is_still_one_consignment(
    ws: Workspace, tmp_path: Path
) -> None:
    ingest_one(ws, write_decls(tmp_path / "kz.csv", LINES))
    resolve(ws)
    # A file changed and read again under the same name: its lines are stored again, same source, same
    # record numbers.
    ws.insert("declarations", ws.table("declarations"))
    rows = sorted(consignments(ws).to_pyarrow().to_pylist(), key=lambda r: r["quantity"])
    assert [(r["quantity"], r["declaration_id"], len(r["lines"])) for r in rows] == [
        (120.0, "KZ-2", 2),
        (500.0, "KZ-1", 4),
    ]
