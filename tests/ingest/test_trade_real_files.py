"""Every real trade table in shared/data/trade ingests with no error, and the reported figures come out.

Read = accepted + quarantined for each file; what is quarantined is genuinely unusable (a row with no
partner name, a year-to-date total posing as a year, a spreadsheet formula never computed, a country
listed twice under two spellings), never a country name or a grouping the alias table lacks.

The figures are those of CASES.md / SOURCES.md, measured here from ``flows``. One differs on purpose:
Armenia's HS 8703 car exports to Russia are $3.47M (2021), $236.84M (2022), $354.04M (2023) and its
imports from everyone else $84.2M, $587.7M, $995.6M. CASES.md gives twice these ($6.9M, $473.7M, $708.1M;
$168M, $1,175M, $1,991M) because it summed the file's HS4 rows (``aggregate_level`` 4) and their HS6
detail (level 6) together; the HS6 rows add up to the HS4 ones exactly.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from diversion.ingest.run import Manifest, ingest
from diversion.store import Workspace, open_workspace
from tests.conftest import shared

pytestmark = pytest.mark.slow

FORMATS_AND_QUARANTINE = {
    "armenia_armstat_trade_by_partner_monthly.csv": ("armstat.by_partner", 33282, 615),
    "comtrade_armenia_monthly_hs851713_2022_2024.csv": ("comtrade.legacy_csv", 286, 0),
    "comtrade_armenia_monthly_hs8703_2017_2023.csv": ("comtrade.legacy_csv", 10405, 0),
    "comtrade_georgia_monthly_hs8703_2021_2023.csv": ("comtrade.legacy_csv", 2493, 0),
    "eurostat_eu27_exports_by_partner_annual_2010_2023.csv": ("comext.csv", 3159, 0),
    "eurostat_eu_member_trade_with_hubs_monthly_2019_2024.csv": ("comext.csv", 14063, 0),
    "imf_imts_russia_by_partner_annual_2016_2024.csv": ("imf_imts.sdmx_csv", 3704, 0),
    "kazakhstan_natstat_trade_by_partner_annual_2018_2023.csv": ("kz_stat.by_partner", 2038, 11),
    "kyrgyzstan_natstat_exports_by_partner_annual_1994_2023.csv": ("kg_stat.by_partner", 4799, 2),
    "kyrgyzstan_natstat_imports_by_partner_annual_1994_2023.csv": ("kg_stat.by_partner", 6118, 40),
    "uzbekistan_natstat_sdmx_1105_by_partner_2010_2023.csv": ("uz_stat.sdmx", 3192, 0),
    "uzbekistan_natstat_sdmx_1176_by_partner_2010_2023.csv": ("uz_stat.sdmx", 3276, 0),
}
"""File -> (format detected, rows read, rows quarantined). Wide tables count one row per non-empty cell."""

QUARANTINE_REASONS = (
    "total so far of an incomplete year",  # Armstat's 2023 "Year" rows: January only
    "missing partner",  # Armstat rows with an empty country name
    "not a number: value '=",  # Kyrgyz NSC cells holding an uncomputed spreadsheet formula
    "repeats record",  # Kazakh rows listed twice under two spellings
)


@pytest.fixture(scope="module")
def trade(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Workspace, Manifest]]:
    folder = shared("trade")
    ws = open_workspace(tmp_path_factory.mktemp("trade") / "work.duckdb", "duckdb")
    manifest = ingest(ws, sorted(folder.glob("*.csv")))  # raw/ holds the spreadsheets behind two tables
    yield ws, manifest
    ws.close()


def yearly(ws: Workspace, **where: str) -> dict[str, float]:
    """Sum of value_usd in millions by year over the flows matching ``where`` (a leading "!" negates)."""
    flows = ws.table("flows")
    for column, value in where.items():
        flows = flows.filter(flows[column] != value[1:] if value.startswith("!") else flows[column] == value)
    by_year = flows.group_by(year=flows.period.substr(0, 4)).aggregate(total=flows.value_usd.sum() / 1e6)
    return {row["year"]: round(row["total"], 2) for row in by_year.to_pyarrow().to_pylist()}


def test_every_file_ingests(trade: tuple[Workspace, Manifest]) -> None:
    _, manifest = trade
    found = {Path(i.path).name: i for i in manifest.inputs}
    assert set(found) == set(FORMATS_AND_QUARANTINE)
    for name, (fmt, read, quarantined) in FORMATS_AND_QUARANTINE.items():
        report = found[name]
        assert report.error is None, report.error
        assert report.rows_read == report.rows_accepted + report.rows_quarantined, report
        assert (report.format, report.rows_read, report.rows_quarantined) == (fmt, read, quarantined), name


def test_quarantine_is_genuine(trade: tuple[Workspace, Manifest]) -> None:
    ws, _ = trade
    reasons = ws.table("quarantine").reason.to_pyarrow().to_pylist()
    assert reasons and all(r.startswith(QUARANTINE_REASONS) for r in reasons), {
        r for r in reasons if not r.startswith(QUARANTINE_REASONS)
    }
    flows = ws.table("flows")
    assert (
        int(
            flows.filter(flows.reporter_is_country.isnull() | flows.partner_is_country.isnull())
            .count()
            .execute()
        )
        == 0
    )


def test_armenia_cars_to_russia(trade: tuple[Workspace, Manifest]) -> None:
    ws, _ = trade
    exports = yearly(ws, dataset="comtrade", hs_code="8703", reporter="AM", partner="RU", flow="export")
    assert (exports["2021"], exports["2022"], exports["2023"]) == (3.47, 236.84, 354.04)
    imports = yearly(ws, dataset="comtrade", hs_code="8703", reporter="AM", partner="!RU", flow="import")
    assert (imports["2021"], imports["2022"], imports["2023"]) == (84.18, 587.67, 995.64)
    parts = ws.table("flow_breakdowns")
    assert int(parts.count().execute()) == 10405  # every row is a mode of transport: flows holds their sums


def test_kyrgyzstan_and_russia(trade: tuple[Workspace, Manifest]) -> None:
    ws, _ = trade
    kyrgyz = yearly(ws, dataset="kg_natstat", reporter="KG", partner="RU", flow="export")
    assert (kyrgyz["2021"], kyrgyz["2022"], kyrgyz["2023"]) == (393.34, 1069.69, 823.73)
    mirror = yearly(ws, dataset="imf_imts", reporter="RU", partner="KG", flow="import")
    assert (mirror["2021"], mirror["2022"]) == (337.9, 788.54)


def test_eu_exports_to_kyrgyzstan(trade: tuple[Workspace, Manifest]) -> None:
    ws, _ = trade
    flows = ws.table("flows")
    eu = flows.filter((flows.dataset == "comext") & (flows.reporter == "eu27") & (flows.partner == "KG"))
    annual = eu.filter((eu.flow == "export") & (eu.period.length() == 4)).to_pyarrow().to_pylist()
    values = {r["period"]: round(r["value"] / 1e6, 1) for r in annual}
    assert (values["2021"], values["2022"]) == (263.2, 1170.9)
    assert {r["currency"] for r in annual} == {"EUR"} and {r["value_usd"] for r in annual} == {None}


def test_other_context_figures(trade: tuple[Workspace, Manifest]) -> None:
    ws, _ = trade
    kazakh = yearly(ws, dataset="kz_natstat", partner="RU", flow="export")
    assert (kazakh["2021"], kazakh["2022"], kazakh["2023"]) == (7018.75, 9091.39, 10207.42)
    flows = ws.table("flows")
    armstat = flows.filter((flows.dataset == "armstat") & (flows.partner == "RU") & (flows.flow == "export"))
    annual = {
        r["period"]: round(r["value_usd"] / 1e6, 1)
        for r in armstat.filter(armstat.period.length() == 4).to_pyarrow().to_pylist()
    }
    assert (annual["2021"], annual["2022"]) == (840.7, 2411.0)
    uzbek = yearly(ws, dataset="uz_natstat", partner="RU", flow="export")
    assert uzbek["2022"] == 3151.1
