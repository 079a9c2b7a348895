"""flows.diversion_did recovers a known difference-in-differences from a panel built to contain it."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from diversion.detect.flows.diversion_did import Params, estimate, run
from diversion.store import Workspace
from tests.detect.flows.fixtures import comtrade, row


def _panel(ws: Workspace, tmp: Path, noise: bool = False) -> None:
    """Germany's exports to a hub (KZ) and another partner (CN), of chips (CHPL) and T-shirts, 2019-2023:
    log value = series effect + year effect + 0.2 hub-after + (-0.3) chips-after + 0.5 chips-to-hub-after."""
    rows = []
    for j, partner in enumerate(("KZ", "CN")):
        for k, code in enumerate(("854231", "610910")):
            for year in range(2019, 2024):
                hub, chips, after = partner == "KZ", code == "854231", year >= 2022
                log_value = 12 + j + 0.5 * k + 0.1 * (year - 2019)
                log_value += 0.2 * (hub and after) - 0.3 * (chips and after) + 0.5 * (chips and hub and after)
                if noise:
                    log_value += 0.01 * ((year * 7 + j * 3 + k) % 5 - 2)
                rows.append(row(year, "DE", partner, "X", code, round(math.exp(log_value), 6)))
    comtrade(ws, tmp / "panel.csv", rows)


def test_the_roundabout_coefficient_is_recovered(ws: Workspace, tmp_path: Path) -> None:
    _panel(ws, tmp_path)
    found = estimate(ws, Params(hubs=("KZ",), min_observations=10), ("KZ",))
    assert found is not None and found["observations"] == 20 and found["clusters"] == 4
    assert found["roundabout"] == pytest.approx(0.5, abs=1e-6)
    assert found["hub_post"] == pytest.approx(0.2, abs=1e-6)
    assert found["controlled_post"] == pytest.approx(-0.3, abs=1e-6)
    assert found["roundabout_se"] == pytest.approx(0.0, abs=1e-6)


def test_the_finding_reports_estimate_and_standard_error(ws: Workspace, tmp_path: Path) -> None:
    _panel(ws, tmp_path, noise=True)
    rows = run(ws, Params(hubs=("KZ",), min_observations=10)).to_pyarrow().to_pylist()
    hubs = next(r for r in rows if r["subject_id"] == "did:hubs:KZ")
    metrics = dict(hubs["metrics"])
    assert metrics["roundabout"] == pytest.approx(0.5, abs=0.05) and metrics["roundabout_se"] > 0
    assert hubs["explanation"].startswith("Exports of controlled goods to KZ rose 6")  # exp(0.5) - 1 = 65%
    assert "s.e." in hubs["explanation"] and "20 observations, 4 series" in hubs["explanation"]
    assert not any(r["subject_id"].startswith("did:destination") for r in rows)  # no Russian partner here
