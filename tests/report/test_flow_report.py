"""The flow report: each line with the chart of the series behind its headline figure, drawn true to them."""

from __future__ import annotations

import json
import re
from datetime import date
from html import unescape
from pathlib import Path

from diversion.detect.flows import ranked
from diversion.report.charts import HEIGHT, MARGIN
from diversion.report.flows import write_report
from diversion.store import Workspace, open_workspace
from tests.detect.flows.fixtures import kazakh_chips, two_views
from tests.test_cli import diversion

POLYLINE = re.compile(r'<polyline [^>]*points="([^"]*)" data-label="([^"]*)" data-values="([^"]*)"/>')


def _charts(page: str, line: int) -> dict[str, tuple[list[tuple[float, float]], list[list[object]]]]:
    """The polylines of one line's chart: label -> (drawn points, the values they carry)."""
    start = page.index(f'id="line-{line}"')
    section = page[start : page.index("</section>", start)]
    found = {}
    for points, label, values in POLYLINE.findall(section):
        drawn = [tuple(float(c) for c in p.split(",")) for p in points.split()]
        found[unescape(label)] = (drawn, json.loads(unescape(values)))
    return found  # type: ignore[return-value]


def test_the_chips_line_charts_exports_to_russia_and_imports_from_everyone_else(
    ws: Workspace, tmp_path: Path
) -> None:
    kazakh_chips(ws, tmp_path)
    lines = ranked(ws, hubs=["KZ"])
    page_path = write_report(ws, lines, tmp_path / "flows.html", cutoff=date(2022, 2, 24), what="hub KZ")
    page = page_path.read_text(encoding="utf-8")
    chips = next(line for line in lines if line["hs_code"] == "8542")
    assert chips["explanation"] in unescape(page)
    charts = _charts(page, chips["rank"])
    exports, imports = (
        charts["KZ exports to RU (comtrade)"],
        charts["KZ imports from everyone else (comtrade)"],
    )
    assert exports[1] == [
        ["2020", 240_000.0],
        ["2021", 245_000.0],
        ["2022", 18_000_000.0],
        ["2023", 9_000_000.0],
    ]
    assert [v for _, v in imports[1]] == [35_000_000.0, 35_000_000.0, 75_000_000.0, 75_000_000.0]
    # Drawn to scale: the largest value touches the top, zero would sit on the axis, time runs left to right.
    top, bottom = MARGIN["top"], HEIGHT - MARGIN["bottom"]
    assert min(y for _, y in imports[0]) == top
    assert all(top <= y <= bottom for _, y in exports[0])
    assert [x for x, _ in exports[0]] == sorted(x for x, _ in exports[0])
    assert 'class="cutoff"' in page and "Evidence: 4 input records" in page


def test_a_mirror_line_charts_both_sides(ws: Workspace, tmp_path: Path) -> None:
    two_views(ws, tmp_path)
    lines = ranked(ws, hubs=["KG"], min_score=0)
    page = write_report(ws, lines, tmp_path / "kg.html", cutoff=date(2022, 2, 24), what="hub KG").read_text()
    mirror = next(line for line in lines if line["detector"] == "flows.mirror_gap")
    charts = _charts(page, mirror["rank"])
    assert charts["KG exports to RU (comtrade)"][1] == [["2021", 393_300_000.0], ["2022", 1_069_700_000.0]]
    assert charts["RU imports from KG (comtrade)"][1] == [["2021", 337_900_000.0], ["2022", 788_500_000.0]]


def test_cli_writes_the_report_and_says_where(tmp_path: Path) -> None:
    db = tmp_path / "work.duckdb"
    with open_workspace(db, "duckdb") as ws:
        kazakh_chips(ws, tmp_path)
    report = tmp_path / "out" / "flows.html"
    done = diversion("flows", "--db", db, "--hub", "KZ", "--report", report)
    assert done.returncode == 0, done.stderr
    assert str(report) in done.stdout.replace("\n", "") and "<svg" in report.read_text(encoding="utf-8")
