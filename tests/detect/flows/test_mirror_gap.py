"""flows.mirror_gap: both sides of a flow, side by side; phantom exports; a destination gone silent."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from diversion.detect import get_detector
from diversion.detect.flows import series as series_module
from diversion.store import Workspace
from tests.detect.flows.fixtures import ISO3, comtrade, row, two_views


def _gaps(ws: Workspace) -> dict[tuple[str, str, str], dict[str, Any]]:
    detector = get_detector("flows.mirror_gap")
    assert detector is not None
    rows = detector.run(ws, detector.defaults()).to_pyarrow().to_pylist()
    return {(f["country"], f["partner"], f["hs_code"]): {**f, "metrics": dict(f["metrics"])} for f in rows}


def test_both_views_of_kyrgyz_exports_to_russia(ws: Workspace, tmp_path: Path) -> None:
    two_views(ws, tmp_path)
    kyrgyz = _gaps(ws)[("KG", "RU", "TOTAL")]
    assert kyrgyz["explanation"] == (
        "Kyrgyzstan's exports of all goods to Russia: $393.3M in 2021 -> $1.07bn in 2022, +172% as Kyrgyzstan "
        "reports them (comtrade); Russia's imports from Kyrgyzstan: $337.9M -> $788.5M, +133% as Russia "
        "reports them (comtrade)"
    )
    assert len(kyrgyz["evidence"]) == 4  # both sides, both years
    assert kyrgyz["view"] == "comtrade (reported by KG) vs comtrade (reported by RU)"


def test_phantom_exports_and_a_silent_destination(ws: Workspace, tmp_path: Path) -> None:
    two_views(ws, tmp_path)
    found = _gaps(ws)
    phantom = found[("DE", "KZ", "854231")]
    assert (
        phantom["metrics"]["gap_ratio"] == 5.0
        and "Kazakhstan's imports from Germany: $1.1M -> $2.0M" in (phantom["explanation"])
    )
    silent = found[("KZ", "RU", "854231")]
    assert silent["explanation"].endswith("; Russia has published none since 2021")
    assert silent["metrics"]["import_value"] is None and silent["metrics"]["export_value"] == 18_000_000
    assert 0.25 < silent["score"] <= 0.5  # half weight: the surge itself is flows.surge's finding
    assert ("KG", "RU", "TOTAL") in found and ("RU", "KG", "TOTAL") not in found


def test_exports_the_importer_never_books_are_phantom(ws: Workspace, tmp_path: Path) -> None:
    two_views(ws, tmp_path)
    comtrade(ws, tmp_path / "unbooked.csv", [row(2022, "DE", "KZ", "X", "854239", 5_000_000)])
    found = _gaps(ws)
    phantom = found[("DE", "KZ", "854239")]
    assert phantom["explanation"] == (
        "Germany's exports of HS 854239 to Kazakhstan: $5.0M in 2022 as Germany reports them (comtrade); "
        "Kazakhstan booked no such imports from Germany (comtrade), though it reports other goods from there"
    )
    assert phantom["metrics"]["import_value"] == 0.0 and phantom["score"] >= 0.4
    assert ("KG", "RU", "854239") not in found  # Russia books no products after 2022: that is one_side's case


def _monthly(year: int, month: int, reporter: str, partner: str, flow: str, code: str, value: float) -> str:
    edition = "H6" if year >= 2022 else "H5"
    return f"M,{year},{year}{month:02d},{ISO3[reporter]},{ISO3[partner]},{flow},{edition},{code},{value}"


def test_sides_that_trade_in_different_months_of_fully_published_years_are_compared(
    ws: Workspace, tmp_path: Path
) -> None:
    """Both reporters publish every month; the chips themselves cross in a few months, and not the same
    ones on both sides (phantom shipments add months to the exporter's side only): still one flow."""
    rows = [
        _monthly(year, month, reporter, partner, flow, "TOTAL", 50_000_000)
        for year in (2021, 2022)
        for month in range(1, 13)
        for reporter, partner, flow in (("DE", "KZ", "X"), ("KZ", "DE", "M"))
    ]
    rows += [
        _monthly(2021, 5, "DE", "KZ", "X", "854239", 300_000),
        _monthly(2021, 6, "KZ", "DE", "M", "854239", 310_000),
        *(_monthly(2022, month, "DE", "KZ", "X", "854239", 2_000_000) for month in (3, 6, 9)),
        _monthly(2022, 4, "KZ", "DE", "M", "854239", 400_000),
    ]
    comtrade(ws, tmp_path / "monthly.csv", rows)
    phantom = _gaps(ws)[("DE", "KZ", "854239")]
    assert phantom["metrics"]["export_value"] == 6_000_000 and phantom["metrics"]["import_value"] == 400_000
    assert phantom["metrics"]["gap_ratio"] == 15.0
    assert phantom["explanation"].endswith(
        "Kazakhstan's imports from Germany: $400k as Kazakhstan reports them (comtrade)"
    )


def _new_line_rows() -> list[str]:
    """DE's chips to KZ, new in 2022: $6M as Germany reports them, $400k as Kazakhstan does."""
    rows = [
        _monthly(year, month, reporter, partner, flow, "TOTAL", 50_000_000)
        for year in (2021, 2022)
        for month in range(1, 13)
        for reporter, partner, flow in (("DE", "KZ", "X"), ("KZ", "DE", "M"))
    ]
    return [
        *rows,
        *(_monthly(2022, month, "DE", "KZ", "X", "854239", 2_000_000) for month in (3, 6, 9)),
        _monthly(2022, 4, "KZ", "DE", "M", "854239", 400_000),
    ]


SIZE_6M = (math.log10(6_000_000) - 5.0) / 4.0


def test_a_line_new_on_both_sides_that_the_hub_barely_books_is_phantom(ws: Workspace, tmp_path: Path) -> None:
    """No baseline on either side, so no growths to compare: the exporter's figure fifteen times the hub's
    is itself the finding, scored as a hub that never books the goods (CEPR DP20097's phantom)."""
    comtrade(ws, tmp_path / "monthly.csv", _new_line_rows())
    detector = get_detector("flows.mirror_gap")
    assert detector is not None
    new_line = _gaps(ws)[("DE", "KZ", "854239")]
    assert new_line["metrics"]["export_baseline"] is None and new_line["metrics"]["gap_ratio"] == 15.0
    assert new_line["score"] == pytest.approx(0.40 + 0.35 * SIZE_6M + 0.25)
    # The same figures for an importer that is neither the destination nor a named hub: no route term.
    elsewhere = detector.run(ws, replace(detector.defaults(), hubs=())).to_pyarrow().to_pylist()
    plain = next(f for f in elsewhere if (f["country"], f["partner"], f["hs_code"]) == ("DE", "KZ", "854239"))
    assert plain["score"] == pytest.approx(0.40 + 0.35 * SIZE_6M)


def test_a_gap_the_hubs_books_from_other_partners_can_hold_is_not_phantom(
    ws: Workspace, tmp_path: Path
) -> None:
    """Kazakhstan's chip imports from China rose by more than the $5.6M Germany's figure exceeds its own:
    the goods may be booked under their maker's country, so the gap stays a disagreement, not a phantom."""
    from_china = [
        _monthly(2021, 4, "KZ", "CN", "M", "854239", 500_000),
        _monthly(2022, 4, "KZ", "CN", "M", "854239", 7_000_000),
    ]
    comtrade(ws, tmp_path / "monthly.csv", [*_new_line_rows(), *from_china])
    gap = _gaps(ws)[("DE", "KZ", "854239")]
    assert gap["metrics"]["gap_ratio"] == 15.0
    assert gap["score"] == pytest.approx(0.40 + 0.35 * SIZE_6M)


def test_evidence_looked_up_a_slice_of_findings_at_a_time_is_the_same(
    ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A national customs world looks its findings' rows up a slice at a time: the same rows come back."""
    two_views(ws, tmp_path)

    def evidence_of(found: dict[tuple[str, str, str], dict[str, Any]]) -> dict[Any, list[Any]]:
        return {k: sorted((e["source"], e["record"]) for e in f["evidence"]) for k, f in found.items()}

    whole = evidence_of(_gaps(ws))
    monkeypatch.setattr(series_module, "EVIDENCE_TARGETS_PER_PASS", 2)
    sliced = evidence_of(_gaps(ws))
    assert len(whole) >= 3 and sum(len(v) for v in whole.values()) > 6
    assert sliced == whole
