"""Eurostat Comext in: bulk rows split by procedure summed into flows; labelled extracts as totals.

Samples: ``eurostat_*_sample.csv`` are rows copied from the real extracts in ``shared/data/trade/``; the two
``comext_bulk_*_illustrative.csv`` carry the bulk files' headers with invented figures.
"""

from __future__ import annotations

from diversion.store import Workspace
from tests.conftest import SAMPLES
from tests.factory import ingest_one as run

FOLDER = SAMPLES / "trade" / "comext"


def flows(ws: Workspace) -> list[dict[str, object]]:
    return ws.table("flows").to_pyarrow().to_pylist()


def test_labelled_annual(ws: Workspace) -> None:
    report = run(ws, FOLDER / "eurostat_eu27_exports_by_partner_annual_sample.csv")
    assert (report.format, report.rows_read, report.rows_accepted) == ("comext.csv", 5, 5)
    found = {(r["partner"], r["period"]): r for r in flows(ws)}
    kyrgyzstan = found[("KG", "2022")]
    kg = kyrgyzstan
    assert (kg["reporter"], kg["reporter_is_country"], kg["flow"], kg["hs_code"]) == (
        "eu27", False, "export", "TOTAL",
    )  # fmt: skip
    assert (kyrgyzstan["value"], kyrgyzstan["currency"], kyrgyzstan["value_usd"]) == (1170905952, "EUR", None)
    assert found[("KG", "2021")]["value"] == 263239032
    assert ("BY", "2022") in found  # "Belarus (Belorussia)": looked up without its parenthesis
    assert found[("high_seas", "2022")]["partner_is_country"] is False


def test_labelled_monthly_reporters(ws: Workspace) -> None:
    run(ws, FOLDER / "eurostat_member_trade_with_hubs_monthly_sample.csv")
    reporters = {(r["reporter"], r["reporter_is_country"]) for r in flows(ws)}
    assert reporters == {
        ("DE", True),
        ("LT", True),
        ("AT", True),
        ("BE", True),
        ("eu27", False),
        ("euro_area_changing", False),
    }
    imports = [r for r in flows(ws) if r["flow"] == "import"]
    assert {(r["reporter"], r["partner"], r["period"]) for r in imports} == {
        ("AT", "KG", "2022-01"),
        ("BE", "KG", "2022-01"),
    }


def test_bulk_procedures_summed(ws: Workspace) -> None:
    report = run(ws, FOLDER / "comext_bulk_full_202201_illustrative.csv")
    assert (report.rows_read, report.rows_accepted) == (5, 5)
    cars = {(r["reporter"], r["period"]): r for r in flows(ws) if r["hs_code"] == "87032390"}
    germany = cars[("DE", "2022-01")]
    assert germany["value"] == 1520000 + 84000  # normal trade + inward processing, no total row in bulk files
    assert (germany["hs_version"], germany["net_kg"], germany["quantity"], germany["quantity_unit"]) == (
        "CN2022", 61000 + 3100, 50, "p/st",
    )  # fmt: skip
    assert cars[("DE", "2022")]["value"] == 18240000  # PERIOD 202252: the whole year
    parts = ws.table("flow_breakdowns").to_pyarrow().to_pylist()
    assert {r["breakdown_value"] for r in parts} == {"normal", "inward processing"}


def test_bulk_v2(ws: Workspace) -> None:
    report = run(ws, FOLDER / "comext_bulk_full_v2_202401_illustrative.csv")
    assert (report.rows_read, report.rows_accepted) == (4, 4)
    chips = [r for r in flows(ws) if r["hs_code"] == "85423190"]
    assert [(r["reporter"], r["partner"], r["flow"], r["value"]) for r in chips] == [
        ("DE", "KZ", "export", 43000)
    ]
    drones = {(r["reporter"], r["flow"]) for r in flows(ws) if r["hs_code"] == "88062210"}
    assert drones == {("PL", "export"), ("DE", "import")}
