"""Negotiation analytics with networkx: blocs, brokers, and why a demand blocks.

The analyses read the facts they need from either backend (the embedded store
or the graph ``ckg push`` wrote to Neo4j) into one networkx multigraph, a
:class:`NegotiationGraph`: every resource is a node (keyed by its IRI) whose
literal values are node attributes, and every object property is an edge keyed
by the property's name. Both backends give the same multigraph for the same
data, so every analysis answers the same on both.

* :func:`alignment` builds an actor-actor network weighted by how often two
  sides take the same or opposite stance on the same proposals, and finds
  blocs in it by community detection.
* :func:`brokers` scores actors by betweenness on the network of calls,
  meetings, talks, mediation and representation.
* :func:`explain` shows the chain of facts that makes a demand blocking, by the
  definition of the ``blocking-demands`` saved query.
* :func:`gaps` pairs each blocking demand with the other sides' unconditional
  acceptances of the same proposal: the points to negotiate.

Every result is deterministic for the same graph: nodes, edges and rows are
sorted, and community detection runs with a fixed seed on sorted input.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence, Sized
from dataclasses import dataclass, field
from itertools import combinations
from typing import IO, Any

import networkx as nx
import pyoxigraph as ox
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from ceasefire_kg.backends.base import Backend
from ceasefire_kg.errors import AnalysisError, UnknownFact
from ceasefire_kg.namespaces import CF, ETYPE, OA, STANCE, STATUS

logger = logging.getLogger(__name__)

#: Called with (what is being done, items done, items in all or None when unknown).
Progress = Callable[[str, int, "int | None"], None]

#: The properties the analyses read, by the key they get in the multigraph.
PROPERTY_KEYS: dict[str, str] = {
    str(RDF.type): "type",
    str(RDFS.label): "label",
    str(SKOS.prefLabel): "prefLabel",
    str(SKOS.broader): "broader",
    str(DCTERMS.issued): "issued",
    str(PROV.wasDerivedFrom): "derivedFrom",
    str(OA.exact): "exact",
    **{
        str(CF[name]): name
        for name in (
            "factId",
            "represents",
            "memberOf",
            "proposedBy",
            "party",
            "mediator",
            "scope",
            "statusRecord",
            "status",
            "asOf",
            "proposedOn",
            "declaredOn",
            "isConditional",
            "demandedBy",
            "demandedOf",
            "preconditionFor",
            "text",
            "holder",
            "onProposal",
            "stance",
            "conditionedOn",
            "supersedes",
            "date",
            "eventType",
            "initiator",
            "participant",
            "concerns",
            "evidence",
            "inArticle",
        )
    },
}

#: Stances that accept a proposal (unconditionally, when the position has no conditions).
ACCEPTING_STANCES = frozenset({str(STANCE["accepts"]), str(STANCE["supports"])})
#: Stances whose conditions make a demand a precondition for the proposal.
CONDITIONING_STANCES = frozenset({str(STANCE["conditionally-accepts"]), str(STANCE["rejects"])})
#: Demand statuses that take a demand off the table.
CLOSED_STATUSES = frozenset({str(STATUS["met"]), str(STATUS["withdrawn"])})
#: Event types that bring actors into contact, for :func:`brokers`.
INTERACTION_TYPES = frozenset({str(ETYPE["call"]), str(ETYPE["meeting"]), str(ETYPE["talks"])})

#: How stances compare in :func:`alignment`: the same class agrees, different classes oppose.
STANCE_CLASSES = {
    str(STANCE["accepts"]): "for",
    str(STANCE["supports"]): "for",
    str(STANCE["conditionally-accepts"]): "conditional",
    str(STANCE["rejects"]): "against",
}
#: A proposer with no position of its own on its proposal counts as supporting it.
PROPOSER_STANCE = str(STANCE["supports"])

GRAPH_FORMATS = ("graphml", "gexf")
_XSD = str(XSD)
_INTEGER_TYPES = {_XSD + name for name in ("integer", "int", "long", "nonNegativeInteger", "positiveInteger")}
_LOUVAIN_SEED = 0


def _no_progress(stage: str, done: int, total: int | None) -> None:
    pass


def _python_value(literal: ox.Literal) -> Any:
    datatype = literal.datatype.value
    if datatype == _XSD + "date":
        try:
            return dt.date.fromisoformat(literal.value)
        except ValueError:
            return literal.value
    if datatype in _INTEGER_TYPES:
        return int(literal.value)
    if datatype == _XSD + "boolean":
        return literal.value in ("true", "1")
    return literal.value


def _on_or_before(date: dt.date | None, as_of: dt.date | None) -> bool:
    """Whether a fact dated ``date`` is known as of ``as_of`` (None: everything is)."""
    return as_of is None or (date is not None and date <= as_of)


# --- the negotiation as a networkx multigraph -------------------------------------------


class NegotiationGraph:
    """The facts the analyses need, as a networkx :class:`~networkx.MultiDiGraph`.

    Nodes are resources keyed by IRI. A node's literal values are attributes
    holding sorted lists (``graph.nodes[iri]["label"]``), its ``rdf:type`` values
    the set ``types``; each object property is an edge keyed by the property's
    name (``graph.edges[position, proposal, "onProposal"]``).
    """

    def __init__(self, graph: nx.MultiDiGraph) -> None:
        self.graph = graph
        self._fact_ids: dict[str, list[str]] | None = None

    # -- building ---------------------------------------------------------------

    @classmethod
    def from_triples(
        cls, triples: Iterable[Sequence[Any]], on_progress: Progress = _no_progress, total: int | None = None
    ) -> NegotiationGraph:
        """Build the multigraph from RDF triples, keeping the properties in :data:`PROPERTY_KEYS`.

        Args:
            triples: Distinct triples: :class:`pyoxigraph.Triple` objects or
                (subject, predicate, object) tuples of pyoxigraph terms (a
                triple given twice is kept once).
            on_progress: Told every 10,000 triples.
            total: How many triples there are, when known (for progress).
        """
        literal_values: dict[str, dict[str, set[Any]]] = defaultdict(lambda: defaultdict(set))
        types: dict[str, set[str]] = defaultdict(set)
        edges: set[tuple[str, str, str]] = set()
        done = 0
        for done, (subject, predicate, obj) in enumerate(triples, start=1):
            if done % 10_000 == 0:
                on_progress("Reading the graph", done, total)
            key = PROPERTY_KEYS.get(predicate.value)
            if key is None or not isinstance(subject, ox.NamedNode):
                continue
            if isinstance(obj, ox.Literal):
                literal_values[subject.value][key].add(_python_value(obj))
            elif isinstance(obj, ox.NamedNode):
                if key == "type":
                    types[subject.value].add(obj.value)
                else:
                    edges.add((subject.value, obj.value, key))
        on_progress("Reading the graph", done, total)
        graph = nx.MultiDiGraph()
        nodes = sorted(set(literal_values) | set(types) | {e[0] for e in edges} | {e[1] for e in edges})
        for iri in nodes:
            attributes: dict[str, Any] = {
                key: sorted(values, key=str) for key, values in literal_values.get(iri, {}).items()
            }
            attributes["types"] = frozenset(types.get(iri, ()))
            graph.add_node(iri, **attributes)
        for subject_iri, object_iri, key in sorted(edges):
            graph.add_edge(subject_iri, object_iri, key=key)
        return cls(graph)

    @classmethod
    def read(cls, backend: Backend, on_progress: Progress = _no_progress) -> NegotiationGraph:
        """Read the multigraph from a back end (the embedded store, or the graph ``ckg push`` wrote to Neo4j).

        Raises:
            GraphDatabaseError: Neo4j cannot be used.
        """
        triples = backend.triples(PROPERTY_KEYS, on_progress)
        return cls.from_triples(triples, on_progress, total=len(triples) if isinstance(triples, Sized) else None)

    # -- reading ----------------------------------------------------------------

    def objects(self, node: str, key: str) -> list[str]:
        """The targets of ``node``'s ``key`` edges, sorted."""
        if node not in self.graph:
            return []
        return sorted(target for _, target, edge_key in self.graph.out_edges(node, keys=True) if edge_key == key)

    def subjects(self, node: str, key: str) -> list[str]:
        """The sources of the ``key`` edges into ``node``, sorted."""
        if node not in self.graph:
            return []
        return sorted(source for source, _, edge_key in self.graph.in_edges(node, keys=True) if edge_key == key)

    def values(self, node: str, key: str) -> list[Any]:
        """The literal values of ``node`` for ``key``, sorted."""
        if node not in self.graph:
            return []
        return list(self.graph.nodes[node].get(key, ()))

    def value(self, node: str, key: str) -> Any:
        """The first literal value of ``node`` for ``key``, or None."""
        found = self.values(node, key)
        return found[0] if found else None

    def is_a(self, node: str, class_iri: str) -> bool:
        """Whether ``node`` is asserted to be of the class."""
        return node in self.graph and class_iri in self.graph.nodes[node]["types"]

    def label(self, node: str) -> str:
        """A readable name: the label, else the preferred label, else the fact id, else the IRI's tail."""
        for key in ("label", "prefLabel", "factId"):
            found = self.value(node, key)
            if found is not None:
                return str(found)
        return node.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]

    def fact_id(self, node: str) -> str:
        """The fact id (as in the article files), else the IRI."""
        found = self.value(node, "factId")
        return str(found) if found is not None else node

    def side(self, actor: str) -> str:
        """The actor a person speaks for (Putin: Russia), else the actor itself."""
        represented = self.objects(actor, "represents")
        return represented[0] if represented else actor

    def speaks_for(self, holder: str, side: str) -> bool:
        """Whether ``holder`` is ``side`` or represents it."""
        return holder == side or side in self.objects(holder, "represents")

    def nodes_of(self, class_iri: str) -> list[str]:
        """Every node asserted to be of the class, sorted."""
        return sorted(node for node, types in self.graph.nodes(data="types") if types and class_iri in types)

    def evidence(self, node: str) -> list[Evidence]:
        """The quotes behind a fact, in the order their articles were issued."""
        found = []
        for quote in self.objects(node, "evidence"):
            for article in self.objects(quote, "inArticle") or [""]:
                found.append(
                    Evidence(
                        quote=str(self.value(quote, "exact") or ""),
                        article=self.fact_id(article) if article else "",
                        issued=self.value(article, "issued") if article else None,
                    )
                )
        return sorted(found, key=lambda e: (e.issued or dt.date.max, e.article, e.quote))

    def first_evidence(self, node: str) -> Evidence | None:
        """The quote of the first article that reports the fact."""
        found = self.evidence(node)
        return found[0] if found else None

    def resolve(self, reference: str, class_iri: str, kind: str) -> str:
        """The node of a fact given by its fact id or IRI.

        Raises:
            UnknownFact: No fact of that class has this id or IRI; the message
                suggests close ids.
        """
        if self.is_a(reference, class_iri):
            return reference
        if self._fact_ids is None:
            index: dict[str, list[str]] = defaultdict(list)
            for node, ids in self.graph.nodes(data="factId"):
                for fact_id in ids or ():
                    index[str(fact_id)].append(node)
            self._fact_ids = index
        candidates = [node for node in self._fact_ids.get(reference, ()) if self.is_a(node, class_iri)]
        if candidates:
            return sorted(candidates)[0]
        known = sorted(self.fact_id(node) for node in self.nodes_of(class_iri))
        raise UnknownFact.for_reference(reference, kind, known)

    # -- positions and demands as of a date -------------------------------------------

    def superseded(self, position: str, as_of: dt.date | None) -> bool:
        """Whether a position dated on or before ``as_of`` supersedes this one."""
        return any(_on_or_before(self.value(newer, "asOf"), as_of) for newer in self.subjects(position, "supersedes"))

    def has_later_position(self, position: str, proposal: str, side: str, as_of: dt.date | None) -> bool:
        """Whether the side took a later position on the proposal by ``as_of``."""
        date = self.value(position, "asOf")
        if date is None:
            return False
        for later in self.subjects(proposal, "onProposal"):
            later_date = self.value(later, "asOf")
            if later_date is None or later_date <= date or not _on_or_before(later_date, as_of):
                continue
            if any(self.speaks_for(holder, side) for holder in self.objects(later, "holder")):
                return True
        return False

    def is_current(self, position: str, proposal: str, side: str, as_of: dt.date | None) -> bool:
        """Whether a position is the side's current one on the proposal as of the date.

        It is when it is dated on or before the date, no position of that date or
        earlier supersedes it, and the side took no later position on the proposal.
        """
        return (
            _on_or_before(self.value(position, "asOf"), as_of)
            and not self.superseded(position, as_of)
            and not self.has_later_position(position, proposal, side, as_of)
        )

    def current_positions(self, proposal: str, as_of: dt.date | None) -> dict[str, list[str]]:
        """Each side's current positions on the proposal (usually one), by side."""
        found: dict[str, set[str]] = defaultdict(set)
        for position in self.subjects(proposal, "onProposal"):
            for holder in self.objects(position, "holder"):
                side = self.side(holder)
                if self.is_current(position, proposal, side, as_of):
                    found[side].add(position)
        return {side: sorted(positions) for side, positions in sorted(found.items())}

    def unconditional_acceptance(self, side: str, proposal: str, as_of: dt.date | None) -> str | None:
        """The side's current position accepting the proposal without conditions, if any."""
        for position in self.subjects(proposal, "onProposal"):
            if not ACCEPTING_STANCES.intersection(self.objects(position, "stance")):
                continue
            if self.objects(position, "conditionedOn"):
                continue
            if not any(self.speaks_for(holder, side) for holder in self.objects(position, "holder")):
                continue
            if self.is_current(position, proposal, side, as_of):
                return position
        return None

    def demand_status(self, demand: str, as_of: dt.date | None) -> DemandStatus:
        """Whether a demand is on the table as of the date, with its records."""
        records = [r for r in self.objects(demand, "statusRecord") if _on_or_before(self.value(r, "asOf"), as_of)]
        dates = [date for date in (self.value(r, "asOf") for r in records) if date is not None]
        closing = None
        for record in records:
            closed_on = self.value(record, "asOf")
            if not CLOSED_STATUSES.intersection(self.objects(record, "status")):
                continue
            reopened = any(
                date is not None and closed_on is not None and date > closed_on
                for date in (self.value(other, "asOf") for other in records)
            )
            if not reopened:
                closing = record
                break
        latest = max(records, key=lambda r: (self.value(r, "asOf") or dt.date.min, r)) if records else None
        return DemandStatus(
            recorded=bool(records),
            since=min(dates) if dates else None,
            latest_record=latest,
            closing_record=closing,
        )

    def in_scope(self, proposal: str, scope: str) -> bool:
        """Whether one of the proposal's scopes is ``scope`` or narrower than it."""
        for start in self.objects(proposal, "scope"):
            seen = {start}
            frontier = [start]
            while frontier:
                concept = frontier.pop()
                if concept == scope:
                    return True
                for broader in self.objects(concept, "broader"):
                    if broader not in seen:
                        seen.add(broader)
                        frontier.append(broader)
        return False


@dataclass(frozen=True)
class Evidence:
    """A verbatim quote and the article it is from."""

    quote: str
    article: str
    issued: dt.date | None


@dataclass(frozen=True)
class DemandStatus:
    """A demand's status records as of a date.

    Attributes:
        recorded: Whether any status record is dated on or before the date.
        since: The earliest of those records' dates.
        latest_record: The latest of those records.
        closing_record: A latest record saying met or withdrawn, if any: then
            the demand is off the table.
    """

    recorded: bool
    since: dt.date | None
    latest_record: str | None
    closing_record: str | None

    @property
    def on_the_table(self) -> bool:
        """Recorded by the date, and neither met nor withdrawn at its latest record."""
        return self.recorded and self.closing_record is None


# --- tables ----------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """Rows with named columns, formatted like a saved query's result."""

    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]] = field(default_factory=list)

    def records(self) -> list[dict[str, Any]]:
        """The rows as dictionaries keyed by column, in column order."""
        return [dict(zip(self.columns, row)) for row in self.rows]


def write_network(network: nx.Graph, stream: IO[bytes], format_name: str) -> None:
    """Write a network as GraphML or GEXF, for Gephi, yEd or networkx.

    Raises:
        AnalysisError: For a format other than those of :data:`GRAPH_FORMATS`.
    """
    if format_name == "graphml":
        nx.write_graphml(network, stream, encoding="utf-8", prettyprint=True)
    elif format_name == "gexf":
        nx.write_gexf(network, stream, encoding="utf-8", prettyprint=True)
    else:
        raise AnalysisError(f"Unknown network format {format_name!r}: use one of {', '.join(GRAPH_FORMATS)}.")


# --- alignment -------------------------------------------------------------------


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
            if len(classes) == 1 and None not in classes:
                by_side[side] = (classes.pop(), stances[0], ", ".join(negotiation.fact_id(p) for p in positions))
        proposed_on = negotiation.value(proposal, "proposedOn")
        for proposer in negotiation.objects(proposal, "proposedBy"):
            side = negotiation.side(proposer)
            if side in current:
                continue
            first = negotiation.first_evidence(proposal)
            known_on = proposed_on or (first.issued if first else None)
            if _on_or_before(known_on, as_of):
                by_side[side] = (STANCE_CLASSES[PROPOSER_STANCE], PROPOSER_STANCE, "proposer")
        if by_side:
            result[proposal] = by_side
    return result


def alignment(
    negotiation: NegotiationGraph,
    as_of: dt.date | None = None,
    proposal: str | None = None,
    on_progress: Progress = _no_progress,
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
    network = nx.Graph()
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
    agreeing = nx.Graph()
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


# --- brokers ---------------------------------------------------------------------


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
    negotiation: NegotiationGraph, as_of: dt.date | None = None, on_progress: Progress = _no_progress
) -> Brokers:
    """Actors who connect otherwise separate sides: betweenness on the interaction network.

    Two actors are in contact when they take part in the same call, meeting or
    talks (participants, initiators and mediators), when one mediates a
    proposal or event between parties, or when one represents the other
    (Putin and Russia). Events count from their date (else from their first
    report) on or before ``as_of``. The score is the normalised betweenness
    betweenness of a third party: of the shortest paths between actors of two
    other sides, the share that pass through this actor (a side relaying for its
    own people does not count as brokering).
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
        if not _on_or_before(when, as_of):
            continue
        kind = negotiation.label(negotiation.objects(event, "eventType")[0])
        present = sorted(set(negotiation.objects(event, "participant")) | set(negotiation.objects(event, "initiator")))
        for a, b in combinations(present, 2):
            connect(a, b, kind)
        for mediator in negotiation.objects(event, "mediator"):
            for actor in present:
                connect(mediator, actor, "mediation")
    for proposal in negotiation.nodes_of(str(CF.Proposal)):
        first = negotiation.first_evidence(proposal)
        when = negotiation.value(proposal, "proposedOn") or (first.issued if first else None)
        if not _on_or_before(when, as_of):
            continue
        for mediator in negotiation.objects(proposal, "mediator"):
            for party in negotiation.objects(proposal, "party"):
                connect(mediator, party, "mediation")
    involved = {actor for pair in contacts for actor in pair}
    for actor in sorted(involved):
        for represented in negotiation.objects(actor, "represents"):
            connect(actor, represented, "represents")

    network = nx.Graph()
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


# --- explain ---------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    """One fact in a chain: what it says and the quote that supports it."""

    relation: str
    statement: str
    fact_id: str | None = None
    evidence: Evidence | None = None


@dataclass(frozen=True)
class ProposalVerdict:
    """Whether a demand blocks one proposal, and the chain of facts that says so."""

    proposal: str
    proposal_id: str
    proposal_label: str
    scopes: tuple[str, ...]
    blocking: bool
    reason: str
    links: tuple[Link, ...]


@dataclass(frozen=True)
class Explanation:
    """Why a demand blocks (or does not block) the proposals it is a precondition for."""

    demand: str
    demand_id: str
    text: str
    as_of: dt.date | None
    on_the_table: bool
    links: tuple[Link, ...]
    verdicts: tuple[ProposalVerdict, ...]

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


def explain(negotiation: NegotiationGraph, demand_reference: str, as_of: dt.date | None = None) -> Explanation:
    """The chain of facts that makes a demand blocking, by the ``blocking-demands`` definition.

    A demand blocks a proposal when an actor made it a precondition for it
    (directly, or as a condition of the actor's current conditionally-accepting
    or rejecting position), the demand is on the table as of the date (recorded
    by then and neither met nor withdrawn at its latest record), and the
    actor's side does not accept the proposal unconditionally.

    Args:
        negotiation: The graph.
        demand_reference: The demand's fact id or IRI.
        as_of: Answer as of this date; None for the latest.

    Raises:
        UnknownFact: No demand has this id or IRI.
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
    when = f"as of {as_of.isoformat()}" if as_of else "at its latest record"
    if not status.recorded:
        links.append(Link("status", f"not yet recorded {when}"))
    else:
        record = status.closing_record or status.latest_record
        assert record is not None
        status_label = ", ".join(negotiation.label(s) for s in negotiation.objects(record, "status")) or "recorded"
        off = "off the table" if status.closing_record else "on the table"
        links.append(
            Link(
                "status",
                f"{status_label} on {_sentence_date(negotiation.value(record, 'asOf'))} ({off} {when}); "
                f"first recorded {_sentence_date(status.since)}",
                None,
                _record_evidence(negotiation, demand, record),
            )
        )

    by_proposal: dict[str, list[_Route]] = defaultdict(list)
    for route in _routes(negotiation, demand, as_of):
        by_proposal[route.proposal].append(route)
    verdicts = [
        _verdict(negotiation, demand, proposal, routes, status, as_of)
        for proposal, routes in sorted(by_proposal.items())
    ]
    verdicts.sort(key=lambda v: (v.proposal_label, v.proposal))
    return Explanation(
        demand, negotiation.fact_id(demand), text, as_of, status.on_the_table, tuple(links), tuple(verdicts)
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
        if route.position is None:
            links.append(
                Link(
                    "precondition",
                    f"{negotiation.label(route.maker)} made it a precondition for {label}",
                    negotiation.fact_id(demand),
                    negotiation.first_evidence(demand),
                )
            )
        else:
            stance = ", ".join(negotiation.label(s) for s in negotiation.objects(route.position, "stance"))
            links.append(
                Link(
                    "position",
                    f"{negotiation.label(route.maker)}'s current position ({stance}, as of "
                    f"{_sentence_date(negotiation.value(route.position, 'asOf'))}) is conditioned on it",
                    negotiation.fact_id(route.position),
                    negotiation.first_evidence(route.position),
                )
            )
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
    if not status.on_the_table:
        blocking, reason = False, "the demand is not on the table"
    elif not sides:
        blocking, reason = False, "every side that set it accepts the proposal unconditionally"
    else:
        blocking, reason = (
            True,
            f"{' and '.join(sides)} set it as a precondition and do{'es' if len(sides) == 1 else ''} not accept unconditionally",
        )
    return ProposalVerdict(proposal, negotiation.fact_id(proposal), label, scopes, blocking, reason, tuple(links))


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


def blocking_pairs(
    negotiation: NegotiationGraph,
    as_of: dt.date | None = None,
    scope: str | None = None,
    proposal: str | None = None,
    on_progress: Progress = _no_progress,
) -> list[tuple[Explanation, ProposalVerdict]]:
    """Every (demand, proposal) that blocks, by :func:`explain`, for a scope or one proposal."""
    proposal_iri = negotiation.resolve(proposal, str(CF.Proposal), "proposal") if proposal else None
    demands = negotiation.nodes_of(str(CF.Demand))
    found = []
    for number, demand in enumerate(demands, start=1):
        if number % 500 == 0:
            on_progress("Explaining demands", number, len(demands))
        explanation = explain(negotiation, demand, as_of)
        for verdict in explanation.verdicts:
            if not verdict.blocking:
                continue
            if proposal_iri is not None and verdict.proposal != proposal_iri:
                continue
            if proposal_iri is None and scope is not None and not negotiation.in_scope(verdict.proposal, scope):
                continue
            found.append((explanation, verdict))
    on_progress("Explaining demands", len(demands), len(demands))
    return found


# --- gaps ------------------------------------------------------------------------


def gaps(
    negotiation: NegotiationGraph,
    as_of: dt.date | None = None,
    scope: str | None = None,
    proposal: str | None = None,
    on_progress: Progress = _no_progress,
) -> Table:
    """Demands and positions that cannot both hold: the points to negotiate.

    A gap pairs a blocking demand (by :func:`explain`) with another side's
    current unconditional acceptance of the same proposal: one side makes the
    proposal wait on the demand while the other accepts it as it stands,
    without it. ``addressed`` says whether the demand is made of the accepting
    side itself (or of a bloc it belongs to).

    Args:
        negotiation: The graph.
        as_of: As of this date; None for the latest.
        scope: Only proposals of this scope or a narrower one (an IRI); None for all.
        proposal: Only this proposal (an IRI or fact id).
        on_progress: Told as demands are explained.
    """
    rows = []
    for explanation, verdict in blocking_pairs(negotiation, as_of, scope, proposal, on_progress):
        demand = explanation.demand
        makers = {negotiation.side(m) for m in negotiation.objects(demand, "demandedBy")}
        makers |= {
            negotiation.side(h)
            for p in negotiation.subjects(demand, "conditionedOn")
            for h in negotiation.objects(p, "holder")
        }
        targets = set(negotiation.objects(demand, "demandedOf"))
        target_sides = {negotiation.side(t) for t in targets} | targets
        for side in sorted(negotiation.current_positions(verdict.proposal, as_of)):
            if side in makers:
                continue
            acceptance = negotiation.unconditional_acceptance(side, verdict.proposal, as_of)
            if acceptance is None:
                continue
            blocs = set(negotiation.objects(side, "memberOf"))
            addressed = bool(target_sides & ({side} | blocs))
            demand_quote = negotiation.first_evidence(demand)
            position_quote = negotiation.first_evidence(acceptance)
            rows.append(
                (
                    verdict.proposal_label,
                    explanation.text,
                    ", ".join(sorted(negotiation.label(s) for s in makers)),
                    negotiation.label(side),
                    negotiation.fact_id(acceptance),
                    addressed,
                    demand_quote.quote if demand_quote else None,
                    position_quote.quote if position_quote else None,
                    explanation.demand_id,
                )
            )
    rows.sort(key=lambda row: (row[0], row[1], row[3], row[4], row[8]))
    return Table(
        (
            "proposal",
            "demand",
            "demanded_by",
            "accepting_side",
            "position",
            "addressed",
            "demand_quote",
            "position_quote",
            "demand_id",
        ),
        rows,
    )
