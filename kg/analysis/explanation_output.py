"""An explanation as text for reading, or as JSON-ready records for programs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ceasefire_kg.analysis.explain import Condition, Explanation, Link, ProposalExplanation
from ceasefire_kg.wording import counted


def _add_link(lines: list[str], link: Link, indent: str) -> None:
    ident = f"  [{link.fact_id}]" if link.fact_id else ""
    lines.append(f"{indent}{link.relation}: {link.statement}{ident}")
    if link.evidence is not None:
        lines.append(f"{indent}    \u201c{link.evidence.quote}\u201d \u2014 {link.evidence.article}")


def _add_condition(lines: list[str], condition: Condition, indent: str, relation: str) -> None:
    """A demand of a chain, its responses, and (indented further) the demands it is conditional on."""
    made_by = f" (demanded by {', '.join(condition.made_by)})" if condition.made_by else ""
    again = " (already above in this chain: a cycle, not followed again)" if condition.repeated else ""
    _add_link(
        lines, Link(relation, f"{condition.text}{made_by}{again}", condition.demand_id, condition.evidence), indent
    )
    for response in condition.responses:
        _add_link(lines, response, indent + "  ")
    for inner in condition.conditions:
        _add_condition(lines, inner, indent + "  ", "conditional on")


def _when(as_of: dt.date | None) -> str:
    return f"as of {as_of.isoformat()}" if as_of else "as of the latest facts"


def format_explanation(explanation: Explanation | ProposalExplanation) -> str:
    """The chain as indented text, one fact per line, each followed by its quote."""
    if isinstance(explanation, ProposalExplanation):
        return _format_proposal(explanation)
    lines = [f"Demand {explanation.demand_id}, {_when(explanation.as_of)}", ""]

    def add(link: Link, indent: str) -> None:
        _add_link(lines, link, indent)

    for link in explanation.links:
        add(link, "")
    for response in explanation.responses:
        add(response, "")
    for condition in explanation.conditions:
        _add_condition(lines, condition, "", "conditional on")
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


def _format_proposal(explanation: ProposalExplanation) -> str:
    lines = [f"Proposal {explanation.proposal_id}, {_when(explanation.as_of)}", ""]
    if not explanation.blocking:
        lines.append(f"No open demand blocks {explanation.label}.")
    else:
        count = len(explanation.blocking)
        lines.append(f"{explanation.label} is blocked by {counted(count, 'open demand')}:")
        for condition in explanation.blocking:
            lines.append("")
            _add_condition(lines, condition, "", "blocking demand")
    return "\n".join(lines) + "\n"


def _condition_record(condition: Condition) -> dict[str, Any]:
    return {
        "demand_id": condition.demand_id,
        "demand": condition.demand,
        "text": condition.text,
        "made_by": list(condition.made_by),
        "quote": condition.evidence.quote if condition.evidence else None,
        "article": condition.evidence.article if condition.evidence else None,
        "repeated": condition.repeated,
        "responses": [_link_record(link) for link in condition.responses],
        "conditions": [_condition_record(inner) for inner in condition.conditions],
    }


def _link_record(link: Link) -> dict[str, Any]:
    evidence = link.evidence
    return {
        "relation": link.relation,
        "statement": link.statement,
        "fact_id": link.fact_id,
        "quote": evidence.quote if evidence else None,
        "article": evidence.article if evidence else None,
    }


def explanation_record(explanation: Explanation | ProposalExplanation) -> dict[str, Any]:
    """The explanation as JSON-ready dictionaries (dates as ISO text)."""
    if isinstance(explanation, ProposalExplanation):
        return {
            "proposal_id": explanation.proposal_id,
            "proposal": explanation.proposal,
            "label": explanation.label,
            "as_of": explanation.as_of.isoformat() if explanation.as_of else None,
            "blocking": [_condition_record(condition) for condition in explanation.blocking],
        }

    link_record = _link_record
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
        "responses": [_link_record(link) for link in explanation.responses],
        "conditions": [_condition_record(condition) for condition in explanation.conditions],
    }
