"""The push itself: check the database, find what changed, write it batch by batch."""

from __future__ import annotations

import gc
import logging
import sys
import time
import uuid
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import contextmanager

import neo4j

from ceasefire_kg.defaults import DEFAULT_BATCH_TRIPLES, DEFERRED_INDEXES_MIN_GRAPHS, PUSH_TRANSACTIONS
from ceasefire_kg.mapping import Mapping, default_mapping
from ceasefire_kg.neo4j_client import check_database, describe_target, neo4j_errors, open_session
from ceasefire_kg.progress import Progress, no_progress
from ceasefire_kg.push.bookkeeping import (
    check_pushable,
    database_counts,
    ensure_meta,
    ensure_schema,
    holds_resources,
    remote_hashes,
    wipe,
)
from ceasefire_kg.push.changes import GraphChange, changed_graphs, check_terms, load_pushed, stream_batches
from ceasefire_kg.push.planner import Planner
from ceasefire_kg.push.report import PushReport
from ceasefire_kg.push.statements import Statements, WritePlan, write_transaction
from ceasefire_kg.store import Store

logger = logging.getLogger(__name__)

#: The stage push reports its progress under.
PUSH_STAGE = "Pushing graphs"


def push(
    store: Store,
    driver: neo4j.Driver,
    database: str | None,
    *,
    mapping: Mapping | None = None,
    batch_triples: int | None = None,
    rebuild: bool = False,
    on_progress: Progress | None = None,
) -> PushReport:
    """Bring the Neo4j database up to date with the store.

    Only graphs added, changed or removed since the last push are sent; each
    batch of whole graphs is one write transaction, so an interrupted push
    leaves every graph either as before or as after, and running push again
    completes it. Pushing an unchanged store writes nothing.

    Args:
        store: The embedded store (read only).
        driver: A driver to the Neo4j server.
        database: The database to write to.
        mapping: The whitelist; the one of the shipped ontology by default.
        batch_triples: Roughly how many triples one transaction carries
            (whole graphs only, so a bigger graph makes a bigger one). None
            lets the push choose: at least :data:`DEFAULT_BATCH_TRIPLES`, and
            a push of many graphs in about :data:`PUSH_TRANSACTIONS` transactions.
        rebuild: Delete everything ckg pushed before, then push all graphs.
        on_progress: Called after each transaction with (:data:`PUSH_STAGE`, graphs done, graphs in all).

    Returns:
        What was pushed.

    Raises:
        Neo4jUnreachable: The server does not answer.
        Neo4jAuthFailed: Wrong user name or password.
        Neo4jDatabaseMissing: No such database.
        Neo4jConflict: The database holds data or schema that is not ckg's.
        SchemaDrift: The store uses a term outside the mapping, or the database
            was pushed with another mapping.
        ConcurrentPush: Another push wrote to the database meanwhile.
    """
    mapping = mapping or default_mapping()
    started = time.monotonic()
    check_database(driver, database)
    remote = _pushed_hashes(driver, database, mapping, rebuild=rebuild)
    local = store.graph_hashes()
    candidates = changed_graphs(local, remote)
    report = PushReport(unchanged=len(local) - sum(1 for iri in candidates if iri in local))
    if not candidates and not rebuild:
        _count_result(report, driver, database, started)
        return report
    check_terms(store, mapping, [iri for iri in candidates if iri in local])
    _send(
        store,
        driver,
        database,
        mapping,
        candidates=candidates,
        local=local,
        remote=remote,
        batch_triples=batch_triples,
        rebuild=rebuild,
        report=report,
        progress=on_progress or no_progress,
    )
    _count_result(report, driver, database, started)
    logger.info("push: %s", report.describe())
    return report


def _pushed_hashes(driver: neo4j.Driver, database: str | None, mapping: Mapping, *, rebuild: bool) -> dict[str, str]:
    """Check that the database may be pushed to; the hash of each graph pushed (none for a rebuild)."""
    where = describe_target(driver, database)
    with neo4j_errors(driver, database, "reading what was pushed"), open_session(driver, database) as session:
        check_pushable(session, where, mapping, rebuild=rebuild)
        return {} if rebuild else remote_hashes(session)


def _send(
    store: Store,
    driver: neo4j.Driver,
    database: str | None,
    mapping: Mapping,
    *,
    candidates: list[str],
    local: dict[str, str],
    remote: dict[str, str],
    batch_triples: int | None,
    rebuild: bool,
    report: PushReport,
    progress: Progress,
) -> None:
    """Prepare the database (wiped for a rebuild), then write the changed graphs in batches."""
    with (
        neo4j_errors(driver, database, "pushing"),
        open_session(driver, database) as session,
        no_cyclic_gc(),
        quick_thread_switches(),
    ):
        if rebuild:
            wipe(session)
        # Into a database without ckg's graph, nodes are created without a lookup.
        fresh = not remote and not holds_resources(session)
        # A big first push fills the indexes at the end (see ensure_schema).
        late_indexes = fresh and len(candidates) >= DEFERRED_INDEXES_MIN_GRAPHS
        ensure_schema(driver, database, mapping, indexes=not late_indexes)
        revision = ensure_meta(session, mapping)
        changes = load_pushed(session, candidates, remote)
        planner = Planner(store, mapping, changes, unchanged=report.unchanged > 0, fresh=fresh)
        batches = stream_batches(
            store, local, remote, changes, report=report, **batch_limits(batch_triples, len(changes))
        )
        _write_batches(
            driver, database, Statements(mapping), planner, batches, revision, len(changes), report, progress
        )
        if late_indexes:
            ensure_schema(driver, database, mapping)
        # Freed while the collector is still off: its first pass once back on would walk
        # every object the planner holds (a second at 1,000,000 triples), only to find them alive.
        del planner, batches, changes


def batch_limits(batch_triples: int | None, graphs: int) -> dict[str, int]:
    """How big a push's transactions are: ``batch_triples`` as given, or the push's own choice.

    Args:
        batch_triples: Triples per transaction, or None to choose.
        graphs: How many graphs the push sends.

    Returns:
        The keyword arguments of :func:`stream_batches` that cut the batches.
    """
    if batch_triples is not None:
        return {"batch_triples": batch_triples}
    return {"batch_triples": DEFAULT_BATCH_TRIPLES, "min_graphs": -(-graphs // PUSH_TRANSACTIONS)}


def _write_batches(
    driver: neo4j.Driver,
    database: str | None,
    statements: Statements,
    planner: Planner,
    batches: Iterable[tuple[list[GraphChange], int]],
    revision: int,
    total: int,
    report: PushReport,
    progress: Progress,
) -> None:
    """Plan each batch and write it in one transaction, while the next batch is read and planned.

    Args:
        driver: A driver to the Neo4j server.
        database: The database to write to.
        statements: The Cypher to write with.
        planner: Plans each batch's writes.
        batches: Batches of whole graphs, each with how many graphs were seen with it.
        revision: The database's revision before the first batch.
        total: How many graphs there are to send, for the progress.
        report: Counts the transactions.
        progress: Called after each transaction with (graphs done, graphs in all).
    """
    write_session = open_session(driver, database)
    # The element id of each node written so far, by uri: later relationships to it are created by id.
    node_ids: dict[str, str] = {}

    def write(plan: WritePlan) -> None:
        written = write_session.execute_write(write_transaction, plan, statements, node_ids)
        if written:
            node_ids.update(written)
        # A node collected as garbage may be gone, and Neo4j may give its id to another one.
        for uri in plan.garbage:
            node_ids.pop(uri, None)

    pending: Future[None] | None = None
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ckg-push") as writer:
        try:
            pending_seen = 0
            progress(PUSH_STAGE, 0, total)
            for batch, seen in batches:
                plan = planner.plan(batch, uuid.uuid4().hex, revision)
                revision += 1
                for change in batch:  # the planner keeps what it needs
                    change.old = change.new = None
                    change.new_content = None
                if pending is not None:
                    pending.result()
                    progress(PUSH_STAGE, pending_seen, total)
                # Neo4j writes this batch while the next one is read and planned.
                pending, pending_seen = writer.submit(write, plan), seen
                report.transactions += 1
            if pending is not None:
                pending.result()
            progress(PUSH_STAGE, total, total)
        finally:
            if pending is not None:
                wait([pending])
            write_session.close()


def _count_result(report: PushReport, driver: neo4j.Driver, database: str | None, started: float) -> None:
    """Fill in what the database holds afterwards and how long the push took."""
    report.nodes, report.relationships = database_counts(driver, database)
    report.seconds = time.monotonic() - started


@contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector.

    A big push holds millions of small objects (no cycles among them); the
    collector would scan them all again and again, which made pushing a
    million triples take half as long again.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


#: How long a thread may hold the interpreter while another waits, during a push (Python's default: 5 ms).
PUSH_SWITCH_INTERVAL = 0.0005


@contextmanager
def quick_thread_switches() -> Iterator[None]:
    """Let a waiting thread take over the interpreter sooner (see :data:`PUSH_SWITCH_INTERVAL`).

    The writer thread sends a statement, waits for Neo4j, then needs the
    interpreter back to send the next one, while the main thread plans the
    next batch; with the default 5 ms between switches, Neo4j sat idle while
    the writer waited its turn, about 2 s of a first push of 1,000,000 triples
    (13 statements and a commit per transaction). The interval is Python's,
    for the whole process: it is restored on the way out.
    """
    before = sys.getswitchinterval()
    sys.setswitchinterval(PUSH_SWITCH_INTERVAL)
    try:
        yield
    finally:
        sys.setswitchinterval(before)
