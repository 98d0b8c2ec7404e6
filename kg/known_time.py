"""Knowledge time, defined once: which named graphs were known on a date (see ``docs/time.md``).

An article is *known on D* when its publication date (its article node's
``dcterms:issued`` in its own graph) is on or before D. Actor registries and
the ontology are known from the start. A triple is known on D when at least
one named graph asserting it is known on D. The embedded store answers "as
known on D" from the graphs known on D (:func:`known_graphs`): each ``GRAPH ?g``
pattern is followed by a filter that keeps the known graphs only
(:func:`restrict_graph_patterns`, :func:`known_graph_test`). The default graph
is their union; for a query that reads only the link predicates there
(:data:`LINK_PREDICATES`: represents chains, the scope scheme; every saved query,
:func:`reads_only_links_outside_graphs`), it is a few known graphs that together
state every link known on D (:func:`link_graphs`), which is much faster.
``ckg push`` writes the same dates onto Neo4j as ``known`` properties.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass

import pyoxigraph as ox

from ceasefire_kg.namespaces import CF, GRAPH, PREFIXES, SKOS, entity_iri
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
#: The predicates a saved query may read outside ``GRAPH ?g { }`` (paths such as
#: ``cf:represents+`` cross graphs, so they cannot be read one graph at a time).
#: Every saved query reads everything else inside ``GRAPH ?g`` (``tests/test_known_time.py`` checks it).
LINK_PREDICATES = (str(CF.represents), str(SKOS.broader), str(SKOS.inScheme))
_LINKS = "SELECT ?s ?p ?o ?g WHERE {{ VALUES ?p {{ {} }} GRAPH ?g {{ ?s ?p ?o }} }}".format(
    " ".join(f"<{iri}>" for iri in LINK_PREDICATES)
)
#: Namespaces whose lower-case names are properties (``cf:claimant``, ``rdfs:label``).
_VOCABULARIES = tuple(
    PREFIXES[name] for name in ("cf", "rdf", "rdfs", "owl", "skos", "prov", "dcterms", "schema", "oa", "sem", "time")
)
# Outside GRAPH blocks: comments and strings (blanked), IRIs, prefixed names, the keyword ``a``,
# SELECT / GROUP BY / ORDER BY lists and VALUES blocks (blanked: their variables are not a pattern),
# and three terms in a row whose middle one is a variable (a pattern with a variable predicate).
_TERM = r"(?:\?[A-Za-z_][A-Za-z0-9_]*|<[^>\s]*>|[A-Za-z][\w-]*:[\w.-]*|\"[^\"]*\"|'[^']*'|[0-9][\w.]*)"
_OUTSIDE = re.compile(
    r"(?P<skip>\bPREFIX\s+[\w-]*:\s*<[^>]*>|\bSELECT\b[^{]*?(?=\bWHERE\b|\{)|\b(?:GROUP|ORDER)\s+BY\b[^{}]*"
    r"|\bVALUES\b[^{]*\{[^}]*\}|\bAS\s+\?\w+)"
    r"|(?P<variable_predicate>" + _TERM + r"\s+\?[A-Za-z_]\w*\s+" + _TERM + r")"
    r"|(?P<name><[^>\s]*>|(?<![\w?$])(?P<prefix>[A-Za-z][\w-]*)?:(?P<local>[\w.-]*))(?P<call>\s*\()?"
    r"|(?P<type>(?<![\w?$:])a(?![\w:]))"
)
_LOCAL_PREFIXES = re.compile(r"\bPREFIX\s+([\w-]*):\s*<([^>]*)>", re.IGNORECASE)
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


@functools.lru_cache(maxsize=64)
def reads_only_links_outside_graphs(sparql: str) -> bool:
    """Whether the SPARQL reads nothing but :data:`LINK_PREDICATES` from the default graph.

    Only such a query may be answered with :func:`link_graphs` as its default graph; any other
    gets the union of every known graph. The test is by the text and errs on the safe side: outside
    ``GRAPH ?g { }`` blocks, no ``a``, no variable predicate, and no property (a lower-case name in
    one of the vocabularies) but the links.

    Args:
        sparql: The query text.

    Returns:
        True when the default graph is read for links only.
    """
    prefixes = dict(PREFIXES)
    prefixes.update(_LOCAL_PREFIXES.findall(sparql))
    for token in _OUTSIDE.finditer(_outside_graph_blocks(sparql)):
        if token.group("skip") is not None or token.group("call") is not None:
            continue
        if token.group("variable_predicate") is not None or token.group("type") is not None:
            return False
        name = token.group("name")
        if name.startswith("<"):
            iri = name[1:-1]
        elif token.group("prefix") in prefixes or (token.group("prefix") is None and "" in prefixes):
            iri = prefixes[token.group("prefix") or ""] + token.group("local")
        else:
            continue
        local = token.group("local") if token.group("local") is not None else re.split(r"[#/]", iri)[-1]
        if iri not in LINK_PREDICATES and iri.startswith(_VOCABULARIES) and local[:1].islower():
            return False
    return True


def _outside_graph_blocks(sparql: str) -> str:
    """The SPARQL with comments and strings blanked and every ``GRAPH ?var { ... }`` block removed."""
    pieces: list[str] = []
    open_blocks: list[bool] = []
    done = 0
    for token in _GRAPH_TOKENS.finditer(sparql):
        text = token.group(0)
        if text.startswith(("#", "'", '"')):
            if not any(open_blocks):
                pieces.append(sparql[done : token.start()] + " ")
            done = token.end()
        elif token.group(1) is not None:
            if not any(open_blocks):
                pieces.append(sparql[done : token.start()])
            open_blocks.append(True)
        elif text == "{":
            open_blocks.append(False)
        elif text == "}" and open_blocks:
            if open_blocks.pop() and not any(open_blocks):
                done = token.end()
    if not any(open_blocks):
        pieces.append(sparql[done:])
    return "".join(pieces)


def known_graph_test(graphs: Collection[ox.NamedNode]) -> Callable[[ox.NamedNode], ox.Literal]:
    """The custom function for :data:`KNOWN_GRAPH_FUNCTION`: true for the given graphs only."""
    known = frozenset(graph.value for graph in graphs)
    true, false = ox.Literal(True), ox.Literal(False)
    return lambda graph: true if graph.value in known else false


@dataclass(frozen=True)
class KnownDataset:
    """What the embedded store reads to answer as known on a date.

    Attributes:
        graphs: Every named graph known on the date (``GRAPH ?g`` is filtered to these).
        link_graphs: The default graph: a few of ``graphs`` that together state every
            triple of :data:`LINK_PREDICATES` that ``graphs`` state, and no other link.
        chain_ends: ``(start, end)`` for each end of a represents chain known on the date
            (``end`` reached from ``start`` by one link or more, with no link up from it),
            as N-Triples terms.
    """

    graphs: tuple[ox.NamedNode, ...]
    link_graphs: tuple[ox.NamedNode, ...]
    chain_ends: tuple[tuple[str, str], ...]


def known_dataset(store: Store, on: datetime.date) -> KnownDataset | None:
    """The graphs to answer from as known on a date; None when every graph is known then."""
    graphs = known_graphs(store, on)
    if graphs is None:
        return None
    stated = _links_by_graph(store, graphs)
    represents = str(CF.represents)
    links = {
        (start, end) for triples in stated.values() for start, predicate, end in triples if predicate == represents
    }
    return KnownDataset(tuple(graphs), tuple(_fewest_graphs_holding(stated)), tuple(sorted(_chain_ends(links))))


def link_graphs(store: Store, known: Collection[ox.NamedNode]) -> list[ox.NamedNode]:
    """A few of the known graphs that together state every link triple the known graphs state.

    Pyoxigraph reads a default graph made of a list of graphs one graph at a time, for each
    triple pattern: as the union of every graph known on a date (about a thousand at a million
    triples) a represents chain took tens of seconds. Each link triple is restated by many
    articles, so a handful of graphs holds them all (67 of 1,000 graphs at a million triples);
    they are picked greedily, the graph stating most of the links not yet held first. Paths and
    ``EXISTS`` read a set of links, so the answer is the same as over the union of all of them.

    Args:
        store: The store.
        known: The graphs known on the date.

    Returns:
        The graphs, in the order picked.
    """
    return _fewest_graphs_holding(_links_by_graph(store, known))


def _links_by_graph(store: Store, known: Collection[ox.NamedNode]) -> dict[str, set[tuple[str, str, str]]]:
    """The link triples each known graph states, as (N-Triples subject, predicate IRI, N-Triples object)."""
    wanted = frozenset(graph.value for graph in known)
    stated: dict[str, set[tuple[str, str, str]]] = {}
    solutions = store.query(_LINKS)
    assert isinstance(solutions, ox.QuerySolutions), "a SELECT query gives solutions"
    for row in solutions:
        graph = row["g"].value
        if graph in wanted:
            stated.setdefault(graph, set()).add((str(row["s"]), row["p"].value, str(row["o"])))
    return stated


def _fewest_graphs_holding(stated: dict[str, set[tuple[str, str, str]]]) -> list[ox.NamedNode]:
    remaining = dict(stated)
    missing = set().union(*remaining.values())
    picked: list[ox.NamedNode] = []
    while missing:
        # Most links still missing first; the graph's name breaks ties, so the pick is reproducible.
        best = max(remaining, key=lambda graph: (len(remaining[graph] & missing), graph))
        picked.append(ox.NamedNode(best))
        missing -= remaining.pop(best)
    return picked


def _chain_ends(links: Collection[tuple[str, str]]) -> set[tuple[str, str]]:
    """What ``?start cf:represents+ ?end FILTER NOT EXISTS { ?end cf:represents ?up }`` matches over these links."""
    above: dict[str, set[str]] = {}
    for start, end in links:
        above.setdefault(start, set()).add(end)
    ends: set[tuple[str, str]] = set()
    for start in above:
        seen: set[str] = set()
        frontier = set(above[start])
        while frontier:  # every node reachable by one link or more; a cycle stops when all are seen
            seen |= frontier
            frontier = {up for node in frontier for up in above.get(node, ()) if up not in seen}
        ends.update((start, node) for node in seen if node not in above)
    return ends


# ``?start cf:represents+ ?end FILTER NOT EXISTS { ?end cf:represents ?up }``, as the saved queries write it.
_CHAIN_END = re.compile(
    r"(\?[A-Za-z_]\w*)\s+cf:represents\+\s+(\?[A-Za-z_]\w*)\s+"
    r"FILTER\s+NOT\s+EXISTS\s*\{\s*\2\s+cf:represents\s+\?[A-Za-z_]\w*\s*\}"
)


_SERVICE = re.compile(r"\bSERVICE\b", re.IGNORECASE)


def inline_chain_ends(sparql: str, chain_ends: Collection[tuple[str, str]], where: Collection[int]) -> str:
    """The SPARQL with chain end patterns replaced by the ends known on the date, as VALUES.

    The pattern ``?start cf:represents+ ?end FILTER NOT EXISTS { ?end cf:represents ?up }`` is a
    walk over the default graph per start, each step a look-up in every graph of the default
    graph; the ends known on a date, worked out once (:attr:`KnownDataset.chain_ends`), are the
    same pairs in a table. Other forms of the path are left as they are.

    Args:
        sparql: The query text.
        chain_ends: The pairs.
        where: Which of the patterns to replace, counted from 0 in the text
            (:func:`inlinable_chain_ends`).

    Returns:
        The query text.
    """
    rows = " ".join(f"({start} {end})" for start, end in chain_ends)
    return _replace_chain_ends(sparql, rows, where)


@functools.lru_cache(maxsize=64)
def inlinable_chain_ends(sparql: str) -> frozenset[int]:
    """Which chain end patterns of a query :func:`inline_chain_ends` may replace.

    Oxigraph refuses a VALUES block that binds a variable the left side of an enclosing
    ``LATERAL`` binds (a walk from a start that is already bound, which is cheap anyway), with a
    syntax error; each pattern is tried once, with an empty table, against an empty store. A query
    that calls a ``SERVICE`` is not tried (none is replaced).

    Args:
        sparql: The query text as its file has it.

    Returns:
        The patterns' numbers, counted from 0 in the text.
    """
    if _SERVICE.search(sparql):
        return frozenset()  # the trial would call the remote service
    accepted: set[int] = set()
    for number in range(len(_CHAIN_END.findall(sparql))):
        try:
            ox.Store().query(_replace_chain_ends(sparql, "", {number}), prefixes=PREFIXES)
        except SyntaxError:
            continue
        except (RuntimeError, ValueError):  # parsed: the query's own functions are unknown to the empty store
            pass
        accepted.add(number)
    return frozenset(accepted)


def _replace_chain_ends(sparql: str, rows: str, where: Collection[int]) -> str:
    numbers = iter(range(len(sparql)))

    def replace(match: re.Match[str]) -> str:
        if next(numbers) not in where:
            return match.group(0)
        return f"VALUES ({match.group(1)} {match.group(2)}) {{ {rows} }}"

    return _CHAIN_END.sub(replace, sparql)
