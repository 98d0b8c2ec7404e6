"""The negotiation as a networkx multigraph, read from either back end.

Every resource is a node (keyed by its IRI) whose literal values are node
attributes, and every object property is an edge keyed by the property's name.
Both back ends give the same multigraph for the same data. Besides reading the
graph, :class:`NegotiationGraph` answers what every analysis asks: a side's
current positions on a proposal, its unconditional acceptance, a demand's
status, the quotes behind a fact.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence, Sized
from dataclasses import dataclass
from typing import Any

import networkx as nx
import pyoxigraph as ox
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from ceasefire_kg.backends.base import Backend, Progress, no_progress
from ceasefire_kg.errors import UnknownFact
from ceasefire_kg.loaders.actor_checks import MAX_REPRESENTS_DEPTH
from ceasefire_kg.namespaces import CF, OA, STANCE, STATUS

logger = logging.getLogger(__name__)

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
            "responder",
            "toDemand",
            "accordingTo",
            "about",
            "date",
            "eventType",
            "initiator",
            "participant",
            "talksFormat",
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

_XSD = str(XSD)
_INTEGER_TYPES = {_XSD + name for name in ("integer", "int", "long", "nonNegativeInteger", "positiveInteger")}


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


def on_or_before(date: dt.date | None, as_of: dt.date | None) -> bool:
    """Whether a fact dated ``date`` is known as of ``as_of`` (None: everything is)."""
    return as_of is None or (date is not None and date <= as_of)


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
        cls, triples: Iterable[Sequence[Any]], on_progress: Progress = no_progress, total: int | None = None
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
        graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
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
    def read(
        cls, backend: Backend, on_progress: Progress = no_progress, as_of: dt.date | None = None
    ) -> NegotiationGraph:
        """Read the multigraph from a back end (the embedded store, or the graph ``ckg push`` wrote to Neo4j).

        Args:
            backend: Where the graph is.
            on_progress: Told how the reading goes.
            as_of: Read only what was known on this date (``docs/time.md``): an
                analysis as of a date sees nothing a later article reported.

        Raises:
            GraphDatabaseError: Neo4j cannot be used.
        """
        triples = backend.triples(PROPERTY_KEYS, on_progress, known_by=as_of)
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

    def represents_chain(self, actor: str) -> list[str]:
        """The actor and those it represents, up its ``represents`` chain to the side it speaks for.

        A spokesperson of a commission of a union gives [spokesperson, commission,
        union]. At most :data:`MAX_REPRESENTS_DEPTH` links are followed, and an
        actor already on the chain ends it (the loader refuses cycles and longer
        chains; a graph read from elsewhere may still hold them). An actor
        representing several gives the first, sorted, at each step.
        """
        chain = [actor]
        while len(chain) <= MAX_REPRESENTS_DEPTH:
            represented = self.objects(chain[-1], "represents")
            if not represented or represented[0] in chain:
                break
            chain.append(represented[0])
        return chain

    def side(self, actor: str) -> str:
        """The end of the actor's ``represents`` chain (Putin: Russia), else the actor itself."""
        return self.represents_chain(actor)[-1]

    def speaks_for(self, holder: str, side: str) -> bool:
        """Whether ``side`` is ``holder`` or any actor up ``holder``'s ``represents`` chain."""
        return side in self.represents_chain(holder)

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
        return any(on_or_before(self.value(newer, "asOf"), as_of) for newer in self.subjects(position, "supersedes"))

    def has_later_position(self, position: str, proposal: str, side: str, as_of: dt.date | None) -> bool:
        """Whether the side took a later position on the proposal by ``as_of``."""
        date = self.value(position, "asOf")
        if date is None:
            return False
        for later in self.subjects(proposal, "onProposal"):
            later_date = self.value(later, "asOf")
            if later_date is None or later_date <= date or not on_or_before(later_date, as_of):
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
            on_or_before(self.value(position, "asOf"), as_of)
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
        records = [r for r in self.objects(demand, "statusRecord") if on_or_before(self.value(r, "asOf"), as_of)]
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

    def chain_end(self, actor: str) -> str:
        """The end of the actor's represents chain (a spokesperson: the commission's bloc), cycle-safe and bounded."""
        seen = [actor]
        while len(seen) <= MAX_REPRESENTS_DEPTH:
            represented = [up for up in self.objects(seen[-1], "represents") if up not in seen]
            if not represented:
                break
            seen.append(represented[0])
        return seen[-1]

    def current_responses(self, demand: str, as_of: dt.date | None) -> list[str]:
        """Each side's current responses to the demand, as the ``responses`` saved query chooses them.

        A response is current when it is dated on or before the date, no response of that
        date or earlier supersedes it, and its side (the end of the responder's represents
        chain) gave no later response to the demand by then.
        """
        dated = [
            (response, self.value(response, "asOf"), side)
            for response in self.subjects(demand, "toDemand")
            for side in {self.chain_end(r) for r in self.objects(response, "responder")}
            if on_or_before(self.value(response, "asOf"), as_of)
        ]
        latest: dict[str, dt.date] = {}
        for _, date, side in dated:
            if date is not None and (side not in latest or date > latest[side]):
                latest[side] = date
        return sorted(
            {
                response
                for response, date, side in dated
                if date == latest.get(side) and not self.superseded(response, as_of)
            }
        )

    def preconditions_of(self, node: str) -> list[str]:
        """The demands that are preconditions for ``node`` (a proposal, a demand or an event), sorted."""
        return [d for d in self.subjects(node, "preconditionFor") if self.is_a(d, str(CF.Demand))]

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

    def broadest_scopes(self, proposal: str) -> list[str]:
        """The scopes the proposal's scopes are narrower than (or are) that have no broader one, sorted."""
        found = set()
        seen = set(self.objects(proposal, "scope"))
        frontier = sorted(seen)
        while frontier:
            concept = frontier.pop()
            broader_ones = self.objects(concept, "broader")
            if not broader_ones:
                found.add(concept)
            for broader in broader_ones:
                if broader not in seen:
                    seen.add(broader)
                    frontier.append(broader)
        return sorted(found)


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
