"""The Neo4j back end: saved queries in Cypher, on the graph ``ckg push`` wrote."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Mapping
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

import neo4j
import neo4j.exceptions
import neo4j.time

from ceasefire_kg.backends.base import Progress, no_progress
from ceasefire_kg.errors import QueryBackendUnavailable, QueryFailed, QueryNotReadOnly, SavedQueryFileError, clause
from ceasefire_kg.neo4j_client import neo4j_errors, open_session
from ceasefire_kg.saved_queries.definitions import CYPHER_SUFFIX, Column, Parameter, QueryResult, SavedQuery
from ceasefire_kg.saved_queries.paging import Page, cut, cypher_page_parameters, limited_text
from ceasefire_kg.saved_queries.references import MissingReference, missing_references
from ceasefire_kg.saved_queries.terms import check_columns, normalize

logger = logging.getLogger(__name__)

_WRITE_IN_READ_CODES = ("Neo.ClientError.Statement.AccessMode", "Neo.ClientError.Security.Forbidden")


class Neo4jBackend:
    """Answers from a Neo4j database, over a driver the caller owns.

    Args:
        driver: A driver to the server (built by :func:`ceasefire_kg.neo4j_client.connect`).
        database: The database; None for the server's default.
        uri: The server's URI, for messages.
    """

    name = "neo4j"

    def __init__(self, driver: neo4j.Driver, database: str | None = None, uri: str | None = None) -> None:
        self.driver = driver
        self.database = database
        self.uri = uri
        where = f"database {database}" if database else "default database"
        self.description = f"Neo4j at {uri} ({where})" if uri else f"Neo4j ({where})"

    def run(self, query: SavedQuery, parameters: Mapping[str, Any], page: Page | None = None) -> QueryResult:
        """Run a saved query's Cypher version in a read transaction.

        Args:
            query: The query.
            parameters: Values from :meth:`SavedQuery.bind`.
            page: Only these rows (pushed down into the Cypher where it allows); None for all.

        Raises:
            QueryBackendUnavailable: If the query has no Cypher version.
            QueryNotReadOnly: If the query tried to write.
            SavedQueryFileError: If the Cypher is not valid or returns other columns than the header says.
            GraphDatabaseError: If Neo4j cannot be reached or fails otherwise.
        """
        cypher = query.cypher
        if cypher is None:
            raise QueryBackendUnavailable(
                f"Query '{query.name}' has no Cypher version for Neo4j: put it in "
                f"{Path(query.source).with_suffix(CYPHER_SUFFIX)}, or run it on the embedded store with --backend local."
            )
        values = {
            parameter.name: to_cypher(parameters.get(parameter.name), parameter) for parameter in query.parameters
        }
        paged = None if page is None or page.whole else limited_text(cypher, page, "cypher")
        if page is not None and paged is not None:
            values.update(cypher_page_parameters(page))
        statement = paged or cypher

        def work(tx: neo4j.ManagedTransaction) -> tuple[list[str], list[list[Any]]]:
            result = tx.run(statement, values)
            return list(result.keys()), [list(record.values()) for record in result]

        logger.debug("Running %s on Neo4j (database %s) with %s", query.name, self.database, values)
        with neo4j_errors(self.driver, self.database, f"running query '{query.name}'"):
            try:
                # Notifications (such as "this label does not exist" on an empty database) are not errors.
                with open_session(self.driver, self.database, read=True) as session:
                    keys, records = session.execute_read(work)
            except neo4j.exceptions.ClientError as error:
                specific = _query_error(query, error)
                if specific is None:
                    raise
                raise specific from error
        check_columns(query, keys, query.source, "RETURN")
        converters = [_column_converter(column) for column in query.columns]
        rows = [tuple([convert(value) for convert, value in zip(converters, record)]) for record in records]
        if page is None or page.whole:
            return QueryResult(query, self.name, dict(parameters), rows)
        rows, more = cut(rows, page, limited_by_engine=paged is not None)
        return QueryResult(query, self.name, dict(parameters), rows, page.offset, more)

    def missing_references(self, query: SavedQuery, values: Mapping[str, Any]) -> list[MissingReference]:
        """The parameters among ``values`` that name an IRI or fact id the database does not hold."""
        return missing_references(query, values, self)

    def triples(
        self, predicates: Iterable[str], on_progress: Progress = no_progress, known_by: dt.date | None = None
    ) -> Iterable[Any]:
        """The distinct triples of these predicates, rebuilt from the property graph.

        With ``known_by``, only the nodes, relationships and values whose
        ``known`` / ``__known`` says they were known on that date.

        Raises:
            GraphDatabaseError: The server cannot be used.
        """
        # Imported here: only reading the whole graph back needs the mapping.
        from ceasefire_kg.neo4j_read import read_triples

        on_progress("Reading the graph from Neo4j", 0, None)
        wanted = set(predicates)
        return [
            triple
            for triple in read_triples(self.driver, self.database, known_by=known_by)
            if triple.predicate.value in wanted
        ]

    def unchanging(self) -> AbstractContextManager[None]:
        """Nothing to keep between questions: each Cypher query filters on the dates itself."""
        return nullcontext()

    def triples_about(
        self, subjects: Iterable[str], predicates: Iterable[str], known_by: dt.date | None = None
    ) -> Iterable[Any]:
        """The distinct triples of these predicates about these subjects, rebuilt from their nodes.

        With ``known_by``, only what was known on that date, as :meth:`triples`.

        Raises:
            GraphDatabaseError: The server cannot be used.
        """
        from ceasefire_kg.neo4j_read import read_triples

        wanted = set(predicates)
        chosen = sorted(set(subjects))
        found = read_triples(self.driver, self.database, known_by=known_by, subjects=chosen)
        return [triple for triple in found if triple.predicate.value in wanted]

    # -- lookups for missing_references -------------------------------------------------

    def _values(self, cypher: str, **parameters: Any) -> list[Any]:
        with neo4j_errors(self.driver, self.database, "looking ids up"):
            records, _, _ = self.driver.execute_query(
                cypher, parameters, database_=self.database, routing_=neo4j.RoutingControl.READ
            )
        return [record[0] for record in records]

    def has_iri(self, iri: str) -> bool:
        """Whether a node has this IRI (an index lookup: ``:Resource(uri)`` is unique)."""
        return bool(self._values("RETURN EXISTS { MATCH (:Resource {uri: $iri}) }", iri=iri)[0])

    def has_fact_id(self, fact_id: str) -> bool:
        """Whether a node has this fact id."""
        return bool(self._values("RETURN EXISTS { MATCH (n:Resource) WHERE n.factId = $id }", id=fact_id)[0])

    def iris_in(self, namespace: str) -> list[str]:
        """The IRIs of nodes in a namespace."""
        return self._values("MATCH (n:Resource) WHERE n.uri STARTS WITH $namespace RETURN n.uri", namespace=namespace)

    def fact_ids(self) -> list[str]:
        """Every fact id."""
        return self._values("MATCH (n:Resource) WHERE n.factId IS NOT NULL RETURN DISTINCT n.factId")


def _query_error(query: SavedQuery, error: neo4j.exceptions.ClientError) -> Exception | None:
    """The error a query's own mistake makes (writing, bad Cypher); None when the server is to blame."""
    code = error.code or ""
    message = error.message or str(error)
    if code in _WRITE_IN_READ_CODES or ("write" in message.lower() and "read" in message.lower()):
        return QueryNotReadOnly(
            f"Query '{query.name}' ({query.source}) tried to write to Neo4j, and saved queries may only read: "
            f"{clause(message)}. Remove CREATE, MERGE, SET, DELETE, REMOVE and write procedures from it."
        )
    if code.startswith(("Neo.ClientError.Statement.SyntaxError", "Neo.ClientError.Statement.TypeError")):
        return SavedQueryFileError(f"The Cypher of query '{query.name}' ({query.source}) is not valid: {message}")
    if code.startswith("Neo.ClientError.Statement.") and "DatabaseNotFound" not in code:
        return QueryFailed(f"Neo4j could not answer query '{query.name}': {clause(message)}.")
    return None


def _column_converter(column: Column) -> Callable[[Any], Any]:
    """What turns a column's values into the embedded store's form (``from_cypher``, then ``normalize``).

    Text in a text column, most of any answer, is already in that form and
    passes as it is: large answers spend no time converting it.
    """
    if column.type in ("string", "date"):

        def text(value: Any) -> Any:
            if value is None or value.__class__ is str:
                return value
            if value.__class__ is neo4j.time.Date:
                return value.iso_format()
            return normalize(from_cypher(value), column)

        return text
    return lambda value: normalize(from_cypher(value), column)


def to_cypher(value: Any, parameter: Parameter) -> Any:
    """A parameter's value as the driver sends it (dates as Neo4j dates)."""
    if isinstance(value, dt.date):
        return neo4j.time.Date(value.year, value.month, value.day)
    return value


def from_cypher(value: Any) -> Any:
    """A value the driver returned, as the embedded store gives it (dates as ISO text)."""
    if isinstance(value, (neo4j.time.Date, neo4j.time.DateTime, neo4j.time.Time)):
        return value.iso_format()
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return [from_cypher(item) for item in value]
    return value
