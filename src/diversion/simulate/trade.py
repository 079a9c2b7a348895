"""Shipments: who sent which goods to whom, when, how many and for how much, generated in columns.

One shipment is one consignment between two firms. Customs declarations (one per declaring side) and
country statistics (one view per reporting side) are both derived from the same shipments later, so
micro and macro data agree. Values are whole dollars and weights whole grams: sums of integers are exact,
which keeps every output byte-identical for a seed whatever order an engine adds them in.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import numpy as np
import pyarrow as pa

from diversion.simulate.goods import catalogue, index
from diversion.simulate.params import CUTOFF, DECLARING, DESTINATION, EAEU, EU_ORIGINS, HUBS, ORIGINS, Params
from diversion.simulate.schemes import SHORTAGE
from diversion.simulate.world import World

CATALOGUE = catalogue()
CALIBRATED_GOODS = ("854231", "854232", "854233", "854239", "880622", "880624")
"""Goods whose Kazakh trade the reference reconstruction calibrates (see reference.py)."""

EPOCH = date(1970, 1, 1)
SPELLINGS = 3
"""How many spellings of each firm circulate in customs data."""

SHIPMENT_SCHEMA = pa.schema(
    [
        ("shipment_id", pa.int64()),
        ("day", pa.date32()),
        ("exporter", pa.int32()),
        ("importer", pa.int32()),
        ("good", pa.int16()),
        ("export_good", pa.int16()),  # the goods as declared on export (a mislabel differs)
        ("import_good", pa.int16()),
        ("quantity", pa.int64()),
        ("value_usd", pa.int64()),  # FOB, as the exporter records it
        ("import_value_usd", pa.int64()),  # CIF, as the importer records it
        ("net_g", pa.int64()),
        ("in_export_stats", pa.bool_()),
        ("in_import_stats", pa.bool_()),
        ("exporter_spelling", pa.int8()),
        ("importer_spelling", pa.int8()),
        ("exporter_id_shown", pa.bool_()),
        ("importer_id_shown", pa.bool_()),
        ("brand", pa.string()),
        ("model", pa.string()),
        ("export_description", pa.string()),  # null: the goods' usual wording
        ("import_description", pa.string()),
        ("scheme", pa.string()),  # null for background trade
        ("declared", pa.bool_()),  # False: the goods never pass a customs post whose data is held
        ("origin", pa.string()),  # country of origin of the goods
    ]
)

ROUTES = ("origin_to_hub", "hub_to_destination", "origin_to_destination", "destination_to_hub", "other")
ROUTE_SHARE = np.array([0.30, 0.25, 0.20, 0.10, 0.15])


@dataclass(frozen=True)
class Pools:
    """Firm indices by role, with their sampling weights (firm size)."""

    origin: tuple[np.ndarray, np.ndarray]
    hub: tuple[np.ndarray, np.ndarray]
    destination: tuple[np.ndarray, np.ndarray]
    other: tuple[np.ndarray, np.ndarray]
    country: np.ndarray  # firm index -> country code


def pools(world: World) -> Pools:
    country = np.array([f.country for f in world.firms])
    size = np.array([f.size for f in world.firms])
    roles = np.array([f.role for f in world.firms])

    def pool(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        index = np.flatnonzero(mask)
        weight = size[index]
        return index, weight / weight.sum()

    trades = np.array([f.background for f in world.firms], dtype=bool)
    ordinary = np.isin(roles, ["manufacturer", "distributor", "trader", "consignee"]) & trades
    return Pools(
        origin=pool(np.isin(country, ORIGINS) & ordinary),
        hub=pool(np.isin(country, HUBS) & ordinary),
        destination=pool((country == DESTINATION) & ordinary),
        other=pool(~np.isin(country, [*ORIGINS, *HUBS, DESTINATION]) & ordinary),
        country=country,
    )


def background(world: World, seed: int) -> Iterator[pa.RecordBatch]:
    """Legitimate trade, in batches of ``Params.chunk_rows`` shipments, until the declarations it gives
    reach ``Params.declarations``."""
    params = world.params
    firm_pools = pools(world)
    declared = 0
    chunk = 0
    while declared < params.declarations:
        rng = np.random.default_rng([seed, 1, chunk])
        batch = _chunk(
            params, firm_pools, rng, first_id=1 + chunk * params.chunk_rows, size=params.chunk_rows
        )
        rows = _declared_rows(batch, firm_pools.country)
        cumulative = np.cumsum(rows)
        keep = int(np.searchsorted(cumulative, params.declarations - declared, side="left")) + 1
        keep = min(keep, batch.num_rows)
        declared += int(cumulative[keep - 1])
        yield batch.slice(0, keep)
        chunk += 1


def _declared_rows(batch: pa.RecordBatch, country: np.ndarray) -> np.ndarray:
    exp_c = country[batch.column("exporter").to_numpy()]
    imp_c = country[batch.column("importer").to_numpy()]
    return declared_export(exp_c, imp_c).astype(np.int64) + declared_import(imp_c).astype(np.int64)


def declared_export(exp_c: np.ndarray, imp_c: np.ndarray) -> np.ndarray:
    """Export declarations exist where the exporter's customs data is held, except inside the EAEU."""
    return np.isin(exp_c, DECLARING) & ~(np.isin(exp_c, EAEU) & np.isin(imp_c, EAEU))


def declared_import(imp_c: np.ndarray) -> np.ndarray:
    # Russia's data holds its EAEU imports too (statistical forms), as the leaked Russian data does.
    return np.isin(imp_c, DECLARING)


def _chunk(params: Params, p: Pools, rng: np.random.Generator, first_id: int, size: int) -> pa.RecordBatch:
    route = rng.choice(len(ROUTES), size=size, p=ROUTE_SHARE)
    exporter = np.empty(size, np.int32)
    importer = np.empty(size, np.int32)
    sides = {
        0: (p.origin, p.hub),
        1: (p.hub, p.destination),
        2: (p.origin, p.destination),
        3: (p.destination, p.hub),
        4: (p.other, None),
    }
    for code, (src, dst) in sides.items():
        rows = np.flatnonzero(route == code)
        exporter[rows] = rng.choice(src[0], size=len(rows), p=src[1])
        if dst is None:  # "other" firms trade with anyone ordinary
            everyone = np.concatenate([p.origin[0], p.hub[0], p.destination[0]])
            importer[rows] = rng.choice(everyone, size=len(rows))
        else:
            importer[rows] = rng.choice(dst[0], size=len(rows), p=dst[1])
    day = _days(params, rng, route)
    good = _goods(rng, route, p.country[exporter], day)
    if params.reference_cases:  # Kazakh chip and drone trade is the reconstruction's alone (reference.py)
        kazakh = ((p.country[exporter] == "KZ") | (p.country[importer] == "KZ")) & np.isin(good, _CALIBRATED)
        good[kazakh] = rng.choice(np.flatnonzero(~_CONTROLLED), size=int(kazakh.sum()))
    return _priced(params, rng, first_id, day, exporter, importer, good, p.country[exporter])


def _days(params: Params, rng: np.random.Generator, route: np.ndarray) -> np.ndarray:
    first = (params.start - EPOCH).days
    last = (params.end - EPOCH).days
    span = np.arange(first, last + 1)
    months = (span.astype("datetime64[D]").astype("datetime64[M]").astype(int) % 12).astype(float)
    season = 1.0 + 0.15 * np.sin(2 * np.pi * (months - 2) / 12)  # a spring peak, a winter trough
    trend = 1.0 + 0.08 * (span - first) / 365.0
    after = span >= (CUTOFF - EPOCH).days
    days = np.empty(len(route), np.int64)
    for code in range(len(ROUTES)):
        rows = np.flatnonzero(route == code)
        weight = season * trend
        if ROUTES[code] == "hub_to_destination":  # legitimate EAEU trade grew after 2022
            weight = weight * np.where(after, 1.0 + params.hub_growth, 1.0)
        if ROUTES[code] == "origin_to_destination":  # sanctions cut direct trade
            weight = weight * np.where(after, 0.55, 1.0)
        weight = weight / weight.sum()
        days[rows] = rng.choice(span, size=len(rows), p=weight)
    return days


_CALIBRATED = np.array([i for i, g in enumerate(CATALOGUE) if g.hs2022 in CALIBRATED_GOODS])
_WEIGHTS = np.array([g.weight for g in CATALOGUE])
_CONTROLLED = np.array([g.controlled or g.kind == "drones" for g in CATALOGUE])
_ELECTRONIC = np.array([g.kind in ("electronics", "drones", "optics") for g in CATALOGUE])


def _goods(
    rng: np.random.Generator, route: np.ndarray, exp_country: np.ndarray, day: np.ndarray
) -> np.ndarray:
    origin_weight = _WEIGHTS * np.where(_ELECTRONIC, 2.0, 1.0)
    hub_weight = _WEIGHTS * np.where(_CONTROLLED, 0.01, 1.0)  # hubs re-sold almost no controlled goods
    good = np.where(
        np.isin(route, [0, 2]),
        rng.choice(len(CATALOGUE), size=len(route), p=origin_weight / origin_weight.sum()),
        rng.choice(len(CATALOGUE), size=len(route), p=hub_weight / hub_weight.sum()),
    )
    # After the cut-off, Western origins stop sending controlled goods to Russia directly.
    sanctioned = (route == 2) & _CONTROLLED[good] & (day >= (CUTOFF - EPOCH).days) & (exp_country != "CN")
    plain = np.flatnonzero(~_CONTROLLED)
    good[sanctioned] = rng.choice(plain, size=int(sanctioned.sum()))
    return good.astype(np.int16)


_INDEX = index()
_ORIGIN_SHARE = np.array([0.45, 0.08, 0.04, 0.03, 0.04, 0.03, 0.02, 0.02, 0.1, 0.06, 0.05, 0.08])
_PRICE = np.array([g.price for g in CATALOGUE])
_SIGMA = np.array([g.sigma for g in CATALOGUE])
_KG = np.array([g.kg_per_unit for g in CATALOGUE])


def _priced(
    params: Params,
    rng: np.random.Generator,
    first_id: int,
    day: np.ndarray,
    exporter: np.ndarray,
    importer: np.ndarray,
    good: np.ndarray,
    exp_country: np.ndarray,
) -> pa.RecordBatch:
    size = len(good)
    # Goods made where they are shipped from, or (sent on from a hub or elsewhere) mostly made in China.
    made_in = np.array(ORIGINS)[rng.choice(len(ORIGINS), size=size, p=_ORIGIN_SHARE)]
    origin = np.where(np.isin(exp_country, ORIGINS), exp_country, made_in)
    line_value = rng.lognormal(np.log(20_000), 1.2, size)
    unit_price = _PRICE[good] * rng.lognormal(0.0, _SIGMA[good])
    code, first, last = SHORTAGE  # a genuine shortage raises everyone's price for a while
    short = (good == _INDEX[code]) & (day >= (first - EPOCH).days) & (day <= (last - EPOCH).days)
    unit_price[short] *= params.shortage_markup
    quantity = np.maximum(1, np.round(line_value / unit_price)).astype(np.int64)
    value = np.maximum(1, np.round(quantity * unit_price)).astype(np.int64)
    cif = np.round(value * rng.uniform(1.02, 1.10, size)).astype(np.int64)
    net_g = np.maximum(1, np.round(quantity * _KG[good] * 1000 * rng.uniform(0.9, 1.1, size))).astype(
        np.int64
    )
    brand, model = _brands(rng, good)
    return pa.record_batch(
        [
            pa.array(np.arange(first_id, first_id + size, dtype=np.int64)),
            pa.array(day.astype("datetime64[D]")),
            pa.array(exporter),
            pa.array(importer),
            pa.array(good),
            pa.array(good),
            pa.array(good),
            pa.array(quantity),
            pa.array(value),
            pa.array(cif),
            pa.array(net_g),
            pa.array(rng.random(size) > 0.002),
            pa.array(rng.random(size) > 0.01),  # records lost in statistics
            pa.array(rng.integers(0, SPELLINGS, size, dtype=np.int8)),
            pa.array(rng.integers(0, SPELLINGS, size, dtype=np.int8)),
            pa.array(rng.random(size) > 0.1),
            pa.array(rng.random(size) > 0.1),
            brand,
            model,
            pa.nulls(size, pa.string()),
            pa.nulls(size, pa.string()),
            pa.nulls(size, pa.string()),
            pa.array(np.ones(size, dtype=bool)),
            pa.array(origin),
        ],
        schema=SHIPMENT_SCHEMA,
    )


def _brands(rng: np.random.Generator, good: np.ndarray) -> tuple[pa.Array, pa.Array]:
    """A brand and model for goods that have them (about half the lines name one)."""
    brand = np.full(len(good), None, dtype=object)
    model = np.full(len(good), None, dtype=object)
    named = rng.random(len(good)) < 0.5
    pick = rng.integers(0, 1 << 30, len(good))
    for g, item in enumerate(CATALOGUE):
        if not item.brands:
            continue
        rows = np.flatnonzero((good == g) & named)
        choice = pick[rows] % len(item.brands)
        for b, (name, models) in enumerate(item.brands):
            chosen = rows[choice == b]
            brand[chosen] = name
            model[chosen] = np.array(models, dtype=object)[pick[chosen] % len(models)]
    return pa.array(brand, pa.string()), pa.array(model, pa.string())


def table(rows: list[dict[str, object]]) -> pa.Table:
    """Shipments written row by row (the planted schemes: a few thousand at most)."""
    return pa.Table.from_pylist(rows, schema=SHIPMENT_SCHEMA)


__all__ = ["EU_ORIGINS", "SHIPMENT_SCHEMA", "background", "pools", "table"]
