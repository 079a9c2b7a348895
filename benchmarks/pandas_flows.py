"""``flows.surge`` and ``flows.pass_through`` in plain pandas: the baseline of the flows benchmark.

The benchmark checks that Diversion's Ibis/DuckDB detectors are at least ten times faster than this and
that they find exactly the same things. So this is deliberately plain pandas and numpy (no DuckDB, no
Ibis, no SQL), written the way an analyst would: vectorised where pandas makes that natural (groupby,
merge, transform), never a loop over rows. It mirrors, step by step:

- ``diversion.detect.flows.series``: ``harmonised`` (HS 2017 subheadings carried to HS 2022), ``at_levels``
  (a level's own rows win, else the sum of the finer ones), ``_series`` (a row per series and year, its
  months beside it) and ``baseline`` (the same months of the baseline years);
- ``diversion.detect.flows.surge.run``: its filter and figures (not its score or explanation);
- ``diversion.detect.flows.pass_through`` (``_monthly``, ``run``): lagged correlation of a hub's exports to
  the destination with its imports from every other country, and its filters.

Parameters are the detectors' defaults (``FlowParams``, ``surge.Params``, ``pass_through.Params``).

    python -m benchmarks.pandas_flows FLOWS.parquet OUT.json
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from diversion.model.reference import hs_correlation_table

TOTAL: Final = "TOTAL"
KEY: Final = ["dataset", "frequency", "reporter", "partner", "flow", "level", "code", "currency"]
GROUP: Final = ["dataset", "frequency", "reporter", "partner", "flow", "code", "currency", "year"]
LEVEL_GROUP: Final = ["dataset", "frequency", "reporter", "partner", "flow", "currency", "year", "level_code"]
SERIES: Final = ["dataset", "hub", "level", "code", "currency"]
MONTHS: Final = tuple(f"{m:02d}" for m in range(1, 13))
MONTH_COLUMNS: Final = [f"m{m}" for m in MONTHS]
ALL_LEVELS: Final = (0, 2, 4, 6)
READ: Final = ["dataset", "reporter", "partner", "partner_is_country", "flow", "hs_code", "hs_version",
               "period", "value", "currency", "source"]  # fmt: skip

# FlowParams defaults.
CUTOFF_YEAR: Final = 2022
CUTOFF_MONTH: Final = 2
DESTINATION: Final = "RU"
BASELINE_YEARS: Final = 1
# surge.Params defaults.
SURGE_LEVELS: Final = (0, 2, 4, 6)
MIN_RATIO: Final = 2.0
MIN_INCREASE: Final = 100_000.0
MIN_BASELINE: Final = 1.0
# pass_through.Params defaults.
PASS_LEVELS: Final = (4, 6)
MAX_LAG: Final = 3
MIN_MONTHS: Final = 6
MIN_CORRELATION: Final = 0.5
MIN_EXPORT_GROWTH: Final = 2.0
MIN_EXPORTS: Final = 1_000_000.0

SURGE_COLUMNS: Final = [*KEY, "year", "value", "baseline"]
PASS_COLUMNS: Final = [*SERIES, "lag", "correlation", "months", "exported_after", "imported_after"]


def read(path: Path) -> pd.DataFrame:
    """The columns of a canonical flows file the two detectors use."""
    return pd.read_parquet(path, columns=READ)


def correlation_mapping() -> pd.DataFrame:
    """HS 2017 subheading -> HS 2022 code and the share of its value that goes there."""
    corr = hs_correlation_table().to_pandas()
    same = corr["hs2022"] == corr["hs2017"]
    by_old = same.groupby(corr["hs2017"])
    continues = by_old.transform("any")
    targets = by_old.transform("size")
    # One that continues under its own number keeps all of its value there; one that did not is split
    # evenly over its successors.
    kept = ~continues | same
    weight = np.where(continues, 1.0, 1.0 / targets)
    return pd.DataFrame(
        {"hs_code": corr["hs2017"][kept], "hs2022": corr["hs2022"][kept], "weight": weight[kept.to_numpy()]}
    )


def harmonised(flows: pd.DataFrame) -> pd.DataFrame:
    """Rows with HS 2017 subheadings carried to HS 2022: ``code``, ``amount``, ``year``, ``month``,
    ``frequency``."""
    old = (flows["hs_version"] == "HS2017") & (flows["hs_code"].str.len() == 6)
    carried = flows[old].merge(correlation_mapping(), on="hs_code", how="left")
    carried["code"] = carried["hs2022"].fillna(carried["hs_code"])  # not in the table: kept as it is
    carried["amount"] = carried["value"] * carried["weight"].fillna(1.0)
    rest = flows[~old].assign(code=flows["hs_code"], amount=flows["value"])
    columns = ["dataset", "reporter", "partner", "flow", "period", "currency", "source", "code", "amount"]
    rows = pd.concat([carried[columns], rest[columns]], ignore_index=True)
    # A row with a null key can never reach a finding: ours joins on these columns (series to their
    # source's span, years to their baselines, exports to imports) and SQL joins never match a null.
    rows = rows.dropna()
    period = rows["period"]
    return rows.assign(
        year=period.str[:4].astype("int64"),
        month=period.str[5:7],  # "" for annual figures
        frequency=np.where(period.str.len() == 4, "annual", "monthly"),
    ).drop(columns="period")


def _by_code(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per published code and year: ``value`` and the months ``m01``..``m12`` (NaN: none)."""
    sums = rows.groupby([*GROUP, "month"], sort=False)["amount"].sum().unstack("month")
    # The value is every period of the year (annual figures are under ""); the months are only 01-12.
    value = sums.sum(axis=1)
    months = sums.reindex(columns=list(MONTHS))
    months.columns = MONTH_COLUMNS
    return months.assign(value=value).reset_index()


def at_levels(by_code: pd.DataFrame, levels: tuple[int, ...]) -> pd.DataFrame:
    """Rows picked for each ``level`` with ``code`` cut to it: all-goods rows at 0; at 2, 4 and 6 digits the
    office's own rows at that level, or its finer rows where it published none that year."""
    length = by_code["code"].str.len()
    parts = []
    for level in levels:
        if level == 0:
            picked = by_code[by_code["code"] == TOTAL].assign(level_code=TOTAL)
        else:
            picked = by_code[(by_code["code"] != TOTAL) & (length >= level)]
            picked = picked.assign(level_code=picked["code"].str[:level], length=length)
            finest = picked.groupby(LEVEL_GROUP, sort=False)["length"].transform("min")
            picked = picked[picked["length"] == finest].drop(columns="length")
        parts.append(picked.assign(level=level))
    every = pd.concat(parts, ignore_index=True)
    return every.drop(columns="code").rename(columns={"level_code": "code"})


def series(flows: pd.DataFrame) -> pd.DataFrame:
    """Every series by year at every level: ``KEY``, ``year``, ``value``, ``m01``..``m12``."""
    every = at_levels(_by_code(harmonised(flows)), ALL_LEVELS)
    # min_count: a month no row published stays NaN (pandas would make it 0).
    return every.groupby([*KEY, "year"], sort=False)[["value", *MONTH_COLUMNS]].sum(min_count=1).reset_index()


def baseline(every: pd.DataFrame) -> pd.DataFrame:
    """For every series and year from the cut-off's year: its value over the baseline years in the months
    both published (annual series: whole years)."""
    after = every[every["year"] >= CUTOFF_YEAR]
    before = every[(every["year"] < CUTOFF_YEAR) & (every["year"] >= CUTOFF_YEAR - BASELINE_YEARS)]
    before = before.rename(columns={"year": "base_year", "value": "base_value"})
    before = before.rename(columns={c: f"base_{c}" for c in MONTH_COLUMNS})
    paired = after[[*KEY, "year", *MONTH_COLUMNS]].merge(before, on=KEY)
    ours = paired[MONTH_COLUMNS].to_numpy()
    theirs = paired[[f"base_{c}" for c in MONTH_COLUMNS]].to_numpy()
    both = ~np.isnan(ours) & ~np.isnan(theirs)
    annual = (paired["frequency"] == "annual").to_numpy()
    paired = paired.assign(
        contribution=np.where(annual, paired["base_value"], np.where(both, theirs, 0.0).sum(axis=1)),
        common=np.where(annual, 1, both.sum(axis=1)),
    )
    paired = paired[paired["common"] > 0]
    found = paired.groupby([*KEY, "year"], sort=False)["contribution"].sum() / BASELINE_YEARS
    return found.rename("baseline").reset_index()


def _surge(every: pd.DataFrame) -> pd.DataFrame:
    yearly = every[every["level"].isin(SURGE_LEVELS)]
    after = yearly[yearly["year"] >= CUTOFF_YEAR]
    joined = after.merge(baseline(yearly), on=[*KEY, "year"])
    joined = joined[joined["baseline"] >= MIN_BASELINE]
    ratio = joined["value"] / joined["baseline"]
    increase = joined["value"] - joined["baseline"]
    found = joined[(ratio >= MIN_RATIO) & (increase >= MIN_INCREASE)]
    return found[SURGE_COLUMNS].reset_index(drop=True)


def surge(path: Path) -> pd.DataFrame:
    """``flows.surge``'s findings: series whose year after the cut-off grew far beyond its baseline."""
    return _surge(series(read(path)))


def countries(flows: pd.DataFrame) -> set[str]:
    """Partners that are countries (anywhere in the file), as opposed to aggregates like the world."""
    return set(flows.loc[flows["partner_is_country"].fillna(False).astype(bool), "partner"].dropna())


def _by_month(every: pd.DataFrame, name: str) -> pd.DataFrame:
    """Monthly series summed per hub and product (over partners): ``SERIES``, ``month_index``, ``name``."""
    long = every.rename(columns={"reporter": "hub"}).melt(
        id_vars=[*SERIES, "year"], value_vars=MONTH_COLUMNS, var_name="month", value_name=name
    )
    long = long.dropna(subset=[name])
    long["month_index"] = long["year"] * 12 + long["month"].str[1:].astype("int64")
    return long.groupby([*SERIES, "month_index"], sort=False)[name].sum().reset_index()


def _monthly(every: pd.DataFrame, partners: set[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """By hub, product and month: exports to the destination, and imports from every other country."""
    every = every[
        (every["frequency"] == "monthly")
        & every["level"].isin([lv for lv in PASS_LEVELS if lv > 0])
        & every["flow"].isin(["export", "import"])
    ]
    exports = every[(every["flow"] == "export") & (every["partner"] == DESTINATION)]
    imports = every[
        (every["flow"] == "import") & (every["partner"] != DESTINATION) & every["partner"].isin(partners)
    ]
    return _by_month(exports, "exported"), _by_month(imports, "imported")


def _fits(paired: pd.DataFrame) -> pd.DataFrame:
    """Per series and lag: population Pearson correlation, months, and the sums of both flows."""
    keys = [*SERIES, "lag"]
    grouped = paired.groupby(keys, sort=False)
    dx = paired["exported"] - grouped["exported"].transform("mean")
    dy = paired["imported"] - grouped["imported"].transform("mean")
    moments = paired.assign(dxy=dx * dy, dxx=dx * dx, dyy=dy * dy).groupby(keys, sort=False)
    fits = moments.agg(
        sxy=("dxy", "sum"), sxx=("dxx", "sum"), syy=("dyy", "sum"),
        # Each month appears once per series and lag (both sides are summed by month), so rows = months.
        months=("month_index", "size"),
        exported_after=("exported", "sum"), imported_after=("imported", "sum"),
        x_low=("exported", "min"), x_high=("exported", "max"),
        y_low=("imported", "min"), y_high=("imported", "max"),
    ).reset_index()  # fmt: skip
    n = fits["months"]
    correlation = (fits["sxy"] / n) / (np.sqrt(fits["sxx"] / n) * np.sqrt(fits["syy"] / n))
    # DuckDB's corr is NaN, not null, when either side is constant (its running variance is exactly 0; a
    # two-pass mean may leave a residue, so test for constancy instead).
    flat = (fits["x_low"] == fits["x_high"]) | (fits["y_low"] == fits["y_high"])
    fits["correlation"] = correlation.mask(flat, np.nan)
    return fits[[*keys, "correlation", "months", "exported_after", "imported_after"]]


def _best(fits: pd.DataFrame) -> pd.DataFrame:
    """The lag of highest correlation per series (the smallest on a tie)."""
    # A constant side has no correlation (NaN): it ranks last and never passes the filter.
    ranked = fits.assign(rank=fits["correlation"].fillna(-np.inf))
    ordered = ranked.sort_values(["rank", "lag"], ascending=[False, True], kind="stable")
    return ordered.drop_duplicates(SERIES).drop(columns="rank")


def _pass_through(every: pd.DataFrame, partners: set[str]) -> pd.DataFrame:
    exported, imported = _monthly(every, partners)
    first_after = CUTOFF_YEAR * 12 + CUTOFF_MONTH
    # Imports of month t are paired with exports of month t + lag.
    shifted = pd.concat(
        [imported.assign(lag=lag, month_index=imported["month_index"] + lag) for lag in range(MAX_LAG + 1)],
        ignore_index=True,
    )
    after = exported[exported["month_index"] >= first_after]
    paired = after.merge(shifted, on=[*SERIES, "month_index"])
    best = _best(_fits(paired))
    window = (exported["month_index"] < first_after) & (
        exported["month_index"] >= first_after - 12 * BASELINE_YEARS
    )
    before = exported[window].groupby(SERIES, sort=False)["exported"].sum() / (12.0 * BASELINE_YEARS)
    found = best.merge(before.rename("exported_before").reset_index(), on=SERIES, how="left")
    exported_before = found["exported_before"]
    # No growth (null) when the year before summed to 0 or less: nothing before, as with no figures.
    growth = (found["exported_after"] / found["months"] / exported_before).where(exported_before > 0)
    keep = (
        (found["months"] >= MIN_MONTHS)
        & (found["correlation"] >= MIN_CORRELATION)
        & (found["exported_after"] >= MIN_EXPORTS)
        & (growth.isna() | (growth >= MIN_EXPORT_GROWTH))
    )
    return found.loc[keep, PASS_COLUMNS].reset_index(drop=True)


def pass_through(path: Path) -> pd.DataFrame:
    """``flows.pass_through``'s findings: hubs whose monthly exports to the destination follow their
    imports of the same product from everyone else."""
    flows = read(path)
    return _pass_through(series(flows), countries(flows))


def _records(found: pd.DataFrame, order: list[str]) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts in a fixed order (NaN as null)."""
    rows: list[dict[str, Any]] = found.sort_values(order, kind="stable").to_dict("records")
    for row in rows:
        for name, value in row.items():
            if isinstance(value, np.generic):
                value = value.item()
            row[name] = None if isinstance(value, float) and math.isnan(value) else value
    return rows


def main() -> None:
    if len(sys.argv) != 3:
        raise SystemExit("usage: python -m benchmarks.pandas_flows FLOWS.parquet OUT.json")
    source, out = Path(sys.argv[1]), Path(sys.argv[2])
    flows = read(source)
    every = series(flows)  # shared by both detectors, as ours shares ``series``
    found = {
        "surge": _records(_surge(every), [*KEY, "year"]),
        "pass_through": _records(_pass_through(every, countries(flows)), [*SERIES, "lag"]),
    }
    out.write_text(json.dumps(found, indent=1) + "\n")


if __name__ == "__main__":
    main()
