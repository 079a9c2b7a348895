"""Screening many names at once (a customer base, a year of declarations' consignees) against the lists.

The same blocking and scoring as :func:`diversion.resolve.screen.screen`, for a table of queries in one
relational pass; blocks are capped tighter (``max_block``) because a hundred thousand queries sharing a
common word with half the list would propose billions of pairs.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Final

import ibis
import pyarrow as pa

from diversion.model.identifiers import SCHEMES
from diversion.resolve.features import all_columns, prepare, records_from_parties, token_weights
from diversion.resolve.pairs import identifiers
from diversion.resolve.params import DEFAULT, NO_LIMIT, ResolveParams
from diversion.resolve.score import member_pair_scores
from diversion.resolve.screen import QUERY_ID, query_candidates
from diversion.store import Workspace

MAX_BULK_BLOCK: Final = 40
"""A blocking key shared by more records (list entries and queries together) proposes no pairs."""

RESULT_SCHEMA: Final = pa.schema(
    [
        ("query_id", pa.string()),
        ("party_id", pa.string()),
        ("listed_name", pa.string()),
        ("score", pa.float64()),
        ("match", pa.bool_()),
    ]
)


def screen_many(
    ws: Workspace,
    queries: pa.Table,
    *,
    limit: int = 3,
    min_score: float = 0.5,
    max_block: int = MAX_BULK_BLOCK,
    p: ResolveParams = DEFAULT,
) -> pa.Table:
    """The best listed candidates of each query (columns of :data:`RESULT_SCHEMA`).

    Args:
        ws: the workspace holding the lists (``parties`` and ``listings``).
        queries: ``query_id``, ``name`` and optionally ``country``, ``identifier``, ``kind`` (company or
            person; both are tried when it is missing or empty).
        limit: most candidates per query.
        min_score: candidates below this are left out.
        max_block: see :data:`MAX_BULK_BLOCK`.
    """
    listings = ws.table("listings")
    parties = ws.table("parties").semi_join(listings, "party_id")
    list_records, list_names = records_from_parties(parties)
    query_records, query_names = _queries(ws, queries)
    records, names = prepare(
        ws,
        ibis.union(all_columns(list_records), all_columns(query_records)),
        ibis.union(list_names, query_names),
    )
    weights = ws.materialize(token_weights(names))
    bulk = replace(p, max_block=max_block, common_name_uses=NO_LIMIT)  # recall first, see NO_LIMIT
    pairs = ws.materialize(query_candidates(names, records, bulk))
    scored = member_pair_scores(pairs, names, records, weights, bulk)
    scored = scored.filter(scored.score >= min_score)
    scored = scored.mutate(query_id=scored.member_a.re_extract(f"^{QUERY_ID}:(.*):[a-z]+$", 1))
    ranked = scored.mutate(
        rank=ibis.row_number().over(
            group_by=scored.query_id, order_by=[ibis.desc(scored.score), scored.member_b]
        )
    )
    best = ranked.filter(ranked["rank"] < limit)
    result = ws.to_arrow(
        best.select(
            "query_id",
            party_id=best.member_b,
            listed_name=best.name_b.re_extract("\u241f(.*)$", 1),
            score=best.score,
            match=best.match,
        ).order_by(["query_id", ibis.desc("score")])
    )
    for table in (pairs, weights, names, records):
        ws.drop_temp(table)
    return result.cast(RESULT_SCHEMA)


def _queries(ws: Workspace, queries: pa.Table) -> tuple[ibis.Table, ibis.Table]:
    rows = queries.to_pylist()
    records, names = [], []
    for row in rows:
        kind = row.get("kind") or None
        for each in [kind] if kind else ["company", "person"]:
            member = f"{QUERY_ID}:{row['query_id']}:{each}"
            country = row.get("country") or None
            records.append(
                {
                    "member_id": member,
                    "kind": each,
                    "country": country.upper() if country else None,
                    **identifiers(row.get("identifier")),
                    "source": "query",
                    "record": str(row["query_id"]),
                }
            )
            names.append({"member_id": member, "name": row["name"]})
    schema = pa.schema(
        [(c, pa.string()) for c in ("member_id", "kind", "country", *SCHEMES, "source", "record")]
    )
    staged = ws.stage_arrow(pa.Table.from_pylist(records, schema=schema))
    return staged, ws.stage_arrow(
        pa.Table.from_pylist(names, schema=pa.schema([("member_id", pa.string()), ("name", pa.string())]))
    )
