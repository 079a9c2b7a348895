"""The command line: a thin shell over the library (parse, call one function, render).

Every command takes ``--db`` and ``--backend``; ``--json`` prints the machine-readable form on stdout while
progress and logs go to stderr. Exit status: 0 on success, 1 when the command could not do its job, 2 for
wrong usage.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from diversion import settings
from diversion.errors import DiversionError

app = typer.Typer(
    help="Diversion: find how export-controlled goods reach a sanctioned destination, with the evidence.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True)
out = Console()

DbOption = Annotated[
    Path, typer.Option("--db", help="Workspace file (DuckDB), or the base name of a Spark store.")
]
BackendOption = Annotated[str, typer.Option("--backend", help="Engine: duckdb or spark.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON on stdout.")]


def fail(exc: Exception, code: int = 1) -> NoReturn:
    """One clear message on stderr and the exit status."""
    err.print(f"[bold red]error:[/] {exc}", highlight=False)
    raise typer.Exit(code)


@contextmanager
def workspace(db: Path, backend: str, *, read_only: bool = False) -> Iterator[Any]:
    from diversion.store import open_workspace

    try:
        ws = open_workspace(db, backend, read_only=read_only)
    except DiversionError as exc:
        fail(exc)
    try:
        yield ws
    finally:
        ws.close()


@contextmanager
def progress_bar(enabled: bool) -> Iterator[Any]:
    """A Rich progress bar on stderr, advanced file by file."""
    if not enabled:
        yield None
        return
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task("reading", total=None)

        def update(label: str, done: int, total: int) -> None:
            bar.update(task, description=_short(label), completed=done, total=total)

        yield update


def _short(label: str, width: int = 50) -> str:
    return label if len(label) <= width else "…" + label[-(width - 1) :]


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (read recursively).", exists=True)],
    db: DbOption = settings.DB_PATH,
    backend: BackendOption = settings.BACKEND,
    format: Annotated[
        str | None, typer.Option("--format", help="Use this format for every file (see `diversion formats`).")
    ] = None,
    mapping: Annotated[
        str | None, typer.Option("--mapping", help="YAML column mapping: a file, or a shipped one (eaeu_g).")
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Stop at the first file that cannot be read.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Read files into the workspace: detect each format, keep good rows, quarantine bad ones with a reason.

    Example: diversion ingest data/samples/ --db work.duckdb
    """
    from diversion.ingest.registry import get_adapter, names
    from diversion.ingest.run import ingest as run_ingest

    if format is not None and get_adapter(format) is None:
        raise typer.BadParameter(
            f"unknown format {format!r}; known: {', '.join(names())}", param_hint="--format"
        )
    options: dict[str, object] = {"mapping": mapping} if mapping is not None else {}
    with workspace(db, backend) as ws, progress_bar(not as_json and sys.stderr.isatty()) as progress:
        try:
            manifest = run_ingest(ws, paths, format=format, options=options, strict=strict, progress=progress)
        except DiversionError as exc:
            fail(exc)
    if as_json:
        print(json.dumps(manifest.to_dict(), ensure_ascii=False, indent=2))
    else:
        render_inputs(manifest)
    if manifest.inputs and not manifest.ok_inputs:
        raise typer.Exit(1)


@app.command()
def status(
    db: DbOption = settings.DB_PATH, backend: BackendOption = settings.BACKEND, as_json: JsonOption = False
) -> None:
    """What the workspace holds: rows per canonical table, runs, quarantined rows.

    Example: diversion status --json
    """
    from diversion.model.schema import DATA_TABLES, DERIVED_TABLES, TABLES

    with workspace(db, backend, read_only=backend == "duckdb" and db.exists()) as ws:
        counts = {
            name: ws.count(name) if ws.exists(name) else 0  # a workspace made before the table existed
            for name in TABLES
            if name not in ("runs", "inputs", "quarantine", "hs_correlation")
        }
        runs, quarantined = ws.count("runs"), ws.count("quarantine")
    result = {"tables": counts, "runs": runs, "quarantined": quarantined}
    if as_json:
        print(json.dumps(result))
        return
    table = Table("table", "rows", title=f"workspace {db}")
    for name, count in counts.items():
        label = "derived" if name in DERIVED_TABLES else "reference"
        table.add_row(name if name in DATA_TABLES else f"{name} ({label})", f"{count:,}")
    out.print(table)
    out.print(f"runs: {runs}   quarantined rows: {quarantined:,}")


@app.command()
def quarantine(
    db: DbOption = settings.DB_PATH,
    backend: BackendOption = settings.BACKEND,
    source: Annotated[
        str | None, typer.Option("--source", help="Only rows from sources containing this text.")
    ] = None,
    run: Annotated[str | None, typer.Option("--run", help="Only rows of this run id.")] = None,
    limit: Annotated[int, typer.Option("--limit", help="Most rows to show (0 for all).")] = 50,
    as_json: JsonOption = False,
) -> None:
    """Rows that were rejected, with their source, record and reason (nothing bad is ever dropped silently).

    Example: diversion quarantine --source declarations --limit 20
    """
    with workspace(db, backend, read_only=backend == "duckdb" and db.exists()) as ws:
        rows = ws.table("quarantine")
        if source is not None:
            rows = rows.filter(rows.source.contains(source))
        if run is not None:
            rows = rows.filter(rows.run_id == run)
        total = int(rows.count().execute())
        shown = (rows.limit(limit) if limit > 0 else rows).to_pyarrow().to_pylist()
    if as_json:
        print(json.dumps({"total": total, "rows": shown}, ensure_ascii=False, default=str))
        return
    table = Table("source", "record", "reason", "raw", title=f"{total:,} quarantined rows", show_lines=False)
    for row in shown:
        table.add_row(_short(row["source"], 40), row["record"], row["reason"], _short(row["raw"] or "", 60))
    out.print(table)


@app.command()
def scan(
    paths: Annotated[
        list[Path], typer.Argument(help="Files or folders with any mix of supported formats.", exists=True)
    ],
    out_dir: Annotated[
        Path, typer.Option("--out", help="Folder for manifest.json, quarantine.csv (and leads).")
    ],
    db: DbOption = settings.DB_PATH,
    backend: BackendOption = settings.BACKEND,
    strict: Annotated[
        bool, typer.Option("--strict", help="Stop at the first file that cannot be read.")
    ] = False,
    since: Annotated[
        str | None,
        typer.Option("--since", help="Cut-off date (YYYY-MM-DD): trade before it is the baseline."),
    ] = None,
    hub: Annotated[
        list[str] | None, typer.Option("--hub", help="Only these hub countries (ISO alpha-2); repeatable.")
    ] = None,
    top: Annotated[int, typer.Option("--top", help="Leads to print.")] = 15,
    as_json: JsonOption = False,
) -> None:
    """Scan sources: ingest, resolve, build the graph, run every detector and write ranked leads to OUT.

    Writes leads.jsonl, findings.parquet, report.html, quarantine.csv and manifest.json.
    Example: diversion scan data/demo/inputs --out runs/demo
    """
    from diversion.leads import ScanScope
    from diversion.scan import scan as run_scan

    scope = ScanScope(since=_date_option(since, "--since"), hubs=_hubs_option(hub))
    with workspace(db, backend) as ws, progress_bar(not as_json and sys.stderr.isatty()) as progress:
        try:
            result = run_scan(ws, paths, out_dir, strict=strict, progress=progress, scope=scope)
        except DiversionError as exc:
            fail(exc)
        counts = {
            name: ws.count(name) for name in ("declarations", "flows", "parties", "relations", "listings")
        }
    if as_json:
        print(json.dumps(result.manifest.to_dict(), ensure_ascii=False, indent=2))
        return
    render_inputs(result.manifest)
    out.print("workspace now holds: " + ", ".join(f"{n} {c:,}" for n, c in counts.items()))
    if result.resolved is not None:
        found = result.resolved
        out.print(
            f"resolved {found.records:,} party records (registries, lists, declared parties) into "
            f"{found.entities:,} entities ({found.pairs_matched:,} of {found.pairs_scored:,} candidate pairs matched)"
        )
    if result.graph is not None:
        out.print(f"link graph: {result.graph.total:,} links ("
                  + ", ".join(f"{k} {v:,}" for k, v in result.graph.links.items()) + ")")  # fmt: skip
    if result.leads is not None:
        render_leads(result.leads[:top], len(result.leads))
    out.print(
        f"manifest: {out_dir / 'manifest.json'}   quarantine: {out_dir / 'quarantine.csv'} ({result.quarantined:,} rows)"
    )
    if result.leads is not None:
        out.print(f"leads: {out_dir / 'leads.jsonl'}   findings: {out_dir / 'findings.parquet'}")
        out.print(f"report: {out_dir / 'report.html'}")


def _date_option(value: str | None, name: str) -> Any:
    from datetime import date

    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        err.print(f"[bold red]error:[/] {name} takes a date as YYYY-MM-DD, not {value!r}", highlight=False)
        raise typer.Exit(2) from None


def _hubs_option(values: list[str] | None) -> tuple[str, ...] | None:
    if not values:
        return None
    hubs = tuple(v.strip().upper() for v in values)
    bad = [h for h in hubs if len(h) != 2 or not h.isalpha()]
    if bad:
        err.print(f"[bold red]error:[/] --hub takes ISO alpha-2 country codes, not {', '.join(bad)}")
        raise typer.Exit(2)
    return hubs


def render_leads(leads: list[dict[str, Any]], total: int) -> None:
    """The top leads as a table."""
    table = Table("#", "score", "kind", "country", "lead", title=f"top {len(leads)} of {total:,} leads")
    for lead in leads:
        subject = lead["subject"]
        table.add_row(
            str(lead["rank"]),
            f"{lead['score']:.3f}",
            subject["kind"],
            subject["country"] or "-",
            lead["summary"],
        )
    out.print(table)


@app.command()
def formats(as_json: JsonOption = False) -> None:
    """The input formats Diversion reads, and the tables each fills.

    Example: diversion formats
    """
    from diversion.ingest.registry import ADAPTERS

    rows = [
        {"format": a.FORMAT, "tables": list(a.TABLES), "about": (a.__doc__ or "").strip().splitlines()[0]}
        for a in ADAPTERS
    ]
    if as_json:
        print(json.dumps(rows, ensure_ascii=False))
        return
    table = Table("format", "tables", "about")
    for row in rows:
        table.add_row(row["format"], ", ".join(row["tables"]), row["about"])
    out.print(table)


@app.command()
def flows(
    db: DbOption = settings.DB_PATH,
    backend: BackendOption = settings.BACKEND,
    hub: Annotated[
        list[str] | None,
        typer.Option(
            "--hub", help="Only flows of these hubs, as reporter or partner (ISO alpha-2); repeatable."
        ),
    ] = None,
    hs: Annotated[str | None, typer.Option("--hs", help="Only HS codes starting with this prefix.")] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Cut-off date (YYYY-MM-DD); default 2022-02-24.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", help="Most findings to show.")] = 30,
    every: Annotated[
        bool, typer.Option("--every", help="Every finding on its own line, not one line per flow of goods.")
    ] = False,
    min_score: Annotated[
        float, typer.Option("--min-score", help="Leave out findings scoring less (0 lists everything).")
    ] = 0.3,
    report: Annotated[
        Path | None,
        typer.Option("--report", help="Also write the lines with the charts of their series (HTML)."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Ranked flow findings: surges and new lines in trade statistics, with the rows behind each figure.

    Example: diversion flows --hub KZ --hs 8542 --json
    """
    from datetime import date

    from diversion.detect.flows import ranked

    try:
        cutoff = date.fromisoformat(since) if since else None
    except ValueError:
        fail(ValueError(f"--since must be a date (YYYY-MM-DD), not {since!r}"), 2)
    if limit < 1:
        fail(ValueError("--limit must be at least 1"), 2)
    with workspace(db, backend, read_only=backend == "duckdb" and db.exists()) as ws:
        found = ranked(ws, hubs=[h.upper() if len(h) == 2 else h for h in hub or []], hs_prefix=hs,
                       since=cutoff, limit=limit, fold=not every, min_score=min_score)  # fmt: skip
        if report is not None:
            from diversion.detect.flows.common import FlowParams
            from diversion.report.flows import write_report

            what = "hubs " + ", ".join(hub) if hub else "all reporters"
            what += f", HS {hs}*" if hs else ""
            write_report(ws, found, report, cutoff=cutoff or FlowParams().cutoff_date, what=what)
    if as_json:
        print(json.dumps(found, ensure_ascii=False, default=str))
        return
    table = Table("#", "score", "detector", "finding", title="flow findings, best first")
    for row in found:
        more = f" [dim](+{len(row['related'])} more on this flow)[/dim]" if row["related"] else ""
        table.add_row(str(row["rank"]), f"{row['score']:.2f}", row["detector"], row["explanation"] + more)
    out.print(table)
    if report is not None:
        out.print(f"report with charts: {report}")


@app.command()
def simulate(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for inputs/ and truth.json.")],
    seed: Annotated[
        int, typer.Option("--seed", help="Seed: the same seed and size give identical files.")
    ] = 1,
    scale: Annotated[
        str | None,
        typer.Option("--scale", help="demo (10k lines), small (100k), medium (1M) or large (10M)."),
    ] = None,
    declarations: Annotated[
        int | None,
        typer.Option("--declarations", help="About this many declaration lines instead of a scale."),
    ] = None,
    parquet: Annotated[
        bool, typer.Option("--parquet", help="Write the biggest files (declarations, Comtrade) as Parquet.")
    ] = False,
    schemes: Annotated[
        int | None, typer.Option("--schemes", help="Planted schemes of each type (instead of the scale's).")
    ] = None,
    decoys: Annotated[
        int | None, typer.Option("--decoys", help="Decoys of each kind (instead of the scale's).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Write a synthetic trade world with planted evasion schemes, and its answer key.

    Example: diversion simulate --seed 7 --scale small --out worlds/small
    """
    from dataclasses import asdict, replace

    from diversion.simulate import params_for
    from diversion.simulate import simulate as run_simulate

    if (scale is None) == (declarations is None):
        fail(ValueError("give one of --scale or --declarations"), 2)
    if declarations is not None and declarations < 1:
        fail(ValueError("--declarations must be at least 1"), 2)
    if any(n is not None and n < 0 for n in (schemes, decoys)):
        fail(ValueError("--schemes and --decoys take a count of 0 or more"), 2)
    try:
        chosen = params_for(scale, declarations)
    except ValueError as exc:
        fail(exc, 2)
    if schemes is not None:
        chosen = replace(chosen, schemes_per_type=schemes)
    if decoys is not None:
        chosen = replace(chosen, decoys_per_type=decoys)
    with progress_bar(not as_json and sys.stderr.isatty()) as progress:
        summary = run_simulate(seed, chosen, out_dir, parquet=parquet, progress=progress)
    if as_json:
        print(json.dumps(asdict(summary), ensure_ascii=False, indent=2))
        return
    out.print(
        f"{summary.declarations:,} declaration lines from {summary.shipments:,} shipments, {summary.firms:,} firms, "
        f"{summary.people:,} people; {summary.schemes} schemes and {summary.decoys} decoys planted "
        f"({summary.seconds:.1f} s)"
    )
    out.print(f"inputs: {Path(summary.out) / 'inputs'}   answer key: {Path(summary.out) / 'truth.json'}")


@app.command()
def evaluate(
    truth: Annotated[Path, typer.Option("--truth", help="The answer key of a synthetic world (truth.json).")],
    leads: Annotated[Path, typer.Option("--leads", help="A scan's leads.jsonl.")],
    as_json: JsonOption = False,
) -> None:
    """Score a scan's leads against a synthetic world's answer key: recall in the top 100, precision of the
    top 30, decoys in the top 10, and the rank of every planted scheme.

    Example: diversion evaluate --truth world/truth.json --leads runs/world/leads.jsonl --json
    """
    from diversion.evaluate import evaluate as run_evaluate
    from diversion.evaluate import render_table

    try:
        result = run_evaluate(truth, leads)
    except DiversionError as exc:
        fail(exc)
    if as_json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return
    out.print(render_table(result))


@app.command(name="resolve")
def resolve_command(
    db: DbOption = settings.DB_PATH, backend: BackendOption = settings.BACKEND, as_json: JsonOption = False
) -> None:
    """Link the party records of every source (registries, lists, declarations) into entities.

    Example: diversion resolve --db work.duckdb
    """
    from diversion.resolve import resolve

    with workspace(db, backend) as ws:
        try:
            result = resolve(ws)
        except DiversionError as exc:
            fail(exc)
    if as_json:
        print(json.dumps(result.__dict__))
        return
    out.print(
        f"{result.records:,} party records -> {result.entities:,} entities "
        f"({result.pairs_matched:,} of {result.pairs_scored:,} candidate pairs matched)"
    )


@app.command()
def screen(
    name: Annotated[str, typer.Argument(help="The name to screen, in any script.")],
    country: Annotated[
        str | None, typer.Option("--country", help="ISO alpha-2 country of the party screened.")
    ] = None,
    identifier: Annotated[
        str | None, typer.Option("--id", help="A registry or tax number of it (INN, OGRN, BIN, LEI ...).")
    ] = None,
    kind: Annotated[
        str | None, typer.Option("--kind", help="company or person (both are tried when not given).")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", help="Most candidates to show.")] = 10,
    db: DbOption = settings.DB_PATH,
    backend: BackendOption = settings.BACKEND,
    as_json: JsonOption = False,
) -> None:
    """Screen a name against the ingested lists: candidates with a score, match and the reasons.

    Example: diversion screen "ТОО Аспан Арба" --country KZ --json
    """
    from dataclasses import asdict

    from diversion.resolve.screen import screen as run_screen

    if kind is not None and kind not in ("company", "person"):
        raise typer.BadParameter("choose company or person", param_hint="--kind")
    with workspace(db, backend) as ws:
        try:
            found = run_screen(ws, name, country=country, identifier=identifier, kind=kind, limit=limit)
        except DiversionError as exc:
            fail(exc)
    if as_json:
        print(json.dumps([asdict(c) for c in found], ensure_ascii=False))
        return
    table = Table("score", "match", "name", "lists", "why", title=f"screening {name!r}")
    for c in found:
        why = (
            "; ".join(str(v) for k, v in c.explanation.items() if v and k != "name")
            or f"name {c.explanation['name']['score']}"
        )
        table.add_row(f"{c.score:.2f}", "yes" if c.match else "", c.name, ", ".join(c.lists), why)
    out.print(table)


@app.command(name="graph")
def graph_command(
    db: DbOption = settings.DB_PATH, backend: BackendOption = settings.BACKEND, as_json: JsonOption = False
) -> None:
    """Draw the link graph between resolved entities (ownership, control, family, contacts, payments,
    licences, trade) into the `links` table.

    Example: diversion graph --db work.duckdb
    """
    from diversion.graph import build_graph

    with workspace(db, backend) as ws:
        try:
            if ws.count("entities") == 0:
                raise DiversionError("no entities yet: run `diversion resolve` (or `diversion scan`) first")
            built = build_graph(ws)
        except DiversionError as exc:
            fail(exc)
    if as_json:
        print(json.dumps({"links": built.links, "total": built.total}))
        return
    out.print(f"{built.total:,} links: " + ", ".join(f"{k} {v:,}" for k, v in built.links.items()))


@app.command()
def entity(
    name: Annotated[str, typer.Argument(help="A name in any script, an entity id or a record id.")],
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", help="Apply the 50% rule to the stakes held on this day (YYYY-MM-DD; default today)."
        ),
    ] = None,
    db: DbOption = settings.DB_PATH,
    backend: BackendOption = settings.BACKEND,
    as_json: JsonOption = False,
) -> None:
    """Everything known about an entity: names, identifiers, records, owners, links, trade, lists, the 50%
    rule with its paths, paths to listed parties, findings.

    Example: diversion entity "Aspan Arba" --db work.duckdb
    """
    from datetime import date

    from diversion.graph import dossier as dossiers
    from diversion.graph.params import GraphParams

    try:
        day = date.fromisoformat(as_of) if as_of else None
    except ValueError:
        raise typer.BadParameter(f"{as_of!r} is not a date (YYYY-MM-DD)", param_hint="--as-of") from None
    with workspace(db, backend) as ws:
        try:
            dossiers.ensure_graph(ws)
            match = dossiers.one(ws, name)
            others = dossiers.find(ws, name)[1:]
            found = dossiers.dossier(ws, match.entity_id, GraphParams(as_of=day))
        except DiversionError as exc:
            fail(exc)
    if as_json:
        shown = {"match": match.__dict__, "other_matches": [m.__dict__ for m in others], **found.to_dict()}
        print(json.dumps(shown, ensure_ascii=False, default=str))
        return
    render_dossier(found, match)
    if others:
        out.print("also matching: " + "; ".join(f"{m.name} ({m.entity_id})" for m in others), highlight=False)


def render_dossier(d: Any, match: Any) -> None:
    out.print(f"[bold]{d.name}[/] ({d.kind or '?'}, {d.country or '?'}) entity {d.entity_id} "
              f"[dim](found by {match.how})[/]", highlight=False)  # fmt: skip
    if len(d.names) > 1:
        out.print("also written: " + "; ".join(n for n in d.names if n != d.name), highlight=False)
    if d.identifiers:
        out.print(
            "identifiers: " + "; ".join(f"{k.upper()} {', '.join(v)}" for k, v in d.identifiers.items())
        )
    out.print(f"records: {len(d.members)} (" + "; ".join(f"{m['source']}#{m['record']}" for m in d.members[:5])
              + (" ..." if len(d.members) > 5 else "") + ")", highlight=False)  # fmt: skip
    out.print("lists: " + (", ".join(d.lists) if d.lists else "none"), highlight=False)
    people = Table("owner", "share", "country", "from", "until", title="owners")
    for o in d.owners:
        people.add_row(o["other_name"], _share(o["share"]), o["other_country"] or "", o["start_date"] or "",
                       o["end_date"] or "")  # fmt: skip
    if d.owners:
        out.print(people)
    if d.holdings:
        held = Table("holds", "share", "country", title="holdings")
        for o in d.holdings:
            held.add_row(o["other_name"], _share(o["share"]), o["other_country"] or "")
        out.print(held)
    if d.fifty_percent and d.fifty_percent["status"] == "listed":
        out.print(f"50% rule: listed itself; listed owners hold {d.fifty_percent['blocked_share']:g}% of it",
                  highlight=False)  # fmt: skip
    elif d.fifty_percent:
        rule = d.fifty_percent
        out.print(f"50% rule: [bold]{rule['status']}[/], listed owners hold {rule['blocked_share']:g}% "
                  f"(look-through {rule['look_through_share']:g}%): {rule['holdings']}", highlight=False)  # fmt: skip
    else:
        out.print("50% rule: no listed party holds a stake in it, directly or through blocked firms")
    if d.links:
        links = Table("link", "with", "detail", title="other links")
        for row in d.links:
            links.add_row(row["kind"], row["other_name"], row["role"] or row["description"] or "")
        out.print(links)
    if d.trade:
        trade = Table("direction", "partner", "country", "HS", "lines", "USD", title="trade (declarations)")
        for row in d.trade[:20]:
            trade.add_row("exports to" if row["outgoing"] else "imports from", row["other_name"],
                          row["other_country"] or "", row["hs_code"] or "", str(row["shipments"]),
                          f"{row['amount'] or 0:,.0f}")  # fmt: skip
        out.print(trade)
    for row in d.paths_to_listed[:5]:
        out.print(f"path to a listed party ({row['hops']} links): {row['text']}", highlight=False)
    for f in sorted(d.findings, key=lambda f: -f["score"]):
        out.print(f"[bold]{f['detector']}[/] {f['score']:.2f}: {f['explanation']}", highlight=False)


def _share(value: float | None) -> str:
    return "unknown" if value is None else f"{value:g}%"


@app.command()
def path(
    a: Annotated[str, typer.Argument(help="One party: a name, an entity id or a record id.")],
    b: Annotated[str, typer.Argument(help="The other party.")],
    hops: Annotated[int, typer.Option("--hops", help="Most links in the path.")] = 4,
    db: DbOption = settings.DB_PATH,
    backend: BackendOption = settings.BACKEND,
    as_json: JsonOption = False,
) -> None:
    """How two parties connect: the shortest path through ownership, control, family, contacts, payments,
    licences and trade, with the records behind each link.

    Example: diversion path "Aspan Arba" "Nebesnaya Mekhanika" --db work.duckdb
    """
    from diversion.graph import dossier as dossiers

    with workspace(db, backend) as ws:
        try:
            dossiers.ensure_graph(ws)
            first, second = dossiers.one(ws, a), dossiers.one(ws, b)
            found = dossiers.path(ws, first.entity_id, second.entity_id, hops=hops)
        except DiversionError as exc:
            fail(exc)
    result = {"a": first.__dict__, "b": second.__dict__, "path": found or None}
    if as_json:
        print(json.dumps(result, ensure_ascii=False, default=str))
        return
    if not found:
        out.print(f"no path of at most {hops} links between {first.name} and {second.name}", highlight=False)
        raise typer.Exit(0)
    out.print(f"{found['hops']} links: {found['text']}", highlight=False)
    for ev in found["evidence"] or []:
        out.print(f"  {ev['source']}#{ev['record']}", highlight=False)


def render_inputs(manifest: Any) -> None:
    """The per-input summary of a run."""
    table = Table(
        "input",
        "format",
        "encoding",
        "read",
        "accepted",
        "quarantined",
        "note",
        title=f"run {manifest.run_id}",
    )
    for item in manifest.inputs:
        note = item.error or item.skipped or ""
        style = "red" if item.error else None
        table.add_row(
            Path(item.path).name,
            item.format or "-",
            item.encoding or "-",
            f"{item.rows_read:,}",
            f"{item.rows_accepted:,}",
            f"{item.rows_quarantined:,}",
            note,
            style=style,
        )
    out.print(table)
    for item in manifest.inputs:
        if item.error:
            err.print(f"[red]cannot read[/] {item.error}", highlight=False)


def main() -> None:
    """Entry point of the ``diversion`` command."""
    try:
        app()
    except DiversionError as exc:
        fail(exc)


if __name__ == "__main__":
    main()
