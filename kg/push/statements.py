"""The Cypher a push writes with, the rows of one write transaction, and the transaction itself.

Every label, relationship type and property name comes from
:mod:`ceasefire_kg.mapping`; values reach Cypher only as parameters
(``UNWIND $rows AS row``).
"""

from __future__ import annotations

from collections.abc import Mapping as Lookup
from dataclasses import dataclass, field
from typing import Any

import neo4j

from ceasefire_kg.errors import ConcurrentPush
from ceasefire_kg.mapping import RESOURCE_LABEL, Mapping, quote_name
from ceasefire_kg.push.bookkeeping import GRAPH_LABEL, META_ID, META_LABEL


class Rows(list[Any]):
    """A statement's rows, with a short ``repr``.

    The driver formats every RUN's parameters for its debug log, even when
    that log is off: the ``repr`` of a first push's rows cost about a tenth of
    the client's CPU. Packed, these rows are a plain list.
    """

    def __repr__(self) -> str:
        return f"<{len(self)} rows>"


@dataclass
class WritePlan:
    """Everything one write transaction sends: rows per statement."""

    token: str
    revision: int
    nodes: list[dict[str, Any]] = field(default_factory=list)
    objects: list[dict[str, Any]] = field(default_factory=list)
    #: Nodes and object-only nodes known not to exist yet (a first push): created without a lookup.
    new_nodes: list[dict[str, Any]] = field(default_factory=list)
    new_objects: list[dict[str, Any]] = field(default_factory=list)
    deletes: list[dict[str, str]] = field(default_factory=list)
    creates: list[dict[str, Any]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    garbage: list[str] = field(default_factory=list)
    graphs: list[dict[str, Any]] = field(default_factory=list)
    dropped_graphs: list[str] = field(default_factory=list)


#: The end of every node statement: its nodes' uris and element ids (see write_transaction).
_ELEMENT_IDS = "RETURN collect(n.uri) AS uris, collect(elementId(n)) AS ids"


def _seek(variable: str, label: str = RESOURCE_LABEL, key: str = "uri") -> str:
    """A hint that looks a node up in its uniqueness constraint's index, whatever the statistics say.

    A push compiles its statements while the database is still nearly empty,
    and Neo4j keeps those plans until its statistics have moved far enough
    and some seconds have passed: planned on an empty database, a lookup by
    ``uri`` became a scan of the whole index for every row, which made the
    first ten transactions of a first push at 1,000,000 triples cost the
    server 9 s more.
    """
    return f"USING INDEX SEEK {variable}:{quote_name(label)}({quote_name(key)})\n"


class Statements:
    """The Cypher text of a push: one statement per kind of write, whatever the labels and types.

    Labels and relationship types travel as parameters (Cypher's dynamic
    ``$(...)`` names, Neo4j 5.26+) rather than in the text: a push then runs
    the same dozen statements whatever it writes, so their plans, compiled by
    the first push, serve every later one (a per-type text would be planned
    anew for each type a small push touches). The names still come only from
    the mapping: :meth:`check_names` rejects any other before a transaction runs.
    """

    def __init__(self, mapping: Mapping) -> None:
        self.mapping = mapping

    def check_names(self, plan: WritePlan) -> None:
        """Refuse a plan that would write a label or relationship type outside the mapping.

        Raises:
            SchemaDrift: For the first name the mapping does not know.
        """
        for label in {label for row in (*plan.nodes, *plan.new_nodes) for label in (*row["add"], *row["remove"])}:
            self.mapping.class_of_label(label)
        for rel_type in {row["t"] for rows in (plan.deletes, plan.creates, plan.updates) for row in rows}:
            self.mapping.relationship_typed(rel_type)

    upsert_nodes = (
        f"UNWIND $rows AS row\nMERGE (n:{quote_name(RESOURCE_LABEL)} {{uri: row.uri}})\n"
        f"SET n = row.props\nSET n:$(row.add)\nREMOVE n:$(row.remove)\n{_ELEMENT_IDS}"
    )
    #: A node that does not exist yet (the uniqueness constraint would refuse a second one).
    create_nodes = (
        f"UNWIND $rows AS row\nCREATE (n:{quote_name(RESOURCE_LABEL)})\nSET n = row.props, n:$(row.add)\n{_ELEMENT_IDS}"
    )
    create_objects = (
        f"UNWIND $rows AS row\nCREATE (n:{quote_name(RESOURCE_LABEL)} "
        f"{{uri: row.uri, name: row.name, graphs: [], articles: []}})\n{_ELEMENT_IDS}"
    )
    merge_objects = (
        f"UNWIND $rows AS row\nMERGE (n:{quote_name(RESOURCE_LABEL)} {{uri: row.uri}})\n"
        f"ON CREATE SET n.name = row.name, n.graphs = [], n.articles = []\n{_ELEMENT_IDS}"
    )
    collect_garbage = (
        f"UNWIND $uris AS uri\nMATCH (n:{quote_name(RESOURCE_LABEL)} {{uri: uri}})\n{_seek('n')}"
        f"WHERE n.graphs = [] AND NOT EXISTS {{ (n)--() }}\nDELETE n"
    )
    upsert_graphs = (
        f"UNWIND $rows AS row\nMERGE (g:{quote_name(GRAPH_LABEL)} {{iri: row.iri}})\n"
        f"SET g.hash = row.hash, g.content = row.content, g.triples = row.triples"
    )
    delete_graphs = (
        f"UNWIND $iris AS iri\nMATCH (g:{quote_name(GRAPH_LABEL)} {{iri: iri}})\n"
        f"{_seek('g', GRAPH_LABEL, 'iri')}DELETE g"
    )
    lock_meta = f"MATCH (m:{quote_name(META_LABEL)} {{id: $id}}) SET m.lockedBy = $token"
    read_meta = f"MATCH (m:{quote_name(META_LABEL)} {{id: $id}}) RETURN m.revision AS revision, m.lastToken AS token"
    bump_meta = (
        f"MATCH (m:{quote_name(META_LABEL)} {{id: $id}})\n"
        f"SET m.revision = $revision, m.lastToken = $token, m.mapping = $mapping, m.pushedAt = datetime()"
    )
    # Subjects are the sparse end in this ontology (a fact points at its actors,
    # not the other way round), so expanding from ``a`` stays cheap.
    _between = (
        f"UNWIND $rows AS row\n"
        f"MATCH (a:{quote_name(RESOURCE_LABEL)} {{uri: row.s}})-[r:$(row.t)]->"
        f"(b:{quote_name(RESOURCE_LABEL)} {{uri: row.o}})\n"
        f"{_seek('a')}{_seek('b')}"
    )
    # The same, with both ends given by element id (see write_transaction): a seek by id costs
    # the server less than half of a seek in the uri index.
    _between_ids = (
        f"UNWIND $rows AS row\n"
        f"MATCH (a:{quote_name(RESOURCE_LABEL)})-[r:$(row.t)]->(b:{quote_name(RESOURCE_LABEL)})\n"
        "WHERE elementId(a) = row.s AND elementId(b) = row.o\n"
    )
    _ends = (
        f"UNWIND $rows AS row\n"
        f"MATCH (a:{quote_name(RESOURCE_LABEL)} {{uri: row.s}})\n{_seek('a')}"
        f"MATCH (b:{quote_name(RESOURCE_LABEL)} {{uri: row.o}})\n{_seek('b')}"
    )
    _ends_ids = (
        f"UNWIND $rows AS row\n"
        f"MATCH (a:{quote_name(RESOURCE_LABEL)}) WHERE elementId(a) = row.s\n"
        f"MATCH (b:{quote_name(RESOURCE_LABEL)}) WHERE elementId(b) = row.o\n"
    )
    _update = "SET r.graphs = row.g, r.articles = row.a, r.known = row.k"
    # A null ``known`` (known from the start) sets no property.
    _create = "CREATE (a)-[:$(row.t) {graphs: row.g, articles: row.a, known: row.k}]->(b)"
    #: Set the provenance of existing relationships (a null ``known`` removes it).
    update_relationships = _between + _update
    update_relationships_by_id = _between_ids + _update
    #: Delete relationships that no graph asserts any more.
    delete_relationships = _between + "DELETE r"
    delete_relationships_by_id = _between_ids + "DELETE r"
    #: CREATE relationships that do not exist yet (the pushed state says so).
    create_relationships = _ends + _create
    create_relationships_by_id = _ends_ids + _create


def write_transaction(
    tx: neo4j.ManagedTransaction, plan: WritePlan, statements: Statements, node_ids: Lookup[str, str]
) -> dict[str, str] | None:
    """Apply one batch.

    Relationships whose two ends have a known element id (``node_ids``, or a node
    this transaction writes) are found by id, the others by uri.

    Args:
        tx: The write transaction (the driver retries it on transient errors).
        plan: The rows to write.
        statements: The Cypher to write them with.
        node_ids: Element ids of nodes written by earlier transactions of the push, by uri.

    Returns:
        The element id of every node this transaction wrote, by uri (to be
        trusted once it has committed); None when an earlier attempt of it had
        already committed.

    Raises:
        SchemaDrift: The plan names a label or type outside the mapping.
        ConcurrentPush: Another push changed the database since this one read its revision.
    """
    statements.check_names(plan)
    tx.run(statements.lock_meta, id=META_ID, token=plan.token).consume()
    record = tx.run(statements.read_meta, id=META_ID).single()
    revision = record["revision"] if record else None
    if record is not None and record["token"] == plan.token and revision == plan.revision + 1:
        return None  # committed before the connection dropped; the driver retried
    if revision != plan.revision:
        raise ConcurrentPush(
            "Another `ckg push` changed this Neo4j database while this one was running "
            f"(revision {revision}, expected {plan.revision}). Nothing of this batch was written; "
            "run `ckg push` again when the other push is done."
        )
    # Every statement runs, even without rows: a few cheap round trips that keep
    # their query plans warm for the next (incremental) push.
    written: dict[str, str] = {}
    for text, rows in (
        (statements.create_nodes, plan.new_nodes),
        (statements.upsert_nodes, plan.nodes),
        (statements.create_objects, plan.new_objects),
        (statements.merge_objects, plan.objects),
    ):
        written.update(run_node_rows(tx, text, rows))
    for by_id, by_uri, rows in (
        (statements.delete_relationships_by_id, statements.delete_relationships, plan.deletes),
        (statements.create_relationships_by_id, statements.create_relationships, plan.creates),
        (statements.update_relationships_by_id, statements.update_relationships, plan.updates),
    ):
        with_ids, with_uris = _ends_by_id(rows, written, node_ids)
        run_rows(tx, by_id, with_ids)
        run_rows(tx, by_uri, with_uris)
    run_rows(tx, statements.collect_garbage, plan.garbage, "uris")
    run_rows(tx, statements.upsert_graphs, plan.graphs)
    run_rows(tx, statements.delete_graphs, plan.dropped_graphs, "iris")
    tx.run(
        statements.bump_meta,
        id=META_ID,
        revision=plan.revision + 1,
        token=plan.token,
        mapping=statements.mapping.fingerprint,
    ).consume()
    return written


def _ends_by_id(
    rows: list[dict[str, Any]], written: dict[str, str], earlier: Lookup[str, str]
) -> tuple[list[Any], list[Any]]:
    """Relationship rows split: those whose two ends have an element id (given as ids, in copies), and the rest.

    Args:
        rows: Relationship rows, their ends given by uri.
        written: Element ids of the nodes this transaction wrote, by uri.
        earlier: Element ids of nodes written before, by uri.
    """
    with_ids, with_uris = [], []
    for row in rows:
        start = written.get(row["s"]) or earlier.get(row["s"])
        end = written.get(row["o"]) or earlier.get(row["o"])
        if start is None or end is None:
            with_uris.append(row)
        else:
            # A copy: a retried transaction plans from the same rows again.
            with_ids.append({**row, "s": start, "o": end})
    return with_ids, with_uris


def run_node_rows(tx: neo4j.ManagedTransaction, text: str, rows: list[Any]) -> dict[str, str]:
    """Run a node statement (see :func:`run_rows`); the element id of each of its nodes, by uri."""
    sent = Rows(rows)
    record = tx.run(text, {"rows": sent}).single(strict=True)
    sent.clear()
    return dict(zip(record["uris"], record["ids"], strict=True))


def run_rows(tx: neo4j.ManagedTransaction, text: str, rows: list[Any], name: str = "rows") -> None:
    """Run a statement with its rows as the parameter ``name``, and let go of them once it has run.

    The driver keeps each result, and with it its parameters, in reference
    cycles: with the cyclic collector paused for the push (see
    :func:`ceasefire_kg.push.run.no_cyclic_gc`) every row sent would stay in
    memory until the push ends. Emptying the copy handed to the driver frees
    them as soon as the plan is done with; a retried transaction copies the
    plan's rows again.

    Args:
        tx: The write transaction.
        text: The statement (``UNWIND $<name> AS ...``).
        rows: Its rows; the list itself is left as it was.
        name: The parameter that carries them.
    """
    sent = Rows(rows)
    tx.run(text, {name: sent}).consume()
    sent.clear()
