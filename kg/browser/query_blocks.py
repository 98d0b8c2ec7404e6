"""The Cypher blocks the guide gives for one saved query: its parameters, its body, its graph view.

Browser runs a clicked ``cypher`` block as it is; these build the blocks from
a saved query (read by :mod:`ceasefire_kg.saved_queries`) so that they give
the same answer as ``ckg query``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ceasefire_kg.errors import BrowserAssetsError
from ceasefire_kg.saved_queries import QueryExample, SavedQuery

#: Labels of the nodes a fact is shown with in a query's graph view; quotes,
#: articles and status records are left out (they are evidence, not the story).
CONTEXT_LABELS = ("Actor", "Proposal", "Demand", "Position", "Response", "Claim", "Event", "Concept")
#: Result columns named so hold the facts' ids.
ID_COLUMN_SUFFIX = "_id"


def cypher_literal(value: Any) -> str:
    """Write a parameter value as a Cypher expression, for a ``:param`` block.

    Args:
        value: None, a bool, int, float, str or ``datetime.date``.

    Raises:
        BrowserAssetsError: For a value of another type.
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, dt.date):
        return f"date('{value.isoformat()}')"
    if isinstance(value, str):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    raise BrowserAssetsError(f"Cannot write {value!r} ({type(value).__name__}) as a Cypher value for a :param block.")


def param_block(query: SavedQuery, example: QueryExample | None = None) -> str | None:
    """The ``:param`` commands that give a saved query its default parameters, or an example's.

    Args:
        query: The saved query.
        example: One of its examples: its values replace the defaults.

    Returns:
        One ``:param NAME => VALUE;`` line per parameter (Browser runs them as a
        script; each value is a Cypher expression, so dates stay dates), or None
        when the query has none. A required parameter without a default is set
        to null, to be edited before running. Every line ends in ``;``: Browser
        ignores a clicked block whose text ends in `` null``.
    """
    if not query.parameters:
        return None
    given = dict(example.values) if example is not None else {}
    lines = []
    for parameter in query.parameters:
        text = given.get(parameter.name, parameter.default)
        value = None if text is None else parameter.convert(text, query.name)
        lines.append(f":param {parameter.name} => {cypher_literal(value)};")
    return "\n".join(lines)


def query_body(query: SavedQuery) -> str:
    """A saved query's Cypher without its leading comment block (the header).

    The rest is the query exactly as ``ckg query`` runs it.

    Raises:
        BrowserAssetsError: If the query has no Cypher version.
    """
    if query.cypher is None:
        raise BrowserAssetsError(f"Saved query '{query.name}' has no Cypher version ({query.source}).")
    lines = query.cypher.strip("\n").splitlines()
    start = 0
    while start < len(lines) and (not lines[start].strip() or lines[start].lstrip().startswith("//")):
        start += 1
    return "\n".join(lines[start:]).strip()


def id_column(query: SavedQuery) -> str | None:
    """The result column holding the facts' ids (``factId``), by the ``…_id`` naming convention.

    Returns:
        The last column whose name ends in ``_id``, or None.
    """
    names = [name for name in query.column_names if name.endswith(ID_COLUMN_SUFFIX)]
    return names[-1] if names else None


def graph_block(query: SavedQuery) -> str | None:
    """Cypher that shows a saved query's facts as a graph, with their context.

    The saved query runs unchanged as a subquery; its facts (by the id column,
    see :func:`id_column`) are returned with their neighbours among
    :data:`CONTEXT_LABELS`, so that Browser draws them.

    Returns:
        The Cypher, or None when the query names no facts.
    """
    column = id_column(query)
    if column is None:
        return None
    inner = "\n".join(("  " + line) if line.strip() else "" for line in query_body(query).splitlines())
    neighbour = " OR ".join(f"neighbour:{label}" for label in CONTEXT_LABELS)
    return (
        "CALL () {\n"
        f"{inner}\n"
        "}\n"
        f"WITH DISTINCT {column} AS fact_id\n"
        "MATCH (fact:Resource {factId: fact_id})\n"
        "OPTIONAL MATCH context = (fact)--(neighbour)\n"
        f"WHERE {neighbour}\n"
        "RETURN fact, collect(context) AS context"
    )
