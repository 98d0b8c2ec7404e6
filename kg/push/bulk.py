"""A bulk first push: the whole store through Neo4j's offline importer, into the managed server.

For a first push of a big store, writing transactions is the slow way: Neo4j's
importer (``neo4j-admin database import full``) writes the store files
directly. It needs the server stopped and overwrites the database, so ckg uses
it only for the server it manages (``ckg neo4j``) and only when the database
is empty or the user asked to replace it. The steps:

1. check the target (the managed server, running, the default database, empty
   unless ``replace``) and the store's terms;
2. build every node and relationship as a Bolt push would write them
   (:mod:`.bulk_graph`) and write them as the importer's CSV files
   (:mod:`.bulk_csv`), with the ``:CkgMeta`` node marked as a rebuild under way;
3. stop the server, run the importer, start the server again as it was;
4. over Bolt: create the constraints and indexes, set the few values CSV
   cannot carry, write the ``:CkgGraph`` bookkeeping nodes, and finally
   clear the rebuild mark and record the mapping, in that order, so that an
   interrupted bulk push is reported by the next ``ckg push``
   (``--rebuild`` or ``--replace`` mends it).

The result is what a Bolt push into an empty database writes, and later
pushes are incremental Bolt pushes on top of it.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import neo4j
from neo4j.exceptions import ServiceUnavailable, SessionExpired, TransientError

from ceasefire_kg import neo4j_server as n4j
from ceasefire_kg.errors import BulkPushUnavailable, CkgError, Neo4jUnreachable
from ceasefire_kg.mapping import RESOURCE_LABEL, Mapping, default_mapping, quote_name
from ceasefire_kg.neo4j_client import check_database, neo4j_errors, open_session
from ceasefire_kg.neo4j_server.admin_import import (
    ImportInput,
    Neo4jImportFailed,
    import_full,
    is_managed_uri,
    running_settings,
)
from ceasefire_kg.progress import Progress, ProgressCallback, log_progress, no_progress
from ceasefire_kg.push.bookkeeping import META_ID, META_LABEL, await_indexes, database_counts, ensure_schema
from ceasefire_kg.push.bulk_csv import CsvFiles, patch_rows, write_csv
from ceasefire_kg.push.bulk_graph import build_property_graph
from ceasefire_kg.push.changes import changed_graphs, check_terms
from ceasefire_kg.push.report import PushReport
from ceasefire_kg.push.run import no_cyclic_gc
from ceasefire_kg.push.statements import Statements, run_rows
from ceasefire_kg.store import Store

logger = logging.getLogger(__name__)

#: The stage the importer's progress is reported under (with its own stage appended).
IMPORT_STAGE = "neo4j-admin import"
#: The stage the Bolt writes after the import report their progress under.
STATE_STAGE = "Recording the push state"
#: Rows of one Bolt transaction after the import.
_ROWS_PER_TRANSACTION = 20_000
#: Compressed graph content in one Bolt transaction after the import.
_CONTENT_PER_TRANSACTION = 16 * 1024 * 1024
#: Seconds to wait for the restarted server's Bolt to serve the database.
_RECONNECT_SECONDS = 60.0

_PATCH_NODES = f"UNWIND $rows AS row\nMATCH (n:{quote_name(RESOURCE_LABEL)} {{uri: row.uri}})\nSET n += row.props"
_PATCH_RELATIONSHIPS = Statements._between + "SET r += row.props"
_FINISH_META = (
    f"MATCH (m:{quote_name(META_LABEL)} {{id: $id}})\n"
    "SET m.rebuilding = false, m.revision = 1, m.lastToken = $token, m.mapping = $mapping, m.pushedAt = datetime()"
)


def check_bulk_target(
    uri: str | None,
    driver: neo4j.Driver,
    database: str | None,
    settings: n4j.Neo4jSettings,
    *,
    replace: bool,
) -> None:
    """Make sure a bulk push may overwrite this database.

    Args:
        uri: The Bolt URI the driver connects to.
        driver: A driver to that server.
        database: The database to push to (None: the default one).
        settings: The managed server's settings (its home).
        replace: Whether the user accepts that a database holding data is overwritten.

    Raises:
        BulkPushUnavailable: Not the managed server, not running, not its default
            database, or a database that holds nodes while ``replace`` is False.
        Neo4jUnreachable, Neo4jAuthFailed, Neo4jDatabaseMissing: As :func:`check_database`.
    """
    home = settings.home
    if not is_managed_uri(uri, settings):
        raise BulkPushUnavailable(
            f"A bulk push (--bulk, --replace) writes the database files of the Neo4j that `ckg neo4j` manages "
            f"(home {home}, Bolt port {n4j.status(settings).bolt_port}), and {uri} is not that server. "
            "Push over Bolt instead (without --bulk and --replace; `ckg push --rebuild` starts afresh), "
            "or give the managed server's home with --home / CKG_NEO4J_HOME."
        )
    if not n4j.status(settings).running:
        raise BulkPushUnavailable(
            f"The managed Neo4j (home {home}) is not running. Start it with `ckg neo4j start --home {home}` "
            "and push again."
        )
    if (database or n4j.DEFAULT_DATABASE) != n4j.DEFAULT_DATABASE:
        raise BulkPushUnavailable(
            f"A bulk push imports into the managed server's database '{n4j.DEFAULT_DATABASE}', not '{database}'. "
            f"Give --database {n4j.DEFAULT_DATABASE}, or push over Bolt (without --bulk and --replace)."
        )
    check_database(driver, database)
    if not replace:
        with neo4j_errors(driver, database, "checking that the database is empty"):
            nodes = driver.execute_query(
                "MATCH (n) RETURN count(n) AS n", database_=database, bookmark_manager_=None
            ).records[0]["n"]
        if nodes:
            raise BulkPushUnavailable(
                f"The database '{database or n4j.DEFAULT_DATABASE}' of the managed Neo4j holds {nodes:,} nodes, and a "
                "bulk push overwrites the whole database. Give --replace to overwrite it with the store, "
                "or push incrementally over Bolt (without --bulk)."
            )


def bulk_push(
    store: Store,
    driver: neo4j.Driver,
    database: str | None,
    settings: n4j.Neo4jSettings,
    *,
    password: str | None = None,
    mapping: Mapping | None = None,
    on_progress: Progress | None = None,
    on_note: ProgressCallback | None = None,
) -> PushReport:
    """Overwrite the managed server's database with the store, through the offline importer.

    The caller checks the target first (:func:`check_bulk_target`).

    Args:
        store: The embedded store (read only).
        driver: A driver to the managed server; it is used again after the restart.
        database: The database (the managed server's default one).
        settings: The managed server's settings (its home); the restart keeps
            the ports, memory and Browser command the server runs with.
        password: The password of user neo4j; None for the stored one.
        mapping: The whitelist; the one of the shipped ontology by default.
        on_progress: Called with (stage, done, total) while planning, writing and importing.
        on_note: Called with a message as each step starts.

    Returns:
        What was pushed, with the time of each step.

    Raises:
        SchemaDrift: The store uses a term outside the mapping.
        JavaNotFound: No Java to run the importer with.
        Neo4jImportFailed: The importer failed (the server is started again; the
            database may be empty: push again with --replace).
        Neo4jServerError: The server could not be stopped or started again.
    """
    mapping = mapping or default_mapping()
    progress = on_progress or no_progress
    note = on_note or log_progress
    started = time.monotonic()
    report = PushReport(method="bulk")
    local = store.graph_hashes()
    graphs = changed_graphs(local, {})
    check_terms(store, mapping, graphs)
    java = n4j.check_java()
    restart = running_settings(settings)
    with _step(report, "plan"), no_cyclic_gc():
        graph = build_property_graph(store, mapping, graphs, report, progress, local)
    folder = tempfile.mkdtemp(prefix="ckg-bulk-", dir=settings.home)
    try:
        with _step(report, "csv"), no_cyclic_gc():
            files = write_csv(graph, Path(folder), progress)
        graph_rows = graph.graphs
        del graph
        note(
            f"Wrote {files.node_count:,} nodes and {files.relationship_count:,} relationships as CSV files; "
            f"stopping Neo4j to import them..."
        )
        with _step(report, "stop"):
            n4j.stop(settings, on_progress=note)
        _import_and_restart(restart, java, database, files, password, report, progress, note)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    _reconnect(driver, database)
    note("Creating constraints and indexes...")
    with _step(report, "schema"):
        # Neo4j fills the indexes while the push state is written (the constraints are in force).
        ensure_schema(driver, database, mapping, wait=False)
    with _step(report, "state"):
        _record_state(driver, database, mapping, files, graph_rows, report, progress)
        await_indexes(driver, database)
    report.nodes, report.relationships = database_counts(driver, database)
    report.seconds = time.monotonic() - started
    logger.info("bulk push: %s", report.describe())
    return report


@contextmanager
def _step(report: PushReport, name: str) -> Iterator[None]:
    """Time one step of the bulk push into the report."""
    started = time.monotonic()
    try:
        yield
    finally:
        report.steps[name] = time.monotonic() - started


def _import_and_restart(
    settings: n4j.Neo4jSettings,
    java: n4j.JavaRuntime,
    database: str | None,
    files: CsvFiles,
    password: str | None,
    report: PushReport,
    progress: Progress,
    note: ProgressCallback,
) -> None:
    """Run the importer on the stopped server, then start it again, also when the import failed."""
    inputs = ImportInput(
        folder=files.folder,
        nodes=files.nodes,
        relationships=files.relationships,
        multiline=files.multiline,
        array_delimiter="\x1f",
    )

    def importer_progress(stage: str, percent: int) -> None:
        progress(f"{IMPORT_STAGE}: {stage.lower()}", percent, 100)

    note("Running neo4j-admin database import full...")
    try:
        with _step(report, "import"):
            summary = import_full(
                settings, java.executable, database or n4j.DEFAULT_DATABASE, inputs, importer_progress
            )
        logger.info("importer: %s", summary)
    except BaseException as failure:
        # Never leave the user's server stopped; the import's own error is the one to report.
        try:
            n4j.start(settings, password, on_progress=note)
            started = "Neo4j was started again"
        except CkgError as error:
            logger.warning("Could not start Neo4j again after the failed import: %s", error)
            started = f"Neo4j could not be started again ({error})"
        if isinstance(failure, Neo4jImportFailed):
            raise Neo4jImportFailed(
                f"{failure}\n{started}; its database '{database or n4j.DEFAULT_DATABASE}' may be as before or "
                "empty. Fix the cause shown above, then run `ckg push --replace` to import the store again."
            ) from failure
        raise
    with _step(report, "start"):
        n4j.start(settings, password, on_progress=note)


def _reconnect(driver: neo4j.Driver, database: str | None) -> None:
    """Wait until the restarted server serves the database; the driver's old connections are dropped on the way."""
    deadline = time.monotonic() + _RECONNECT_SECONDS
    while True:
        try:
            # No bookmarks: those of the database before the import name transactions the new one never had.
            driver.execute_query("RETURN 1", database_=database, bookmark_manager_=None)
            return
        except (ServiceUnavailable, SessionExpired, TransientError) as error:
            if time.monotonic() >= deadline:
                raise Neo4jUnreachable(
                    f"Neo4j did not serve the database '{database}' again within {_RECONNECT_SECONDS:g} s after "
                    f"the import ({error}). Look into its log, then run `ckg push --replace`."
                ) from error
            time.sleep(0.5)


def _chunks(
    rows: list[dict[str, Any]], weight: Callable[[dict[str, Any]], int], limit: int
) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    size = 0
    for row in rows:
        chunk.append(row)
        size += weight(row)
        if size >= limit:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def _record_state(
    driver: neo4j.Driver,
    database: str | None,
    mapping: Mapping,
    files: CsvFiles,
    graph_rows: list[dict[str, Any]],
    report: PushReport,
    progress: Progress,
) -> None:
    """Set what CSV could not carry, write the ``:CkgGraph`` nodes, then mark the push complete."""
    node_rows = patch_rows(files.node_patches.items())
    relationship_rows = patch_rows(files.relationship_patches.items())
    statements = Statements(mapping)
    work = [
        *((_PATCH_NODES, chunk) for chunk in _chunks(node_rows, lambda _: 1, _ROWS_PER_TRANSACTION)),
        *((_PATCH_RELATIONSHIPS, chunk) for chunk in _chunks(relationship_rows, lambda _: 1, _ROWS_PER_TRANSACTION)),
        *(
            (statements.upsert_graphs, chunk)
            for chunk in _chunks(graph_rows, lambda row: len(row["content"]) + 200, _CONTENT_PER_TRANSACTION)
        ),
    ]
    total = sum(len(rows) for _, rows in work)
    done = 0
    progress(STATE_STAGE, 0, total)
    with neo4j_errors(driver, database, "recording the push state"), open_session(driver, database) as session:
        for text, rows in work:
            session.execute_write(run_rows, text, rows)
            report.transactions += 1
            done += len(rows)
            progress(STATE_STAGE, done, total)
        session.execute_write(_finish, mapping.fingerprint)
        report.transactions += 1


def _finish(tx: neo4j.ManagedTransaction, fingerprint: str) -> None:
    tx.run(_FINISH_META, id=META_ID, token=uuid.uuid4().hex, mapping=fingerprint).consume()
