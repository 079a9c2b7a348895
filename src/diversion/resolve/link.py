"""Party records linked into entities: blocking, pair scoring and connected components, all relational.

Blocking proposes pairs of names that share a rare word, the first letters of a long word (typos), or
a whole normalised name, and pairs of records that share an identifier; only these are scored
(:mod:`.score`). Pairs at or above the threshold are joined into entities by connected components,
computed by label propagation (each record takes the smallest id among its linked neighbours until
nothing changes), so the same code runs on DuckDB and on Spark.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from diversion.model.identifiers import SCHEMES
from diversion.resolve.params import DEFAULT, ResolveParams
from diversion.resolve.score import name_pair_scores, numbered_pair_scores
from diversion.store import Workspace

CONCAT_PREFIX = 10
"""Letters of the name written as one word that form a blocking key."""

MAX_ROUNDS = 50
"""Label propagation stops here at the latest (each round halves nothing; chains longer than this are
not expected among records of one entity)."""


@dataclass
class Linked:
    """The result of linking: scored candidate pairs and each record's entity."""

    pairs: ir.Table  # member_a, member_b, no_a, no_b, score, match and the features (see score.FEATURES)
    members: ir.Table  # member_id, entity_id
    rounds: int


def block_keys(
    names: ir.Table,
    records: ir.Table,
    p: ResolveParams,
    ids: tuple[str, ...] = ("name_id", "member_id", "name_no", "member_no", "kind"),
) -> ir.Table:
    """Blocking keys of names: rare words, prefixes of long words, the whole name key and the name written
    as one word (``ids``: by default ``name_id``, ``member_id``, their numbers ``name_no`` and
    ``member_no``, and ``kind``; then ``key``). ``member_no`` must be among ``ids``: block sizes count it.

    A large run keeps the numbers only: ids hold whole names, and every key row carried them through the
    de-duplication of keys (22-25 s instead of 29 s for the party records of ten million declarations).
    """
    words = names.select(*ids, word=names.tokens.unnest())
    long_words = words.filter(words.word.length() > p.prefix_length)
    multi = names.filter(names.tokens.length() > 1)
    pairs = names.select(*ids, pair=names.pair_keys.unnest())
    long_names = names.filter(names.concat.length() >= CONCAT_PREFIX)
    keys = ibis.union(
        words.select(*ids, key="w:" + words.word),
        long_words.select(*ids, key="p:" + long_words.word.substr(0, p.prefix_length)),
        names.select(*ids, key="n:" + names.name_key),
        # written together or apart: "Sun Yong" / 孙勇 -> sunyong
        names.select(*ids, key="c:" + names.concat),
        multi.select(*ids, key="q:" + multi.prefix_key),
        pairs.select(*ids, key="2:" + pairs.pair),
        # the start of the name written as one word: 合肥昌星 -> hefeichangxing, Hefei Changxing -> hefei...
        long_names.select(*ids, key="h:" + long_names.concat.substr(0, CONCAT_PREFIX)),
        distinct=True,
    )
    sizes = keys.group_by("key").aggregate(size=keys.member_no.nunique())
    # pairs of words exist to meet names made of common words: their blocks must stay small
    cap = ibis.ifelse(sizes.key.startswith("2:"), p.max_pair_block, p.max_block)
    small = sizes.filter(sizes.size <= cap).select("key")
    return keys.semi_join(small, "key")


def candidate_pairs(ws: Workspace, names: ir.Table, records: ir.Table, p: ResolveParams) -> ir.Table:
    """Name pairs worth scoring, by number: records ``mno_a`` < ``mno_b``, their names ``no_a``, ``no_b``
    and the names' texts ``tno_a``, ``tno_b`` (``text_no``)."""
    keys = ws.materialize(block_keys(names, records, p, ids=("name_no", "member_no", "kind", "text_no")))
    left = keys.select(mno_a="member_no", no_a="name_no", tno_a="text_no", kind_a="kind", key_a="key")
    right = keys.select(mno_b="member_no", no_b="name_no", tno_b="text_no", kind_b="kind", key_b="key")
    columns = ("mno_a", "mno_b", "no_a", "no_b", "tno_a", "tno_b")
    by_name = left.join(
        right,
        [left.key_a == right.key_b, left.mno_a < right.mno_b, left.kind_a == right.kind_b],
    ).select(*columns)
    by_id = _identifier_pairs(records)
    ids_named = (
        by_id.join(names.select(mno_a="member_no", no_a="name_no", tno_a="text_no"), "mno_a")
        .join(names.select(mno_b="member_no", no_b="name_no", tno_b="text_no"), "mno_b")
        .select(*columns)
    )
    result = ws.materialize(ibis.union(by_name, ids_named, distinct=True))
    ws.drop_temp(keys)
    return result


def _identifier_pairs(records: ir.Table) -> ir.Table:
    ids = ibis.union(
        *[
            records.filter(records[s].notnull()).select("member_no", key=ibis.literal(s + ":") + records[s])
            for s in SCHEMES
        ]
    )
    left = ids.select(mno_a="member_no", key_a="key")
    right = ids.select(mno_b="member_no", key_b="key")
    return (
        left.join(right, [left.key_a == right.key_b, left.mno_a < right.mno_b])
        .select("mno_a", "mno_b")
        .distinct()
    )


NAME_PAIRS_PER_PASS = 4_000_000
"""Name pairs scored in one statement: each pair crosses every word of one name with every word of the
other, and ten million declarations' names in one pass outgrew an 11 GB engine cap."""

RECORD_PAIRS_PER_PASS = 8_000_000
"""Candidate rows (record pair x name pair) scored in one statement: each joins both records' features,
and the party records of ten million declarations in one pass outgrew the same cap."""


def _text_scores_in_passes(
    ws: Workspace, candidates: ir.Table, names: ir.Table, weights: ir.Table, p: ResolveParams
) -> ir.Table:
    """:func:`name_pair_scores` of the candidates' distinct pairs of name texts (``tno_a``, ``tno_b``, named
    ``no_a`` and ``no_b`` in the result), a slice of them at a time.

    A name's score depends on its text and kind alone, and the same text is borne by many records (a firm
    declared under several ids and countries): the party records of ten million declarations gave 31.4M
    candidate name pairs but 11.9M pairs of texts.
    """
    pairs = ws.materialize(candidates.select(no_a="tno_a", no_b="tno_b").distinct())
    # one row per text, numbered as name_pair_scores numbers names (these columns follow from the text)
    texts = names.select(
        "kind", "name_uses", "concat", "tokens", "legal_form", "patronymic", "initials", name_no="text_no"
    )
    texts = ws.materialize(texts.distinct())
    scored = ws.materialize_in_slices(
        pairs, "no_a", NAME_PAIRS_PER_PASS, lambda part: name_pair_scores(part, texts, weights, p)
    )
    for table in (pairs, texts):
        ws.drop_temp(table)
    return scored


def link(
    ws: Workspace,
    records: ir.Table,
    names: ir.Table,
    weights: ir.Table,
    p: ResolveParams = DEFAULT,
) -> Linked:
    """Score the candidate pairs of prepared records and group matching ones into entities."""
    candidates = candidate_pairs(ws, names, records, p)
    # In two steps: names first (word by word), then records; one statement for both ran out of memory
    # on the party records of ten million declarations.
    by_text = _text_scores_in_passes(ws, candidates, names, weights, p)
    # sliced by mno_a: a record pair's candidate name pairs stay in one slice, so its best one is chosen
    scored = ws.materialize_in_slices(
        candidates,
        "mno_a",
        RECORD_PAIRS_PER_PASS,
        lambda part: numbered_pair_scores(
            part,
            names,
            records,
            weights,
            p,
            by_name=by_text.rename(tno_a="no_a", tno_b="no_b"),
            name_keys=("tno_a", "tno_b"),
        ),
    )
    ws.drop_temp(candidates)
    ws.drop_temp(by_text)
    members, rounds = anchored_components(ws, records, names, scored.filter(scored.match))
    return Linked(scored, members, rounds)


TIERS = 4
"""How much a record pins its entity down: 1 a firm's checked identifier, a person's patronymic with a birth
date or personal number; 2 a firm's written legal form, a person's patronymic alone; 3 any other firm name,
a person's given name written out; 4 a surname with initials or alone."""


def anchored_components(
    ws: Workspace, records: ir.Table, names: ir.Table, matches: ir.Table
) -> tuple[ir.Table, int]:
    """Entities from matching pairs, without letting a record that says little bridge two that contradict.

    Plain connected components would let "Petrov A." join "Petrov Aleksei Viktorovich" and "Petrov Aleksei
    Sergeevich" into one person, or a firm's name without an INN join two firms with different INNs.
    So records are ranked in tiers by what pins them down (:data:`TIERS`): records of the first tier join
    each other; then, tier by tier, the records of a tier join each other and each of their groups
    attaches to the single group already formed that it matches best (ties to the smaller id).
    """
    nodes = ws.materialize(_tiered(records, names))
    tiers = nodes.select("member_id", "tier")
    edges = matches.select("member_a", "member_b", "score", shared=matches.shared_id.notnull())
    edges = edges.join(tiers.rename(tier_a="tier", member_a="member_id"), "member_a")
    edges = ws.materialize(edges.join(tiers.rename(tier_b="tier", member_b="member_id"), "member_b"))
    placed: ir.Table | None = None
    rounds = 0
    for tier in range(1, TIERS + 1):
        inside = edges.filter((edges.tier_a == tier) & (edges.tier_b == tier))
        groups, used = components(ws, nodes.filter(nodes.tier == tier), inside)
        rounds += used
        if placed is not None:
            groups = _attach(ws, groups, placed, edges, tier)
            placed = ws.materialize(ibis.union(placed, groups))
        else:
            placed = groups
    assert placed is not None
    for table in (nodes, edges):
        ws.drop_temp(table)
    return placed, rounds


def _tiered(records: ir.Table, names: ir.Table) -> ir.Table:
    # A person is pinned by the patronymic, more so with a birth date or personal number (namesakes with
    # one patronymic differ by birth date); a birth date alone may sit on a record without a patronymic,
    # which could then bridge two namesakes. A firm is pinned by a checked identifier, less so by a
    # written legal form (ООО «X» and АО «X» are two firms; a bare "X" may be either).
    declared = records.member_id.startswith("declarations:")
    with_patronymic = names.filter(names.patronymic.notnull()).select("member_id").distinct()
    with_form = names.filter(names.legal_form.notnull()).select("member_id").distinct()
    # a given name written out, not only a surname and initials
    with_given = names.filter(names.tokens.length() >= 2).select("member_id").distinct()
    joined = records.mutate(label=ibis.ifelse(declared, "~" + records.member_id, records.member_id))
    joined = joined.left_join(with_patronymic.mutate(has_patronymic=True), "member_id")
    joined = joined.left_join(with_form.mutate(has_form=True), "member_id")
    joined = joined.left_join(with_given.mutate(has_given=True), "member_id")
    firm_id = ibis.or_(*[joined[s].notnull() for s in ("inn", "ogrn", "bin", "kg_inn", "lei")])
    person = joined.kind == "person"
    return joined.select(
        "member_id",
        "label",
        tier=ibis.cases(
            (person & joined.has_patronymic.fill_null(False) & (firm_id | joined.birth_date.notnull()), 1),
            (person & joined.has_patronymic.fill_null(False), 2),
            (person & joined.has_given.fill_null(False), 3),
            (person, TIERS),
            (firm_id, 1),
            (joined.has_form.fill_null(False), 2),
            (~person, 3),
            else_=TIERS,
        ),
    )


def _attach(ws: Workspace, groups: ir.Table, placed: ir.Table, edges: ir.Table, tier: int) -> ir.Table:
    """Each group of this tier joins the placed group it matches best, or stays on its own."""
    across = edges.filter((edges.tier_a == tier) != (edges.tier_b == tier))
    across = across.filter((across.tier_a <= tier) & (across.tier_b <= tier))
    mine = across.tier_a == tier
    offers = across.select(
        new_id=ibis.ifelse(mine, across.member_a, across.member_b),
        old_id=ibis.ifelse(mine, across.member_b, across.member_a),
        score=across.score,
        shared=across.shared,
    )
    offers = offers.join(groups.rename(new_group="entity_id", new_id="member_id"), "new_id").join(
        placed.rename(old_group="entity_id", old_id="member_id"), "old_id"
    )
    ranked = offers.mutate(
        rank=ibis.row_number().over(
            # a shared identifier first: a personal number outweighs an equally good name
            group_by=offers.new_group,
            order_by=[ibis.desc(offers.shared), ibis.desc(offers.score), offers.old_group],
        )
    )
    best = ranked.filter(ranked["rank"] == 0).select("new_group", "old_group")
    joined = groups.left_join(best, groups.entity_id == best.new_group)
    return ws.materialize(
        joined.select(member_id=joined.member_id, entity_id=joined.old_group.coalesce(joined.entity_id))
    )


def components(ws: Workspace, nodes: ir.Table, edges: ir.Table) -> tuple[ir.Table, int]:
    """Each node's component (``member_id``, ``entity_id``), named by the smallest ``label`` of its nodes
    (a leading "~" in labels, which sorts last, is dropped from the name)."""
    both_ways = ibis.union(
        edges.select(src="member_a", dst="member_b"),
        edges.select(src="member_b", dst="member_a"),
    )
    arcs = ws.materialize(both_ways)
    labels = ws.materialize(nodes.select(member_id=nodes.member_id, entity_id=nodes.label).distinct())
    rounds = 0
    for rounds in range(1, MAX_ROUNDS + 1):  # noqa: B007 - the count is reported
        offered = arcs.join(labels, arcs.dst == labels.member_id).select(
            member_id=arcs.src, offer=labels.entity_id
        )
        best = offered.group_by("member_id").aggregate(offer=offered.offer.min())
        updated = labels.left_join(best, "member_id").select(
            member_id=labels.member_id,
            entity_id=ibis.least(labels.entity_id, best.offer.coalesce(labels.entity_id)),
            # whether the label moved, counted from this column: no join of the old labels to the new
            moved=(best.offer < labels.entity_id).fill_null(False),
        )
        updated = ws.materialize(updated)
        changed = int(ws.execute(updated.moved.cast("int64").sum().fill_null(0)))
        ws.drop_temp(labels)
        labels = updated
        if changed == 0:
            break
    ws.drop_temp(arcs)
    named = labels.select("member_id", entity_id=labels.entity_id.re_replace("^~", ""))
    return ws.materialize(named), rounds
