"""A mapping definition: a YAML file that says how a CSV/XLSX layout maps onto a canonical table.

A ``*.yml``/``*.yaml`` file whose top level has ``diversion_mapping: 1`` is a definition wherever a run
meets it: it is checked and listed in the manifest (format ``mapping.definition``, zero rows), and files in
its folder or below whose header has all of its ``match.columns`` are read through it (format
``mapping``). The schema is documented in :mod:`diversion.ingest.mapping` and docs/formats-mapping.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any, Final

import yaml

from diversion.errors import DiversionError, UnreadableInput
from diversion.ingest.context import Context, Sample
from diversion.ingest.stage import Staged
from diversion.model import checks, schema

FORMAT: Final = "mapping.definition"
TABLES: Final[tuple[str, ...]] = ()

MARKER: Final = "diversion_mapping"
VERSION: Final = "1"
SUFFIXES: Final = (".yml", ".yaml")
TARGETS: Final = (*schema.DATA_TABLES, "commodity_lists")
"""Canonical tables a mapping may fill (reference and bookkeeping tables are Diversion's own)."""
MAX_BYTES: Final = 1 << 20
"""A definition is a small hand-written file: larger YAML files are not looked into."""

_MARKER_LINE: Final = re.compile(rf"^{MARKER}\s*:\s*['\"]?{VERSION}['\"]?\s*(#.*)?$", re.MULTILINE)
_SPEC_KINDS: Final = ("from", "concat", "first_of")
_SPEC_KEYS: Final = frozenset({*_SPEC_KINDS, "sep", "map", "extract", "to", "optional", "split"})
_TOP_KEYS: Final = frozenset(
    {MARKER, "extends", "table", "match", "sheet", "skip_rows", "defaults", "columns", "scale", "description"}
)
_TRUE: Final = ("true", "yes", "y", "1", "on")
_FALSE: Final = ("false", "no", "n", "0", "off")


class MappingError(DiversionError):
    """A mapping definition that cannot be used: names the file and what is wrong with it."""

    def __init__(self, source: str, problem: str) -> None:
        self.source = source
        self.problem = problem
        super().__init__(f"mapping {source}: {problem}")


@dataclass(frozen=True)
class Spec:
    """Where the text of one canonical column comes from, and how it is rewritten on the way."""

    kind: str  # from | concat | first_of
    headers: tuple[str, ...] = ()  # from: one header, or alternatives (first non-empty of those present)
    parts: tuple[Spec, ...] = ()  # concat, first_of
    sep: str = " "
    values: tuple[tuple[str, str | None], ...] = ()  # map: input text -> canonical text (None: no value)
    extract: str | None = None
    to: str | None = None
    optional: bool = False
    split: str | None = None  # for list columns (aliases, topics)


@dataclass(frozen=True)
class Definition:
    """A loaded, checked mapping: target table, how to find the header, and a spec per canonical column."""

    source: str
    table: str
    columns: dict[str, Spec]
    defaults: dict[str, str] = field(default_factory=dict)
    scale: dict[str, float] = field(default_factory=dict)
    match: tuple[str, ...] = ()
    sheet: str | None = None
    skip_rows: int = 0
    description: str = ""


# -- the adapter ------------------------------------------------------------------------------------------


def sniff(sample: Sample) -> bool:
    return is_definition_file(sample.path, sample.text)


def read(ctx: Context) -> list[Staged]:
    """Check the definition (a broken one is an error of this file); it contributes no rows."""
    try:
        load(ctx.path)
    except MappingError as exc:
        raise UnreadableInput(
            str(ctx.path), None, "a valid Diversion mapping definition", exc.problem
        ) from exc
    return []


def is_definition_file(path: Path, text: str) -> bool:
    """Whether a file is a mapping definition: YAML with ``diversion_mapping: 1`` at the top level."""
    return path.suffix.lower() in SUFFIXES and _MARKER_LINE.search(text) is not None


# -- loading ----------------------------------------------------------------------------------------------


def load(source: Path | str) -> Definition:
    """The mapping in a YAML file, or shipped with Diversion under that name (e.g. "eaeu_g").

    Raises:
        MappingError: the file is missing, not YAML, or does not describe a usable mapping.
    """
    label, document = _document(source, Path.cwd())
    return _definition(label, document)


def packaged(name: str) -> Path | None:
    """The path of a mapping shipped in ``diversion/data/mappings/``, or None."""
    stem = name.removesuffix(".yml").removesuffix(".yaml")
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", stem):
        return None
    path = Path(str(files("diversion.data").joinpath("mappings").joinpath(f"{stem}.yml")))
    return path if path.is_file() else None


def _document(source: Path | str, base: Path, depth: int = 0) -> tuple[str, dict[str, Any]]:
    """The YAML document of a mapping, with any ``extends`` chain merged in (child keys win)."""
    path = Path(source) if Path(source).is_absolute() else base / source
    if not path.is_file():
        shipped = packaged(str(source))
        if shipped is None:
            raise MappingError(str(source), "no such file, and no mapping of that name ships with Diversion")
        path = shipped
    label = str(source)
    try:
        # BaseLoader keeps every scalar as text: NO stays Norway, 0101 keeps its zero, 796 stays a code.
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise MappingError(label, f"not readable YAML: {exc}") from exc
    if not isinstance(document, dict):
        raise MappingError(label, "expected a YAML mapping (key: value lines) at the top level")
    parent = document.pop("extends", None)
    if parent is None:
        return label, document
    if depth >= 5 or not isinstance(parent, str):
        raise MappingError(label, "extends must name one mapping file (and chains stop after 5)")
    if (path.parent / parent).resolve() == path.resolve():  # eaeu_g.yml extending eaeu_g: the shipped one
        shipped = packaged(parent)
        if shipped is None:
            raise MappingError(label, "extends itself")
        parent = str(shipped)
    _, inherited = _document(parent, path.parent, depth + 1)
    merged = {**inherited, **document}
    for key in ("columns", "defaults", "scale"):
        merged[key] = {**_dict(inherited.get(key), label, key), **_dict(document.get(key), label, key)}
    return label, merged


def _definition(label: str, doc: dict[str, Any]) -> Definition:
    unknown = sorted(set(doc) - _TOP_KEYS)
    if unknown:
        raise MappingError(label, f"unknown keys {unknown}; known: {sorted(_TOP_KEYS)}")
    table = doc.get("table")
    if table not in TARGETS:
        raise MappingError(label, f"table must be one of {', '.join(TARGETS)}, not {table!r}")
    target = schema.schema(table)
    fillable = [c for c in target.names if c not in schema.PROVENANCE]

    def check_columns(names: list[str], key: str) -> None:
        wrong = [n for n in names if n not in fillable]
        if wrong:
            raise MappingError(label, f"{key}: {wrong} are not columns of {table} ({', '.join(fillable)})")

    columns_doc = _dict(doc.get("columns"), label, "columns")
    defaults = {str(k): str(v) for k, v in _dict(doc.get("defaults"), label, "defaults").items()}
    scale_doc = _dict(doc.get("scale"), label, "scale")
    check_columns(list(columns_doc), "columns")
    check_columns(list(defaults), "defaults")
    check_columns(list(scale_doc), "scale")
    if not columns_doc:
        raise MappingError(label, "columns: map at least one canonical column to a source column")
    columns = {name: _spec(value, label, f"columns.{name}") for name, value in columns_doc.items()}
    missing = [c for c in checks.REQUIRED.get(table, ()) if c not in columns and c not in defaults]
    if missing:
        raise MappingError(label, f"{table} needs {', '.join(missing)}: give them under columns or defaults")
    scale: dict[str, float] = {}
    for name, factor in scale_doc.items():
        if not (target[name].is_floating() or target[name].is_integer()):
            raise MappingError(label, f"scale: {name} is not a number column")
        try:
            scale[name] = float(factor)
        except (TypeError, ValueError):
            raise MappingError(label, f"scale: {name} needs a number, not {factor!r}") from None
    match_doc = _dict(doc.get("match"), label, "match")
    match = match_doc.get("columns", [])
    if not isinstance(match, list) or not all(isinstance(m, str) for m in match):
        raise MappingError(label, "match.columns must be a list of header names")
    skip = str(doc.get("skip_rows", "0"))
    if not skip.isdigit():
        raise MappingError(label, f"skip_rows must be a whole number, not {skip!r}")
    sheet = doc.get("sheet")
    return Definition(
        source=label,
        table=table,
        columns=columns,
        defaults=defaults,
        scale=scale,
        match=tuple(match),
        sheet=str(sheet) if sheet is not None else None,
        skip_rows=int(skip),
        description=str(doc.get("description", "")),
    )


def _spec(value: Any, label: str, where: str) -> Spec:
    """One column spec: a header name, or a mapping with from/concat/first_of and rewriting options."""
    if isinstance(value, str):
        return Spec("from", headers=(value,))
    if not isinstance(value, dict):
        raise MappingError(label, f"{where}: expected a header name or a mapping, not {value!r}")
    unknown = sorted(set(value) - _SPEC_KEYS)
    kinds = [k for k in _SPEC_KINDS if k in value]
    if unknown or len(kinds) != 1:
        raise MappingError(
            label, f"{where}: give exactly one of from/concat/first_of; options {sorted(_SPEC_KEYS)}"
        )
    kind = kinds[0]
    source = value[kind]
    headers: tuple[str, ...] = ()
    parts: tuple[Spec, ...] = ()
    if kind == "from":
        headers = (source,) if isinstance(source, str) else tuple(source) if isinstance(source, list) else ()
        if not headers or not all(isinstance(h, str) for h in headers):
            raise MappingError(label, f"{where}.from: a header name or a list of them")
    else:
        if not isinstance(source, list) or not source:
            raise MappingError(label, f"{where}.{kind}: a list of header names or specs")
        parts = tuple(_spec(item, label, f"{where}.{kind}[{i}]") for i, item in enumerate(source))
    values = tuple(
        (str(k), None if str(v) in ("", "~", "null") else str(v))
        for k, v in _dict(value.get("map"), label, where).items()
    )
    extract = value.get("extract")
    if extract is not None:
        try:
            re.compile(extract)
        except re.error as exc:
            raise MappingError(label, f"{where}.extract: not a regular expression: {exc}") from exc
    optional = str(value.get("optional", "false")).lower()
    if optional not in _TRUE + _FALSE:
        raise MappingError(label, f"{where}.optional: true or false, not {optional!r}")
    return Spec(
        kind,
        headers=headers,
        parts=parts,
        sep=str(value.get("sep", " ")),
        values=values,
        extract=extract,
        to=value.get("to"),
        optional=optional in _TRUE,
        split=value.get("split"),
    )


def _dict(value: Any, label: str, key: str) -> dict[str, Any]:
    if value is None or value == "":
        return {}
    if not isinstance(value, dict):
        raise MappingError(label, f"{key}: expected key: value lines, not {value!r}")
    return value


# -- discovery --------------------------------------------------------------------------------------------


def in_folder(folder: Path) -> list[Definition]:
    """The valid mapping definitions in one folder, by file name (broken ones are skipped here)."""
    try:
        candidates = _yaml_files(folder, folder.stat().st_mtime_ns)
    except OSError:
        return []
    found = []
    for path in candidates:
        try:
            stat = path.stat()
        except OSError:
            continue
        definition = _cached(path, stat.st_mtime_ns, stat.st_size)
        if definition is not None:
            found.append(definition)
    return found


def around(path: Path) -> list[list[Definition]]:
    """Definitions that can claim a file: those of its folder first, then of each folder above."""
    levels = []
    folder = path.resolve().parent
    while True:
        found = [d for d in in_folder(folder) if d.match]
        if found:
            levels.append(found)
        if folder.parent == folder:
            return levels
        folder = folder.parent


@lru_cache(maxsize=256)
def _yaml_files(folder: Path, mtime_ns: int) -> tuple[Path, ...]:
    """The YAML files of a folder, listed once while the folder is unchanged (a scan sniffs every file)."""
    return tuple(sorted(p for p in folder.iterdir() if p.suffix.lower() in SUFFIXES and p.is_file()))


@lru_cache(maxsize=256)
def _cached(path: Path, mtime_ns: int, size: int) -> Definition | None:
    if size > MAX_BYTES:
        return None
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
        if not is_definition_file(path, text):
            return None
        label, document = _document(path, path.parent)
        return _definition(label, document)
    except (OSError, MappingError):
        return None
