"""What a push sends: the graphs added, changed or removed since the last one, in batches.

The unit of change is a named graph (an article, an actor registry, the
ontology). A graph is sent when its local content hash
(:meth:`Store.graph_hashes`) differs from the pushed one; its old content comes
from its bookkeeping node, its new content from the store.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass

import neo4j
import pyoxigraph as ox

from ceasefire_kg.errors import SchemaDrift
from ceasefire_kg.graph_reader import read_graphs
from ceasefire_kg.known_time import is_article_graph
from ceasefire_kg.mapping import RDF_TYPE, Mapping
from ceasefire_kg.push.bookkeeping import remote_contents
from ceasefire_kg.push.report import PushReport
from ceasefire_kg.store import Store

#: Above this many graphs, the term check scans the whole store rather than listing them.
_TERM_CHECK_GRAPHS = 500


@dataclass
class GraphChange:
    """One graph to send: its pushed (old) and local (new) content."""

    iri: str
    old: list[ox.Triple] | None = None
    new: list[ox.Triple] | None = None
    new_hash: str | None = None
    new_content: bytes | None = None

    @property
    def size(self) -> int:
        """Triples old and new: what the graph weighs in a batch."""
        return len(self.old or ()) + len(self.new or ())


def parse_lines(text: bytes) -> list[ox.Triple]:
    """The triples of a graph's N-Triples text."""
    return list(ox.parse(text, format=ox.RdfFormat.N_TRIPLES)) if text else []


def _graph_order(iri: str) -> tuple[int, str]:
    # The ontology and registries first: articles refer to what they define.
    if is_article_graph(iri):
        return (1, iri)
    return (0, iri)


def changed_graphs(local: dict[str, str], remote: dict[str, str]) -> list[str]:
    """The graphs whose local and pushed hashes differ, ontology and registries before articles.

    Args:
        local: Content hash by graph IRI, in the store.
        remote: Content hash by graph IRI, as pushed.
    """
    return [iri for iri in sorted(set(local) | set(remote), key=_graph_order) if local.get(iri) != remote.get(iri)]


def _select(store: Store, sparql: str) -> ox.QuerySolutions:
    solutions = store.query(sparql)
    assert isinstance(solutions, ox.QuerySolutions), "a SELECT query gives solutions"
    return solutions


def check_terms(store: Store, mapping: Mapping, graphs: list[str]) -> None:
    """Fail before writing anything if the graphs use a predicate or class outside the mapping.

    Raises:
        SchemaDrift: For the first term the mapping does not know.
    """
    if not graphs:
        return
    scope = "" if len(graphs) > _TERM_CHECK_GRAPHS else "VALUES ?g { " + " ".join(f"<{g}>" for g in graphs) + " } "
    for row in _select(store, f"SELECT DISTINCT ?p WHERE {{ {scope}GRAPH ?g {{ ?s ?p ?o }} }}"):
        predicate = row["p"].value
        if predicate != RDF_TYPE:
            mapping.predicate_kind(predicate)
    for row in _select(store, f"SELECT DISTINCT ?c WHERE {{ {scope}GRAPH ?g {{ ?s a ?c }} }}"):
        if not isinstance(row["c"], ox.NamedNode):
            raise SchemaDrift(f"rdf:type {row['c']} is not a class IRI; ckg maps classes to labels.")
        mapping.label(row["c"].value)


def load_pushed(session: neo4j.Session, graphs: list[str], remote: dict[str, str]) -> list[GraphChange]:
    """A change for each graph, holding its pushed content (None for a graph never pushed).

    Args:
        session: A session on the database.
        graphs: The graphs to send.
        remote: Content hash by graph IRI, as pushed.
    """
    old = remote_contents(session, [iri for iri in graphs if iri in remote])
    return [GraphChange(iri, old=parse_lines(old[iri]) if iri in old else None) for iri in graphs]


def stream_batches(
    store: Store,
    local: dict[str, str],
    remote: dict[str, str],
    changes: list[GraphChange],
    *,
    batch_triples: int,
    report: PushReport,
    min_graphs: int = 1,
) -> Iterator[tuple[list[GraphChange], int]]:
    """Read the graphs to send one by one; yield batches of whole graphs and how many graphs were seen.

    Args:
        store: The store the new content is read from.
        local: Content hash by graph IRI, in the store.
        remote: Content hash by graph IRI, as pushed.
        changes: The graphs to send, with their pushed content.
        batch_triples: Roughly how many triples (old and new) one batch holds.
        min_graphs: How many graphs one batch holds at least (but the last).
        report: Counts the graphs added, changed, removed and found unchanged after all.
    """
    current: list[GraphChange] = []
    size = 0
    with closing(read_graphs(store, [change.iri for change in changes if change.iri in local], hashes=local)) as texts:
        for seen, change in enumerate(changes, start=1):
            if change.iri in local:
                graph = next(texts)
                change.new_hash = graph.hash
                change.new = parse_lines(graph.text)
                change.new_content = graph.content
                if change.new_hash == remote.get(change.iri):
                    report.unchanged += 1  # a stale recorded hash; the content is as pushed
                    continue
                (report.changed if change.iri in remote else report.added).append(change.iri)
                report.triples += len(change.new or ())
            else:
                report.removed.append(change.iri)
            current.append(change)
            size += change.size
            if size >= batch_triples and len(current) >= min_graphs:
                yield current, seen
                current, size = [], 0
    if current:
        yield current, len(changes)
