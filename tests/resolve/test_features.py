"""Party records made comparable: names parsed once per distinct text, alone or shared among processes."""

from __future__ import annotations

import pyarrow as pa

from diversion.resolve.features import _parse_names

NAMES = [
    ("ТОО «Аспан Арба»", "company"),
    ("Aspan Arba LLP", "company"),
    ("Petrov A. V.", "person"),
    ("Петров Алексей Викторович", "person"),
    ("深圳市大疆创新科技有限公司", "company"),
    ("შპს „იმედი მოტორსი“", "company"),
    ("«Ախուրյան Աղբյուր Մարկետ» ՍՊԸ", "company"),
    ("ИП Лукьянов Денис Вадимович", None),
]


def test_names_parsed_in_worker_processes_equal_names_parsed_here() -> None:
    table = pa.table({"name": [n for n, _ in NAMES], "kind": [k for _, k in NAMES]})
    here = _parse_names(table, parallel_from=len(NAMES) + 1)
    shared = _parse_names(table, parallel_from=1)
    assert shared.equals(here)
    assert here.column("name_key").to_pylist()[:2] == ["arba aspan", "arba aspan"]
    assert here.column("text_no").to_pylist() == list(range(len(NAMES)))
    assert here.column("patronymic").to_pylist()[3] == "viktor"
