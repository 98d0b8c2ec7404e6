"""What every back end offers: answer a saved query, look ids up, give the triples the analyses read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager
from typing import Any, Protocol

from ceasefire_kg.progress import Progress, no_progress
from ceasefire_kg.saved_queries.definitions import QueryResult, SavedQuery
from ceasefire_kg.saved_queries.paging import Page
from ceasefire_kg.saved_queries.references import MissingReference


class Backend(Protocol):
    """A place that holds the graph and answers questions about it.

    Two implementations: :class:`ceasefire_kg.backends.local.LocalBackend`
    (the embedded store, SPARQL) and :class:`ceasefire_kg.backends.neo4j.Neo4jBackend`
    (the graph ``ckg push`` wrote, Cypher). Both give the same rows for the
    same data; the golden-answer tests hold them to it.

    Attributes:
        name: ``local`` or ``neo4j``, as in :attr:`QueryResult.backend`.
        description: Where the answers come from, for messages
            (``the embedded store at .ckg``, ``Neo4j at neo4j://... (database neo4j)``).
    """

    name: str
    description: str

    def run(self, query: SavedQuery, parameters: Mapping[str, Any], page: Page | None = None) -> QueryResult:
        """Answer a saved query with values from :meth:`SavedQuery.bind`; only ``page``'s rows, if given."""
        ...

    def missing_references(self, query: SavedQuery, values: Mapping[str, Any]) -> list[MissingReference]:
        """The parameters among ``values`` that name an IRI or fact id this back end does not hold."""
        ...

    def triples(
        self, predicates: Iterable[str], on_progress: Progress = no_progress, known_by: dt.date | None = None
    ) -> Iterable[Any]:
        """The distinct (subject, predicate, object) triples of these predicates, as pyoxigraph terms.

        With ``known_by``, only the triples known on that date (``docs/time.md``).
        """
        ...

    def triples_about(
        self, subjects: Iterable[str], predicates: Iterable[str], known_by: dt.date | None = None
    ) -> Iterable[Any]:
        """The distinct (subject, predicate, object) triples of these predicates about these subject IRIs.

        What :meth:`triples` gives for those subjects, read without scanning the rest of the graph.
        """
        ...

    def unchanging(self) -> AbstractContextManager[None]:
        """A block in which the back end may take the graph as unchanging and keep what it works out.

        For a series of questions about the same date (a brief); nothing else may write meanwhile.
        """
        ...


def has_cypher(query: SavedQuery) -> bool:
    """Whether Neo4j can answer ``query``."""
    return query.cypher is not None
