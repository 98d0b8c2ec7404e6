"""Actors who connect otherwise separate sides: betweenness on the interaction network."""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import combinations

import networkx as nx

from ceasefire_kg.analysis.negotiation import NegotiationGraph, on_or_before
from ceasefire_kg.analysis.tables import Table
from ceasefire_kg.backends.base import Progress, no_progress
from ceasefire_kg.namespaces import CF, ETYPE

logger = logging.getLogger(__name__)

#: Event types that bring actors into contact.
INTERACTION_TYPES = frozenset({str(ETYPE["call"]), str(ETYPE["meeting"]), str(ETYPE["talks"])})
#: The ``cf:talksFormat`` of talks where the sides did not meet: mediators carried the messages.
PROXIMITY = "proximity"


@dataclass(frozen=True)
class Brokers:
    """The interaction network and each actor's betweenness.

    Attributes:
        network: Actors as nodes (``label``, ``side``, ``betweenness``); an edge
            for each pair in contact, with ``weight`` (how many contacts) and
            ``kinds`` (call, meeting, talks, mediation, represents).
        table: One row per actor, highest betweenness first.
    """

    network: nx.Graph
    table: Table


def brokers(
    negotiation: NegotiationGraph, as_of: dt.date | None = None, on_progress: Progress = no_progress
) -> Brokers:
    """Actors who connect otherwise separate sides: betweenness on the interaction network.

    Two actors are in contact when they take part in the same call, meeting or
    talks (participants, initiators and mediators), when one mediates a
    proposal or event between parties, or when one represents the other
    (Putin and Russia). Proximity talks (``format: proximity``, the mediators
    carrying messages between sides who did not meet) bring no participant in
    contact with another: each is in contact with the mediators only. Events
    count from their date (else from their first report) on or before
    ``as_of``. The score is the normalised betweenness of a third party: of
    the shortest paths between actors of two other sides, the share that pass
    through this actor (a side relaying for its own people does not count as
    brokering).
    """
    contacts: Counter[tuple[str, str]] = Counter()
    kinds: dict[tuple[str, str], set[str]] = defaultdict(set)

    def connect(a: str, b: str, kind: str) -> None:
        if a != b:
            pair = (min(a, b), max(a, b))
            contacts[pair] += 1
            kinds[pair].add(kind)

    events = [
        e
        for e in negotiation.nodes_of(str(CF.Event))
        if INTERACTION_TYPES.intersection(negotiation.objects(e, "eventType"))
    ]
    for number, event in enumerate(events, start=1):
        if number % 1000 == 0:
            on_progress("Collecting contacts", number, len(events))
        first = negotiation.first_evidence(event)
        when = negotiation.value(event, "date") or (first.issued if first else None)
        if not on_or_before(when, as_of):
            continue
        kind = negotiation.label(negotiation.objects(event, "eventType")[0])
        present = sorted(set(negotiation.objects(event, "participant")) | set(negotiation.objects(event, "initiator")))
        if PROXIMITY not in negotiation.values(event, "talksFormat"):
            for a, b in combinations(present, 2):
                connect(a, b, kind)
        for mediator in negotiation.objects(event, "mediator"):
            for actor in present:
                connect(mediator, actor, "mediation")
    for proposal in negotiation.nodes_of(str(CF.Proposal)):
        first = negotiation.first_evidence(proposal)
        when = negotiation.value(proposal, "proposedOn") or (first.issued if first else None)
        if not on_or_before(when, as_of):
            continue
        for mediator in negotiation.objects(proposal, "mediator"):
            for party in negotiation.objects(proposal, "party"):
                connect(mediator, party, "mediation")
    involved = {actor for pair in contacts for actor in pair}
    for actor in sorted(involved):
        for represented in negotiation.objects(actor, "represents"):
            connect(actor, represented, "represents")

    network: nx.Graph[str] = nx.Graph()
    for actor in sorted({actor for pair in contacts for actor in pair}):
        network.add_node(
            actor,
            label=negotiation.label(actor),
            factId=negotiation.fact_id(actor),
            side=negotiation.label(negotiation.side(actor)),
        )
    for pair in sorted(contacts):
        network.add_edge(*pair, weight=contacts[pair], kinds="; ".join(sorted(kinds[pair])))
    scores = _third_party_betweenness(network, {actor: negotiation.side(actor) for actor in network.nodes}, on_progress)
    rows = []
    for actor in network.nodes:
        score = round(scores[actor], 6)
        network.nodes[actor]["betweenness"] = score
        neighbour_sides = sorted(
            {negotiation.label(negotiation.side(n)) for n in network.neighbors(actor)} - {network.nodes[actor]["side"]}
        )
        rows.append(
            (network.nodes[actor]["label"], network.nodes[actor]["side"], score, network.degree(actor), neighbour_sides)
        )
    rows.sort(key=lambda row: (-row[2], row[0]))
    return Brokers(network, Table(("actor", "side", "betweenness", "contacts", "connects"), rows))


def _third_party_betweenness(network: nx.Graph, sides: dict[str, str], on_progress: Progress) -> dict[str, float]:
    """For each actor, the share of shortest paths between actors of two other sides that pass through it.

    Args:
        network: The interaction network.
        sides: Each actor's side (an IRI).
        on_progress: Told per pair of sides.
    """
    members: dict[str, list[str]] = defaultdict(list)
    for actor in sorted(network.nodes):
        members[sides[actor]].append(actor)
    totals = dict.fromkeys(network.nodes, 0.0)
    possible = dict.fromkeys(network.nodes, 0)
    side_pairs = list(combinations(sorted(members), 2))
    for number, (first, second) in enumerate(side_pairs, start=1):
        on_progress("Computing betweenness", number, len(side_pairs))
        pairs = len(members[first]) * len(members[second])
        # networkx halves path counts on undirected graphs, where it would see each pair twice.
        through = nx.betweenness_centrality_subset(network, members[first], members[second], normalized=False)
        for actor, value in through.items():
            if sides[actor] not in (first, second):
                totals[actor] += 2 * value
                possible[actor] += pairs
    return {actor: (totals[actor] / possible[actor] if possible[actor] else 0.0) for actor in network.nodes}
