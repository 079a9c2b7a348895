"""Reference data shipped with Diversion: the CHPL tiers, the HS 2022 <-> 2017 correlation, the HS 2022 texts.

Both live as CSV in ``diversion/data/`` with leading ``#`` lines that give source, publisher, version,
licence and field meanings. Here they become Arrow tables in the canonical schemas (``commodity_lists``,
``hs_correlation``) that the workspace loads once, plus small lookups for code that runs in Python.
Every CHPL row cites its line in the shipped file (``record``), so a lead can point at the list entry.
"""

from __future__ import annotations

import csv
import io
from functools import cache
from importlib.resources import files
from typing import Final

import pyarrow as pa

from diversion.model import schema

CHPL_FILE: Final = "chpl_hs6_tiers.csv"
REPORTED_FILE: Final = "reported_goods.csv"
CORRELATION_FILE: Final = "hs2022_hs2017_correlation.csv"
NOMENCLATURE_FILE: Final = "hs2022_nomenclature.csv"
CHPL_LIST: Final = "chpl"
"""The ``list`` value of CHPL rows in ``commodity_lists``."""
REPORTED_LIST: Final = "reported"
"""Goods of the reported schemes that the CHPL leaves out (drones, cars): a watch list shipped beside it."""
CHPL_HS_VERSION: Final = "HS2022"
REFERENCE_RUN: Final = "reference"
"""The ``run_id`` of rows that come with the package rather than from an ingest run."""


def _rows(name: str) -> list[tuple[int, dict[str, str]]]:
    """The data rows of a shipped CSV with their line numbers in the file (comment lines counted)."""
    text = files("diversion.data").joinpath(name).read_text(encoding="utf-8")
    lines = text.splitlines()
    first = next(i for i, line in enumerate(lines) if not line.startswith("#"))
    reader = csv.DictReader(io.StringIO("\n".join(lines[first:])))
    # line_num counts the lines read from the header on, so the file line of a row is first + line_num.
    return [(first + reader.line_num, dict(row)) for row in reader]


@cache
def _chpl_rows() -> tuple[tuple[int, dict[str, str]], ...]:
    return tuple(_rows(CHPL_FILE))


@cache
def _correlation_rows() -> tuple[dict[str, str], ...]:
    return tuple(row for _, row in _rows(CORRELATION_FILE))


def chpl_table() -> pa.Table:
    """The CHPL as ``commodity_lists`` rows: list "chpl", HS 2022 codes, tier, description, version."""
    return _list_table(CHPL_LIST, CHPL_FILE, list(_chpl_rows()), code="hs6", description="hs2022_description")


def reported_table() -> pa.Table:
    """The shipped watch list of reported goods as ``commodity_lists`` rows (list "reported", HS 2022 headings)."""
    return _list_table(
        REPORTED_LIST, REPORTED_FILE, _rows(REPORTED_FILE), code="hs_code", description="description"
    )


def _list_table(
    name: str, file: str, rows: list[tuple[int, dict[str, str]]], *, code: str, description: str
) -> pa.Table:
    data = {
        "list": [name] * len(rows),
        "hs_code": [row[code] for _, row in rows],
        "hs_version": [CHPL_HS_VERSION] * len(rows),
        "tier": [row["tier"] for _, row in rows],
        "description": [row[description] for _, row in rows],
        "list_version": [row["list_version"] for _, row in rows],
        "source": [f"diversion:data/{file}"] * len(rows),
        "record": [str(line) for line, _ in rows],
        "run_id": [REFERENCE_RUN] * len(rows),
    }
    return pa.table(data, schema=schema.schema("commodity_lists").to_pyarrow())


SHIPPED_LISTS: Final = {CHPL_LIST: chpl_table, REPORTED_LIST: reported_table}
"""Commodity lists every workspace starts with."""


def hs_correlation_table() -> pa.Table:
    """The UNSD HS 2022 -> HS 2017 correlation as ``hs_correlation`` rows (hs2022, hs2017, relationship)."""
    rows = _correlation_rows()
    data = {column: [row[column] for row in rows] for column in ("hs2022", "hs2017", "relationship")}
    return pa.table(data, schema=schema.schema("hs_correlation").to_pyarrow())


@cache
def chpl_codes() -> dict[str, str]:
    """CHPL HS-6 codes and their tiers, e.g. ``{"854231": "1", "880730": "3.B", ...}``.

    >>> chpl_codes()["854231"]
    '1'
    """
    return {row["hs6"]: row["tier"] for _, row in _chpl_rows()}


@cache
def _hs2017_index() -> dict[str, tuple[tuple[str, str], ...]]:
    index: dict[str, list[tuple[str, str]]] = {}
    for row in _correlation_rows():
        index.setdefault(row["hs2022"], []).append((row["hs2017"], row["relationship"]))
    return {code: tuple(pairs) for code, pairs in index.items()}


def hs2017_for(hs2022_code: str) -> list[tuple[str, str]]:
    """The HS 2017 subheadings an HS 2022 subheading corresponds to, each with the relationship.

    Drones (8806, new in HS 2022) were classified under 8802 and 8525 before:

    >>> hs2017_for("880622")
    [('852580', 'n:n'), ('880211', 'n:n'), ('880220', 'n:n')]
    """
    return list(_hs2017_index().get(hs2022_code[:6], ()))


@cache
def hs2022_descriptions() -> dict[str, str]:
    """Every HS 2022 subheading (six digits) with its UN Comtrade description.

    >>> hs2022_descriptions()["854231"][:45]
    'Electronic integrated circuits; processors an'
    """
    return {row["hs6"]: row["description"] for _, row in _rows(NOMENCLATURE_FILE)}
