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
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from ceasefire_kg.errors import SchemaDrift
from ceasefire_kg.known_time import ARTICLE_GRAPHS, article_node, is_article_graph, iso_date, publication_dates
from ceasefire_kg.mapping import (
    ARTICLES_PROPERTY,
    CAPTION_PROPERTY,
    DCTERMS,
    GRAPHS_PROPERTY,
    KNOWN_PROPERTY,
    RDF_TYPE,
    RDFS,
    SKOS,
    URI_PROPERTY,
    Mapping,
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
            best = min(values, key=lambda lit: (lit.language not in (None, "", "en"), lit.language or "", lit.value))
            return best.value
    return local_name(subject)


def node_properties(mapping: Mapping, subject: str, state: SubjectState, provenances: Provenances) -> dict[str, Any]:
    """The properties of a subject's node: uri, caption, provenance, ``known`` and the mapped literals.

    Args:
        mapping: The whitelist, which names the properties and encodes their values.
        subject: The subject's IRI.
        state: What the graphs assert about it.
        provenances: Provenance computed so far (see :func:`provenance`).
    """
    graphs, articles = provenance(frozenset(state.graphs), provenances)
    props: dict[str, Any] = {
        URI_PROPERTY: subject,
        CAPTION_PROPERTY: _caption(state, subject),
        GRAPHS_PROPERTY: graphs,
        ARTICLES_PROPERTY: articles,
    }
    if state.known is not None:
        props[KNOWN_PROPERTY] = state.known
    for predicate, values in state.literals.items():
        # Values all known with the node need no ``__known``: the node's ``known`` says it.
        later = any(known != state.known for known in values.values())
        props.update(mapping.encode_literals(mapping.properties[predicate], values, values if later else None))
    return props
