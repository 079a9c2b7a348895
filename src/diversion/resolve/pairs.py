"""Scoring given pairs of party records (an evaluation set, an analyst's list of suspected aliases).

The same relational scoring as linking and screening, on pairs chosen by the caller instead of by
blocking: ``name_a, country_a, id_a`` against ``name_b, country_b, id_b``. An identifier's scheme is
found from its shape and check digits, as in screening.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Final

import pyarrow as pa

from diversion.model.identifiers import SCHEMES, clean_identifier
from diversion.resolve.features import all_columns, prepare, token_weights
from diversion.resolve.params import DEFAULT, NO_LIMIT, ResolveParams
from diversion.resolve.score import member_pair_scores
from diversion.store import Workspace

PAIR_COLUMNS: Final = ("pair_id", "kind", "name_a", "country_a", "id_a", "name_b", "country_b", "id_b")


def identifiers(text: str | None) -> dict[str, str | None]:
    """An identifier written without its scheme, under every scheme whose checks it passes."""
    found: dict[str, str | None] = {
        scheme: clean_identifier(scheme, text)
        for scheme in SCHEMES
        if scheme in ("inn", "ogrn", "bin", "kg_inn", "lei")
    }
    if text and not any(found.values()):
        found["registration_number"] = clean_identifier("registration_number", text)
    return found


def score_pairs(ws: Workspace, pairs: pa.Table, p: ResolveParams = DEFAULT) -> pa.Table:
    """``pair_id``, ``score``, ``match`` and the features of every pair (columns: :data:`PAIR_COLUMNS`)."""
    rows = pairs.to_pylist()
    records, names, wanted = [], [], []
    for row in rows:
        for side in ("a", "b"):
            member = f"{side}\u241f{row['pair_id']}"
            country = row.get(f"country_{side}") or None
            records.append(
                {
                    "member_id": member,
                    "kind": row["kind"],
                    "country": country,
                    **identifiers(row.get(f"id_{side}")),
                }
            )
            names.append({"member_id": member, "name": row[f"name_{side}"]})
        wanted.append({"member_a": f"a\u241f{row['pair_id']}", "member_b": f"b\u241f{row['pair_id']}"})
    schema = pa.schema([(c, pa.string()) for c in ("member_id", "kind", "country", *SCHEMES)])
    staged_records = ws.stage_arrow(pa.Table.from_pylist(records, schema=schema))
    staged_names = ws.stage_arrow(pa.Table.from_pylist(names))
    prepared, named = prepare(ws, all_columns(staged_records), staged_names)
    weights = ws.materialize(token_weights(named))
    chosen = ws.stage_arrow(pa.Table.from_pylist(wanted))
    candidate = (
        chosen.join(named.select(member_a="member_id", name_a="name_id"), "member_a")
        .join(named.select(member_b="member_id", name_b="name_id"), "member_b")
        .select("member_a", "member_b", "name_a", "name_b")
    )
    # Chosen pairs are no population in which to count how common a name is.
    judged = replace(p, common_name_uses=NO_LIMIT)
    scored = ws.to_arrow(member_pair_scores(candidate, named, prepared, weights, judged)).to_pylist()
    by_pair = {row["member_a"].split("\u241f", 1)[1]: row for row in scored}
    out = []
    for row in rows:
        found = by_pair.get(str(row["pair_id"]))
        out.append(
            {
                "pair_id": row["pair_id"],
                "score": found["score"] if found else 0.0,
                "match": bool(found["match"]) if found else False,
                "name_score": found["name_score"] if found else 0.0,
            }
        )
    for table in (weights, named, prepared):
        ws.drop_temp(table)
    return pa.Table.from_pylist(out)
