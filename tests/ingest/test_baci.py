"""CEPII BACI in: exporter -> importer flows in US dollars, countries named by the release's country file.

Samples: ``data/samples/trade/baci/`` holds a data file with illustrative figures (Armenia's 2022 car trade
as Comtrade reports it, in BACI's thousand USD and tonnes) beside the release's two reference files.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from diversion.ingest.run import ingest
from diversion.store import Workspace
from tests.conftest import SAMPLES
from tests.factory import ingest_one as run

FOLDER = SAMPLES / "trade" / "baci"
DATA = FOLDER / "BACI_HS17_Y2022_V202401_sample.csv"


def flows(ws: Workspace) -> list[dict[str, object]]:
    return ws.table("flows").to_pyarrow().to_pylist()


def test_release_folder(ws: Workspace) -> None:
    manifest = ingest(ws, [FOLDER])
    formats = {Path(i.path).name: (i.format, i.rows_read, i.error) for i in manifest.inputs}
    assert formats == {
        "BACI_HS17_Y2022_V202401_sample.csv": ("baci.csv", 6, None),
        "country_codes_V202401.csv": ("baci.codes", 0, None),  # reference: names countries, adds no rows
        "product_codes_HS17_V202401.csv": ("baci.codes", 0, None),
    }
    found = {(r["reporter"], r["partner"], r["hs_code"]): r for r in flows(ws)}
    cars = found[("AM", "RU", "870323")]
    assert (cars["flow"], cars["period"], cars["hs_version"], cars["currency"]) == (
        "export",
        "2022",
        "HS2017",
        "USD",
    )
    assert cars["value_usd"] == pytest.approx(124310200.0)  # v is in thousand USD
    assert (cars["quantity"], cars["quantity_unit"], cars["net_kg"]) == (
        pytest.approx(19324.6),
        "t",
        pytest.approx(19324600),
    )
    taiwan = found[("AM", "other_asia_nes", "870323")]  # ISO3 "S19" is unknown: the numeric code 490 names it
    assert (taiwan["partner_is_country"], taiwan["quantity"], taiwan["quantity_unit"]) == (False, None, None)


def test_without_country_file(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "baci_extract.csv"  # no HS edition in the name, no country file beside it
    path.write_text(
        "t,i,j,k,v,q\n2021,417,643,10121,12.5,3\n2021,251,398,854231,1.25,0.001\n", encoding="utf-8"
    )
    run(ws, path)
    found = {r["hs_code"]: r for r in flows(ws)}
    assert (found["010121"]["reporter"], found["010121"]["partner"]) == (
        "KG",
        "RU",
    )  # the lost leading zero is back
    assert (found["854231"]["reporter"], found["854231"]["hs_version"]) == (
        "FR",
        "as published",
    )  # 251: France


def test_country_file_alone(ws: Workspace, tmp_path: Path) -> None:
    shutil.copy(FOLDER / "country_codes_V202401.csv", tmp_path)
    report = run(ws, tmp_path / "country_codes_V202401.csv")
    assert (report.format, report.rows_read) == ("baci.codes", 0)
    assert ws.count("flows") == 0
