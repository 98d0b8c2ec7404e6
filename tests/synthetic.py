"""Larger stores for the push tests and benchmark, made by varying the example articles.

Copy ``i`` of an example article gets its own article, facts, quotes and status
records (IRIs suffixed with ``-<i>``, labels and dates varied), while actors,
scopes, issues and the concept schemes stay shared, so that many graphs
assert the same actors: the shape the push must handle (shared provenance,
hub nodes). Graphs are written straight into the store, without the loader's
checks, which would dominate the run time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox

from ceasefire_kg.loaders.load import load_into_folder
from ceasefire_kg.namespaces import GRAPH, ID
from ceasefire_kg.store import Store

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples" / "articles"
_ARTICLE_GRAPHS = str(GRAPH) + "article/"
_RENAMED = tuple(
    f"{ID}{kind}/" for kind in ("article", "proposal", "demand", "position", "claim", "event", "quote", "status-record")
)
_XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"
_XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_LABELS = {"http://www.w3.org/2000/01/rdf-schema#label", "https://w3id.org/ceasefire-kg/ontology#text"}


def load_examples(store_path: Path) -> None:
    """Load the example articles into a (new) store."""
    load_into_folder(store_path, [EXAMPLES])


def _iri(term: ox.NamedNode, copy: int) -> ox.NamedNode:
    value = term.value
    return ox.NamedNode(f"{value}-{copy}") if value.startswith(_RENAMED) else term


def _literal(predicate: str, term: ox.Literal, copy: int) -> ox.Literal:
    if term.language:
        return term
    datatype = term.datatype.value
    if datatype == _XSD_DATE:
        day = dt.date.fromisoformat(term.value) + dt.timedelta(days=copy % 400)
        return ox.Literal(day.isoformat(), datatype=term.datatype)
    if datatype == _XSD_INTEGER:
        return ox.Literal(str(int(term.value) + copy % 50), datatype=term.datatype)
    if datatype == _XSD_STRING and predicate in _LABELS:
        return ox.Literal(f"{term.value} ({copy})")
    return term


def article_quads(store: Store) -> dict[str, list[ox.Quad]]:
    """The quads of every article graph in ``store``, by graph IRI."""
    articles = [graph for graph in store.named_graphs() if graph.startswith(_ARTICLE_GRAPHS)]
    return {graph: list(store.quads(graph=graph)) for graph in articles}


def varied_graphs(sources: dict[str, list[ox.Quad]], copies: range) -> Iterator[tuple[ox.NamedNode, list[ox.Triple]]]:
    """Copies of article graphs, one ``(graph IRI, triples)`` per copy and article."""
    for copy in copies:
        for graph, quads in sources.items():
            triples = [
                ox.Triple(
                    _iri(quad.subject, copy),
                    quad.predicate,
                    _iri(quad.object, copy)
                    if isinstance(quad.object, ox.NamedNode)
                    else _literal(quad.predicate.value, quad.object, copy),
                )
                for quad in quads
            ]
            yield ox.NamedNode(f"{graph}-{copy}"), triples


def make_store(store_path: Path, copies: int, *, chunk: int = 200) -> int:
    """A store with the examples plus ``copies`` varied copies of each example article.

    Returns:
        The number of distinct triples in the store.
    """
    load_examples(store_path)
    with Store.open(store_path) as store:
        sources = article_quads(store)
        for start in range(0, copies, chunk):
            graphs = list(varied_graphs(sources, range(start, min(copies, start + chunk))))
            store.replace_graphs(graphs)
        return store.count_triples()
