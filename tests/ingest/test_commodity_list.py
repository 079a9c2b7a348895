"""Control lists loaded by the user (EU annexes, national lists, a watch list) beside the shipped CHPL."""

from __future__ import annotations

from pathlib import Path

from diversion.ingest import commodity_list, registry
from diversion.ingest.run import InputReport, ingest, take_sample
from diversion.store import Workspace
from tests.conftest import SAMPLES

SAMPLE = SAMPLES / "lists" / "commodity_list_sample.csv"
HEADER = "list,hs_code,hs_version,tier,description,list_version\n"


def counts(report: InputReport) -> tuple[str | None, int, int, int]:
    return report.format, report.rows_read, report.rows_accepted, report.rows_quarantined


def user_rows(ws: Workspace) -> list[dict[str, object]]:
    lists = ws.table("commodity_lists")
    user = lists.filter(~lists.list.isin(["chpl", "reported"]))  # the shipped lists
    return user.order_by(user.record.cast("int64")).to_pyarrow().to_pylist()


def test_the_sample_list_is_detected_and_loaded_beside_the_chpl(ws: Workspace) -> None:
    assert registry.detect(take_sample(SAMPLE)) is commodity_list
    manifest = ingest(ws, [SAMPLE])
    assert counts(manifest.inputs[0]) == ("commodity_list.csv", 5, 5, 0)
    rows = user_rows(ws)
    assert [row["hs_code"] for row in rows] == ["8806", "842441", "842449", "8703", "901310"]  # dots removed
    assert {row["list"] for row in rows} == {"demo_watchlist"}
    assert {row["hs_version"] for row in rows} == {"HS2022"}
    assert (rows[0]["source"], rows[0]["record"]) == (str(SAMPLE), "1")
    lists = ws.table("commodity_lists")
    assert int(lists.filter(lists.list == "chpl").count().execute()) == 50


def test_optional_columns_and_bad_rows(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "eu_annex.csv"
    path.write_text(
        "list,hs_code,hs_version\n"
        "eu_833_annex_xviii,8703 23 19,2022\n"  # a CN code; the edition written as a year
        "eu_833_annex_xviii,87O3,HS2022\n"
        ",8703,HS2022\n"
        "eu_833_annex_xviii,8703,CN2024\n"
        "eu_833_annex_xviii,TOTAL,HS2022\n",
        encoding="utf-8",
    )
    manifest = ingest(ws, [path])
    assert counts(manifest.inputs[0]) == ("commodity_list.csv", 5, 1, 4)
    (row,) = user_rows(ws)
    assert (row["hs_code"], row["hs_version"], row["tier"]) == ("87032319", "HS2022", None)
    reasons = {r["record"]: r["reason"] for r in ws.table("quarantine").to_pyarrow().to_pylist()}
    assert reasons == {
        "2": "not an HS code: hs_code '87O3'",
        "3": "missing list",
        "4": "not an HS edition: hs_version 'CN2024'",
        "5": "not an HS code: hs_code 'TOTAL' (a list names goods)",
    }


def test_other_headers_are_not_claimed(tmp_path: Path) -> None:
    declarations_like = tmp_path / "x.csv"
    declarations_like.write_text(HEADER.strip() + ",importer_name\nl,8542,HS2022,,,\n", encoding="utf-8")
    assert not commodity_list.sniff(take_sample(declarations_like))
    minimal = tmp_path / "y.csv"
    minimal.write_text("List,HS_Code\nmy_list,854231\n", encoding="utf-8")
    assert commodity_list.sniff(take_sample(minimal))
