"""The shipped reference data: CHPL tiers and the HS 2022 <-> 2017 correlation, loaded once per workspace."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from diversion.model import reference, schema
from diversion.store import Workspace, open_workspace


def test_chpl_has_the_50_codes_of_the_2024_list() -> None:
    codes = reference.chpl_codes()
    assert len(codes) == 50
    assert {code for code, tier in codes.items() if tier == "1"} == {"854231", "854232", "854233", "854239"}
    assert codes["854231"] == "1"
    assert codes["880730"] == "3.B"  # UAV parts; the drones themselves (8806) are not on the CHPL
    assert not any(code.startswith("8806") for code in codes)
    assert set(codes.values()) == {"1", "2", "3.A", "3.B", "4.A", "4.B"}


def test_chpl_table_is_in_the_commodity_lists_schema_and_cites_its_lines() -> None:
    table = reference.chpl_table()
    assert table.schema == schema.schema("commodity_lists").to_pyarrow()
    rows = table.to_pylist()
    assert {row["list"] for row in rows} == {"chpl"}
    assert {row["hs_version"] for row in rows} == {"HS2022"}
    assert {row["list_version"] for row in rows} == {"2024-02-23"}
    assert {row["run_id"] for row in rows} == {"reference"}
    lines = files("diversion.data").joinpath("chpl_hs6_tiers.csv").read_text(encoding="utf-8").splitlines()
    for row in rows:
        assert row["source"] == "diversion:data/chpl_hs6_tiers.csv"
        assert lines[int(row["record"]) - 1].startswith(row["hs_code"] + "," + row["tier"] + ",")
    first = rows[0]
    assert first["description"].startswith("Electronic integrated circuits; processors and controllers")


def test_shipped_files_say_where_they_come_from() -> None:
    for name in ("chpl_hs6_tiers.csv", "hs2022_hs2017_correlation.csv"):
        head = files("diversion.data").joinpath(name).read_text(encoding="utf-8").splitlines()
        comments = "\n".join(line for line in head if line.startswith("#"))
        for word in ("Source:", "Publisher:", "Fields:"):
            assert word in comments, (name, word)


def test_drones_map_n_to_n_onto_their_hs2017_codes() -> None:
    codes = reference.hs_correlation_table().column("hs2022").to_pylist()
    drones = {code for code in codes if code.startswith("8806")}
    assert drones  # 880610, 880621 ... 880699
    found = {pair for code in drones for pair in reference.hs2017_for(code)}
    assert {hs2017 for hs2017, _ in found} == {"880211", "880212", "880220", "880230", "880240", "852580"}
    assert {relationship for _, relationship in found} == {"n:n"}
    assert reference.hs2017_for("880622") == [("852580", "n:n"), ("880211", "n:n"), ("880220", "n:n")]
    assert reference.hs2017_for("8806220000") == reference.hs2017_for("880622")  # a national code: its HS-6
    assert reference.hs2017_for("770000") == []  # chapter 77 is reserved


def test_correlation_table_keeps_leading_zeros() -> None:
    table = reference.hs_correlation_table()
    assert table.num_rows == 15657
    assert table.schema == schema.schema("hs_correlation").to_pyarrow()
    assert reference.hs2017_for("010121") == [("010121", "1:1")]


def test_a_new_workspace_holds_the_reference_data_once(tmp_path: Path) -> None:
    path = tmp_path / "ref.duckdb"
    for _ in range(2):  # opening again adds nothing
        with open_workspace(path, "duckdb") as ws:
            assert ws.count("commodity_lists") == 52  # the CHPL's 50 and the 2 reported goods
            assert ws.count("hs_correlation") == 15657
    with open_workspace(path, "duckdb") as ws:
        lists = ws.table("commodity_lists")
        tier = lists.filter(lists.hs_code == "880730").tier.execute().tolist()
        assert tier == ["3.B"]
        reported = lists.filter(lists.list == "reported").order_by("hs_code").to_pyarrow().to_pylist()
        assert [(r["hs_code"], r["source"]) for r in reported] == [
            ("8703", "diversion:data/reported_goods.csv"),
            ("8806", "diversion:data/reported_goods.csv"),
        ]


def test_reference_rows_are_not_loaded_twice_after_user_lists(ws: Workspace) -> None:
    mine = reference.chpl_table().slice(0, 1).set_column(0, "list", [["my_list"]])
    ws.insert_arrow("commodity_lists", mine)
    ws.ensure_tables()
    lists = ws.table("commodity_lists")
    assert int(lists.filter(lists.list == "chpl").count().execute()) == 50
