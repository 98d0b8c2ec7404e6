"""The whole store as the property graph a first push writes, built in one pass for the bulk push.

A Bolt push plans batch by batch, comparing each subject's state before and
after the batch, because it must also update and delete. A first push into
an empty database only creates, so the bulk push computes each subject's
final state once, from what every graph asserts about it, with the same
functions the planner uses (:func:`~.state.subject_state`,
:class:`~.state.NodeProperties`, :func:`~.state.provenance`): the nodes,
relationships and ``known`` dates are the ones a Bolt push into an empty
database writes (the bulk push's tests compare both).
"""

from __future__ import annotations

from contextlib import closing
from typing import Any

from ceasefire_kg.graph_reader import read_graphs
from ceasefire_kg.mapping import ARTICLES_PROPERTY, GRAPHS_PROPERTY, KNOWN_PROPERTY, URI_PROPERTY, Mapping, local_name
from ceasefire_kg.progress import Progress
from ceasefire_kg.push.bulk_csv import PropertyGraph
from ceasefire_kg.push.changes import parse_lines
from ceasefire_kg.push.report import PushReport
from ceasefire_kg.push.state import (
    EntriesBySubject,
    NodeProperties,
    Published,
    add_entries,
    by_subject,
    provenance,
    publication_date,
    subject_state,
)
from ceasefire_kg.store import Store

#: The stage building the graph reports its progress under.
READ_STAGE = "Reading the store's graphs"
#: The stage computing nodes and relationships reports its progress under.
BUILD_STAGE = "Building nodes and relationships"


def build_property_graph(
    store: Store,
    mapping: Mapping,
    graphs: list[str],
    report: PushReport,
    progress: Progress,
    hashes: dict[str, str] | None = None,
) -> PropertyGraph:
    """Every node and relationship of the store's property graph, and the ``:CkgGraph`` rows.

    Args:
        store: The store (its terms already checked against the mapping).
        mapping: The whitelist.
        graphs: Every named graph, in push order.
        report: Counts the graphs and triples.
        progress: Called with (stage, done, total) while reading and building.
        hashes: The recorded hash of each graph, which names its text kept beside the store.

    Raises:
        SchemaDrift: A subject that is not an IRI, or a value of the wrong kind for its predicate.
    """
    result = PropertyGraph()
    # subject -> graph -> [(predicate, object)], as the planner keeps it.
    entries: EntriesBySubject = {}
    published: Published = {}
    progress(READ_STAGE, 0, len(graphs))
    with closing(read_graphs(store, graphs, hashes=hashes)) as texts:
        for done, text in enumerate(texts, start=1):
            graph = text.iri
            triples = parse_lines(text.text)
            grouped = by_subject(graph, triples)
            add_entries(entries, graph, grouped)
            date = publication_date(graph, grouped)
            if date is not None:
                published[graph] = date
            result.graphs.append({"iri": graph, "hash": text.hash, "content": text.content, "triples": len(triples)})
            report.added.append(graph)
            report.triples += len(triples)
            if done % 100 == 0:
                progress(READ_STAGE, done, len(graphs))
    progress(READ_STAGE, len(graphs), len(graphs))

    node_properties = NodeProperties(mapping)
    provenances = node_properties.provenances
    labels = mapping.labels
    nodes, relationships = result.nodes, result.relationships
    total = len(entries)
    progress(BUILD_STAGE, 0, total)
    for done, (subject, by_graph) in enumerate(entries.items(), start=1):
        state = subject_state(mapping, by_graph.items(), published)
        nodes[subject] = (
            {labels[t] for t in state.types},
            node_properties(subject, state),
        )
        for key, holders in state.rels.items():
            rel_type, obj = key
            graph_list, article_ids = provenance(holders, provenances)
            props: dict[str, Any] = {GRAPHS_PROPERTY: graph_list, ARTICLES_PROPERTY: article_ids}
            known = state.rel_known[key]
            if known is not None:
                props[KNOWN_PROPERTY] = known
            relationships[(subject, rel_type, obj)] = props
        if done % 20_000 == 0:
            progress(BUILD_STAGE, done, total)
    for _, _, obj in relationships:
        if obj not in nodes:
            # As the Bolt push creates a node that is only the object of relationships.
            nodes[obj] = (
                set(),
                {URI_PROPERTY: obj, "name": local_name(obj), GRAPHS_PROPERTY: [], ARTICLES_PROPERTY: []},
            )
    progress(BUILD_STAGE, total, total)
    return result
