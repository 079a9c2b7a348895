"""UN Comtrade legacy CSV in: totals to flows, splits by mode to flow_breakdowns, summed when no total.

Samples: ``data/samples/trade/comtrade/comtrade_legacy_*`` are rows copied from the real extracts in
``shared/data/trade/`` (Armenia's June 2022 car exports to Russia, by mode only; Georgia's "TOTAL MOT" rows).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from diversion.store import Workspace
from tests.conftest import SAMPLES
from tests.factory import ingest_one as run

ARMENIA = SAMPLES / "trade" / "comtrade" / "comtrade_legacy_armenia_hs8703_sample.csv"
GEORGIA = SAMPLES / "trade" / "comtrade" / "comtrade_legacy_georgia_hs8703_sample.csv"
# Armenia's HS4 exports of cars to Russia in June 2022, one row per mode of transport (land nes, self
# propelled, other, road, air) and no total row.
MODES_8703 = (582324.21, 199782.51, 22028.59, 2935298.67, 308295.5)

CLASSIC_HEADER = (
    "Classification,Year,Period,Period Desc.,Aggregate Level,Is Leaf Code,Trade Flow Code,Trade Flow,"
    "Reporter Code,Reporter,Reporter ISO,Partner Code,Partner,Partner ISO,Commodity Code,Commodity,"
    "Qty Unit Code,Qty Unit,Qty,Netweight (kg),Trade Value (US$),Flag"
)
KYRGYZSTAN_2021 = "2021,2021,2021,6,1"


def test_modes_summed_into_flows(ws: Workspace) -> None:
    report = run(ws, ARMENIA)
    assert (report.format, report.rows_read, report.rows_accepted, report.rows_quarantined) == (
        "comtrade.legacy_csv", 12, 12, 0,
    )  # fmt: skip
    flows = ws.table("flows")
    hs4 = flows.filter((flows.hs_code == "8703") & (flows.partner == "RU")).to_pyarrow().to_pylist()
    assert len(hs4) == 1  # one flow, the sum of the five modes: never counted twice
    row = hs4[0]
    assert (row["reporter"], row["flow"], row["period"], row["hs_version"], row["currency"]) == (
        "AM", "export", "2022-06", "HS2022", "USD",
    )  # fmt: skip
    assert row["value_usd"] == pytest.approx(sum(MODES_8703))
    assert row["quantity"] == 292 and row["net_kg"] == pytest.approx(34628 + 11100 + 2173 + 2193040.8 + 21950)
    assert row["reporter_is_country"] is True and row["partner_is_country"] is True
    parts = ws.table("flow_breakdowns")
    modes = parts.filter((parts.hs_code == "8703") & (parts.partner == "RU")).to_pyarrow().to_pylist()
    assert {(p["breakdown"], p["breakdown_value"]) for p in modes} == {
        ("mode_of_transport", m)
        for m in ("Land, not else classified", "Self propelled goods", "Other MOT", "Road", "Air")
    }
    hs6 = (
        flows.filter(flows.hs_code == "870323").to_pyarrow().to_pylist()
    )  # HS6 rows stay under their own code
    assert [r["value_usd"] for r in hs6] == [pytest.approx(96871.63 + 177982.51 + 2072942.62 + 130378.06)]


def test_areas_nes_is_an_aggregate(ws: Workspace) -> None:
    run(ws, ARMENIA)
    flows = ws.table("flows")
    nes = flows.filter(flows.partner == "areas_nes").to_pyarrow().to_pylist()
    assert [(r["partner_is_country"], r["value_usd"]) for r in nes] == [(False, 2528.77)]


def test_totals_over_all_modes(ws: Workspace) -> None:
    report = run(ws, GEORGIA)
    assert (report.rows_read, report.rows_accepted) == (4, 4)
    assert ws.count("flow_breakdowns") == 0
    flows = ws.table("flows").to_pyarrow().to_pylist()
    assert {(r["reporter"], r["partner"], r["hs_code"]) for r in flows} == {("GE", "RU", "8703")}


def test_classic_download_headers(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "comtrade_classic.csv"
    path.write_text(
        CLASSIC_HEADER + "\n"
        f"H5,{KYRGYZSTAN_2021},2,Export,417,Kyrgyzstan,KGZ,643,Russia,RUS,900510,Binoculars,5,items,120,85,43200,0\n"
        f"H5,{KYRGYZSTAN_2021},3,Re-Export,417,Kyrgyzstan,KGZ,398,Kazakhstan,KAZ,880240,Aeroplanes,5,items,1,,10,0\n"
        f"S4,{KYRGYZSTAN_2021},1,Import,417,Kyrgyzstan,KGZ,156,China,CHN,7764,Microcircuits,5,items,1,,10,0\n",
        encoding="utf-8",
    )
    report = run(ws, path)
    assert (report.format, report.rows_accepted, report.rows_quarantined) == ("comtrade.legacy_csv", 2, 1)
    flows = {r["flow"]: r for r in ws.table("flows").to_pyarrow().to_pylist()}
    assert (flows["export"]["period"], flows["export"]["hs_version"], flows["export"]["value_usd"]) == (
        "2021",
        "HS2017",
        43200,
    )
    assert flows["re-export"]["partner"] == "KZ"
    reasons = ws.table("quarantine").reason.to_pyarrow().to_pylist()
    assert reasons == ["not an HS classification: 'S4'"]
