"""National statistics by partner in (Kazakhstan, Kyrgyzstan, Uzbekistan, Armenia, the IMF's view of Russia).

Samples in ``data/samples/trade/national/`` are rows copied from the real tables in ``shared/data/trade/``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from diversion.ingest.run import ingest
from diversion.store import Workspace
from tests.conftest import SAMPLES
from tests.factory import ingest_one as run

FOLDER = SAMPLES / "trade" / "national"


def totals(ws: Workspace, **where: str) -> dict[tuple[str, str], float]:
    """value_usd in millions by (flow, period) of the flows matching ``where``."""
    found: dict[tuple[str, str], float] = {}
    for row in ws.table("flows").to_pyarrow().to_pylist():
        if all(row[k] == v for k, v in where.items()):
            key = (row["flow"], row["period"])
            found[key] = round(found.get(key, 0.0) + row["value_usd"] / 1e6, 2)
    return found


def reasons(ws: Workspace) -> list[str]:
    return sorted(ws.table("quarantine").reason.to_pyarrow().to_pylist())


def test_kazakhstan(ws: Workspace) -> None:
    report = run(ws, FOLDER / "kazakhstan_natstat_trade_by_partner_annual_sample.csv")
    assert (report.format, report.rows_read, report.rows_quarantined) == ("kz_stat.by_partner", 28, 2)
    russia = totals(ws, partner="RU", dataset="kz_natstat")
    assert (russia[("export", "2021")], russia[("export", "2022")], russia[("export", "2023")]) == (
        7018.75,
        9091.39,
        10207.42,
    )
    assert totals(ws, partner="world")[("export", "2022")] == 84593.07
    assert totals(ws, partner="cis")  # groupings are aggregates, not quarantined
    assert reasons(ws) == [  # Trinidad and Tobago listed twice in 2020 under two spellings
        "repeats record 13:export (same flow and value, the partner written another way)",
        "repeats record 13:import (same flow and value, the partner written another way)",
    ]


def test_kyrgyzstan(ws: Workspace) -> None:
    report = run(ws, FOLDER / "kyrgyzstan_natstat_exports_by_partner_annual_sample.csv")
    assert (report.format, report.rows_read, report.rows_accepted) == ("kg_stat.by_partner", 10, 10)
    russia = totals(ws, partner="RU", dataset="kg_natstat")
    assert (russia[("export", "2021")], russia[("export", "2022")]) == (393.34, 1069.69)
    assert totals(ws, partner="BW") == {("export", "2022"): 0.0}  # "Bostwana", "-": none
    run(ws, FOLDER / "kyrgyzstan_natstat_imports_by_partner_annual_sample.csv")
    assert totals(ws, partner="CN", flow="import")[("import", "2022")] > 0


def test_uzbekistan_flow_from_table_number(ws: Workspace, tmp_path: Path) -> None:
    for table in ("1105", "1176"):
        report = run(ws, FOLDER / f"uzbekistan_natstat_sdmx_{table}_by_partner_sample.csv")
        assert (report.format, report.rows_read, report.rows_accepted) == ("uz_stat.sdmx", 42, 42)
    russia = totals(ws, partner="RU")
    assert (russia[("export", "2022")], russia[("import", "2022")]) == (3151.1, 6230.69)
    assert totals(ws, partner="rest_of_world")  # code 0 "Other countries": not World
    renamed = tmp_path / "uzbekistan_by_partner.csv"  # the same table without its number: which flow?
    lines = (
        (FOLDER / "uzbekistan_natstat_sdmx_1105_by_partner_sample.csv")
        .read_text(encoding="utf-8-sig")
        .splitlines()
    )
    renamed.write_text("\n".join(lines[:2]) + "\n", encoding="utf-8")
    report = ingest(ws, [renamed]).inputs[0]
    assert report.error is not None and "table number" in report.error


def test_armenia(ws: Workspace) -> None:
    report = run(ws, FOLDER / "armenia_armstat_trade_by_partner_monthly_sample.csv")
    assert (report.format, report.rows_read, report.rows_quarantined) == ("armstat.by_partner", 48, 3)
    russia = totals(ws, partner="RU", dataset="armstat")
    assert (russia[("export", "2022")], russia[("export", "2022-01")]) == (2410.96, 68.04)
    assert ("export", "2023") not in russia and russia[("export", "2023-01")] == 354.93
    consignment = totals(ws, partner="RU", dataset="armstat_consignment")
    assert set(f for f, _ in consignment) == {"import"}
    assert set(reasons(ws)) == {
        "total so far of an incomplete year, not an annual figure (months published: 1)"
    }
    assert totals(ws, partner="not_specified")  # "Unknown country": an aggregate


def test_imf_russia(ws: Workspace) -> None:
    report = run(ws, FOLDER / "imf_imts_russia_by_partner_annual_sample.csv")
    assert (report.format, report.rows_quarantined) == ("imf_imts.sdmx_csv", 0)
    kyrgyzstan = totals(ws, partner="KG", reporter="RU", dataset="imf_imts")
    assert (kyrgyzstan[("import", "2021")], kyrgyzstan[("import", "2022")]) == (337.9, 788.54)
    world = ws.table("flows").filter(lambda t: t.partner == "world").to_pyarrow().to_pylist()
    assert world and all(r["partner_is_country"] is False and r["currency"] == "USD" for r in world)
    assert pytest.approx(world[0]["value"]) == world[0]["value_usd"]
