"""The embedded back end: saved queries in SPARQL, on the Oxigraph store, no server needed."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ceasefire_kg.backends.base import Progress, no_progress
from ceasefire_kg.errors import QueryBackendUnavailable, QueryFailed, SavedQueryFileError
from ceasefire_kg.known_time import (
    KNOWN_GRAPH_FUNCTION,
    KnownDataset,
    inlinable_chain_ends,
    inline_chain_ends,
    known_dataset,
    known_graph_test,
    reads_only_links_outside_graphs,
    restrict_graph_patterns,
)
from ceasefire_kg.saved_queries.definitions import PARAM_NAMESPACE, SPARQL_SUFFIX, QueryResult, SavedQuery
from ceasefire_kg.saved_queries.paging import Page, cut, limited_text
from ceasefire_kg.saved_queries.references import MissingReference, missing_references
from ceasefire_kg.saved_queries.terms import check_columns, constant, from_rdf, normalize, substitute_parameters, to_rdf
from ceasefire_kg.store import Store

logger = logging.getLogger(__name__)


class LocalBackend:
    """Answers from an open embedded store.

    Args:
        store: The store (open it with :meth:`Store.open_read_only` or :meth:`Store.open`).
    """

    name = "local"

    def __init__(self, store: Store) -> None:
        self.store = store
        self.description = f"the embedded store at {store.path}"
        # The graphs known on each date asked about, while the graph is taken as unchanging.
        self._known: dict[dt.date, KnownDataset | None] | None = None

    @contextmanager
    def unchanging(self) -> Iterator[None]:
        """Within this block, take the store as unchanging: the graphs known on a date are worked out once.

        Working them out reads every article's publication date and every link triple (a third of a
        second at a million triples); a brief asks a dozen questions as of the same date.
        """
        outer = self._known
        self._known = {} if outer is None else outer
        try:
            yield
        finally:
            self._known = outer

    def _known_dataset(self, on: dt.date) -> KnownDataset | None:
        if self._known is None:
            return known_dataset(self.store, on)
        if on not in self._known:
            self._known[on] = known_dataset(self.store, on)
        return self._known[on]

    def run(self, query: SavedQuery, parameters: Mapping[str, Any], page: Page | None = None) -> QueryResult:
        """Run a saved query's SPARQL version.

        When the query's ``known-by`` parameter is set to a date, the query
        sees only the named graphs known on that date (``docs/time.md``): ``GRAPH ?g``
        is filtered to them, and the default graph is their union, or, when the query reads
        only links outside ``GRAPH ?g``, a few of them that hold every link known then.

        Args:
            query: The query.
            parameters: Values from :meth:`SavedQuery.bind`.
            page: Only these rows (pushed down into the SPARQL where it allows); None for all.

        Raises:
            QueryBackendUnavailable: If the query has no SPARQL version.
            SavedQueryFileError: If the SPARQL is not valid or returns other columns than the header says.
            QueryFailed: If the store fails while answering.
        """
        if query.sparql is None:
            raise QueryBackendUnavailable(
                f"Query '{query.name}' has no version for the embedded store: put the SPARQL version in "
                f"{Path(query.source).with_suffix(SPARQL_SUFFIX)}, or run it on Neo4j with --backend neo4j "
                "(and --uri or NEO4J_URI)."
            )
        known_on = query.known_on(parameters)
        # "As known on D": only the graphs known then, for the default graph and GRAPH ?g alike.
        known = None if known_on is None else self._known_dataset(known_on)
        terms = {parameter.name: to_rdf(parameters.get(parameter.name), parameter) for parameter in query.parameters}
        # Unset parameters stay function calls that return nothing ("no restriction").
        functions: dict[ox.NamedNode, Callable[..., ox.NamedNode | ox.Literal | None]] = {
            ox.NamedNode(PARAM_NAMESPACE + name): constant(term) for name, term in terms.items()
        }
        sparql = query.sparql
        if known is not None:
            # Represents chain ends worked out once for the date, where Oxigraph takes them as a table
            # (before the parameters go in, so that a value cannot look like one of the patterns).
            sparql = inline_chain_ends(sparql, known.chain_ends, inlinable_chain_ends(sparql))
        sparql = substitute_parameters(sparql, terms)
        default_graph = None
        if known is not None:
            # GRAPH ?g filtered by a set look-up: pyoxigraph walks a list of named graphs one by one.
            sparql = restrict_graph_patterns(sparql)
            functions[ox.NamedNode(KNOWN_GRAPH_FUNCTION)] = known_graph_test(known.graphs)
            # The few graphs holding every known link are enough when the query reads nothing else
            # outside GRAPH ?g; pyoxigraph reads a default graph of many graphs one graph at a time.
            links_only = reads_only_links_outside_graphs(query.sparql)
            default_graph = list(known.link_graphs if links_only else known.graphs)
        paged = None if page is None or page.whole else limited_text(sparql, page, "sparql")
        where = query.sparql_source or query.source
        logger.debug("Running %s on the embedded store with %s", query.name, dict(parameters))
        try:
            solutions = self.store.query(
                paged or sparql, default_graph, restrict_named=False, custom_functions=functions
            )
        except SyntaxError as error:
            raise SavedQueryFileError(f"The SPARQL of query '{query.name}' ({where}) is not valid: {error}") from error
        except (OSError, RuntimeError, ValueError) as error:
            raise QueryFailed(f"The embedded store could not answer query '{query.name}': {error}") from error
        if not isinstance(solutions, ox.QuerySolutions):
            raise SavedQueryFileError(f"The SPARQL of query '{query.name}' ({where}) must be a SELECT query.")
        names = [variable.value for variable in solutions.variables]
        check_columns(query, names, where, "SELECT")
        try:
            rows = [
                tuple(normalize(from_rdf(solution[name]), column) for name, column in zip(names, query.columns))
                for solution in solutions
            ]
        except (OSError, RuntimeError, ValueError) as error:
            raise QueryFailed(f"The embedded store could not answer query '{query.name}': {error}") from error
        if page is None or page.whole:
            return QueryResult(query, self.name, dict(parameters), rows)
        rows, more = cut(rows, page, limited_by_engine=paged is not None)
        return QueryResult(query, self.name, dict(parameters), rows, page.offset, more)

    def missing_references(self, query: SavedQuery, values: Mapping[str, Any]) -> list[MissingReference]:
        """The parameters among ``values`` that name an IRI or fact id the store does not hold."""
        return missing_references(query, values, self)

    def triples(
        self, predicates: Iterable[str], on_progress: Progress = no_progress, known_by: dt.date | None = None
    ) -> Iterable[Any]:
        """The distinct triples of these predicates over every named graph (or those known on ``known_by``), as (s, p, o) tuples."""
        values = " ".join(f"<{iri}>" for iri in sorted(predicates))
        known = None if known_by is None else self._known_dataset(known_by)
        sparql = f"SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?p {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}"
        functions = {}
        if known is not None:
            # Filtered by a set look-up over the whole store, as in run(): a list of graphs is read one by one.
            sparql = restrict_graph_patterns(sparql)
            functions[ox.NamedNode(KNOWN_GRAPH_FUNCTION)] = known_graph_test(known.graphs)
        solutions = self._select(sparql, custom_functions=functions)
        # Solutions unpack to (s, p, o) directly; building Triple objects would double the reading time.
        return (tuple(row) for row in solutions)

    def triples_about(
        self, subjects: Iterable[str], predicates: Iterable[str], known_by: dt.date | None = None
    ) -> Iterable[Any]:
        """The distinct triples of these predicates about these subjects, over every named graph (or those known on ``known_by``).

        Read from the store's subject index one subject at a time, without SPARQL: there is no
        plan to choose, so the time depends on the subjects' triples only.
        """
        wanted = frozenset(predicates)
        dataset = None if known_by is None else self._known_dataset(known_by)
        known = None if dataset is None else frozenset(graph.value for graph in dataset.graphs)
        found: dict[tuple[Any, Any, Any], None] = {}
        for subject in subjects:
            for quad in self.store.quads(subject=subject):
                graph = quad.graph_name
                if (
                    quad.predicate.value in wanted
                    and isinstance(graph, ox.NamedNode)
                    and (known is None or graph.value in known)
                ):
                    found[(quad.subject, quad.predicate, quad.object)] = None
        return list(found)

    # -- lookups for missing_references -------------------------------------------------

    def _select(self, sparql: str, **bindings: Any) -> ox.QuerySolutions:
        solutions = self.store.query(sparql, **bindings)
        assert isinstance(solutions, ox.QuerySolutions), "a SELECT query gives solutions"
        return solutions

    def _ask(self, sparql: str) -> bool:
        return bool(self.store.query(sparql))

    def has_iri(self, iri: str) -> bool:
        """Whether the store holds a triple about or pointing at this IRI."""
        term = ox.NamedNode(iri)
        return self._ask(f"ASK {{ {{ {term} ?p ?o }} UNION {{ ?s ?p {term} }} }}")

    def has_fact_id(self, fact_id: str) -> bool:
        """Whether a fact has this id."""
        return self._ask(f"ASK {{ ?fact cf:factId {ox.Literal(fact_id)} }}")

    def iris_in(self, namespace: str) -> list[str]:
        """The IRIs of typed resources in a namespace."""
        sparql = f"SELECT DISTINCT ?s WHERE {{ ?s a ?type FILTER(STRSTARTS(STR(?s), {ox.Literal(namespace)})) }}"
        return [row["s"].value for row in self._select(sparql)]

    def fact_ids(self) -> list[str]:
        """Every fact id."""
        return [row["id"].value for row in self._select("SELECT DISTINCT ?id WHERE { ?fact cf:factId ?id }")]
