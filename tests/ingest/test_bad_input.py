"""Bad input never crashes an ingest and never disappears: each case of the foundation issue, one test."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from diversion.ingest.run import Manifest, ingest
from diversion.store import Workspace, open_workspace
from tests.factory import csv_text, decl, write_decls


def run(ws: Workspace, *paths: Path) -> Manifest:
    manifest = ingest(ws, list(paths))
    for item in manifest.inputs:
        assert item.rows_read == item.rows_accepted + item.rows_quarantined, item
    return manifest


def reasons(ws: Workspace) -> dict[str, str]:
    rows = ws.table("quarantine").to_pyarrow().to_pylist()
    return {row["record"]: row["reason"] for row in rows}


def test_windows_1251_cyrillic(ws: Workspace, tmp_path: Path) -> None:
    path = write_decls(
        tmp_path / "cp1251.csv",
        [decl(importer_name="ТОО «Аспан Арба»", destination_country="Казахстан")],
        "cp1251",
    )
    manifest = run(ws, path)
    assert manifest.inputs[0].encoding == "cp1251"
    row = ws.table("declarations").to_pyarrow().to_pylist()[0]
    assert row["importer_name"] == "ТОО «Аспан Арба»"
    assert row["destination_country"] == "KZ"


def test_utf8_with_bom(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + csv_text([decl()]).encode())
    manifest = run(ws, path)
    assert (manifest.inputs[0].encoding, manifest.inputs[0].rows_accepted) == ("utf-8-sig", 1)
    assert ws.table("declarations").declaration_id.execute().tolist() == ["KZ-1"]


def test_mixed_encodings_keep_every_row(ws: Workspace, tmp_path: Path) -> None:
    text = csv_text([decl(exporter_name="Côte SARL"), decl(declaration_id="KZ-2", exporter_name="Небо")])
    path = tmp_path / "mixed.csv"
    path.write_bytes(text.encode().replace("Côte".encode(), b"C\xf4te"))
    manifest = run(ws, path)
    assert (manifest.inputs[0].encoding, manifest.inputs[0].rows_accepted) == ("utf-8-mixed", 2)
    names = sorted(ws.table("declarations").exporter_name.execute())
    assert names == ["Côte SARL", "Небо"]


def test_truncated_last_line_is_quarantined(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "truncated.csv"
    text = csv_text([decl(), decl(declaration_id="KZ-2")])
    path.write_text(text + "KZ-3,2022-05-12,KZ,imp")
    manifest = run(ws, path)
    assert (manifest.inputs[0].rows_read, manifest.inputs[0].rows_accepted) == (3, 2)
    assert "expected 23 fields, found 4" in reasons(ws)["3"]


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("unknown_header.csv", b"foo,bar,baz\n1,2,3\n", "expected a known layout"),
        ("not_a_table.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary data"),
        ("empty.csv", b"", "an empty file"),
        ("blank.csv", b"\n\n  \n", "only blank lines"),
        ("prose.txt", b"Dear customs officer,\nplease find attached.\n", "expected a known layout"),
    ],
)
def test_unreadable_file_gets_one_clear_error_and_others_still_ingest(
    ws: Workspace, tmp_path: Path, name: str, content: bytes, expected: str
) -> None:
    bad = tmp_path / name
    bad.write_bytes(content)
    good = write_decls(tmp_path / "good.csv", [decl()])
    manifest = run(ws, bad, good)
    bad_report, good_report = manifest.inputs
    assert bad_report.error is not None and str(bad) in bad_report.error and expected in bad_report.error
    assert "line 1" in bad_report.error
    assert good_report.error is None and good_report.rows_accepted == 1
    assert ws.count("declarations") == 1


def test_duplicate_rows_quarantined_citing_the_first(ws: Workspace, tmp_path: Path) -> None:
    path = write_decls(tmp_path / "dups.csv", [decl(), decl(declaration_id="KZ-2"), decl(), decl()])
    manifest = run(ws, path)
    assert manifest.inputs[0].rows_accepted == 2
    assert reasons(ws) == {"3": "duplicate of record 1", "4": "duplicate of record 1"}


def test_negative_and_non_numeric_values(ws: Workspace, tmp_path: Path) -> None:
    path = write_decls(
        tmp_path / "values.csv", [decl(quantity="-5"), decl(value="abc"), decl(net_kg="1 234,5")]
    )
    run(ws, path)
    found = reasons(ws)
    assert found["1"] == "negative quantity: '-5.0'"
    assert found["2"] == "not a number: value 'abc'"
    assert ws.table("declarations").net_kg.execute().tolist() == [1234.5]


@pytest.mark.parametrize(
    ("raw", "accepted"),
    [
        ("2022-02-30", False),
        ("1899-12-31", False),
        ("31.12.2022", True),
        ("2022-13-01", False),
        ("2222-01-01", False),
    ],
)
def test_impossible_dates(ws: Workspace, tmp_path: Path, raw: str, accepted: bool) -> None:
    run(ws, write_decls(tmp_path / "dates.csv", [decl(date=raw)]))
    assert ws.count("declarations") == int(accepted)
    if not accepted:
        assert "date" in reasons(ws)["1"]


def test_hs_codes_mangled_by_spreadsheets(ws: Workspace, tmp_path: Path) -> None:
    rows = [
        decl(declaration_id=f"D{i}", hs_code=code)
        for i, code in enumerate(["8542.31", "8542310000.0", "85423100", "8542 31", "10121", "drone"])
    ]
    run(ws, write_decls(tmp_path / "hs.csv", rows))
    table = ws.table("declarations").order_by("declaration_id").to_pyarrow().to_pylist()
    assert [(r["hs_code"], r["national_code"]) for r in table] == [
        ("854231", "854231"),
        ("854231", "8542310000"),
        ("854231", "85423100"),
        ("854231", "854231"),
        ("010121", "010121"),
    ]
    assert reasons(ws) == {"6": "not an HS code: hs_code 'drone'"}


def test_unknown_countries_quarantined_not_guessed(ws: Workspace, tmp_path: Path) -> None:
    run(
        ws,
        write_decls(
            tmp_path / "c.csv",
            [decl(origin_country="Narnia"), decl(declaration_id="2", origin_country="World")],
        ),
    )
    assert reasons(ws) == {
        "1": "unknown country origin_country 'Narnia'",
        "2": "origin_country is an aggregate, not a country: 'World'",
    }


def test_same_file_twice_adds_nothing(ws: Workspace, tmp_path: Path) -> None:
    path = write_decls(tmp_path / "once.csv", [decl(), decl(quantity="-1", declaration_id="2")])
    run(ws, path)
    before = ws.counts()
    second = run(ws, path)
    assert ws.counts() == before
    assert second.inputs[0].skipped is not None and second.inputs[0].rows_accepted == 1


KILL_SCRIPT = """
import sys, time
from pathlib import Path
import diversion.ingest.writer as writer
from diversion.ingest.run import ingest
from diversion.store import open_workspace

original = writer.write
def slow_write(ws, prepared):
    result = original(ws, prepared)
    print("WROTE", flush=True)
    time.sleep(60)  # killed here, after rows went in but before the run commits
    return result
writer.write = slow_write
import diversion.ingest.run as run_module
run_module.write = slow_write
ws = open_workspace(Path(sys.argv[1]))
ingest(ws, [Path(sys.argv[2])])
"""


def test_sigkill_mid_ingest_leaves_store_as_it_was(tmp_path: Path) -> None:
    db = tmp_path / "kill.duckdb"
    with open_workspace(db) as ws:
        run(ws, write_decls(tmp_path / "first.csv", [decl()]))
        before = ws.counts()
    second = write_decls(tmp_path / "second.csv", [decl(declaration_id=f"K{i}") for i in range(50)])
    proc = subprocess.Popen(
        [sys.executable, "-c", KILL_SCRIPT, str(db), str(second)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    deadline = time.monotonic() + 120
    line = ""
    while time.monotonic() < deadline and "WROTE" not in line:
        line = proc.stdout.readline()
    assert "WROTE" in line
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with open_workspace(db) as ws:
        assert ws.counts() == before
        assert ws.count("declarations") == 1


def test_workbook_value_past_the_header_is_kept_not_lost(ws: Workspace, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    header = list(decl())
    sheet.append(header)
    sheet.append(list(decl().values()))
    sheet.append([*decl(declaration_id="KZ-2").values(), "a stray note past the last column"])
    path = tmp_path / "declarations.xlsx"
    book.save(path)
    manifest = ingest(ws, [path], format="mapping", options={"mapping": _identity_mapping(tmp_path, header)})
    report = manifest.inputs[0]
    assert report.error is None, report.error
    assert (report.rows_read, report.rows_accepted, report.rows_quarantined) == (2, 2, 0)
    extra = {row["declaration_id"]: row["extra"] for row in ws.table("declarations").to_pyarrow().to_pylist()}
    assert "a stray note past the last column" in (extra["KZ-2"] or "")


def _identity_mapping(folder: Path, header: list[str]) -> Path:
    path = folder / "identity.yml"
    path.write_text(
        "table: declarations\ncolumns:\n" + "".join(f"  {c}: {c}\n" for c in header), encoding="utf-8"
    )
    return path
