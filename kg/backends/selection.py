"""Choosing the back end: ``local``, ``neo4j``, or ``auto`` (Neo4j when it is configured and answers)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ceasefire_kg.backends.base import Backend
from ceasefire_kg.backends.local import LocalBackend
from ceasefire_kg.defaults import BACKEND_CHOICES
from ceasefire_kg.errors import QueryBackendUnavailable, QueryNeo4jUnreachable, clause
from ceasefire_kg.store import Store

if TYPE_CHECKING:
    from ceasefire_kg.connection import Connection

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Selected:
    """The back end that answers, and why it was chosen.

    Attributes:
        backend: The open back end.
        note: One sentence for the user: which back end answers, and, when
            ``auto`` fell back to the embedded store, why.
    """

    backend: Backend
    note: str


@contextmanager
def open_backend(
    choice: str, store_path: Path, connection: Connection | None = None, *, neo4j_can_answer: bool = True
) -> Iterator[Selected]:
    """Open the back end ``choice`` asks for, and close it afterwards.

    ``local`` opens the embedded store. ``neo4j`` connects to ``connection``
    and checks that the server answers. ``auto`` uses Neo4j when a URI is
    given, the server answers and ``neo4j_can_answer``; otherwise the embedded
    store, with a note that says why. Only a server that cannot be used sends
    ``auto`` to the store: a question that fails on a reachable server is an error.

    Args:
        choice: ``auto``, ``local`` or ``neo4j``.
        store_path: The embedded store's folder.
        connection: Where Neo4j is; None or a connection without URI when it is not configured.
        neo4j_can_answer: False when only the store can answer (a query without a Cypher version).

    Raises:
        QueryBackendUnavailable: ``neo4j`` was asked for without a URI.
        QueryNeo4jUnreachable: ``neo4j`` was asked for and the server cannot be used.
        StoreError: The embedded store cannot be opened.
    """
    if choice not in BACKEND_CHOICES:
        raise QueryBackendUnavailable(f"Unknown backend {choice!r}: use one of {', '.join(BACKEND_CHOICES)}.")
    uri = connection.uri if connection is not None else None
    if choice == "local" or (choice == "auto" and not neo4j_can_answer):
        with _local(store_path, "") as selected:
            yield selected
        return
    if not uri or connection is None:
        if choice == "neo4j":
            raise QueryBackendUnavailable(
                "--backend neo4j needs the server's address: give --uri or set NEO4J_URI "
                "(such as neo4j://127.0.0.1:7687, as 'ckg neo4j start' prints it)."
            )
        with _local(store_path, " (NEO4J_URI is not set)") as selected:
            yield selected
        return
    # Only a configured server loads the Neo4j driver: the embedded store starts faster without it.
    from ceasefire_kg.backends.neo4j import Neo4jBackend
    from ceasefire_kg.neo4j_client import connect, neo4j_problem

    with ExitStack() as stack:
        try:
            driver = stack.enter_context(connect(connection, QueryNeo4jUnreachable))
        except QueryNeo4jUnreachable as error:
            # The options cannot make a driver (no password, not a Bolt URI).
            if choice == "neo4j":
                raise
            reason = clause(str(error))
        else:
            problem = neo4j_problem(driver, uri, connection.database)
            if problem is None:
                backend = Neo4jBackend(driver, connection.database, uri)
                yield Selected(backend, f"Backend: {backend.description}.")
                return
            if choice == "neo4j":
                raise problem.error()
            # The driver's own words are for -v; the note says what happened in a few.
            logger.info("%s", problem.message)
            reason = problem.summary
    with Store.open_read_only(store_path) as store:
        yield Selected(LocalBackend(store), f"{reason}; answering from the embedded store at {store_path}.")


@contextmanager
def _local(store_path: Path, why: str) -> Iterator[Selected]:
    with Store.open_read_only(store_path) as store:
        # Said once the store has opened: a missing store is an error, not a backend.
        yield Selected(LocalBackend(store), f"Backend: the embedded store at {store_path}{why}.")
