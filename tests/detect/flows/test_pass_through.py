"""flows.pass_through: exports to the destination that follow imports from elsewhere, a month later."""

from __future__ import annotations

from pathlib import Path

from diversion.detect import get_detector
from diversion.store import Workspace
from tests.detect.flows.fixtures import ISO3, comtrade
from tests.factory import ingest_one

HEADER_M = (
    "freqCode,refYear,refMonth,period,reporterISO,partnerISO,flowCode,classificationCode,cmdCode,primaryValue"
)


def _month(year: int, month: int, reporter: str, partner: str, flow: str, code: str, value: float) -> str:
    edition = "H6" if year >= 2022 else "H5"
    return (
        f"M,{year},{month},{year}{month:02d},{ISO3[reporter]},{ISO3[partner]},{flow},{edition},{code},{value}"
    )


def test_armenian_cars_re_exported_a_month_after_they_arrive(ws: Workspace, tmp_path: Path) -> None:
    imports = [4, 9, 6, 12, 8, 15, 11, 7, 14, 10, 13, 9, 16, 12]  # millions, March 2022 on
    rows = [_month(2021, m, "AM", "RU", "X", "870323", 100_000) for m in range(1, 13)]
    for k, value in enumerate(imports):
        year, month = 2022 + (2 + k) // 12, (2 + k) % 12 + 1
        rows.append(_month(year, month, "AM", "DE", "M", "870323", value * 1e6))
        nxt_year, nxt_month = 2022 + (3 + k) // 12, (3 + k) % 12 + 1
        rows.append(_month(nxt_year, nxt_month, "AM", "RU", "X", "870323", value * 0.5e6))
    path = tmp_path / "cars.csv"
    path.write_text("\n".join([HEADER_M, *rows]) + "\n", encoding="utf-8")
    assert ingest_one(ws, path).rows_quarantined == 0
    detector = get_detector("flows.pass_through")
    assert detector is not None
    found = {f["hs_code"]: f for f in detector.run(ws, detector.defaults()).to_pyarrow().to_pylist()}
    cars = found["870323"]
    metrics = dict(cars["metrics"])
    assert metrics["lag"] == 1 and round(metrics["correlation"], 6) == 1.0
    assert round(metrics["share"], 2) == 0.5 and metrics["months"] == len(imports)
    # The baseline is the twelve months before the cut-off's month (Feb 2021 - Jan 2022: 11 with exports).
    assert round(metrics["export_growth"], 6) == round(
        (sum(imports) * 0.5e6 / len(imports)) / (11 * 100_000 / 12), 6
    )
    assert "1 month(s) earlier, correlation 1.0" in cars["explanation"]
    assert "8703" in found  # the heading, from its only subheading


def test_no_finding_without_the_destination(ws: Workspace, tmp_path: Path) -> None:
    rows = [f"A,{y},{y},ARM,DEU,M,H6,870323,1000000" for y in (2021, 2022)]
    comtrade(ws, tmp_path / "annual.csv", rows)
    detector = get_detector("flows.pass_through")
    assert detector is not None
    assert detector.run(ws, detector.defaults()).count().execute() == 0
