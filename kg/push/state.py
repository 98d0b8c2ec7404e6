"""What the pushed graphs assert about one subject, and the node that state becomes.

A subject's node (labels, properties, ``graphs``/``articles``) and its outgoing
relationships are rebuilt from what *all* graphs say about it; :class:`SubjectState`
holds that, and :func:`subject_state` computes it from each graph's entries.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from ceasefire_kg.errors import SchemaDrift
from ceasefire_kg.mapping import (
    ARTICLES_PROPERTY,
    CAPTION_PROPERTY,
    GRAPHS_PROPERTY,
    RDF_TYPE,
    RDFS,
    SKOS,
    URI_PROPERTY,
    Mapping,
    local_name,
)
from ceasefire_kg.namespaces import GRAPH

ARTICLE_GRAPHS = str(GRAPH) + "article/"
_ARTICLE_PREFIX_LENGTH = len(ARTICLE_GRAPHS)
_RDFS_LABEL = RDFS + "label"
_SKOS_PREF_LABEL = SKOS + "prefLabel"

#: What one graph says about a subject: (predicate, object) pairs.
Entries = list[tuple[ox.NamedNode, Any]]
#: A set of graphs -> (the graphs sorted, the ids of the articles among them).
Provenances = dict[frozenset[str], tuple[list[str], list[str]]]


@dataclass
class SubjectState:
    """What the pushed graphs assert about one subject."""

    types: set[str] = field(default_factory=set)
    literals: dict[str, set[ox.Literal]] = field(default_factory=dict)
    rels: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict)
    graphs: set[str] = field(default_factory=set)

    def node_equals(self, other: SubjectState) -> bool:
        """Whether both states give the node the same labels, properties and provenance."""
        return self.types == other.types and self.literals == other.literals and self.graphs == other.graphs


def subject_state(mapping: Mapping, sources: Iterable[tuple[str, Entries]]) -> SubjectState:
    """The state of a subject from what each graph says about it.

    Args:
        mapping: The whitelist, which tells properties from relationships.
        sources: For each graph that mentions the subject, its IRI and entries.

    Raises:
        SchemaDrift: A property's value is not a literal, or a relationship's not an IRI.
    """
    state = SubjectState()
    rels: dict[tuple[str, str], set[str]] = {}
    literals = state.literals
    properties, relationships = mapping.properties, mapping.relationships
    for graph, entries in sources:
        state.graphs.add(graph)
        for predicate, obj in entries:
            iri = predicate.value
            if iri == RDF_TYPE:
                state.types.add(obj.value)
            elif iri in properties:
                if not isinstance(obj, ox.Literal):
                    raise _kind_drift(iri, obj, graph, "property", "a literal")
                values = literals.get(iri)
                if values is None:
                    values = literals[iri] = set()
                values.add(obj)
            else:
                if not isinstance(obj, ox.NamedNode):
                    raise _kind_drift(iri, obj, graph, "relationship", "an IRI")
                key = (relationships[iri].type, obj.value)
                holders = rels.get(key)
                if holders is None:
                    holders = rels[key] = set()
                holders.add(graph)
    state.rels = {key: frozenset(graphs) for key, graphs in rels.items()}
    return state


def _kind_drift(predicate: str, obj: Any, graph: str, becomes: str, expected: str) -> SchemaDrift:
    return SchemaDrift(
        f"<{predicate}> (in graph <{graph}>) has the value {obj}, but ckg maps it to a Neo4j {becomes} "
        f"and expects {expected}. Fix the data, or the predicate's declaration in schema/ontology.ttl; "
        "the graphs before this one were pushed whole, and running push again goes on from here."
    )


def is_article_graph(iri: str) -> bool:
    """Whether a graph holds one article's facts."""
    return iri.startswith(ARTICLE_GRAPHS)


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
    """The properties of a subject's node: uri, caption, provenance and the mapped literals.

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
    for predicate, values in state.literals.items():
        props.update(mapping.encode_literals(mapping.properties[predicate], values))
    return props
