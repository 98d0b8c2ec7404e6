"""An explanation as text for reading, or as JSON-ready records for programs."""

from __future__ import annotations

from typing import Any

from ceasefire_kg.analysis.explain import Explanation, Link


def format_explanation(explanation: Explanation) -> str:
    """The chain as indented text, one fact per line, each followed by its quote."""
    when = f"as of {explanation.as_of.isoformat()}" if explanation.as_of else "as of the latest facts"
    lines = [f"Demand {explanation.demand_id}, {when}", ""]

    def add(link: Link, indent: str) -> None:
        ident = f"  [{link.fact_id}]" if link.fact_id else ""
        lines.append(f"{indent}{link.relation}: {link.statement}{ident}")
        if link.evidence is not None:
            lines.append(f"{indent}    \u201c{link.evidence.quote}\u201d \u2014 {link.evidence.article}")

    for link in explanation.links:
        add(link, "")
    if not explanation.verdicts:
        lines += ["", "It is not a precondition for any proposal: it blocks nothing."]
    for verdict in explanation.verdicts:
        lines += [
            "",
            f"{'BLOCKS' if verdict.blocking else 'does not block'} {verdict.proposal_label}: {verdict.reason}",
        ]
        for link in verdict.links:
            add(link, "  ")
    return "\n".join(lines) + "\n"


def explanation_record(explanation: Explanation) -> dict[str, Any]:
    """The explanation as JSON-ready dictionaries (dates as ISO text)."""

    def link_record(link: Link) -> dict[str, Any]:
        evidence = link.evidence
        return {
            "relation": link.relation,
            "statement": link.statement,
            "fact_id": link.fact_id,
            "quote": evidence.quote if evidence else None,
            "article": evidence.article if evidence else None,
        }

    return {
        "demand_id": explanation.demand_id,
        "demand": explanation.demand,
        "text": explanation.text,
        "as_of": explanation.as_of.isoformat() if explanation.as_of else None,
        "on_the_table": explanation.on_the_table,
        "chain": [link_record(link) for link in explanation.links],
        "proposals": [
            {
                "proposal": verdict.proposal_label,
                "proposal_id": verdict.proposal_id,
                "scopes": list(verdict.scopes),
                "blocking": verdict.blocking,
                "reason": verdict.reason,
                "chain": [link_record(link) for link in verdict.links],
            }
            for verdict in explanation.verdicts
        ],
    }
