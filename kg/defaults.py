"""Defaults and choices that the command line shows before it does any work.

They live here, apart from the modules that use them (the store, the back ends,
the push, the analyses, Neo4j Browser's assets), because this module imports
nothing: ``ckg --help`` and option parsing read them without loading rdflib,
the Neo4j driver or networkx, so the command line answers at once. The
modules that own each value import it from here.
"""

from __future__ import annotations

from pathlib import Path

#: The embedded store's folder when none is given.
DEFAULT_STORE = Path(".ckg")

#: Where answers can come from, by the name users type (see ``ceasefire_kg.backends``).
BACKEND_CHOICES = ("auto", "local", "neo4j")

#: Network file formats the analyses write, by file suffix.
GRAPH_FORMATS = ("graphml", "gexf")

#: Triples per push transaction (whole articles only); the least, when the push chooses.
DEFAULT_BATCH_TRIPLES = 20_000

#: A big push is cut into about this many transactions, each of at least DEFAULT_BATCH_TRIPLES.
#: Every transaction rewrites the provenance lists of the relationships that many articles assert,
#: so at 1,000,000 triples 25 transactions of about 40,000 made a first push 10 % faster than 50.
PUSH_TRANSACTIONS = 25

#: A first push of at least this many graphs creates the saved queries' indexes once its nodes are
#: written, rather than before: filling them then took 0.4-0.6 s less than keeping them up to date at
#: every commit at 1,000,000 triples (2,035 graphs), but 0.1 s more at 10,000 and 300,000.
DEFERRED_INDEXES_MIN_GRAPHS = 1_000

#: Rows of a saved query's answer shown as a table before the command says how to see more.
TABLE_PAGE_ROWS = 100

#: ``ckg push`` into an empty database of the managed server takes the bulk path (Neo4j's offline
#: importer: stop, import, start) from this many stored triples (quads) on; below, a Bolt push is
#: quicker. Measured on one server: 1,001,049 quads, Bolt 18.0 s against bulk 26.7 s; 3,000,745
#: quads, Bolt 64.2 s against bulk 57.4 s (docs/benchmarks.md).
BULK_PUSH_MIN_TRIPLES = 3_000_000

#: How a list is written in table and CSV output.
LIST_JOINER = "; "

#: The port on which ``ckg browser`` serves Neo4j Browser's style and guide.
BROWSER_ASSETS_PORT = 7475
