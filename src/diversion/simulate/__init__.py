"""``diversion simulate``: a seeded synthetic trade world with planted evasion schemes and its answer key.

The world (firms, people, links) is built first, schemes and decoys are planted into it, background trade
is generated in columns and streamed to a scratch Parquet file, and every published view (declarations,
statistics, registries, lists) is derived from those shipments with SQL, so micro and macro data agree.
The same seed and parameters give byte-identical files.
"""

from __future__ import annotations

import json
import random
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from diversion.simulate import control, declarations, flows, registries, schemes, trade, world
from diversion.simulate import names as names_
from diversion.simulate.goods import catalogue
from diversion.simulate.params import SCALES, Params, params_for
from diversion.simulate.reference import CALIBRATED_HUB, plant_reference_cases

__all__ = ["SCALES", "Params", "Summary", "params_for", "planted_world", "simulate"]

TRUTH_VERSION = 1
BACKGROUND_VARIANCE = 0.3
"""How far background firms' names drift between sources (planted members: their difficulty's)."""


@dataclass
class Summary:
    out: str
    seed: int
    declarations: int
    shipments: int
    firms: int
    people: int
    schemes: int
    decoys: int
    files: list[str]
    seconds: float


STEPS = ("world", "trade", "declarations", "statistics", "registries and lists", "answer key")


def simulate(
    seed: int,
    params: Params,
    out: Path,
    *,
    parquet: bool = False,
    progress: Callable[[str, int, int], None] | None = None,
) -> Summary:
    """Write the world under ``out/inputs`` and its answer key to ``out/truth.json``.

    With ``parquet``, the biggest files (declarations in Diversion's layout, Comtrade statistics) are
    written as Parquet: a fraction of the size, read by the engine in parallel, the same records.
    """
    start = time.perf_counter()

    def step(name: str) -> None:
        if progress is not None:
            progress(name, STEPS.index(name), len(STEPS))

    step("world")
    inputs = out / "inputs"
    if inputs.exists():
        shutil.rmtree(inputs)
    work = out / ".simulate-work"
    work.mkdir(parents=True, exist_ok=True)
    planter = planted_world(seed, params)
    built = planter.world
    try:
        step("trade")
        shipments = _write_shipments(built, planter, seed, work / "shipments.parquet")
        con = _engine(work)
        con.execute(f"CREATE VIEW shipments AS SELECT * FROM read_parquet('{work / 'shipments.parquet'}')")
        con.register("firms_arrow", _firms(built, planter, random.Random(seed + 1)))
        con.execute("CREATE TABLE firms AS SELECT * FROM firms_arrow")
        con.register("goods_arrow", _goods())
        con.execute("CREATE TABLE goods AS SELECT * FROM goods_arrow")
        step("declarations")
        declared_lines = declarations.write(con, inputs / "declarations", parquet=parquet)
        step("statistics")
        comtrade = inputs / "flows" / ("comtrade_monthly.parquet" if parquet else "comtrade_monthly.csv")
        comtrade.parent.mkdir(parents=True, exist_ok=True)
        countries = sorted({f.country for f in built.firms})
        flows.write_comtrade(con, comtrade, countries)
        flows.write_baci(con, inputs / "flows" / "baci")
        step("registries and lists")
        registries.write(built, inputs)
        list_ids = registries.write_lists(built, inputs, random.Random(seed + 2), variance=0.6)
        step("answer key")
        declared = sum(declared_lines.lines.values())
        truth = _truth(
            seed,
            params,
            built,
            planter,
            list_ids,
            declarations.planted_records(declared_lines, out),
            flows.planted_flow_records(con, comtrade, out),
        )
        con.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    (out / "README.md").write_text(_readme(seed, params), encoding="utf-8")
    (out / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
    files = sorted(str(p.relative_to(out)) for p in inputs.rglob("*") if p.is_file())
    return Summary(
        str(out),
        seed,
        declared,
        shipments,
        len(built.firms),
        len(built.people),
        sum(not p.innocent for p in planter.planted),
        sum(p.innocent for p in planter.planted),
        files,
        round(time.perf_counter() - start, 2),
    )


def planted_world(seed: int, params: Params) -> schemes.Planter:
    """The world of ``seed`` with every scheme and decoy planted in it, before any trade is generated."""
    rng = random.Random(seed)
    built = world.build(params, rng)
    planter = schemes.Planter(built, random.Random(rng.getrandbits(64)))
    if params.reference_cases:
        planter.reserved_hubs = (CALIBRATED_HUB,)
    _plant(planter, params)
    return planter


def _plant(planter: schemes.Planter, params: Params) -> None:
    for i in range(params.schemes_per_type):
        for plant in schemes.SCHEMES:
            plant(planter, schemes.LEVELS[i % len(schemes.LEVELS)])
    for i in range(params.decoys_per_type):
        for plant in schemes.DECOYS:
            plant(planter, schemes.LEVELS[i % len(schemes.LEVELS)])
    if params.reference_cases:
        plant_reference_cases(planter)
    # Decoys added later: planted last, from generators of their own, so earlier worlds stay as they were.
    planter.begin_late()
    for i in range(params.decoys_per_type):
        for plant in control.DECOYS:
            plant(planter, schemes.LEVELS[i % len(schemes.LEVELS)])


def _write_shipments(built: world.World, planter: schemes.Planter, seed: int, path: Path) -> int:
    count = 0
    with pq.ParquetWriter(path, trade.SHIPMENT_SCHEMA) as writer:
        for batch in trade.background(built, seed):
            writer.write_batch(batch)
            count += batch.num_rows
        planted = trade.table(planter.shipments)
        writer.write_table(planted)
        count += planted.num_rows
    return int(count)


def _engine(work: Path) -> Any:
    con = duckdb.connect(str(work / "scratch.duckdb"))  # a file: every step can spill to disk
    con.execute("SET threads = 2")
    con.execute("SET memory_limit = '1536MB'")
    con.execute(f"SET temp_directory = '{work / 'spill'}'")
    con.execute("SET preserve_insertion_order = true")
    return con


def _firms(built: world.World, planter: schemes.Planter, rng: random.Random) -> pa.Table:
    """Firms as customs data names them: three spellings each, drifting as far as their variance says."""
    spellings: list[list[str]] = [[], [], []]
    for firm in built.firms:
        variance = planter.name_variance.get(firm.id, BACKGROUND_VARIANCE)
        for k in range(3):
            text = (
                firm.name.native
                if k == 0 and variance < 0.2
                else names_.company_spelling(rng, firm.name, variance=variance)
            )
            spellings[k].append(text)
    return pa.table(
        {
            "idx": pa.array(range(len(built.firms)), pa.int32()),
            "id": [f.id for f in built.firms],
            "country": [f.country for f in built.firms],
            "national_id": [f.national_id for f in built.firms],
            "spelling_0": spellings[0],
            "spelling_1": spellings[1],
            "spelling_2": spellings[2],
        }
    )


def _goods() -> pa.Table:
    goods = catalogue()
    return pa.table(
        {
            "idx": pa.array(range(len(goods)), pa.int16()),
            "hs2022": [g.hs2022 for g in goods],
            "hs2017": [g.hs2017 for g in goods],
            "ru": [g.ru for g in goods],
            "unit": [g.unit for g in goods],
            "national_suffix": ["0000" for _ in goods],
        }
    )


def _truth(
    seed: int,
    params: Params,
    built: world.World,
    planter: schemes.Planter,
    list_ids: dict[str, list[str]],
    declaration_records: list[dict[str, Any]],
    flow_records: list[dict[str, Any]],
) -> dict[str, Any]:
    parties: dict[str, Any] = {f.id: f for f in built.firms} | {p.id: p for p in built.people}
    entries = []
    for plan in planter.planted:
        members = []
        for party_id, role in plan.members:
            party = parties[party_id]
            members.append(
                {
                    "party_id": party_id,
                    "role": role,
                    "name": party.name.native,
                    "country": party.country,
                    "list_ids": list_ids.get(party_id, []),
                }
            )
        entries.append(
            {
                "id": plan.id,
                "type": plan.type,
                "difficulty": plan.difficulty,
                "innocent": plan.innocent,
                "summary": plan.summary,
                "members": members,
                "relations": plan.relation_ids,
                "shipments": len(plan.shipment_ids),
                "declarations": [
                    {k: r[k] for k in ("source", "record", "declaration_id")}
                    for r in declaration_records
                    if r["scheme"] == plan.id
                ],
                "flows": [
                    {
                        k: r[k]
                        for k in ("source", "record", "reporter", "partner", "flow", "period", "hs_code")
                    }
                    for r in flow_records
                    if r["scheme"] == plan.id
                ],
            }
        )
    return {
        "version": TRUTH_VERSION,
        "synthetic": True,
        "seed": seed,
        "parameters": {
            k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in asdict(params).items()
        },
        "schemes": [e for e in entries if not e["innocent"]],
        "decoys": [e for e in entries if e["innocent"]],
        "blocked": _blocked_by_rule(built, parties),
    }


RULE_SHARE = 50.0
"""OFAC's 50 percent rule: owned 50% or more in aggregate by blocked persons is blocked."""


def _blocked_by_rule(built: world.World, parties: dict[str, Any]) -> list[dict[str, Any]]:
    """Every party the world's listings block under OFAC's 50 percent rule without being listed itself:
    the planted ones and those that background ownership makes so (a listed Russian firm that happens to own
    60% of a Turkish trader blocks it). Computed here from the world's own stakes, so an evaluation can
    tell a right lead on such a firm from a false one."""
    owns = [r for r in built.relations if r.kind == "ownership" and r.share is not None]
    listed = {listing.party_id for listing in built.listings}
    found = set(listed)
    while True:
        held: dict[str, float] = {}
        for r in owns:
            if r.subject_id in found:
                held[r.object_id] = held.get(r.object_id, 0.0) + (r.share or 0.0)
        more = {party for party, share in held.items() if share >= RULE_SHARE - 1e-9} - found
        if not more:
            break
        found |= more
    return [
        {"party_id": party_id, "name": parties[party_id].name.native, "country": parties[party_id].country}
        for party_id in sorted(found - listed)
        if party_id in parties
    ]


def _readme(seed: int, params: Params) -> str:
    cases = (
        "\nIt also reconstructs the five reported cases of CASES.md (Aspan Arba and Nebesnaya Mekhanika, the "
        "family chip route,\nthe Kyrgyz pass-through, the crop dusters, the markups) under their reported names, "
        "with Kazakhstan's\nreported chip and drone figures; the people, the other firms and every record are "
        "invented.\n"
        if params.reference_cases
        else ""
    )
    return (
        "# A SYNTHETIC trade world: not real data\n\n"
        f"Written by `diversion simulate --seed {seed}` ({params.declarations:,} declaration lines asked for). "
        "Every firm, person,\nidentifier, declaration, statistic and list entry here is generated; any "
        "resemblance to a real party is\ncoincidence, except the names of the reported cases below.\n"
        f"{cases}\n"
        "- `inputs/`: what `diversion scan` reads (declarations, trade statistics, registries, lists).\n"
        "- `truth.json`: the answer key (planted schemes and innocent decoys, their members and records).\n"
        "\nThe model and its limits: docs/simulate.md in the Diversion repository.\n"
    )
