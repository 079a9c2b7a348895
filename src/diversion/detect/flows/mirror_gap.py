"""flows.mirror_gap: the two sides of one flow tell different stories, or only one side still reports.

Red flag: CEPR DP20097 (2025): about half of the additional EU/UK exports to the hubs in 2022-23 were
"phantom" flows, recorded as exports at origin and never as imports at the hub; CASES.md: Kyrgyzstan's
exports to Russia rose +172% as Kyrgyzstan counts them and +133% as Russia (through the IMF) does, and
Russia stopped publishing product detail in 2022. Every export series is paired with the partner's import
series for the same product and year (any publications, same currency), and a finding is made when

- ``disagree``: both sides report after the cut-off and their growth over the baseline differs by at
  least ``min_growth_gap`` times, or the exporter reports ``min_gap_ratio`` times what the importer does
  (imports are valued CIF, so they should be the larger);
- ``unbooked``: the exporter reports a product the importer never books that year, although the importer
  books other products from the same exporter (phantom exports in their purest form);
- ``one_side``: the importer reported the flow before the cut-off and stopped, while the exporter still
  reports it, at least ``min_lone_growth`` times its baseline (the destination seen only through its
  partners' statistics; scored at half weight: the surge itself is ``flows.surge``'s finding).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import ibis
import ibis.expr.types as ir

from diversion.detect.base import Detector, clip, conform
from diversion.detect.flows.common import (
    KEY,
    FlowParams,
    change,
    controlled,
    controls,
    country_names,
    named,
    product,
)
from diversion.detect.flows.series import baseline, coverage, numbered, targets, with_evidence, yearly
from diversion.model.countries import TRANSSHIPMENT_HUBS
from diversion.model.words import money
from diversion.store import Workspace

PAIR = ("exporter", "importer", "level", "code", "currency")


@dataclass(frozen=True)
class Params(FlowParams):
    min_growth_gap: float = field(
        default=1.1, metadata={"help": "Least ratio between the two sides' growths."}
    )
    min_gap_ratio: float = field(default=1.5, metadata={"help": "Exports this many times imports: phantom."})
    min_value: float = field(default=100_000.0, metadata={"help": "Least value on the larger side."})
    min_lone_growth: float = field(
        default=2.0, metadata={"help": "Least growth of a flow seen only from the exporter's side."}
    )
    hubs: tuple[str, ...] = field(
        default=TRANSSHIPMENT_HUBS,
        metadata={"help": "Importers whose missing books score like the destination's (named hubs)."},
    )


SIDE_COLUMNS = (
    "dataset", "frequency", "flow", "value", "baseline", "approximate", "months", "month_set", "cover",
)  # fmt: skip


def _side(
    series: ir.Table, bases: ir.Table, cover: ir.Table, flows: list[str], reporter_is: str, p: Params
) -> ir.Table:
    """One side of each flow, by year after the cut-off, with its baseline over the same months and the
    months its reporter published that year."""
    after = series.filter(series.flow.isin(flows) & (series.year >= p.cutoff_date.year))
    after = after.left_join(bases, [*KEY, "year"])
    after = after.left_join(cover, ["dataset", "frequency", "reporter", "year"])
    other = "importer" if reporter_is == "exporter" else "exporter"
    prefix = reporter_is[:3]
    return after.select(
        "reporter", "partner", "level", "code", "currency", "year", *SIDE_COLUMNS
    ).rename(**{reporter_is: "reporter", other: "partner"}, **{f"{prefix}_{c}": c for c in SIDE_COLUMNS})  # fmt: skip


def _targets(found: ir.Table, side: str, p: Params) -> ir.Table:
    """Evidence targets of one side of numbered findings: its year, and its baseline in the same months."""
    reporter, partner = ("exporter", "importer") if side == "exp" else ("importer", "exporter")
    present = found.filter(found[f"{side}_dataset"].notnull())
    present = present.mutate(
        dataset=present[f"{side}_dataset"], frequency=present[f"{side}_frequency"],
        reporter=present[reporter], partner=present[partner], flow=present[f"{side}_flow"],
    )  # fmt: skip
    first_after = p.cutoff_date.year
    return targets(present, present.year, present.year).union(
        targets(present, first_after - p.baseline_years, first_after - 1, present[f"{side}_month_set"])
    )


def run(ws: Workspace, p: Params) -> ir.Table:
    """Export and import sides of every flow after the cut-off, compared with each other and over time."""
    series = yearly(ws, p)
    bases = baseline(ws, p).drop("base_year", "base_months")
    cover = coverage(ws)
    exports = _side(series, bases, cover, ["export", "re-export"], "exporter", p)
    imports = _side(series, bases, cover, ["import"], "importer", p)
    both = exports.join(imports, [*PAIR, "year"])
    # Two sides compare only where both reporters published the same months (a year one of them published
    # in part is left out); the months a flow happened to trade may differ, and phantoms add months.
    both = both.filter(both.exp_cover == both.imp_cover)
    both = both.mutate(
        exp_growth=both.exp_value / both.exp_baseline,
        imp_growth=both.imp_value / both.imp_baseline,
        gap_ratio=both.exp_value / ibis.greatest(both.imp_value, 1.0),
    )
    growth_gap = ibis.greatest(both.exp_growth, both.imp_growth) / ibis.greatest(
        ibis.least(both.exp_growth, both.imp_growth), 1e-9
    )
    disagree = both.mutate(kind=ibis.literal("disagree"), growth_gap=growth_gap).filter(
        lambda t: (
            (ibis.greatest(t.exp_value, t.imp_value) >= p.min_value)
            & ((t.growth_gap >= p.min_growth_gap) | (t.gap_ratio >= p.min_gap_ratio))
        )
    )
    # The importer's books before the cut-off, and none after: only the exporter's report remains.
    stopped = series.filter(series.flow == "import")
    reported_before = stopped.filter(stopped.year < p.cutoff_date.year).select(
        importer=stopped.reporter, exporter=stopped.partner, level=stopped.level, code=stopped.code,
        currency=stopped.currency,
    ).distinct()  # fmt: skip
    reported_after = stopped.filter(stopped.year >= p.cutoff_date.year).select(
        importer=stopped.reporter, exporter=stopped.partner, level=stopped.level, code=stopped.code,
        currency=stopped.currency, year=stopped.year,
    ).distinct()  # fmt: skip
    lone = exports.semi_join(reported_before, list(PAIR)).anti_join(reported_after, [*PAIR, "year"])
    lone = lone.filter(lone.exp_baseline.notnull())
    # The destination's silence is one fact; it is worth a finding where the exporter's figure grew.
    lone = lone.filter(
        (lone.exp_value >= p.min_value) & (lone.exp_value >= p.min_lone_growth * lone.exp_baseline)
    )
    one_side = lone.mutate(
        kind=ibis.literal("one_side"), imp_dataset=ibis.null("string"), imp_value=ibis.null("float64"),
        imp_baseline=ibis.null("float64"), imp_approximate=ibis.literal(False), imp_flow=ibis.null("string"),
        imp_months=lone.exp_months, imp_frequency=lone.exp_frequency, imp_month_set=ibis.null("string"),
        imp_cover=lone.exp_cover,
        exp_growth=lone.exp_value / lone.exp_baseline, imp_growth=ibis.null("float64"),
        gap_ratio=ibis.null("float64"), growth_gap=ibis.null("float64"),
    )  # fmt: skip
    # Exports the importer never booked, although it books products from that exporter that year: phantom.
    booking = stopped.filter((stopped.level > 0) & (stopped.year >= p.cutoff_date.year)).select(
        importer=stopped.reporter, exporter=stopped.partner, currency=stopped.currency, year=stopped.year
    ).distinct()  # fmt: skip
    unbooked = exports.filter((exports.level > 0) & (exports.exp_value >= p.min_value))
    unbooked = unbooked.semi_join(booking, ["importer", "exporter", "currency", "year"]).anti_join(
        reported_after, [*PAIR, "year"]
    )
    never = unbooked.mutate(
        kind=ibis.literal("unbooked"), imp_dataset=ibis.null("string"), imp_value=ibis.literal(0.0),
        imp_baseline=ibis.null("float64"), imp_approximate=ibis.literal(False), imp_flow=ibis.null("string"),
        imp_months=unbooked.exp_months, imp_frequency=unbooked.exp_frequency, imp_month_set=ibis.null("string"),
        imp_cover=unbooked.exp_cover,
        exp_growth=unbooked.exp_value / unbooked.exp_baseline, imp_growth=ibis.null("float64"),
        gap_ratio=ibis.null("float64"), growth_gap=ibis.null("float64"),
    )  # fmt: skip
    found = disagree.union(one_side.select(*disagree.columns)).union(never.select(*disagree.columns))
    found = _booked_elsewhere(found, series, p)
    found = numbered(ws, controlled(found, controls(ws, p), p))
    behind = _targets(found, "exp", p).union(_targets(found, "imp", p))
    return conform(_described(ws, with_evidence(ws, found, behind), p))


def _booked_elsewhere(found: ir.Table, series: ir.Table, p: Params) -> ir.Table:
    """``others_rise``: how much the importer's imports of the product from its other partners grew, in
    the year of the finding, over their yearly mean in the baseline years (of the same publication, the
    part of a year the importer published). Importers book goods by country of origin, exporters by
    destination: goods sent on from a transit country (cars from Georgia to Armenia) appear in the
    importer's books under the maker's country, and a rise there as large as the gap says the goods may be booked after all."""
    first_after = p.cutoff_date.year
    imports = series.filter(series.flow == "import")
    product = ["dataset", "frequency", "reporter", "level", "code", "currency"]
    in_base = (imports.year >= first_after - p.baseline_years) & (imports.year < first_after)
    base = ibis.ifelse(in_base, imports.value / p.baseline_years, 0.0)
    per_partner = imports.group_by([*product, "partner"]).aggregate(own_base=base.sum())
    per_product = imports.group_by(product).aggregate(all_base=base.sum())
    yearly_total = (
        imports.filter(imports.year >= first_after)
        .group_by([*product, "year"])
        .aggregate(all_value=imports.value.sum())
    )
    # An importer that booked none of the flow is read in the exporter's publication (as ``unbooked`` is).
    keyed = found.mutate(
        dataset=found.imp_dataset.coalesce(found.exp_dataset),
        frequency=found.imp_frequency,
        reporter=found.importer,
        partner=found.exporter,
    )
    joined = (
        keyed.left_join(yearly_total, [*product, "year"])
        .select(*keyed.columns, "all_value")
        .left_join(per_product, product)
        .select(*keyed.columns, "all_value", "all_base")
        .left_join(per_partner, [*product, "partner"])
        .select(*keyed.columns, "all_value", "all_base", "own_base")
    )
    # A year published in part (Armenia's first months of 2023) is set against that part of a baseline year.
    share = ibis.ifelse(joined.frequency == "annual", 1.0, joined.imp_cover.cast("float64") / 12.0)
    own_rise = joined.imp_value.coalesce(0.0) - joined.own_base.coalesce(0.0) * share
    others_rise = joined.all_value.coalesce(0.0) - joined.all_base.coalesce(0.0) * share - own_rise
    return joined.mutate(others_rise=others_rise).select(*found.columns, "others_rise")


def _described(ws: Workspace, t: ir.Table, p: Params) -> ir.Table:
    names = country_names(ws)
    t = named(named(t, names, "exporter", "exporter_name"), names, "importer", "importer_name")
    year = t.year.cast("string")
    base_year = ibis.literal(str(p.cutoff_date.year - 1))
    exp_story = (
        t.exporter_name + "'s exports of " + product(t.level, t.code) + " to " + t.importer_name + ": "
        + ibis.ifelse(t.exp_baseline.notnull(), money(t.exp_baseline, t.currency) + " in " + base_year + " -> ", "")
        + money(t.exp_value, t.currency) + " in " + year
        + ibis.ifelse(t.exp_baseline.notnull(), ", " + change(t.exp_growth), "")
        + " as " + t.exporter_name + " reports them (" + t.exp_dataset + ")"
    )  # fmt: skip
    imp_story = (
        t.importer_name + "'s imports from " + t.exporter_name + ": "
        + ibis.ifelse(t.imp_baseline.notnull(), money(t.imp_baseline, t.currency) + " -> ", "")
        + money(t.imp_value, t.currency)
        + ibis.ifelse(t.imp_baseline.notnull(), ", " + change(t.imp_growth), "")
        + " as " + t.importer_name + " reports them (" + t.imp_dataset + ")"
    )  # fmt: skip
    lone_story = "; " + t.importer_name + " has published none since " + base_year
    unbooked_story = (
        "; " + t.importer_name + " booked no such imports from " + t.exporter_name + " (" + t.exp_dataset
        + "), though it reports other goods from there"
    )  # fmt: skip
    explanation = exp_story + ibis.cases(
        (t.kind == "disagree", "; " + imp_story), (t.kind == "unbooked", unbooked_story), else_=lone_story
    )
    size = clip((ibis.greatest(t.exp_value, t.imp_value.coalesce(0.0)).log10() - 5.0) / 4.0)
    # An exporter's figure many times the importer's (imports, valued CIF, should be the larger): x10 is as
    # good as never booked, and needs no baseline (a line new on both sides has none).
    ratio = t.gap_ratio.coalesce(0.0)
    unbooked = ibis.cases(
        (t.kind == "unbooked", 1.0), (ratio >= p.min_gap_ratio, clip(ratio.log10())), else_=0.0
    )
    disagreement = ibis.greatest(
        clip((t.growth_gap.coalesce(1.0).log10()) / 0.5) * 0.6
        + (ratio >= p.min_gap_ratio).cast("float64") * 0.4,
        unbooked,
    )
    # Goods for the destination; or for a named hub that never books them: the phantom of CEPR DP20097,
    # counted as far as the hub's books miss them.
    missing = t.exp_value - t.imp_value.coalesce(0.0)
    on_route = ibis.cases(
        (t.importer == p.destination, 1.0),
        (t.importer.isin(list(p.hubs)) & (t.others_rise < missing), unbooked),
        else_=0.0,
    )
    score = ibis.cases(
        (t.kind == "disagree", 0.40 * disagreement + 0.35 * size + 0.25 * on_route),
        (t.kind == "unbooked", 0.40 + 0.35 * size + 0.25 * on_route),
        else_=0.5 * (0.4 * clip(t.exp_growth.log10() / 2.0) + 0.4 * size + 0.2 * on_route),
    )
    return t.mutate(
        detector=ibis.literal("flows.mirror_gap"),
        subject_kind=ibis.literal("flow"),
        subject_id=t.exp_dataset + "+" + t.imp_dataset.coalesce("none") + ":" + t.exporter + ">" + t.importer
        + ":mirror:" + t.code,
        subject_name=t.exporter_name + " -> " + t.importer_name + ", " + product(t.level, t.code) + " (both sides)",
        country=t.exporter,
        partner=t.importer,
        hs_code=t.code,
        period=year,
        view=t.exp_dataset + " (reported by " + t.exporter + ") vs " + t.imp_dataset.coalesce("nothing")
        + " (reported by " + t.importer + ")",
        approximate=t.exp_approximate | t.imp_approximate.coalesce(False),
        score=clip(score * t.control),
        explanation=explanation,
        metrics=ibis.map(
            ibis.array(["value", "export_value", "export_baseline", "import_value", "import_baseline", "gap_ratio",
                        "level"]),
            ibis.array([t.exp_value, t.exp_value, t.exp_baseline, t.imp_value, t.imp_baseline, t.gap_ratio,
                        t.level.cast("float64")]),
        ),
        evidence=t.evidence,
    )  # fmt: skip


DETECTOR = Detector(
    name="flows.mirror_gap",
    run=run,
    params=Params,
    rationale="CEPR DP20097 (phantom exports); CASES.md (Kyrgyzstan +172% vs +133%; Russia's missing detail).",
)
