"""CEPII BACI's reference files: the country codes and product codes shipped with each release.

``country_codes_V202401.csv`` (``country_code, country_name, country_iso2, country_iso3``; earlier releases
``country_code, country_name_abbreviation, country_name_full, iso_2digit_alpha, iso_3digit_alpha``) and
``product_codes_HS17_V202401.csv`` (``code, description``) describe the codes of the data files. They hold
no flows: :mod:`diversion.ingest.baci` reads the country file beside a data file to name countries, and
the canonical tables have no place for product descriptions. Recognised so that a BACI release folder
ingests whole, they add nothing (0 rows read) and are reported under this format.
"""

from __future__ import annotations

import re
from typing import Final

from diversion.ingest.context import Context, Sample
from diversion.ingest.stage import Staged

FORMAT: Final = "baci.codes"
TABLES: Final = ()

COUNTRY_HEADERS: Final = (
    frozenset({"country_code", "country_name", "country_iso3"}),
    frozenset({"country_code", "country_name_full", "iso_3digit_alpha"}),
)
PRODUCT_HEADER: Final = ("code", "description")
PRODUCT_FILE: Final = re.compile(r"^product_codes_HS\d{2}_V\d+", re.IGNORECASE)
"""A two-column (code, description) table is only BACI's when its file name says so."""


def sniff(sample: Sample) -> bool:
    """BACI's country-code header, or a code/description table named like BACI's product file."""
    header = [name.strip().lower() for name in sample.header]
    if any(names <= set(header) for names in COUNTRY_HEADERS):
        return True
    return tuple(header) == PRODUCT_HEADER and PRODUCT_FILE.match(sample.path.name) is not None


def read(ctx: Context) -> list[Staged]:
    """Nothing to stage: reference codes, used by the BACI data adapter when they lie beside its files."""
    return []
