"""Any CSV/XLSX layout through a YAML column mapping: the EAEU graph-numbered declarations and the schema."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from diversion.ingest import mapping, mapping_definition, registry
from diversion.ingest.mapping_definition import MappingError
from diversion.ingest.run import InputReport, Manifest, ingest, take_sample
from diversion.store import Workspace
from tests.conftest import SAMPLES

EAEU_CSV = SAMPLES / "declarations" / "eaeu_g_sample.csv"
EAEU_XLSX = SAMPLES / "declarations" / "eaeu_g_sample.xlsx"
EAEU_MAPPING = Path(mapping_definition.__file__).parents[1] / "data" / "mappings" / "eaeu_g.yml"
DEFINITION = "diversion_mapping: 1\nextends: eaeu_g\n"


def run(ws: Workspace, *paths: Path, **kwargs: Any) -> Manifest:
    manifest = ingest(ws, list(paths), **kwargs)
    for item in manifest.inputs:
        assert item.rows_read == item.rows_accepted + item.rows_quarantined, item
    return manifest


def only(manifest: Manifest, suffix: str) -> InputReport:
    (found,) = [i for i in manifest.inputs if i.path.endswith(suffix)]
    return found


def declarations(ws: Workspace) -> list[dict[str, Any]]:
    table = ws.table("declarations")
    return table.order_by(["source", table.record.cast("int64")]).to_pyarrow().to_pylist()


def pick(row: dict[str, Any], *columns: str) -> tuple[Any, ...]:
    return tuple(row[c] if isinstance(row[c], str | None) else str(row[c]) for c in columns)


def reasons(ws: Workspace) -> dict[str, str]:
    return {row["record"]: row["reason"] for row in ws.table("quarantine").to_pyarrow().to_pylist()}


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


# -- the EAEU samples -------------------------------------------------------------------------------------


def test_eaeu_csv_through_the_mapping_option(ws: Workspace) -> None:
    manifest = run(ws, EAEU_CSV, format="mapping", options={"mapping": EAEU_MAPPING})
    report = manifest.inputs[0]
    assert (report.format, report.encoding) == ("mapping", "cp1251")
    assert (report.rows_read, report.rows_accepted, report.rows_quarantined) == (11, 7, 4)
    rows = declarations(ws)
    first = rows[0]
    assert first["declaration_id"] == "10013160/051022/0203344"
    assert (first["exporter_name"], first["exporter_id"]) == ("ТОО «Аспан Арба»", "220440031187")
    assert (first["importer_name"], first["importer_id"]) == ("ООО «Небесная механика»", "7725398124")
    assert pick(first, "national_code", "hs_code", "hs_version") == ("8806221000", "880622", "HS2022")
    assert pick(first, "direction", "declaring_country", "date") == ("import", "RU", "2022-10-05")
    assert pick(first, "dispatch_country", "origin_country", "destination_country") == ("KZ", "CN", "RU")
    assert (first["quantity"], first["unit"], first["net_kg"]) == (210.0, "pcs", 195.3)
    assert (first["value"], first["currency"], first["value_usd"]) == (495600.0, "USD", 495600.0)
    assert first["extra"] == '{"G012":"40","G32":"1"}'  # source columns the mapping does not use
    by_record = {row["record"]: row for row in rows}
    assert str(by_record["3"]["date"]) == "2022-11-14"  # no G542: the date inside the declaration number
    assert by_record["4"]["origin_country"] == "KR"  # G34 (item) wins over G16 "РАЗНЫЕ" (several)
    assert by_record["7"]["direction"] == "export"


def test_eaeu_csv_bad_rows_are_quarantined_with_reasons(ws: Workspace) -> None:
    run(ws, EAEU_CSV, format="mapping", options={"mapping": EAEU_MAPPING})
    assert reasons(ws) == {
        "8": "not an HS code: hs_code '88O6210000'",
        "9": "not a date: date '31.04.2023'",
        "10": "negative net_kg: '-20100.0'",
        "11": "unknown country dispatch_country 'КАЗАХСТН'",
    }
    raw = {row["record"]: row["raw"] for row in ws.table("quarantine").to_pyarrow().to_pylist()}
    assert raw["8"].startswith("10013160/180423/0122040,ИМ,40,ТОО «Аспан Арба»")


def test_a_shipped_mapping_by_name(ws: Workspace) -> None:
    manifest = run(ws, EAEU_CSV, format="mapping", options={"mapping": "eaeu_g"})
    assert manifest.inputs[0].rows_accepted == 7


def test_the_mapping_option_alone_picks_the_mapping_adapter(ws: Workspace, tmp_path: Path) -> None:
    path = Path(shutil.copy(EAEU_CSV, tmp_path / "x.csv"))  # away from the samples' own definition
    manifest = ingest(ws, [path], options={"mapping": EAEU_MAPPING})
    assert manifest.inputs[0].format == "mapping"


def test_eaeu_workbook_through_a_definition_in_its_folder(ws: Workspace, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    write(folder / "eaeu.yml", DEFINITION)
    shutil.copy(EAEU_XLSX, folder / "extract.xlsx")
    manifest = run(ws, folder)
    assert len(manifest.inputs) == 2
    definition, workbook = only(manifest, "eaeu.yml"), only(manifest, "extract.xlsx")
    assert (definition.format, definition.rows_read, definition.error) == ("mapping.definition", 0, None)
    assert (workbook.format, workbook.rows_accepted, workbook.rows_quarantined, workbook.error) == (
        "mapping",
        7,
        0,
        None,
    )
    rows = declarations(ws)
    assert [row["national_code"] for row in rows[:3]] == ["8806221000", "8806210000", "8807300000"]  # numbers
    assert str(rows[0]["date"]) == "2022-07-12"  # a date cell
    assert rows[0]["direction"] == "import"  # G01 "ИМ 40"
    assert rows[6]["currency"] == "EUR" and rows[6]["value_usd"] == 40635.0 and rows[6]["unit"] == "pairs"


def test_the_samples_folder_reads_both_eaeu_samples(ws: Workspace) -> None:
    manifest = run(ws, SAMPLES / "declarations")
    assert only(manifest, "eaeu_g_mapping.yml").format == "mapping.definition"
    for name, accepted in (("eaeu_g_sample.csv", 7), ("eaeu_g_sample.xlsx", 7)):
        report = only(manifest, name)
        assert (report.format, report.error, report.rows_accepted) == ("mapping", None, accepted)


def test_a_definition_in_a_parent_folder_claims_files_below(tmp_path: Path) -> None:
    write(tmp_path / "mappings.yaml", DEFINITION)
    below = tmp_path / "2022" / "q4"
    below.mkdir(parents=True)
    sample = take_sample(Path(shutil.copy(EAEU_CSV, below / "x.csv")))
    assert registry.detect(sample) is mapping
    found = mapping.find(sample)
    assert found is not None and found.match == ("G_A", "G31", "G33")


def test_the_nearest_and_most_specific_definition_wins(tmp_path: Path) -> None:
    write(tmp_path / "outer.yml", DEFINITION + "defaults: {declaring_country: KZ}\n")
    inner = tmp_path / "inner"
    write(inner / "a.yml", DEFINITION + "defaults: {declaring_country: KG}\n")
    specific = "defaults: {declaring_country: AM}\nmatch: {columns: [G_A, G31, G33, G011]}\n"
    write(inner / "b.yml", DEFINITION + specific)
    shutil.copy(EAEU_CSV, inner / "x.csv")
    found = mapping.find(take_sample(inner / "x.csv"))
    assert found is not None and found.defaults == {"declaring_country": "AM"}


def test_a_definition_whose_match_columns_are_absent_claims_nothing(ws: Workspace, tmp_path: Path) -> None:
    write(tmp_path / "in" / "eaeu.yml", DEFINITION + "match: {columns: [G_A, G33, G999]}\n")
    shutil.copy(EAEU_CSV, tmp_path / "in" / "x.csv")
    manifest = run(ws, tmp_path / "in")
    error = only(manifest, "x.csv").error
    assert error is not None and "expected a known layout" in error


def test_a_header_not_matching_the_mapping_names_the_missing_columns(ws: Workspace, tmp_path: Path) -> None:
    path = write(tmp_path / "short.csv", "G_A,G31,G33,G02,G08\n10005020/120722/0087411,Дрон,8806221000,A,B\n")
    manifest = run(ws, path, format="mapping", options={"mapping": EAEU_MAPPING})
    error = manifest.inputs[0].error
    assert error is not None
    assert f"{path}, line 1: expected the columns of mapping {EAEU_MAPPING}; missing " in error
    for name in ("one of G011/G01", "G38", "G42"):
        assert name in error
    assert "G41" not in error  # optional in the mapping
    assert ws.count("declarations") == 0


def test_a_broken_definition_in_a_folder_is_an_error_of_that_file(ws: Workspace, tmp_path: Path) -> None:
    path = write(tmp_path / "bad.yml", "diversion_mapping: 1\ntable: declarations\ncolumns: {colour: G31}\n")
    manifest = run(ws, path)
    error = manifest.inputs[0].error
    assert manifest.inputs[0].format == "mapping.definition"
    assert error is not None and "['colour'] are not columns of declarations" in error


def test_a_definition_read_with_format_mapping_adds_nothing(ws: Workspace, tmp_path: Path) -> None:
    write(tmp_path / "in" / "eaeu.yml", DEFINITION)
    shutil.copy(EAEU_CSV, tmp_path / "in" / "x.csv")
    manifest = run(ws, tmp_path / "in", format="mapping", options={"mapping": EAEU_MAPPING})
    assert [(i.rows_read, i.error) for i in manifest.inputs] == [(0, None), (11, None)]


# -- the schema, on small layouts -------------------------------------------------------------------------

CUSTOM = """
table: declarations
skip_rows: 2
defaults: {declaring_country: KZ, currency: USD}
columns:
  declaration_id: {concat: [Post, Number], sep: /}
  date: Date
  direction: {from: Flow, map: {Ввоз: import, Вывоз: export}}
  hs_code: Code
  importer_name: {from: Buyer}
  origin_country: {first_of: [Origin, {from: Made in, optional: true}]}
  value_usd: {from: Value (thousand USD)}
  net_kg: Net
scale:
  value_usd: 1000
"""


def test_skip_rows_concat_map_defaults_and_scale(ws: Workspace, tmp_path: Path) -> None:
    text = (
        "Импорт товаров за 2022 год;;;;;;;;\n\n(тыс. долл. США);;;;;;;;\n"
        "Post;Number;Date;Flow;Code;Buyer;Origin;Value (thousand USD);Net\n"
        "50508;0001;15.04.2022;Ввоз;8542.31;ТОО «Аспан Арба»;Китай;12,5;10\n"
        "50508;0002;16.04.2022;Вывоз;8542.32;ТОО «Аспан Арба»;;abc;5\n"
        "50508;0003;17.04.2022;Ввоз;8542.33\n"
    )
    path = write(tmp_path / "custom.csv", text, "cp1251")
    mapping_file = write(tmp_path / "custom.map", CUSTOM)  # not .yml: only given with --mapping
    manifest = run(ws, path, format="mapping", options={"mapping": mapping_file})
    assert (manifest.inputs[0].rows_read, manifest.inputs[0].rows_accepted) == (3, 1)
    (row,) = declarations(ws)
    assert pick(row, "declaration_id", "direction", "declaring_country") == ("50508/0001", "import", "KZ")
    assert pick(row, "national_code", "value_usd", "currency", "origin_country") == (
        "854231",
        "12500.0",
        "USD",
        "CN",
    )
    assert reasons(ws) == {"2": "not a number: value_usd 'abc'", "3": "expected 9 fields, found 5"}


def test_a_workbook_sheet_and_skip_rows(ws: Workspace, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(["not this sheet"])
    sheet = book.create_sheet("Parties")
    sheet.append(["Реестр юридических лиц"])
    sheet.append(["БИН", "Наименование", "Другие наименования", "Страна"])
    sheet.append(["220440031187", "ТОО «Аспан Арба»", "TOO Aspan Arba; Aspan Arba LLP", "Казахстан"])
    book.save(tmp_path / "registry.xlsx")
    definition = (
        "table: parties\nsheet: Parties\nskip_rows: 1\ndefaults: {kind: company}\n"
        "columns: {party_id: БИН, bin: БИН, name: Наименование, country: Страна,\n"
        "          aliases: {from: Другие наименования, split: ';'}}\n"
    )
    mapping_file = write(tmp_path / "registry.yml", definition)
    run(ws, tmp_path / "registry.xlsx", format="mapping", options={"mapping": mapping_file})
    (row,) = ws.table("parties").to_pyarrow().to_pylist()
    assert pick(row, "party_id", "kind", "name", "country") == (
        "220440031187",
        "company",
        "ТОО «Аспан Арба»",
        "KZ",
    )
    assert row["aliases"] == ["TOO Aspan Arba", "Aspan Arba LLP"]


DECL = "table: declarations\n"
BASIC = "columns: {date: D, direction: F, hs_code: C}\n"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("table: invoices\ncolumns: {a: b}\n", "table must be one of"),
        ("table: runs\ncolumns: {a: b}\n", "table must be one of"),
        ("table: declarations\ncolumns: {date: D, hs_code: C}\n", "declarations needs direction"),
        (DECL + "columns: {date: D, direction: F, hs_code: {from: C, regex: x}}\n", "exactly one of"),
        (DECL + "columns: {date: D, direction: F, hs_code: {from: C, extract: '('}}\n", "not a regular"),
        (DECL + "skip_rows: two\n" + BASIC, "skip_rows"),
        (DECL + "scale: {description: 3}\n" + BASIC, "not a number"),
        (DECL + "colour: red\n" + BASIC, "unknown keys"),
        ("- just\n- a list\n", "top level"),
        ("table: [unclosed\n", "not readable YAML"),
        ("extends: nowhere_to_be_found\n", "no such file"),
    ],
)
def test_unusable_mappings_say_what_is_wrong(tmp_path: Path, text: str, problem: str) -> None:
    path = write(tmp_path / "m.yml", text)
    with pytest.raises(MappingError, match=problem):
        mapping_definition.load(path)


def test_a_copy_named_like_the_shipped_mapping_extends_the_shipped_one(tmp_path: Path) -> None:
    path = write(tmp_path / "eaeu_g.yml", DEFINITION.replace("eaeu_g", "eaeu_g.yml") + "sheet: ДТ\n")
    loaded = mapping_definition.load(path)
    assert (loaded.sheet, loaded.match) == ("ДТ", ("G_A", "G31", "G33"))


def test_map_keeps_yaml_words_as_text(tmp_path: Path) -> None:
    country = "{from: c, map: {NO: NO, 0101: '', yes: on}}"
    text = f"table: parties\ncolumns: {{party_id: id, kind: k, name: n, country: {country}}}\n"
    spec = mapping_definition.load(write(tmp_path / "m.yml", text)).columns["country"]
    assert spec.values == (("NO", "NO"), ("0101", None), ("yes", "on"))  # Norway is not False
