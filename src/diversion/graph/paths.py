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
from diversion.model.words import money
from diversion.store import Workspace

CONTROL_KINDS: Final = ("ownership", "directorship", "control", "family", "associate", "representation",
                        "membership", "address", "phone")  # fmt: skip
"""Links through which one party can steer another, or that show two are the same people."""

EVIDENCE: Final = "array<struct<source: string, record: string>>"


def directed(links: ir.Table, names: ir.Table, kinds: Sequence[str] | None = None) -> ir.Table:
    """Every link in both directions: ``start``, ``end``, ``kind``, ``text`` (the words from start to end:
    "owns 60% of"), ``back`` (from end to start: "is 60% owned by"), ``share`` and ``evidence``."""
    chosen = links if kinds is None else links.filter(links.kind.isin(list(kinds)))
    share = ibis.ifelse(chosen.share.notnull(), percent(chosen.share) + " ", "")
    hs = ibis.ifelse(chosen.hs_code.notnull(), "HS " + chosen.hs_code + " ", "")
    value = ibis.ifelse(chosen.amount.notnull(), " (" + money(chosen.amount, ibis.literal("USD")) + ")", "")
    role = chosen.role.coalesce("").strip()
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
    base = chosen.mutate(__forward=forward, __backward=backward)
    out = base.select(start=base.subject_entity, end=base.object_entity, kind=base.kind, text=base.__forward,
                      back=base.__backward, share=base.share, evidence=base.evidence)  # fmt: skip
    back = base.select(start=base.object_entity, end=base.subject_entity, kind=base.kind, text=base.__backward,
                       back=base.__forward, share=base.share, evidence=base.evidence)  # fmt: skip
    return ibis.union(out, back)


def busy(edges: ir.Table, max_degree: int) -> ir.Table:
    """Entities with more links than ``max_degree``: ``entity_id``."""
    degree = edges.group_by(entity_id=edges.start).aggregate(degree=edges.end.nunique())
    return degree.filter(degree.degree > max_degree).select("entity_id")


def walk(
    ws: Workspace,
    starts: ir.Table,
    edges: ir.Table,
    names: ir.Table,
    hops: int,
    *,
    blocked: ir.Table | None = None,
    outward: bool = True,
) -> ir.Table:
    """Every simple path of at most ``hops`` links from each start (``origin``), materialised.

    Columns: origin, node, hops, ids (separated by ``ownership.SEP``), text, kinds (``|ownership|family|``), evidence. With
    ``outward`` the text reads from the origin to the node; otherwise from the node to the origin (the
    second half of a path met in the middle). Nodes in ``blocked`` end a path and are not walked through.
    """
    label = names.select(node="entity_id", node_label=names.name)
    first = starts.select(origin="entity_id", node="entity_id").distinct()
    first = first.left_join(label, "node")
    first = first.select("origin", "node", node_label=first.node_label.coalesce(first.node))
    no_evidence = ibis.null(EVIDENCE)  # typed (an empty array literal would not be, on DuckDB)
    frontier = ws.materialize(
        first.select(
            "origin",
            "node",
            "node_label",
            hops=ibis.literal(0, "int64"),
            ids=SEP + path_key(first.node) + SEP,
            text=first.node_label if outward else ibis.literal(""),
            kinds=ibis.literal("|"),
            evidence=no_evidence,
        )
    )
    found = [frontier]
    stop = blocked.select(node="entity_id", __stop=ibis.literal(True)) if blocked is not None else None
    for hop in range(1, hops + 1):
        walking = frontier
        if stop is not None and hop > 1:
            walking = frontier.left_join(stop, "node")
            walking = walking.filter(walking.__stop.isnull()).drop("__stop")
        step = walking.join(edges, walking.node == edges.start)
        step = step.filter(~step.ids.contains(SEP + path_key(step.end) + SEP))
        step = step.left_join(label.rename(end="node", end_label="node_label"), "end")
        end_label = step.end_label.coalesce(step.end)
        if outward:
            text = step.text + " " + step.text_right + " " + end_label
            ids = step.ids + path_key(step.end) + SEP
            kinds = step.kinds + step.kind + "|"
        else:  # read from the new node towards the origin
            text = " " + step.back + " " + step.node_label + step.text
            ids = SEP + path_key(step.end) + step.ids
            kinds = "|" + step.kind + step.kinds
        step = ws.materialize(
            step.select(
                origin=step.origin,
                node=step.end,
                node_label=end_label,
                hops=ibis.literal(hop, "int64"),
                ids=ids,
                text=text,
                kinds=kinds,
                evidence=ibis.ifelse(
                    step.hops == 0, step.evidence_right, step.evidence.concat(step.evidence_right)
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

    Returns a, b, hops, text (from a to b), kinds, ids, evidence; pairs with no such path are absent.
    """
    out_hops, in_hops = (max_hops + 1) // 2, max_hops // 2
    starts_a = pairs.select(entity_id=pairs.a).distinct()
    starts_b = pairs.select(entity_id=pairs.b).distinct()
    forward = walk(ws, starts_a, edges, names, out_hops, blocked=blocked)
    backward = walk(ws, starts_b, edges, names, in_hops, blocked=blocked, outward=False)
    f = forward.rename(a="origin", f_hops="hops", f_ids="ids", f_text="text", f_kinds="kinds",
                       f_evidence="evidence").drop("node_label")  # fmt: skip
    g = backward.rename(b="origin", g_hops="hops", g_ids="ids", g_text="text", g_kinds="kinds",
                        g_evidence="evidence").drop("node_label")  # fmt: skip
    met = pairs.select("a", "b").distinct().join(f, "a").join(g, ["b", "node"])
    if blocked is not None:  # a busy entity in the middle is passed through: not a path
        met = met.left_join(blocked.select(node="entity_id", __busy=ibis.literal(True)), "node")
        met = met.filter(met.__busy.isnull() | (met.node == met.a) | (met.node == met.b)).drop("__busy")
    met = met.mutate(hops=met.f_hops + met.g_hops)
    met = met.filter((met.hops > 0) & (met.hops <= max_hops))
    best = ibis.row_number().over(group_by=[met.a, met.b], order_by=[met.hops, met.f_text + met.g_text])
    met = met.mutate(__rank=best)
    met = met.filter(met.__rank == 0)
    result = ws.materialize(
        met.select(
            "a",
            "b",
            "hops",
            text=met.f_text + met.g_text,
            kinds=met.f_kinds + met.g_kinds.substr(1),
            ids=met.f_ids + met.g_ids.substr(met.node.length() + 2),
            evidence=ibis.cases(
                (met.f_hops == 0, met.g_evidence),
                (met.g_hops == 0, met.f_evidence),
                else_=met.f_evidence.concat(met.g_evidence),
            ),
        )
    )
    ws.drop_temp(forward)
    ws.drop_temp(backward)
    return result
