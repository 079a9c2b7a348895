"""``diversion.evaluate``: hand-built answer keys and leads with obvious answers."""

from __future__ import annotations

import io
import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from diversion.errors import DiversionError
from diversion.evaluate import (
    COUNTERPARTY_ROLES,
    FLOW_LEVEL_TYPES,
    MATCHING,
    evaluate,
    path_parts,
    render_table,
)

DECL = "inputs/declarations/ru_customs_declarations.csv"
FLOWS = "inputs/flows/comtrade_monthly.csv"


def member(party_id: str, role: str) -> dict[str, Any]:
    return {
        "party_id": party_id,
        "role": role,
        "name": party_id,
        "country": party_id[:2].upper(),
        "list_ids": [],
    }


def planted(
    id_: str,
    type_: str,
    members: list[dict[str, Any]],
    *,
    difficulty: str = "easy",
    innocent: bool = False,
    declarations: Sequence[str] = (),
    flows: Sequence[str] = (),
) -> dict[str, Any]:
    return {
        "id": id_,
        "type": type_,
        "difficulty": difficulty,
        "innocent": innocent,
        "summary": "",
        "members": members,
        "declarations": [{"source": DECL, "record": r, "declaration_id": f"d{r}"} for r in declarations],
        "flows": [
            {
                "source": FLOWS,
                "record": r,
                "reporter": "KZ",
                "partner": "RU",
                "hs_code": "8542",
                "period": "2023",
            }
            for r in flows
        ],
        "shipments": 0,
        "relations": [],
    }


TRUTH: dict[str, Any] = {
    "schemes": [
        # found by a core member at rank 3
        planted(
            "s-owner",
            "same_owner",
            [member("ru-pe-1", "common owner"), member("kz-co-1", "hub firm"), member("de-co-9", "supplier")],
            declarations=["10", "11"],
        ),
        # found only through its flow records, by a flow lead at rank 5
        planted(
            "s-phantom",
            "phantom_flow",
            [member("de-co-7", "exporter"), member("kz-co-7", "declared consignee")],
            difficulty="medium",
            flows=["500", "501"],
        ),
        # never found: only its supplier is named (rank 4), and its flow records are cited by a flow lead
        # but it is not a flow-level type (rank 6)
        planted(
            "s-missed",
            "pass_through",
            [member("kz-co-3", "hub firm"), member("de-co-3", "supplier"), member("ru-co-3", "consignee")],
            difficulty="hard",
            declarations=["30"],
            flows=["600"],
        ),
        # found by rule (c): a lead on its licensed supplier citing one of its declarations (rank 8)
        planted(
            "s-decl",
            "mislabel",
            [member("kz-co-4", "hub firm"), member("cn-co-4", "licensed supplier")],
            difficulty="hard",
            declarations=["40"],
        ),
    ],
    "decoys": [
        planted("d-namesake", "namesake", [member("kz-co-8", "firm")], innocent=True, declarations=["80"]),
        # its member is also the hub firm of s-owner: a lead on it matches the scheme, not the decoy
        planted("d-shared", "business_centre", [member("kz-co-1", "tenant")], innocent=True),
    ],
}


def lead(
    rank: int,
    member_ids: list[str],
    *,
    kind: str = "company",
    evidence: Sequence[tuple[str, Any]] = (),
) -> dict[str, Any]:
    return {
        "rank": rank,
        "lead_id": f"lead-{rank}",
        "score": 1.0 - rank / 100,
        "subject": {
            "kind": kind,
            "id": f"subj-{rank}",
            "name": "x",
            "names": ["x"],
            "country": "KZ",
            "member_ids": member_ids,
        },
        "summary": "",
        "findings": [
            {
                "detector": "test",
                "score": 0.5,
                "explanation": "",
                "metrics": {},
                "evidence": [{"source": s, "record": r} for s, r in evidence],
            }
        ],
    }


LEADS = [
    lead(1, ["kz-co-99"]),  # unmatched
    lead(2, ["kz-co-8"]),  # decoy d-namesake
    lead(3, ["kz-co-1", "declarations:KZ:1:Foo"]),  # s-owner (hub firm); also names d-shared's member
    lead(4, ["de-co-3"], evidence=[("/tmp/w/inputs/declarations/other.csv", "30")]),  # supplier only
    lead(5, [], kind="flow", evidence=[(f"/tmp/world/{FLOWS}", 501)]),  # s-phantom via flow evidence
    lead(6, [], kind="flow", evidence=[(f"data/demo/{FLOWS}", "600")]),  # s-missed is not flow-level
    lead(7, ["kz-co-7"], evidence=[(f"/tmp/my-{FLOWS}", "500")]),  # declared consignee: s-phantom again
    lead(8, ["cn-co-4"], evidence=[(f"/abs/world/{DECL}", "40")]),  # s-decl via (c)
    lead(9, ["cn-co-4"], evidence=[(f"/abs/my{DECL}", "40")]),  # not a component boundary
    lead(10, ["declarations:KZ:7:kz-co-7"], kind="flow"),  # no party id, no evidence
]


def write(
    tmp_path: Path, truth: dict[str, Any], leads: list[dict[str, Any]] | list[str]
) -> tuple[Path, Path]:
    truth_path = tmp_path / "truth.json"
    truth_path.write_text(json.dumps(truth), encoding="utf-8")
    leads_path = tmp_path / "leads.jsonl"
    lines = [x if isinstance(x, str) else json.dumps(x) for x in leads]
    leads_path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return truth_path, leads_path


@pytest.fixture
def result(tmp_path: Path) -> dict[str, Any]:
    return evaluate(*write(tmp_path, TRUTH, LEADS))


def test_contract_keys_and_values(result: dict[str, Any]) -> None:
    assert result["schemes"] == 4
    assert result["found_top100"] == 3
    assert result["recall_top100"] == pytest.approx(0.75)
    # top 30 = all 10 leads: ranks 3, 5, 7, 8 match a scheme
    assert result["precision_top30"] == pytest.approx(4 / 10)
    assert result["decoys_top10"] == 1
    assert result["leads"] == 10
    assert result["top30"] == {"true": 4, "blocked": 0, "decoy": 1, "unmatched": 5}
    assert result["matching"] == MATCHING
    json.dumps(result)  # serialisable as is


def test_per_scheme_ranks(result: dict[str, Any]) -> None:
    by_id = {row["id"]: row for row in result["per_scheme"]}
    assert [row["id"] for row in result["per_scheme"]] == ["s-owner", "s-phantom", "s-missed", "s-decl"]
    assert {k: by_id["s-owner"][k] for k in ("id", "type", "rank")} == {
        "id": "s-owner",
        "type": "same_owner",
        "rank": 3,
    }
    assert by_id["s-owner"]["matched_by"] == "member"
    assert by_id["s-owner"]["lead_id"] == "lead-3"
    assert by_id["s-phantom"]["rank"] == 5
    assert by_id["s-phantom"]["matched_by"] == "flow evidence"
    assert by_id["s-missed"]["rank"] is None
    assert by_id["s-missed"]["matched_by"] is None
    assert by_id["s-decl"]["rank"] == 8
    assert by_id["s-decl"]["matched_by"] == "declaration evidence"


def test_decoys(result: dict[str, Any]) -> None:
    by_id = {row["id"]: row for row in result["decoys"]}
    assert by_id["d-namesake"]["rank"] == 2
    assert by_id["d-namesake"]["in_top10"] is True
    assert by_id["d-shared"]["rank"] is None  # its only lead matched a scheme
    assert result["per_decoy_type"]["namesake"] == {"decoys": 1, "found_top10": 1, "found": 1, "best_rank": 2}
    assert result["per_decoy_type"]["business_centre"]["found"] == 0


def test_groups(result: dict[str, Any]) -> None:
    assert result["per_type"]["same_owner"] == {
        "schemes": 1,
        "found_top100": 1,
        "recall_top100": 1.0,
        "found": 1,
        "best_rank": 3,
        "median_rank": 3,
    }
    assert result["per_type"]["pass_through"]["found_top100"] == 0
    assert result["per_type"]["pass_through"]["median_rank"] is None
    hard = result["per_difficulty"]["hard"]
    assert (hard["schemes"], hard["found_top100"], hard["best_rank"], hard["median_rank"]) == (2, 1, 8, 8)
    easy = result["per_difficulty"]["easy"]
    assert (easy["schemes"], easy["found_top100"]) == (1, 1)
    assert result["per_difficulty"]["medium"]["median_rank"] == 5


def test_constants() -> None:
    assert {"phantom_flow", "kz_reported_figures"} == FLOW_LEVEL_TYPES
    assert {"supplier", "licensed supplier", "exporter"} == COUNTERPARTY_ROLES


def test_supplier_only_does_not_count(tmp_path: Path) -> None:
    leads = [lead(1, ["de-co-9"]), lead(2, ["de-co-3"], evidence=[(f"/x/{DECL}", "999")])]
    result = evaluate(*write(tmp_path, TRUTH, leads))
    assert result["found_top100"] == 0
    assert result["precision_top30"] == 0.0
    assert result["top30"] == {"true": 0, "blocked": 0, "decoy": 0, "unmatched": 2}


def test_supplier_with_scheme_declaration_counts(tmp_path: Path) -> None:
    # rule (c): the supplier plus one of its scheme's declarations; relative and absolute paths both match
    leads = [
        lead(1, ["de-co-3"], evidence=[(f"data/demo/{DECL}", "30")]),
        lead(2, ["de-co-9"], evidence=[(DECL, 11)]),
    ]
    result = evaluate(*write(tmp_path, TRUTH, leads))
    ranks = {row["id"]: row["rank"] for row in result["per_scheme"]}
    assert ranks == {"s-owner": 2, "s-phantom": None, "s-missed": 1, "s-decl": None}


def test_declaration_evidence_needs_a_member(tmp_path: Path) -> None:
    leads = [lead(1, ["kz-co-99"], evidence=[(f"/w/{DECL}", "10")])]
    result = evaluate(*write(tmp_path, TRUTH, leads))
    assert result["found_top100"] == 0


def test_flow_evidence_needs_a_flow_lead(tmp_path: Path) -> None:
    leads = [lead(1, ["kz-co-99"], kind="company", evidence=[(f"/w/{FLOWS}", "500")])]
    result = evaluate(*write(tmp_path, TRUTH, leads))
    assert result["found_top100"] == 0


@pytest.mark.parametrize(
    ("lead_source", "truth_source", "expected"),
    [
        ("/tmp/world/inputs/flows/a.csv", "inputs/flows/a.csv", True),
        ("inputs/flows/a.csv", "inputs/flows/a.csv", True),
        ("./inputs/flows/a.csv", "inputs/flows/a.csv", True),
        ("C:\\world\\inputs\\flows\\a.csv", "inputs/flows/a.csv", True),
        ("/tmp/my-inputs/flows/a.csv", "inputs/flows/a.csv", False),
        ("/tmp/world/inputs/flows/xa.csv", "inputs/flows/a.csv", False),
        ("flows/a.csv", "inputs/flows/a.csv", False),
    ],
)
def test_path_suffix(lead_source: str, truth_source: str, expected: bool) -> None:
    lead_parts, truth_parts = path_parts(lead_source), path_parts(truth_source)
    assert (lead_parts[-len(truth_parts) :] == truth_parts) is expected


def test_ranks_come_from_the_leads_and_order_by_rank(tmp_path: Path) -> None:
    # written out of order: the evaluation sorts by rank
    leads = [lead(150, ["kz-co-4"]), lead(2, ["kz-co-1"]), lead(1, ["kz-co-8"])]
    result = evaluate(*write(tmp_path, TRUTH, leads))
    ranks = {row["id"]: row["rank"] for row in result["per_scheme"]}
    assert ranks["s-owner"] == 2
    assert ranks["s-decl"] == 150
    assert result["found_top100"] == 2  # 3 leads only: the rank-150 lead is the third
    assert result["decoys_top10"] == 1
    assert result["precision_top30"] == pytest.approx(2 / 3)


def test_empty_leads(tmp_path: Path) -> None:
    result = evaluate(*write(tmp_path, TRUTH, []))
    assert (result["schemes"], result["found_top100"], result["recall_top100"]) == (4, 0, 0.0)
    assert (result["precision_top30"], result["decoys_top10"], result["leads"]) == (0.0, 0, 0)
    assert all(row["rank"] is None for row in result["per_scheme"])


def test_empty_truth(tmp_path: Path) -> None:
    result = evaluate(*write(tmp_path, {"schemes": [], "decoys": []}, LEADS))
    assert (result["schemes"], result["found_top100"], result["recall_top100"]) == (0, 0, 0.0)
    assert result["precision_top30"] == 0.0
    assert result["per_scheme"] == []


def test_blank_lines_are_skipped(tmp_path: Path) -> None:
    result = evaluate(*write(tmp_path, TRUTH, ["", json.dumps(lead(1, ["kz-co-1"])), "   "]))
    assert result["leads"] == 1
    assert result["found_top100"] == 1


@pytest.mark.parametrize(
    ("bad", "needle"),
    [
        ("{not json", "invalid JSON"),
        ("[1, 2]", "a JSON object"),
        (json.dumps({"subject": {"member_ids": []}}), '"rank"'),
        (json.dumps({"rank": 3}), '"subject"'),
        (json.dumps({"rank": "3", "subject": {}}), "positive integer"),
        (json.dumps({"rank": 3, "subject": {"member_ids": "kz-co-1"}}), "member_ids"),
        (json.dumps({"rank": 3, "subject": {}, "findings": [{"evidence": [{"record": 1}]}]}), "evidence"),
    ],
)
def test_bad_lead_line_names_file_and_line(tmp_path: Path, bad: str, needle: str) -> None:
    truth_path, leads_path = write(tmp_path, TRUTH, [json.dumps(lead(1, ["kz-co-1"])), "", bad])
    with pytest.raises(DiversionError) as caught:
        evaluate(truth_path, leads_path)
    message = str(caught.value)
    assert str(leads_path) in message
    assert "line 3" in message
    assert needle in message


def test_missing_files(tmp_path: Path) -> None:
    truth_path, leads_path = write(tmp_path, TRUTH, LEADS)
    with pytest.raises(DiversionError, match=r"nowhere\.jsonl"):
        evaluate(truth_path, tmp_path / "nowhere.jsonl")
    with pytest.raises(DiversionError, match=r"nowhere\.json"):
        evaluate(tmp_path / "nowhere.json", leads_path)


def test_bad_truth(tmp_path: Path) -> None:
    truth_path, leads_path = write(tmp_path, TRUTH, LEADS)
    truth_path.write_text('{"schemes": [\n  {"id": ', encoding="utf-8")
    with pytest.raises(DiversionError, match=r"truth\.json, line 2"):
        evaluate(truth_path, leads_path)
    truth_path.write_text('{"decoys": []}', encoding="utf-8")
    with pytest.raises(DiversionError, match='"schemes"'):
        evaluate(truth_path, leads_path)
    truth_path.write_text('{"schemes": [{"id": "s", "members": [{"role": "x"}]}]}', encoding="utf-8")
    with pytest.raises(DiversionError, match="party_id"):
        evaluate(truth_path, leads_path)


def test_render_table(result: dict[str, Any]) -> None:
    console = Console(width=160, record=True)
    console.print(render_table(result))
    text = console.export_text()
    for needle in (
        "type: same_owner",
        "difficulty: hard",
        "all schemes",
        "decoy: namesake",
        "recall@100 0.75",
    ):
        assert needle in text
    empty = {"schemes": 0, "found_top100": 0, "recall_top100": 0.0, "precision_top30": 0.0, "decoys_top10": 0}
    quiet = Console(width=120, file=io.StringIO())
    quiet.print(render_table({**empty, "per_scheme": []}))


def test_fast_on_many_leads(tmp_path: Path) -> None:
    schemes = [
        planted(
            f"s-{i}",
            "same_owner",
            [member(f"kz-co-{i}", "hub firm"), member(f"de-co-{i}", "supplier")],
            declarations=[str(i)],
        )
        for i in range(2_000)
    ]
    leads = [
        lead(
            rank,
            [f"kz-co-{rank * 7 % 5_000}", f"de-co-{rank % 2_000}"],
            evidence=[(f"/w/{DECL}", str(rank % 3_000)), (f"/w/{FLOWS}", str(rank))],
        )
        for rank in range(1, 100_001)
    ]
    paths = write(tmp_path, {"schemes": schemes, "decoys": []}, leads)
    started = time.perf_counter()
    result = evaluate(*paths)
    assert time.perf_counter() - started < 30  # ~2 s alone; generous for a busy machine
    assert result["leads"] == 100_000
    assert result["schemes"] == 2_000
    # the rule done naively on the top 100 leads: lead r names hub kz-co-(7r mod 5000) (rule a) and
    # supplier de-co-(r mod 2000) citing declaration r mod 3000, which is that supplier's scheme's when equal
    hubs = {rank * 7 % 5_000 for rank in range(1, 101)} & set(range(2_000))
    suppliers = {rank % 2_000 for rank in range(1, 101) if rank % 3_000 == rank % 2_000}
    assert result["found_top100"] == len(hubs | suppliers)


def test_a_lead_on_a_firm_blocked_under_the_rule_is_right_though_no_scheme_planted_it(tmp_path: Path) -> None:
    truth = {**TRUTH, "blocked": [{"party_id": "tr-co-7", "name": "Safir Elektrik", "country": "TR"}]}
    leads = [lead(1, ["tr-co-7"]), lead(2, ["tr-co-8"])]
    result = evaluate(*write(tmp_path, truth, leads))
    assert result["top30"] == {"true": 0, "blocked": 1, "decoy": 0, "unmatched": 1}
    assert result["precision_top30"] == 0.5 and result["found_top100"] == 0
