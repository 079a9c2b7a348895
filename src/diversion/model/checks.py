"""What a valid row of each canonical table is: declared once here, shared by every ingest adapter."""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

REQUIRED: Final = MappingProxyType(
    {
        "flows": ("reporter", "partner", "flow", "hs_code", "period", "value"),
        "flow_breakdowns": ("reporter", "partner", "flow", "hs_code", "period", "value"),
        "declarations": ("date", "direction", "hs_code"),
        "parties": ("party_id", "kind", "name"),
        "relations": ("relation_id", "kind", "subject_id", "object_id"),
        "listings": ("listing_id", "party_id", "list"),
        "commodity_lists": ("list", "hs_code"),
    }
)
"""Columns a row cannot do without."""

NON_NEGATIVE: Final = MappingProxyType(
    {
        "flows": ("value", "value_usd", "quantity", "net_kg"),
        "flow_breakdowns": ("value", "value_usd", "quantity", "net_kg"),
        "declarations": ("quantity", "net_kg", "value", "value_usd"),
        "relations": ("share", "amount"),
    }
)
"""Amounts that cannot be below zero (a negative customs value is an error, not a refund)."""

COUNTRY_COLUMNS: Final = MappingProxyType(
    {
        "flows": ("reporter", "partner"),
        "flow_breakdowns": ("reporter", "partner"),
        "declarations": (
            "declaring_country",
            "exporter_country",
            "importer_country",
            "origin_country",
            "dispatch_country",
            "destination_country",
        ),
        "parties": ("country",),
        "listings": ("country",),
    }
)
"""Columns holding a country: normalised to ISO 3166 alpha-2; an unknown name is quarantined."""

AGGREGATES_ALLOWED: Final = frozenset({"flows", "flow_breakdowns"})
"""Tables where a country column may hold an aggregate (World, EU-27): statistics report totals."""

HS_COLUMNS: Final = MappingProxyType(
    {"flows": "hs_code", "flow_breakdowns": "hs_code", "commodity_lists": "hs_code"}
)
"""Columns holding an HS code (declarations handle theirs: HS-6 plus the national code)."""

ENUMS: Final = MappingProxyType(
    {
        ("flows", "flow"): ("import", "export", "re-export", "re-import"),
        ("flow_breakdowns", "flow"): ("import", "export", "re-export", "re-import"),
        ("declarations", "direction"): ("import", "export", "transit"),
    }
)
"""Columns with a closed set of values."""

EARLIEST_DATE: Final = "1950-01-01"
"""Dates of trade before this are typing errors (00.00.1900 defaults, two-digit years)."""

EARLIEST_HISTORIC_DATE: Final = "1800-01-01"
"""Births, foundings and old ownerships may be that old; before it, a date is a typing error."""

HISTORIC_DATES: Final = frozenset(
    {
        ("parties", "birth_date"),
        ("parties", "incorporation_date"),
        ("relations", "start_date"),
        ("relations", "end_date"),
    }
)
"""Date columns that may hold dates before EARLIEST_DATE."""

SHARE_MAX: Final = 100.0
"""Ownership shares are percentages."""

FREE_TEXT: Final = frozenset(
    {"exporter_name", "importer_name", "description", "brand", "model", "extra", "name", "address", "reason"}
)
"""Long text kept as written (only an empty cell becomes null): trimming every cell of these columns is the
dearest step of a bulk load, and the resolution stage normalises names anyway."""
