"""The ingest adapters, one module per source format, looked up by name or detected from a file's content.

An adapter module has ``FORMAT`` (a stable dotted name), ``TABLES`` (the canonical tables it fills),
``sniff(sample) -> bool`` (does this file say it is in my format?) and ``read(ctx) -> list[Staged]``.
Order matters in detection: specific layouts come before general ones.
"""

from __future__ import annotations

from types import ModuleType

from diversion.ingest import (
    armstat,
    baci,
    baci_codes,
    bods,
    comext,
    commodity_list,
    comtrade_api,
    comtrade_legacy,
    declarations_csv,
    ftm,
    imf_imts,
    kg_stat,
    kz_stat,
    mapping,
    mapping_definition,
    ofac_add,
    ofac_alt,
    ofac_sdn,
    opensanctions_csv,
    registry_csv,
    relations_csv,
    uz_stat,
)
from diversion.ingest.context import Sample

ADAPTERS: tuple[ModuleType, ...] = (
    mapping_definition, mapping, commodity_list, declarations_csv,
    comtrade_api, comtrade_legacy, comext, baci, baci_codes, kz_stat, kg_stat, uz_stat, armstat, imf_imts,
    ftm, bods, opensanctions_csv, ofac_sdn, ofac_alt, ofac_add, registry_csv, relations_csv,
)  # fmt: skip


def get_adapter(name: str) -> ModuleType | None:
    """The adapter registered as ``name``, e.g. "declarations.csv"."""
    for adapter in ADAPTERS:
        if name == adapter.FORMAT:
            return adapter
    return None


def names() -> list[str]:
    return [adapter.FORMAT for adapter in ADAPTERS]


def detect(sample: Sample) -> ModuleType | None:
    """The first adapter that recognises the file, or None."""
    for adapter in ADAPTERS:
        if adapter.sniff(sample):
            return adapter
    return None


def expected_layouts() -> str:
    return "a known layout (" + ", ".join(names()) + "; or name one with --format, or give a --mapping)"
