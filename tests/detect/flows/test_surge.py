"""flows.surge on hand-built statistics: the figures are the raw rows', levels never added up."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from diversion.detect import get_detector
from diversion.detect.flows.surge import Params
from diversion.store import Workspace
from tests.detect.flows.fixtures import comtrade, kazakh_chips, row


def _surges(ws: Workspace, **params: Any) -> list[dict[str, Any]]:
    detector = get_detector("flows.surge")
    assert detector is not None
    table = detector.run(ws, Params(**params))
    rows = table.order_by(table.score.desc()).to_pyarrow().to_pylist()
    for found in rows:
        found["metrics"] = dict(found["metrics"])
    return rows


def test_kazakh_chip_exports_to_russia_surge_x73_from_the_rows(ws: Workspace, tmp_path: Path) -> None:
    kazakh_chips(ws, tmp_path)
    found = {(f["country"], f["partner"], f["hs_code"], f["period"]): f for f in _surges(ws)}
    chips = found[("KZ", "RU", "8542", "2022")]
    assert chips["metrics"]["baseline"] == 245_000  # the heading's own row, not heading + subheadings
    assert chips["metrics"]["value"] == 18_000_000
    assert round(chips["metrics"]["ratio"], 1) == 73.5
    assert chips["explanation"] == (
        "Kazakhstan's exports of HS 8542 to Russia: $245k in 2021 -> $18.0M in 2022, x73 "
        "(comtrade, as Kazakhstan reports it); its imports from everyone else: $35.0M -> $75.0M (+$40.0M) "
        "over the same months"
    )
    assert (chips["metrics"]["imported_before"], chips["metrics"]["imported"]) == (35_000_000, 75_000_000)
    # The rows behind every figure: exports both years, and the imports from China both years.
    evidence = {(e["source"], e["record"]) for e in chips["evidence"]}
    assert {(str(tmp_path / "comtrade.csv"), r) for r in ("9", "15")} < evidence
    assert len(evidence) == len(chips["evidence"]) == 4
    assert found[("KZ", "RU", "854231", "2022")]["metrics"]["ratio"] == 18_000_000 * 0.6 / (245_000 * 0.6)
    imports = found[("KZ", "CN", "854231", "2022")]  # x2.1 and +$40M: a surge too, of less concern
    assert imports["metrics"]["increase"] == 40_000_000 and imports["score"] < chips["score"]
    assert not any(code.startswith("8703") for _, _, code, _ in found)  # steady trade is no surge
    assert not any(country == "KG" and code.startswith("62") for country, _, code, _ in found)


def test_the_surge_to_the_destination_ranks_first(ws: Workspace, tmp_path: Path) -> None:
    kazakh_chips(ws, tmp_path)
    top = _surges(ws)[0]
    assert (top["country"], top["partner"], top["hs_code"][:4]) == ("KZ", "RU", "8542")


def test_thresholds_and_baseline_years_are_parameters(ws: Workspace, tmp_path: Path) -> None:
    kazakh_chips(ws, tmp_path)
    assert not _surges(ws, min_ratio=100.0)
    two_years = {(f["partner"], f["hs_code"], f["period"]): f for f in _surges(ws, baseline_years=2)}
    assert two_years[("RU", "8542", "2022")]["metrics"]["baseline"] == (240_000 + 245_000) / 2


def test_hs2017_codes_carry_to_their_hs2022_successors(ws: Workspace, tmp_path: Path) -> None:
    # Cameras 8525.80 (HS 2017) became 8525.81-89 (and went partly to 8549 and 8806): no successor keeps its
    # number, so its value is split evenly over the twenty, and figures built on it are approximate.
    rows = [row(2021, "KZ", "RU", "X", "852580", 100_000), row(2022, "KZ", "RU", "X", "852589", 2_000_000)]
    comtrade(ws, tmp_path / "cams.csv", rows)
    found = {(f["hs_code"], f["period"]): f for f in _surges(ws)}
    cameras = found[("852589", "2022")]
    assert cameras["approximate"] is True
    assert cameras["metrics"]["baseline"] == 100_000 / 20
    # Chips 8542.31 continue under their own number: the value stays whole (the 8549 carve-out is small).
    kazakh_chips(ws, tmp_path)
    chips = {(f["partner"], f["hs_code"], f["period"]): f for f in _surges(ws)}[("RU", "854231", "2022")]
    assert chips["metrics"]["baseline"] == 245_000 * 0.6
