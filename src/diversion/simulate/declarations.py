"""Customs declarations from shipments: one line per declaring side, in two public layouts.

Each country whose customs data the investigator holds (``params.DECLARING``) gives one file. Most are
Diversion's declarations CSV; Kyrgyzstan's comes in the graph-numbered EAEU layout (G_A, G31, G33 ...,
semicolons, decimal commas) with the mapping definition beside it, as extracts of that form circulate.
The work is one SQL statement per file over the shipments, firms and goods tables.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from diversion.simulate.params import DECLARING, EAEU

OFFICES: Final = {
    "RU": "10702070",
    "KZ": "55201000",
    "KG": "41700000",
    "AM": "05100000",
    "UZ": "26001000",
    "GE": "40000000",
}
EAEU_G_COUNTRIES: Final = ("KG",)
EAEU_G_MAPPING: Final = """# Kyrgyz customs declarations, EAEU graph-numbered layout (synthetic), read with the shipped mapping.
diversion_mapping: 1
extends: eaeu_g
defaults: {declaring_country: KG}
"""

_EAEU = ", ".join(f"'{c}'" for c in EAEU)


def lines_sql(country: str) -> str:
    """Every declaration line a country's customs holds: its imports, and its exports outside the EAEU."""
    office = OFFICES[country]
    side = """
        SELECT s.*, '{side}' AS direction, {value} AS line_value, {good} AS declared_good,
               {description} AS declared_description
        FROM shipments s
        JOIN firms e ON e.idx = s.exporter JOIN firms i ON i.idx = s.importer
        WHERE s.declared AND {where}
    """
    exports = side.format(
        side="export",
        value="s.value_usd",
        good="s.export_good",
        description="s.export_description",
        where=f"e.country = '{country}' AND NOT (i.country IN ({_EAEU}) AND e.country IN ({_EAEU}))",
    )
    imports = side.format(
        side="import",
        value="s.import_value_usd",
        good="s.import_good",
        description="s.import_description",
        where=f"i.country = '{country}'",
    )
    return f"""
        SELECT '{office}/' || strftime(l.day, '%d%m%y') || '/' || lpad(CAST(l.shipment_id AS VARCHAR), 13, '0')
                   || CASE WHEN l.direction = 'export' THEN 'E' ELSE 'I' END AS declaration_id,
               l.day AS date, '{country}' AS declaring_country, l.direction,
               CASE l.exporter_spelling WHEN 0 THEN e.spelling_0 WHEN 1 THEN e.spelling_1 ELSE e.spelling_2 END
                   AS exporter_name,
               CASE WHEN l.exporter_id_shown THEN e.national_id END AS exporter_id, e.country AS exporter_country,
               CASE l.importer_spelling WHEN 0 THEN i.spelling_0 WHEN 1 THEN i.spelling_1 ELSE i.spelling_2 END
                   AS importer_name,
               CASE WHEN l.importer_id_shown THEN i.national_id END AS importer_id, i.country AS importer_country,
               l.origin AS origin_country, e.country AS dispatch_country, i.country AS destination_country,
               CASE WHEN l.day >= DATE '2022-01-01' THEN g.hs2022 ELSE g.hs2017 END || g.national_suffix AS hs_code,
               coalesce(l.declared_description, g.ru) AS description, l.brand, l.model, l.quantity, g.unit,
               round(l.net_g / 1000.0, 3) AS net_kg, l.line_value AS value, 'USD' AS currency,
               l.line_value AS value_usd, l.shipment_id, l.scheme
        FROM ({exports} UNION ALL {imports}) l
        JOIN firms e ON e.idx = l.exporter JOIN firms i ON i.idx = l.importer
        JOIN goods g ON g.idx = l.declared_good
    """


CSV_COLUMNS: Final = (
    "declaration_id, strftime(date, '%Y-%m-%d') AS date, declaring_country, direction, exporter_name, exporter_id, "
    "exporter_country, importer_name, importer_id, importer_country, origin_country, dispatch_country, "
    "destination_country, hs_code, description, brand, model, quantity, unit, net_kg, value, currency, value_usd"
)


PARQUET_COLUMNS: Final = CSV_COLUMNS.replace("strftime(date, '%Y-%m-%d') AS date", "date")


def _comma(column: str) -> str:
    return f"replace(CAST({column} AS VARCHAR), '.', ',')"


EAEU_G_COLUMNS: Final = (
    "declaration_id AS G_A, CASE direction WHEN 'import' THEN 'ИМ' ELSE 'ЭК' END AS G011, "
    "CASE direction WHEN 'import' THEN '40' ELSE '10' END AS G012, exporter_name AS G02, exporter_id AS G021, "
    "importer_name AS G08, importer_id AS G081, dispatch_country AS G15A, origin_country AS G34, "
    "destination_country AS G17A, currency AS G221, upper(CASE WHEN brand IS NULL OR contains(description, brand) "
    "THEN description ELSE description || ', ' || brand || coalesce(' ' || model, '') END) AS G31, 1 AS G32, "
    "hs_code AS G33, "
    f"{_comma('net_kg')} AS G38, quantity AS G41, CASE unit WHEN 'pcs' THEN '796' ELSE '166' END AS G41A, "
    f"{_comma('value')} AS G42, {_comma('value_usd')} AS G46, strftime(date, '%d.%m.%Y') AS G542"
)


@dataclass
class Written:
    """The declarations files of a world: one per declaring country, with what they hold."""

    files: dict[str, Path] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    planted: dict[str, list[tuple[str, int, str, int]]] = field(default_factory=dict)
    """Per country: (scheme, shipment id, declaration id, record) of every planted line."""


CHUNK_LINES: Final = 1_000_000
"""Lines sorted at a time: a whole country's lines sorted at once outgrow the engine's memory cap."""


def write(con: Any, folder: Path, *, parquet: bool = False) -> Written:
    """One file per declaring country, lines in date order.

    With ``parquet``, the files in the declarations CSV layout are Parquet instead (same columns, typed).
    Each country's lines are kept unsorted in a scratch table, then sorted and written a range of dates at
    a time (ranges of about ``CHUNK_LINES`` lines), the parts joined in order.
    """
    written = Written()
    folder.mkdir(parents=True, exist_ok=True)
    for country in DECLARING:
        if country in EAEU_G_COUNTRIES:
            sub = folder / f"{country.lower()}_customs"
            sub.mkdir(exist_ok=True)
            (sub / "eaeu_g_mapping.yml").write_text(EAEU_G_MAPPING, encoding="utf-8")
            path, columns, options = (
                sub / f"{country.lower()}_declarations_eaeu_g.csv",
                EAEU_G_COLUMNS,
                "DELIMITER ';'",
            )
        elif parquet:
            path, columns = folder / f"{country.lower()}_customs_declarations.parquet", PARQUET_COLUMNS
            options = "FORMAT parquet, ROW_GROUP_SIZE 122880"
        else:
            path, columns, options = folder / f"{country.lower()}_customs_declarations.csv", CSV_COLUMNS, ""
        con.execute(f"CREATE OR REPLACE TABLE lines AS {lines_sql(country)}")
        parts = _write_parts(con, path, columns, options, parquet=parquet and country not in EAEU_G_COUNTRIES)
        written.files[country] = path
        written.lines[country] = sum(n for _, n in parts)
        written.planted[country] = _planted(con, parts)
        con.execute("DROP TABLE lines")
    return written


def _date_ranges(con: Any) -> list[tuple[str, str]]:
    """Consecutive [start, end) date ranges of the scratch ``lines`` table, about CHUNK_LINES lines each."""
    days = con.execute("SELECT date, count(*) FROM lines GROUP BY date ORDER BY date").fetchall()
    if not days:
        return []
    ranges: list[tuple[str, str]] = []
    start, held = days[0][0], 0
    for day, n in days:
        if held and held + n > CHUNK_LINES:
            ranges.append((str(start), str(day)))
            start, held = day, 0
        held += n
    ranges.append((str(start), "9999-12-31"))
    return ranges


def _write_parts(
    con: Any, path: Path, columns: str, options: str, *, parquet: bool
) -> list[tuple[tuple[str, str], int]]:
    """Write ``lines`` to ``path`` in ``ORDER``, one date range at a time; returns each range's line count."""
    ranges = _date_ranges(con)
    if not ranges:
        ranges = [("0001-01-01", "9999-12-31")]
    part_paths = [path.with_name(f".{path.name}.part{i}") for i in range(len(ranges))]
    counts: list[tuple[tuple[str, str], int]] = []
    for i, ((start, end), part) in enumerate(zip(ranges, part_paths, strict=True)):
        header = "" if parquet else ("HEADER" if i == 0 else "HEADER false")
        copy_options = ", ".join(o for o in (options, header) if o)
        con.execute(
            f"COPY (SELECT {columns} FROM lines WHERE date >= DATE '{start}' AND date < DATE '{end}' "
            f"ORDER BY {ORDER}) TO '{part}' ({copy_options})"
        )
        n = con.execute(f"SELECT count(*) FROM lines WHERE date >= DATE '{start}' AND date < DATE '{end}'")
        counts.append(((start, end), int(n.fetchone()[0])))
    if parquet:
        listed = ", ".join(f"'{p}'" for p in part_paths)
        con.execute(f"COPY (SELECT * FROM read_parquet([{listed}])) TO '{path}' ({options})")
    else:
        with path.open("wb") as out:
            for part in part_paths:
                with part.open("rb") as fh:
                    shutil.copyfileobj(fh, out, 16 << 20)
    for part in part_paths:
        part.unlink()
    return counts


def _planted(con: Any, parts: list[tuple[tuple[str, str], int]]) -> list[tuple[str, int, str, int]]:
    """The planted lines of ``lines`` with their record: the lines of earlier ranges, then the place in
    their own range."""
    found: list[tuple[str, int, str, int]] = []
    offset = 0
    for (start, end), n in parts:
        rows = con.execute(
            f"""SELECT scheme, shipment_id, declaration_id, record FROM (
                    SELECT scheme, shipment_id, declaration_id, row_number() OVER (ORDER BY {ORDER}) AS record
                    FROM lines WHERE date >= DATE '{start}' AND date < DATE '{end}')
                WHERE scheme IS NOT NULL ORDER BY record"""
        ).fetchall()
        found.extend((str(s), int(sid), str(did), offset + int(rec)) for s, sid, did, rec in rows)
        offset += n
    return found


ORDER: Final = "date, declaration_id"
"""The order of lines in every declarations file: record numbers follow from it."""


def planted_records(written: Written, root: Path) -> list[dict[str, Any]]:
    """Where each planted shipment's declaration lines sit: file, record (data row) and declaration id."""
    found: list[dict[str, Any]] = []
    for country, path in written.files.items():
        source = str(path.relative_to(root))
        found.extend(
            {"scheme": s, "shipment_id": sid, "source": source, "record": str(rec), "declaration_id": did}
            for s, sid, did, rec in written.planted[country]
        )
    return found


__all__ = ["DECLARING", "Written", "planted_records", "write"]
