"""shipments.mislabel: a hub firm declares controlled goods to the destination under the code of harmless
ones: the make, model or words of the line, or the same goods' import leg, say otherwise.

Red flag: FinCEN/BIS joint alerts of 28 Jun 2022 and 19 May 2023 (red flags: "transactions involving ...
HS codes that do not match the description of the goods", goods mis-declared to evade controls); the WCO
guidance on strategic trade control enforcement (commodity identification: the description, make and
model against the declared tariff code); CASES.md, the crop dusters: 14 DJI Agras T30 drones bought by a
Kyrgyz firm for a Russian buyer and declared as agricultural sprayers (8424 instead of 8806), May 2023.

Three kinds of evidence, from strongest to weakest:

- **make and model**: the line names a dual-use make and model (``dual_use_models.csv``: DJI Agras,
  TMS320, STM32, Pulsar Thermion) whose goods belong under headings the declared code is not one of;
- **the import leg**: the firm imported a controlled good and, within ``window_days``, exported the same
  quantity (and net weight, where both state it) to the destination under a different heading, in one
  consignment or several that add up to it ("the description on the import leg and on the export leg
  of the same goods differ" is itself evidence);
- **words**: the description's words (``hs_vocabulary_ru.csv`` and the HS nomenclature texts) point to a
  controlled heading clearly more than to the declared one ("опрыскиватель беспилотный" is a drone).

Only goods whose proper heading is controlled (on a loaded commodity list) count, and by default only
when the declared code draws less scrutiny than the proper one (``hidden_only``: its list priority,
``entities.common.tier_priority``, is lower, or it is on no list): a chip declared under another CHPL
heading hides nothing from a screening, while drones declared as sprayers hide even from a user who
watches sprayers because of that trick. Findings are per hub firm, declared code and proper heading.

Descriptions repeat endlessly, so the distinct (description, brand, model, heading) tuples are classified
once in Python (``hs_text.classify_goods``, vectorised over the tuples) and staged back into the engine;
everything else is relational.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir
import pyarrow as pa
import pycountry

from diversion.detect.base import Detector, conform
from diversion.detect.entities.common import control_priority
from diversion.detect.shipments.common import (
    ShipmentParams,
    company_subject,
    consignments,
    shipment_finding,
)
from diversion.detect.shipments.hs_text import MODELS_FILE, classify_goods, subheading_labels
from diversion.model.arrays import in_order
from diversion.model.reference import hs2022_descriptions
from diversion.model.words import how_many, money
from diversion.store import Workspace

NAME: Final = "shipments.mislabel"
COVER_CHAPTERS: Final = tuple(str(chapter) for chapter in range(84, 94))
"""Chapters whose codes can cover controlled goods on the legs alone: machinery and electrical equipment
(84-85), vehicles, aircraft and vessels (86-89), instruments and clocks (90-91), musical instruments and
arms (92-93), HS sections XVI-XIX."""
STRENGTH: Final = {"brand": 0.9, "model": 0.9, "context": 0.85, "legs": 0.75, "text": 0.6}
"""Score of a finding by its strongest evidence: a named make and model (or a model only its maker uses)
is near-certain; a model number read beside drone words a little less; matching legs can be chance; words
alone can be a careless description."""
MAX_SCORE: Final = 0.98
"""When the line's own make, model or words and the import leg both point to the proper heading, the two
independent pieces combine (1 - (1 - line) * (1 - legs)), at most this much."""
MONTHS: Final = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
LINE_TYPE: Final = dt.Struct({"source": dt.string, "record": dt.string})
GROUP: Final = ("firm", "hs6", "proper")


@dataclass(frozen=True)
class Params(ShipmentParams):
    hidden_only: bool = field(
        default=True,
        metadata={"help": "Flag only goods declared under a code of lower list priority than their proper "
                          "heading, or on no list (a chip under another CHPL heading hides nothing)."},
    )  # fmt: skip
    min_text_score: float = field(
        default=2.0,
        metadata={"help": "Least weight of a description's words for the heading they point to (2: the "
                          "goods' own name, as 'квадрокоптер')."},
    )  # fmt: skip
    min_text_margin: float = field(
        default=1.0,
        metadata={"help": "How much more the words must point to that heading than to the declared one."},
    )
    window_days: int = field(default=90, metadata={"help": "Most days from the firm's import to its export."})
    qty_tolerance: float = field(
        default=0.05,
        metadata={"help": "Relative gap allowed between the quantity imported and the quantity exported "
                          "(one export consignment, or several in a row that add up to it)."},
    )  # fmt: skip
    weight_tolerance: float = field(
        default=0.10,
        metadata={"help": "Relative gap allowed between the legs' net weights, when both state it."},
    )
    min_markup: float = field(
        default=0.95,
        metadata={"help": "Least value of the exports over the value of the import they carry on (resold at "
                          "cost or above, 5% slack for rounding and exchange rates)."},
    )  # fmt: skip
    max_markup: float = field(
        default=3.0,
        metadata={
            "help": "Most value of the exports over the value of the import (CASES.md: markups to 3x)."
        },
    )
    min_leg_quantity: float = field(
        default=5.0,
        metadata={"help": "Least quantity of an import leg matched (one unit matches anything)."},
    )


def run(ws: Workspace, p: Params) -> ir.Table:
    """Hub firms whose exports to the destination are declared under another heading than their make and
    model, their import leg or their words say."""
    listed = listed_codes(ws)
    examined = _examined(ws, p).mutate(listed=lambda t: t.hs6.isin(listed))
    watched = sorted({code[:4] for code in listed})
    found = ibis.union(_by_goods(ws, examined, p, watched), _by_legs(ws, examined, p, listed))
    per_consignment = _per_consignment(found)
    return conform(_findings(ws, per_consignment, p))


def listed_codes(ws: Workspace) -> list[str]:
    """The HS 2022 subheadings on a loaded commodity list (a listed heading or chapter stands for every
    subheading under it). Unlike ``controlled_codes`` it leaves out the HS 2017 counterparts: the lines
    examined are declared after the cut-off, under HS 2022, and the correlation's n:n pairs would make
    harmless codes controlled (842449 sprayers stand beside 8524 displays in it)."""
    lists = ws.table("commodity_lists")
    raw = ws.to_arrow(lists.select("hs_code").distinct()).column("hs_code").to_pylist()
    cut = {"".join(ch for ch in str(code) if ch.isdigit())[:6] for code in raw if code}
    prefixes = tuple(code for code in cut if len(code) in (2, 4, 6))
    return sorted(code for code in hs2022_descriptions() if code.startswith(prefixes))


def _examined(ws: Workspace, p: Params) -> ir.Table:
    """Consignments from a hub to the destination after the cut-off."""
    c = consignments(ws)
    return c.filter(
        (c.date >= p.cutoff_date)
        & (c.importer_country == p.destination)
        & c.exporter_country.isin(list(p.hubs))
    )


def _goods(ws: Workspace, examined: ir.Table) -> ir.Table:
    """The distinct goods of the examined lines, classified in Python (``hs_text.classify_goods``) and
    staged: a few thousand tuples stand for millions of lines. Missing texts are "" so the join matches."""
    keys = examined.select(
        description=examined.description.fill_null(""),
        brand=examined.brand.fill_null(""),
        model=examined.model.fill_null(""),
        hs4=examined.hs4,
    ).distinct()
    return ws.stage_arrow(classify_goods(ws.to_arrow(keys)))


def _by_goods(ws: Workspace, examined: ir.Table, p: Params, watched: list[str]) -> ir.Table:
    """Consignments whose make and model, or else whose words, belong under another (controlled) heading."""
    goods = _goods(ws, examined).rename(
        __description="description", __brand="brand", __model="model", __hs4="hs4"
    )
    lines = examined.mutate(
        __description=examined.description.fill_null(""),
        __brand=examined.brand.fill_null(""),
        __model=examined.model.fill_null(""),
        __hs4=examined.hs4,
    )
    g = lines.join(goods, ["__description", "__brand", "__model", "__hs4"])
    by_model = g.model_heading.notnull() & ~g.model_headings.contains(g.hs4)
    # A named model the declared heading accepts settles the line: its words are not read against it.
    by_text = (
        g.model_heading.isnull()
        & g.text_heading.notnull()
        & (g.text_heading != g.hs4)
        & (g.text_score >= p.min_text_score)
        & (g.text_score - g.declared_score >= p.min_text_margin)
    )
    g = g.mutate(
        proper=ibis.cases((by_model, g.model_heading), (by_text, g.text_heading), else_=ibis.null("string")),
        basis=ibis.cases((by_model, g.model_basis), (by_text, "text"), else_=ibis.null("string")),
    )
    # A make whose goods may go under several headings counts when any of them is watched (a thermal
    # monocular is 9005, on no list, or 8525, on the CHPL).
    on_list = ibis.ifelse(
        by_model, g.model_headings.filter(lambda h: h.isin(watched)).length() > 0, g.proper.isin(watched)
    )
    g = _hidden(ws, g.filter(g.proper.notnull() & on_list), "proper", p)
    model_ref = ibis.struct(
        {"source": ibis.literal(f"diversion:data/{MODELS_FILE}"), "record": g.model_record}
    )
    return _evidence_row(
        g,
        named=ibis.ifelse(by_model, g.model_named, "goods described as «" + g.description + "»"),
        goods=ibis.ifelse(by_model, g.model_goods, g.text_label),
        proper_code=ibis.ifelse(by_model, g.model_proper, g.proper),
        supplier=ibis.null("string"),
        imported_hs6=ibis.null("string"),
        import_lines=ibis.literal([], type=dt.Array(LINE_TYPE)),
        reference=ibis.ifelse(by_model, ibis.array([model_ref]), ibis.literal([], type=dt.Array(LINE_TYPE))),
    )


def _hidden(ws: Workspace, t: ir.Table, heading: str, p: Params) -> ir.Table:
    """Only goods declared under a code of lower list priority than their proper ``heading`` (a column of
    ``t``), unless ``hidden_only`` is off."""
    if not p.hidden_only:
        return t
    ranks = _heading_priority(ws)
    joined = t.left_join(ranks, t[heading] == ranks.__heading)
    keep = joined.priority.fill_null(0.0) < joined.__heading_priority.fill_null(0.0)
    return joined.filter(keep).drop("__heading", "__heading_priority")


def _heading_priority(ws: Workspace) -> ir.Table:
    """__heading (4 digits), __heading_priority: the highest list priority of any subheading under it."""

    def build() -> ir.Table:
        best: dict[str, float] = {}
        for code, priority in control_priority(ws).items():
            best[code[:4]] = max(best.get(code[:4], 0.0), priority)
        data = pa.table(
            {
                "__heading": pa.array(list(best), pa.string()),
                "__heading_priority": pa.array(list(best.values())),
            }
        )
        return ws.materialize(ws.stage_arrow(data))

    return ws.memo((NAME, "heading_priority"), build)


def _by_legs(ws: Workspace, examined: ir.Table, p: Params, listed: list[str]) -> ir.Table:
    """Export consignments that carry on a listed import of the same firm under another heading: in the
    window, the exports of one code that follow the import add up (quantity and, where stated, net weight)
    to what was imported, at a unit value a re-seller would charge. The first run of exports that reaches
    the import's quantity is taken."""
    c = consignments(ws)
    # Counted goods only: equal weights of two kinds of goods are a frequent coincidence in a large firm's
    # books, equal numbers of pieces at a re-seller's price much less so.
    imports = c.filter(
        c.importer_country.isin(list(p.hubs))
        & c.hs6.isin(listed)
        & (c.quantity >= p.min_leg_quantity)
        & (c.pieces_per_unit == 1.0)
    ).select(
        firm=c.importer_entity, supplier=c.exporter_entity, i_date=c.date, i_quantity=c.quantity,
        i_kg=c.net_kg, i_value=c.value_usd, i_hs6=c.hs6, i_hs4=c.hs4, i_unit=c.unit.fill_null(""), i_lines=c.lines,
        i_source=c.source, i_record=c.record,
    )  # fmt: skip
    exports = examined
    # A cover code is chosen to pass inspection: other machinery, apparatus or instruments (sprayers for
    # drones, "parts" for chips). Bearings that leave as T-shirts are a coincidence of numbers.
    exports = exports.filter(exports.hs4.substr(0, 2).isin(list(COVER_CHAPTERS)))
    pairs = imports.join(
        exports,
        [
            imports.firm == exports.exporter_entity,
            imports.i_unit == exports.unit.fill_null(""),
            imports.i_hs4 != exports.hs4,
            exports.date >= imports.i_date,
            exports.date.delta(imports.i_date, unit="day") <= p.window_days,
            exports.quantity <= imports.i_quantity * (1 + p.qty_tolerance),
        ],
    )
    pairs = _hidden(ws, pairs, "i_hs4", p)  # the import leg says what the goods are
    kept = _runs_that_reach(pairs, p)
    legs = pairs.semi_join(kept, ["i_source", "i_record", "source", "record"])
    legs = legs.mutate(proper=legs.i_hs4, basis=ibis.literal("legs"))
    legs = _not_own_stock(legs, c, p)
    return _evidence_row(
        legs,
        named=ibis.null("string"),
        goods=ibis.null("string"),
        proper_code=legs.i_hs4,
        supplier=legs.supplier,
        imported_hs6=legs.i_hs6,
        import_lines=legs.i_lines,
        reference=ibis.literal([], type=dt.Array(LINE_TYPE)),
    )


def _runs_that_reach(pairs: ir.Table, p: Params) -> ir.Table:
    """The (import, export) pairs of each import's first run of exports of one code that reaches the
    import (``i_source``, ``i_record``, ``source``, ``record``).

    The running sums are taken over the few columns they need and the pairs kept are joined back: windows
    carrying every column of ten million pairs (their declaration lines, descriptions) took most of the
    detector's time at ten million declarations.
    """
    narrow = pairs.select(
        "i_source", "i_record", "hs6", "date", "source", "record", "quantity", "net_kg", "value_usd",
        "i_quantity", "i_kg", "i_value",
    )  # fmt: skip
    run_of = ibis.window(
        group_by=[narrow.i_source, narrow.i_record, narrow.hs6],
        order_by=[narrow.date, narrow.source, narrow.record],
        preceding=None,
        following=0,
    )
    narrow = narrow.mutate(
        __quantity=narrow.quantity.sum().over(run_of),
        __kg=narrow.net_kg.sum().over(run_of),
        __value=narrow.value_usd.sum().over(run_of),
        __step=ibis.row_number().over(run_of),
    )
    weight_ok = (
        narrow.i_kg.isnull()
        | narrow.__kg.isnull()
        | ((narrow.__kg - narrow.i_kg).abs() <= p.weight_tolerance * narrow.i_kg)
    )
    # Goods sold on are priced like the goods bought: near or above cost, at most a few times it (an
    # amount of oranges that matches a number of capacitors by chance is worth something else entirely).
    markup = narrow.__value / narrow.i_value
    value_ok = (
        narrow.i_value.isnull()
        | (narrow.i_value <= 0)
        | narrow.__value.isnull()
        | markup.between(p.min_markup, p.max_markup)
    )
    same = (narrow.__quantity - narrow.i_quantity).abs() <= p.qty_tolerance * narrow.i_quantity
    reached = same & weight_ok & value_ok
    whole = ibis.window(group_by=[narrow.i_source, narrow.i_record, narrow.hs6])
    narrow = narrow.mutate(__last=ibis.ifelse(reached, narrow.__step, ibis.null("int64")).min().over(whole))
    kept = narrow.filter(narrow.__step <= narrow.__last)
    return kept.select("i_source", "i_record", "source", "record")


def _not_own_stock(legs: ir.Table, c: ir.Table, p: Params) -> ir.Table:
    """Matched runs none of whose exports the firm's own stock of the declared code explains.

    A trader that imports telephones and sells them on declares its phones honestly, and among hundreds of
    such sales some add up to a drone-parts import by chance. An export counts as the firm's own stock
    when the firm imported at least as much under the code it declares (same unit) in the ``window_days``
    before; a run with any such export is no evidence that the controlled goods left under that code.
    """
    stock = c.filter(c.importer_country.isin(list(p.hubs))).select(
        s_firm=c.importer_entity, s_hs6=c.hs6, s_unit=c.unit.fill_null(""), s_date=c.date,
        s_quantity=c.quantity,
    )  # fmt: skip
    sold = legs.select(
        "source", "record", "exporter_entity", "hs6", "date", "quantity", unit=legs.unit.fill_null("")
    ).distinct()
    held = sold.join(
        stock,
        [
            sold.exporter_entity == stock.s_firm,
            sold.hs6 == stock.s_hs6,
            sold.unit == stock.s_unit,
            stock.s_date <= sold.date,
            sold.date.delta(stock.s_date, unit="day") <= p.window_days,
        ],
    )
    held = held.group_by(["source", "record", "quantity"]).aggregate(stocked=held.s_quantity.sum())
    explained = held.filter(held.stocked >= held.quantity).select("source", "record")
    runs = legs.semi_join(explained, ["source", "record"]).select("i_source", "i_record", "hs6").distinct()
    return legs.anti_join(runs, ["i_source", "i_record", "hs6"])


def _evidence_row(t: ir.Table, **values: ir.Value) -> ir.Table:
    """One export consignment with one piece of evidence for one proper heading, in a shape both kinds share."""
    return t.select(
        firm=t.exporter_entity, consignee=t.importer_entity, hs6=t.hs6, proper=t.proper, basis=t.basis,
        quantity=t.quantity, value_usd=t.value_usd, date=t.date, lines=t.lines, description=t.description,
        e_source=t.source, e_record=t.record, **values,
    )  # fmt: skip


def _per_consignment(found: ir.Table) -> ir.Table:
    """Each export consignment once per proper heading, its evidence combined (an export that several
    imports could have fed, or that both its words and its import leg give away, is counted once)."""
    on_line = found.basis != "legs"
    return found.group_by(["e_source", "e_record", "proper"]).aggregate(
        firm=found.firm.arbitrary(),
        consignee=found.consignee.arbitrary(),
        hs6=found.hs6.arbitrary(),
        quantity=found.quantity.arbitrary(),
        value_usd=found.value_usd.arbitrary(),
        date=found.date.arbitrary(),
        lines=found.lines.arbitrary(),
        description=found.description.arbitrary(),
        basis=found.basis.arbitrary(where=on_line),
        strength=ibis.cases(*[(found.basis == k, v) for k, v in STRENGTH.items()], else_=0.0).max(),
        on_line=on_line.any(),
        on_legs=(~on_line).any(),
        named=found.named.arbitrary(where=on_line),
        goods=found.goods.arbitrary(where=on_line),
        proper_code=found.proper_code.arbitrary(where=on_line).coalesce(found.proper_code.arbitrary()),
        suppliers=found.supplier.collect(where=~on_line, distinct=True),
        imported_hs6=found.imported_hs6.arbitrary(where=~on_line),
        import_lines=found.import_lines.collect(where=~on_line).flatten(),
        reference=found.reference.arbitrary(where=on_line),
    )


def _evidence(per: ir.Table, cap: int) -> ir.Table:
    """firm, hs6, proper, evidence: the export lines (the largest consignments first), then the import
    lines they carry on, at most ``cap``."""
    exported = per.select(*GROUP, order=ibis.literal(0), value=per.value_usd, line=per.lines.unnest())
    imported = per.select(*GROUP, order=ibis.literal(1), value=per.value_usd, line=per.import_lines.unnest())
    both = ibis.union(exported, imported)
    both = both.select(*GROUP, "order", "value", source=both.line.source, record=both.line.record)
    # An import several exports carried on is cited once, beside the largest of them.
    every = both.group_by([*GROUP, "source", "record"]).aggregate(
        order=both.order.min(), value=both.value.max()
    )
    rank = ibis.row_number().over(
        group_by=[every[c] for c in GROUP],
        order_by=[every.order, every.value.desc(), every.source, every.record],
    )
    every = every.mutate(__rank=rank)
    line = ibis.struct({"source": every.source, "record": every.record})
    return every.group_by(list(GROUP)).aggregate(
        evidence=in_order(line, every.__rank, where=every.__rank < cap)
    )


def _findings(ws: Workspace, per: ir.Table, p: Params) -> ir.Table:
    grouped = per.group_by(list(GROUP)).aggregate(
        quantity=per.quantity.sum(),
        value_usd=per.value_usd.sum(),
        consignments=per.count(),
        first=per.date.min(),
        last=per.date.max(),
        strength=per.strength.max(),
        on_line=per.on_line.any(),
        on_legs=per.on_legs.any(),
        by_line=per.on_line.sum(),
        by_legs=per.on_legs.sum(),
        basis=per.basis.arbitrary(),
        named=per.named.arbitrary(),
        goods=per.goods.arbitrary(),
        proper_code=per.proper_code.arbitrary(),
        imported_hs6=per.imported_hs6.arbitrary(),
        description=per.description.arbitrary(),
        consignees=per.consignee.collect(distinct=True),
        suppliers=per.suppliers.collect().flatten().unique(),
        reference=per.reference.arbitrary(where=per.on_line),
    )
    found = grouped.join(_evidence(per, p.evidence_lines), list(GROUP))
    labels = subheading_labels()
    said = ws.stage_arrow(pa.table({"hs6": list(labels), "declared_as": list(labels.values())}))
    found = found.left_join(said, "hs6").select(*found.columns, "declared_as")
    found = company_subject(found, found.firm, ws)
    corroborated = found.on_line & found.on_legs
    both = 1.0 - (1.0 - found.strength) * (1.0 - STRENGTH["legs"])
    score = ibis.ifelse(corroborated, ibis.least(both, MAX_SCORE), found.strength)
    related = found.consignees.concat(found.suppliers.fill_null([])).unique().sort()
    out = shipment_finding(
        found,
        NAME,
        partner=ibis.literal(p.destination),
        hs_code=found.hs6,
        period=_period(found.first, found.last),
        score=score,
        explanation=_explanation(found, p),
        metrics=ibis.map(
            ibis.array(["quantity", "value_usd", "consignments", "by_line", "by_legs"]),
            ibis.array(
                [
                    found.quantity,
                    found.value_usd,
                    found.consignments.cast("float64"),
                    found.by_line.cast("float64"),
                    found.by_legs.cast("float64"),
                ]
            ),
        ),
        evidence=found.evidence.concat(found.reference.fill_null([])),
        related=related,
    )
    return out


def _dotted(code: ir.StringValue) -> ir.StringValue:
    """An HS code as written in prose: 8424.49, 8806."""
    return ibis.ifelse(code.length() > 4, code.substr(0, 4) + "." + code.substr(4), code)


def _month(day: ir.DateValue) -> ir.StringValue:
    return ibis.literal(list(MONTHS))[day.month() - 1]


def _period(first: ir.DateValue, last: ir.DateValue) -> ir.StringValue:
    """First and last month, ISO: "2023-05/2023-10" (one month: "2023-05")."""

    def iso(day: ir.DateValue) -> ir.StringValue:
        return day.year().cast("string") + "-" + day.month().cast("string").lpad(2, "0")

    return ibis.ifelse(iso(first) == iso(last), iso(first), iso(first) + "/" + iso(last))


def _months(first: ir.DateValue, last: ir.DateValue) -> ir.StringValue:
    """The months as an analyst writes them: "May 2023", "May–Oct 2023", "Nov 2022–Feb 2023"."""
    year_of = {d: d.year().cast("string") for d in (first, last)}
    same_month = (first.year() == last.year()) & (first.month() == last.month())
    return ibis.cases(
        (same_month, _month(first) + " " + year_of[first]),
        (first.year() == last.year(), _month(first) + "–" + _month(last) + " " + year_of[last]),
        else_=_month(first) + " " + year_of[first] + "–" + _month(last) + " " + year_of[last],
    )


def _explanation(f: ir.Table, p: Params) -> ir.StringValue:
    """One sentence an investigator would write, e.g. "ЖЧК «Соода Мотор» declared 119 DJI Agras T30
    (drones, HS 8806) as agricultural sprayers under HS 8424.49 in 3 consignments to Russia worth $2.0M,
    May–Oct 2023"."""
    quantity = f.quantity.round(0).cast("int64").cast("string")
    declared = f.declared_as.coalesce("other goods")
    count = how_many(f.consignments, "consignment")
    where = (
        " in "
        + count
        + " to "
        + _country(p.destination)
        + " worth "
        + money(f.value_usd, ibis.literal("USD"))
    )
    when = ", " + _months(f.first, f.last)
    goods = f.goods.coalesce("controlled goods") + ", HS " + f.proper_code
    on_line = (
        f.subject_name + " declared " + quantity + " " + f.named + " (" + goods + ") as " + declared
        + " under HS " + _dotted(f.hs6) + where + when
    )  # fmt: skip
    legs_note = ibis.ifelse(
        f.on_legs, "; the same quantities had come in under HS " + _dotted(f.imported_hs6.coalesce("")), ""
    )
    by_legs = (
        f.subject_name + " imported " + quantity + " units under HS " + _dotted(f.imported_hs6.coalesce(""))
        + " and sent the same quantities on to " + _country(p.destination) + " within "
        + str(p.window_days) + " days declared as " + declared + " under HS " + _dotted(f.hs6)
        + " («" + f.description.coalesce("") + "»)" + where + when
    )  # fmt: skip
    return ibis.ifelse(f.on_line, on_line + legs_note, by_legs)


def _country(code: str) -> str:
    """The destination's English name for prose ("Russia")."""
    short = {"RU": "Russia", "BY": "Belarus", "IR": "Iran", "KP": "North Korea"}
    if code in short:
        return short[code]
    country = pycountry.countries.get(alpha_2=code)
    return str(getattr(country, "common_name", None) or getattr(country, "name", code)) if country else code


DETECTOR = Detector(
    name=NAME,
    run=run,
    params=Params,
    rationale="FinCEN/BIS alerts Jun 2022 and May 2023 (HS code not matching the goods); WCO strategic trade "
    "control enforcement guidance; CASES.md (DJI Agras drones declared as sprayers, 2023).",
)
