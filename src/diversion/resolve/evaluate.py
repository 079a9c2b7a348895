"""Pairwise precision and recall of entity resolution against a labelled set, per language group.

A labelled set gives each party record its ``truth_id`` (the real entity) and ``lang_set`` (ru, kz, kg,
am, ge, cn, eu ...). Two records form a *true pair* when they share a truth id and a *predicted pair*
when they land in one entity; precision is the share of predicted pairs that are true, recall the share
of true pairs that are predicted. Pairs are counted within a language group (both records in it).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import ibis.expr.types as ir
import pyarrow as pa

from diversion.model.identifiers import SCHEMES
from diversion.resolve.features import all_columns, prepare, token_weights
from diversion.resolve.link import link
from diversion.resolve.params import DEFAULT, ResolveParams
from diversion.store import Workspace


@dataclass
class Accuracy:
    """Pairwise accuracy of one group of records."""

    lang_set: str
    records: int
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int

    @property
    def precision(self) -> float:
        return self.correct_pairs / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.correct_pairs / self.true_pairs if self.true_pairs else 1.0

    def to_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "precision": round(self.precision, 4), "recall": round(self.recall, 4)}


def prepare_labelled(ws: Workspace, labelled: pa.Table) -> tuple[ir.Table, ir.Table]:
    """The records and names of a labelled set, prepared for blocking and scoring (see :func:`prepare`)."""
    staged = ws.stage_arrow(labelled)
    records = staged.select(
        member_id=staged.party_id,
        kind=staged.kind,
        country=staged.country,
        **{s: staged[s] for s in SCHEMES},
        phone=staged.phone,
        address=staged.address,
        incorporation_date=staged.incorporation_date.cast("date"),
        birth_date=staged.birth_date.cast("date"),
        source=staged.source_kind,
        record=staged.party_id,
    )
    names = staged.select(member_id=staged.party_id, name=staged.name)
    return prepare(ws, all_columns(records), names)


def link_labelled(ws: Workspace, labelled: pa.Table, p: ResolveParams = DEFAULT) -> tuple[ir.Table, float]:
    """Link the records of a labelled set; returns (``member_id``, ``entity_id``) and the seconds taken."""
    started = time.perf_counter()
    prepared, named = prepare_labelled(ws, labelled)
    weights = ws.materialize(token_weights(named))
    linked = link(ws, prepared, named, weights, p)
    members = ws.materialize(linked.members)
    return members, time.perf_counter() - started


def pairwise_accuracy(ws: Workspace, labelled: pa.Table, members: ir.Table) -> list[Accuracy]:
    """Accuracy per ``lang_set`` and over all records (``lang_set`` "all")."""
    truth = ws.stage_arrow(labelled.select(["party_id", "truth_id", "lang_set"]))
    joined = truth.join(members, truth.party_id == members.member_id)
    results = []
    for group in [*sorted(set(labelled.column("lang_set").to_pylist())), "all"]:
        rows = joined if group == "all" else joined.filter(joined.lang_set == group)
        results.append(
            Accuracy(
                lang_set=group,
                records=int(ws.execute(rows.count())),
                true_pairs=_pairs(ws, rows, ["truth_id"]),
                predicted_pairs=_pairs(ws, rows, ["entity_id"]),
                correct_pairs=_pairs(ws, rows, ["truth_id", "entity_id"]),
            )
        )
    return results


def _pairs(ws: Workspace, rows: ir.Table, keys: list[str]) -> int:
    sizes = rows.group_by(keys).aggregate(n=rows.count())
    total = ws.execute((sizes.n * (sizes.n - 1) / 2).sum())
    return int(total or 0)


__all__ = ["Accuracy", "link_labelled", "pairwise_accuracy", "prepare_labelled"]
