"""One sentence per lead, the way an investigator would write it: who, what they did, why it matters.

"Kyrgyz firm ОсОО «Альфа Чип Трейд», founded in March 2022, imported 21,000 units of HS 8542 and sent
98% of them on to RU within a median 14 days; it shares an owner with its buyer; its buyer is listed."
The lead's strongest finding gives the main clause (its explanation without the subject's name, which the
sentence already says); the others add short clauses in order of what they count.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Final

ADJECTIVES: Final[dict[str, str]] = {
    "AE": "Emirati", "AM": "Armenian", "AZ": "Azerbaijani", "BY": "Belarusian", "CN": "Chinese",
    "DE": "German", "FI": "Finnish", "FR": "French", "GB": "British", "GE": "Georgian", "HK": "Hong Kong",
    "IN": "Indian", "IT": "Italian", "JP": "Japanese", "KG": "Kyrgyz", "KR": "South Korean",
    "KZ": "Kazakh", "LT": "Lithuanian", "LV": "Latvian", "MN": "Mongolian", "NL": "Dutch", "PL": "Polish",
    "RS": "Serbian", "RU": "Russian", "TJ": "Tajik", "TM": "Turkmen", "TR": "Turkish", "TW": "Taiwanese",
    "UA": "Ukrainian", "US": "US", "UZ": "Uzbek",
}  # fmt: skip
"""How a sentence names a country's firms and people."""

TAGS: Final[dict[str, str]] = {
    "entities.shared_control": "it shares an owner, director, relative or contact with its buyer",
    "entities.fifty_percent": "listed parties own 50% or more of it",
    "entities.listed": "it is on a sanctions list",
    "entities.listed_proximity": "it is a few links from a listed or defence-sector party",
    "entities.licence_excess": "its licences or imports of a controlled good exceed its country's whole pre-war market",
    "entities.first_controlled_trade": "it never traded controlled goods before the cut-off",
    "shipments.pass_through": "it re-exported what it imported within weeks",
    "shipments.mislabel": "the goods were declared under the wrong HS code",
    "shipments.markup": "it charged its Russian buyer a multiple of the market price",
    "shipments.route": "the goods' route from supplier to destination is documented",
}
"""Short clauses for a lead's further findings."""

SUPPORT_TAGS: Final[dict[str, str]] = {
    "entities.listed": "a party it deals with is on a sanctions list",
    "entities.fifty_percent": "a party it deals with is owned 50% or more by listed parties",
    "entities.listed_proximity": "a party it deals with is close to listed parties",
}
"""Short clauses for findings about the parties a lead's subject deals with."""


def who(kind: str, name: str, country: str | None) -> str:
    """ "Kazakh firm ТОО «Аспан Арба»", "Russian citizen Иванов ...", "firm X (TR)"."""
    noun = "person" if kind == "person" else "firm"
    adjective = ADJECTIVES.get(country or "")
    if adjective:
        return f"{adjective} {noun} {name}"
    return f"{noun} {name}" + (f" ({country})" if country else "")


def founded(findings: list[dict[str, Any]], cutoff: date) -> str:
    """ ", founded in April 2022," when a new-firm finding says when."""
    for f in findings:
        days = (f.get("metrics") or {}).get("days_after_cutoff")
        if f["detector"] == "entities.new_firm" and days is not None:
            return f", founded in {(cutoff + timedelta(days=int(days))).strftime('%B %Y')},"
    return ""


def clause(finding: dict[str, Any], subject_name: str) -> str:
    """A finding's explanation as a clause about the subject (its name dropped from the front)."""
    text = str(finding["explanation"]).strip().rstrip(".")
    if text.startswith(subject_name):
        text = text[len(subject_name) :].strip(" ,:")
    return text


def summarise(lead: Any, cutoff: date) -> str:
    """The lead's sentence (``lead`` is a ``leads.build.Lead`` with its weights computed)."""
    if lead.kind == "flow":
        return clause(lead.own[0], "")
    counted = sorted(
        (f for f in lead.own if lead.weight_of(f) > 0),
        key=lambda f: -lead.weight_of(f) * float(f["score"]),
    )
    if not counted:
        return who(lead.kind, lead.name, lead.country)
    main = counted[0]
    if main["detector"] == "entities.new_firm":
        head = who(lead.kind, lead.name, lead.country) + " " + clause(main, lead.name)
    else:
        head = (
            who(lead.kind, lead.name, lead.country)
            + founded(lead.own, cutoff)
            + " "
            + clause(main, lead.name)
        )
    extra = [
        TAGS[f["detector"]]
        for f in counted[1:]
        if f["detector"] in TAGS and f["detector"] != "entities.new_firm"
    ]
    extra += [
        SUPPORT_TAGS[f["detector"]]
        for f in lead.support
        if lead.weight_of(f) > 0 and f["detector"] in SUPPORT_TAGS
    ]
    seen: list[str] = []
    for tag in extra:
        if tag not in seen:
            seen.append(tag)
    return head + "".join(f"; {tag}" for tag in seen) + "."
