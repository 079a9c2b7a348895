"""An ingestion run: files and folders in, canonical rows and quarantine out, and the run's manifest.

A run is one transaction: every file's rows land together, or (killed, crashed) none do. A file that
cannot be read gets one error in the manifest naming the file, the line and what was expected; the other
files are still ingested. A file ingested before (same bytes) adds nothing. For every input,
``rows_read == rows_accepted + rows_quarantined``.
"""

from __future__ import annotations

import hashlib
import json
import platform
import uuid
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import pyarrow as pa

from diversion import settings
from diversion.errors import DiversionError, UnreadableInput
from diversion.ingest import mapping
from diversion.ingest import registry as adapters
from diversion.ingest.context import NATIVE_ENCODINGS, PARQUET, Context, EncodingMismatch, Sample
from diversion.ingest.encoding import MIXED, detect_encoding
from diversion.ingest.tabular import CsvLayout, head_text, is_parquet, parquet_columns, sniff_csv
from diversion.ingest.writer import Prepared, prepare, write
from diversion.model import schema
from diversion.store import Workspace

Progress = Callable[[str, int, int], None]
"""Called as progress(label, done, total) while a run advances."""

SKIPPED_NAMES = frozenset({"manifest.json", "truth.json", "quarantine.csv", "leads.jsonl"})


@dataclass
class InputReport:
    """One input of a run, as the manifest lists it."""

    path: str
    sha256: str | None = None
    format: str | None = None
    encoding: str | None = None
    rows_read: int = 0
    rows_accepted: int = 0
    rows_quarantined: int = 0
    error: str | None = None
    skipped: str | None = None  # why nothing was added although the file is fine (already ingested)


@dataclass
class Manifest:
    """What a run read, what it kept, and with which versions and parameters."""

    run_id: str
    started: str
    finished: str | None = None
    versions: dict[str, str] = field(default_factory=dict)
    parameters: dict[str, Any] = field(default_factory=dict)
    inputs: list[InputReport] = field(default_factory=list)
    stages: list[dict[str, Any]] = field(default_factory=list)
    detectors: dict[str, float] = field(default_factory=dict)
    """A scan's seconds of each detector (the flow detectors together, "flows"), in the order they ran."""

    def to_dict(self) -> dict[str, Any]:
        found = asdict(self)
        if not self.detectors:  # an ingest runs no detector
            found.pop("detectors")
        return found

    @property
    def ok_inputs(self) -> list[InputReport]:
        return [i for i in self.inputs if i.error is None]


def expand(paths: Iterable[Path]) -> list[Path]:
    """Files named, and files under folders named (recursively, sorted, hidden files left out)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                p
                for p in sorted(path.rglob("*"))
                if p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
                and p.name not in SKIPPED_NAMES
            )
        else:
            found.append(path)
    return found


def ingest(
    ws: Workspace,
    paths: Sequence[Path],
    *,
    format: str | None = None,
    options: dict[str, Any] | None = None,
    strict: bool = False,
    progress: Progress | None = None,
    command: str = "ingest",
) -> Manifest:
    """Ingest files and folders into the workspace; returns the run manifest.

    Args:
        ws: the workspace to write to.
        paths: files or folders (read recursively).
        format: the adapter to use for every file instead of detecting one (see ``diversion formats``).
        options: adapter options, e.g. ``{"mapping": Path("eaeu_g.yml")}``.
        strict: stop at the first file that cannot be read (raises :class:`UnreadableInput`).
        progress: optional callback for progress bars.
        command: recorded in the runs table.

    Example:
        >>> manifest = ingest(ws, [Path("data/samples")])  # doctest: +SKIP
    """
    if format is not None and adapters.get_adapter(format) is None:
        raise DiversionError(f"unknown format {format!r}; known: {', '.join(adapters.names())}")
    # Staged files spill to disk beyond a small cap: an ingest of any size stays in bounded memory.
    with ws.memory_capped(settings.INGEST_MEMORY_LIMIT):
        return _ingest(ws, paths, format, options, strict, progress, command)


def _ingest(
    ws: Workspace,
    paths: Sequence[Path],
    format: str | None,
    options: dict[str, Any] | None,
    strict: bool,
    progress: Progress | None,
    command: str,
) -> Manifest:
    run_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
    manifest = Manifest(
        run_id=run_id,
        started=_now(),
        versions=versions(),
        parameters={"format": format, "backend": ws.backend, "db": str(ws.path), **_jsonable(options or {})},
    )
    files = expand(paths)
    missing = [str(p) for p in files if not p.exists()]
    if missing:
        raise DiversionError(f"no such file or folder: {', '.join(missing)}")
    known = _known_digests(ws)
    started = datetime.now(UTC)
    pending: list[tuple[InputReport, Pending]] = []
    try:
        # Read and check every file first, outside the transaction: staging tables are temporary, and the
        # engine scans them in parallel only once they are committed.
        for index, path in enumerate(files):
            if progress is not None:
                progress(str(path), index, len(files))
            report, prepared = _ingest_file(ws, run_id, path, format, options or {}, known)
            manifest.inputs.append(report)
            if prepared is not None:
                pending.append((report, prepared))
            if report.error is not None and strict:
                raise UnreadableInput(str(path), None, "a readable input (--strict)", report.error)
            if report.sha256 is not None and report.error is None and report.sha256 not in known:
                known[report.sha256] = InputReport(**{**asdict(report), "skipped": run_id})
        with ws.transaction():  # every file's rows land together, or none do
            for report, (ctx, prepared_rows) in pending:
                _store(ws, ctx, prepared_rows, report)
            manifest.stages.append(
                {
                    "name": "ingest",
                    "seconds": round((datetime.now(UTC) - started).total_seconds(), 3),
                    "rows": sum(i.rows_read for i in manifest.inputs),
                }
            )
            manifest.finished = _now()
            if any(i.skipped is None for i in manifest.inputs):
                _record_run(ws, manifest, command)  # a run that met only known files changes nothing
    finally:
        for _, (ctx, _rows) in pending:
            ctx.release()
    if progress is not None:
        progress("done", len(files), len(files))
    return manifest


Pending = tuple[Context, list[Prepared]]
"""A file read and checked, waiting to be stored."""


def _ingest_file(
    ws: Workspace,
    run_id: str,
    path: Path,
    format: str | None,
    options: dict[str, Any],
    known: dict[str, InputReport],
) -> tuple[InputReport, Pending | None]:
    report = InputReport(path=str(path))
    try:
        if path.stat().st_size < HASH_IN_BACKGROUND_BYTES:
            report.sha256 = sha256(path)
            if report.sha256 in known:
                return _already_ingested(report, known[report.sha256]), None
            return report, _read_file(ws, run_id, path, format, options, report)
        # A large file is hashed while it is read (hashing releases the GIL): the check comes after.
        with ThreadPoolExecutor(max_workers=1) as pool:
            digest = pool.submit(sha256, path)
            try:
                pending = _read_file(ws, run_id, path, format, options, report)
            finally:
                report.sha256 = digest.result()
        if report.sha256 in known:
            pending[0].release()
            fresh = InputReport(path=str(path), sha256=report.sha256)
            return _already_ingested(fresh, known[report.sha256]), None
        return report, pending
    except UnreadableInput as exc:
        report.error = str(exc)
    except (OSError, DiversionError) as exc:
        report.error = f"{path}: {exc}"
    return report, None


HASH_IN_BACKGROUND_BYTES = 64 << 20
"""Files from this size on are hashed in a thread while the engine reads them."""


def _already_ingested(report: InputReport, earlier: InputReport) -> InputReport:
    """Same bytes as an earlier input: add nothing, and report what that ingest found."""
    report.format, report.encoding = earlier.format, earlier.encoding
    report.rows_read, report.rows_accepted = earlier.rows_read, earlier.rows_accepted
    report.rows_quarantined = earlier.rows_quarantined
    report.skipped = f"already ingested as {earlier.path} in run {earlier.skipped}"
    return report


def _read_file(
    ws: Workspace, run_id: str, path: Path, format: str | None, options: dict[str, Any], report: InputReport
) -> Pending:
    """Detect the format of one file and read and check it with its adapter."""
    sample = take_sample(path)
    report.encoding = sample.encoding
    adapter = adapters.get_adapter(format) if format else adapters.detect(sample)
    if adapter is None and format is None and options.get("mapping") is not None and mapping.accepts(sample):
        adapter = mapping  # a table no format recognises is read through the --mapping given
    if adapter is None:
        raise UnreadableInput(str(path), 1, adapters.expected_layouts(), _found(sample))
    report.format = adapter.FORMAT
    return _run_adapter(ws, run_id, path, sample, adapter, options, report)


def _run_adapter(
    ws: Workspace,
    run_id: str,
    path: Path,
    sample: Sample,
    adapter: Any,
    options: dict[str, Any],
    report: InputReport,
) -> Pending:
    """Read and check one file; on failure nothing of it is left staged."""
    ctx = Context(ws, run_id, path, str(path), sample.encoding, sample, options)
    try:
        try:
            return ctx, _prepare_all(ws, ctx, adapter)
        except (EncodingMismatch, UnreadableInput) as exc:
            if sample.encoding not in NATIVE_ENCODINGS or (
                not isinstance(exc, EncodingMismatch) and "UTF8" not in str(exc)
            ):
                raise
        # A file whose head was clean UTF-8 but whose body is not: read it again, forgiving stray bytes.
        ctx.release()
        sample.encoding = report.encoding = MIXED
        ctx = Context(ws, run_id, path, str(path), MIXED, sample, options)
        return ctx, _prepare_all(ws, ctx, adapter)
    except (DiversionError, OSError):
        ctx.release()
        raise
    except (
        Exception
    ) as exc:  # an adapter meeting a layout it does not expect (e.g. a --format forced on a file)
        ctx.release()
        raise UnreadableInput(
            str(path), None, f"a file in the {adapter.FORMAT} format", f"{type(exc).__name__}: {exc}"
        ) from exc
    except BaseException:
        ctx.release()
        raise


def _prepare_all(ws: Workspace, ctx: Context, adapter: Any) -> list[Prepared]:
    """Run the adapter and compute its checked rows; the file is fully read when this returns."""
    prepared = [prepare(ws, staged) for staged in adapter.read(ctx)]
    ctx.release()  # the checked rows stand alone: the file's staging tables can go (memory for the next step)
    return prepared


def _store(ws: Workspace, ctx: Context, prepared: list[Prepared], report: InputReport) -> None:
    for item in prepared:
        written = write(ws, item)
        if item.counted:
            report.rows_accepted += written.accepted
            report.rows_quarantined += written.quarantined
    rejects = ctx.all_rejects
    if rejects:
        ws.insert_arrow(
            "quarantine",
            pa.table(
                {
                    "run_id": [ctx.run_id] * len(rejects),
                    "source": [ctx.source_label] * len(rejects),
                    "record": [r.record for r in rejects],
                    "reason": [r.reason for r in rejects],
                    "raw": [r.raw for r in rejects],
                }
            ),
        )
    report.rows_quarantined += len(rejects)
    report.rows_read = ctx.rows_read
    if report.rows_read != report.rows_accepted + report.rows_quarantined:
        raise DiversionError(
            f"{ctx.path}: read {report.rows_read} rows but accounted for "
            f"{report.rows_accepted} accepted + {report.rows_quarantined} quarantined (a bug: please report it)"
        )


def take_sample(path: Path) -> Sample:
    """The first bytes of a file, decoded and looked at as a table and as JSON."""
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".ods"):
        return Sample(path, "binary", "", None, None)
    if is_parquet(path):
        return Sample(path, PARQUET, "", CsvLayout(parquet_columns(path), ","), None)
    if path.stat().st_size == 0:
        raise UnreadableInput(str(path), 1, "a header row or a JSON document", "an empty file")
    encoding = detect_encoding(path)
    text = head_text(path, encoding)
    if "\x00" in text[:4096]:
        raise UnreadableInput(str(path), 1, "text (CSV, JSON or JSON lines)", "binary data")
    if not text.strip():
        raise UnreadableInput(str(path), 1, "a header row or a JSON document", "only blank lines")
    first_json = _first_json(text)
    layout = None if first_json is not None else sniff_csv(text)
    return Sample(path, encoding, text, layout, first_json)


def _first_json(text: str) -> dict[str, Any] | list[Any] | None:
    stripped = text.lstrip()
    if not stripped.startswith(("{", "[")):
        return None
    first_line = stripped.split("\n", 1)[0]
    for candidate in (first_line, stripped):
        try:
            value = json.loads(candidate)
        except json.JSONDecodeError:
            continue
        if isinstance(value, dict | list):
            return value
    if stripped.startswith("["):
        return []  # a JSON array too long for the sample: the adapter reads it whole
    return None


def _found(sample: Sample) -> str:
    if sample.first_json is not None:
        keys = list(sample.first_json)[:8] if isinstance(sample.first_json, dict) else "a JSON array"
        return f"JSON with {keys}"
    if sample.layout is not None and sample.layout.header:
        return f"columns {sample.layout.header[:12]}"
    return "text that is not a table"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(8 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _known_digests(ws: Workspace) -> dict[str, InputReport]:
    """Inputs ingested before without error, by content digest (``skipped`` holds their run id)."""
    inputs = ws.table("inputs")
    done = inputs.filter(inputs.error.isnull() & inputs.sha256.notnull()).to_pyarrow().to_pylist()
    return {
        row["sha256"]: InputReport(
            path=row["path"],
            sha256=row["sha256"],
            format=row["format"],
            encoding=row["encoding"],
            rows_read=row["rows_read"],
            rows_accepted=row["rows_accepted"],
            rows_quarantined=row["rows_quarantined"],
            skipped=row["run_id"],
        )
        for row in done
    }


def _record_run(ws: Workspace, manifest: Manifest, command: str) -> None:
    rows = [
        {
            "run_id": manifest.run_id,
            **{k: v for k, v in asdict(i).items() if k in schema.TABLES["inputs"] and k != "run_id"},
        }
        for i in manifest.inputs
        if i.skipped is None
    ]
    if rows:
        ws.insert_arrow("inputs", pa.Table.from_pylist(rows, schema=schema.schema("inputs").to_pyarrow()))
    run = {
        "run_id": manifest.run_id,
        "command": command,
        "started": datetime.fromisoformat(manifest.started),
        "finished": datetime.fromisoformat(manifest.finished or manifest.started),
        "manifest": json.dumps(manifest.to_dict(), ensure_ascii=False),
    }
    ws.insert_arrow("runs", pa.Table.from_pylist([run], schema=schema.schema("runs").to_pyarrow()))


def versions() -> dict[str, str]:
    """Versions of Diversion and of the engines it ran on, for the manifest."""
    found = {"python": platform.python_version()}
    for package in (
        "diversion",
        "ibis-framework",
        "duckdb",
        "pyarrow",
        "followthemoney",
        "rigour",
        "pyspark",
    ):
        try:
            found[package] = version(package)
        except PackageNotFoundError:
            continue
    return found


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _jsonable(options: dict[str, Any]) -> dict[str, Any]:
    return {key: str(value) if isinstance(value, Path) else value for key, value in options.items()}
