"""The flow findings as a page an analyst can read, print and cite: each line of ``diversion flows`` with the
chart of the series behind it (the flow itself and, for a hub's exports to the destination, what the hub
imported from everyone else; for a mirror gap, both sides), its folded findings and its evidence.
"""

from __future__ import annotations

import html
from datetime import date, datetime
from pathlib import Path
from typing import Any, Final

import ibis.expr.types as ir

from diversion.detect.flows.series import MONTH_COLUMNS, MONTHS, series
from diversion.report.charts import Series, line_chart
from diversion.store import Workspace

DESTINATION: Final = "RU"
EVIDENCE_SHOWN: Final = 12

STYLE: Final = """
body { font-family: system-ui, sans-serif; max-width: 760px; margin: 2em auto; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.05em; margin-bottom: 0.3em; }
section.line { border-top: 1px solid #ddd; padding: 0.8em 0; }
.meta { color: #555; font-size: 0.9em; } code { font-size: 0.9em; }
details { font-size: 0.9em; margin-top: 0.4em; }
"""


def _points(rows: ir.Table) -> tuple[tuple[str, float], ...]:
    """A series' points: months where it is published monthly, else years."""
    data = rows.to_pyarrow().to_pylist()
    monthly = [r for r in data if r["frequency"] == "monthly"]
    points: list[tuple[str, float]] = []
    if monthly:
        for r in monthly:
            points += [(f"{r['year']}-{m}", float(r[f"m{m}"])) for m in MONTHS if r[f"m{m}"] is not None]
    else:
        points = [(str(r["year"]), float(r["value"])) for r in data]
    return tuple(sorted(points))


def _series_of(
    ws: Workspace, dataset: str, reporter: str, partner: str, flow: str, level: int, code: str
) -> Series:
    every = series(ws)
    rows = every.filter(
        (every.dataset == dataset) & (every.reporter == reporter) & (every.partner == partner)
        & (every.flow == flow) & (every.level == level) & (every.code == code)
    )  # fmt: skip
    verb = "exports to" if flow in ("export", "re-export") else "imports from"
    return Series(f"{reporter} {verb} {partner} ({dataset})", _points(rows))


def _imports_elsewhere(ws: Workspace, dataset: str, hub: str, level: int, code: str) -> Series:
    every = series(ws)
    rows = every.filter(
        (every.dataset == dataset) & (every.reporter == hub) & (every.partner != DESTINATION)
        & (every.flow == "import") & (every.level == level) & (every.code == code)
    )  # fmt: skip
    countries = ws.table("flows").select("partner", "partner_is_country").distinct()
    rows = rows.semi_join(countries.filter(countries.partner_is_country), "partner")
    summed = rows.group_by(["frequency", "year"]).aggregate(
        value=rows.value.sum(), **{c: rows[c].sum() for c in MONTH_COLUMNS}
    )
    return Series(f"{hub} imports from everyone else ({dataset})", _points(summed))


def chart_series(ws: Workspace, line: dict[str, Any]) -> list[Series]:
    """The series a line's headline finding rests on."""
    datasets, route, kind, code = str(line["subject_id"]).split(":")
    first, second = route.split(">")
    level = int(line["metrics"].get("level", 6 if len(code) == 6 else len(code)))
    if kind == "mirror":
        exp_dataset, imp_dataset = datasets.split("+")
        charts = [_series_of(ws, exp_dataset, first, second, "export", level, code)]
        if imp_dataset != "none":
            charts.append(_series_of(ws, imp_dataset, second, first, "import", level, code))
        return charts
    flow = "export" if kind == "pass_through" else kind
    charts = [_series_of(ws, datasets, first, second, flow, level, code)]
    if flow == "export" and second == DESTINATION and code != "TOTAL":
        charts.append(_imports_elsewhere(ws, datasets, first, level, code))
    return [c for c in charts if c.points]


def _currency(line: dict[str, Any]) -> str:
    return "EUR" if " EUR " in f" {line['explanation']}" else "USD"


def chart(ws: Workspace, line: dict[str, Any], cutoff: date) -> str:
    """The SVG chart of the series behind a flow line (``subject_id``, ``metrics``, ``explanation``),
    the cut-off marked; empty when the workspace holds none of them."""
    charts = chart_series(ws, line)
    if not charts:
        return ""
    monthly = any("-" in p for s in charts for p, _ in s.points)
    mark = cutoff.strftime("%Y-%m") if monthly else str(cutoff.year)
    code = str(line["subject_id"]).rsplit(":", 1)[-1]
    title = f"HS {code}" if code != "TOTAL" else "all goods"
    return line_chart(title, charts, cutoff=mark, currency=_currency(line))


def _section(ws: Workspace, line: dict[str, Any], cutoff: date) -> str:
    svg = chart(ws, line, cutoff)
    related = "".join(
        f"<li>{html.escape(r['explanation'])} <span class='meta'>({html.escape(r['detector'])}, "
        f"{r['score']:.2f})</span></li>"
        for r in line["related"]
    )
    evidence = line.get("evidence") or []
    shown = ", ".join(f"<code>{html.escape(str(e['source']))}:{html.escape(str(e['record']))}</code>"
                      for e in evidence[:EVIDENCE_SHOWN])  # fmt: skip
    more = f" and {len(evidence) - EVIDENCE_SHOWN} more" if len(evidence) > EVIDENCE_SHOWN else ""
    parts = [
        f'<section class="line" id="line-{line["rank"]}">',
        f"<h2>{line['rank']}. {html.escape(line['explanation'])}</h2>",
        f"<p class='meta'>{html.escape(line['detector'])} &middot; score {line['score']:.2f} "
        f"(line {line['line_score']:.2f}) &middot; {html.escape(line['view'])} &middot; {html.escape(line['period'])}"
        + (" &middot; approximate (many-to-many HS mapping)" if line["approximate"] else "")
        + "</p>",
        svg,
        f"<details><summary>{len(line['related'])} more findings on this flow</summary><ul>{related}</ul></details>"
        if related
        else "",
        f"<p class='meta'>Evidence: {len(evidence)} input records: {shown}{more}</p>",
        "</section>",
    ]
    return "\n".join(p for p in parts if p)


def write_report(ws: Workspace, lines: list[dict[str, Any]], path: Path, *, cutoff: date, what: str) -> Path:
    """Write the page for ``lines`` (``detect.flows.ranked``) to ``path``."""
    sections = "\n".join(_section(ws, line, cutoff) for line in lines)
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Diversion: flow findings</title>
<style>{STYLE}</style></head>
<body>
<h1>Flow findings</h1>
<p class="meta">{html.escape(what)} &middot; cut-off {cutoff.isoformat()} &middot; {len(lines)} lines &middot;
generated {datetime.now().strftime("%Y-%m-%d %H:%M")} by Diversion. Each chart shows the series its line's
headline figure comes from; the dashed line is the cut-off.</p>
{sections or "<p>No findings.</p>"}
</body></html>
"""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path


__all__ = ["chart", "chart_series", "write_report"]
