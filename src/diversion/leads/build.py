"""Findings -> leads: grouped by subject, scored by the model of ``weights``, ranked, one lead per scheme.

This works on the final, small result of the detectors (one row per red flag, fetched once), so it is
plain Python: grouping a few thousand findings is not a hot path.

Grouping: a finding about a company or person belongs to its subject's lead; a route belongs to the lead
of the hub firm that relayed the goods (its first related entity); a flow line is a lead of its own.
Support: a listed buyer or owner (a supporting detector's finding about an entity that one of the lead's
own findings names) adds to the lead at ``SUPPORT`` of its weight. De-duplication: a lead whose findings
all already count as support in a better lead is folded into it (the listed consignee of a relay is part
of the relay's lead, not a lead of its own).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from diversion.leads.weights import MIN_SCORE, SUPPORT, SUPPORTING, weight

Finding = dict[str, Any]


@dataclass
class Lead:
    kind: str  # company | person | route | flow
    subject_id: str
    name: str
    country: str | None
    own: list[Finding] = field(default_factory=list)
    support: list[Finding] = field(default_factory=list)
    score: float = 0.0
    folded: list[str] = field(default_factory=list)  # subjects of leads folded into this one
    weights: dict[int, float] = field(default_factory=dict)  # id(finding) -> weight it counted with

    def weight_of(self, finding: Finding) -> float:
        return self.weights.get(id(finding), 0.0)

    @property
    def related(self) -> set[str]:
        return {e for f in self.own for e in (f.get("related") or []) if e and e != self.subject_id}


def lead_key(finding: Finding) -> tuple[str, str]:
    """(kind, id) of the lead a finding belongs to."""
    kind = finding["subject_kind"]
    if kind == "route" and finding.get("related"):
        return "company", finding["related"][0]
    return kind, finding["subject_id"]


def group(
    findings: list[Finding], names: dict[str, tuple[str, str | None, str]]
) -> dict[tuple[str, str], Lead]:
    """Leads by (kind, id), each with its own findings. ``names`` gives (name, country, kind) of entities
    (a route's lead takes the hub firm's)."""
    leads: dict[tuple[str, str], Lead] = {}
    for f in findings:
        kind, subject = lead_key(f)
        if (kind, subject) not in leads:
            name, country, entity_kind = names.get(subject, (f["subject_name"], f["country"], kind))
            if f["subject_kind"] == "route":
                kind = "person" if entity_kind == "person" else "company"
            leads[(kind, subject)] = Lead(kind, subject, name or subject, country)
        leads[(kind, subject)].own.append(f)
    return leads


def attach_support(leads: dict[tuple[str, str], Lead], findings: list[Finding]) -> None:
    """Add to each lead the supporting findings about the entities its own findings name."""
    about: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        if f["detector"] in SUPPORTING and f["subject_kind"] in ("company", "person"):
            about[f["subject_id"]].append(f)
    for lead in leads.values():
        for entity in sorted(lead.related):
            lead.support.extend(about.get(entity, []))


def score(lead: Lead) -> float:
    """The noisy-OR of the lead's best finding per detector (own at full weight, support at ``SUPPORT``);
    the weight each finding counted with goes to ``lead.weights`` (the findings not counted have none)."""
    best: dict[tuple[str, bool], Finding] = {}
    for f, supporting in [(f, False) for f in lead.own] + [(f, True) for f in lead.support]:
        key = (f["detector"], supporting)
        if key not in best or f["score"] > best[key]["score"]:
            best[key] = f
    lead.weights = {id(f): round(weight(d) * (SUPPORT if s else 1.0), 4) for (d, s), f in best.items()}
    miss = 1.0
    for f in best.values():
        miss *= 1.0 - lead.weights[id(f)] * float(f["score"])
    return 1.0 - miss


def fold(ranked: list[Lead]) -> list[Lead]:
    """Drop leads whose every finding already supports a better lead; the better lead names them."""
    kept: list[Lead] = []
    supported: dict[int, Lead] = {}
    for lead in ranked:
        owner = next((supported[id(f)] for f in lead.own if id(f) in supported), None)
        if owner is not None and all(id(f) in supported for f in lead.own):
            owner.folded.append(lead.subject_id)
            continue
        kept.append(lead)
        for f in lead.support:
            supported.setdefault(id(f), lead)
    return kept


def build(findings: list[Finding], names: dict[str, tuple[str, str | None, str]]) -> list[Lead]:
    """Ranked leads from fetched findings (``detect.base.fetch`` rows), best first."""
    leads = group(findings, names)
    attach_support(leads, findings)
    for lead in leads.values():
        lead.score = score(lead)
    ranked = sorted(leads.values(), key=lambda lead: (-lead.score, lead.kind, lead.subject_id))
    return [lead for lead in fold(ranked) if lead.score >= MIN_SCORE]


def lead_id(lead: Lead) -> str:
    return hashlib.sha1(f"{lead.kind}:{lead.subject_id}".encode()).hexdigest()[:12]
