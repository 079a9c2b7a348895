"""Score ranked leads against a synthetic world's answer key (``diversion evaluate``).

The answer key (``truth.json``, written by ``diversion simulate``) lists planted ``schemes`` and innocent
``decoys``, each with its member parties (``party_id``, ``role``), the declaration records of its
shipments and the trade-statistics records it moved. The leads (``leads.jsonl``) are what ``diversion
scan`` ranked, best first.

Matching rule (also returned under ``"matching"``):

- A lead matches a scheme when
  (a) its subject's ``member_ids`` include the ``party_id`` of a scheme member whose role is not a mere
  counterparty that trades in the background anyway (roles in ``COUNTERPARTY_ROLES``: suppliers and
  exporters, the existing manufacturers, are excluded here); or
  (b) the subject's kind is ``"flow"``, the scheme's type is flow-level (``FLOW_LEVEL_TYPES``) and one of
  the lead's findings cites one of the scheme's trade-statistics records as evidence; or
  (c) one of the lead's findings cites one of the scheme's declaration records as evidence and the
  subject's ``member_ids`` include any scheme member (any role).
- A lead matches a decoy when its subject's ``member_ids`` include an innocent decoy member and the lead
  matches no scheme. Not every member of a decoy is innocent: a listed owner or tenant is listed, and the
  holding of a ``near_fifty_percent`` decoy is 60% owned by a listed firm, so blocked under OFAC's rule
  (the decoy is its 49.9% subsidiary); leads about them are right (``GUILTY_DECOY_ROLES``).
- Evidence is compared by record (as text) and source path: the answer key's path, relative to the world
  folder, must be a suffix of the lead's path on a path-component boundary
  (``inputs/flows/x.csv`` matches ``/tmp/world/inputs/flows/x.csv``, not ``/tmp/my-inputs/flows/x.csv``).
  Member ids that are not party ids (``declarations:KZ:...``) simply match nothing.

Measures: a scheme's ``rank`` is the ``rank`` of its best-ranked matching lead (``None`` when no lead
matches); the top-N windows are the first N leads in rank order. ``recall_top100`` = schemes found in the
top 100 / schemes; ``precision_top30`` = leads in the top 30 matching a scheme, or naming a party the
answer key lists under ``blocked`` (blocked by the world's listings under OFAC's 50% rule, planted or made
so by background ownership: a right lead though no scheme planted it), / min(30, leads);
``decoys_top10`` = leads in the top 10 matching a decoy and no scheme. Empty inputs give zeros.
"""

from __future__ import annotations

import json
import statistics
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any, Final

from rich.table import Table

from diversion.errors import DiversionError, UnreadableInput

FLOW_LEVEL_TYPES: Final = frozenset({"phantom_flow", "kz_reported_figures"})
"""Scheme types visible in trade statistics: a ``flow`` lead citing their flow records finds them."""
COUNTERPARTY_ROLES: Final = frozenset({"supplier", "licensed supplier", "exporter"})
"""Member roles that trade in the background anyway: naming them alone does not find a scheme."""
GUILTY_DECOY_ROLES: Final = frozenset({("near_fifty_percent", "holding")})
"""(decoy type, role) of decoy members that are rightly flagged; and every role starting "listed"."""
TOP_RECALL: Final = 100
TOP_PRECISION: Final = 30
TOP_DECOYS: Final = 10

MATCHING: Final = (
    "a lead matches a scheme when its subject member_ids include a scheme member other than a "
    f"{'/'.join(sorted(COUNTERPARTY_ROLES))}; or, for a flow lead and a flow-level scheme "
    f"({', '.join(sorted(FLOW_LEVEL_TYPES))}), a finding cites one of the scheme's flow records; or a "
    "finding cites one of the scheme's declaration records and member_ids include any scheme member. "
    "A lead matches a decoy when member_ids include an innocent decoy member (not a listed one, not the "
    "blocked holding of a near-50% decoy) and it matches no scheme. Evidence "
    "matches on equal record and the answer key's source path being a path-component suffix of the lead's. "
    "Precision counts as right a lead on a party the answer key lists as blocked under OFAC's 50% rule "
    '("blocked": planted or made so by background ownership of listed parties).'
)
"""The rule above in one sentence, returned with every result."""

Evidence = tuple[tuple[str, ...], str]
"""(source path components, record)."""


@dataclass(frozen=True)
class Planted:
    """One scheme or decoy of the answer key, reduced to what matching needs."""

    id: str
    type: str
    difficulty: str
    innocent: bool
    members: tuple[tuple[str, str], ...]  # (party id, role)
    declarations: tuple[Evidence, ...]
    flows: tuple[Evidence, ...]


@dataclass(frozen=True)
class Truth:
    schemes: tuple[Planted, ...]
    decoys: tuple[Planted, ...]
    blocked: frozenset[str] = frozenset()  # parties the world's listings block under OFAC's 50% rule


@dataclass(frozen=True)
class Lead:
    """One line of leads.jsonl, reduced to what matching needs."""

    rank: int
    line: int
    lead_id: str | None
    kind: str
    member_ids: frozenset[str]
    evidence: tuple[Evidence, ...]


@dataclass
class _EvidenceIndex:
    """(file name, record) -> [(full truth path components, planted index)]: suffix-checked on lookup."""

    by_key: dict[tuple[str, str], list[tuple[tuple[str, ...], int]]] = field(
        default_factory=lambda: defaultdict(list)
    )

    def add(self, evidence: Evidence, index: int) -> None:
        parts, record = evidence
        if parts:
            self.by_key[(parts[-1], record)].append((parts, index))

    def hits(self, evidence: Iterable[Evidence]) -> set[int]:
        found: set[int] = set()
        for parts, record in evidence:
            if not parts:
                continue
            for truth_parts, index in self.by_key.get((parts[-1], record), ()):
                if len(truth_parts) <= len(parts) and parts[-len(truth_parts) :] == truth_parts:
                    found.add(index)
        return found


class Matcher:
    """Indexes the answer key once; ``schemes_of`` / ``decoys_of`` then cost O(size of one lead)."""

    def __init__(self, truth: Truth) -> None:
        self.truth = truth
        self.core_members: dict[str, set[int]] = defaultdict(set)
        self.any_members: dict[str, set[int]] = defaultdict(set)
        self.declarations = _EvidenceIndex()
        self.flows = _EvidenceIndex()
        for i, scheme in enumerate(truth.schemes):
            for party_id, role in scheme.members:
                self.any_members[party_id].add(i)
                if role not in COUNTERPARTY_ROLES:
                    self.core_members[party_id].add(i)
            for ev in scheme.declarations:
                self.declarations.add(ev, i)
            if scheme.type in FLOW_LEVEL_TYPES:
                for ev in scheme.flows:
                    self.flows.add(ev, i)
        self.decoy_members: dict[str, set[int]] = defaultdict(set)
        for i, decoy in enumerate(truth.decoys):
            for party_id, role in decoy.members:
                if role.startswith("listed") or (decoy.type, role) in GUILTY_DECOY_ROLES:
                    continue
                self.decoy_members[party_id].add(i)

    def schemes_of(self, lead: Lead) -> dict[int, str]:
        """Indexes of the schemes the lead matches, each with the first rule that matched (a/b/c)."""
        matched: dict[int, str] = {}
        for member in lead.member_ids:
            for i in self.core_members.get(member, ()):
                matched.setdefault(i, "member")
        if lead.kind == "flow":
            for i in self.flows.hits(lead.evidence):
                matched.setdefault(i, "flow evidence")
        cited = self.declarations.hits(lead.evidence)
        if cited:
            named: set[int] = set()
            for member in lead.member_ids:
                named.update(self.any_members.get(member, ()))
            for i in cited & named:
                matched.setdefault(i, "declaration evidence")
        return matched

    def decoys_of(self, lead: Lead) -> set[int]:
        """Indexes of the decoys whose members the lead names (call only for leads matching no scheme)."""
        found: set[int] = set()
        for member in lead.member_ids:
            found.update(self.decoy_members.get(member, ()))
        return found


# ---------------------------------------------------------------------------------------------- reading


@lru_cache(maxsize=4096)
def path_parts(source: str) -> tuple[str, ...]:
    """A source path as comparable components: ``/``-separated, without ``.`` and empty parts."""
    return tuple(
        part for part in PurePosixPath(source.replace("\\", "/")).parts if part not in ("/", ".", "")
    )


def _record(value: Any) -> str:
    return str(value).strip()


def read_truth(path: Path) -> Truth:
    """The answer key, checked enough to give a clear error naming the file and what was expected."""
    where = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DiversionError(f"{where}: no such answer key (truth.json)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UnreadableInput(where, None, "a UTF-8 JSON answer key", str(exc)) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UnreadableInput(where, exc.lineno, "a JSON answer key", exc.msg) from None
    if not isinstance(data, dict) or not isinstance(data.get("schemes"), list):
        raise UnreadableInput(where, None, 'a JSON object with a "schemes" list (an answer key)')
    decoys = data.get("decoys") or []
    if not isinstance(decoys, list):
        raise UnreadableInput(where, None, '"decoys" to be a list')
    blocked = data.get("blocked") or []
    if not isinstance(blocked, list) or not all(isinstance(b, dict) and "party_id" in b for b in blocked):
        raise UnreadableInput(where, None, '"blocked" to be a list of {"party_id": ...}')
    return Truth(
        schemes=tuple(_planted(where, "schemes", i, item) for i, item in enumerate(data["schemes"])),
        decoys=tuple(_planted(where, "decoys", i, item) for i, item in enumerate(decoys)),
        blocked=frozenset(str(b["party_id"]) for b in blocked),
    )


def _planted(where: str, key: str, position: int, item: Any) -> Planted:
    label = f"{key}[{position}]"
    if not isinstance(item, dict) or not isinstance(item.get("id"), str):
        raise UnreadableInput(where, None, f'{label} to be an object with an "id"')
    label = f"{key} {item['id']!r}"
    members = item.get("members") or []
    if not isinstance(members, list) or not all(
        isinstance(m, dict) and isinstance(m.get("party_id"), str) for m in members
    ):
        raise UnreadableInput(where, None, f'{label}: "members" to be a list of objects with a "party_id"')

    def records(name: str) -> tuple[Evidence, ...]:
        rows = item.get(name) or []
        if not isinstance(rows, list) or not all(
            isinstance(r, dict) and isinstance(r.get("source"), str) and "record" in r for r in rows
        ):
            raise UnreadableInput(where, None, f'{label}: "{name}" to be a list of {{"source", "record"}}')
        return tuple((path_parts(r["source"]), _record(r["record"])) for r in rows)

    return Planted(
        id=item["id"],
        type=str(item.get("type") or "unknown"),
        difficulty=str(item.get("difficulty") or "unknown"),
        innocent=bool(item.get("innocent", key == "decoys")),
        members=tuple((m["party_id"], str(m.get("role") or "")) for m in members),
        declarations=records("declarations"),
        flows=records("flows"),
    )


def read_leads(path: Path) -> Iterator[Lead]:
    """The leads of a leads.jsonl, in file order; blank lines are skipped, anything else malformed is an
    error naming the file, the line and what was expected."""
    where = str(path)
    try:
        handle = path.open(encoding="utf-8")
    except FileNotFoundError:
        raise DiversionError(f"{where}: no such leads file (leads.jsonl)") from None
    except OSError as exc:
        raise UnreadableInput(where, None, "a readable leads.jsonl", str(exc)) from None
    with handle:
        try:
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    yield _lead(where, number, line)
        except UnicodeDecodeError as exc:
            raise UnreadableInput(where, None, "UTF-8 text", str(exc)) from None


def _lead(where: str, line: int, text: str) -> Lead:
    def bad(expected: str, found: str = "") -> UnreadableInput:
        return UnreadableInput(where, line, expected, found)

    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise bad("one JSON object per line (a lead)", f"invalid JSON ({exc.msg})") from None
    if not isinstance(data, dict):
        raise bad("a JSON object (a lead)", type(data).__name__)
    rank = data.get("rank")
    if "rank" not in data:
        raise bad('a "rank" (1-based integer)', "no rank")
    if isinstance(rank, bool) or not isinstance(rank, int) or rank < 1:
        raise bad('"rank" to be a positive integer', repr(rank))
    subject = data.get("subject")
    if "subject" not in data:
        raise bad('a "subject" object', "no subject")
    if not isinstance(subject, dict):
        raise bad('"subject" to be an object', repr(subject))
    member_ids = subject.get("member_ids") or []
    if not isinstance(member_ids, list) or not all(isinstance(m, str) for m in member_ids):
        raise bad('"subject.member_ids" to be a list of strings')
    findings = data.get("findings") or []
    if not isinstance(findings, list):
        raise bad('"findings" to be a list')
    evidence: list[Evidence] = []
    for finding in findings:
        if not isinstance(finding, dict):
            raise bad("each finding to be an object")
        items = finding.get("evidence") or []
        if not isinstance(items, list):
            raise bad('"evidence" of each finding to be a list')
        for item in items:
            if not isinstance(item, dict) or not isinstance(item.get("source"), str) or "record" not in item:
                raise bad('each evidence item to be {"source": path, "record": id}', repr(item)[:80])
            evidence.append((path_parts(item["source"]), _record(item["record"])))
    lead_id = data.get("lead_id")
    return Lead(
        rank=rank,
        line=line,
        lead_id=None if lead_id is None else str(lead_id),
        kind=str(subject.get("kind") or ""),
        member_ids=frozenset(member_ids),
        evidence=tuple(evidence),
    )


# ---------------------------------------------------------------------------------------------- scoring


def evaluate(truth: Path, leads: Path) -> dict[str, Any]:
    """Score the leads of ``leads`` (leads.jsonl) against the answer key ``truth`` (truth.json).

    Returns the ``diversion evaluate --json`` document: the contract keys ``schemes``, ``found_top100``,
    ``recall_top100``, ``precision_top30``, ``decoys_top10`` and ``per_scheme`` ([{id, type, rank}]),
    plus ``per_type``, ``per_difficulty``, ``decoys``, ``per_decoy_type``, ``leads``, ``top30`` and
    ``matching`` (the rule, see the module docstring).
    """
    return score(read_truth(truth), read_leads(leads))


def score(truth: Truth, leads: Iterable[Lead]) -> dict[str, Any]:
    """The evaluation of already-read leads (any order: they are put in rank order, ties by file line)."""
    matcher = Matcher(truth)
    ordered = sorted(leads, key=lambda lead: (lead.rank, lead.line))
    best_scheme: dict[int, tuple[int, Lead, str]] = {}  # scheme -> (position, lead, rule)
    best_decoy: dict[int, tuple[int, Lead]] = {}
    top = {"true": 0, "blocked": 0, "decoy": 0, "unmatched": 0}
    decoys_top = 0
    for position, lead in enumerate(ordered, start=1):
        schemes = matcher.schemes_of(lead)
        for i, rule in schemes.items():
            if i not in best_scheme:
                best_scheme[i] = (position, lead, rule)
        decoys = set() if schemes else matcher.decoys_of(lead)
        for i in decoys:
            best_decoy.setdefault(i, (position, lead))
        # A firm the listings block under the 50% rule is a right lead though no scheme planted it.
        blocked = not schemes and not decoys and bool(lead.member_ids & truth.blocked)
        if position <= TOP_PRECISION:
            top["true" if schemes else "blocked" if blocked else "decoy" if decoys else "unmatched"] += 1
        if position <= TOP_DECOYS and decoys:
            decoys_top += 1

    per_scheme: list[dict[str, Any]] = []
    found_top: list[bool] = []
    for i, scheme in enumerate(truth.schemes):
        hit = best_scheme.get(i)
        found_top.append(hit is not None and hit[0] <= TOP_RECALL)
        per_scheme.append(
            {
                "id": scheme.id,
                "type": scheme.type,
                "rank": hit[1].rank if hit else None,
                "difficulty": scheme.difficulty,
                "lead_id": hit[1].lead_id if hit else None,
                "matched_by": hit[2] if hit else None,
            }
        )
    decoy_rows: list[dict[str, Any]] = []
    for i, decoy in enumerate(truth.decoys):
        found = best_decoy.get(i)
        decoy_rows.append(
            {
                "id": decoy.id,
                "type": decoy.type,
                "rank": found[1].rank if found else None,
                "difficulty": decoy.difficulty,
                "lead_id": found[1].lead_id if found else None,
                "in_top10": found is not None and found[0] <= TOP_DECOYS,
            }
        )

    n_schemes = len(truth.schemes)
    found_top100 = sum(found_top)
    window = min(TOP_PRECISION, len(ordered))
    return {
        "schemes": n_schemes,
        "found_top100": found_top100,
        "recall_top100": found_top100 / n_schemes if n_schemes else 0.0,
        "precision_top30": (top["true"] + top["blocked"]) / window if window else 0.0,
        "decoys_top10": decoys_top,
        "per_scheme": per_scheme,
        "per_type": _groups(per_scheme, found_top, "type"),
        "per_difficulty": _groups(per_scheme, found_top, "difficulty"),
        "decoys": decoy_rows,
        "per_decoy_type": _decoy_groups(decoy_rows),
        "leads": len(ordered),
        "top30": top,
        "matching": MATCHING,
    }


def _median(ranks: list[int]) -> float | int | None:
    if not ranks:
        return None
    middle = statistics.median(ranks)
    return int(middle) if float(middle).is_integer() else middle


def _groups(rows: list[dict[str, Any]], found_top: list[bool], key: str) -> dict[str, dict[str, Any]]:
    grouped: dict[str, list[tuple[dict[str, Any], bool]]] = defaultdict(list)
    for row, found in zip(rows, found_top, strict=True):
        grouped[row[key]].append((row, found))
    result: dict[str, dict[str, Any]] = {}
    for name in sorted(grouped):
        members = grouped[name]
        ranks = sorted(row["rank"] for row, _ in members if row["rank"] is not None)
        found_top100 = sum(found for _, found in members)
        result[name] = {
            "schemes": len(members),
            "found_top100": found_top100,
            "recall_top100": found_top100 / len(members),
            "found": len(ranks),
            "best_rank": ranks[0] if ranks else None,
            "median_rank": _median(ranks),
        }
    return result


def _decoy_groups(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        grouped[row["type"]].append(row)
    result: dict[str, dict[str, Any]] = {}
    for name in sorted(grouped):
        members = grouped[name]
        ranks = sorted(row["rank"] for row in members if row["rank"] is not None)
        result[name] = {
            "decoys": len(members),
            "found_top10": sum(1 for row in members if row["in_top10"]),
            "found": len(ranks),
            "best_rank": ranks[0] if ranks else None,
        }
    return result


# ---------------------------------------------------------------------------------------------- display


def _cell(value: Any) -> str:
    return "-" if value is None else str(value)


def render_table(result: Mapping[str, Any]) -> Table:
    """The evaluation as one Rich table: rows per scheme type, per difficulty, all schemes, then decoys."""
    schemes = result["schemes"]
    caption = (
        f"recall@{TOP_RECALL} {result['recall_top100']:.2f} ({result['found_top100']}/{schemes}) · "
        f"precision@{TOP_PRECISION} {result['precision_top30']:.2f} · "
        f"decoy leads in top {TOP_DECOYS}: {result['decoys_top10']} · {result.get('leads', 0):,} leads"
    )
    table = Table(
        "group",
        "count",
        f"found (top {TOP_RECALL})",
        "found (any rank)",
        "best rank",
        "median rank",
        title="evaluation against the answer key",
        caption=caption,
    )
    sections: list[tuple[str, Mapping[str, Mapping[str, Any]]]] = [
        ("type", result.get("per_type", {})),
        ("difficulty", result.get("per_difficulty", {})),
    ]
    for label, groups in sections:
        for name, group in groups.items():
            table.add_row(
                f"{label}: {name}",
                str(group["schemes"]),
                str(group["found_top100"]),
                str(group["found"]),
                _cell(group["best_rank"]),
                _cell(group["median_rank"]),
            )
        if groups:
            table.add_section()
    ranks = sorted(row["rank"] for row in result["per_scheme"] if row["rank"] is not None)
    table.add_row(
        "all schemes",
        str(schemes),
        str(result["found_top100"]),
        str(len(ranks)),
        _cell(ranks[0] if ranks else None),
        _cell(_median(ranks)),
        style="bold",
    )
    decoy_groups: Mapping[str, Mapping[str, Any]] = result.get("per_decoy_type", {})
    if decoy_groups:
        table.add_section()
    for name, group in decoy_groups.items():
        style = "red" if group["found_top10"] else None
        table.add_row(
            f"decoy: {name}",
            str(group["decoys"]),
            f"{group['found_top10']} in top {TOP_DECOYS}",
            str(group["found"]),
            _cell(group["best_rank"]),
            "",
            style=style,
        )
    return table
