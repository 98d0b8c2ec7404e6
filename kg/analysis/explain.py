"""Why a demand blocks (or does not block) a proposal: the chain of facts, each with its quote.

The verdict, blocks or does not block, is the ``blocking-demands`` saved
query's (:mod:`ceasefire_kg.analysis.blocking`): the query runs for each
proposal the demand is a precondition for. The multigraph gives the chain
that leads to it: who made the demand, its status as of the date, how it
became a precondition (directly, or through a current conditionally-accepting
or rejecting position), and whether each side that set it accepts the
proposal unconditionally; and the wording of the reason.

It also follows chains of conditions: the open demands that are preconditions
for the demand (one side demands X for a truce; another makes X conditional on
Y), recursively and cycle-safe, each with the current responses to it ("rejected
by Verenia on 2031-04-02"). Asked about a proposal, explain lists the demands
that block it (the query's rows), each with that chain.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from ceasefire_kg.analysis.blocking import BLOCKING_QUERY, blocking, blocking_of_proposals
from ceasefire_kg.analysis.negotiation import (
    CONDITIONING_STANCES,
    DemandStatus,
    Evidence,
    NegotiationGraph,
)
from ceasefire_kg.backends.base import Backend
from ceasefire_kg.errors import UnknownFact
from ceasefire_kg.namespaces import CF

logger = logging.getLogger(__name__)

#: The reasons given when the query's verdict is not what the chain of facts shows.
#: They never appear while the query and the chain agree, as the tests check.
UNEXPLAINED_BLOCKING = f"the {BLOCKING_QUERY} query lists it, though the facts shown do not say why"
UNEXPLAINED_NOT_BLOCKING = f"the {BLOCKING_QUERY} query does not list it, though the facts shown would make it block"


@dataclass(frozen=True)
class Link:
    """One fact in a chain: what it says and the quote that supports it."""

    relation: str
    statement: str
    fact_id: str | None = None
    evidence: Evidence | None = None


@dataclass(frozen=True)
class ProposalVerdict:
    """Whether a demand blocks one proposal, and the chain of facts that says so.

    Attributes:
        proposal: The proposal's IRI.
        proposal_id: Its fact id.
        proposal_label: Its label.
        scopes: The labels of its scopes.
        blocking: Whether the ``blocking-demands`` query lists the demand for the proposal.
        reason: Why, in words, from the chain.
        links: The chain: the proposal, how the demand became a precondition
            for it, and each side's acceptance.
    """

    proposal: str
    proposal_id: str
    proposal_label: str
    scopes: tuple[str, ...]
    blocking: bool
    reason: str
    links: tuple[Link, ...]


#: How a response's stance reads in a chain: "rejected by Verenia on 2031-04-02".
RESPONSE_WORDS = {
    "accepts": "accepted",
    "conditionally-accepts": "accepted on conditions",
    "rejects": "rejected",
    "considers": "under consideration (will study it)",
}


@dataclass(frozen=True)
class Condition:
    """An open demand in a chain of conditions, with the responses to it and the open demands it is conditional on.

    Attributes:
        demand: The demand's IRI.
        demand_id: Its fact id.
        text: What it demands.
        made_by: Who made it (labels).
        evidence: Its quote in the first article that reports it.
        responses: Each side's current response to it, as links.
        conditions: The open demands that are preconditions for it, each a chain of its own.
        repeated: True when the demand already appears higher up this chain (a cycle): its
            conditions are not followed again.
    """

    demand: str
    demand_id: str
    text: str
    made_by: tuple[str, ...]
    evidence: Evidence | None
    responses: tuple[Link, ...] = ()
    conditions: tuple[Condition, ...] = ()
    repeated: bool = False


@dataclass(frozen=True)
class Explanation:
    """Why a demand blocks (or does not block) the proposals it is a precondition for.

    ``responses`` are the current responses to the demand; ``conditions`` the open
    demands that are preconditions for it, recursively.
    """

    demand: str
    demand_id: str
    text: str
    as_of: dt.date | None
    on_the_table: bool
    links: tuple[Link, ...]
    verdicts: tuple[ProposalVerdict, ...]
    responses: tuple[Link, ...] = ()
    conditions: tuple[Condition, ...] = ()

    def blocking_proposals(self, negotiation: NegotiationGraph, scope: str | None = None) -> list[str]:
        """The IRIs of the proposals it blocks (of ``scope`` or narrower, when given)."""
        return [
            v.proposal
            for v in self.verdicts
            if v.blocking and (scope is None or negotiation.in_scope(v.proposal, scope))
        ]


@dataclass(frozen=True)
class _Route:
    """How a demand became a precondition for a proposal, and for which side."""

    proposal: str
    maker: str
    side: str
    position: str | None


def _routes(negotiation: NegotiationGraph, demand: str, as_of: dt.date | None) -> list[_Route]:
    routes = []
    for proposal in negotiation.objects(demand, "preconditionFor"):
        if not negotiation.is_a(proposal, str(CF.Proposal)):
            continue  # a demand or an event: a link of a chain of conditions (see conditions_of)
        for maker in negotiation.objects(demand, "demandedBy"):
            routes.append(_Route(proposal, maker, negotiation.side(maker), None))
    for position in negotiation.subjects(demand, "conditionedOn"):
        if not CONDITIONING_STANCES.intersection(negotiation.objects(position, "stance")):
            continue
        for proposal in negotiation.objects(position, "onProposal"):
            for holder in negotiation.objects(position, "holder"):
                side = negotiation.side(holder)
                if negotiation.is_current(position, proposal, side, as_of):
                    routes.append(_Route(proposal, holder, side, position))
    return sorted(set(routes), key=lambda r: (r.proposal, r.side, r.position or "", r.maker))


def _sentence_date(date: Any) -> str:
    return date.isoformat() if isinstance(date, dt.date) else "an unknown date"


def explain(
    negotiation: NegotiationGraph, backend: Backend, demand_reference: str, as_of: dt.date | None = None
) -> Explanation:
    """The chain of facts that makes a demand blocking, with the ``blocking-demands`` query's verdicts.

    By that query, a demand blocks a proposal when an actor made it a
    precondition for it (directly, or as a condition of the actor's current
    conditionally-accepting or rejecting position), the demand is on the table
    as of the date (recorded by then and neither met nor withdrawn at its
    latest record), and the actor's side does not accept the proposal
    unconditionally.

    Args:
        negotiation: The graph, read from ``backend``.
        backend: Where the query runs (open), once per proposal the demand is a precondition for.
        demand_reference: The demand's fact id or IRI.
        as_of: Answer as of this date; None for the latest.

    Raises:
        UnknownFact: No demand has this id or IRI.
        CkgError: The back end failed to answer the query.
    """
    demand = negotiation.resolve(demand_reference, str(CF.Demand), "demand")
    text = str(negotiation.value(demand, "text") or negotiation.label(demand))
    links = [Link("demand", text, negotiation.fact_id(demand), negotiation.first_evidence(demand))]
    for maker in negotiation.objects(demand, "demandedBy"):
        side = negotiation.side(maker)
        for_side = f" (for {negotiation.label(side)})" if side != maker else ""
        links.append(Link("demanded by", f"{negotiation.label(maker)}{for_side}", negotiation.fact_id(maker)))
    targets = negotiation.objects(demand, "demandedOf")
    if targets:
        links.append(Link("demanded of", ", ".join(negotiation.label(t) for t in targets)))
    status = negotiation.demand_status(demand, as_of)
    links.append(_status_link(negotiation, demand, status, as_of))
    for target in negotiation.objects(demand, "preconditionFor"):
        # A chain: the demand must be met for another demand, or for an event such as planned talks.
        kind = "demand" if negotiation.is_a(target, str(CF.Demand)) else "event"
        if not negotiation.is_a(target, str(CF.Proposal)):
            target_text = negotiation.value(target, "text") or negotiation.label(target)
            links.append(Link("precondition for", f"{kind}: {target_text}", negotiation.fact_id(target)))

    by_proposal: dict[str, list[_Route]] = defaultdict(list)
    for route in _routes(negotiation, demand, as_of):
        by_proposal[route.proposal].append(route)
    found = blocking_of_proposals(backend, by_proposal, as_of)
    verdicts = [
        _verdict(
            negotiation,
            demand,
            proposal,
            routes,
            status,
            as_of,
            blocks=found.blocks(negotiation.fact_id(demand), negotiation.fact_id(proposal)),
        )
        for proposal, routes in sorted(by_proposal.items())
    ]
    verdicts.sort(key=lambda v: (v.proposal_label, v.proposal))
    return Explanation(
        demand,
        negotiation.fact_id(demand),
        text,
        as_of,
        status.on_the_table,
        tuple(links),
        tuple(verdicts),
        response_links(negotiation, demand, as_of),
        conditions_of(negotiation, demand, as_of),
    )


def response_links(negotiation: NegotiationGraph, demand: str, as_of: dt.date | None) -> tuple[Link, ...]:
    """Each side's current response to the demand, worded as "rejected by Verenia (Mira Soll) on 2031-04-02"."""
    links = []
    for response in negotiation.current_responses(demand, as_of):
        stances = [concept.rsplit("/", 1)[-1] for concept in negotiation.objects(response, "stance")]
        words = ", ".join(RESPONSE_WORDS.get(stance, stance) for stance in stances) or "answered"
        for responder in negotiation.objects(response, "responder"):
            side = negotiation.chain_end(responder)
            voice = f" ({negotiation.label(responder)})" if responder != side else ""
            statement = (
                f"{words} by {negotiation.label(side)}{voice} on {_sentence_date(negotiation.value(response, 'asOf'))}"
            )
            conditions = [
                str(negotiation.value(c, "text") or negotiation.label(c))
                for c in negotiation.objects(response, "conditionedOn")
            ]
            if conditions:
                statement += f", on condition that: {'; '.join(conditions)}"
            sources = [negotiation.label(a) for a in negotiation.objects(response, "accordingTo")]
            if sources:
                statement += f" (according to {', '.join(sources)})"
            links.append(
                Link("response", statement, negotiation.fact_id(response), negotiation.first_evidence(response))
            )
    return tuple(sorted(links, key=lambda link: (link.statement, link.fact_id or "")))


def conditions_of(
    negotiation: NegotiationGraph, node: str, as_of: dt.date | None, above: frozenset[str] = frozenset()
) -> tuple[Condition, ...]:
    """The open demands that are preconditions for ``node`` (a demand, proposal or event), followed recursively.

    Args:
        negotiation: The graph.
        node: Where the chain starts.
        as_of: As of this date; None for the latest.
        above: The demands higher up the chain: met again, one is marked repeated and not followed (a cycle).
    """
    found = []
    for demand in negotiation.preconditions_of(node):
        if not negotiation.demand_status(demand, as_of).on_the_table:
            continue
        found.append(_condition(negotiation, demand, as_of, above | {node}))
    return tuple(sorted(found, key=lambda c: (c.text, c.demand_id)))


def _condition(negotiation: NegotiationGraph, demand: str, as_of: dt.date | None, above: frozenset[str]) -> Condition:
    repeated = demand in above
    return Condition(
        demand,
        negotiation.fact_id(demand),
        str(negotiation.value(demand, "text") or negotiation.label(demand)),
        tuple(negotiation.label(maker) for maker in negotiation.objects(demand, "demandedBy")),
        negotiation.first_evidence(demand),
        response_links(negotiation, demand, as_of),
        () if repeated else conditions_of(negotiation, demand, as_of, above),
        repeated,
    )


@dataclass(frozen=True)
class ProposalExplanation:
    """Why a proposal is blocked: the demands that block it (the ``blocking-demands`` rows), each with its chain.

    Attributes:
        proposal: The proposal's IRI.
        proposal_id: Its fact id.
        label: Its label.
        as_of: The date asked about; None for the latest.
        blocking: Each blocking demand, with the responses to it and the open demands it is conditional on.
    """

    proposal: str
    proposal_id: str
    label: str
    as_of: dt.date | None
    blocking: tuple[Condition, ...]


def explain_proposal(
    negotiation: NegotiationGraph, backend: Backend, proposal_reference: str, as_of: dt.date | None = None
) -> ProposalExplanation:
    """The demands that block a proposal as of the date, each with its chain of conditions and responses.

    Raises:
        UnknownFact: No proposal has this id or IRI.
        CkgError: The back end failed to answer the ``blocking-demands`` query.
    """
    proposal = negotiation.resolve(proposal_reference, str(CF.Proposal), "proposal")
    proposal_id = negotiation.fact_id(proposal)
    blockers = [
        negotiation.resolve(pair.demand_id, str(CF.Demand), "demand")
        for pair in blocking(backend, as_of, proposal=proposal)
        if pair.proposal_id == proposal_id
    ]
    chains = sorted(
        (_condition(negotiation, demand, as_of, frozenset({proposal})) for demand in set(blockers)),
        key=lambda c: (c.text, c.demand_id),
    )
    return ProposalExplanation(proposal, proposal_id, negotiation.label(proposal), as_of, tuple(chains))


def explain_fact(
    negotiation: NegotiationGraph, backend: Backend, reference: str, as_of: dt.date | None = None
) -> Explanation | ProposalExplanation:
    """:func:`explain` for a demand; for a proposal (an id no demand has), :func:`explain_proposal`.

    Raises:
        UnknownFact: Neither a demand nor a proposal has this id or IRI (the message names demands).
        CkgError: The back end failed to answer the ``blocking-demands`` query.
    """
    try:
        return explain(negotiation, backend, reference, as_of)
    except UnknownFact as no_demand:
        try:
            negotiation.resolve(reference, str(CF.Proposal), "proposal")
        except UnknownFact:
            raise no_demand from None
    return explain_proposal(negotiation, backend, reference, as_of)


def _status_link(negotiation: NegotiationGraph, demand: str, status: DemandStatus, as_of: dt.date | None) -> Link:
    when = f"as of {as_of.isoformat()}" if as_of else "at its latest record"
    if not status.recorded:
        return Link("status", f"not yet recorded {when}")
    record = status.closing_record or status.latest_record
    assert record is not None
    status_label = ", ".join(negotiation.label(s) for s in negotiation.objects(record, "status")) or "recorded"
    off = "off the table" if status.closing_record else "on the table"
    return Link(
        "status",
        f"{status_label} on {_sentence_date(negotiation.value(record, 'asOf'))} ({off} {when}); "
        f"first recorded {_sentence_date(status.since)}",
        None,
        _record_evidence(negotiation, demand, record),
    )


def _record_evidence(negotiation: NegotiationGraph, demand: str, record: str) -> Evidence | None:
    """The demand's quote in the article the status record comes from."""
    articles = set(negotiation.objects(record, "derivedFrom"))
    for evidence in negotiation.evidence(demand):
        if any(negotiation.fact_id(a) == evidence.article for a in articles):
            return evidence
    return None


def _verdict(
    negotiation: NegotiationGraph,
    demand: str,
    proposal: str,
    routes: list[_Route],
    status: DemandStatus,
    as_of: dt.date | None,
    *,
    blocks: bool,
) -> ProposalVerdict:
    label = negotiation.label(proposal)
    scopes = tuple(negotiation.label(s) for s in negotiation.objects(proposal, "scope"))
    links = [
        Link(
            "proposal",
            f"{label} (scope: {', '.join(scopes) or 'none given'})",
            negotiation.fact_id(proposal),
            negotiation.first_evidence(proposal),
        )
    ]
    for route in routes:
        links.append(_route_link(negotiation, demand, route, label))
    blocking_sides = []
    for side in sorted({route.side for route in routes}, key=lambda s: (negotiation.label(s), s)):
        side_label = negotiation.label(side)
        acceptance = negotiation.unconditional_acceptance(side, proposal, as_of)
        if acceptance is None:
            blocking_sides.append(side_label)
            links.append(Link("side", f"{side_label} does not accept {label} unconditionally"))
        else:
            links.append(
                Link(
                    "side",
                    f"{side_label} accepts {label} unconditionally",
                    negotiation.fact_id(acceptance),
                    negotiation.first_evidence(acceptance),
                )
            )
    sides = sorted(set(blocking_sides))
    # The chain's own reading, which words the reason when it agrees with the query.
    if not status.on_the_table:
        chain_blocks, reason = False, "the demand is not on the table"
    elif not sides:
        chain_blocks, reason = False, "every side that set it accepts the proposal unconditionally"
    else:
        chain_blocks, reason = (
            True,
            f"{' and '.join(sides)} set it as a precondition and do{'es' if len(sides) == 1 else ''} not accept unconditionally",
        )
    if blocks != chain_blocks:
        logger.warning(
            "The %s query says %s %s %s, but the chain of facts says otherwise.",
            BLOCKING_QUERY,
            negotiation.fact_id(demand),
            "blocks" if blocks else "does not block",
            negotiation.fact_id(proposal),
        )
        reason = UNEXPLAINED_BLOCKING if blocks else UNEXPLAINED_NOT_BLOCKING
    return ProposalVerdict(proposal, negotiation.fact_id(proposal), label, scopes, blocks, reason, tuple(links))


def _route_link(negotiation: NegotiationGraph, demand: str, route: _Route, proposal_label: str) -> Link:
    if route.position is None:
        return Link(
            "precondition",
            f"{negotiation.label(route.maker)} made it a precondition for {proposal_label}",
            negotiation.fact_id(demand),
            negotiation.first_evidence(demand),
        )
    stance = ", ".join(negotiation.label(s) for s in negotiation.objects(route.position, "stance"))
    return Link(
        "position",
        f"{negotiation.label(route.maker)}'s current position ({stance}, as of "
        f"{_sentence_date(negotiation.value(route.position, 'asOf'))}) is conditioned on it",
        negotiation.fact_id(route.position),
        negotiation.first_evidence(route.position),
    )
