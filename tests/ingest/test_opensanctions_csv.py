"""OpenSanctions targets.simple.csv in: parties with identifiers placed by shape, one listing per sanction."""

from __future__ import annotations

from pathlib import Path

from diversion.store import Workspace
from tests.conftest import SAMPLES
from tests.factory import ingest_one as run
from tests.factory import rows_by as by_id

SAMPLE = SAMPLES / "lists" / "opensanctions_targets.simple.csv"
CST = "NK-abdzbEBkqyT29GyREbiURZ"


def test_sample_parties(ws: Workspace) -> None:
    report = run(ws, SAMPLE)
    assert (report.format, report.rows_read, report.rows_accepted, report.rows_quarantined) == (
        "opensanctions.csv", 6, 6, 0,
    )  # fmt: skip
    parties = by_id(ws, "parties", "party_id")
    cst = parties[CST]
    assert (cst["kind"], cst["country"], cst["inn"], cst["ogrn"]) == (
        "company",
        "RU",
        "7720518494",
        "1047796289880",
    )
    assert cst["aliases"][:3] == ["LLC CST", "Zala Aero", "Zala Aero Group"]
    tobacco = parties["NK-2GdmHtZTeNXjNVrBGEXZNj"]
    assert tobacco["address"] == "Minsk Free Economic Zone; Minsk"  # a quoted value holding the separator
    assert (tobacco["inn"], tobacco["other_ids"]) == (None, ["id:808000714"])  # no Russian INN in Belarus
    kazakh = parties["NK-kz-aspan-arba"]
    assert (kazakh["bin"], kazakh["phone"], kazakh["email"]) == (
        "220440031187",
        "+7 727 355 0000",
        "info@aspan-arba.kz",
    )
    assert parties["NK-vessel-1"]["kind"] == "vessel"
    assert parties["NK-vessel-1"]["country"] == "RU"  # "zz" (global) is no country
    assert str(parties["NK-aU5ybkbRFJucf8YMwsJvDw"]["birth_date"]) == "1962-04-18"
    assert parties["NK-person-year"]["birth_date"] is None  # a year alone is no date


def test_sample_listings(ws: Workspace) -> None:
    run(ws, SAMPLE)
    listings = by_id(ws, "listings", "listing_id")
    assert len(listings) == 6
    eu = listings[f"{CST}#2"]
    assert (eu["party_id"], eu["program"], str(eu["listed_on"])) == (CST, "EU-UKR", "2023-06-23")
    assert (
        eu["list"] == "US OFAC Specially Designated Nationals (SDN) List;EU Financial Sanctions Files (FSF)"
    )
    assert listings[f"{CST}#1"]["program"] == "Russia-related Designations"
    assert not any(row["party_id"] == "NK-kz-aspan-arba" for row in listings.values())


def test_bad_rows_are_quarantined(ws: Workspace, tmp_path: Path) -> None:
    header = SAMPLE.read_text(encoding="utf-8").splitlines()[0]
    lines = [
        header,
        "os-1,Company,Alpha LLP,,,kz,,,,,,Test,2024-01-01,2024-01-02,2024-01-02",
        "os-2,Company,,,,kz,,,,,,Test,2024-01-01,2024-01-02,2024-01-02",
        "os-3,Person,Beta,,,narnia,,,,,,Test,2024-01-01,2024-01-02,2024-01-02",
        "os-4,Company,Gamma,,,kz,,,,,,Test,2024-01-01",
    ]
    path = tmp_path / "targets.simple.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = run(ws, path)
    assert (report.rows_read, report.rows_accepted, report.rows_quarantined) == (4, 1, 3)
    reasons = {r["record"]: r["reason"] for r in ws.table("quarantine").to_pyarrow().to_pylist()}
    assert reasons["2"] == "missing name"
    assert reasons["3"] == "unknown country country 'narnia'"
    assert reasons["4"] == "expected 15 fields, found 13 (line 5)"
