"""Paths through the link graph, found relationally: one join per hop, from many starts at once.

A path is kept as text an analyst can read and cite ("Aspan Arba LLP is 100% owned by Ivanov A. V., who
owns 100% of Nebesnaya Mekhanika"), the ids it visits (so no path visits an entity twice) and the input
records behind each link. Searches between two sets meet in the middle: ``k`` hops cost two searches of
``k/2`` hops, which is what keeps a four-hop search over millions of links affordable. Entities with more
links than ``max_degree`` are endpoints only, never passed through: a bank, a registration agent or a
marketplace links everyone to everyone and explains nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import ibis
import ibis.expr.types as ir

from diversion.graph.ownership import SEP, path_key, percent
from diversion.model.arrays import in_order
from diversion.model.regex import strip
from diversion.model.words import money
from diversion.store import Workspace

CONTROL_KINDS: Final = ("ownership", "directorship", "control", "family", "associate", "representation",
                        "membership", "address", "phone")  # fmt: skip
"""Links through which one party can steer another, or that show two are the same people."""

EVIDENCE: Final = "array<struct<source: string, record: string>>"


def directed(links: ir.Table, names: ir.Table, kinds: Sequence[str] | None = None) -> ir.Table:
    """Every link in both directions: ``start``, ``end``, ``kind``, ``text`` (the words from start to end:
    "owns 60% of"), ``back`` (from end to start: "is 60% owned by"), ``share``, ``amount``, ``hs_code``
    (of a trade link) and ``evidence``."""
    chosen = links if kinds is None else links.filter(links.kind.isin(list(kinds)))
    share = ibis.ifelse(chosen.share.notnull(), percent(chosen.share) + " ", "")
    hs = ibis.ifelse(chosen.hs_code.notnull(), "HS " + chosen.hs_code + " ", "")
    value = ibis.ifelse(chosen.amount.notnull(), " (" + money(chosen.amount, ibis.literal("USD")) + ")", "")
    role = strip(chosen.role.coalesce(""))
    role_of = ibis.ifelse(role.lower().endswith(" of"), role, role + " of")  # "Leader or official of"
    forward = chosen.kind.cases(
        ("ownership", "owns " + share + "of"),
        ("directorship", ibis.ifelse(role != "", "is " + role_of, "directs")),
        ("family", "is " + ibis.ifelse(role != "", role_of, "family of")),
        ("associate", "is an associate of"),
        ("address", "shares the address «" + chosen.description.coalesce("") + "» with"),
        ("phone", "shares the phone " + chosen.description.coalesce("") + " with"),
        ("payment", "paid" + ibis.ifelse(chosen.amount.notnull(), " " + chosen.amount.round(0).cast("int64")
                                         .cast("string") + " " + chosen.currency.coalesce(""), "") + " to"),
        ("licence", "licensed"),
        ("trade", "exported " + hs + "goods" + value + " to"),
        else_="is linked (" + chosen.kind + ") to",
    )  # fmt: skip
    backward = chosen.kind.cases(
        ("ownership", "is " + share + "owned by"),
        ("directorship", ibis.ifelse(role != "", "has as " + role.re_replace(r"(?i)\s+of$", ""),
                                     "is directed by")),
        ("family", ibis.ifelse(role != "", "has as " + role.re_replace(r"(?i)\s+of$", "").lower(),
                               "is a relative of")),
        ("associate", "is an associate of"),
        ("address", "shares the address «" + chosen.description.coalesce("") + "» with"),
        ("phone", "shares the phone " + chosen.description.coalesce("") + " with"),
        ("payment", "was paid" + ibis.ifelse(chosen.amount.notnull(), " " + chosen.amount.round(0)
                                             .cast("int64").cast("string") + " " + chosen.currency
                                             .coalesce(""), "") + " by"),
        ("licence", "was licensed by"),
        ("trade", "imported " + hs + "goods" + value + " from"),
        else_="is linked (" + chosen.kind + ") to",
    )  # fmt: skip
    # Each link twice, as two numbered directed edges: 2n reads subject -> object, 2n + 1 the other way, so
    # a step's twin (the same link read backwards) is its number with the last bit flipped.
    base = chosen.mutate(__forward=forward, __backward=backward, __n=ibis.row_number())
    out = base.select(edge=base.__n * 2, start=base.subject_entity, end=base.object_entity, kind=base.kind,
                      text=base.__forward, share=base.share, amount=base.amount, hs_code=base.hs_code,
                      evidence=base.evidence)  # fmt: skip
    back = base.select(edge=base.__n * 2 + 1, start=base.object_entity, end=base.subject_entity, kind=base.kind,
                       text=base.__backward, share=base.share, amount=base.amount, hs_code=base.hs_code,
                       evidence=base.evidence)  # fmt: skip
    return ibis.union(out, back)


def twin(edge: ir.IntegerValue) -> ir.IntegerValue:
    """The same link read the other way."""
    return edge + 1 - 2 * (edge % 2)


def busy(edges: ir.Table, max_degree: int) -> ir.Table:
    """Entities with more links than ``max_degree``: ``entity_id``."""
    degree = edges.group_by(entity_id=edges.start).aggregate(degree=edges.end.nunique())
    return degree.filter(degree.degree > max_degree).select("entity_id")


def walk(
    ws: Workspace,
    starts: ir.Table,
    edges: ir.Table,
    hops: int,
    *,
    blocked: ir.Table | None = None,
) -> ir.Table:
    """Every simple path of at most ``hops`` links from each start, materialised, lean: ``origin``,
    ``node``, ``hops``, ``ids`` (the entities visited, for the simple-path test) and ``steps`` (the
    directed edges taken, in order; :func:`render` turns them into words). Nodes in ``blocked`` end a path
    and are not walked through."""
    lean = edges.select("edge", "start", "end")
    first = starts.select(origin="entity_id", node="entity_id").distinct()
    frontier = ws.materialize(
        first.select(
            "origin",
            "node",
            hops=ibis.literal(0).cast("int64"),
            ids=SEP + path_key(first.node) + SEP,
            steps=ibis.null("array<int64>"),  # typed: an empty array literal would not be, on DuckDB
        )
    )
    found = [frontier]
    stop = blocked.select(node="entity_id", __stop=ibis.literal(True)) if blocked is not None else None
    for hop in range(1, hops + 1):
        walking = frontier
        if stop is not None and hop > 1:
            walking = frontier.left_join(stop, "node")
            walking = walking.filter(walking.__stop.isnull()).drop("__stop")
        step = walking.join(lean, walking.node == lean.start)
        step = step.filter(~step.ids.contains(SEP + path_key(step.end) + SEP))
        step = ws.materialize(
            step.select(
                origin=step.origin,
                node=step.end,
                hops=ibis.literal(hop).cast("int64"),
                ids=step.ids + path_key(step.end) + SEP,
                steps=ibis.ifelse(
                    step.hops == 0, ibis.array([step.edge]), step.steps.concat(ibis.array([step.edge]))
                ),
            )
        )
        if ws.count_rows(step) == 0:
            ws.drop_temp(step)
            break
        found.append(step)
        frontier = step
    result = ws.materialize(ibis.union(*found))
    for table in found:
        ws.drop_temp(table)
    return result


def render(
    table: ir.Table,
    edges: ir.Table,
    names: ir.Table,
    key: Sequence[str],
    start: str,
    *,
    steps: str | None = "steps",
    back_steps: str | None = None,
) -> ir.Table:
    """Words for the paths of ``table`` (rows identified by ``key``), reading from the entity in column
    ``start``: first along the directed edges of ``steps``, then back along those of ``back_steps`` (a walk
    made from the far end: read last to first, each link the other way). Adds ``text`` ("A is 100% owned
    by B owns 60% of C"), ``kinds`` ("|ownership|ownership|") and ``evidence`` (every link's records)."""
    parts = []
    for column, backward in ((steps, False), (back_steps, True)):
        if column is None:
            continue
        rows = table.select(*key, __steps=table[column])
        flat = rows.filter(rows.__steps.length() > 0).unnest("__steps", offset="__offset")
        if backward:  # after every forward step, last walked first
            flat = flat.mutate(__edge=twin(flat.__steps), __pos=1000 - flat.__offset)
        else:
            flat = flat.mutate(__edge=flat.__steps, __pos=flat.__offset)
        parts.append(flat.select(*key, "__edge", "__pos"))
    flat = ibis.union(*parts) if len(parts) > 1 else parts[0]
    flat = flat.join(edges.select(__edge="edge", __end="end", __kind="kind", __text="text", __evidence="evidence"),
                     "__edge")  # fmt: skip
    label = names.select(__end="entity_id", __label="name")
    flat = flat.left_join(label, "__end")
    flat = flat.mutate(__piece=" " + flat.__text + " " + flat.__label.coalesce(flat.__end))
    words = flat.group_by(list(key)).aggregate(
        __words=in_order(flat.__piece, flat.__pos).join(""),
        kinds="|" + in_order(flat.__kind, flat.__pos).join("|") + "|",
        evidence=in_order(flat.__evidence, flat.__pos).flatten(),
    )
    head = table.left_join(label.rename(**{start: "__end", "__head": "__label"}), start)
    head = head.select(*table.columns, "__head")
    out = head.left_join(words, list(key))
    out = out.select(*table.columns, "__head", "__words", "kinds", "evidence")
    return out.mutate(text=out.__head.coalesce(out[start]) + out.__words.coalesce("")).drop(
        "__head", "__words"
    )


def between(
    ws: Workspace,
    pairs: ir.Table,
    edges: ir.Table,
    names: ir.Table,
    max_hops: int,
    *,
    blocked: ir.Table | None = None,
) -> ir.Table:
    """The shortest path (at most ``max_hops`` links) between each pair ``(a, b)``, met in the middle.

    A path of L links is a walk of ceil((L-1)/2) links from a, one link in the middle and a walk of
    floor((L-1)/2) links from b: only the two short walks are stored, the middle link is joined on the fly.
    Returns a, b, hops, steps, text (from a to b), kinds, evidence; pairs with no such path are absent.
    """
    out_hops, in_hops = max_hops // 2, (max_hops - 1) // 2
    pairs = pairs.select("a", "b").distinct()
    forward = walk(ws, pairs.select(entity_id=pairs.a).distinct(), edges, out_hops, blocked=blocked)
    backward = walk(ws, pairs.select(entity_id=pairs.b).distinct(), edges, in_hops, blocked=blocked)
    f = forward.rename(a="origin", x="node", f_hops="hops", f_ids="ids", f_steps="steps")
    g = backward.rename(b="origin", y="node", g_hops="hops", g_ids="ids", g_steps="steps")
    middle = edges.select(edge="edge", x="start", y="end")
    met = pairs.join(f, "a").join(middle, "x").join(g, ["b", "y"])
    if blocked is not None:  # a busy entity is a path's end, never its middle
        busy_x = blocked.select(x="entity_id", __bx=ibis.literal(True))
        busy_y = blocked.select(y="entity_id", __by=ibis.literal(True))
        met = met.left_join(busy_x, "x").left_join(busy_y, "y")
        met = met.filter((met.__bx.isnull() | (met.x == met.a)) & (met.__by.isnull() | (met.y == met.b)))
    met = met.mutate(hops=met.f_hops + 1 + met.g_hops)
    met = met.filter(met.hops <= max_hops)
    # A path visiting an entity twice has a shorter one beside it: the shortest is simple.
    shortest = ibis.row_number().over(
        group_by=[met.a, met.b], order_by=[met.hops, met.edge, met.f_ids, met.g_ids]
    )
    met = met.mutate(__rank=shortest)
    met = met.filter(met.__rank == 0)
    middle_step = ibis.array([met.edge])
    chosen = ws.materialize(
        met.select(
            "a",
            "b",
            "hops",
            steps=ibis.ifelse(met.f_steps.isnull(), middle_step, met.f_steps.concat(middle_step)),
            back_steps=met.g_steps,
        )
    )
    result = ws.materialize(render(chosen, edges, names, ["a", "b"], "a", back_steps="back_steps"))
    for table in (forward, backward, chosen):
        ws.drop_temp(table)
    return result
