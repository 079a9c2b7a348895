"""How alike two party records are: a score in 0..1 with the features that made it, computed relationally.

The name comparison is a soft, weighted word overlap (the "soft TF-IDF" of Cohen, Ravikumar and Fienberg,
2003, in Dice form): each word of one name is matched to the closest word of the other when their edit
similarity reaches ``token_match``; rare words weigh more than common ones ("Aspan" says more than
"Trade"). A person's initial agrees with any word starting with its letter; feminine and masculine forms
of a surname (Petrova, Petrov) do not agree. Then the other features adjust it:

- a shared valid identifier of one scheme decides (score 1): two firms cannot share a BIN or an INN;
- contradicting identifiers of one scheme, patronymics or birth dates cap the score at ``conflict_cap``;
- different countries, legal-form classes or incorporation dates lower it; a shared phone raises it a little.

Every feature is kept as a column, so each score can be explained and recomputed.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from diversion.model.identifiers import SCHEMES
from diversion.resolve.params import ResolveParams

FEATURES = (
    "name_score", "shared_id", "conflicting_id", "country_a", "country_b", "legal_form_a", "legal_form_b",
    "patronymic_conflict", "birth_date_conflict", "incorporation_date_conflict", "same_phone",
)  # fmt: skip
"""The columns of a scored pair that explain its score."""

FEATURES_AND_SCORE = ("score", "match", *FEATURES)


def word_similarity(
    a: ir.StringValue, b: ir.StringValue, p: ResolveParams, abbreviations: ir.BooleanValue | bool = False
) -> ir.FloatingValue:
    """1 - edits / length of the longer word (or 0 when their lengths alone keep it under ``token_match``);
    exact agreement only for short words; Petrov != Petrova.

    With ``abbreviations`` (firm names), a word of at least ``short_token`` letters that begins the other
    agrees at ``abbreviation_match`` ("Elec." for Electronics, "Tech" for Technology); without (people),
    surnames that differ only in a feminine or masculine ending never agree. Symmetric in ``a`` and
    ``b``: scoring computes it once per two words, for both names.
    """
    allowed = ibis.literal(abbreviations) if isinstance(abbreviations, bool) else abbreviations
    longest = ibis.greatest(a.length(), b.length()).cast("float64")
    distance = a.levenshtein(b)
    # Two letters swapped ("Komlpekt") is one slip of the hand, not two edits.
    distance = ibis.ifelse((distance == 2) & _transposed(a, b), 1, distance)
    edit = 1 - distance.cast("float64") / longest
    shortest = ibis.least(a.length(), b.length())
    # Petrov/Petrova, Kowalski/Kowalska, Petrovskii/Petrovskaia: a man's and a woman's surname; both
    # words longer than five letters, as a short one ("Alekse" / "Aleksei") is more likely a slip.
    ending = r"(aia|ia|a|i)$"
    gendered = ((a + "a") == b) | ((b + "a") == a)
    gendered = gendered | (
        ~allowed & (a != b) & (a.re_replace(ending, "") == b.re_replace(ending, "")) & (shortest > 5)
    )
    abbreviated = allowed & (shortest >= p.short_token) & (a.startswith(b) | b.startswith(a))
    # Words whose lengths alone keep them under token_match score 0 without an edit distance, the dearest
    # step of scoring (the score stays under token_match either way).
    too_far = 1 - (a.length() - b.length()).abs().cast("float64") / longest < p.token_match
    return ibis.cases(
        (a == b, 1.0),
        (too_far & ~abbreviated, 0.0),
        (gendered | (shortest < p.short_token), 0.0),
        (abbreviated, ibis.greatest(edit, p.abbreviation_match)),
        else_=edit,
    )


MAX_SWAP_POSITION = 16
"""Swapped neighbours are looked for in the first letters of a word only (the test is one expression per
position, portable to every engine)."""


def _transposed(a: ir.StringValue, b: ir.StringValue) -> ir.BooleanValue:
    """Whether ``b`` is ``a`` with two neighbouring letters swapped."""
    swaps = [
        a.substr(0, i) + a.substr(i + 1, 1) + a.substr(i, 1) + a.substr(i + 2) == b
        for i in range(MAX_SWAP_POSITION)
    ]
    return (a.length() == b.length()) & ibis.or_(*swaps)


def name_pair_scores(pairs: ir.Table, names: ir.Table, weights: ir.Table, p: ResolveParams) -> ir.Table:
    """Name pairs, by number (``no_a``, ``no_b``), scored by weighted word overlap, legal form and patronymic.

    Names and words are grouped and joined by their numbers (``name_no``, ``token_no``): a name id holds
    the record id and the whole name, and hashing such text per crossed word cost more than scoring.
    """
    keyed = pairs.select("no_a", "no_b").distinct()
    crossed = _crossed_words(keyed, names, weights, p)
    side_a = _side(crossed, "a", p)
    side_b = _side(crossed, "b", p)
    both = side_a.join(side_b, ["no_a", "no_b"])
    soft = (both.matched_a + both.matched_b) / (both.total_a + both.total_b).nullif(0)
    a = names.select(
        no_a="name_no",
        kind_a="kind",
        uses_a="name_uses",
        concat_a="concat",
        count_a=names.tokens.length(),
        legal_form_a="legal_form",
        patronymic_a="patronymic",
        initials_a="initials",
    )
    b = a.rename(
        no_b="no_a",
        kind_b="kind_a",
        uses_b="uses_a",
        concat_b="concat_a",
        count_b="count_a",
        legal_form_b="legal_form_a",
        patronymic_b="patronymic_a",
        initials_b="initials_a",
    )
    scored = both.mutate(soft=soft.fill_null(0.0)).join(a, "no_a").join(b, "no_b")
    concat_sim = 1 - scored.concat_a.levenshtein(scored.concat_b).cast("float64") / ibis.greatest(
        scored.concat_a.length(), scored.concat_b.length(), 1
    ).cast("float64")
    # Written together or apart ("AspanArba" / "Aspan Arba"): only then does the whole string decide.
    # (a case, not a conjunction: the edit distance of whole names is then computed only where needed)
    joined_apart = ibis.cases((scored.count_a == scored.count_b, False), else_=concat_sim > scored.soft)
    legal_conflict = (
        scored.legal_form_a.notnull()
        & scored.legal_form_b.notnull()
        & (scored.legal_form_a != scored.legal_form_b)
    )
    # Each name has a word the other lacks: for people a different given name or surname, for firms
    # usually a different firm ("Aspan Arba" / "Aspan Trade").
    both_unmatched = (scored.unmatched_a > 0) & (scored.unmatched_b > 0)
    is_person = scored.kind_a == "person"
    # A person's initials must account for the other name's given names: "N. Rodionova" is not Anna.
    uncovered = ((scored.unmatched_a > 0) & (scored.initials_b != "")) | (
        (scored.unmatched_b > 0) & (scored.initials_a != "")
    )
    # "Tolstoi V." and "Tolstoy O. I.": both give initials only, and the first ones differ.
    first_a, first_b = scored.initials_a.substr(0, 1), scored.initials_b.substr(0, 1)
    lenient = first_a.re_search(_VOWELS) & first_b.re_search(_VOWELS)
    differ = ibis.cases(((first_a == "") | (first_b == "") | (first_a == first_b), False), else_=~lenient)
    uncovered = uncovered | differ
    name = ibis.cases(
        (joined_apart, concat_sim),
        ((both_unmatched | uncovered) & is_person, ibis.least(scored.soft, p.conflict_cap)),
        (both_unmatched, scored.soft - p.extra_word_penalty),
        else_=scored.soft,
    )
    return scored.select(
        "no_a",
        "no_b",
        "legal_form_a",
        "legal_form_b",
        name_score=name - ibis.ifelse(legal_conflict, p.legal_form_penalty, 0.0),
        common_name=is_person & (ibis.least(scored.uses_a, scored.uses_b) > p.common_name_uses),
        patronymic_conflict=_patronymic_conflict(scored, p),
    )


def _crossed_words(pairs: ir.Table, names: ir.Table, weights: ir.Table, p: ResolveParams) -> ir.Table:
    """Every word of one name of a pair against every word of the other, with how far they agree.

    One crossing serves both sides, and the similarity of two words is computed once per distinct pair
    of words (a crossing repeats each about fifteen times): it is symmetric, except that firms allow
    abbreviations and people do not, so each side's kind is part of the key.
    """
    words = names.select("name_no", "kind", "initials", word=names.tokens.unnest())
    words = words.join(weights.select(word="token", word_no="token_no", weight="weight"), "word")
    side = {
        s: words.select(
            **{f"no_{s}": "name_no", f"wno_{s}": "word_no", f"weight_{s}": "weight",
               f"firm_{s}": words.kind != "person", f"first_{s}": words.word.substr(0, 1),
               f"initials_{s}": "initials"}
        )
        for s in "ab"
    }  # fmt: skip
    crossed = pairs.join(side["a"], "no_a").join(side["b"], "no_b")
    key = ["wno_a", "wno_b", "firm_a", "firm_b"]
    vocabulary = weights.select(word_no="token_no", word="token")
    distinct = crossed.select(*key).distinct()
    distinct = distinct.join(vocabulary.rename(wno_a="word_no", word_a="word"), "wno_a").join(
        vocabulary.rename(wno_b="word_no", word_b="word"), "wno_b"
    )
    sim_a = word_similarity(distinct.word_a, distinct.word_b, p, distinct.firm_a)
    sim_b = ibis.ifelse(
        distinct.firm_a == distinct.firm_b,
        sim_a,
        word_similarity(distinct.word_a, distinct.word_b, p, distinct.firm_b),
    )
    similar = distinct.select(*key, sim_a=sim_a, sim_b=sim_b)
    # A left join (every row has its pair of words) keeps the crossing whole: as an inner join the
    # optimiser joined the word pairs to all names' words first, a product many times the crossing.
    crossed = crossed.left_join(similar, key).drop(*[f"{k}_right" for k in key])
    return crossed.select(
        "no_a", "no_b", "wno_a", "wno_b", "weight_a", "weight_b",
        agreed_a=_agreed(crossed.sim_a, crossed.first_a, crossed.initials_b, p),
        agreed_b=_agreed(crossed.sim_b, crossed.first_b, crossed.initials_a, p),
    )  # fmt: skip


def _agreed(
    sim: ir.FloatingValue, first_letter: ir.StringValue, their_initials: ir.StringValue, p: ResolveParams
) -> ir.FloatingValue:
    """How far a word agrees with one of the other name's: its similarity where that reaches
    ``token_match``, or 0.9 for a word whose first letter is one of the other name's initials."""
    sim = sim.fill_null(0.0)
    return ibis.cases(
        (sim >= p.token_match, sim),
        (their_initials == "", 0.0),
        (_initial_in(first_letter, their_initials), 0.9),
        else_=0.0,
    )


def _side(crossed: ir.Table, this: str, p: ResolveParams) -> ir.Table:
    """For each word of one side's name: its best agreement with the other side's words, and its weight."""
    best = crossed.group_by(["no_a", "no_b", f"wno_{this}"]).aggregate(
        best=crossed[f"agreed_{this}"].max(), weight=crossed[f"weight_{this}"].max()
    )
    return best.group_by(["no_a", "no_b"]).aggregate(
        **{
            f"matched_{this}": (best.best * best.weight).sum(),
            # a word the other name lacks counts more than one it shares: "Ala-Too Invest" is not
            # "Ala-Too Doolot Invest"
            f"total_{this}": (best.weight * ibis.ifelse(best.best == 0, p.unmatched_weight, 1.0)).sum(),
            f"unmatched_{this}": (best.best == 0).cast("int64").sum(),
        }
    )


_VOWELS = "[ei]"
"""Initial letters that romanisation standards confuse: Е, Э, Ю, Я, И are written E, Ye, Yu, Iu, Ya, I
(and the skeleton reads a Y as I)."""


def _initial_in(letter: ir.StringValue, initials: ir.StringValue) -> ir.BooleanValue:
    """Whether a word's first letter is among the initials (E and I standing for each other)."""
    vowel = letter.re_search(_VOWELS)
    return ibis.ifelse(vowel, initials.re_search(_VOWELS), initials.contains(letter)).fill_null(False)


def _patronymic_conflict(t: ir.Table, p: ResolveParams) -> ir.BooleanValue:
    both = t.patronymic_a.notnull() & t.patronymic_b.notnull()
    differ = ibis.cases(
        (both, word_similarity(t.patronymic_a, t.patronymic_b, p) < p.token_match), else_=False
    )

    def initial_differs(patronymic: ir.StringValue, initials: ir.StringValue) -> ir.BooleanValue:
        # "Petrov A. V.": the second initial is the patronymic's
        last = initials.substr(initials.length() - 1, 1)
        first = patronymic.substr(0, 1)
        same = (last == first) | (last.re_search(_VOWELS) & first.re_search(_VOWELS))
        return patronymic.notnull() & (initials.length() >= 2) & ~same

    return (
        differ | initial_differs(t.patronymic_a, t.initials_b) | initial_differs(t.patronymic_b, t.initials_a)
    ).fill_null(False)


def member_pair_scores(
    pairs: ir.Table,
    names: ir.Table,
    records: ir.Table,
    weights: ir.Table,
    p: ResolveParams,
) -> ir.Table:
    """Record pairs (``member_a`` < ``member_b``) with their score, ``match`` and the features behind it.

    ``pairs`` holds candidate name pairs by id: ``member_a``, ``member_b``, ``name_a``, ``name_b``; the
    result names the pair of names that scored best (``name_a``, ``name_b``).
    """
    ids = names.select("name_id", "name_no", "member_no")
    numbered = pairs.join(ids.rename(name_a="name_id", no_a="name_no", mno_a="member_no"), "name_a").join(
        ids.rename(name_b="name_id", no_b="name_no", mno_b="member_no"), "name_b"
    )
    scored = numbered_pair_scores(
        numbered.select("mno_a", "mno_b", "no_a", "no_b"), names, records, weights, p
    )
    named = scored.join(ids.select(no_a="name_no", name_a="name_id"), "no_a").join(
        ids.select(no_b="name_no", name_b="name_id"), "no_b"
    )
    return named.select("member_a", "member_b", "name_a", "name_b", *FEATURES_AND_SCORE)


def numbered_pair_scores(
    pairs: ir.Table,
    names: ir.Table,
    records: ir.Table,
    weights: ir.Table,
    p: ResolveParams,
    *,
    by_name: ir.Table | None = None,
    name_keys: tuple[str, str] = ("no_a", "no_b"),
) -> ir.Table:
    """:func:`member_pair_scores` of pairs given by number (``mno_a``, ``mno_b``, ``no_a``, ``no_b``): the
    form a large run uses, as ids hold whole names and joining by them costs many times more.

    ``by_name``: the pairs' :func:`name_pair_scores` when already computed (a large run materialises them),
    keyed by ``name_keys``, columns of both ``pairs`` and ``by_name`` (a large run scores the pairs of name
    texts, ``tno_a`` and ``tno_b``, once for every pair of records bearing them).
    """
    if by_name is None:
        by_name = name_pair_scores(pairs, names, weights, p)
    keys = list(name_keys)
    scores = by_name.view()  # a relation of its own: by_name may be built on ``pairs`` itself
    named = pairs.join(scores.select(*keys, "name_score"), keys)
    # Each record pair's best-scored pair of names: an aggregate (it spills to disk), not a window. Ties go
    # to the first names by number, so a run gives the same pairs every time (two pairs of names that score
    # alike may differ in legal form or patronymic, and so in the record pair's score).
    carried = list(dict.fromkeys(["no_a", "no_b", *keys]))
    rank = ibis.struct({"score": named.name_score, "a": -named.no_a, "b": -named.no_b})
    chosen = named.group_by(["mno_a", "mno_b"]).aggregate(
        __best=ibis.struct({k: named[k] for k in carried}).argmax(rank)
    )
    chosen = chosen.select("mno_a", "mno_b", **{k: chosen.__best[k] for k in carried})
    best = chosen.join(by_name.view(), keys)
    ra = records.rename(**{f"{c}_a": c for c in records.columns})
    rb = records.rename(**{f"{c}_b": c for c in records.columns})
    joined = best.join(ra, [("mno_a", "member_no_a")]).join(rb, [("mno_b", "member_no_b")])
    return _combine(joined.mutate(member_a=joined.member_id_a, member_b=joined.member_id_b), p)


def _combine(t: ir.Table, p: ResolveParams) -> ir.Table:
    shared = [
        ibis.ifelse(t[f"{s}_a"].notnull() & (t[f"{s}_a"] == t[f"{s}_b"]), s, ibis.null("string"))
        for s in SCHEMES
    ]
    conflicting = [
        ibis.ifelse(
            t[f"{s}_a"].notnull() & t[f"{s}_b"].notnull() & (t[f"{s}_a"] != t[f"{s}_b"]),
            s,
            ibis.null("string"),
        )
        for s in SCHEMES
    ]
    shared_id = ibis.coalesce(*shared)
    conflicting_id = ibis.coalesce(*conflicting)
    country_differs = t.country_a.notnull() & t.country_b.notnull() & (t.country_a != t.country_b)
    birth_conflict = t.birth_date_a.notnull() & t.birth_date_b.notnull() & (t.birth_date_a != t.birth_date_b)
    founded_differs = (
        t.incorporation_date_a.notnull()
        & t.incorporation_date_b.notnull()
        & (t.incorporation_date_a != t.incorporation_date_b)
    )
    same_phone = t.phone_a.notnull() & (t.phone_a == t.phone_b)
    raw = (
        t.name_score
        - ibis.ifelse(country_differs, p.country_penalty, 0.0)
        - ibis.ifelse(founded_differs, p.date_penalty, 0.0)
        + ibis.ifelse(same_phone, p.contact_bonus, 0.0)
    )
    contradicted = conflicting_id.notnull() & shared_id.isnull() | birth_conflict | t.patronymic_conflict
    same_birth = t.birth_date_a.notnull() & (t.birth_date_a == t.birth_date_b)
    score = ibis.cases(
        (shared_id.notnull(), 1.0),
        (contradicted, ibis.least(raw, p.conflict_cap)),
        # a common name alone does not make two records one person; an identifier or birth date does
        (t.common_name & ~same_birth.fill_null(False), ibis.least(raw, p.common_name_cap)),
        else_=raw,
    )
    score = ibis.greatest(ibis.least(score, 1.0), 0.0)
    return t.select(
        "member_a",
        "member_b",
        "no_a",
        "no_b",
        score=score,
        match=score >= p.match_threshold,
        name_score=t.name_score,
        shared_id=shared_id,
        conflicting_id=conflicting_id,
        country_a=t.country_a,
        country_b=t.country_b,
        legal_form_a=t.legal_form_a,
        legal_form_b=t.legal_form_b,
        patronymic_conflict=t.patronymic_conflict,
        birth_date_conflict=birth_conflict.fill_null(False),
        incorporation_date_conflict=founded_differs.fill_null(False),
        same_phone=same_phone.fill_null(False),
    )
