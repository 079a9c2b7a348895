"""UN Comtrade Plus bulk CSV and API JSON in: the same rows either way; breakdowns split from totals.

Samples: ``data/samples/trade/comtrade/comtrade_{bulk,api}_armenia_hs851713_2022_sample.*`` hold five
real rows of the Armenian smartphone extract (``shared/data/trade/comtrade_armenia_monthly_hs851713_...``)
rewritten in the Comtrade Plus layout.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from diversion.ingest.run import ingest
from diversion.store import Workspace, open_workspace
from tests.conftest import SAMPLES
from tests.factory import ingest_one as run

FOLDER = SAMPLES / "trade" / "comtrade"
CSV = FOLDER / "comtrade_bulk_armenia_hs851713_2022_sample.csv"
JSON = FOLDER / "comtrade_api_armenia_hs851713_2022_sample.json"

HEADER = (
    "freqCode\trefYear\trefMonth\tperiod\treporterCode\treporterISO\tflowCode\tpartnerCode\tpartnerISO\tpartner2Code\t"
    "classificationCode\tcmdCode\tcustomsCode\tcustomsDesc\tmotCode\tmotDesc\tqtyUnitAbbr\tqty\tnetWgt\tprimaryValue"
)


def rows(ws: Workspace, table: str = "flows") -> list[dict[str, object]]:
    found = ws.table(table).drop("source", "record", "run_id").to_pyarrow().to_pylist()
    return sorted(found, key=lambda r: (str(r["period"]), str(r["flow"]), str(r["partner"])))


def test_csv_and_json_agree(ws: Workspace, tmp_path: Path) -> None:
    report = run(ws, CSV)
    assert (report.format, report.rows_read, report.rows_accepted) == ("comtrade.api", 5, 5)
    from_csv = rows(ws)
    ws.close()
    other = open_workspace(tmp_path / "json.duckdb", "duckdb")
    report = run(other, JSON)
    assert (report.format, report.rows_read, report.rows_accepted) == ("comtrade.api", 5, 5)
    assert rows(other) == from_csv
    export = next(r for r in from_csv if r["flow"] == "export" and r["period"] == "2022-06")
    assert (export["reporter"], export["partner"], export["hs_code"], export["hs_version"]) == (
        "AM",
        "RU",
        "851713",
        "HS2022",
    )
    assert export["value_usd"] == pytest.approx(5763075.56)
    other.close()


def test_breakdowns(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "comtrade_plus.tsv"
    kg_ru = "M\t2023\t3\t202303\t417\tKGZ\tX\t643\tRUS\t0\tH6\t854231\tC00\tTOTAL CPC"
    cn_kg = "M\t2023\t3\t202303\t417\tKGZ\tM\t156\tCHN\t0\tH6\t854231"
    lines = [
        # a total and its split by mode: flows keeps the total, the parts go to flow_breakdowns
        f"{kg_ru}\t0\tTOTAL MOT\tu\t900\t1.5\t120000",
        f"{kg_ru}\t3200\tRoad\tu\t800\t1.3\t100000",
        f"{kg_ru}\t1000\tAir\tu\t100\t0.2\t20000",
        # no total: the customs procedures are summed
        f"{cn_kg}\tC01\tImport\t0\tTOTAL MOT\tu\t10\t0.1\t7000",
        f"{cn_kg}\tC02\tRe-import\t0\tTOTAL MOT\tu\t5\t0.1\t3000",
        # a processing flow and a SITC row: not canonical, quarantined
        f"{kg_ru.replace(chr(9) + 'X' + chr(9), chr(9) + 'XIP' + chr(9))}\t0\tTOTAL MOT\tu\t1\t0.1\t10",
        "A\t2023\t52\t2023\t417\tKGZ\tX\t643\tRUS\t0\tS4\t7764\tC00\tTOTAL CPC\t0\tTOTAL MOT\tu\t1\t0.1\t10",
    ]
    path.write_text(HEADER + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    report = run(ws, path)
    assert (report.format, report.rows_accepted, report.rows_quarantined) == ("comtrade.api", 5, 2)
    flows = {(r["flow"], r["partner"]): r for r in rows(ws)}
    assert flows[("export", "RU")]["value_usd"] == 120000
    assert flows[("import", "CN")]["value_usd"] == 10000
    assert ws.count("flow_breakdowns") == 4
    reasons = sorted(ws.table("quarantine").reason.to_pyarrow().to_pylist())
    assert reasons == [
        "flow must be one of import, export, re-export, re-import: 'xip'",
        "not an HS classification: 'S4'",
    ]


def test_json_without_data(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "answer.json"
    path.write_text(
        json.dumps({"data": {"flowCode": "X", "cmdCode": "8703", "primaryValue": 1}}), encoding="utf-8"
    )
    report = ingest(ws, [path]).inputs[0]
    assert report.error is not None and "data" in report.error
