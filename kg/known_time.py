"""Knowledge time, defined once: which named graphs were known on a date (see ``docs/time.md``).

An article is *known on D* when its publication date (its article node's
``dcterms:issued`` in its own graph) is on or before D. Actor registries and
the ontology are known from the start. A triple is known on D when at least
one named graph asserting it is known on D. The embedded store answers "as
known on D" by querying only the graphs known on D (:func:`known_graphs`):
its default graph is their union, and each ``GRAPH ?g`` pattern is followed
by a filter that keeps the known graphs only (:func:`restrict_graph_patterns`,
:func:`known_graph_test`); ``ckg push`` writes the same dates onto Neo4j as
``known`` properties.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Collection

import pyoxigraph as ox

from ceasefire_kg.namespaces import GRAPH, entity_iri
from ceasefire_kg.store import Store

ARTICLE_GRAPHS = str(GRAPH) + "article/"
#: The custom SPARQL function that tells whether a named graph is known on the date asked about.
KNOWN_GRAPH_FUNCTION = "https://w3id.org/ceasefire-kg/fn#knownGraph"
# Comments, strings and IRIs (skipped), ``GRAPH ?var {`` and braces, in SPARQL text.
_GRAPH_TOKENS = re.compile(
    r"#[^\n]*|'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|<[^>\s]*>|\bGRAPH\s+(\?[A-Za-z_][A-Za-z0-9_]*)\s*\{|\{|\}",
    re.IGNORECASE,
)
_XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_PUBLICATIONS = (
    "SELECT ?g ?article ?date WHERE { GRAPH ?g { ?article <http://purl.org/dc/terms/issued> ?date } "
    f'FILTER(STRSTARTS(STR(?g), "{ARTICLE_GRAPHS}")) }}'
)


def iso_date(term: object) -> datetime.date | None:
    """The date of an ``xsd:date`` literal written ``YYYY-MM-DD``; None for any other term."""
    if not isinstance(term, ox.Literal) or term.datatype.value != _XSD_DATE or not _ISO_DATE.fullmatch(term.value):
        return None
    try:
        return datetime.date.fromisoformat(term.value)
    except ValueError:  # 2025-02-30
        return None


def is_article_graph(graph: str) -> bool:
    """Whether a named graph holds one article's facts."""
    return graph.startswith(ARTICLE_GRAPHS)


def article_node(graph: str) -> ox.NamedNode:
    """The article node of an article graph (``graph/article/X`` -> ``id/article/X``)."""
    return ox.NamedNode(entity_iri("article", graph[len(ARTICLE_GRAPHS) :]))


def publication_dates(store: Store) -> dict[str, datetime.date]:
    """The publication date of every stored article, by article graph IRI.

    Only what an article graph says about its own article counts; a graph
    without a valid date has no entry (and counts as known from the start).
    """
    dates: dict[str, datetime.date] = {}
    solutions = store.query(_PUBLICATIONS)
    assert isinstance(solutions, ox.QuerySolutions), "a SELECT query gives solutions"
    for row in solutions:
        graph = row["g"]
        date = iso_date(row["date"])
        if isinstance(graph, ox.NamedNode) and date is not None and row["article"] == article_node(graph.value):
            dates[graph.value] = min(date, dates.get(graph.value, date))
    return dates


def known_graphs(store: Store, on: datetime.date) -> list[ox.NamedNode] | None:
    """The named graphs known on a date: every graph but the articles published after it.

    Args:
        store: The store.
        on: The date.

    Returns:
        The graphs; None when every graph is known on that date, so that the
        caller can query the whole store as it is (pyoxigraph evaluates
        ``GRAPH ?g`` over an explicit list graph by graph, which is much slower).
    """
    dates = publication_dates(store)
    if all(date <= on for date in dates.values()):
        return None
    return [ox.NamedNode(graph) for graph in store.named_graphs() if graph not in dates or dates[graph] <= on]


def restrict_graph_patterns(sparql: str) -> str:
    """The SPARQL with a known-graph filter after each ``GRAPH ?var { ... }`` block.

    ``GRAPH ?g { P }`` becomes ``GRAPH ?g { P } FILTER(fn:knownGraph(?g))``:
    the filter sits in the group that binds ``?g``, so only solutions from
    known graphs remain. Pyoxigraph evaluates ``GRAPH ?g`` over an explicit
    list of named graphs one graph at a time, which for hundreds of graphs is
    tens of times slower than this filter over its indexes. Comments, strings
    and IRIs are left as they are.

    Args:
        sparql: The query text.

    Returns:
        The query text to run with :func:`known_graph_test` as the function.
    """
    pieces: list[str] = []
    open_blocks: list[str | None] = []
    done = 0
    for token in _GRAPH_TOKENS.finditer(sparql):
        text = token.group(0)
        if token.group(1) is not None:
            open_blocks.append(token.group(1))
        elif text == "{":
            open_blocks.append(None)
        elif text == "}" and open_blocks:
            variable = open_blocks.pop()
            if variable is not None:
                pieces.append(sparql[done : token.end()])
                pieces.append(f" FILTER(<{KNOWN_GRAPH_FUNCTION}>({variable}))")
                done = token.end()
    pieces.append(sparql[done:])
    return "".join(pieces)


def known_graph_test(graphs: Collection[ox.NamedNode]) -> Callable[[ox.NamedNode], ox.Literal]:
    """The custom function for :data:`KNOWN_GRAPH_FUNCTION`: true for the given graphs only."""
    known = frozenset(graph.value for graph in graphs)
    true, false = ox.Literal(True), ox.Literal(False)
    return lambda graph: true if graph.value in known else false
