"""Hand-built trade statistics where the answer is obvious, ingested through the real Comtrade adapter."""

from __future__ import annotations

from pathlib import Path

from diversion.store import Workspace
from tests.factory import ingest_one

HEADER = "freqCode,refYear,period,reporterISO,partnerISO,flowCode,classificationCode,cmdCode,primaryValue"
ISO3 = {"KZ": "KAZ", "RU": "RUS", "KG": "KGZ", "CN": "CHN", "AM": "ARM", "DE": "DEU", "W": "W00"}


def row(year: int, reporter: str, partner: str, flow: str, code: str, value: float) -> str:
    edition = "H6" if year >= 2022 else "H5"
    return f"A,{year},{year},{ISO3[reporter]},{ISO3[partner]},{flow},{edition},{code},{value}"


def comtrade(ws: Workspace, path: Path, rows: list[str]) -> None:
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    report = ingest_one(ws, path)
    assert report.rows_quarantined == 0, report


def kazakh_chips(ws: Workspace, tmp: Path) -> None:
    """Kazakhstan's chip exports to Russia: 245k (2020, 2021) -> 18M (2022); cars steady; a heading and
    its subheadings side by side (never to be added up); Kyrgyz scopes to Russia new in 2022."""
    rows = []
    for year, chips in ((2020, 240_000), (2021, 245_000), (2022, 18_000_000), (2023, 9_000_000)):
        rows += [
            row(year, "KZ", "RU", "X", "854231", chips * 0.6),
            row(year, "KZ", "RU", "X", "854239", chips * 0.4),
            row(year, "KZ", "RU", "X", "8542", chips),  # the heading, published beside its subheadings
            row(year, "KZ", "RU", "X", "870323", 50_000_000),  # steady trade: no finding
            row(year, "KZ", "CN", "M", "854231", 35_000_000 if year < 2022 else 75_000_000),
            row(year, "KG", "RU", "X", "620342", 2_000_000),
        ]
    rows += [row(2022, "KG", "RU", "X", "901310", 400_000), row(2023, "KG", "RU", "X", "901310", 600_000)]
    comtrade(ws, tmp / "comtrade.csv", rows)


def two_views(ws: Workspace, tmp: Path) -> None:
    """Each side of three flows: Kyrgyz exports to Russia as both count them (+172% and +133%); German
    chips to Kazakhstan that Kazakhstan books at a fifth (phantom); Kazakh chips to Russia, whose imports
    Russia stopped publishing."""
    rows = [
        row(2021, "KG", "RU", "X", "TOTAL", 393_300_000), row(2022, "KG", "RU", "X", "TOTAL", 1_069_700_000),
        row(2021, "RU", "KG", "M", "TOTAL", 337_900_000), row(2022, "RU", "KG", "M", "TOTAL", 788_500_000),
        row(2021, "DE", "KZ", "X", "854231", 1_000_000), row(2022, "DE", "KZ", "X", "854231", 10_000_000),
        row(2021, "KZ", "DE", "M", "854231", 1_050_000), row(2022, "KZ", "DE", "M", "854231", 2_000_000),
        row(2021, "KZ", "RU", "X", "854231", 245_000), row(2022, "KZ", "RU", "X", "854231", 18_000_000),
        row(2021, "RU", "KZ", "M", "854231", 250_000),
    ]  # fmt: skip
    comtrade(ws, tmp / "views.csv", rows)
