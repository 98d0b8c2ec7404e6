"""What a saved query is: its parameters (typed, converted from text), columns, examples and result."""

from __future__ import annotations

import datetime as dt
import difflib
import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from ceasefire_kg.errors import QueryFailed, QueryParameterError, clause
from ceasefire_kg.namespaces import ENTITY_KINDS, ETYPE, ISSUE, PREFIXES, SCOPE, STANCE, STATUS, entity_iri

logger = logging.getLogger(__name__)

#: Namespace of the SPARQL functions that return the parameters' values.
PARAM_NAMESPACE = "https://w3id.org/ceasefire-kg/param#"
#: Separator of the values of a ``list`` column in SPARQL results (``GROUP_CONCAT``).
LIST_SEPARATOR = "\x1f"

PARAMETER_TYPES = ("string", "integer", "boolean", "date", "iri", "fact-id", "enum")
COLUMN_TYPES = ("string", "integer", "boolean", "date", "list")

CYPHER_SUFFIX = ".cypher"
SPARQL_SUFFIX = ".rq"

_UNSET_WORDS = {"none"}
_LATEST_WORDS = {"latest"}
_TRUE_WORDS = {"true", "yes", "y", "1", "on"}
_FALSE_WORDS = {"false", "no", "n", "0", "off"}


#: Namespaces a bare id may be expanded in, for ``iri(KIND)`` parameters.
def _entity_iris(kind: str) -> Callable[[str], str]:
    return lambda slug: str(entity_iri(kind, slug))


IRI_KINDS: dict[str, Callable[[str], str]] = {
    **{kind: _entity_iris(kind) for kind in ENTITY_KINDS},
    "scope": lambda slug: f"{SCOPE._NS}{slug}",
    "issue": lambda slug: f"{ISSUE}{slug}",
    "stance": lambda slug: f"{STANCE._NS}{slug}",
    "status": lambda slug: f"{STATUS._NS}{slug}",
    "event-type": lambda slug: f"{ETYPE._NS}{slug}",
}

_SLUG_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~-]*")
_ABSOLUTE_IRI_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+")
_PREFIXED_NAME_RE = re.compile(
    r"(?P<prefix>[A-Za-z][A-Za-z0-9_-]*):(?P<local>[^\s<>\"{}|\\^`/:]*(?:/[^\s<>\"{}|\\^`]*)?)"
)

_XSD = "http://www.w3.org/2001/XMLSchema#"


# --- messages ---------------------------------------------------------------------


def or_list(items: Sequence[str]) -> str:
    """``a``, ``a or b``, ``a, b or c``: alternatives, for messages."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} or {items[-1]}"


# --- parameters and columns ------------------------------------------------------


@dataclass(frozen=True)
class Parameter:
    """A parameter of a saved query, as its header declares it.

    Attributes:
        name: The name, used as ``-p NAME=VALUE``, ``$NAME`` and ``param:NAME()``.
        type: One of :data:`PARAMETER_TYPES`.
        kind: For ``iri`` parameters, the kind of IRI a bare id expands to
            (a key of :data:`IRI_KINDS`), else None.
        default: The default as written in the header; None when required.
        description: What the parameter does.
        choices: For ``enum`` parameters, the values it may take, in header order.
    """

    name: str
    type: str
    kind: str | None = None
    default: str | None = None
    description: str = ""
    choices: tuple[str, ...] = ()

    @property
    def required(self) -> bool:
        """Whether the query cannot run without a value for this parameter."""
        return self.default is None

    @property
    def type_text(self) -> str:
        """The type as written in a header, such as ``iri(scope)`` or ``enum(open|met)``."""
        if self.type == "enum":
            return f"enum({'|'.join(self.choices)})"
        return f"{self.type}({self.kind})" if self.kind else self.type

    @property
    def signature(self) -> str:
        """``name: type = default`` (or ``name: type, required``)."""
        if self.required:
            return f"{self.name}: {self.type_text}, required"
        return f"{self.name}: {self.type_text} = {self.default}"

    def convert(self, text: str, query: str = "") -> Any:
        """Check and convert a value given as text.

        Args:
            text: The value as typed (``-p NAME=TEXT``).
            query: The query's name, for messages.

        Returns:
            None when the text means "unset" (``none``, or ``latest`` for a
            date), else a ``str``, ``int``, ``bool``, ``datetime.date``, for
            ``iri`` the full IRI as a ``str``, or for ``enum`` the value as the
            header spells it.

        Raises:
            QueryParameterError: If the text is not a value of the type.
        """
        value = text.strip()
        lowered = value.lower()
        if lowered in _UNSET_WORDS or (self.type == "date" and lowered in _LATEST_WORDS):
            return None
        where = f"Parameter '{self.name}'" + (f" of query '{query}'" if query else "")
        if self.type == "string":
            return value
        if self.type == "integer":
            if re.fullmatch(r"[+-]?[0-9]+", value):
                return int(value)
            raise QueryParameterError(f"{where} must be a whole number such as 10, not '{text}'.")
        if self.type == "boolean":
            if lowered in _TRUE_WORDS:
                return True
            if lowered in _FALSE_WORDS:
                return False
            raise QueryParameterError(f"{where} must be true or false (or yes/no), not '{text}'.")
        if self.type == "date":
            try:
                if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
                    raise ValueError(value)
                return dt.date.fromisoformat(value)
            except ValueError:
                raise QueryParameterError(
                    f"{where} must be a date written YYYY-MM-DD (such as 2025-03-19), or 'latest', not '{text}'."
                ) from None
        if self.type == "iri":
            return self._convert_iri(value, text, where)
        if self.type == "fact-id":
            return self._convert_fact_id(value, text, where)
        if self.type == "enum":
            return self._convert_choice(lowered, text, where)
        raise QueryParameterError(f"{where} has an unknown type '{self.type}'.")  # pragma: no cover

    def _convert_iri(self, value: str, text: str, where: str) -> str:
        expanded = _expand_prefixed_name(value)
        if expanded is not None:
            return _checked_iri(expanded, text, where)
        if self.kind is not None and _SLUG_RE.fullmatch(value):
            return IRI_KINDS[self.kind](value)
        if _ABSOLUTE_IRI_RE.fullmatch(value) and ("://" in value or value.startswith("urn:")):
            return _checked_iri(value, text, where)
        example = f"an id such as {_example_id(self.kind)}, " if self.kind else ""
        raise QueryParameterError(
            f"{where} must be {example}a prefixed name such as {_example_prefixed(self.kind)} "
            f"or a full IRI such as {_example_full(self.kind)}, not '{text}'."
        )

    def _convert_choice(self, lowered: str, text: str, where: str) -> str:
        for choice in self.choices:
            if lowered == choice.lower():
                return choice
        close = difflib.get_close_matches(lowered, self.choices, n=1, cutoff=0.5)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise QueryParameterError(
            f"{where} must be {'one of ' if len(self.choices) > 1 else ''}{or_list(self.choices)}, not '{text}'{hint}."
        )

    def _convert_fact_id(self, value: str, text: str, where: str) -> str:
        expanded = _expand_prefixed_name(value)
        if expanded is not None:
            return _checked_iri(expanded, text, where)
        if _SLUG_RE.fullmatch(value):
            return value
        if _ABSOLUTE_IRI_RE.fullmatch(value) and ("://" in value or value.startswith("urn:")):
            return _checked_iri(value, text, where)
        raise QueryParameterError(
            f"{where} must be a fact id such as putin-rejects-full-ceasefire, a prefixed name such as "
            f"position:putin-rejects-full-ceasefire or a full IRI, not '{text}'."
        )


def _checked_iri(iri: str, text: str, where: str) -> str:
    """``iri`` if it is a valid IRI (RFC 3987, as the store reads it); else the error that says why."""
    try:
        ox.NamedNode(iri)
    except ValueError as error:
        raise QueryParameterError(
            f"{where} is not a valid IRI: '{text}' ({clause(str(error))}). Give an id such as russia, "
            "or an IRI with %-escapes of two hex digits and a numeric port, if any."
        ) from error
    return iri


def _expand_prefixed_name(value: str) -> str | None:
    match = _PREFIXED_NAME_RE.fullmatch(value)
    if match is None or match["prefix"] not in PREFIXES or value.startswith(("http:", "https:", "urn:")):
        return None
    return PREFIXES[match["prefix"]] + match["local"]


def _example_id(kind: str | None) -> str:
    return {"actor": "putin", "proposal": "us-30-day-ceasefire", "scope": "comprehensive"}.get(kind or "", "some-id")


def _example_prefixed(kind: str | None) -> str:
    prefix = {"event-type": "etype"}.get(kind or "", kind or "actor")
    return f"{prefix}:{_example_id(kind or 'actor')}"


def _example_full(kind: str | None) -> str:
    return IRI_KINDS[kind or "actor"](_example_id(kind or "actor"))


@dataclass(frozen=True)
class Column:
    """A result column.

    Attributes:
        name: The name, identical on both backends (``RETURN ... AS name`` / ``?name``).
        type: One of :data:`COLUMN_TYPES`.
    """

    name: str
    type: str = "string"


@dataclass(frozen=True)
class QueryExample:
    """Parameter values worth trying, from a header's ``example`` line.

    Attributes:
        values: ``(name, value as text)`` pairs, as given with ``-p NAME=VALUE``.
        description: What they show, such as "as of 19 March 2025, before the April article".
    """

    values: tuple[tuple[str, str], ...]
    description: str = ""

    @property
    def options(self) -> str:
        """The values as ``ckg query`` options, such as ``-p as_of=2025-03-19``."""
        return " ".join(f"-p {name}={value}" for name, value in self.values)


# --- saved queries ---------------------------------------------------------------


@dataclass(frozen=True)
class SavedQuery:
    """A saved question with its Cypher and SPARQL versions.

    Attributes:
        name: The name used with ``ckg query NAME``.
        title: One line saying what it answers.
        description: What it answers, and how.
        parameters: Its parameters, in header order.
        columns: Its result columns, in order.
        cypher: The Cypher version, or None (a ``.rq``-only user query).
        sparql: The SPARQL version, or None (a ``.cypher``-only user query).
        source: Where the header was read from, for messages.
        sparql_source: Where the SPARQL was read from, for messages.
        examples: Telling parameter values to try, from ``example`` lines.
        known_by: The ``date`` parameter that cuts knowledge (header ``known-by: NAME``):
            when it is set to D, the query answers from what was known on D
            (``docs/time.md``); None when the query has no such parameter.
    """

    name: str
    title: str
    description: str
    parameters: tuple[Parameter, ...]
    columns: tuple[Column, ...]
    cypher: str | None
    sparql: str | None
    source: str
    sparql_source: str | None = None
    examples: tuple[QueryExample, ...] = ()
    known_by: str | None = None

    def known_on(self, values: Mapping[str, Any]) -> dt.date | None:
        """The date whose knowledge the query answers from, given values from :meth:`bind`; None: everything."""
        if self.known_by is None:
            return None
        value = values.get(self.known_by)
        return value if isinstance(value, dt.date) else None

    @property
    def column_names(self) -> tuple[str, ...]:
        """The names of the result columns, in order."""
        return tuple(column.name for column in self.columns)

    def parameter(self, name: str) -> Parameter | None:
        """The parameter called ``name`` (``-`` and ``_`` are the same), or None."""
        wanted = name.replace("-", "_")
        return next((p for p in self.parameters if p.name.replace("-", "_") == wanted), None)

    def bind(self, given: Mapping[str, str]) -> dict[str, Any]:
        """Check and convert given parameter values, and fill in the defaults.

        Args:
            given: Values as text by parameter name (from ``-p NAME=VALUE``).

        Returns:
            Every parameter's value by name (None when unset).

        Raises:
            QueryParameterError: For an unknown parameter, a value of the wrong
                type or a missing required one.
        """
        values: dict[str, Any] = {}
        for key, text in given.items():
            parameter = self.parameter(key)
            if parameter is None:
                raise QueryParameterError(self._unknown_parameter_message(key))
            values[parameter.name] = parameter.convert(text, self.name)
        for parameter in self.parameters:
            if parameter.name in values:
                continue
            if parameter.required:
                raise QueryParameterError(
                    f"Query '{self.name}' needs parameter '{parameter.name}' ({parameter.type_text}"
                    f"{': ' + parameter.description if parameter.description else ''}). "
                    f"Give it with -p {parameter.name}=VALUE."
                )
            values[parameter.name] = parameter.convert(parameter.default or "none", self.name)
        return values

    def _unknown_parameter_message(self, key: str) -> str:
        names = [parameter.name for parameter in self.parameters]
        if not names:
            return f"Query '{self.name}' takes no parameters; remove -p {key}=..."
        close = difflib.get_close_matches(key.replace("-", "_"), names, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        return (
            f"Query '{self.name}' has no parameter '{key}'{hint}. "
            f"Its parameters: {', '.join(names)}. See 'ckg queries {self.name}'."
        )


@dataclass(frozen=True)
class QueryResult:
    """The rows a saved query returned.

    Attributes:
        query: The query that ran.
        backend: ``local`` or ``neo4j``.
        parameters: The parameter values it ran with (None when unset).
        rows: The rows, as tuples in column order, values normalised: ``str``,
            ``int``, ``float``, ``bool``, None, ISO dates as ``str``, and sorted
            lists of ``str`` for ``list`` columns.
        offset: How many rows of the answer come before these (when a page was asked for).
        more: Whether more rows follow these (when a page was asked for).
    """

    query: SavedQuery
    backend: str
    parameters: dict[str, Any]
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    offset: int = 0
    more: bool = False

    @property
    def columns(self) -> tuple[str, ...]:
        """The column names, in order."""
        return self.query.column_names

    def records(self) -> list[dict[str, Any]]:
        """The rows as dictionaries keyed by column, in column order."""
        return [dict(zip(self.columns, row)) for row in self.rows]

    def to_dataframe(self) -> Any:
        """The rows as a pandas DataFrame, one column per result column (``list`` columns hold lists).

        Raises:
            QueryFailed: pandas is not installed (``pip install pandas``).
        """
        try:
            import pandas  # an optional extra: only this method needs it
        except ImportError as error:
            raise QueryFailed(
                "QueryResult.to_dataframe() needs pandas: install it with 'pip install pandas'."
            ) from error
        return pandas.DataFrame.from_records(self.rows, columns=list(self.columns))
