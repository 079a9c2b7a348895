"""Trade statistics made comparable: HS editions harmonised, products at 2, 4 and 6 digits (and all
goods), values by year with each month beside them, each figure tied to the office that published it.

Flows hold what each office published: several HS levels side by side (never added up across levels),
HS 2017 codes before 2022 and HS 2022 after. An HS 2017 subheading is carried to its HS 2022 counterparts
with the shipped UNSD correlation: one that continues under its own number keeps its value there, one
that did not is split evenly over its successors, and a figure resting on anything but a one-to-one
correspondence is marked approximate. At each level, a product's value comes from the rows published at
that level or, where the office published none that year, from the sum of its finer rows.

The whole flows table is read once per workspace state: ``series`` aggregates it into one row per series
and year (its months as columns), which every flow detector shares; the input rows behind a finding are
looked up afterwards, for the findings alone (``evidence``).
"""

from __future__ import annotations

from typing import Final

import ibis
import ibis.expr.types as ir

from diversion.detect.flows.common import KEY, TOTAL, FlowParams
from diversion.store import Workspace

ALL_LEVELS: Final = (0, 2, 4, 6)
MONTHS: Final = tuple(f"{m:02d}" for m in range(1, 13))
MONTH_COLUMNS: Final = tuple(f"m{m}" for m in MONTHS)
"""The value of each month of a monthly series' year (null: not published), in ``series``."""
SIDE: Final = ("dataset", "reporter", "partner", "flow", "currency")


def harmonised(ws: Workspace, only: ir.Table | None = None) -> ir.Table:
    """Flows with HS 2017 subheadings carried to HS 2022 (value split where one maps to several); with
    ``only``, just the flows (``SIDE``) it lists."""
    flows = ws.table("flows")
    if only is not None:
        flows = flows.semi_join(only, list(SIDE))
    corr = ws.table("hs_correlation")
    # A subheading that continues under its own number keeps its value there (what HS 2022 carved out of
    # it, e.g. electronic waste 8549 out of 8542, is small); one that did not continue is split evenly.
    fan = corr.group_by("hs2017").aggregate(
        targets=corr.count(),
        continues=(corr.hs2022 == corr.hs2017).any(),
        one_to_one=(corr.relationship == "1:1").all(),
    )
    mapping = corr.join(fan, "hs2017")
    mapping = mapping.filter(~mapping.continues | (mapping.hs2022 == mapping.hs2017)).select(
        "hs2017",
        "hs2022",
        weight=ibis.ifelse(mapping.continues, 1.0, 1.0 / mapping.targets.cast("float64")),
        exact=mapping.one_to_one,
    )
    # One pass over the rows: HS 2017 subheadings meet their successors, everything else passes through.
    old = (flows.hs_version == "HS2017") & (flows.hs_code.length() == 6)
    # The key is computed, not the condition compound: the engine then joins by hash, not row by row.
    flows = flows.mutate(old_code=ibis.ifelse(old, flows.hs_code, ibis.null("string")))
    joined = flows.left_join(mapping, flows.old_code == mapping.hs2017)
    rows = joined.select(
        "dataset", "reporter", "partner", "flow", "period", "currency", "source", "record",
        code=joined.hs2022.coalesce(joined.hs_code),
        amount=joined.value * joined.weight.coalesce(1.0),
        approximate=~joined.exact.coalesce(True),
    )  # fmt: skip
    rows = rows.filter(rows.amount.notnull())
    return rows.mutate(
        year=rows.period.substr(0, 4).cast("int32"),
        month=rows.period.substr(5, 2),  # "" for annual figures
        frequency=ibis.ifelse(rows.period.length() == 4, "annual", "monthly"),
    )


def at_levels(rows: ir.Table, levels: tuple[int, ...]) -> ir.Table:
    """Rows picked for each level (``level``, ``code`` cut to it): all-goods rows for level 0; at 2, 4
    and 6 digits the office's own rows at that level, or its finer rows where it published none that year.
    """
    rows = rows.mutate(length=rows.code.length())
    parts = []
    for level in levels:
        if level == 0:
            picked = rows.filter(rows.code == TOTAL).mutate(level_code=rows.code)
        else:
            picked = rows.filter((rows.code != TOTAL) & (rows.length >= level)).mutate(
                level_code=rows.code.substr(0, level)
            )
            # An aggregate joined back, not a window: hashing, where a window would sort.
            scope = ["dataset", "frequency", "reporter", "partner", "flow", "currency", "year", "level_code"]
            finest = picked.group_by(scope).aggregate(finest=picked.length.min())
            picked = picked.join(finest, [*scope, picked.length == finest.finest]).drop("finest")
        parts.append(picked.mutate(level=ibis.literal(level, "int8")))
    every = ibis.union(*parts) if len(parts) > 1 else parts[0]
    return every.drop("length", "code").rename(code="level_code")


def series(ws: Workspace) -> ir.Table:
    """Every series by year at every level, computed once per workspace state (see the module).

    Columns: ``KEY``, ``year``, ``value``, ``months`` (periods published that year), ``m01``..``m12``,
    ``month_set`` ("01,02,..," the months published), ``approximate`` and ``history_from`` (the first
    year covered by the files behind it: an extract that starts in 2022 says nothing about what came
    before).
    """
    return ws.memo("flows.series", lambda: ws.materialize(_series(ws)))


def _series(ws: Workspace) -> ir.Table:
    rows = harmonised(ws)
    flows = ws.table("flows")
    spans = flows.group_by("source").aggregate(source_from=flows.period.substr(0, 4).cast("int32").min())
    group = ["dataset", "frequency", "reporter", "partner", "flow", "code", "currency", "year"]
    # One pass over the rows (by file too, which costs little: a series mostly comes from one file); the
    # levels are cut from this much smaller table.
    by_file = rows.group_by([*group, "source"]).aggregate(
        value=rows.amount.sum(),
        approximate=rows.approximate.any(),
        **{f"m{m}": rows.amount.sum(where=rows.month == m) for m in MONTHS},
    )
    by_file = by_file.join(spans, "source")
    by_code = by_file.group_by(group).aggregate(
        value=by_file.value.sum(),
        approximate=by_file.approximate.any(),
        history_from=by_file.source_from.min(),
        **{c: by_file[c].sum() for c in MONTH_COLUMNS},
    )
    every = at_levels(by_code, ALL_LEVELS)
    found = every.group_by([*KEY, "year"]).aggregate(
        value=every.value.sum(),
        approximate=every.approximate.any(),
        history_from=every.history_from.min(),
        **{c: every[c].sum() for c in MONTH_COLUMNS},
    )
    published = [found[c].notnull() for c in MONTH_COLUMNS]
    month_set = ibis.literal(",")
    for month, present in zip(MONTHS, published, strict=True):
        month_set = month_set + ibis.ifelse(present, month + ",", "")
    monthly_count = sum((p.cast("int32") for p in published), ibis.literal(0, "int32"))
    return found.mutate(
        months=ibis.ifelse(found.frequency == "annual", 1, monthly_count),
        month_set=month_set,
    )


def coverage(ws: Workspace) -> ir.Table:
    """The months each reporter published in each dataset and year, whatever the product or partner:
    ``dataset``, ``frequency``, ``reporter``, ``year``, ``cover`` (1 for an annual series).

    A series' own ``months`` are the months its flow traded: a flow of a few shipments a year trades in
    different months on the two sides of a border (and a phantom shipment adds months to one side only), so
    only what a reporter published says whether two sides cover the same part of a year.
    """
    return ws.memo("flows.coverage", lambda: ws.materialize(_coverage(ws)))


def _coverage(ws: Workspace) -> ir.Table:
    every = series(ws)
    group = ["dataset", "frequency", "reporter", "year"]
    published = every.group_by(group).aggregate(**{f"p{c}": every[c].notnull().any() for c in MONTH_COLUMNS})
    months = sum((published[f"p{c}"].cast("int32") for c in MONTH_COLUMNS), ibis.literal(0, "int32"))
    return published.select(*group, cover=ibis.ifelse(published.frequency == "annual", 1, months))


def yearly(ws: Workspace, p: FlowParams) -> ir.Table:
    """The series at the levels ``p`` compares, with whether their files reach back before the cut-off."""
    every = series(ws)
    every = every.filter(every.level.isin(list(p.levels)))
    return every.mutate(history_known=every.history_from < p.cutoff_date.year)


def baseline(ws: Workspace, p: FlowParams) -> ir.Table:
    """For every series and year after the cut-off, its value over the baseline years in the same months.

    A year published only in part (January to October) is compared with January to October of the
    baseline years, never with whole years; annual series compare whole years. ``base_months``: the
    months both years published.
    """
    key = ("flows.baseline", p.cutoff_date, p.baseline_years, tuple(p.levels))
    return ws.memo(key, lambda: ws.materialize(_baseline(ws, p)))


def _baseline(ws: Workspace, p: FlowParams) -> ir.Table:
    every = yearly(ws, p)
    first_after = p.cutoff_date.year
    after = every.filter(every.year >= first_after)
    before = every.filter((every.year < first_after) & (every.year >= first_after - p.baseline_years))
    before = before.select(*KEY, base_year=before.year, base_value=before.value,
                           base_approximate=before.approximate,
                           **{f"base_{c}": before[c] for c in MONTH_COLUMNS})  # fmt: skip
    paired = after.select(*KEY, "year", *MONTH_COLUMNS).join(before, list(KEY))
    both = [paired[c].notnull() & paired[f"base_{c}"].notnull() for c in MONTH_COLUMNS]
    common = sum((b.cast("int32") for b in both), ibis.literal(0, "int32"))
    same_months = sum(
        (ibis.ifelse(b, paired[f"base_{c}"], 0.0) for b, c in zip(both, MONTH_COLUMNS, strict=True)),
        ibis.literal(0.0),
    )
    annual = paired.frequency == "annual"
    paired = paired.mutate(
        contribution=ibis.ifelse(annual, paired.base_value, same_months),
        common=ibis.ifelse(annual, 1, common),
    )
    paired = paired.filter(paired.common > 0)
    return paired.group_by([*KEY, "year"]).aggregate(
        baseline=paired.contribution.sum() / p.baseline_years,
        base_year=paired.base_year.max(),
        base_months=paired.common.max(),
        base_approximate=paired.base_approximate.any(),
    )


def _chapter(code: ir.StringValue) -> ir.StringValue:
    return ibis.ifelse(code == TOTAL, code, code.substr(0, 2))


def period_index(year: ir.IntegerValue, month: ir.IntegerValue | int) -> ir.IntegerValue:
    """A period as a number that orders a year's annual figure (month 0) before its months (1-12):
    year * 13 + month."""
    return _value(year).cast("int64") * 13 + month


EVIDENCE_TARGET: Final = (*KEY, "fid", "index_from", "index_to", "month_set")
"""What ``evidence`` looks up: the series of finding ``fid``, periods from ``index_from`` to ``index_to``
(``period_index``), and only the months in ``month_set`` (",01,02,"; null: all)."""


EVIDENCE_TARGETS_PER_PASS: Final = 200_000
"""Evidence targets (a finding's series over a span of periods) looked up in one statement."""


def rows_behind(ws: Workspace, targets: ir.Table) -> ir.Table:
    """The input rows of the targets' flows and chapters as they enter each series: ``KEY``, period
    ``index``, ``month``, ``source``, ``record``."""
    rows = harmonised(ws, only=targets.select(*SIDE).distinct())
    # Only the rows of the findings' flows and chapters are cut into levels and matched.
    rows = rows.mutate(chapter=_chapter(rows.code))
    wanted = targets.select(*SIDE, chapter=_chapter(targets.code)).distinct()
    return _cut_rows(rows.semi_join(wanted, [*SIDE, "chapter"]).drop("chapter"))


def _cut_rows(rows: ir.Table) -> ir.Table:
    picked = at_levels(rows, ALL_LEVELS)
    month = ibis.ifelse(picked.month == "", 0, picked.month.cast("int64"))
    return picked.select(*KEY, "month", "source", "record", index=period_index(picked.year, month))


def evidence(picked: ir.Table, targets: ir.Table) -> ir.Table:
    """The input records (``source``, ``record``) behind each finding (``fid``, ``evidence``), from the
    rows ``rows_behind`` the targets."""
    targets = targets.select(*EVIDENCE_TARGET)
    joined = picked.join(
        targets,
        [
            *[picked[c] == targets[c] for c in KEY],
            picked.index >= targets.index_from,
            picked.index <= targets.index_to,
        ],
    )
    joined = joined.filter(
        joined.month_set.isnull() | (joined.month == "") | joined.month_set.contains("," + joined.month + ",")
    )
    return joined.group_by("fid").aggregate(
        evidence=ibis.struct({"source": joined.source, "record": joined.record}).collect()
    )


def targets(
    found: ir.Table,
    first_year: ir.IntegerValue | int,
    last_year: ir.IntegerValue | int,
    month_set: ir.StringValue | None = None,
) -> ir.Table:
    """Evidence targets of numbered findings: their series' rows from ``first_year`` to ``last_year``,
    limited to the months in ``month_set`` (all when None)."""
    return found.select(
        *KEY,
        "fid",
        index_from=period_index(first_year, 0),
        index_to=period_index(last_year, 12),
        month_set=month_set if month_set is not None else ibis.null("string"),
    )


def _value(year: ir.IntegerValue | int) -> ir.IntegerValue:
    return ibis.literal(year) if isinstance(year, int) else year


def numbered(ws: Workspace, found: ir.Table) -> ir.Table:
    """Findings computed once and numbered (``fid``), so their evidence can be joined back."""
    return ws.materialize(found.mutate(fid=ibis.row_number()))


def with_evidence(ws: Workspace, found: ir.Table, targets: ir.Table) -> ir.Table:
    """``found`` (numbered) with the ``evidence`` of its targets (empty where none was found)."""
    # Each step computed once: keeps the plans small (Spark writes out every plan it runs).
    wanted = ws.materialize(targets.select(*EVIDENCE_TARGET))
    # A slice of findings at a time: the rows behind every finding of a national customs world, gathered
    # into lists in one statement, outgrew the engine's memory cap (10M declarations, 2026-12-07). Sliced,
    # the look-up reads every series' rows, cut into levels once per workspace state (``series_rows``):
    # cut afresh for each slice, flows.surge's 350k findings at 10M declarations took eight passes of
    # 15 s instead of 2.5 s. In one pass, only the rows of the findings' flows are cut, as they stream.
    picked = series_rows(ws) if ws.count_rows(wanted) > EVIDENCE_TARGETS_PER_PASS else rows_behind(ws, wanted)
    looked_up = ws.materialize_in_slices(
        wanted, "fid", EVIDENCE_TARGETS_PER_PASS, lambda part: evidence(picked, part)
    )
    ws.drop_temp(wanted)
    joined = found.left_join(looked_up, found.fid == looked_up.fid)
    joined = joined.drop(*[c for c in joined.columns if c.endswith("_right")])
    empty = ibis.literal([], type="array<struct<source: string, record: string>>")
    return joined.mutate(evidence=joined.evidence.coalesce(empty))


def series_rows(ws: Workspace) -> ir.Table:
    """Every input row as it enters each series (as ``rows_behind``), computed once per workspace state
    and shared by the evidence look-ups that take several passes."""
    return ws.memo("flows.series_rows", lambda: ws.materialize(_cut_rows(harmonised(ws))))
