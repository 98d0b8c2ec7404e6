"""The database side of a push: constraints and indexes, and the bookkeeping nodes.

Neo4j keeps, for every graph pushed, ``(:CkgGraph {iri, hash, content, triples})``
(the content is the graph's canonical N-Triples, zlib-compressed), and one
``(:CkgMeta {id: "ckg", revision, mapping, ...})`` whose revision every write
transaction checks and bumps, so that two pushes cannot interleave.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import neo4j
from neo4j.exceptions import ClientError

from ceasefire_kg.errors import Neo4jConflict, SchemaDrift, clause
from ceasefire_kg.mapping import (
    RESOURCE_LABEL,
    URI_CONSTRAINT,
    URI_PROPERTY,
    Mapping,
    default_mapping,
    quote_name,
)
from ceasefire_kg.neo4j_client import describe_target, neo4j_errors, open_session

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
    ("Response", "factId"),
    ("Claim", "factId"),
    ("Event", "factId"),
    ("Article", "factId"),
    ("Position", "asOf"),
    ("Response", "asOf"),
    ("StatusRecord", "asOf"),
    ("Event", "date"),
    ("Claim", "date"),
    ("Article", "issued"),
)


@dataclass
class Meta:
    """What the ``:CkgMeta`` node says about earlier pushes."""

    exists: bool
    revision: int = 0
    mapping: str | None = None
    rebuilding: bool = False


def read_meta(session: neo4j.Session) -> Meta:
    """Read the ``:CkgMeta`` node; ``exists`` is False when ckg never pushed here."""
    record = session.run(
        f"MATCH (m:{quote_name(META_LABEL)} {{id: $id}}) RETURN m.revision AS revision, "
        "m.mapping AS mapping, coalesce(m.rebuilding, false) AS rebuilding",
        id=META_ID,
    ).single()
    if record is None:
        return Meta(exists=False)
    return Meta(True, record["revision"] or 0, record["mapping"], record["rebuilding"])


def check_pushable(session: neo4j.Session, where: str, mapping: Mapping, *, rebuild: bool) -> None:
    """Refuse to push into a database that holds foreign data, a broken rebuild or another mapping.

    Args:
        session: A session on the database.
        where: The database, as messages name it.
        mapping: The whitelist this push writes with.
        rebuild: Whether the push deletes what ckg pushed before.

    Raises:
        Neo4jConflict: Nodes that ckg did not push, or an interrupted rebuild.
        SchemaDrift: The database was pushed with another mapping.
    """
    meta = read_meta(session)
    if not meta.exists:
        _check_foreign_data(session, where)
    elif meta.rebuilding and not rebuild:
        raise Neo4jConflict(
            f"An earlier `ckg push --rebuild` (or bulk push) into the {where} was interrupted. "
            "Run `ckg push --rebuild` (or `ckg push --replace`) again."
        )
    elif meta.mapping not in (None, mapping.fingerprint) and not rebuild:
        raise SchemaDrift(
            f"The {where} was pushed with another version of ckg's mapping (the ontology or ckg "
            "changed since), so its labels and properties may differ from what this push writes. "
            "Run `ckg push --rebuild` to push everything again."
        )


def _check_foreign_data(session: neo4j.Session, where: str) -> None:
    record = session.run(f"MATCH (n:{quote_name(RESOURCE_LABEL)}) RETURN n.uri AS uri LIMIT 1").single()
    if record is not None:
        raise Neo4jConflict(
            f"The {where} already holds nodes labelled :Resource that ckg did not push (for example "
            f"uri {record['uri']!r}), such as RDF imported with neosemantics. ckg would mix its graph into "
            "them. Push into an empty database (--database / NEO4J_DATABASE), or delete those nodes first."
        )


def ensure_schema(
    driver: neo4j.Driver,
    database: str | None,
    mapping: Mapping | None = None,
    *,
    wait: bool = True,
    indexes: bool = True,
) -> None:
    """Create the uniqueness constraints and the indexes the saved queries need, if missing.

    An existing uniqueness constraint on ``:Resource(uri)`` under another name
    (neosemantics creates one) is used as it is. The constraints are in force
    on return; the indexes are online only with ``wait`` (else call
    :func:`await_indexes` later: Neo4j fills them in the background meanwhile).
    Without ``indexes``, only the constraints: filling an index once the nodes
    are written costs Neo4j less than keeping it up to date at every commit.

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
    for label, prop in INDEXED_PROPERTIES if indexes else ():
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
        existing = {r["name"] for r in session.run("SHOW INDEXES YIELD name")}
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
        present = existing | {r["name"] for r in constraints} | ({URI_CONSTRAINT} if uri_unique else set())
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
        if missing and wait:
            session.run(_AWAIT_INDEXES).consume()


_AWAIT_INDEXES = "CALL db.awaitIndexes(300)"


def await_indexes(driver: neo4j.Driver, database: str | None) -> None:
    """Wait until every index is online (see :func:`ensure_schema`)."""
    with neo4j_errors(driver, database, "waiting for the indexes"), open_session(driver, database) as session:
        session.run(_AWAIT_INDEXES).consume()


def holds_resources(session: neo4j.Session) -> bool:
    """Whether the database holds any ``:Resource`` node."""
    return session.run(f"MATCH (n:{quote_name(RESOURCE_LABEL)}) RETURN n LIMIT 1").single() is not None


def ensure_meta(session: neo4j.Session, mapping: Mapping) -> int:
    """Create the ``:CkgMeta`` node if missing; returns the database's current revision."""
    session.run(
        f"MERGE (m:{quote_name(META_LABEL)} {{id: $id}}) ON CREATE SET m.revision = 0, m.mapping = $mapping",
        id=META_ID,
        mapping=mapping.fingerprint,
    ).consume()
    return read_meta(session).revision


def remote_hashes(session: neo4j.Session) -> dict[str, str]:
    """The content hash of every graph pushed, by graph IRI."""
    # Two lists in one record decode much faster than one record per graph.
    record = session.run(
        f"MATCH (g:{quote_name(GRAPH_LABEL)}) RETURN collect(g.iri) AS iris, collect(g.hash) AS hashes"
    ).single()
    if record is None:
        return {}
    return dict(zip(record["iris"], record["hashes"]))


def remote_contents(session: neo4j.Session, iris: list[str]) -> dict[str, bytes]:
    """The N-Triples text of the given graphs as pushed, by graph IRI."""
    rows = session.run(
        f"UNWIND $iris AS iri MATCH (g:{quote_name(GRAPH_LABEL)} {{iri: iri}}) RETURN g.iri AS iri, g.content AS content",
        iris=iris,
    )
    return {r["iri"]: zlib.decompress(bytes(r["content"])) for r in rows}


def database_counts(driver: neo4j.Driver, database: str | None) -> tuple[int, int]:
    """Number of ckg nodes (``:Resource``) and of relationships between them."""
    counts = []
    with neo4j_errors(driver, database, "counting"), open_session(driver, database, read=True) as session:
        for query in (
            f"MATCH (n:{quote_name(RESOURCE_LABEL)}) RETURN count(n) AS n",
            f"MATCH (:{quote_name(RESOURCE_LABEL)})-[r]->() RETURN count(r) AS n",
        ):
            counts.append(session.run(query).single(strict=True)["n"])
    return counts[0], counts[1]


def wipe(session: neo4j.Session) -> None:
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
