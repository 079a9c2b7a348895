"""OFAC's Specially Designated Nationals list as OFAC publishes it: SDN.CSV, the legacy fixed-column file.

No header; 12 columns (ent_num, SDN_Name, SDN_Type, Program, Title, Call_Sign, Vess_type, Tonnage, GRT,
Vess_flag, Vess_owner, Remarks); "-0- " means empty; ASCII/Latin-1. The file ends with OFAC's end-of-file
marker, a line holding only the byte 0x1A: it is framing like a header row, not a record, so it is
neither counted as read nor quarantined (any other short line is quarantined as usual).

* Each entry -> one ``parties`` row (the record), party_id ``ofac-<ent_num>``. Kind: individual -> person,
  vessel, aircraft; an entry without a type is a company when its name carries a legal form (LLC, OOO,
  JSC, LIMITED, S.A. ...), else an organization. OFAC writes people as "LAST, First": the name is kept as
  written and "First LAST" added as an alias, with the a.k.a./f.k.a. names of Remarks. Identifiers come
  out of Remarks: "Tax ID No. <10 or 12 digits> (Russia)" is the INN, "Registration Number|ID <13 or 15
  digits> (Russia)" the OGRN, 12 digits (Kazakhstan) the BIN, 14 digits (Kyrgyzstan) the Kyrgyz INN,
  "Legal Entity Number" the LEI, the first other registration number ``registration_number``; every
  other identifier in Remarks (passports, national ids, IMO numbers, Government Gazette (OKPO) numbers
  ...) and the call sign go to ``other_ids`` as ``scheme:value`` (scheme = OFAC's label in snake case).
  Country: the nationality, citizenship, flag, or the country of the first tax or registration id, when
  it names a known country.
* Each program of an entry (Program holds several as "A] [B") -> one ``listings`` row of list
  ``us_ofac_sdn``, authority OFAC, country US; these rows belong to the entry's record.

ALT.CSV and ADD.CSV, OFAC's companion files, are the formats ``ofac_sdn.alt`` and ``ofac_sdn.add``
(modules :mod:`~diversion.ingest.ofac_alt` and :mod:`~diversion.ingest.ofac_add`).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Final

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from diversion.ingest.context import Context, Sample
from diversion.ingest.listtext import known_country, regexp_extract_all
from diversion.ingest.stage import Staged, clean_text, stage
from diversion.ingest.tabular import RECORD
from diversion.model.regex import strip, substitute

FORMAT: Final = "ofac_sdn"
TABLES: Final = ("parties", "listings")

COLUMNS: Final = [
    "ent_num", "SDN_Name", "SDN_Type", "Program", "Title", "Call_Sign", "Vess_type", "Tonnage", "GRT",
    "Vess_flag", "Vess_owner", "Remarks",
]  # fmt: skip
END_MARKER: Final = "\x1a"
LIST: Final = "us_ofac_sdn"
NULL: Final = "-0-"
EMPTY: Final = ibis.literal([], type="array<string>")

LEGAL_FORM: Final = (
    r"(?i)(^|[^A-Z])(LLC|L\.L\.C\.|LTD|LIMITED|INC|CORP|CORPORATION|COMPANY|CO\.|JSC|OJSC|CJSC|PJSC|OAO|ZAO|PAO|"
    r"OOO|AO|TOO|LLP|GMBH|AG|PLC|S\.A\.|SA|S\.A\.R\.L\.|SARL|S\.R\.L\.|SRL|S\.A\. DE C\.V\.|B\.V\.|BV|N\.V\.|"
    r"FZE|FZCO|FZC|DMCC|PTE|SDN\.? BHD|A\.S\.|AS|SPA|S\.P\.A\.|KFT|OU|UAB|SP\. Z O\.O\.|LLP|HOLDING|HOLDINGS|"
    r"GROUP|TRADING|INDUSTRIES|ENTERPRISE|ENTERPRISES)([^A-Z]|$)"
)
"""Legal forms (and trading words) that make an untyped SDN entry a company."""

_REMARK_ID_LABEL: Final = r"([A-Za-z][A-Za-z .'/#()&-]*?)"
_REMARK_ID_VALUE: Final = r"([A-Za-z0-9][A-Za-z0-9./:-]*[0-9][A-Za-z0-9./:-]*)"
REMARK_ID: Final = rf"^{_REMARK_ID_LABEL} {_REMARK_ID_VALUE}( \([^()]+\))?$"
"""An identifier in Remarks: a label, a value holding a digit, the issuing country in brackets."""
NOT_IDS: Final = (
    r"^(DOB|POB|Organization Established Date|Aircraft Model|Aircraft Manufacture Date|Aircraft Operator|"
    r"Phone Number|Fax|Website|Email|Vessel Year of Build|Executive Order|Additional Sanctions|"
    r"Secondary sanctions|Linked To|Gender|nationality|citizen|Target Type|Effective Date|Listing Date|"
    r"Transactions Prohibited|IFCA Determination|CAATSA)"
)
REGISTRATION: Final = (
    r"^(Registration Number|Registration ID|Business Registration Number|Company Number|UK Company Number|"
    r"Public Registration Number|Commercial Registry Number|Certificate of Incorporation Number|"
    r"Enterprise Number|Business Number|Chamber of Commerce Number|Central Registration System Number|"
    r"Matricula Mercantil No|Folio Mercantil No\.|C\.R\. No\.) "
)
ID_COUNTRY: Final = (
    r"(?:Tax ID No\.|Registration (?:Number|ID)|National ID No\.|Company Number|Identification Number) "
    r"[^;()]+ \(([^()]+)\)"
)
"""The issuing country of a party's tax or registration number."""
KNOWN_AS: Final = r"[afn]\.k\.a\. '([^']+)'"
"""Other names OFAC writes into Remarks: a.k.a. 'X', f.k.a. 'Y', n.k.a. 'Z'."""


def sniff(sample: Sample) -> bool:
    """No header: the first line is an SDN entry (an integer, 12 fields, OFAC's "-0-" for empty)."""
    first = [cell.strip() for cell in sample.header]
    return len(first) == len(COLUMNS) and first[0].isdigit() and NULL in sample.text


def read(ctx: Context) -> list[Staged]:
    raw = read_without_marker(ctx, COLUMNS)
    remarks = clean_text(raw.Remarks)
    parts = remark_parts(remarks)
    party_id = "ofac-" + clean_text(raw.ent_num)
    kind = kind_expr(raw.SDN_Type, raw.SDN_Name)
    placed = {
        "inn": remarks.re_extract(r"Tax ID No\. ([0-9]{10}|[0-9]{12}) \(Russia\)", 1),
        "ogrn": remarks.re_extract(r"Registration (?:Number|ID) ([0-9]{13}|[0-9]{15}) \(Russia\)", 1),
        "bin": remarks.re_extract(
            r"(?:Tax ID No\.|Registration (?:Number|ID)|Identification Number|Business Identification Number|"
            r"Company Number|BIN) ([0-9]{12}) \(Kazakhstan\)",
            1,
        ),
        "kg_inn": remarks.re_extract(
            r"(?:Tax ID No\.|Registration Number|Identification Number|National ID No\.|Personal ID No\.) "
            r"([0-9]{14}) \(Kyrgyzstan\)",
            1,
        ),
        "lei": remarks.re_extract(r"Legal Entity Number ([0-9A-Z]{20})", 1),
    }
    placed = {name: ibis.ifelse(value == "", ibis.null("string"), value) for name, value in placed.items()}
    registrations = parts.filter(lambda p: p.re_search(REGISTRATION)).map(
        lambda p: p.re_extract(REMARK_ID, 2)
    )
    dedicated = ibis.array([value.coalesce("") for value in placed.values()])
    placed["registration_number"] = registrations.filter(lambda v: ~dedicated.contains(v))[0]
    used = ibis.array([value.coalesce("") for value in placed.values()])
    remark_ids = parts.filter(lambda p: p.re_search(REMARK_ID) & ~p.re_search(NOT_IDS)).map(
        lambda p: ibis.struct(
            {"scheme": scheme_expr(p.re_extract(REMARK_ID, 1)), "value": p.re_extract(REMARK_ID, 2)}
        )
    )
    other_ids = remark_ids.filter(lambda i: ~used.contains(i.value)).map(lambda i: i.scheme + ":" + i.value)
    call_sign = clean_text(raw.Call_Sign)
    other_ids = other_ids.concat(
        ibis.ifelse(call_sign.isnull(), EMPTY, ibis.array(["call_sign:" + call_sign]))
    )
    countries = ibis.array(
        [
            remarks.re_extract(r"(?:^|; )nationality ([^;]+?)\.?(?:;|$)", 1),
            remarks.re_extract(r"(?:^|; )citizen ([^;]+?)\.?(?:;|$)", 1),
            clean_text(raw.Vess_flag).coalesce(""),
            remarks.re_extract(ID_COUNTRY, 1),
        ]
    )
    parties = {
        "party_id": party_id,
        "kind": kind,
        "name": "SDN_Name",
        "aliases": person_alias(raw.SDN_Name, kind).concat(regexp_extract_all(remarks, KNOWN_AS, 1)),
        "country": known_country(countries.filter(lambda c: c != "")),
        **placed,
        "other_ids": other_ids,
        "dataset": ibis.literal(LIST),
    }
    staged = [stage(ctx, "parties", raw, parties)]
    programs = clean_text(raw.Program).re_replace(r"^\[|\]$", "").re_split(r"\] ?\[").map(strip)
    listed = raw.mutate(__program=programs.filter(lambda p: p != "")).unnest("__program", keep_empty=False)
    listings = {
        "listing_id": "ofac-" + clean_text(listed.ent_num) + "-" + listed.__program,
        "party_id": "ofac-" + clean_text(listed.ent_num),
        "list": ibis.literal(LIST),
        "program": listed.__program,
        "authority": ibis.literal("OFAC"),
        "country": ibis.literal("US"),
    }
    staged.append(stage(ctx, "listings", listed, listings, raw_columns=COLUMNS, counted=False))
    return staged


def read_without_marker(ctx: Context, columns: list[str]) -> ir.Table:
    """An OFAC CSV (no header), its end-of-file marker line taken as framing: neither counted nor quarantined."""
    return ctx.csv(column_names=columns, has_header=False, framing=(END_MARKER,))


def remark_parts(remarks: ir.StringValue) -> ir.ArrayValue:
    """The ';'-separated statements of an SDN remark, without "alt. " and the closing full stop."""
    return remarks.re_split(r";\s*").map(lambda p: strip(p).re_replace(r"\.$", "").re_replace(r"^alt\. ", ""))


def scheme_expr(label: ir.StringValue) -> ir.StringValue:
    """OFAC's label of an identifier as a scheme name: "Tax ID No." -> "tax_id_no"."""
    return label.lower().re_replace(r"[^a-z0-9]+", "_").re_replace(r"^_+|_+$", "")


def kind_expr(sdn_type: ir.Value, name: ir.Value) -> ir.StringValue:
    """The party kind of an SDN entry from its type, and for entities from the legal form in its name."""
    text = clean_text(sdn_type).lower()
    entity = ibis.ifelse(clean_text(name).re_search(LEGAL_FORM), "company", "organization")
    return ibis.cases(
        (text == "individual", "person"),
        (text == "vessel", "vessel"),
        (text == "aircraft", "aircraft"),
        else_=entity,
    )


def person_alias(name: ir.Value, kind: ir.StringValue) -> ir.ArrayValue:
    """For people written "LAST, First", the name as "First LAST"; else no alias."""
    text = clean_text(name)
    reordered = substitute(text, r"^([^,]+), (.+)$", r"\2 \1")
    return ibis.ifelse((kind == "person") & text.contains(", "), ibis.array([reordered]), EMPTY)


def sibling_sdn(path: Path) -> Path | None:
    """SDN.CSV beside an ALT.CSV or ADD.CSV (any file named sdn*.csv whose first line is an SDN entry)."""
    for candidate in sorted(path.parent.iterdir()):
        if candidate == path or not re.match(r"(?i)^(ofac_)?sdn.*\.csv$", candidate.name):
            continue
        with candidate.open(encoding="latin-1", newline="") as fh:
            first = next(csv.reader(fh), [])
        if len(first) == len(COLUMNS) and first[0].strip().isdigit():
            return candidate
    return None


def sdn_entries(ctx: Context) -> ir.Table:
    """ent_num, kind and primary name of each entry of the SDN.CSV beside the input (none without one)."""
    path = sibling_sdn(ctx.path)
    nums: list[str] = []
    names: list[str] = []
    types: list[str] = []
    if path is not None:
        with path.open(encoding="latin-1", newline="") as fh:
            for row in csv.reader(fh):
                if len(row) == len(COLUMNS) and row[0].strip().isdigit():
                    nums.append(row[0].strip())
                    names.append(row[1].strip())
                    types.append(row[2].strip())
    columns = {"__ent": nums, "__sdn_name": names, "__sdn_type": types}
    data = pa.table({name: pa.array(values, type=pa.string()) for name, values in columns.items()})
    entries = ctx.table(data, count_rows=False)
    return entries.mutate(__sdn_kind=kind_expr(entries.__sdn_type, entries.__sdn_name))


def with_entries(ctx: Context, raw: ir.Table) -> ir.Table:
    """Rows of ALT.CSV or ADD.CSV with their entry's kind and name (null when no SDN.CSV is beside them)."""
    entries = sdn_entries(ctx).select("__ent", "__sdn_name", "__sdn_kind")
    joined = raw.left_join(entries, clean_text(raw.ent_num) == entries.__ent)
    return joined.drop("__ent").order_by(RECORD)
