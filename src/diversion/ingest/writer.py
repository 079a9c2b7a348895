"""Staged rows into the store: accepted rows to their canonical table, the others to quarantine.

Duplicates inside one input (the same row twice) are quarantined as such, citing the first copy. Trade
statistics broken down by mode of transport or customs procedure go to ``flow_breakdowns``; ``flows`` gets
the total row, or, where the input has no total, the sum of the breakdown rows (citing them all), so a flow
is never counted twice.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from diversion.ingest.stage import RAW, REASON, ROW_HASH, Staged
from diversion.ingest.tabular import RECORD
from diversion.model import schema
from diversion.store import Workspace

BREAKDOWN = "__breakdown"
"""Adapters of trade statistics set this to e.g. "mode_of_transport=Road" on rows that split a total."""

FLOW_KEY = ("dataset", "reporter", "partner", "flow", "hs_code", "hs_version", "period", "source")
_SUMMED = ("value", "value_usd", "quantity", "net_kg")


@dataclass
class Written:
    accepted: int
    quarantined: int


@dataclass
class Prepared:
    """Staged rows computed and checked (the input has been read), not yet stored."""

    table: str
    checked: ir.Table
    counted: bool


def prepare(ws: Workspace, staged: Staged) -> Prepared:
    """Read and check all rows of a staged relation, so that storing them cannot fail half-way on input."""
    checked = _mark_duplicates(ws, ws.materialize(staged.rows), staged.table)
    if staged.repeat_key is not None:
        checked = _mark_repeats(ws, checked, staged)
    return Prepared(staged.table, checked, staged.counted)


def write(ws: Workspace, prepared: Prepared) -> Written:
    """Store prepared rows; returns how many were accepted and quarantined."""
    checked = prepared.checked
    try:
        accepted = checked.filter(checked[REASON].isnull())
        rejected = checked.filter(checked[REASON].notnull())
        if prepared.table == "flows":
            _write_flows(ws, accepted)
        else:
            ws.insert(prepared.table, accepted)
        ws.insert(
            "quarantine",
            rejected.select("run_id", "source", "record", reason=rejected[REASON], raw=rejected[RAW]),
        )
        counts = checked.aggregate(
            accepted=checked[REASON].isnull().sum(), quarantined=checked[REASON].notnull().sum()
        ).execute()
        return Written(int(counts.accepted.iloc[0] or 0), int(counts.quarantined.iloc[0] or 0))
    finally:
        ws.drop_temp(checked)


def _mark_duplicates(ws: Workspace, checked: ir.Table, table: str) -> ir.Table:
    """Quarantine exact repeats of an earlier row of the same input (by raw content, then confirmed exactly)."""
    valid = checked.filter(checked[REASON].isnull())
    repeated = valid.group_by(ROW_HASH).aggregate(n=valid.count()).filter(lambda t: t.n > 1)
    if int(repeated.count().execute()) == 0:
        return checked
    keys = [
        c for c, dtype in schema.schema(table).items() if c not in schema.PROVENANCE and not dtype.is_array()
    ]
    candidates = valid.semi_join(repeated, ROW_HASH)
    window = ibis.window(group_by=[candidates[k] for k in keys])
    first = candidates[RECORD].min().over(window)
    dups = candidates.select(
        __dup_record=candidates[RECORD],
        __dup_reason=ibis.literal("duplicate of record ") + first.cast("string"),
        __is_dup=candidates[RECORD] != first,
    ).filter(lambda t: t.__is_dup)
    dups = ws.materialize(dups)
    marked = checked.left_join(dups, checked[RECORD] == dups.__dup_record)
    marked = marked.mutate(**{REASON: marked[REASON].coalesce(marked.__dup_reason)})
    marked = marked.mutate(
        **{
            RAW: ibis.ifelse(
                marked.__dup_reason.notnull(), ibis.literal("(same as the first copy)"), marked[RAW]
            )
        }
    )
    result = ws.materialize(marked.drop("__dup_record", "__dup_reason", "__is_dup"))
    ws.drop_temp(dups)
    ws.drop_temp(checked)
    return result


def _mark_repeats(ws: Workspace, checked: ir.Table, staged: Staged) -> ir.Table:
    """Quarantine the later copies of a country partner's non-nil row given more than once with the same
    values in ``staged.repeat_key`` (see ``trade_tables.REPEAT_KEY``), citing the first copy.

    The repeats are found by an aggregate of the checked rows and joined back by record; only their input
    lines are rebuilt. (As a check of each row, a window carried every staged column through a sort: 23 s
    of a 6M-row Comtrade file's 47.)"""
    assert staged.repeat_key is not None and staged.raw_lines is not None
    key = [*staged.repeat_key, *([BREAKDOWN] if BREAKDOWN in checked.columns else [])]
    subject = checked.filter(checked.partner_is_country.fill_null(False) & (checked.value.fill_null(0) != 0))
    line = subject.record.split(":")[0].cast("int64")  # melted records are "line:label"
    groups = subject.group_by(key).aggregate(__copies=subject.count(), __first=subject.record.argmin(line))
    groups = ws.materialize(groups.filter(groups.__copies > 1).drop("__copies"))
    if ws.count_rows(groups) == 0:
        ws.drop_temp(groups)
        return checked
    copies = subject.join(groups, [subject[c].identical_to(groups[c]) for c in key])
    copies = copies.filter((copies.record != copies.__first) & copies[REASON].isnull())
    lines = staged.raw_lines
    repeats = copies.select(__rep_record=copies[RECORD], __rep_first=copies.__first)
    repeats = repeats.join(lines, repeats.__rep_record == lines[RECORD]).select(
        "__rep_record", "__rep_first", __rep_raw=lines[RAW]
    )
    repeats = ws.materialize(repeats)
    marked = checked.left_join(repeats, checked[RECORD] == repeats.__rep_record)
    reason = (
        ibis.literal("repeats record ")
        + marked.__rep_first
        + " (same flow and value, the partner written another way)"
    )
    marked = marked.mutate(
        **{
            REASON: ibis.ifelse(marked.__rep_first.notnull(), reason, marked[REASON]),
            RAW: ibis.ifelse(marked.__rep_first.notnull(), marked.__rep_raw, marked[RAW]),
        }
    )
    result = ws.materialize(marked.drop("__rep_record", "__rep_first", "__rep_raw"))
    for table in (groups, repeats, checked):
        ws.drop_temp(table)
    return result


def _write_flows(ws: Workspace, accepted: ir.Table) -> None:
    if BREAKDOWN not in accepted.columns:
        ws.insert("flows", accepted)
        return
    totals = accepted.filter(accepted[BREAKDOWN].isnull())
    parts = accepted.filter(accepted[BREAKDOWN].notnull())
    ws.insert("flows", totals)
    dimension, value = _dimension(parts[BREAKDOWN]), parts[BREAKDOWN].re_extract(r"^[^=]*=(.*)$", 1)
    ws.insert("flow_breakdowns", parts.mutate(breakdown=dimension, breakdown_value=value))
    # Keys broken down with no total row: their total is the sum of the parts of ONE breakdown dimension.
    missing = parts.anti_join(totals, list(FLOW_KEY))
    first_dim = missing.group_by(list(FLOW_KEY)).aggregate(__dim=_dimension(missing[BREAKDOWN]).min())
    one_dim = _one_dimension(missing, first_dim)
    summed = one_dim.group_by(list(FLOW_KEY)).aggregate(
        **{c: one_dim[c].sum() for c in _SUMMED},
        currency=one_dim.currency.max(),
        quantity_unit=one_dim.quantity_unit.max(),
        period_start=one_dim.period_start.min(),
        reporter_is_country=one_dim.reporter_is_country.max(),
        partner_is_country=one_dim.partner_is_country.max(),
        record=one_dim.record.group_concat(";"),
        run_id=one_dim.run_id.max(),
    )
    ws.insert("flows", summed)


def _one_dimension(missing: ir.Table, first_dim: ir.Table) -> ir.Table:
    joined = missing.join(first_dim, list(FLOW_KEY))
    return joined.filter(_dimension(joined[BREAKDOWN]) == joined.__dim).drop("__dim")


def _dimension(breakdown: ir.StringValue) -> ir.StringValue:
    """The dimension of a breakdown "mode_of_transport=Road" (a pattern, not an array index: Spark's ANSI
    mode fails on an index past the end where DuckDB gives null)."""
    return breakdown.re_extract(r"^([^=]*)", 1)
