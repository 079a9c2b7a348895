"""Country statistics from the same shipments: UN Comtrade (every reporter's own view) and CEPII BACI.

Each country reports its exports (FOB, what left) and imports (CIF, what arrived): the two views of one
flow differ by freight and insurance, by records lost on one side, and by "phantom" exports that the hub
never records. Russia publishes only its total trade from 2022. Sums are of whole dollars and grams, so
the files are the same byte for byte whatever order the engine adds them in.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

import pycountry

from diversion.simulate.params import DESTINATION, RU_DETAIL_ENDS

COMTRADE_CODES: Final = {"FR": 251, "IT": 381, "IN": 699, "US": 842, "TW": 490}
"""Comtrade's numeric codes where they differ from ISO 3166 (Taiwan is "Other Asia, nes")."""
NOT_REPORTING: Final = ("TW",)
BACI_VERSION: Final = "V202401"


def country_rows(codes: list[str]) -> list[tuple[str, int, str, str]]:
    """(alpha-2, Comtrade code, alpha-3 as Comtrade writes it, name) of every country in the world."""
    rows = []
    for code in sorted(codes):
        country = pycountry.countries.get(alpha_2=code)
        assert country is not None, code
        iso3 = "S19" if code == "TW" else country.alpha_3
        name = "Other Asia, nes" if code == "TW" else getattr(country, "common_name", country.name)
        rows.append((code, COMTRADE_CODES.get(code, int(country.numeric)), iso3, name))
    return rows


def views_sql() -> str:
    """One row per reporter, partner, flow, product (HS edition of the date) and month."""
    return """
        WITH legs AS (
            SELECT e.country AS reporter, i.country AS partner, 'X' AS flow, s.day, s.good, s.quantity,
                   s.value_usd AS value, s.net_g
            FROM shipments s JOIN firms e ON e.idx = s.exporter JOIN firms i ON i.idx = s.importer
            WHERE s.in_export_stats
            UNION ALL
            SELECT i.country, e.country, 'M', s.day, s.good, s.quantity, s.import_value_usd, s.net_g
            FROM shipments s JOIN firms e ON e.idx = s.exporter JOIN firms i ON i.idx = s.importer
            WHERE s.in_import_stats
        )
        SELECT reporter, partner, flow, CAST(strftime(day, '%Y%m') AS INTEGER) AS period,
               CASE WHEN year(day) >= 2022 THEN g.hs2022 ELSE g.hs2017 END AS hs6,
               CASE WHEN year(day) >= 2022 THEN 'H6' ELSE 'H5' END AS classification,
               g.unit, sum(quantity) AS quantity, sum(value) AS value, sum(net_g) AS net_g
        FROM legs JOIN goods g ON g.idx = legs.good
        GROUP BY ALL
    """


def write_comtrade(con: Any, path: Path, codes: list[str]) -> None:
    """Every reporter's monthly view in the Comtrade bulk layout (CSV, or Parquet for a ``.parquet`` path)."""
    con.execute(
        "CREATE OR REPLACE TABLE countries AS SELECT * FROM (VALUES "
        + ", ".join(
            f"('{a2}', {num}, '{a3}', '{name.replace(chr(39), chr(39) * 2)}')"
            for a2, num, a3, name in country_rows(codes)
        )
        + ") v(alpha2, code, iso3, name)"
    )
    con.execute(f"CREATE OR REPLACE TABLE views AS {views_sql()}")
    ru_detail_ends = int(RU_DETAIL_ENDS.strftime("%Y%m"))
    not_reporting = ", ".join(f"'{c}'" for c in NOT_REPORTING)
    con.execute(f"""
        CREATE OR REPLACE TABLE comtrade AS
        WITH detail AS (
            SELECT reporter, partner, flow, period, classification, hs6 AS cmd, 6 AS level, unit,
                   quantity, value, net_g FROM views
            WHERE NOT (reporter = '{DESTINATION}' AND period >= {ru_detail_ends})
        ), totals AS (
            SELECT reporter, partner, flow, period, classification, 'TOTAL' AS cmd, 0 AS level, NULL AS unit,
                   NULL AS quantity, sum(value) AS value, NULL AS net_g FROM views GROUP BY ALL
        )
        SELECT * FROM (SELECT * FROM detail UNION ALL SELECT * FROM totals)
        WHERE reporter NOT IN ({not_reporting})
    """)
    con.execute(f"""
        COPY (
            SELECT 'C' AS typeCode, 'M' AS freqCode, period * 100 + 1 AS refPeriodId, period // 100 AS refYear,
                   period % 100 AS refMonth, period, r.code AS reporterCode, r.iso3 AS reporterISO,
                   r.name AS reporterDesc, flow AS flowCode, CASE flow WHEN 'M' THEN 'Import' ELSE 'Export' END
                   AS flowDesc, p.code AS partnerCode, p.iso3 AS partnerISO, p.name AS partnerDesc,
                   0 AS partner2Code, 'W00' AS partner2ISO, 'World' AS partner2Desc,
                   classification AS classificationCode, 'HS' AS classificationSearchCode,
                   'True' AS isOriginalClassification, cmd AS cmdCode, level AS aggrLevel,
                   CASE WHEN level = 6 THEN 'True' ELSE 'False' END AS isLeaf, 'C00' AS customsCode,
                   0 AS motCode, CASE unit WHEN 'pcs' THEN 5 WHEN 'kg' THEN 8 END AS qtyUnitCode,
                   CASE unit WHEN 'pcs' THEN 'u' WHEN 'kg' THEN 'kg' ELSE 'N/A' END AS qtyUnitAbbr,
                   quantity AS qty, round(net_g / 1000.0, 3) AS netWgt,
                   CASE flow WHEN 'M' THEN value END AS cifvalue, CASE flow WHEN 'X' THEN value END AS fobvalue,
                   value AS primaryValue, 'True' AS isReported,
                   CASE WHEN level = 0 THEN 'True' ELSE 'False' END AS isAggregate
            FROM comtrade c JOIN countries r ON r.alpha2 = c.reporter JOIN countries p ON p.alpha2 = c.partner
            ORDER BY c.reporter, c.partner, c.flow, c.period, c.cmd
        ) TO '{path}' ({"FORMAT parquet, ROW_GROUP_SIZE 122880" if path.suffix == ".parquet" else "HEADER"})
    """)


def write_baci(con: Any, folder: Path) -> list[Path]:
    """BACI's reconciled annual view: exporter-reported values in thousand USD, HS 2017 codes throughout."""
    folder.mkdir(parents=True, exist_ok=True)
    con.execute(f"""
        COPY (SELECT code AS country_code, name AS country_name, alpha2 AS country_iso2, iso3 AS country_iso3
              FROM countries ORDER BY code) TO '{folder / f"country_codes_{BACI_VERSION}.csv"}' (HEADER)
    """)
    years = [int(y) for (y,) in con.execute("SELECT DISTINCT year(day) FROM shipments ORDER BY 1").fetchall()]
    paths = []
    for year in years:
        path = folder / f"BACI_HS17_Y{year}_{BACI_VERSION}.csv"
        con.execute(f"""
            COPY (
                SELECT {year} AS t, ex.code AS i, im.code AS j, CAST(g.hs2017 AS INTEGER) AS k,
                       round(sum(s.value_usd) / 1000.0, 3) AS v, round(sum(s.net_g) / 1e6, 3) AS q
                FROM shipments s JOIN firms e ON e.idx = s.exporter JOIN firms i ON i.idx = s.importer
                JOIN countries ex ON ex.alpha2 = e.country JOIN countries im ON im.alpha2 = i.country
                JOIN goods g ON g.idx = s.good
                WHERE year(s.day) = {year} AND s.in_export_stats
                GROUP BY ALL ORDER BY i, j, k
            ) TO '{path}' (HEADER)
        """)
        paths.append(path)
    return paths


def planted_flow_records(con: Any, path: Path, root: Path) -> list[dict[str, Any]]:
    """The Comtrade rows (file, record) each planted scheme's shipments add to, by reporter's view."""
    rows = con.execute("""
        WITH numbered AS (
            SELECT reporter, partner, flow, period, cmd,
                   row_number() OVER (ORDER BY reporter, partner, flow, period, cmd) AS record
            FROM comtrade c WHERE c.reporter IN (SELECT alpha2 FROM countries) AND c.partner IN
                (SELECT alpha2 FROM countries)
        ), planted AS (
            SELECT DISTINCT s.scheme, e.country AS reporter, i.country AS partner, 'X' AS flow,
                   CAST(strftime(s.day, '%Y%m') AS INTEGER) AS period,
                   CASE WHEN year(s.day) >= 2022 THEN g.hs2022 ELSE g.hs2017 END AS cmd
            FROM shipments s JOIN firms e ON e.idx = s.exporter JOIN firms i ON i.idx = s.importer
            JOIN goods g ON g.idx = s.good WHERE s.scheme IS NOT NULL AND s.in_export_stats
            UNION
            SELECT DISTINCT s.scheme, i.country, e.country, 'M', CAST(strftime(s.day, '%Y%m') AS INTEGER),
                   CASE WHEN year(s.day) >= 2022 THEN g.hs2022 ELSE g.hs2017 END
            FROM shipments s JOIN firms e ON e.idx = s.exporter JOIN firms i ON i.idx = s.importer
            JOIN goods g ON g.idx = s.good WHERE s.scheme IS NOT NULL AND s.in_import_stats
        )
        SELECT p.scheme, n.record, n.reporter, n.partner, n.flow, n.period, n.cmd
        FROM planted p JOIN numbered n USING (reporter, partner, flow, period, cmd)
        ORDER BY p.scheme, n.record
    """).fetchall()
    source = str(path.relative_to(root))
    return [
        {
            "scheme": s,
            "source": source,
            "record": str(rec),
            "reporter": r,
            "partner": p,
            "flow": f,
            "period": str(per),
            "hs_code": cmd,
        }
        for s, rec, r, p, f, per, cmd in rows
    ]
