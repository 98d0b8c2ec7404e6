"""Which sides stand together: the stance-alignment network and its blocs."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from itertools import combinations

import networkx as nx

from ceasefire_kg.analysis.negotiation import NegotiationGraph, on_or_before
from ceasefire_kg.analysis.tables import Table
from ceasefire_kg.backends.base import Progress, no_progress
from ceasefire_kg.namespaces import CF, STANCE

logger = logging.getLogger(__name__)

#: How stances compare in :func:`alignment`: the same class agrees, different classes oppose.
STANCE_CLASSES = {
    str(STANCE["accepts"]): "for",
    str(STANCE["supports"]): "for",
    str(STANCE["conditionally-accepts"]): "conditional",
    str(STANCE["rejects"]): "against",
}
#: A proposer with no position of its own on its proposal counts as supporting it.
PROPOSER_STANCE = str(STANCE["supports"])

_LOUVAIN_SEED = 0


@dataclass(frozen=True)
class Alignment:
    """The alignment network and its blocs.

    Attributes:
        network: Sides as nodes (``label``, ``bloc``); an edge between two sides
            that took stances on the same proposal, with ``agreements``,
            ``disagreements``, ``weight`` (agreements minus disagreements) and
            ``proposals`` (their labels, ``; ``-joined).
        blocs: Groups of side IRIs, largest first.
        stances: One row per side and proposal: the stance compared.
    """

    network: nx.Graph
    blocs: tuple[tuple[str, ...], ...]
    stances: Table
    #: The labels of the proposals each pair (sorted IRIs) compared on.
    shared: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    def pairs(self) -> Table:
        """One row per pair of sides: agreements, disagreements, net weight, blocs."""
        labels = nx.get_node_attributes(self.network, "label")
        blocs = nx.get_node_attributes(self.network, "bloc")
        rows = []
        for a, b, data in self.network.edges(data=True):
            first, second = sorted((a, b), key=lambda n: (labels[n], n))
            rows.append(
                (
                    labels[first],
                    labels[second],
                    data["agreements"],
                    data["disagreements"],
                    data["weight"],
                    "same" if blocs[first] == blocs[second] else "different",
                    self.shared[(min(a, b), max(a, b))],
                )
            )
        rows.sort(key=lambda row: (-row[4], row[0], row[1]))
        return Table(("side", "other_side", "agreements", "disagreements", "weight", "blocs", "proposals"), rows)

    def bloc_table(self) -> Table:
        """One row per bloc: its number and members."""
        labels = nx.get_node_attributes(self.network, "label")
        return Table(
            ("bloc", "members"),
            [(number, sorted(labels[n] for n in members)) for number, members in enumerate(self.blocs, start=1)],
        )


def _side_stances(
    negotiation: NegotiationGraph, as_of: dt.date | None, proposals: list[str]
) -> dict[str, dict[str, tuple[str, str, str]]]:
    """For each proposal, each side's stance class, the stance, and where it comes from."""
    result: dict[str, dict[str, tuple[str, str, str]]] = {}
    for proposal in proposals:
        by_side: dict[str, tuple[str, str, str]] = {}
        current = negotiation.current_positions(proposal, as_of)
        for side, positions in current.items():
            stances = sorted({s for p in positions for s in negotiation.objects(p, "stance")})
            classes = {STANCE_CLASSES.get(stance) for stance in stances}
            stance_class = classes.pop() if len(classes) == 1 else None
            if stance_class is not None:
                by_side[side] = (stance_class, stances[0], ", ".join(negotiation.fact_id(p) for p in positions))
        proposed_on = negotiation.value(proposal, "proposedOn")
        for proposer in negotiation.objects(proposal, "proposedBy"):
            side = negotiation.side(proposer)
            if side in current:
                continue
            first = negotiation.first_evidence(proposal)
            known_on = proposed_on or (first.issued if first else None)
            if on_or_before(known_on, as_of):
                by_side[side] = (STANCE_CLASSES[PROPOSER_STANCE], PROPOSER_STANCE, "proposer")
        if by_side:
            result[proposal] = by_side
    return result


def alignment(
    negotiation: NegotiationGraph,
    as_of: dt.date | None = None,
    proposal: str | None = None,
    on_progress: Progress = no_progress,
) -> Alignment:
    """Which sides stand together: the stance-alignment network and its blocs.

    Each side's stance on each proposal is its current one as of the date (as
    in the ``positions`` saved query; people count for the side they
    represent), grouped as for (accepts, supports), conditional
    (conditionally accepts) or against (rejects); ambiguous or mixed stances are
    left out. A proposer without a position of its own counts as supporting its
    proposal. Two sides agree on a proposal when their stances fall in the same
    group and disagree otherwise. Blocs are the Louvain communities of the
    network of pairs that agree more often than they disagree.

    Args:
        negotiation: The graph.
        as_of: Stances as of this date; None for the latest.
        proposal: Only this proposal (an IRI or fact id); None for all.
        on_progress: Told as proposals are compared.
    """
    proposals = (
        [negotiation.resolve(proposal, str(CF.Proposal), "proposal")]
        if proposal
        else negotiation.nodes_of(str(CF.Proposal))
    )
    stances = _side_stances(negotiation, as_of, proposals)
    network: nx.Graph[str] = nx.Graph()
    rows = []
    for number, (proposal_iri, by_side) in enumerate(sorted(stances.items()), start=1):
        on_progress("Comparing stances", number, len(stances))
        proposal_label = negotiation.label(proposal_iri)
        for side, (_stance_class, stance, source) in sorted(by_side.items()):
            network.add_node(side)
            rows.append((negotiation.label(side), proposal_label, negotiation.label(stance), source))
        for a, b in combinations(sorted(by_side), 2):
            if not network.has_edge(a, b):
                network.add_edge(a, b, agreements=0, disagreements=0, proposals=[])
            data = network.edges[a, b]
            data["agreements" if by_side[a][0] == by_side[b][0] else "disagreements"] += 1
            data["proposals"].append(proposal_label)
    for node in network.nodes:
        network.nodes[node]["label"] = negotiation.label(node)
        network.nodes[node]["factId"] = negotiation.fact_id(node)
    shared = {}
    for a, b, data in network.edges(data=True):
        data["weight"] = data["agreements"] - data["disagreements"]
        shared[(min(a, b), max(a, b))] = sorted(set(data["proposals"]))
        # GraphML and GEXF hold no lists: the file gets the labels joined.
        data["proposals"] = "; ".join(shared[(min(a, b), max(a, b))])
    blocs = _blocs(network)
    for number, members in enumerate(blocs, start=1):
        for node in members:
            network.nodes[node]["bloc"] = number
    rows.sort(key=lambda row: (row[1], row[0]))
    return Alignment(network, blocs, Table(("side", "proposal", "stance", "from"), rows), shared)


def _blocs(network: nx.Graph) -> tuple[tuple[str, ...], ...]:
    """Louvain communities of the pairs that agree more than they disagree, largest first."""
    agreeing: nx.Graph[str] = nx.Graph()
    agreeing.add_nodes_from(sorted(network.nodes))
    agreeing.add_weighted_edges_from(
        sorted((a, b, data["weight"]) for a, b, data in network.edges(data=True) if data["weight"] > 0)
    )
    if agreeing.number_of_edges() == 0:
        communities = [{node} for node in agreeing.nodes]
    else:
        communities = nx.community.louvain_communities(agreeing, weight="weight", seed=_LOUVAIN_SEED)
    labels = nx.get_node_attributes(network, "label")
    ordered = [tuple(sorted(group, key=lambda n: (labels.get(n, n), n))) for group in communities]
    return tuple(sorted(ordered, key=lambda group: (-len(group), [labels.get(n, n) for n in group])))
