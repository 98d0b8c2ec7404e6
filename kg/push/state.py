"""What the pushed graphs assert about one subject, and the node that state becomes.

A subject's node (labels, properties, ``graphs``/``articles``) and its outgoing
relationships are rebuilt from what *all* graphs say about it; :class:`SubjectState`
holds that, and :func:`subject_state` computes it from each graph's entries.

Knowledge time (``docs/time.md``): an article graph is known from its
article's publication date (``dcterms:issued``), every other graph (actor
registries, the ontology) from the start. A node, relationship or literal
value is known from the earliest date among the graphs asserting it; the
push writes that date as ``known`` (and ``<name>__known``), absent when it is
known from the start.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
from neo4j.time import Date as DriverDate

from ceasefire_kg.errors import SchemaDrift
from ceasefire_kg.known_time import ARTICLE_GRAPHS, article_node, is_article_graph, iso_date, publication_dates
from ceasefire_kg.mapping import (
    ARTICLES_PROPERTY,
    CAPTION_PROPERTY,
    DCTERMS,
    GRAPHS_PROPERTY,
    KNOWN_PROPERTY,
    KNOWN_SUFFIX,
    RDF_TYPE,
    RDFS,
    SKOS,
    URI_PROPERTY,
    Mapping,
    PropertyMapping,
    local_name,
)
from ceasefire_kg.store import Store

_ARTICLE_PREFIX_LENGTH = len(ARTICLE_GRAPHS)
_RDFS_LABEL = RDFS + "label"
_SKOS_PREF_LABEL = SKOS + "prefLabel"
ISSUED = DCTERMS + "issued"

#: A date as the push computes with it: Python's own, whose comparisons are much
#: quicker than the driver's ``neo4j.time.Date`` (the driver sends either as a Cypher DATE).
Date = datetime.date

#: Article graph IRI -> its article's publication date; a graph not in it is known from the start.
Published = dict[str, Date]

#: What one graph says about a subject: (predicate IRI, object) pairs.
Entries = list[tuple[str, Any]]
#: subject -> graph -> what the graph says about the subject.
EntriesBySubject = dict[str, dict[str, Entries]]
#: A set of graphs -> (the graphs sorted, the ids of the articles among them).
Provenances = dict[frozenset[str], tuple[list[str], list[str]]]


@dataclass
class SubjectState:
    """What the pushed graphs assert about one subject."""

    types: set[str] = field(default_factory=set)
    #: predicate -> value -> the date it became known (None: from the start).
    literals: dict[str, dict[ox.Literal, Date | None]] = field(default_factory=dict)
    rels: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict)
    #: (type, object) -> the date the relationship became known (None: from the start).
    rel_known: dict[tuple[str, str], Date | None] = field(default_factory=dict)
    graphs: set[str] = field(default_factory=set)
    known: Date | None = None

    def node_equals(self, other: SubjectState) -> bool:
        """Whether both states give the node the same labels, properties and provenance."""
        return (
            self.types == other.types
            and self.literals == other.literals
            and self.graphs == other.graphs
            and self.known == other.known
        )


def by_subject(graph: str, triples: Iterable[ox.Triple]) -> dict[str, Entries]:
    """One graph's triples filed under their subjects: subject -> (predicate IRI, object) pairs.

    Args:
        graph: The graph's IRI (for the message).
        triples: Its content.

    Raises:
        SchemaDrift: A subject that is not an IRI.
    """
    grouped: dict[str, Entries] = {}
    named = ox.NamedNode
    for triple in triples:
        subject = triple.subject
        if type(subject) is not named:
            raise SchemaDrift(f"The subject {subject} (in graph <{graph}>) is not an IRI; ckg pushes IRIs only.")
        value = subject.value
        found = grouped.get(value)
        if found is None:
            found = grouped[value] = []
        # The predicate's IRI once here, rather than in every state the entry goes into.
        found.append((triple.predicate.value, triple.object))
    return grouped


def add_entries(entries: EntriesBySubject, graph: str, grouped: dict[str, Entries]) -> None:
    """Add a graph's triples, as :func:`by_subject` files them, to what the planner and the bulk push keep.

    Args:
        entries: subject -> graph -> (predicate, object) pairs, which this adds to.
        graph: The graph's IRI.
        grouped: Its triples by subject.
    """
    for subject, pairs in grouped.items():
        by_graph = entries.get(subject)
        if by_graph is None:
            entries[subject] = {graph: pairs}
        elif graph in by_graph:
            by_graph[graph].extend(pairs)
        else:
            by_graph[graph] = pairs


def known_since(graphs: Iterable[str], published: Published) -> Date | None:
    """The earliest publication date among graphs; None when one of them is known from the start.

    Args:
        graphs: The graphs asserting something (none for a node that is only an object).
        published: The publication date of each article graph.
    """
    earliest: Date | None = None
    for graph in graphs:
        date = published.get(graph)
        if date is None:
            return None
        if earliest is None or date < earliest:
            earliest = date
    return earliest


def publication_date(graph: str, grouped: dict[str, Entries]) -> Date | None:
    """The publication date an article graph gives its article, as :func:`~ceasefire_kg.known_time.publication_dates` reads it.

    Args:
        graph: The graph's IRI.
        grouped: Its content, as :func:`by_subject` files it.

    Returns:
        The date; None for a graph that is not an article's, or without one.
    """
    if not is_article_graph(graph):
        return None
    entries = grouped.get(article_node(graph).value, ())
    dates = [date for predicate, obj in entries if predicate == ISSUED for date in [iso_date(obj)] if date is not None]
    return min(dates) if dates else None


def store_publication_dates(store: Store, excluded: Iterable[str] = ()) -> Published:
    """The publication date of every article graph in the store, but the excluded ones.

    Args:
        store: The store.
        excluded: Graphs whose date the caller follows itself (those being sent).
    """
    skip = set(excluded)
    return {graph: date for graph, date in publication_dates(store).items() if graph not in skip}


def subject_state(mapping: Mapping, sources: Iterable[tuple[str, Entries]], published: Published) -> SubjectState:
    """The state of a subject from what each graph says about it.

    Args:
        mapping: The whitelist, which tells properties from relationships.
        sources: For each graph that mentions the subject, its IRI and entries.
        published: The publication date of each article graph (knowledge time).

    Raises:
        SchemaDrift: A property's value is not a literal, or a relationship's not an IRI.
    """
    state = SubjectState()
    types, literals, graphs = state.types, state.literals, state.graphs
    properties, rel_types = mapping.properties, _relationship_types(mapping)
    literal, named = ox.Literal, ox.NamedNode
    # The relationship keys each graph asserts; most subjects have one graph.
    keyed: list[tuple[str, list[tuple[str, str]]]] = []
    for graph, entries in sources:
        graphs.add(graph)
        graph_known = published.get(graph)
        keys: list[tuple[str, str]] = []
        for predicate, obj in entries:
            if predicate == RDF_TYPE:
                types.add(obj.value)
            elif predicate in properties:
                if type(obj) is not literal:
                    raise _kind_drift(predicate, obj, graph, "property", "a literal")
                values = literals.get(predicate)
                if values is None:
                    literals[predicate] = {obj: graph_known}
                elif obj not in values:
                    values[obj] = graph_known
                else:
                    earlier = values[obj]
                    if earlier is not None and (graph_known is None or graph_known < earlier):
                        values[obj] = graph_known
            else:
                if type(obj) is not named:
                    raise _kind_drift(predicate, obj, graph, "relationship", "an IRI")
                keys.append((rel_types[predicate], obj.value))
        if keys:
            keyed.append((graph, keys))
    if len(keyed) == 1:
        graph, keys = keyed[0]
        state.rels = dict.fromkeys(keys, frozenset((graph,)))
        state.rel_known = dict.fromkeys(keys, published.get(graph))
    elif keyed:
        rels: dict[tuple[str, str], set[str]] = {}
        for graph, keys in keyed:
            for key in keys:
                holders = rels.get(key)
                if holders is None:
                    rels[key] = {graph}
                else:
                    holders.add(graph)
        # Keys asserted by the same graphs share one set (and its provenance, computed once).
        shared: dict[frozenset[str], tuple[frozenset[str], Date | None]] = {}
        for key, holders in rels.items():
            frozen = frozenset(holders)
            found = shared.get(frozen)
            if found is None:
                found = shared[frozen] = (frozen, known_since(frozen, published))
            state.rels[key], state.rel_known[key] = found
    state.known = known_since(graphs, published)
    return state


def merge_states(state: SubjectState, added: SubjectState) -> SubjectState:
    """A subject's state once more graphs assert things about it: what :func:`subject_state` gives for both.

    Much cheaper than computing the whole state again for a subject many
    graphs assert (an actor of many articles), when graphs are only added.
    The states are not changed (the result may share their parts).

    Args:
        state: The state from the graphs before (computed in their order).
        added: The state from graphs that did not assert anything about the
            subject before (computed in their order, after those), with the
            publication dates of both as now.
    """
    if not state.graphs:
        return added
    if not added.graphs:
        return state
    literals = dict(state.literals)
    for predicate, values in added.literals.items():
        earlier = literals.get(predicate)
        if earlier is None:
            literals[predicate] = values
            continue
        merged = literals[predicate] = dict(earlier)
        for value, known in values.items():
            if value not in merged:
                merged[value] = known
            else:
                merged[value] = _earliest(merged[value], known)
    rels, rel_known = dict(state.rels), dict(state.rel_known)
    for key, holders in added.rels.items():
        before = rels.get(key)
        if before is None:
            rels[key], rel_known[key] = holders, added.rel_known[key]
        else:
            rels[key], rel_known[key] = before | holders, _earliest(rel_known[key], added.rel_known[key])
    return SubjectState(
        types=state.types | added.types,
        literals=literals,
        rels=rels,
        rel_known=rel_known,
        graphs=state.graphs | added.graphs,
        known=_earliest(state.known, added.known),
    )


def _earliest(first: Date | None, second: Date | None) -> Date | None:
    """The earlier of two known dates, None (known from the start) before any date."""
    if first is None or second is None:
        return None
    return first if first <= second else second


def _relationship_types(mapping: Mapping) -> dict[str, str]:
    """Predicate IRI -> relationship type, built once per mapping."""
    found = _RELATIONSHIP_TYPES.get(id(mapping))
    if found is None or found[0] is not mapping:
        found = _RELATIONSHIP_TYPES[id(mapping)] = (mapping, {p: r.type for p, r in mapping.relationships.items()})
    return found[1]


#: id(mapping) -> (the mapping, its predicate -> relationship type table).
_RELATIONSHIP_TYPES: dict[int, tuple[Mapping, dict[str, str]]] = {}


def _kind_drift(predicate: str, obj: Any, graph: str, becomes: str, expected: str) -> SchemaDrift:
    return SchemaDrift(
        f"<{predicate}> (in graph <{graph}>) has the value {obj}, but ckg maps it to a Neo4j {becomes} "
        f"and expects {expected}. Fix the data, or the predicate's declaration in schema/ontology.ttl; "
        "the graphs before this one were pushed whole, and running push again goes on from here."
    )


def provenance(graphs: frozenset[str], provenances: Provenances) -> tuple[list[str], list[str]]:
    """The ``graphs`` and ``articles`` values for a set of graphs, computed once per set.

    Args:
        graphs: The graphs that assert a node or a relationship.
        provenances: The values computed so far, which this adds to.
    """
    known = provenances.get(graphs)
    if known is None:  # most nodes and relationships share one of a few graph sets
        known = provenances[graphs] = (sorted(graphs), _article_ids(graphs))
    return known


def _article_ids(graphs: Iterable[str]) -> list[str]:
    return sorted([g[_ARTICLE_PREFIX_LENGTH:] for g in graphs if is_article_graph(g)])


def _caption(state: SubjectState, subject: str) -> str:
    for predicate in (_RDFS_LABEL, _SKOS_PREF_LABEL):
        values = state.literals.get(predicate)
        if values:
            if len(values) == 1:
                return next(iter(values)).value
            best = min(values, key=lambda lit: (lit.language not in (None, "", "en"), lit.language or "", lit.value))
            return best.value
    return local_name(subject)


class NodeProperties:
    """Builds the properties of subjects' nodes: uri, caption, provenance, ``known`` and the mapped literals.

    A value that one node holds alone (most do) is encoded once per literal:
    in a big push the same literals recur on many nodes (three times on
    average in the generated corpora). The provenance of each graph set is
    computed once (see :func:`provenance`).

    Args:
        mapping: The whitelist, which names the properties and encodes their values.
        date: Turns each date of the properties into what the rows carry (the dates themselves by default).
    """

    def __init__(self, mapping: Mapping, date: Callable[[Any], Any] | None = None) -> None:
        self.mapping = mapping
        self.date = date
        #: Provenance computed so far, which relationships may share.
        self.provenances: Provenances = {}
        # predicate -> literal -> its properties as the only value of a single-valued property.
        self._single: dict[str, dict[ox.Literal, dict[str, Any]]] = {}

    def __call__(self, subject: str, state: SubjectState) -> dict[str, Any]:
        """The properties of a subject's node.

        Args:
            subject: The subject's IRI.
            state: What the graphs assert about it.
        """
        mapping, date = self.mapping, self.date
        graphs, articles = provenance(frozenset(state.graphs), self.provenances)
        props: dict[str, Any] = {
            URI_PROPERTY: subject,
            CAPTION_PROPERTY: _caption(state, subject),
            GRAPHS_PROPERTY: graphs,
            ARTICLES_PROPERTY: articles,
        }
        node_known = state.known
        if node_known is not None:
            props[KNOWN_PROPERTY] = node_known if date is None else date(node_known)
        for predicate, values in state.literals.items():
            prop = mapping.properties[predicate]
            if len(values) == 1 and not prop.multiple:
                [(literal, known)] = values.items()
                props.update(self._alone(prop, literal))
                if known != node_known:  # a value known with its node needs no ``__known``
                    props[prop.name + KNOWN_SUFFIX] = known if date is None or known is None else date(known)
                continue
            # Values all known with the node need no ``__known``: the node's ``known`` says it.
            later = any(known != node_known for known in values.values())
            encoded = mapping.encode_literals(prop, values, values if later else None)
            if date is not None:
                _dates_of(encoded, date)
            props.update(encoded)
        return props

    def _alone(self, prop: PropertyMapping, literal: ox.Literal) -> dict[str, Any]:
        """A literal's properties as the only value of a single-valued property (shared: not to be changed)."""
        by_literal = self._single.get(prop.predicate)
        if by_literal is None:
            by_literal = self._single[prop.predicate] = {}
        found = by_literal.get(literal)
        if found is None:
            found = by_literal[literal] = self.mapping.encode_literals(prop, (literal,))
            if self.date is not None:
                _dates_of(found, self.date)
        return found


_DATE_TYPES = (datetime.date, DriverDate)


def _dates_of(props: dict[str, Any], date: Callable[[Any], Any]) -> None:
    """Pass, in place, the dates among property values (alone or in lists) through ``date``."""
    for name, value in props.items():
        if isinstance(value, list):
            if value and isinstance(value[0], _DATE_TYPES):
                props[name] = [date(item) for item in value]
        elif isinstance(value, _DATE_TYPES):
            props[name] = date(value)
