"""The public Python API: what ``ckg`` does, as calls a notebook or a program can make.

The command line is a thin layer over these classes::

    from ceasefire_kg import KnowledgeGraph

    kg = KnowledgeGraph(".ckg")                        # the embedded store in a folder
    kg.load(["examples/articles"])                     # check and store, all or nothing
    result = kg.query("blocking-demands", as_of="2025-03-19")
    result.records()                                   # [{"demand": ..., "side": ...}, ...]
    result.to_dataframe()                              # with pandas installed

    with connect(Connection("neo4j://127.0.0.1:7687", password="...")) as driver:
        kg.push(driver)
        Neo4jGraph(driver).query("positions", actor="russia")

:class:`KnowledgeGraph` works on the embedded store; :class:`Neo4jGraph` on
the graph ``ckg push`` wrote to Neo4j. Both answer saved queries and give the
negotiation graph the analyses (:mod:`ceasefire_kg.analysis`) read, through
the same :class:`~ceasefire_kg.backends.Backend` interface. Errors are
:class:`~ceasefire_kg.errors.CkgError` subclasses whose messages say what to do.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import neo4j

from ceasefire_kg.analysis import NegotiationGraph
from ceasefire_kg.backends import Backend, LocalBackend, Neo4jBackend
from ceasefire_kg.defaults import DEFAULT_STORE
from ceasefire_kg.files import write_atomically
from ceasefire_kg.loaders.load import LoadReport, load_into_folder, validate_against_folder
from ceasefire_kg.namespaces import article_graph_iri
from ceasefire_kg.neo4j_read import export_neo4j
from ceasefire_kg.progress import Progress, ProgressCallback, log_progress, no_progress
from ceasefire_kg.push import PushReport, push
from ceasefire_kg.saved_queries import Page, QueryResult, SavedQuery, find_query
from ceasefire_kg.store import Store

logger = logging.getLogger(__name__)


def ask(
    backend: Backend,
    query: str | SavedQuery,
    parameters: Mapping[str, Any] | None = None,
    page: Page | None = None,
) -> QueryResult:
    """Answer a saved query on a back end.

    Args:
        backend: Where to answer.
        query: A saved query's name (``blocking-demands``), the path of a
            ``.cypher`` file, or a parsed :class:`SavedQuery`.
        parameters: Values by parameter name: text as typed on the command
            line (``"2025-03-19"``, ``"russia"``), or Python values (a
            :class:`datetime.date`, an ``int``, a ``bool``). Unset parameters
            take the query's defaults.
        page: Only these rows (``Page(limit=50, offset=100)``); the result's
            ``more`` says whether rows follow. None for the whole answer.

    Raises:
        UnknownSavedQuery: No saved query has that name.
        QueryParameterError: A value does not fit its parameter; the message says what is expected.
        CkgError: The back end cannot answer (see :meth:`Backend.run`).
    """
    saved = query if isinstance(query, SavedQuery) else find_query(query)
    values = saved.bind({name: _as_text(value) for name, value in (parameters or {}).items()})
    return backend.run(saved, values, page)


def _as_text(value: Any) -> str:
    # The text form is what the parameters' converters check, so every caller gets the same checks.
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


class KnowledgeGraph:
    """The embedded store in a folder, and what ckg does with it.

    Nothing is opened until a method needs it; each method opens the store
    for its own work (read-only when it only reads) and closes it again.

    Args:
        path: The store's folder; created by the first :meth:`load`.
    """

    def __init__(self, path: str | Path = DEFAULT_STORE) -> None:
        self.path = Path(path)

    def __repr__(self) -> str:
        return f"KnowledgeGraph({str(self.path)!r})"

    def validate(
        self,
        paths: Iterable[str | Path],
        *,
        text_dirs: Iterable[str | Path] = (),
        on_note: ProgressCallback = log_progress,
        allow_unreviewed: bool = False,
    ) -> LoadReport:
        """Check fact files (or folders of them) as :meth:`load` would, and store nothing.

        Raises:
            InputError: Every problem found, each with its file, line, field and fix.
        """
        return validate_against_folder(
            self.path,
            [Path(p) for p in paths],
            text_dirs=[Path(p) for p in text_dirs],
            on_progress=on_note,
            allow_unreviewed=allow_unreviewed,
        )

    def load(
        self,
        paths: Iterable[str | Path],
        *,
        text_dirs: Iterable[str | Path] = (),
        on_note: ProgressCallback = log_progress,
        allow_unreviewed: bool = False,
    ) -> LoadReport:
        """Check fact files (or folders of them) and store them, all or nothing.

        A file whose article is already stored replaces it; loading the same
        files twice gives the same graph.

        Args:
            paths: Files or folders (searched for ``*.yaml``/``*.yml``).
            text_dirs: Folders of article texts (``<article id>.txt``) to check quotes against.
            on_note: Told each step of a long load.
            allow_unreviewed: Accept drafted facts marked ``reviewed: false`` (else each is a problem).

        Returns:
            What was loaded; :attr:`LoadReport.store_triples` is the store's size afterwards.

        Raises:
            InputError: Every problem found; the store is unchanged.
        """
        report, total = load_into_folder(
            self.path,
            [Path(p) for p in paths],
            text_dirs=[Path(p) for p in text_dirs],
            on_progress=on_note,
            allow_unreviewed=allow_unreviewed,
        )
        report.store_triples = total
        return report

    def retract(self, article_ids: Iterable[str]) -> int:
        """Remove articles; what other articles also assert stays.

        Returns:
            The number of triples the store holds afterwards.

        Raises:
            StoreError: An id is not stored (the message lists close ones), or the store cannot be written.
        """
        with Store.open(self.path) as store:
            store.drop_articles(list(article_ids))
            return store.count_triples()

    def articles(self) -> dict[str, int]:
        """The stored articles' ids with their number of triples, sorted by id."""
        with Store.open_read_only(self.path) as store:
            sizes = store.graph_sizes()
            return {article_id: sizes.get(str(article_graph_iri(article_id)), 0) for article_id in store.article_ids()}

    def export(self, output: IO[bytes] | str | Path, format_name: str = "turtle") -> int:
        """Write the graph as RDF in a stable order (same graph, same bytes).

        Args:
            output: A binary stream, or a file path (replaced only once the file is complete).
            format_name: ``turtle``, ``ntriples`` (the union of the articles), ``nquads``,
                ``trig`` or ``jsonld`` (one graph per article).

        Returns:
            The number of triples (or quads) written.
        """
        with Store.open_read_only(self.path) as store:
            if isinstance(output, str | Path):
                return write_atomically(Path(output), lambda stream: store.export(stream, format_name))
            return store.export(output, format_name)

    @contextmanager
    def backend(self) -> Iterator[LocalBackend]:
        """The store opened read-only as a :class:`~ceasefire_kg.backends.Backend`, for several questions in a row."""
        with Store.open_read_only(self.path) as store:
            yield LocalBackend(store)

    def query(self, query: str | SavedQuery, /, *, page: Page | None = None, **parameters: Any) -> QueryResult:
        """Answer a saved query on the store (see :func:`ask`): ``kg.query("positions", actor="russia")``."""
        with self.backend() as backend:
            return ask(backend, query, parameters, page)

    def negotiation(self, on_progress: Progress = no_progress, as_of: dt.date | None = None) -> NegotiationGraph:
        """The negotiation as the networkx multigraph the analyses read (as known on ``as_of``, if given)."""
        with self.backend() as backend:
            return NegotiationGraph.read(backend, on_progress, as_of)

    def push(
        self,
        driver: neo4j.Driver,
        database: str | None = None,
        *,
        batch_triples: int | None = None,
        rebuild: bool = False,
        on_progress: Progress | None = None,
    ) -> PushReport:
        """Send the store to Neo4j: only what changed since the last push, whole articles per transaction.

        Args:
            driver: A driver to the server (see :func:`ceasefire_kg.neo4j_client.connect`).
            database: The database; None for the server's default.
            batch_triples: Triples per transaction (whole articles only); None lets the push
                choose (at least 20,000, and many articles in about 25 transactions).
            rebuild: Wipe ckg's data in the database and push everything again.
            on_progress: Told ("Pushing graphs", graphs done, graphs in all) after each transaction.
        """
        with Store.open_read_only(self.path) as store:
            return push(
                store,
                driver,
                database,
                batch_triples=batch_triples,
                rebuild=rebuild,
                on_progress=on_progress,
            )


class Neo4jGraph:
    """The graph ``ckg push`` wrote to a Neo4j database.

    Args:
        driver: A driver to the server; the caller owns and closes it.
        database: The database; None for the server's default.
    """

    def __init__(self, driver: neo4j.Driver, database: str | None = None) -> None:
        self.backend = Neo4jBackend(driver, database)

    def query(self, query: str | SavedQuery, /, *, page: Page | None = None, **parameters: Any) -> QueryResult:
        """Answer a saved query in Cypher (see :func:`ask`)."""
        return ask(self.backend, query, parameters, page)

    def negotiation(self, on_progress: Progress = no_progress, as_of: dt.date | None = None) -> NegotiationGraph:
        """The negotiation as the networkx multigraph the analyses read (as known on ``as_of``, if given)."""
        return NegotiationGraph.read(self.backend, on_progress, as_of)

    def export(self, output: IO[bytes] | str | Path, format_name: str = "turtle") -> int:
        """Read the graph back as RDF, in the stable order of :meth:`KnowledgeGraph.export`."""
        driver, database = self.backend.driver, self.backend.database
        if isinstance(output, str | Path):
            return write_atomically(Path(output), lambda stream: export_neo4j(driver, database, stream, format_name))
        return export_neo4j(driver, database, output, format_name)
