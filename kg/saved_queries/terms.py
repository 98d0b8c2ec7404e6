"""Parameter values to RDF terms and Cypher values, and answers back to Python values."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pyoxigraph as ox

from ceasefire_kg.errors import SavedQueryFileError
from ceasefire_kg.saved_queries.definitions import _TRUE_WORDS, _XSD, LIST_SEPARATOR, Column, Parameter, SavedQuery

# A comment, a string or an IRI (kept as they are), or a parameter call with no arguments (group 1).
_SPARQL_PARAM_CALL_RE = re.compile(
    r"#[^\n]*|'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|<[^>\s]*>|\bparam:([A-Za-z_][A-Za-z0-9_]*)\s*\(\s*\)"
)
_XSD_DATE = ox.NamedNode(_XSD + "date")
_XSD_INTEGER = ox.NamedNode(_XSD + "integer")
_XSD_BOOLEAN = ox.NamedNode(_XSD + "boolean")
_INTEGER_DATATYPES = {
    _XSD + name
    for name in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    )
}
_FLOAT_DATATYPES = {_XSD + name for name in ("decimal", "double", "float")}


def check_columns(query: SavedQuery, names: Sequence[str], where: str, clause: str) -> None:
    if list(names) != list(query.column_names):
        raise SavedQueryFileError(
            f"Query '{query.name}' ({where}) returns the columns {', '.join(names) or '(none)'}, but its header "
            f"declares {', '.join(query.column_names)}. Make the {clause} and the '// columns:' line agree, in the same order."
        )


def substitute_parameters(sparql: str, terms: Mapping[str, ox.NamedNode | ox.Literal | None]) -> str:
    """The SPARQL with each ``param:NAME()`` call of a set parameter replaced by its term.

    The term is written in N-Triples syntax by pyoxigraph (an IRI it has
    checked, a literal with its quotes and backslashes escaped), so a value
    can never change the query's structure. Calls in comments, strings and
    IRIs, and calls of unset or unknown parameters, are left as they are.

    Args:
        sparql: The query text.
        terms: The RDF term of each parameter by name, None when unset.

    Returns:
        The query text to run.
    """

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        term = terms.get(name) if name is not None else None
        return str(term) if term is not None else match.group(0)

    return _SPARQL_PARAM_CALL_RE.sub(replace, sparql)


def constant(term: ox.NamedNode | ox.Literal | None) -> Callable[[], ox.NamedNode | ox.Literal | None]:
    return lambda: term


def to_rdf(value: Any, parameter: Parameter) -> ox.NamedNode | ox.Literal | None:
    if value is None:
        return None
    if parameter.type == "iri":
        return ox.NamedNode(value)
    if parameter.type == "date":
        return ox.Literal(value.isoformat(), datatype=_XSD_DATE)
    if parameter.type == "boolean":
        return ox.Literal("true" if value else "false", datatype=_XSD_BOOLEAN)
    if parameter.type == "integer":
        return ox.Literal(str(value), datatype=_XSD_INTEGER)
    if parameter.type == "fact-id" and (":" in value):
        # An IRI (a fact id has no colon): an IRI term, so that the query can look it up directly.
        return ox.NamedNode(value)
    return ox.Literal(str(value))


def from_rdf(term: Any) -> Any:
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        if datatype in _INTEGER_DATATYPES:
            return int(term.value)
        if datatype == _XSD_BOOLEAN.value:
            return term.value in ("true", "1")
        if datatype in _FLOAT_DATATYPES:
            return float(term.value)
        return term.value
    if isinstance(term, (ox.NamedNode, ox.BlankNode)):
        return term.value
    return str(term)


def normalize(value: Any, column: Column) -> Any:
    """One value as the column's type says, the same whichever backend it came from."""
    if column.type == "list":
        if value is None:
            items: list[Any] = []
        elif isinstance(value, list):
            items = [item for item in value if item is not None]
        elif isinstance(value, str):
            items = [item for item in value.split(LIST_SEPARATOR) if item]
        else:
            items = [value]
        return sorted({str(item) for item in items})
    if isinstance(value, list):
        # A property with several values (a Neo4j list) where one is expected:
        # take the smallest, as the SPARQL versions do with MIN().
        value = min((item for item in value if item is not None), default=None, key=str)
    if value is None:
        return None
    if column.type == "integer":
        return int(value)
    if column.type == "boolean":
        return value if isinstance(value, bool) else str(value).lower() in _TRUE_WORDS
    if column.type in ("string", "date"):
        return value if isinstance(value, str) else str(value)
    return value  # pragma: no cover
