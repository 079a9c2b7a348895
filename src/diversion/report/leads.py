"""``report.html`` of a scan: one self-contained page (no script, no network) with the ranked leads, each
with its findings, their figures and the input records behind them, and what the run read.

Every name and text from the data is escaped: inputs are untrusted.
"""

from __future__ import annotations

import html
from datetime import date, datetime
from pathlib import Path
from typing import Any, Final

from diversion.ingest.run import Manifest
from diversion.report.flows import chart
from diversion.store import Workspace

LEADS_SHOWN: Final = 100
"""Leads with a full section; the table lists every lead."""
EVIDENCE_SHOWN: Final = 12

STYLE: Final = """
body { font-family: system-ui, sans-serif; max-width: 980px; margin: 2em auto; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.05em; margin-bottom: 0.3em; }
table { border-collapse: collapse; font-size: 0.88em; width: 100%; }
td, th { border-bottom: 1px solid #e4e4e4; padding: 3px 6px; text-align: left; vertical-align: top; }
section.lead { border-top: 1px solid #ccc; padding: 0.8em 0; }
.meta { color: #555; font-size: 0.9em; } code { font-size: 0.85em; }
.score { font-variant-numeric: tabular-nums; }
ul.findings li { margin-bottom: 0.5em; }
"""


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value))


def _evidence(evidence: list[dict[str, str]]) -> str:
    shown = ", ".join(f"<code>{_e(e['source'])}#{_e(e['record'])}</code>" for e in evidence[:EVIDENCE_SHOWN])
    more = f" and {len(evidence) - EVIDENCE_SHOWN} more" if len(evidence) > EVIDENCE_SHOWN else ""
    return f"<span class='meta'>Evidence: {shown}{more}</span>" if evidence else ""


def _metrics(metrics: dict[str, float | None]) -> str:
    parts = [f"{_e(k)} {v:,.4g}" for k, v in metrics.items() if v is not None]
    return f"<span class='meta'>{'; '.join(parts)}</span>" if parts else ""


def _finding(f: dict[str, Any]) -> str:
    about = f.get("about")
    prefix = f"<em>about {_e(about['name'])}</em>: " if about else ""
    return (
        f"<li>{prefix}{_e(f['explanation'])}<br><span class='meta'>{_e(f['detector'])} &middot; score "
        f"{f['score']:.2f} &middot; weight {f['weight']:.2f}</span><br>{_metrics(f['metrics'])}<br>"
        f"{_evidence(f['evidence'])}</li>"
    )


def _chart(ws: Workspace | None, lead: dict[str, Any], cutoff: date) -> str:
    """A flow lead's chart: the series of its headline finding (other leads have none)."""
    if ws is None or lead["subject"]["kind"] != "flow" or not lead["findings"]:
        return ""
    headline = lead["findings"][0]
    line = {
        "subject_id": lead["subject"]["id"],
        "metrics": headline["metrics"],
        "explanation": headline["explanation"],
    }
    return chart(ws, line, cutoff)


def _section(lead: dict[str, Any], svg: str = "") -> str:
    subject = lead["subject"]
    other_names = [n for n in subject["names"] if n != subject["name"]]
    names = f"<p class='meta'>Also written: {_e('; '.join(other_names[:10]))}</p>" if other_names else ""
    members = ", ".join(f"<code>{_e(m)}</code>" for m in subject["member_ids"][:10])
    more = f" and {len(subject['member_ids']) - 10} more" if len(subject["member_ids"]) > 10 else ""
    return "\n".join(
        [
            f'<section class="lead" id="lead-{lead["rank"]}">',
            f"<h2>{lead['rank']}. {_e(lead['summary'])}</h2>",
            f"<p class='meta'>{_e(subject['kind'])} <strong>{_e(subject['name'])}</strong> "
            f"({_e(subject['country'] or '?')}) &middot; score {lead['score']:.3f} &middot; lead {_e(lead['lead_id'])}</p>",
            names,
            f"<p class='meta'>Input records: {members}{more}</p>",
            svg,
            "<ul class='findings'>" + "".join(_finding(f) for f in lead["findings"]) + "</ul>",
            "</section>",
        ]
    )


def _table(leads: list[dict[str, Any]]) -> str:
    rows = "".join(
        f"<tr><td><a href='#lead-{lead['rank']}'>{lead['rank']}</a></td><td class='score'>{lead['score']:.3f}</td>"
        f"<td>{_e(lead['subject']['kind'])}</td><td>{_e(lead['subject']['country'])}</td>"
        f"<td>{_e(lead['summary'])}</td></tr>"
        for lead in leads[:LEADS_SHOWN]
    )
    return f"<table><tr><th>#</th><th>score</th><th>kind</th><th>country</th><th>lead</th></tr>{rows}</table>"


def _inputs(manifest: Manifest) -> str:
    rows = "".join(
        f"<tr><td>{_e(Path(i.path).name)}</td><td>{_e(i.format)}</td><td>{i.rows_read:,}</td>"
        f"<td>{i.rows_accepted:,}</td><td>{i.rows_quarantined:,}</td><td>{_e(i.error or '')}</td></tr>"
        for i in manifest.inputs
    )
    stages = ", ".join(f"{_e(s['name'])} {s['seconds']:.1f} s" for s in manifest.stages)
    return (
        "<details><summary>What this run read</summary><table><tr><th>input</th><th>format</th><th>read</th>"
        f"<th>accepted</th><th>quarantined</th><th>error</th></tr>{rows}</table>"
        f"<p class='meta'>Stages: {stages}</p></details>"
    )


def write_report(
    path: Path, leads: list[dict[str, Any]], manifest: Manifest, *, cutoff: date, ws: Workspace | None = None
) -> Path:
    """Write the scan's page to ``path``; with the workspace, flow leads get the chart of their series."""
    sections = "\n".join(_section(lead, _chart(ws, lead, cutoff)) for lead in leads[:LEADS_SHOWN])
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Diversion: leads of run {_e(manifest.run_id)}</title>
<style>{STYLE}</style></head>
<body>
<h1>Leads</h1>
<p class="meta">Run {_e(manifest.run_id)} &middot; cut-off {cutoff.isoformat()} &middot; {len(leads)} leads &middot;
generated {datetime.now().strftime("%Y-%m-%d %H:%M")} by Diversion. A lead's score combines its findings
(weights in <code>leads/weights.py</code>); each finding cites the input records behind it
(<code>file#record</code>, the record being the row number in that file). A flow lead's chart shows the
series its headline figure comes from; the dashed line is the cut-off.</p>
{_inputs(manifest)}
{_table(leads) if leads else "<p>No leads.</p>"}
{sections}
</body></html>
"""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path
