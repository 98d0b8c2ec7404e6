"""Demands and positions that cannot both hold: the points to negotiate."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from ceasefire_kg.analysis.blocking import blocking_in
from ceasefire_kg.analysis.negotiation import NegotiationGraph
from ceasefire_kg.analysis.tables import Table
from ceasefire_kg.backends.base import Backend, Progress, no_progress
from ceasefire_kg.namespaces import CF

logger = logging.getLogger(__name__)

#: The columns of :func:`gaps`' table.
GAP_COLUMNS = (
    "proposal",
    "demand",
    "demanded_by",
    "accepting_side",
    "position",
    "addressed",
    "demand_quote",
    "position_quote",
    "demand_id",
)


def gaps(
    negotiation: NegotiationGraph,
    backend: Backend,
    as_of: dt.date | None = None,
    scope: str | None = None,
    proposal: str | None = None,
    on_progress: Progress = no_progress,
) -> Table:
    """Demands and positions that cannot both hold: the points to negotiate.

    A gap pairs a blocking demand (a row of the ``blocking-demands`` saved
    query, run through ``backend``) with another side's current unconditional
    acceptance of the same proposal: one side makes the proposal wait on the
    demand while the other accepts it as it stands, without it. ``addressed``
    says whether the demand is made of the accepting side itself (or of a bloc
    it belongs to).

    Args:
        negotiation: The graph, read from ``backend``.
        backend: Where the query runs (open).
        as_of: As of this date; None for the latest.
        scope: Only proposals of this scope or a narrower one (an IRI); None for all.
        proposal: Only this proposal (an IRI or fact id).
        on_progress: Told as blocking demands are paired.

    Raises:
        UnknownFact: No proposal has the id or IRI ``proposal``.
        CkgError: The back end failed to answer the query.
    """
    proposal_iri = negotiation.resolve(proposal, str(CF.Proposal), "proposal") if proposal else None
    pairs = []
    for pair in blocking_in(negotiation, backend, as_of, scope, proposal_iri):
        demand = negotiation.resolve(pair.demand_id, str(CF.Demand), "demand")
        blocked = negotiation.resolve(pair.proposal_id, str(CF.Proposal), "proposal")
        pairs.append((demand, blocked))
    # Rows tied on every sort key below keep this order: by demand, then by proposal.
    pairs.sort(key=lambda pair: (pair[0], negotiation.label(pair[1]), pair[1]))
    rows = []
    for number, (demand, blocked) in enumerate(pairs, start=1):
        if number % 500 == 0:
            on_progress("Pairing blocking demands", number, len(pairs))
        rows.extend(_gaps_of(negotiation, demand, blocked, as_of))
    on_progress("Pairing blocking demands", len(pairs), len(pairs))
    rows.sort(key=lambda row: (row[0], row[1], row[3], row[4], row[8]))
    return Table(GAP_COLUMNS, rows)


def _gaps_of(negotiation: NegotiationGraph, demand: str, proposal: str, as_of: dt.date | None) -> list[tuple[Any, ...]]:
    """The rows of one blocking (demand, proposal): one per other side that accepts unconditionally."""
    makers = {negotiation.side(m) for m in negotiation.objects(demand, "demandedBy")}
    makers |= {
        negotiation.side(h)
        for p in negotiation.subjects(demand, "conditionedOn")
        for h in negotiation.objects(p, "holder")
    }
    targets = set(negotiation.objects(demand, "demandedOf"))
    target_sides = {negotiation.side(t) for t in targets} | targets
    text = str(negotiation.value(demand, "text") or negotiation.label(demand))
    rows = []
    for side in sorted(negotiation.current_positions(proposal, as_of)):
        if side in makers:
            continue
        acceptance = negotiation.unconditional_acceptance(side, proposal, as_of)
        if acceptance is None:
            continue
        blocs = set(negotiation.objects(side, "memberOf"))
        demand_quote = negotiation.first_evidence(demand)
        position_quote = negotiation.first_evidence(acceptance)
        rows.append(
            (
                negotiation.label(proposal),
                text,
                ", ".join(sorted(negotiation.label(s) for s in makers)),
                negotiation.label(side),
                negotiation.fact_id(acceptance),
                bool(target_sides & ({side} | blocs)),
                demand_quote.quote if demand_quote else None,
                position_quote.quote if position_quote else None,
                negotiation.fact_id(demand),
            )
        )
    return rows
