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

* :mod:`.run` — :func:`push`, the sequence of steps;
* :mod:`.changes` — which graphs changed, their terms checked, read in batches;
* :mod:`.state` — what all graphs assert about one subject, and its node;
* :mod:`.planner` — a batch of changes to the rows of one write transaction;
* :mod:`.statements` — the Cypher, with names from the whitelist, and the transaction;
* :mod:`.bookkeeping` — constraints, indexes and the ``:CkgGraph``/``:CkgMeta`` nodes;
* :mod:`.report` — :class:`PushReport` and the progress callback;
* :mod:`.bulk` — the bulk first push into the managed server, through Neo4j's offline importer;
* :mod:`.bulk_graph` — the whole store's property graph, built in one pass for it;
* :mod:`.bulk_csv` — that graph as the importer's CSV files.
"""

from __future__ import annotations

from ceasefire_kg.progress import Progress
from ceasefire_kg.push.bookkeeping import (
    GRAPH_LABEL,
    INDEXED_PROPERTIES,
    META_ID,
    META_LABEL,
    database_counts,
    ensure_schema,
)
from ceasefire_kg.push.report import PushReport
from ceasefire_kg.push.run import DEFAULT_BATCH_TRIPLES, push

__all__ = [
    "DEFAULT_BATCH_TRIPLES",
    "GRAPH_LABEL",
    "INDEXED_PROPERTIES",
    "META_ID",
    "META_LABEL",
    "Progress",
    "PushReport",
    "database_counts",
    "ensure_schema",
    "push",
]
