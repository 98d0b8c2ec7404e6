"""Read the graph ``ckg push`` wrote back over Bolt and write it as RDF.

Each ``:Resource`` node gives its ``rdf:type`` triples (from its labels) and
its literal triples (from its mapped properties, with the language tags and
datatypes of :meth:`ceasefire_kg.mapping.Mapping.decode_literals`); each
relationship between two of them gives one triple. Given a date, only what
was known on it is read (``known`` on nodes and relationships, ``__known``
on values; see ``docs/time.md``). The derived properties
(``name``, ``graphs``, ``articles``, ``known`` and ``<name>__known``) and the
bookkeeping nodes are skipped.
The result is serialized in the same stable order as
:meth:`ceasefire_kg.store.Store.export`, so that for the same data both
exports are isomorphic (and, for N-Triples, identical).

A label, relationship type or property that ckg does not write is schema
drift and raises :class:`~ceasefire_kg.errors.SchemaDrift`.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import IO, Any

import neo4j
import pyoxigraph as ox

from ceasefire_kg.errors import SchemaDrift
from ceasefire_kg.mapping import (
    COMPANION_SUFFIXES,
    KNOWN_SUFFIX,
    RDF_TYPE,
    RESERVED_PROPERTIES,
    RESOURCE_LABEL,
    Mapping,
    default_mapping,
    quote_name,
)
from ceasefire_kg.neo4j_client import check_database, neo4j_errors, open_session
from ceasefire_kg.store import EXPORT_FORMATS, serialize

logger = logging.getLogger(__name__)

_NODES = (
    f"MATCH (n:{quote_name(RESOURCE_LABEL)}) WHERE $known_by IS NULL OR n.known IS NULL OR n.known <= $known_by "
    "RETURN n.uri AS uri, labels(n) AS labels, properties(n) AS props"
)
_RELATIONSHIPS = (
    f"MATCH (a:{quote_name(RESOURCE_LABEL)})-[r]->(b:{quote_name(RESOURCE_LABEL)}) "
    "WHERE $known_by IS NULL OR r.known IS NULL OR r.known <= $known_by "
    "RETURN a.uri AS s, type(r) AS t, b.uri AS o"
)
# The same, for some nodes only: found by the unique uri index, one look-up each.
_SOME_NODES = (
    f"UNWIND $subjects AS uri MATCH (n:{quote_name(RESOURCE_LABEL)} {{uri: uri}}) "
    "WHERE $known_by IS NULL OR n.known IS NULL OR n.known <= $known_by "
    "RETURN n.uri AS uri, labels(n) AS labels, properties(n) AS props"
)
_SOME_RELATIONSHIPS = (
    f"UNWIND $subjects AS uri MATCH (a:{quote_name(RESOURCE_LABEL)} {{uri: uri}})-[r]->(b:{quote_name(RESOURCE_LABEL)}) "
    "WHERE $known_by IS NULL OR r.known IS NULL OR r.known <= $known_by "
    "RETURN a.uri AS s, type(r) AS t, b.uri AS o"
)


def _read(
    tx: neo4j.ManagedTransaction, known_by: dt.date | None, subjects: list[str] | None = None
) -> tuple[list[Any], list[Any]]:
    node_query, relationship_query = (
        (_NODES, _RELATIONSHIPS) if subjects is None else (_SOME_NODES, _SOME_RELATIONSHIPS)
    )
    nodes = [(r["uri"], r["labels"], r["props"]) for r in tx.run(node_query, known_by=known_by, subjects=subjects)]
    relationships = [(r["s"], r["t"], r["o"]) for r in tx.run(relationship_query, known_by=known_by, subjects=subjects)]
    return nodes, relationships


def _known_values(literals: list[ox.Literal], known: Any, known_by: dt.date | None, where: str) -> list[ox.Literal]:
    """The values known on ``known_by``; ``known`` is the property's ``__known`` (None when absent).

    Raises:
        SchemaDrift: ``__known`` is not in step with the values.
    """
    if known_by is None or known is None:
        return literals  # no __known: every value is known with its node
    dates = known if isinstance(known, list) else [known]
    if len(dates) != len(literals):
        raise SchemaDrift(
            f"The property '{where}' has {len(literals)} values but {len(dates)} known dates; ckg always "
            "writes them in step. Push again with `ckg push --rebuild`."
        )
    # KNOWN_FROM_START (a list's "known from the start") is before every date, as null is.
    return [literal for literal, date in zip(literals, dates) if date is None or date.to_native() <= known_by]


def read_triples(
    driver: neo4j.Driver,
    database: str | None,
    mapping: Mapping | None = None,
    known_by: dt.date | None = None,
    subjects: list[str] | None = None,
) -> set[ox.Triple]:
    """Rebuild the RDF triples from the property graph in a Neo4j database.

    Args:
        driver: A driver to the Neo4j server.
        database: The database ``ckg push`` wrote to.
        mapping: The whitelist; the one of the shipped ontology by default.
        known_by: Only what was known on this date (a node's labels count as
            known with the node); None for everything.
        subjects: Only the triples about the nodes with these IRIs; None for every node.

    Returns:
        The distinct triples.

    Raises:
        SchemaDrift: A label, type or property outside the mapping.
        Neo4jUnreachable, Neo4jAuthFailed, Neo4jDatabaseMissing: As the case may be.
    """
    mapping = mapping or default_mapping()
    check_database(driver, database)
    with neo4j_errors(driver, database, "reading the graph"), open_session(driver, database, read=True) as session:
        nodes, relationships = session.execute_read(_read, known_by, subjects)
    rdf_type = ox.NamedNode(RDF_TYPE)
    triples: set[ox.Triple] = set()
    for uri, labels, props in nodes:
        subject = ox.NamedNode(uri)
        where = f" (on the node with uri {uri!r})"
        for label in labels:
            if label != RESOURCE_LABEL:
                triples.add(ox.Triple(subject, rdf_type, ox.NamedNode(mapping.class_of_label(label, where))))
        for key in props:
            if key in RESERVED_PROPERTIES:
                continue
            if key.endswith(COMPANION_SUFFIXES):
                base = key.rsplit("__", 1)[0]
                if base not in props:
                    mapping.property_named(key, where)  # raises: a stray annotation
                continue
            prop = mapping.property_named(key, where)
            predicate = ox.NamedNode(prop.predicate)
            literals = mapping.decode_literals(prop, props, where)
            for literal in _known_values(literals, props.get(key + KNOWN_SUFFIX), known_by, key + where):
                triples.add(ox.Triple(subject, predicate, literal))
    for s, rel_type, o in relationships:
        relationship = mapping.relationship_typed(rel_type, f" (from {s!r} to {o!r})")
        triples.add(ox.Triple(ox.NamedNode(s), ox.NamedNode(relationship.predicate), ox.NamedNode(o)))
    return triples


def export_neo4j(
    driver: neo4j.Driver,
    database: str | None,
    output: IO[bytes],
    format_name: str,
    mapping: Mapping | None = None,
) -> int:
    """Write the graph in Neo4j as RDF, in the stable order of ``ckg export``.

    The named graphs are not rebuilt: triple formats get the merged graph as
    ``ckg export`` does, dataset formats (nquads, trig, jsonld) get it as their
    default graph.

    Args:
        driver: A driver to the Neo4j server.
        database: The database ``ckg push`` wrote to.
        output: Binary stream to write to.
        format_name: One of :data:`ceasefire_kg.store.EXPORT_FORMATS`.
        mapping: The whitelist; the one of the shipped ontology by default.

    Returns:
        The number of triples written.
    """
    rdf_format = EXPORT_FORMATS[format_name]
    triples = sorted(
        read_triples(driver, database, mapping), key=lambda t: (str(t.subject), str(t.predicate), str(t.object))
    )
    items: list[Any] = (
        [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples]
        if rdf_format.supports_datasets
        else triples
    )
    serialize(items, output, rdf_format)
    return len(items)
