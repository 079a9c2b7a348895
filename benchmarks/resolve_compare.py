"""Three matchers side by side on the same candidate pairs: ours, nomenklatura's ``logic-v2`` and rapidfuzz.

- **ours**: :func:`diversion.resolve.pairs.score_pairs` (name, country and one identifier per side), its
  own ``match`` decision (the threshold in ``ResolveParams``).
- **logic-v2**: nomenklatura's ``LogicV2.compare`` with its default config, the engine of OpenSanctions'
  yente, a match at score >= 0.70 (yente's threshold). Each side is a FollowTheMoney ``Company`` or
  ``Person`` with ``name``, ``country`` (lower-case alpha-2) and the identifier under the property of its
  scheme (:data:`FTM_ID_PROPERTY`); a value the property rejects (a check digit fails) goes to the generic
  ``registrationNumber`` (companies) or ``idNumber`` (people) instead, so logic-v2 always sees it.
- **rapidfuzz**: ``fuzz.token_sort_ratio`` of the two names (``utils.default_process``), a match at >= 85,
  a common off-the-shelf choice. The threshold with the best F1 on the hard pairs is reported as well,
  as ``rapidfuzz@tuned``: it was tuned on the hard pairs, so its figures there are optimistic.

Two sets of pairs:

1. the hand-built hard pairs (``tests/data/resolve/hard_pairs.csv``);
2. a labelled synthetic set (``labelled_parties(7, DIVERSION_BENCH_RESOLVE_RECORDS)``, default 20,000
   records), whose candidate pairs come from our blocking (``candidate_pairs``), deduplicated to record
   pairs and labelled same when both records share a ``truth_id``; a pair's ``lang_set`` is that of its
   first record. The identifier given is the record's strongest (first of inn, ogrn, bin, kg_inn, lei,
   vat, registration_number). At the default size every candidate pair is scored (about 380,000;
   logic-v2, the slowest, takes about 100 s of the run's 2.5 minutes). Above
   ``DIVERSION_BENCH_RESOLVE_PAIRS`` candidate pairs (default 500,000; 0 for no cap) all three score the
   same seeded random sample of that many, to keep the run within minutes.

Pairs per second is pairs over the wall seconds of scoring only: building the FtM entities and the pair
tables is left out, but ours' own staging of the pairs into the engine is counted (score_pairs does it).
Each matcher first scores a few pairs untimed (loading its name data). Precision is left out (null) when a
matcher predicts no match in a group; F1 is ``2tp / (2tp + fp + fn)``.
"""

from __future__ import annotations

import csv
import importlib.metadata
import json
import os
import platform
import random
import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
from followthemoney import model
from followthemoney.proxy import EntityProxy
from nomenklatura.matching import LogicV2
from rapidfuzz import fuzz, utils

from diversion.resolve.evaluate import prepare_labelled
from diversion.resolve.link import candidate_pairs
from diversion.resolve.pairs import PAIR_COLUMNS, identifiers, score_pairs
from diversion.resolve.params import DEFAULT
from diversion.simulate.parties import labelled_parties
from diversion.store import Workspace, open_workspace

RESULTS = Path(__file__).parent / "results"
ROOT = Path(__file__).parents[1]
HARD_PAIRS = ROOT / "tests" / "data" / "resolve" / "hard_pairs.csv"
RECORDS = int(os.environ.get("DIVERSION_BENCH_RESOLVE_RECORDS", "20000"))
MAX_PAIRS = int(os.environ.get("DIVERSION_BENCH_RESOLVE_PAIRS", "500000"))
SEED = 7
LOGIC_V2_THRESHOLD = 0.70
RAPIDFUZZ_THRESHOLD = 85
WARM_UP = 20
TARGET_LANG_SETS = ("ru", "kz", "kg", "uz")  # the Russian and Central Asian sets of the issue

ID_ORDER = ("inn", "ogrn", "bin", "kg_inn", "lei", "vat", "registration_number")
NATIVE_SCHEME = {"RU": "inn", "KZ": "bin", "KG": "kg_inn"}
FTM_ID_PROPERTY = {
    "Company": {
        "inn": "innCode",
        "ogrn": "ogrnCode",
        "bin": "taxNumber",  # the Kazakh BIN is the firm's tax and registration number; FtM has no binCode
        "kg_inn": "taxNumber",
        "lei": "leiCode",
        "vat": "vatCode",
        "registration_number": "registrationNumber",
    },
    "Person": {"inn": "innCode"},  # any other scheme: idNumber
}
FTM_GENERIC_ID = {"Company": "registrationNumber", "Person": "idNumber"}

Pair = dict[str, Any]  # PAIR_COLUMNS, plus same, lang_set, and key_a, key_b, scheme_a, scheme_b of the sides


# -- the two sets of pairs ----------------------------------------------------------------------------------


def hard_pairs() -> list[Pair]:
    """The hand-built pairs; an identifier's scheme is the one its checks pass (the country's own first)."""
    pairs = []
    for row in csv.DictReader(HARD_PAIRS.open(encoding="utf-8")):
        pair: Pair = {c: row[c] or None for c in PAIR_COLUMNS}
        pair.update(same=row["same"] == "true", lang_set=row["lang_set"])
        pair.update(key_a=f"{row['pair_id']}/a", key_b=f"{row['pair_id']}/b")
        for side in ("a", "b"):
            pair[f"scheme_{side}"] = _scheme(pair[f"id_{side}"], pair[f"country_{side}"])
        pairs.append(pair)
    return pairs


def _scheme(text: str | None, country: str | None) -> str | None:
    if not text:
        return None
    found = [s for s, value in identifiers(text).items() if value]
    native = NATIVE_SCHEME.get(country or "")
    return native if native in found else (found[0] if found else "registration_number")


def synthetic_pairs(ws: Workspace, records: int, seed: int) -> tuple[list[Pair], int]:
    """Candidate pairs of a labelled synthetic set from our blocking, and how many there were in all."""
    labelled = labelled_parties(seed, records)
    prepared, named = prepare_labelled(ws, labelled)
    candidates = candidate_pairs(ws, named, prepared, DEFAULT)
    # Candidates name records by their numbers (``member_no``): back to ids for labelling.
    ids = prepared.select("member_id", "member_no")
    by_number = candidates.select("mno_a", "mno_b").distinct()
    by_number = by_number.join(ids.rename(member_a="member_id", mno_a="member_no"), "mno_a").join(
        ids.rename(member_b="member_id", mno_b="member_no"), "mno_b"
    )
    members = ws.to_arrow(by_number.select("member_a", "member_b")).to_pylist()
    for table in (candidates, named, prepared):
        ws.drop_temp(table)
    members.sort(key=lambda m: (m["member_a"], m["member_b"]))
    total = len(members)
    if 0 < MAX_PAIRS < total:
        members = sorted(
            random.Random(seed).sample(members, MAX_PAIRS), key=lambda m: (m["member_a"], m["member_b"])
        )
    by_id = {r["party_id"]: r for r in labelled.to_pylist()}
    pairs = []
    for m in members:
        a, b = by_id[m["member_a"]], by_id[m["member_b"]]
        scheme_a, scheme_b = _strongest(a), _strongest(b)
        pairs.append(
            {
                "pair_id": f"{a['party_id']}|{b['party_id']}",
                "kind": a["kind"],
                "name_a": a["name"],
                "country_a": a["country"],
                "id_a": a[scheme_a] if scheme_a else None,
                "name_b": b["name"],
                "country_b": b["country"],
                "id_b": b[scheme_b] if scheme_b else None,
                "same": a["truth_id"] == b["truth_id"],
                "lang_set": a["lang_set"],
                "key_a": a["party_id"],
                "key_b": b["party_id"],
                "scheme_a": scheme_a,
                "scheme_b": scheme_b,
            }
        )
    return pairs, total


def _strongest(record: dict[str, Any]) -> str | None:
    return next((s for s in ID_ORDER if record[s]), None)


# -- the matchers: each returns its decisions (or scores) and the seconds of scoring ----------------------


def run_ours(ws: Workspace, pairs: Sequence[Pair]) -> tuple[list[bool], float]:
    def table(rows: Sequence[Pair]) -> pa.Table:
        schema = pa.schema([(c, pa.string()) for c in PAIR_COLUMNS])
        return pa.Table.from_pylist([{c: p[c] for c in PAIR_COLUMNS} for p in rows], schema=schema)

    score_pairs(ws, table(pairs[:WARM_UP]))
    whole = table(pairs)
    started = time.perf_counter()
    scored = score_pairs(ws, whole)
    seconds = time.perf_counter() - started
    match = dict(zip(scored.column("pair_id").to_pylist(), scored.column("match").to_pylist(), strict=True))
    return [bool(match[p["pair_id"]]) for p in pairs], seconds


def ftm_entity(
    entity_id: str, kind: str, name: str, country: str | None, id_: str | None, scheme: str | None
) -> EntityProxy:
    """A FollowTheMoney entity of one side of a pair (an id is needed: logic-v2 caches by entity)."""
    schema = "Company" if kind == "company" else "Person"
    entity = model.make_entity(schema)
    entity.id = entity_id
    entity.add("name", name)
    if country:
        entity.add("country", country.lower())
    if id_:
        prop = FTM_ID_PROPERTY[schema].get(scheme or "", FTM_GENERIC_ID[schema])
        entity.add(prop, id_)
        if not entity.get(prop):  # rejected by the property's format: keep it as a plain identifier
            entity.add(FTM_GENERIC_ID[schema], id_)
    return entity


def run_logic_v2(pairs: Sequence[Pair]) -> tuple[list[bool], float]:
    config = LogicV2.default_config()
    entities: dict[str, EntityProxy] = {}

    def side(pair: Pair, s: str) -> EntityProxy:
        # A synthetic record is one entity in every pair it is in (as a yente query is); a hard pair's
        # sides are their own entities.
        key = pair[f"key_{s}"]
        if key not in entities:
            entities[key] = ftm_entity(
                key,
                pair["kind"],
                pair[f"name_{s}"],
                pair[f"country_{s}"],
                pair[f"id_{s}"],
                pair[f"scheme_{s}"],
            )
        return entities[key]

    sides = [(side(p, "a"), side(p, "b")) for p in pairs]
    for a, b in sides[:WARM_UP]:
        LogicV2.compare(a, b, config)
    started = time.perf_counter()
    scores = [LogicV2.compare(a, b, config).score for a, b in sides]
    seconds = time.perf_counter() - started
    return [s >= LOGIC_V2_THRESHOLD for s in scores], seconds


def run_rapidfuzz(pairs: Sequence[Pair]) -> tuple[list[float], float]:
    names = [(p["name_a"] or "", p["name_b"] or "") for p in pairs]
    for a, b in names[:WARM_UP]:
        fuzz.token_sort_ratio(a, b, processor=utils.default_process)
    started = time.perf_counter()
    scores = [fuzz.token_sort_ratio(a, b, processor=utils.default_process) for a, b in names]
    return scores, time.perf_counter() - started


# -- figures ------------------------------------------------------------------------------------------------


def metrics(truth: Sequence[bool], predicted: Sequence[bool]) -> dict[str, Any]:
    tp = sum(t and p for t, p in zip(truth, predicted, strict=True))
    fp = sum(p and not t for t, p in zip(truth, predicted, strict=True))
    fn = sum(t and not p for t, p in zip(truth, predicted, strict=True))
    return {
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": round(tp / (tp + fp), 4) if tp + fp else None,
        "recall": round(tp / (tp + fn), 4) if tp + fn else None,
        "f1": round(2 * tp / (2 * tp + fp + fn), 4) if tp + fp + fn else None,
    }


def best_threshold(truth: Sequence[bool], scores: Sequence[float]) -> int:
    """The integer threshold with the best F1 (the lowest of equals)."""
    return max(range(101), key=lambda t: (metrics(truth, [s >= t for s in scores])["f1"] or 0.0, -t))


def by_lang_set(pairs: Sequence[Pair], decisions: dict[str, list[bool]]) -> list[dict[str, Any]]:
    groups = [*sorted({p["lang_set"] for p in pairs}), "all"]
    rows = []
    for group in groups:
        index = [i for i, p in enumerate(pairs) if group in ("all", p["lang_set"])]
        truth = [pairs[i]["same"] for i in index]
        row: dict[str, Any] = {"lang_set": group, "pairs": len(index), "positives": sum(truth)}
        for matcher, decided in decisions.items():
            row[matcher] = metrics(truth, [decided[i] for i in index])
        rows.append(row)
    return rows


def compare(ws: Workspace, pairs: Sequence[Pair], tuned: int | None) -> tuple[dict[str, Any], int]:
    """All matchers on one set of pairs; ``tuned`` is rapidfuzz's tuned threshold (None: tune it here)."""
    ours, ours_s = run_ours(ws, pairs)
    logic, logic_s = run_logic_v2(pairs)
    fuzzy, fuzzy_s = run_rapidfuzz(pairs)
    truth = [p["same"] for p in pairs]
    if tuned is None:
        tuned = best_threshold(truth, fuzzy)
    decisions = {
        "ours": ours,
        "logic-v2": logic,
        f"rapidfuzz@{RAPIDFUZZ_THRESHOLD}": [s >= RAPIDFUZZ_THRESHOLD for s in fuzzy],
        "rapidfuzz@tuned": [s >= tuned for s in fuzzy],
    }
    timing = {"ours": ours_s, "logic-v2": logic_s, "rapidfuzz": fuzzy_s}
    result: dict[str, Any] = {
        "pairs": len(pairs),
        "positives": sum(truth),
        "timing": {
            name: {"seconds": round(s, 3), "pairs_per_second": round(len(pairs) / s) if s else None}
            for name, s in timing.items()
        },
        "by_lang_set": by_lang_set(pairs, decisions),
    }
    return result, tuned


# -- the report ---------------------------------------------------------------------------------------------


def _fmt(value: float | None) -> str:
    return "   -" if value is None else f"{value:4.2f}"


def table(title: str, result: dict[str, Any], tuned: int) -> str:
    matchers = [k for k in result["by_lang_set"][0] if k not in ("lang_set", "pairs", "positives")]
    label = {"rapidfuzz@tuned": f"rapidfuzz@{tuned}*"}  # * tuned on the hard pairs
    head1 = f"{'':8} {'':>6} {'':>5} " + "".join(f"| {label.get(m, m):^14} " for m in matchers)
    head2 = f"{'lang_set':8} {'pairs':>6} {'same':>5} " + "".join(
        f"| {'P':>4} {'R':>4} {'F1':>4} " for _ in matchers
    )
    lines = [title, head1, head2, "-" * len(head2)]
    for row in result["by_lang_set"]:
        cells = "".join(
            f"| {_fmt(row[m]['precision'])} {_fmt(row[m]['recall'])} {_fmt(row[m]['f1'])} " for m in matchers
        )
        lines.append(f"{row['lang_set']:8} {row['pairs']:>6} {row['positives']:>5} {cells}")
    speed = ", ".join(
        f"{name} {t['pairs_per_second']:,} pairs/s ({t['seconds']} s)" for name, t in result["timing"].items()
    )
    lines.append(f"scoring speed: {speed}")
    return "\n".join(lines)


def targets(sets: dict[str, dict[str, Any]]) -> dict[str, bool | None]:
    """Ours beats logic-v2 on F1 in each Russian and Central Asian group of each set."""
    found: dict[str, bool | None] = {}
    for set_name, result in sets.items():
        rows = {r["lang_set"]: r for r in result["by_lang_set"]}
        for group in TARGET_LANG_SETS:
            if group in rows:
                ours, theirs = rows[group]["ours"]["f1"], rows[group]["logic-v2"]["f1"]
                found[f"{set_name} {group}: F1 ours > logic-v2"] = (
                    None if ours is None or theirs is None else ours > theirs
                )
    return found


def _tuned_note(hard: Sequence[Pair], tuned: int) -> str:
    note = "the threshold with the best F1 on the hard pairs (tuned on them, so optimistic there)"
    scores = [fuzz.token_sort_ratio(p["name_a"], p["name_b"], processor=utils.default_process) for p in hard]
    if all(s >= tuned for s in scores):
        note += "; every hard pair matches at it: no threshold beats calling every pair the same"
    return note


def _source() -> dict[str, Any]:
    """The commit measured and the files of the resolver that differ from it (results depend on them)."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
        return done.stdout

    changed = git(
        "status", "--porcelain", "--", *(f"src/diversion/{d}" for d in ("resolve", "simulate", "data"))
    )
    return {
        "commit": git("rev-parse", "HEAD").strip() or None,
        "changed": [line[3:] for line in changed.splitlines() if line.strip()],
    }


def main() -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        ws = open_workspace(Path(tmp) / "compare.duckdb", "duckdb")
        try:
            hard = hard_pairs()
            hard_result, tuned = compare(ws, hard, None)
            started = time.perf_counter()
            synthetic, candidates = synthetic_pairs(ws, RECORDS, SEED)
            prep_seconds = time.perf_counter() - started
            synthetic_result, _ = compare(ws, synthetic, tuned)
        finally:
            ws.close()
    synthetic_result = {
        "records": RECORDS,
        "seed": SEED,
        "candidate_pairs": candidates,
        "sampled": len(synthetic) < candidates,
        "preparation_seconds": round(prep_seconds, 2),
        **synthetic_result,
    }
    sets = {"hard_pairs": hard_result, "synthetic": synthetic_result}
    result: dict[str, Any] = {
        "benchmark": "resolve_compare",
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "source": _source(),
        "versions": {
            name: importlib.metadata.version(name) for name in ("nomenklatura", "followthemoney", "rapidfuzz")
        },
        "thresholds": {
            "ours": DEFAULT.match_threshold,
            "logic-v2": LOGIC_V2_THRESHOLD,
            f"rapidfuzz@{RAPIDFUZZ_THRESHOLD}": RAPIDFUZZ_THRESHOLD,
            "rapidfuzz@tuned": tuned,
            "rapidfuzz@tuned note": _tuned_note(hard, tuned),
        },
        "sets": sets,
        "targets": targets(sets),
    }
    print(table(f"hard pairs ({len(hard)} pairs)", hard_result, tuned), flush=True)
    sample = f", a random sample of {len(synthetic):,}" if synthetic_result["sampled"] else ""
    print(
        table(
            f"\nsynthetic (seed {SEED}, {RECORDS:,} records, {candidates:,} candidate pairs{sample})",
            synthetic_result,
            tuned,
        ),
        flush=True,
    )
    print(f"\n* rapidfuzz@{tuned}: {result['thresholds']['rapidfuzz@tuned note']}")
    for name, ok in result["targets"].items():
        print(f"{name}: {ok}")
    (RESULTS / "resolve_compare.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
