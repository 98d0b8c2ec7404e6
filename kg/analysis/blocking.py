"""Which demands block which proposals: the rows of the ``blocking-demands`` saved query.

"A demand blocks a proposal" has one definition, that query's (its Cypher for
Neo4j, its SPARQL twin for the embedded store, held to the same rows by the
golden-answer tests). The analyses that need it (:func:`~ceasefire_kg.analysis.explain`,
:func:`~ceasefire_kg.analysis.gaps`) run the query through the back end and
take its (demand, proposal) pairs; the multigraph only shows the facts behind them.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ceasefire_kg.analysis.negotiation import NegotiationGraph
from ceasefire_kg.backends.base import Backend
from ceasefire_kg.namespaces import CF
from ceasefire_kg.saved_queries import SavedQuery, find_query

logger = logging.getLogger(__name__)

#: The saved query that defines "a demand blocks a proposal".
BLOCKING_QUERY = "blocking-demands"


@dataclass(frozen=True, order=True)
class BlockingPair:
    """A demand that blocks a proposal, by their fact ids (the query's ``demand_id`` and ``proposal_id``)."""

    demand_id: str
    proposal_id: str


@dataclass(frozen=True)
class BlockingSet:
    """The (demand, proposal) pairs that ``blocking-demands`` answered, as of one date.

    Attributes:
        as_of: The date asked about; None for the latest.
        pairs: The pairs; a demand made a precondition by several actors is one pair.
    """

    as_of: dt.date | None
    pairs: frozenset[BlockingPair] = frozenset()

    def blocks(self, demand_id: str, proposal_id: str) -> bool:
        """Whether the query says the demand blocks the proposal."""
        return BlockingPair(demand_id, proposal_id) in self.pairs

    def __iter__(self) -> Iterator[BlockingPair]:
        return iter(sorted(self.pairs))

    def __len__(self) -> int:
        return len(self.pairs)


@functools.cache
def _blocking_query() -> SavedQuery:
    # Parsed once: explain runs it once per proposal.
    return find_query(BLOCKING_QUERY)


def blocking(
    backend: Backend, as_of: dt.date | None = None, scope: str | None = None, proposal: str | None = None
) -> BlockingSet:
    """Run ``blocking-demands`` once, as ``ckg query blocking-demands`` would, and keep its pairs.

    Args:
        backend: Where to run it (open).
        as_of: As of this date; None for the latest.
        scope: Proposals of this scope or a narrower one (an IRI or id); None
            for the query's default, comprehensive.
        proposal: Only this proposal (an IRI); the scope is then ignored.

    Raises:
        QueryParameterError: ``scope`` or ``proposal`` is not an IRI or id.
        CkgError: The back end failed to answer (see :meth:`Backend.run`).
    """
    query = _blocking_query()
    given = {
        name: value
        for name, value in (
            ("scope", scope),
            ("proposal", proposal),
            ("as_of", as_of.isoformat() if as_of is not None else None),
        )
        if value is not None
    }
    result = backend.run(query, query.bind(given))
    pairs = set()
    for record in result.records():
        if record["demand_id"] is None or record["proposal_id"] is None:
            # Facts without an id cannot be matched to the graph's; the loader gives every fact one.
            logger.debug("A %s row without ids is left out: %s", BLOCKING_QUERY, record)
            continue
        pairs.add(BlockingPair(str(record["demand_id"]), str(record["proposal_id"])))
    logger.debug("%s as of %s: %d blocking pairs", BLOCKING_QUERY, as_of, len(pairs))
    return BlockingSet(as_of, frozenset(pairs))


def blocking_of_proposals(backend: Backend, proposals: Iterable[str], as_of: dt.date | None = None) -> BlockingSet:
    """The blocking pairs of some proposals (IRIs), one query per proposal."""
    return _joined(as_of, (blocking(backend, as_of, proposal=proposal) for proposal in sorted(set(proposals))))


def blocking_in(
    negotiation: NegotiationGraph,
    backend: Backend,
    as_of: dt.date | None = None,
    scope: str | None = None,
    proposal: str | None = None,
) -> BlockingSet:
    """The blocking pairs of one proposal, of a scope, or of every proposal.

    For every proposal (neither ``scope`` nor ``proposal``), the query runs
    once per broadest scope the graph's proposals fall under, and once for
    each proposal without a scope.

    Args:
        negotiation: The graph read from ``backend``: which proposals and scopes there are.
        backend: Where to run the query (open).
        as_of: As of this date; None for the latest.
        scope: Only proposals of this scope or a narrower one (an IRI).
        proposal: Only this proposal (an IRI); the scope is then ignored.
    """
    if proposal is not None:
        return blocking(backend, as_of, proposal=proposal)
    if scope is not None:
        return blocking(backend, as_of, scope=scope)
    broadest: set[str] = set()
    unscoped = []
    for candidate in negotiation.nodes_of(str(CF.Proposal)):
        scopes = negotiation.broadest_scopes(candidate)
        broadest.update(scopes)
        if not scopes:
            unscoped.append(candidate)
    by_scope = [blocking(backend, as_of, scope=top) for top in sorted(broadest)]
    return _joined(as_of, [*by_scope, blocking_of_proposals(backend, unscoped, as_of)])


def _joined(as_of: dt.date | None, found: Iterable[BlockingSet]) -> BlockingSet:
    return BlockingSet(as_of, frozenset(pair for each in found for pair in each.pairs))
