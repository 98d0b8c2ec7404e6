"""Negotiation analytics with networkx: blocs, brokers, and why a demand blocks.

The analyses read the facts they need from either back end (the embedded store
or the graph ``ckg push`` wrote to Neo4j) into one networkx multigraph, a
:class:`NegotiationGraph`. Both back ends give the same multigraph for the
same data, so every analysis answers the same on both.

* :func:`alignment` builds an actor-actor network weighted by how often two
  sides take the same or opposite stance on the same proposals, and finds
  blocs in it by community detection.
* :func:`brokers` scores actors by betweenness on the network of calls,
  meetings, talks, mediation and representation.
* :func:`explain` shows the chain of facts behind a demand's verdicts: which
  proposals it blocks, by the ``blocking-demands`` saved query (:func:`blocking`).
* :func:`gaps` pairs each blocking demand with the other sides' unconditional
  acceptances of the same proposal: the points to negotiate.

Every result is deterministic for the same graph: nodes, edges and rows are
sorted, and community detection runs with a fixed seed on sorted input.

Modules: :mod:`.negotiation` (the multigraph and the status of positions and
demands), :mod:`.blocking`, :mod:`.alignment`, :mod:`.brokers`,
:mod:`.explain` and :mod:`.explanation_output`, :mod:`.gaps`, :mod:`.tables`,
:mod:`.networks` (GraphML and GEXF files).
"""

from __future__ import annotations

from ceasefire_kg.analysis.alignment import PROPOSER_STANCE, STANCE_CLASSES, Alignment, alignment
from ceasefire_kg.analysis.blocking import (
    BLOCKING_QUERY,
    BlockingPair,
    BlockingSet,
    blocking,
    blocking_in,
    blocking_of_proposals,
)
from ceasefire_kg.analysis.brokers import INTERACTION_TYPES, Brokers, brokers
from ceasefire_kg.analysis.explain import (
    UNEXPLAINED_BLOCKING,
    UNEXPLAINED_NOT_BLOCKING,
    Condition,
    Explanation,
    Link,
    ProposalExplanation,
    ProposalVerdict,
    conditions_of,
    explain,
    explain_fact,
    explain_proposal,
)
from ceasefire_kg.analysis.explanation_output import explanation_record, format_explanation
from ceasefire_kg.analysis.gaps import GAP_COLUMNS, gaps
from ceasefire_kg.analysis.negotiation import (
    ACCEPTING_STANCES,
    CLOSED_STATUSES,
    CONDITIONING_STANCES,
    PROPERTY_KEYS,
    DemandStatus,
    Evidence,
    NegotiationGraph,
)
from ceasefire_kg.analysis.networks import GRAPH_FORMATS, write_network
from ceasefire_kg.analysis.tables import Table

__all__ = [
    "ACCEPTING_STANCES",
    "BLOCKING_QUERY",
    "CLOSED_STATUSES",
    "CONDITIONING_STANCES",
    "GAP_COLUMNS",
    "GRAPH_FORMATS",
    "INTERACTION_TYPES",
    "PROPERTY_KEYS",
    "PROPOSER_STANCE",
    "STANCE_CLASSES",
    "UNEXPLAINED_BLOCKING",
    "UNEXPLAINED_NOT_BLOCKING",
    "Alignment",
    "BlockingPair",
    "BlockingSet",
    "Brokers",
    "Condition",
    "DemandStatus",
    "Evidence",
    "Explanation",
    "Link",
    "NegotiationGraph",
    "ProposalExplanation",
    "ProposalVerdict",
    "Table",
    "alignment",
    "blocking",
    "blocking_in",
    "blocking_of_proposals",
    "brokers",
    "conditions_of",
    "explain",
    "explain_fact",
    "explain_proposal",
    "explanation_record",
    "format_explanation",
    "gaps",
    "write_network",
]
