"""The reported figures, recomputed from raw rows: the demo world's reconstruction and real statistics."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from diversion.detect.flows import ranked
from diversion.ingest.run import ingest
from diversion.store import Workspace, open_workspace
from tests.conftest import REPO, SHARED_DATA


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    ws = open_workspace(tmp_path_factory.mktemp("demo") / "demo.duckdb", "duckdb")
    ingest(ws, [REPO / "data" / "demo" / "inputs"])
    yield ws
    ws.close()


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    ws = open_workspace(tmp_path_factory.mktemp("real") / "real.duckdb", "duckdb")
    ingest(ws, [SHARED_DATA / "trade"])
    yield ws
    ws.close()


def test_kazakh_drones_and_chips_top_kazakhstan_in_the_demo_world(demo: Workspace) -> None:
    top = ranked(demo, hubs=["KZ"], limit=2)
    drones, chips = sorted(top, key=lambda f: f["detector"])  # the two top Kazakhstan, in either order
    assert (drones["detector"], drones["hs_code"], drones["partner"]) == ("flows.new_line", "880622", "RU")
    assert abs(drones["metrics"]["value"] - 1_230_000) < 5_000  # "exported $1.23M to Russia"
    assert (chips["detector"], chips["hs_code"], chips["period"]) == ("flows.surge", "8542", "2022")
    assert (chips["metrics"]["baseline"], chips["metrics"]["value"]) == (
        245_000,
        18_000_000,
    )  # x73: "over 70"


def test_armenian_car_exports_to_russia_top_armenia(real: Workspace) -> None:
    top = ranked(real, hubs=["AM"], limit=1)[0]  # one line per heading: cars, 8703, headed by its own figure
    assert (top["hs_code"], top["partner"], top["detector"]) == ("8703", "RU", "flows.surge")
    assert {r["hs_code"] for r in top["related"]} >= {"8703", "870323"}  # other years, subheadings
    found = ranked(real, hubs=["AM"], limit=200, fold=False)
    cars = {f["period"]: f["metrics"] for f in found if f["hs_code"] == "8703" and f["partner"] == "RU"}
    # The raw monthly rows, modes of transport summed once: $3.47M (2021), $236.84M (2022), $354.04M (2023).
    # CASES.md's $6.9M / $473.7M / $708.1M add the 4- and 6-digit rows of the same goods together.
    assert round(cars["2022"]["baseline"] / 1e6, 2) == 3.47
    assert round(cars["2022"]["value"] / 1e6, 2) == 236.84
    assert round(cars["2023"]["value"] / 1e6, 2) == 354.04
    assert round(cars["2022"]["ratio"]) == 68


def test_kyrgyz_exports_to_russia_in_both_views_beside_eu_exports_to_kyrgyzstan(real: Workspace) -> None:
    # Among Kyrgyzstan's first three lines (Georgia's car exports to Kyrgyzstan, x38 by 2023, lead).
    top = next(f for f in ranked(real, hubs=["KG"], limit=3) if f["detector"] == "flows.mirror_gap")
    assert top["country"] == "KG" and top["partner"] == "RU" and top["period"] == "2022"
    m = top["metrics"]
    assert (round(m["export_baseline"] / 1e6, 2), round(m["export_value"] / 1e6, 2)) == (393.34, 1069.69)
    assert round(m["export_value"] / m["export_baseline"] * 100 - 100) == 172  # Kyrgyz statistics
    assert (round(m["import_baseline"] / 1e6, 2), round(m["import_value"] / 1e6, 2)) == (337.9, 788.54)
    assert round(m["import_value"] / m["import_baseline"] * 100 - 100) == 133  # Russia, through the IMF
    eu = [
        f
        for f in ranked(real, hubs=["eu27"], hs_prefix="TOTAL", limit=500, fold=False)
        if f["partner"] == "KG"
    ]
    eu_2022 = next(f for f in eu if f["period"] == "2022" and f["detector"] == "flows.surge")
    assert round(eu_2022["metrics"]["ratio"] * 100 - 100) == 345  # EUR 263.2M -> EUR 1,170.9M
    assert "EUR 263.2M in 2021 -> EUR 1.17bn in 2022, +345%" in eu_2022["explanation"]


def test_armenian_car_exports_follow_car_imports_from_everyone_else(real: Workspace) -> None:
    found = ranked(real, hubs=["AM"], hs_prefix="8703", limit=50, fold=False)
    cars = next(f for f in found if f["detector"] == "flows.pass_through" and f["hs_code"] == "8703")
    m = cars["metrics"]
    assert (m["lag"], m["months"]) == (0, 21) and round(m["correlation"], 2) == 0.86
    assert (round(m["exported_after"] / 1e6, 1), round(m["imported_after"] / 1e9, 2)) == (590.1, 1.57)
