"""Screening: is this name (with its country and identifier) on a loaded sanctions or export-control list?

The query is compared with every listed party's name and aliases by the same relational scoring that
links records into entities (:mod:`.score`), so a screening result and a resolution link mean the same
thing. Candidates come from list names that share a word, the first letters of a long word or the whole
normalised name with the query; each comes with its score, ``match`` (at or above
``ResolveParams.match_threshold``) and the features an analyst would cite.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from diversion.model.identifiers import SCHEMES, clean_identifier
from diversion.resolve.features import (
    all_columns,
    prepare,
    records_from_parties,
    token_weights,
)
from diversion.resolve.link import block_keys
from diversion.resolve.params import DEFAULT, NO_LIMIT, ResolveParams
from diversion.resolve.score import member_pair_scores
from diversion.store import Workspace

QUERY_ID = "\u2400query"
"""The member id of the query (sorts before any party id, so it is always ``member_a``)."""

MAX_CANDIDATE_BLOCK = 5000
"""A word used by more list names than this proposes no candidates for the query (it would propose
half the list); the query's other words and its whole name still do."""


@dataclass
class Candidate:
    """One listed party, as a screening result."""

    entity_id: str
    name: str
    lists: list[str]
    score: float
    match: bool
    explanation: dict[str, Any] = field(default_factory=dict)


def screen(
    ws: Workspace,
    name: str,
    *,
    country: str | None = None,
    identifier: str | None = None,
    kind: str | None = None,
    limit: int = 10,
    min_score: float = 0.3,
    p: ResolveParams = DEFAULT,
    among: str = "lists",
) -> list[Candidate]:
    """Listed parties that may be ``name``, best first.

    Args:
        ws: the workspace holding the lists (``parties`` and ``listings``).
        name: the name to screen, in any script.
        country: ISO alpha-2 of the party screened, if known.
        identifier: any registry or tax number of it (INN, OGRN, BIN, LEI ...): its scheme is found from
            its shape and check digits.
        kind: "company" or "person"; both are tried when not given.
        limit: most candidates returned.
        min_score: candidates below this are left out.
        among: "lists" (the parties of list entries) or "all" (every party record, to find an entity).

    Example:
        >>> screen(ws, "Небесная Механика", country="RU")[0].name  # doctest: +SKIP
        'OOO NEBESNAYA MEKHANIKA'
    """
    listings = ws.table("listings")
    parties = ws.table("parties")
    if among == "lists":
        parties = parties.semi_join(listings, "party_id")
    list_records, list_names = records_from_parties(parties)
    kinds = [kind] if kind is not None else ["company", "person"]
    query_records, query_names = _query(ws, name, country, identifier, kinds)
    records, names = prepare(
        ws,
        ibis.union(all_columns(list_records), all_columns(query_records)),
        ibis.union(list_names, query_names),
    )
    weights = ws.materialize(token_weights(names))
    wide = replace(p, max_block=MAX_CANDIDATE_BLOCK, common_name_uses=NO_LIMIT)
    pairs = ws.materialize(query_candidates(names, records, wide))
    scored = member_pair_scores(pairs, names, records, weights, wide)
    scored = scored.filter(scored.score >= min_score).order_by(ibis.desc("score"), "member_b")
    rows = ws.to_arrow(scored.limit(limit * len(kinds))).to_pylist()
    result = _candidates_out(ws, rows, list_names, limit)
    for table in (pairs, weights, names, records):
        ws.drop_temp(table)
    return result


def _query(
    ws: Workspace, name: str, country: str | None, identifier: str | None, kinds: list[str]
) -> tuple[ir.Table, ir.Table]:
    ids = {scheme: clean_identifier(scheme, identifier) for scheme in SCHEMES}
    if identifier is not None and not any(ids.values()):
        ids["registration_number"] = identifier.strip()  # an unchecked number is still compared as written
    rows = [
        {
            "member_id": f"{QUERY_ID}:{kind}",
            "kind": kind,
            "country": country.upper() if country else None,
            **ids,
            "source": "query",
            "record": "1",
        }
        for kind in kinds
    ]
    schema = pa.schema(
        [(c, pa.string()) for c in ("member_id", "kind", "country", *SCHEMES, "source", "record")]
    )
    records = ws.stage_arrow(pa.Table.from_pylist(rows, schema=schema))
    names = ws.stage_arrow(
        pa.table({"member_id": [r["member_id"] for r in rows], "name": [name] * len(rows)})
    )
    return records, names


def query_candidates(names: ir.Table, records: ir.Table, p: ResolveParams) -> ir.Table:
    """Pairs (query name, list name) sharing a blocking key or an identifier; queries are the records
    whose member id starts with :data:`QUERY_ID`."""
    keys = block_keys(names, records, p)
    is_query = keys.member_id.startswith(QUERY_ID)
    query = keys.filter(is_query).select(member_a="member_id", name_a="name_id", kind_a="kind", key_a="key")
    listed = keys.filter(~is_query).select(member_b="member_id", name_b="name_id", kind_b="kind", key_b="key")
    by_name = query.join(listed, [query.key_a == listed.key_b, query.kind_a == listed.kind_b])
    by_name = by_name.select("member_a", "member_b", "name_a", "name_b")
    ids = ibis.union(
        *[
            records.filter(records[s].notnull()).select(
                "member_id", "kind", key=ibis.literal(s + ":") + records[s]
            )
            for s in SCHEMES
        ]
    )
    q_ids = ids.filter(ids.member_id.startswith(QUERY_ID)).select(
        member_a="member_id", kind_a="kind", key_a="key"
    )
    l_ids = ids.filter(~ids.member_id.startswith(QUERY_ID)).select(
        member_b="member_id", kind_b="kind", key_b="key"
    )
    id_pairs = q_ids.join(l_ids, [q_ids.key_a == l_ids.key_b, q_ids.kind_a == l_ids.kind_b])
    id_named = (
        id_pairs.select("member_a", "member_b")
        .join(names.select(member_a="member_id", name_a="name_id"), "member_a")
        .join(names.select(member_b="member_id", name_b="name_id"), "member_b")
        .select("member_a", "member_b", "name_a", "name_b")
    )
    return ibis.union(by_name, id_named, distinct=True)


def _candidates_out(
    ws: Workspace, rows: list[dict[str, Any]], list_names: ir.Table, limit: int
) -> list[Candidate]:
    best: dict[str, dict[str, Any]] = {}
    for row in rows:  # the same party reached as a company and as a person: keep its better reading
        kept = best.get(row["member_b"])
        if kept is None or row["score"] > kept["score"]:
            best[row["member_b"]] = row
    chosen = sorted(best.values(), key=lambda r: (-r["score"], r["member_b"]))[:limit]
    ids = [r["member_b"] for r in chosen]
    if not ids:
        return []
    listings = ws.table("listings")
    found = ws.to_arrow(
        listings.filter(listings.party_id.isin(ids)).select("party_id", "list", "program").distinct()
    ).to_pylist()
    entity_of = _entities_of(ws, ids)
    result = []
    for row in chosen:
        party = row["member_b"]
        lists = sorted(
            {
                f"{f['list']}" + (f" ({f['program']})" if f["program"] else "")
                for f in found
                if f["party_id"] == party
            }
        )
        result.append(
            Candidate(
                entity_id=entity_of.get(party, party),
                name=row["name_b"].split("\u241f", 1)[1],
                lists=lists,
                score=round(float(row["score"]), 4),
                match=bool(row["match"]),
                explanation=explain(row),
            )
        )
    return result


def _entities_of(ws: Workspace, party_ids: list[str]) -> dict[str, str]:
    if not ws.exists("entity_members"):
        return {}
    members = ws.table("entity_members")
    rows = ws.to_arrow(members.filter(members.member_id.isin(party_ids)).select("member_id", "entity_id"))
    return {r["member_id"]: r["entity_id"] for r in rows.to_pylist()}


def explain(row: dict[str, Any]) -> dict[str, Any]:
    """The features of a scored pair in the words an analyst would cite (keys: name, identifier,
    country, date)."""
    query_name, their_name = (row[k].split("\u241f", 1)[1] for k in ("name_a", "name_b"))
    name = {
        "score": round(float(row["name_score"]), 4),
        "query": query_name,
        "listed": their_name,
        "legal_forms": [row["legal_form_a"], row["legal_form_b"]],
    }
    if row["patronymic_conflict"]:
        name["patronymic"] = "different patronymics: a different person"
    if row["shared_id"]:
        identifier: str | None = f"same {row['shared_id']}: the identifier decides"
    elif row["conflicting_id"]:
        identifier = f"different {row['conflicting_id']}: not the same entity"
    else:
        identifier = None
    a, b = row["country_a"], row["country_b"]
    country = None if a is None or b is None else (f"same ({a})" if a == b else f"differs: {a} vs listed {b}")
    dates = []
    if row["birth_date_conflict"]:
        dates.append("different birth dates")
    if row["incorporation_date_conflict"]:
        dates.append("different incorporation dates")
    return {"name": name, "identifier": identifier, "country": country, "date": "; ".join(dates) or None}
