"""Push the embedded store to Neo4j: idempotent, incremental, atomic per batch of whole graphs.

The unit of change is a named graph (an article, an actor registry, the
ontology). Neo4j keeps, for every graph pushed, a bookkeeping node
``(:CkgGraph {iri, hash, content, triples})`` whose ``content`` is the
graph's canonical N-Triples text (zlib-compressed) as pushed. A push

1. compares each local graph's content hash (:meth:`Store.graph_hashes`) with
   the pushed one, and sends only graphs added, changed or removed since;
2. rebuilds, for every resource such a graph mentions as subject, its node
   (labels, properties, ``graphs``/``articles``) and its outgoing
   relationships from what *all* graphs assert about it: the new content of
   the graphs being sent, the pushed content of the others (the unchanged
   ones read from the store, the changed ones not yet sent from their
   bookkeeping node), and writes only the difference;
3. writes each batch of whole graphs, its bookkeeping nodes included, in ONE
   write transaction, so that a failure leaves every graph either fully old
   or fully new, and re-running push completes it.

A resource no graph mentions any more (neither as subject nor as the object
of a relationship) is deleted. Every label, relationship type and property
name comes from :mod:`ceasefire_kg.mapping`; values reach Cypher only as
parameters (``UNWIND $rows AS row``).

The driver is given by the caller (the CLI builds it), with the database name.
"""

from __future__ import annotations

import gc
import logging
import time
import uuid
import zlib
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import neo4j
import pyoxigraph as ox
from neo4j.exceptions import (
    ClientError,
)

from ceasefire_kg.errors import (
    ConcurrentPush,
    Neo4jConflict,
    SchemaDrift,
    clause,
)
from ceasefire_kg.mapping import (
    ARTICLES_PROPERTY,
    CAPTION_PROPERTY,
    GRAPHS_PROPERTY,
    RDF_TYPE,
    RDFS,
    RESOURCE_LABEL,
    SKOS,
    URI_CONSTRAINT,
    URI_PROPERTY,
    Mapping,
    default_mapping,
    local_name,
    quote_name,
)
from ceasefire_kg.namespaces import GRAPH
from ceasefire_kg.neo4j_client import check_database, describe_target, neo4j_errors, open_session
from ceasefire_kg.store import Store, content_hash

logger = logging.getLogger(__name__)

#: Triples (old plus new content) per write transaction; whole graphs only.
DEFAULT_BATCH_TRIPLES = 50_000
GRAPH_LABEL = "CkgGraph"
META_LABEL = "CkgMeta"
META_ID = "ckg"
#: Labels and properties the saved queries look nodes up by.
INDEXED_PROPERTIES: tuple[tuple[str, str], ...] = (
    ("Resource", "name"),
    ("Actor", "factId"),
    ("Proposal", "factId"),
    ("Demand", "factId"),
    ("Position", "factId"),
    ("Claim", "factId"),
    ("Event", "factId"),
    ("Article", "factId"),
    ("Position", "asOf"),
    ("StatusRecord", "asOf"),
    ("Event", "date"),
    ("Claim", "date"),
    ("Article", "issued"),
)
_ARTICLE_GRAPHS = str(GRAPH) + "article/"
_ARTICLE_PREFIX_LENGTH = len(_ARTICLE_GRAPHS)
_RDFS_LABEL = RDFS + "label"
_SKOS_PREF_LABEL = SKOS + "prefLabel"

#: Subjects with more pushed triples than this keep their state between batches.
_HUB_ENTRIES = 64
#: Called after each committed transaction with (units done, units in all).
Progress = Callable[[int, int], None]


def _no_progress(done: int, total: int) -> None:
    pass


@dataclass
class PushReport:
    """What a push did.

    Attributes:
        added: Graphs sent for the first time.
        changed: Graphs whose content changed since the last push.
        removed: Graphs no longer in the store, removed from Neo4j.
        unchanged: Number of graphs already up to date.
        triples: Triples sent (new content of added and changed graphs).
        transactions: Write transactions committed.
        nodes: ckg nodes (``:Resource``) in the database afterwards.
        relationships: Relationships between them afterwards.
        seconds: Wall-clock duration.
    """

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    triples: int = 0
    transactions: int = 0
    nodes: int = 0
    relationships: int = 0
    seconds: float = 0.0

    def describe(self) -> str:
        """A short human summary."""
        if not (self.added or self.changed or self.removed):
            head = f"Neo4j was already up to date ({self.unchanged} graphs)."
        else:
            head = (
                f"Pushed {len(self.added)} new, {len(self.changed)} changed and {len(self.removed)} removed "
                f"graphs ({self.triples} triples, {self.transactions} transactions, {self.seconds:.1f} s); "
                f"{self.unchanged} graphs were up to date."
            )
        return f"{head}\nNeo4j now holds {self.nodes} nodes and {self.relationships} relationships from ckg."


# --- local graphs ----------------------------------------------------------------


@dataclass
class _Change:
    """One graph to send: its pushed (old) and local (new) content."""

    iri: str
    old: list[ox.Triple] | None = None
    new: list[ox.Triple] | None = None
    new_hash: str | None = None
    new_content: bytes | None = None

    @property
    def size(self) -> int:
        return len(self.old or ()) + len(self.new or ())


def _parse_lines(text: bytes) -> list[ox.Triple]:
    return list(ox.parse(text, format=ox.RdfFormat.N_TRIPLES)) if text else []


# --- subject state -----------------------------------------------------------------


@dataclass
class _State:
    """What the pushed graphs assert about one subject."""

    types: set[str] = field(default_factory=set)
    literals: dict[str, set[ox.Literal]] = field(default_factory=dict)
    rels: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict)
    graphs: set[str] = field(default_factory=set)

    def node_equals(self, other: _State) -> bool:
        return self.types == other.types and self.literals == other.literals and self.graphs == other.graphs


Entries = list[tuple[ox.NamedNode, Any]]


def _state(mapping: Mapping, sources: Iterable[tuple[str, Entries]]) -> _State:
    """The state of a subject from what each graph says about it."""
    state = _State()
    rels: dict[tuple[str, str], set[str]] = {}
    literals = state.literals
    properties, relationships = mapping.properties, mapping.relationships
    for graph, entries in sources:
        state.graphs.add(graph)
        for predicate, obj in entries:
            iri = predicate.value
            if iri == RDF_TYPE:
                state.types.add(obj.value)
            elif iri in properties:
                if not isinstance(obj, ox.Literal):
                    raise _kind_drift(iri, obj, graph, "property", "a literal")
                values = literals.get(iri)
                if values is None:
                    values = literals[iri] = set()
                values.add(obj)
            else:
                if not isinstance(obj, ox.NamedNode):
                    raise _kind_drift(iri, obj, graph, "relationship", "an IRI")
                key = (relationships[iri].type, obj.value)
                holders = rels.get(key)
                if holders is None:
                    holders = rels[key] = set()
                holders.add(graph)
    state.rels = {key: frozenset(graphs) for key, graphs in rels.items()}
    return state


def _kind_drift(predicate: str, obj: Any, graph: str, becomes: str, expected: str) -> SchemaDrift:
    return SchemaDrift(
        f"<{predicate}> (in graph <{graph}>) has the value {obj}, but ckg maps it to a Neo4j {becomes} "
        f"and expects {expected}. Fix the data, or the predicate's declaration in schema/ontology.ttl; "
        "the graphs before this one were pushed whole, and running push again goes on from here."
    )


def _article_ids(graphs: Iterable[str]) -> list[str]:
    return sorted([g[_ARTICLE_PREFIX_LENGTH:] for g in graphs if g.startswith(_ARTICLE_GRAPHS)])


def _caption(state: _State, subject: str) -> str:
    for predicate in (_RDFS_LABEL, _SKOS_PREF_LABEL):
        values = state.literals.get(predicate)
        if values:
            best = min(values, key=lambda lit: (lit.language not in (None, "", "en"), lit.language or "", lit.value))
            return best.value
    return local_name(subject)


def _node_props(
    mapping: Mapping, subject: str, state: _State, provenances: dict[frozenset[str], tuple[list[str], list[str]]]
) -> dict[str, Any]:
    graphs = frozenset(state.graphs)
    provenance = provenances.get(graphs)
    if provenance is None:
        provenance = provenances[graphs] = (sorted(graphs), _article_ids(graphs))
    props: dict[str, Any] = {
        URI_PROPERTY: subject,
        CAPTION_PROPERTY: _caption(state, subject),
        GRAPHS_PROPERTY: provenance[0],
        ARTICLES_PROPERTY: provenance[1],
    }
    for predicate, values in state.literals.items():
        props.update(mapping.encode_literals(mapping.properties[predicate], values))
    return props


# --- Cypher ------------------------------------------------------------------------


class _Statements:
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

    def check_names(self, plan: _Transaction) -> None:
        """Refuse a plan that would write a label or relationship type outside the mapping.

        Raises:
            SchemaDrift: For the first name the mapping does not know.
        """
        for label in {label for row in plan.nodes for label in (*row["add"], *row["remove"])}:
            self.mapping.class_of_label(label)
        for rel_type in {row["t"] for rows in (plan.deletes, plan.creates, plan.updates) for row in rows}:
            self.mapping.relationship_typed(rel_type)

    upsert_nodes = (
        f"UNWIND $rows AS row\nMERGE (n:{quote_name(RESOURCE_LABEL)} {{uri: row.uri}})\n"
        "SET n = row.props\nSET n:$(row.add)\nREMOVE n:$(row.remove)"
    )
    merge_objects = (
        f"UNWIND $rows AS row\nMERGE (n:{quote_name(RESOURCE_LABEL)} {{uri: row.uri}})\n"
        f"ON CREATE SET n.name = row.name, n.graphs = [], n.articles = []"
    )
    collect_garbage = (
        f"UNWIND $uris AS uri\nMATCH (n:{quote_name(RESOURCE_LABEL)} {{uri: uri}})\n"
        f"WHERE n.graphs = [] AND NOT EXISTS {{ (n)--() }}\nDELETE n"
    )
    upsert_graphs = (
        f"UNWIND $rows AS row\nMERGE (g:{quote_name(GRAPH_LABEL)} {{iri: row.iri}})\n"
        f"SET g.hash = row.hash, g.content = row.content, g.triples = row.triples"
    )
    delete_graphs = f"UNWIND $iris AS iri\nMATCH (g:{quote_name(GRAPH_LABEL)} {{iri: iri}})\nDELETE g"
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
    )
    #: Set the provenance of existing relationships.
    update_relationships = _between + "SET r.graphs = row.g, r.articles = row.a"
    #: Delete relationships that no graph asserts any more.
    delete_relationships = _between + "DELETE r"
    #: CREATE relationships that do not exist yet (the pushed state says so).
    create_relationships = (
        f"UNWIND $rows AS row\n"
        f"MATCH (a:{quote_name(RESOURCE_LABEL)} {{uri: row.s}})\n"
        f"MATCH (b:{quote_name(RESOURCE_LABEL)} {{uri: row.o}})\n"
        f"CREATE (a)-[:$(row.t) {{graphs: row.g, articles: row.a}}]->(b)"
    )


@dataclass
class _Transaction:
    """Everything one write transaction sends: rows per statement."""

    token: str
    revision: int
    nodes: list[dict[str, Any]] = field(default_factory=list)
    objects: list[dict[str, Any]] = field(default_factory=list)
    deletes: list[dict[str, str]] = field(default_factory=list)
    creates: list[dict[str, Any]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    garbage: list[str] = field(default_factory=list)
    graphs: list[dict[str, Any]] = field(default_factory=list)
    dropped_graphs: list[str] = field(default_factory=list)


def _write_transaction(tx: neo4j.ManagedTransaction, plan: _Transaction, statements: _Statements) -> bool:
    """Apply one batch; returns False when an earlier attempt of it had already committed."""
    statements.check_names(plan)
    tx.run(statements.lock_meta, id=META_ID, token=plan.token).consume()
    record = tx.run(statements.read_meta, id=META_ID).single()
    revision = record["revision"] if record else None
    if record is not None and record["token"] == plan.token and revision == plan.revision + 1:
        return False  # committed before the connection dropped; the driver retried
    if revision != plan.revision:
        raise ConcurrentPush(
            "Another `ckg push` changed this Neo4j database while this one was running "
            f"(revision {revision}, expected {plan.revision}). Nothing of this batch was written; "
            "run `ckg push` again when the other push is done."
        )
    # Every statement runs, even without rows: a few cheap round trips that keep
    # their query plans warm for the next (incremental) push.
    for text, rows in (
        (statements.upsert_nodes, plan.nodes),
        (statements.merge_objects, plan.objects),
        (statements.delete_relationships, plan.deletes),
        (statements.create_relationships, plan.creates),
        (statements.update_relationships, plan.updates),
    ):
        tx.run(text, rows=rows).consume()
    tx.run(statements.collect_garbage, uris=plan.garbage).consume()
    tx.run(statements.upsert_graphs, rows=plan.graphs).consume()
    tx.run(statements.delete_graphs, iris=plan.dropped_graphs).consume()
    tx.run(
        statements.bump_meta,
        id=META_ID,
        revision=plan.revision + 1,
        token=plan.token,
        mapping=statements.mapping.fingerprint,
    ).consume()
    return True


# --- schema and bookkeeping ---------------------------------------------------------


@dataclass
class _Meta:
    exists: bool
    revision: int = 0
    mapping: str | None = None
    rebuilding: bool = False


def _read_meta(session: neo4j.Session) -> _Meta:
    record = session.run(
        f"MATCH (m:{quote_name(META_LABEL)} {{id: $id}}) RETURN m.revision AS revision, "
        "m.mapping AS mapping, coalesce(m.rebuilding, false) AS rebuilding",
        id=META_ID,
    ).single()
    if record is None:
        return _Meta(exists=False)
    return _Meta(True, record["revision"] or 0, record["mapping"], record["rebuilding"])


def _check_foreign_data(session: neo4j.Session, where: str) -> None:
    record = session.run(f"MATCH (n:{quote_name(RESOURCE_LABEL)}) RETURN n.uri AS uri LIMIT 1").single()
    if record is not None:
        raise Neo4jConflict(
            f"The {where} already holds nodes labelled :Resource that ckg did not push (for example "
            f"uri {record['uri']!r}), such as RDF imported with neosemantics. ckg would mix its graph into "
            "them. Push into an empty database (--database / NEO4J_DATABASE), or delete those nodes first."
        )


def ensure_schema(driver: neo4j.Driver, database: str, mapping: Mapping | None = None) -> None:
    """Create the uniqueness constraints and the indexes the saved queries need, if missing.

    An existing uniqueness constraint on ``:Resource(uri)`` under another name
    (neosemantics creates one) is used as it is.

    Raises:
        Neo4jConflict: If existing data violates a constraint, or a constraint
            named ``n10s_unique_uri`` is something else.
    """
    mapping = mapping or default_mapping()
    wanted = {
        URI_CONSTRAINT: f"CREATE CONSTRAINT {URI_CONSTRAINT} IF NOT EXISTS "
        f"FOR (r:{quote_name(RESOURCE_LABEL)}) REQUIRE r.uri IS UNIQUE",
        "ckg_graph_iri": f"CREATE CONSTRAINT ckg_graph_iri IF NOT EXISTS "
        f"FOR (g:{quote_name(GRAPH_LABEL)}) REQUIRE g.iri IS UNIQUE",
        "ckg_meta_id": f"CREATE CONSTRAINT ckg_meta_id IF NOT EXISTS "
        f"FOR (m:{quote_name(META_LABEL)}) REQUIRE m.id IS UNIQUE",
    }
    for label, prop in INDEXED_PROPERTIES:
        if label != RESOURCE_LABEL:
            mapping.class_of_label(label)
            if prop not in mapping.properties_by_name:
                continue
        name = f"ckg_{label}_{prop}"
        wanted[name] = (
            f"CREATE INDEX {quote_name(name)} IF NOT EXISTS FOR (n:{quote_name(label)}) ON (n.{quote_name(prop)})"
        )
    where = describe_target(driver, database)
    with neo4j_errors(driver, database, "creating constraints and indexes"), open_session(driver, database) as session:
        constraints = list(session.run("SHOW CONSTRAINTS YIELD name, type, labelsOrTypes, properties"))
        indexes = {r["name"] for r in session.run("SHOW INDEXES YIELD name")}
        uri_unique = [
            r["name"]
            for r in constraints
            if r["type"] in ("UNIQUENESS", "NODE_KEY", "NODE_PROPERTY_UNIQUENESS")
            and r["labelsOrTypes"] == [RESOURCE_LABEL]
            and r["properties"] == [URI_PROPERTY]
        ]
        if any(r["name"] == URI_CONSTRAINT for r in constraints) and URI_CONSTRAINT not in uri_unique:
            raise Neo4jConflict(
                f"The {where} has a constraint named {URI_CONSTRAINT} that does not make :Resource(uri) "
                f"unique. Drop it (`DROP CONSTRAINT {URI_CONSTRAINT}`) and push again."
            )
        present = indexes | {r["name"] for r in constraints} | ({URI_CONSTRAINT} if uri_unique else set())
        missing = [statement for name, statement in wanted.items() if name not in present]
        for statement in missing:
            try:
                session.run(statement).consume()
            except ClientError as error:
                if (error.code or "").startswith("Neo.ClientError.Schema.ConstraintCreationFailed"):
                    raise Neo4jConflict(
                        f"Cannot create the constraint ckg needs in the {where}: {clause(error.message or str(error))}. Existing "
                        "data breaks it (two :Resource nodes with the same uri?): push into an empty "
                        "database (--database / NEO4J_DATABASE), or clean those nodes up."
                    ) from error
                raise
        if missing:
            session.run("CALL db.awaitIndexes(300)").consume()


def _remote_hashes(session: neo4j.Session) -> dict[str, str]:
    # Two lists in one record decode much faster than one record per graph.
    record = session.run(
        f"MATCH (g:{quote_name(GRAPH_LABEL)}) RETURN collect(g.iri) AS iris, collect(g.hash) AS hashes"
    ).single()
    if record is None:
        return {}
    return dict(zip(record["iris"], record["hashes"]))


def _remote_contents(session: neo4j.Session, iris: list[str]) -> dict[str, bytes]:
    rows = session.run(
        f"UNWIND $iris AS iri MATCH (g:{quote_name(GRAPH_LABEL)} {{iri: iri}}) RETURN g.iri AS iri, g.content AS content",
        iris=iris,
    )
    return {r["iri"]: zlib.decompress(bytes(r["content"])) for r in rows}


def database_counts(driver: neo4j.Driver, database: str) -> tuple[int, int]:
    """Number of ckg nodes (``:Resource``) and of relationships between them."""
    counts = []
    with neo4j_errors(driver, database, "counting"), open_session(driver, database, read=True) as session:
        for query in (
            f"MATCH (n:{quote_name(RESOURCE_LABEL)}) RETURN count(n) AS n",
            f"MATCH (:{quote_name(RESOURCE_LABEL)})-[r]->() RETURN count(r) AS n",
        ):
            counts.append(session.run(query).single()["n"])
    return counts[0], counts[1]


def _wipe(session: neo4j.Session) -> None:
    """Delete every ckg node, in batches, behind a flag that makes an interrupted wipe resumable."""
    session.run(
        f"MERGE (m:{quote_name(META_LABEL)} {{id: $id}}) ON CREATE SET m.revision = 0 "
        "SET m.rebuilding = true, m.revision = m.revision + 1",
        id=META_ID,
    ).consume()
    for label in (RESOURCE_LABEL, GRAPH_LABEL):
        while True:
            summary = session.run(f"MATCH (n:{quote_name(label)}) WITH n LIMIT 10000 DETACH DELETE n").consume()
            if summary.counters.nodes_deleted == 0:
                break
    session.run(
        f"MATCH (m:{quote_name(META_LABEL)} {{id: $id}}) SET m.rebuilding = false, m.mapping = null, "
        "m.revision = m.revision + 1",
        id=META_ID,
    ).consume()


# --- the push ----------------------------------------------------------------------


class _Planner:
    """Turns graph changes into write transactions, batch by batch."""

    def __init__(self, store: Store, mapping: Mapping, changes: list[_Change], unchanged: bool) -> None:
        """Prepare to plan.

        Args:
            store: The store, for what unchanged graphs say.
            mapping: The whitelist.
            changes: The graphs to send, with their pushed content.
            unchanged: Whether some local graphs are not being sent.
        """
        self.store = store
        self.mapping = mapping
        self.sending = {change.iri for change in changes}
        self.has_unchanged = unchanged
        # subject -> graph -> [(predicate, object)]: the pushed content of the graphs being sent.
        self.pushed: dict[str, dict[str, list[tuple[ox.NamedNode, Any]]]] = {}
        self.local: dict[str, dict[str, Entries]] = {}
        # The last state computed for big subjects (hubs): the next batch's "before".
        self.states: dict[str, _State] = {}
        for change in changes:
            self._add(change.iri, change.old or ())

    def _add(self, graph: str, triples: Iterable[ox.Triple]) -> None:
        pushed = self.pushed
        for triple in triples:
            subject = triple.subject
            if not isinstance(subject, ox.NamedNode):
                raise SchemaDrift(f"The subject {subject} (in graph <{graph}>) is not an IRI; ckg pushes IRIs only.")
            by_graph = pushed.get(subject.value)
            if by_graph is None:
                by_graph = pushed[subject.value] = {}
            entries = by_graph.get(graph)
            if entries is None:
                entries = by_graph[graph] = []
            entries.append((triple.predicate, triple.object))

    def _remove(self, graph: str, triples: Iterable[ox.Triple]) -> None:
        for subject in {triple.subject.value for triple in triples}:
            by_graph = self.pushed.get(subject)
            if by_graph is not None:
                by_graph.pop(graph, None)
                if not by_graph:
                    del self.pushed[subject]

    def _unchanged_contributions(self, subject: str) -> dict[str, Entries]:
        """What graphs that are not being sent (so are in Neo4j as in the store) say about a subject."""
        if not self.has_unchanged:
            return {}
        cached = self.local.get(subject)
        if cached is None:
            cached = {}
            for quad in self.store.quads(subject=subject):
                graph = quad.graph_name
                if isinstance(graph, ox.NamedNode) and graph.value not in self.sending:
                    cached.setdefault(graph.value, []).append((quad.predicate, quad.object))
            self.local[subject] = cached
        return cached

    def _subject_state(self, subject: str, *, before: bool) -> _State:
        if before:
            cached = self.states.pop(subject, None)
            if cached is not None:
                return cached
        unchanged = self._unchanged_contributions(subject)
        pushed = self.pushed.get(subject, {})
        state = _state(self.mapping, [*unchanged.items(), *pushed.items()])
        if not before and sum(len(entries) for entries in pushed.values()) > _HUB_ENTRIES:
            self.states[subject] = state
        return state

    def plan(self, batch: list[_Change], token: str, revision: int) -> _Transaction:
        """The writes that take Neo4j from before ``batch`` to after it."""
        subjects: set[str] = set()
        for change in batch:
            subjects.update(t.subject.value for t in change.old or ())
            subjects.update(t.subject.value for t in change.new or ())
        before = {subject: self._subject_state(subject, before=True) for subject in subjects}
        for change in batch:
            self._remove(change.iri, change.old or ())
            self._add(change.iri, change.new or ())
        after = {subject: self._subject_state(subject, before=False) for subject in subjects}

        plan = _Transaction(token=token, revision=revision)
        objects: dict[str, str] = {}
        garbage: set[str] = set()
        provenances: dict[frozenset[str], tuple[list[str], list[str]]] = {}
        pushed = self.pushed
        labels = self.mapping.labels
        for subject in sorted(subjects):
            old, new = before[subject], after[subject]
            if not old.node_equals(new):
                old_labels = {labels[t] for t in old.types}
                new_labels = {labels[t] for t in new.types}
                plan.nodes.append(
                    {
                        "uri": subject,
                        "props": _node_props(self.mapping, subject, new, provenances),
                        "add": sorted(new_labels - old_labels),
                        "remove": sorted(old_labels - new_labels),
                    }
                )
                if not new.graphs:
                    garbage.add(subject)
            for key in old.rels.keys() - new.rels.keys():
                rel_type, obj = key
                plan.deletes.append({"s": subject, "t": rel_type, "o": obj})
                garbage.add(obj)
            for key, graphs in new.rels.items():
                was = old.rels.get(key)
                if was != graphs:
                    rel_type, obj = key
                    provenance = provenances.get(graphs)
                    if provenance is None:  # most relationships share one of a few graph sets
                        provenance = provenances[graphs] = (sorted(graphs), _article_ids(graphs))
                    row = {"s": subject, "t": rel_type, "o": obj, "g": provenance[0], "a": provenance[1]}
                    if was is None:
                        # A node some pushed graph asserts as subject exists once this
                        # transaction's nodes are written: no need to MERGE it again.
                        if obj not in objects and obj not in pushed:
                            objects[obj] = local_name(obj)
                        plan.creates.append(row)
                    else:
                        plan.updates.append(row)
        plan.objects = [{"uri": uri, "name": name} for uri, name in sorted(objects.items())]
        plan.garbage = sorted(garbage)
        for change in batch:
            if change.new is None:
                plan.dropped_graphs.append(change.iri)
            else:
                plan.graphs.append(
                    {
                        "iri": change.iri,
                        "hash": change.new_hash,
                        "content": change.new_content,
                        "triples": len(change.new),
                    }
                )
        return plan


def _graph_order(iri: str) -> tuple[int, str]:
    # The ontology and registries first: articles refer to what they define.
    if iri.startswith(_ARTICLE_GRAPHS):
        return (1, iri)
    return (0, iri)


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
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


def _check_terms(store: Store, mapping: Mapping, graphs: list[str]) -> None:
    """Fail before writing anything if the graphs use a predicate or class outside the mapping."""
    if not graphs:
        return
    scope = "" if len(graphs) > 500 else "VALUES ?g { " + " ".join(f"<{g}>" for g in graphs) + " } "
    for row in store.query(f"SELECT DISTINCT ?p WHERE {{ {scope}GRAPH ?g {{ ?s ?p ?o }} }}"):
        predicate = row["p"].value
        if predicate != RDF_TYPE:
            mapping.predicate_kind(predicate)
    for row in store.query(f"SELECT DISTINCT ?c WHERE {{ {scope}GRAPH ?g {{ ?s a ?c }} }}"):
        if not isinstance(row["c"], ox.NamedNode):
            raise SchemaDrift(f"rdf:type {row['c']} is not a class IRI; ckg maps classes to labels.")
        mapping.label(row["c"].value)


def _stream_batches(
    store: Store,
    local: dict[str, str],
    remote: dict[str, str],
    changes: list[_Change],
    batch_triples: int,
    mapping: Mapping,
    report: PushReport,
) -> Iterator[tuple[list[_Change], int]]:
    """Read the graphs to send one by one; yield batches of whole graphs and how many graphs were seen."""
    current: list[_Change] = []
    size = 0
    for seen, change in enumerate(changes, start=1):
        if change.iri in local:
            _read_change(store, change)
            if change.new_hash == remote.get(change.iri):
                report.unchanged += 1  # a stale recorded hash; the content is as pushed
                continue
            (report.changed if change.iri in remote else report.added).append(change.iri)
            report.triples += len(change.new or ())
        else:
            report.removed.append(change.iri)
        current.append(change)
        size += change.size
        if size >= batch_triples:
            yield current, seen
            current, size = [], 0
    if current:
        yield current, len(changes)


def _read_change(store: Store, change: _Change) -> None:
    text = store.graph_ntriples(change.iri)
    change.new_hash = content_hash(text)
    change.new = _parse_lines(text)
    change.new_content = zlib.compress(text, 1)


def push(
    store: Store,
    driver: neo4j.Driver,
    database: str,
    *,
    mapping: Mapping | None = None,
    batch_triples: int = DEFAULT_BATCH_TRIPLES,
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
            (whole graphs only, so a bigger graph makes a bigger one).
        rebuild: Delete everything ckg pushed before, then push all graphs.
        on_progress: Called after each transaction with (triples done, triples in all).

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
    progress = on_progress or _no_progress
    started = time.monotonic()
    where = describe_target(driver, database)
    check_database(driver, database)
    report = PushReport()

    with neo4j_errors(driver, database, "reading what was pushed"), open_session(driver, database) as session:
        meta = _read_meta(session)
        if not meta.exists:
            _check_foreign_data(session, where)
        elif meta.rebuilding and not rebuild:
            raise Neo4jConflict(
                f"An earlier `ckg push --rebuild` into the {where} was interrupted. Run `ckg push --rebuild` again."
            )
        elif meta.mapping not in (None, mapping.fingerprint) and not rebuild:
            raise SchemaDrift(
                f"The {where} was pushed with another version of ckg's mapping (the ontology or ckg "
                "changed since), so its labels and properties may differ from what this push writes. "
                "Run `ckg push --rebuild` to push everything again."
            )
        remote = {} if rebuild else _remote_hashes(session)

    local = store.graph_hashes()
    candidates = [
        iri for iri in sorted(set(local) | set(remote), key=_graph_order) if local.get(iri) != remote.get(iri)
    ]
    report.unchanged = len(local) - sum(1 for iri in candidates if iri in local)
    if not candidates and not rebuild:
        report.nodes, report.relationships = database_counts(driver, database)
        report.seconds = time.monotonic() - started
        return report
    _check_terms(store, mapping, [iri for iri in candidates if iri in local])

    with (
        neo4j_errors(driver, database, "pushing"),
        open_session(driver, database) as session,
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="ckg-push") as writer,
        _no_cyclic_gc(),
    ):
        if rebuild:
            _wipe(session)
        ensure_schema(driver, database, mapping)
        session.run(
            f"MERGE (m:{quote_name(META_LABEL)} {{id: $id}}) ON CREATE SET m.revision = 0, m.mapping = $mapping",
            id=META_ID,
            mapping=mapping.fingerprint,
        ).consume()
        revision = _read_meta(session).revision
        old = _remote_contents(session, [iri for iri in candidates if iri in remote])
        changes = [_Change(iri, old=_parse_lines(old[iri]) if iri in old else None) for iri in candidates]
        planner = _Planner(store, mapping, changes, unchanged=report.unchanged > 0)
        statements = _Statements(mapping)
        write_session = open_session(driver, database)

        def write(plan: _Transaction) -> None:
            write_session.execute_write(_write_transaction, plan, statements)

        pending: Future[None] | None = None
        try:
            pending_seen = 0
            progress(0, len(changes))
            for batch, seen in _stream_batches(store, local, remote, changes, batch_triples, mapping, report):
                plan = planner.plan(batch, uuid.uuid4().hex, revision)
                revision += 1
                for change in batch:  # the planner keeps what it needs
                    change.old = change.new = None
                    change.new_content = None
                if pending is not None:
                    pending.result()
                    progress(pending_seen, len(changes))
                # Neo4j writes this batch while the next one is read and planned.
                pending, pending_seen = writer.submit(write, plan), seen
                report.transactions += 1
            if pending is not None:
                pending.result()
            progress(len(changes), len(changes))
        finally:
            if pending is not None:
                wait([pending])
            write_session.close()
    report.nodes, report.relationships = database_counts(driver, database)
    report.seconds = time.monotonic() - started
    logger.info("push: %s", report.describe())
    return report
