"""flows.new_line: a product the hub never sent to the destination before, in a file that would show it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from diversion.detect import get_detector
from diversion.store import Workspace
from tests.detect.flows.fixtures import comtrade, kazakh_chips, row


def _new_lines(ws: Workspace) -> dict[tuple[str, str, str], dict[str, Any]]:
    detector = get_detector("flows.new_line")
    assert detector is not None
    rows = detector.run(ws, detector.defaults()).to_pyarrow().to_pylist()
    return {(f["country"], f["hs_code"], f["period"]): f for f in rows}


def test_kyrgyz_rifle_scopes_to_russia_are_a_new_line(ws: Workspace, tmp_path: Path) -> None:
    kazakh_chips(ws, tmp_path)
    found = _new_lines(ws)
    scopes = found[("KG", "901310", "2022")]
    assert scopes["explanation"] == (
        "Kyrgyzstan's first exports of HS 901310 to Russia: $400k in 2022, none recorded 2020-2021 "
        "(comtrade, as Kyrgyzstan reports it)"
    )
    assert [e["record"] for e in scopes["evidence"]] == ["25"]
    assert ("KG", "9013", "2023") in found and ("KG", "90", "2022") in found
    assert not any(code.startswith(("8542", "62")) for _, code, _ in found)  # traded before: not new


def test_an_extract_that_starts_after_the_cutoff_proves_nothing(ws: Workspace, tmp_path: Path) -> None:
    comtrade(ws, tmp_path / "only_2022.csv", [row(2022, "AM", "RU", "X", "851713", 213_000_000)])
    assert _new_lines(ws) == {}
