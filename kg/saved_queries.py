"""Saved queries: the negotiation questions, answered on Neo4j and on the embedded store.

Each question is a pair of files in ``queries/`` (the package
``ceasefire_kg.queries``) with the same name:

* ``NAME.cypher`` — the Cypher version, for Neo4j (run in a read transaction),
  starting with the header that describes the question;
* ``NAME.rq`` — the SPARQL version, for the embedded store.

Both return the same rows, in the same order, on the same data.

The header is the leading block of ``//`` comment lines (``#`` in a ``.rq``
file that has no ``.cypher`` beside it)::

    // name: blocking-demands
    // title: Demands that block a proposal
    // description: A demand blocks a proposal if ...
    //   (a line indented by two or more spaces continues the field above)
    // param scope: iri(scope) = comprehensive — proposals of this scope or a narrower one
    // param as_of: date = latest — the date to answer for
    // example: as_of=2025-03-19 — as of 19 March 2025, before the April article
    // columns: demand, demanded_by, demanded_of: list, since: date, quote

It ends at the first line that is not a comment, or at an empty ``//`` line.

``param NAME: TYPE [= DEFAULT] [— description]`` declares a parameter (``--``
may stand for the dash). Types: ``string``, ``integer``, ``boolean``,
``date``, ``iri`` (optionally ``iri(KIND)``, so that a bare id such as
``putin`` means that kind's IRI), ``fact-id`` (a fact's readable id or IRI),
and ``enum(VALUE|VALUE|...)`` (a string that must be one of the values, such
as ``enum(open|met|withdrawn)``; a value that is not is refused, naming the
closest). Without a default the parameter is required; the default ``none``
(and ``latest`` for a date) leaves it unset, which the queries read as "no
restriction"; the description says what that means for the parameter (such as
"none starts from the beginning"). ``example: NAME=VALUE ... [— what it
shows]`` (any number of them) gives parameter values worth trying: ``ckg
queries NAME`` lists them, and the Neo4j Browser guide offers each as another
``:param`` block. ``columns`` lists the result columns in order, each
optionally typed (``string`` by default, ``integer``, ``boolean``, ``date``,
``list``).

In Cypher a parameter is ``$NAME``. In SPARQL it is the function call
``param:NAME()`` (``PREFIX param: <https://w3id.org/ceasefire-kg/param#>``),
which stands for the value as an RDF term (a ``fact-id`` as an IRI when given
as one, else as a string), or returns nothing when the parameter is unset.
Before the query runs, each call of a set parameter is replaced by its term
written in N-Triples syntax (the IRI checked and the literal escaped by
pyoxigraph, never the raw text), so that the store's planner sees a constant
it can look up in its indexes and join on; calls in comments, strings and IRIs
are left alone. A ``list``
column is a Cypher list, or in SPARQL a ``GROUP_CONCAT`` with the separator
``"\\u001F"``; either way it comes out sorted and without duplicates.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import json
import logging
import re
import textwrap
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

import neo4j
import neo4j.exceptions
import neo4j.time
import pyoxigraph as ox

from ceasefire_kg.errors import (
    QueryBackendUnavailable,
    QueryFailed,
    QueryNeo4jUnreachable,
    QueryNotReadOnly,
    QueryParameterError,
    SavedQueryFileError,
    UnknownSavedQuery,
    clause,
)
from ceasefire_kg.namespaces import ENTITY_KINDS, ETYPE, ISSUE, PREFIXES, SCOPE, STANCE, STATUS, entity_iri
from ceasefire_kg.store import Store

logger = logging.getLogger(__name__)

#: Namespace of the SPARQL functions that return the parameters' values.
PARAM_NAMESPACE = "https://w3id.org/ceasefire-kg/param#"
#: Separator of the values of a ``list`` column in SPARQL results (``GROUP_CONCAT``).
LIST_SEPARATOR = "\x1f"
#: How a list is written in table and CSV output.
LIST_JOINER = "; "

PARAMETER_TYPES = ("string", "integer", "boolean", "date", "iri", "fact-id", "enum")
COLUMN_TYPES = ("string", "integer", "boolean", "date", "list")
OUTPUT_FORMATS = ("table", "json", "csv")

CYPHER_SUFFIX = ".cypher"
SPARQL_SUFFIX = ".rq"

_UNSET_WORDS = {"none"}
_LATEST_WORDS = {"latest"}
_TRUE_WORDS = {"true", "yes", "y", "1", "on"}
_FALSE_WORDS = {"false", "no", "n", "0", "off"}

#: Namespaces a bare id may be expanded in, for ``iri(KIND)`` parameters.
IRI_KINDS: dict[str, Callable[[str], str]] = {
    **{kind: (lambda slug, kind=kind: str(entity_iri(kind, slug))) for kind in ENTITY_KINDS},
    "scope": lambda slug: f"{SCOPE._NS}{slug}",
    "issue": lambda slug: f"{ISSUE}{slug}",
    "stance": lambda slug: f"{STANCE._NS}{slug}",
    "status": lambda slug: f"{STATUS._NS}{slug}",
    "event-type": lambda slug: f"{ETYPE._NS}{slug}",
}

_NAME_RE = re.compile(r"[a-z0-9][a-z0-9-]*")
_CHOICE_RE = re.compile(r"[a-z0-9][a-z0-9_-]*")
_IDENTIFIER_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SLUG_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~-]*")
_ABSOLUTE_IRI_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+")
_PREFIXED_NAME_RE = re.compile(
    r"(?P<prefix>[A-Za-z][A-Za-z0-9_-]*):(?P<local>[^\s<>\"{}|\\^`/:]*(?:/[^\s<>\"{}|\\^`]*)?)"
)
_FIELD_RE = re.compile(r"(?P<key>[a-z]+)(?:\s+(?P<arg>\S+?))?\s*:\s*(?P<value>.*)")
_PARAM_RE = re.compile(
    r"(?P<type>[a-z-]+)(?:\((?P<kind>[^()]*)\))?"
    r"\s*(?:=\s*(?P<default>.*?))?"
    r"\s*(?:(?:—|--)\s*(?P<description>.*))?"
)
_CYPHER_PARAM_RE = re.compile(r"\$(?:`([^`]+)`|([A-Za-z_][A-Za-z0-9_]*))")
_SPARQL_PARAM_RE = re.compile(r"\bparam:([A-Za-z_][A-Za-z0-9_]*)\s*\(")
# A comment, a string or an IRI (kept as they are), or a parameter call with no arguments (group 1).
_SPARQL_PARAM_CALL_RE = re.compile(
    r"#[^\n]*|'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|<[^>\s]*>|\bparam:([A-Za-z_][A-Za-z0-9_]*)\s*\(\s*\)"
)
_CYPHER_STRIP_RE = re.compile(r"//[^\n]*|/\*.*?\*/|'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"", re.DOTALL)
_SPARQL_STRIP_RE = re.compile(r"#[^\n]*|'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|<[^>\s]*>")
_HEADER_FIELDS = ("name", "title", "description", "param", "example", "columns")

_XSD = "http://www.w3.org/2001/XMLSchema#"
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

# Neo4j status codes that mean "the query tried to write in a read transaction".
_WRITE_IN_READ_CODES = ("Neo.ClientError.Statement.AccessMode", "Neo.ClientError.Security.Forbidden")


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
            return expanded
        if self.kind is not None and _SLUG_RE.fullmatch(value):
            return IRI_KINDS[self.kind](value)
        if _ABSOLUTE_IRI_RE.fullmatch(value) and ("://" in value or value.startswith("urn:")):
            return value
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
            return expanded
        if _SLUG_RE.fullmatch(value):
            return value
        if _ABSOLUTE_IRI_RE.fullmatch(value) and ("://" in value or value.startswith("urn:")):
            return value
        raise QueryParameterError(
            f"{where} must be a fact id such as putin-rejects-full-ceasefire, a prefixed name such as "
            f"position:putin-rejects-full-ceasefire or a full IRI, not '{text}'."
        )


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
    """

    query: SavedQuery
    backend: str
    parameters: dict[str, Any]
    rows: list[tuple[Any, ...]] = field(default_factory=list)

    @property
    def columns(self) -> tuple[str, ...]:
        """The column names, in order."""
        return self.query.column_names

    def records(self) -> list[dict[str, Any]]:
        """The rows as dictionaries keyed by column, in column order."""
        return [dict(zip(self.columns, row)) for row in self.rows]


# --- reading query files ---------------------------------------------------------


def saved_queries() -> list[SavedQuery]:
    """The saved queries shipped with ckg, sorted by name.

    Raises:
        SavedQueryFileError: If a shipped query file is malformed.
    """
    folder = resources.files("ceasefire_kg.queries")
    entries = sorted(
        (entry for entry in folder.iterdir() if entry.name.endswith(CYPHER_SUFFIX)), key=lambda entry: entry.name
    )
    queries = []
    for entry in entries:
        stem = entry.name[: -len(CYPHER_SUFFIX)]
        sparql_entry = folder.joinpath(stem + SPARQL_SUFFIX)
        sparql = sparql_entry.read_text(encoding="utf-8") if sparql_entry.is_file() else None
        queries.append(
            parse_query(
                entry.read_text(encoding="utf-8"),
                source=f"queries/{entry.name}",
                stem=stem,
                sparql=sparql,
                sparql_source=f"queries/{stem}{SPARQL_SUFFIX}" if sparql is not None else None,
            )
        )
    return queries


def saved_query_names() -> list[str]:
    """Names of the shipped saved queries, sorted."""
    folder = resources.files("ceasefire_kg.queries")
    return sorted(entry.name[: -len(CYPHER_SUFFIX)] for entry in folder.iterdir() if entry.name.endswith(CYPHER_SUFFIX))


def looks_like_path(name_or_path: str) -> bool:
    """Whether ``ckg query`` should read ``name_or_path`` as a file rather than a saved query's name."""
    return name_or_path.endswith((CYPHER_SUFFIX, SPARQL_SUFFIX)) or "/" in name_or_path or "\\" in name_or_path


def find_query(name_or_path: str) -> SavedQuery:
    """A shipped saved query by name, or a user's query file by path.

    A user's file is a ``.cypher`` file with the header (and optionally a
    ``.rq`` of the same name beside it, for the embedded store), or a ``.rq``
    file with the header in ``#`` comments.

    Args:
        name_or_path: A saved query's name, or a path to a ``.cypher`` or ``.rq`` file.

    Raises:
        UnknownSavedQuery: If there is no such saved query or file.
        SavedQueryFileError: If the file is malformed.
    """
    if looks_like_path(name_or_path):
        return load_query_file(Path(name_or_path))
    names = saved_query_names()
    if name_or_path not in names:
        close = difflib.get_close_matches(name_or_path, names, n=1, cutoff=0.5)
        hint = f" Did you mean {' or '.join(repr(name) for name in close)}?" if close else ""
        raise UnknownSavedQuery(
            f"No saved query '{name_or_path}'.{hint} List them with 'ckg queries', "
            "or give the path of a .cypher file of your own."
        )
    return next(query for query in saved_queries() if query.name == name_or_path)


def load_query_file(path: Path) -> SavedQuery:
    """Read a user's query file: a ``.cypher`` file (with an optional ``.rq`` beside it) or a ``.rq`` file.

    Raises:
        UnknownSavedQuery: If the file does not exist or has another suffix.
        SavedQueryFileError: If it cannot be read or its header is malformed.
    """
    if path.suffix not in (CYPHER_SUFFIX, SPARQL_SUFFIX):
        raise UnknownSavedQuery(
            f"{path} is neither a .cypher nor a .rq file. Give a saved query's name (see 'ckg queries') "
            "or the path of a .cypher file with a query header."
        )
    if not path.is_file():
        raise UnknownSavedQuery(
            f"No query file at {path}. Check the path, or list the saved queries with 'ckg queries'."
        )
    text = _read(path)
    if path.suffix == SPARQL_SUFFIX:
        return parse_query(
            text, source=str(path), stem=path.stem, sparql=text, sparql_source=str(path), comment="#", has_cypher=False
        )
    sparql_path = path.with_suffix(SPARQL_SUFFIX)
    sparql = _read(sparql_path) if sparql_path.is_file() else None
    return parse_query(
        text,
        source=str(path),
        stem=path.stem,
        sparql=sparql,
        sparql_source=str(sparql_path) if sparql is not None else None,
    )


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise SavedQueryFileError(f"Cannot read the query file {path}: {error}") from error


def parse_query(
    text: str,
    *,
    source: str,
    stem: str,
    sparql: str | None = None,
    sparql_source: str | None = None,
    comment: str = "//",
    has_cypher: bool = True,
) -> SavedQuery:
    """Parse a query file's header and check it against the query text.

    Args:
        text: The file's content (Cypher, or SPARQL when ``comment`` is ``#``).
        source: Where it comes from, for messages.
        stem: The file name without suffix; the name when the header gives none.
        sparql: The SPARQL version, if any.
        sparql_source: Where the SPARQL comes from, for messages.
        comment: The comment marker of the header lines.
        has_cypher: False when ``text`` is SPARQL only.

    Raises:
        SavedQueryFileError: If the header is malformed or does not match the query.
    """
    fields = _header_fields(text, source, comment)
    problems: list[str] = []

    def single(key: str) -> str | None:
        values = [value for name, _, value, _ in fields if name == key]
        if len(values) > 1:
            problems.append(f"'{key}' is given {len(values)} times; give it once")
        return values[0] if values else None

    name = single("name") or stem
    if not _NAME_RE.fullmatch(name):
        problems.append(f"name '{name}' must be lower-case letters, digits and dashes, such as my-question")
    title = single("title")
    if not title:
        problems.append("it has no '// title: ...' line; add one saying what the query answers")
    description = single("description") or ""
    columns_text = single("columns")
    columns: tuple[Column, ...] = ()
    if not columns_text:
        problems.append(
            "it has no '// columns: ...' line; list the result columns in order, such as '// columns: actor, date: date'"
        )
    else:
        columns = _parse_columns(columns_text, problems)
    parsed = [_parse_parameter(arg, value, line, problems) for key, arg, value, line in fields if key == "param"]
    parameters = tuple(parameter for parameter in parsed if parameter is not None)
    examples = tuple(
        example
        for example in (
            _parse_example(value, line, parameters, problems) for key, _, value, line in fields if key == "example"
        )
        if example is not None
    )
    seen: set[str] = set()
    for parameter in parameters:
        if parameter.name in seen:
            problems.append(f"parameter '{parameter.name}' is declared twice")
        seen.add(parameter.name)
    # Parameters declared, even badly (already reported), count as declared.
    declared = {arg for key, arg, _, _ in fields if key == "param" and arg}
    cypher = text if has_cypher else None
    if cypher is not None:
        for used in sorted(_cypher_parameters(cypher) - declared):
            problems.append(
                f"the Cypher uses ${used}, which the header does not declare; add '// param {used}: string = none'"
            )
    if sparql is not None:
        for used in sorted(_sparql_parameters(sparql) - declared):
            problems.append(
                f"the SPARQL{' in ' + sparql_source if sparql_source and sparql_source != source else ''} "
                f"uses param:{used}(), which the header does not declare"
            )
    if problems:
        raise SavedQueryFileError(
            f"The query file {source} has a bad header:\n"
            + "\n".join(f"  - {problem}" for problem in problems)
            + "\nSee 'ckg queries blocking-demands' and queries/blocking-demands.cypher for the header format."
        )
    return SavedQuery(
        name=name,
        title=title or "",
        description=description,
        parameters=parameters,
        columns=columns,
        cypher=cypher,
        sparql=sparql,
        source=source,
        sparql_source=sparql_source,
        examples=examples,
    )


def _header_fields(text: str, source: str, comment: str) -> list[tuple[str, str | None, str, int]]:
    """``(key, argument, value, line number)`` of each header field, continuation lines joined."""
    fields: list[tuple[str, str | None, str, int]] = []
    started = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line and not started:
            continue
        if not line.startswith(comment):
            break
        body = line[len(comment) :]
        started = True
        if not body.strip():
            break
        if body.startswith("  ") or body.startswith("\t"):
            if not fields:
                raise SavedQueryFileError(
                    f"{source}:{number}: the header starts with a continuation line; "
                    f"start it with '{comment} name: ...' or '{comment} title: ...'."
                )
            key, arg, value, start = fields[-1]
            fields[-1] = (key, arg, f"{value} {body.strip()}".strip(), start)
            continue
        match = _FIELD_RE.fullmatch(body.strip())
        if match is None or match["key"] not in _HEADER_FIELDS:
            raise SavedQueryFileError(
                f"{source}:{number}: '{line}' is not a header field. Header lines are "
                f"'{comment} KEY: VALUE' with KEY one of {', '.join(_HEADER_FIELDS)} "
                f"('{comment} param NAME: TYPE = DEFAULT — description'); end the header with an empty "
                f"'{comment}' line before other comments."
            )
        if match["key"] == "param" and match["arg"] is None:
            raise SavedQueryFileError(f"{source}:{number}: write '{comment} param NAME: TYPE = DEFAULT — description'.")
        if match["key"] != "param" and match["arg"] is not None:
            raise SavedQueryFileError(f"{source}:{number}: write '{comment} {match['key']}: VALUE'.")
        fields.append((match["key"], match["arg"], match["value"].strip(), number))
    return fields


def _parse_parameter(name: str | None, text: str, line: int, problems: list[str]) -> Parameter | None:
    if name is None or not _IDENTIFIER_RE.fullmatch(name):
        problems.append(f"line {line}: parameter name '{name}' must be a letter or _ followed by letters, digits or _")
        return None
    match = _PARAM_RE.fullmatch(text)
    if match is None:
        problems.append(f"line {line}: write 'param {name}: TYPE = DEFAULT — description', not '{text}'")
        return None
    type_name, kind = match["type"], match["kind"]
    if type_name not in PARAMETER_TYPES:
        close = difflib.get_close_matches(type_name, PARAMETER_TYPES, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        problems.append(
            f"line {line}: parameter '{name}' has unknown type '{type_name}'{hint}; use one of {', '.join(PARAMETER_TYPES)}"
        )
        return None
    choices: tuple[str, ...] = ()
    if type_name == "enum":
        choices = tuple(choice.strip() for choice in (kind or "").split("|"))
        if (
            not all(_CHOICE_RE.fullmatch(choice) for choice in choices)
            or len(set(choices)) != len(choices)
            or set(choices) & _UNSET_WORDS  # 'none' means unset
        ):
            problems.append(
                f"line {line}: parameter '{name}': write its values as enum(VALUE|VALUE|...), each of lower-case "
                f"letters, digits, - and _, none twice, and not 'none' (it means unset); not 'enum({kind or ''})'"
            )
            return None
        kind = None
    elif kind is not None and (type_name != "iri" or kind not in IRI_KINDS):
        problems.append(
            f"line {line}: parameter '{name}': only iri takes a kind, one of {', '.join(IRI_KINDS)}; not '{type_name}({kind})'"
        )
        return None
    default = match["default"]
    if default is not None:
        default = default.strip()
        if not default:
            problems.append(f"line {line}: parameter '{name}' has '=' but no default; write a default or 'none'")
            return None
    parameter = Parameter(
        name=name,
        type=type_name,
        kind=kind,
        default=default,
        description=(match["description"] or "").strip(),
        choices=choices,
    )
    if default is not None:
        try:
            parameter.convert(default)
        except QueryParameterError as error:
            problems.append(f"line {line}: the default of parameter '{name}' is not valid: {error}")
            return None
    return parameter


def _parse_example(text: str, line: int, parameters: Sequence[Parameter], problems: list[str]) -> QueryExample | None:
    match = re.fullmatch(r"(?P<values>.*?)\s*(?:(?:—|--)\s*(?P<description>.*))?", text)
    assert match is not None  # the pattern matches any text
    pairs = match["values"].split()
    values: list[tuple[str, str]] = []
    for pair in pairs:
        name, sep, value = pair.partition("=")
        parameter = next((p for p in parameters if p.name == name), None)
        if not sep or parameter is None:
            problems.append(
                f"line {line}: write 'example: NAME=VALUE ... — what it shows' with declared parameters, not '{pair}'"
            )
            return None
        try:
            parameter.convert(value)
        except QueryParameterError as error:
            problems.append(f"line {line}: the example's value is not valid: {error}")
            return None
        values.append((name, value))
    if not values:
        problems.append(f"line {line}: the example gives no NAME=VALUE")
        return None
    return QueryExample(tuple(values), (match["description"] or "").strip())


def _parse_columns(text: str, problems: list[str]) -> tuple[Column, ...]:
    columns = []
    for item in (part.strip() for part in text.split(",")):
        name, _, type_name = (piece.strip() for piece in item.partition(":"))
        type_name = type_name or "string"
        if not _IDENTIFIER_RE.fullmatch(name):
            problems.append(f"column '{item}' must be a name of letters, digits and _ (such as demanded_by)")
            continue
        if type_name not in COLUMN_TYPES:
            problems.append(f"column '{name}' has unknown type '{type_name}'; use one of {', '.join(COLUMN_TYPES)}")
            continue
        if any(column.name == name for column in columns):
            problems.append(f"column '{name}' is listed twice")
            continue
        columns.append(Column(name, type_name))
    return tuple(columns)


def _cypher_parameters(cypher: str) -> set[str]:
    code = _CYPHER_STRIP_RE.sub(" ", cypher)
    return {quoted or plain for quoted, plain in _CYPHER_PARAM_RE.findall(code)}


def _sparql_parameters(sparql: str) -> set[str]:
    code = _SPARQL_STRIP_RE.sub(" ", sparql)
    return set(_SPARQL_PARAM_RE.findall(code))


def parse_assignments(pairs: Iterable[str]) -> dict[str, str]:
    """Split ``NAME=VALUE`` texts (from ``-p``) into a dictionary.

    Raises:
        QueryParameterError: If one has no ``=`` or a name is given twice.
    """
    values: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.strip()
        if not sep or not name:
            raise QueryParameterError(f"-p takes NAME=VALUE (such as -p as_of=2025-03-19), not '{pair}'.")
        key = name.replace("-", "_")
        if key in values:
            raise QueryParameterError(f"Parameter '{name}' is given twice; give each -p NAME=VALUE once.")
        values[key] = value
    return values


# --- running ----------------------------------------------------------------------


def run_local(query: SavedQuery, store: Store, parameters: Mapping[str, Any]) -> QueryResult:
    """Run a saved query's SPARQL version on the embedded store.

    Args:
        query: The query.
        store: An open store.
        parameters: Values from :meth:`SavedQuery.bind`.

    Raises:
        QueryBackendUnavailable: If the query has no SPARQL version.
        SavedQueryFileError: If the SPARQL is not valid or returns other columns than the header says.
        QueryFailed: If the store fails while answering.
    """
    if query.sparql is None:
        raise QueryBackendUnavailable(
            f"Query '{query.name}' has no version for the embedded store: put the SPARQL version in "
            f"{Path(query.source).with_suffix(SPARQL_SUFFIX)}, or run it on Neo4j with --backend neo4j "
            "(and --uri or NEO4J_URI)."
        )
    terms = {parameter.name: _to_rdf(parameters.get(parameter.name), parameter) for parameter in query.parameters}
    # Unset parameters stay function calls that return nothing ("no restriction").
    functions = {ox.NamedNode(PARAM_NAMESPACE + name): _constant(term) for name, term in terms.items()}
    sparql = substitute_parameters(query.sparql, terms)
    where = query.sparql_source or query.source
    logger.debug("Running %s on the embedded store with %s", query.name, dict(parameters))
    try:
        solutions = store.query(sparql, custom_functions=functions)
    except SyntaxError as error:
        raise SavedQueryFileError(f"The SPARQL of query '{query.name}' ({where}) is not valid: {error}") from error
    except (OSError, RuntimeError, ValueError) as error:
        raise QueryFailed(f"The embedded store could not answer query '{query.name}': {error}") from error
    if not isinstance(solutions, ox.QuerySolutions):
        raise SavedQueryFileError(f"The SPARQL of query '{query.name}' ({where}) must be a SELECT query.")
    names = [variable.value for variable in solutions.variables]
    _check_columns(query, names, where, "SELECT")
    try:
        rows = [
            tuple(_normalize(_from_rdf(solution[name]), column) for name, column in zip(names, query.columns))
            for solution in solutions
        ]
    except (OSError, RuntimeError, ValueError) as error:
        raise QueryFailed(f"The embedded store could not answer query '{query.name}': {error}") from error
    return QueryResult(query, "local", dict(parameters), rows)


def run_neo4j(
    query: SavedQuery, driver: neo4j.Driver, parameters: Mapping[str, Any], database: str | None = None
) -> QueryResult:
    """Run a saved query's Cypher version on Neo4j, in a read transaction.

    Args:
        query: The query.
        driver: A driver to the server.
        parameters: Values from :meth:`SavedQuery.bind`.
        database: The database, or None for the server's default.

    Raises:
        QueryBackendUnavailable: If the query has no Cypher version, or Neo4j cannot be reached.
        QueryNotReadOnly: If the query tried to write.
        SavedQueryFileError: If the Cypher is not valid or returns other columns than the header says.
        QueryFailed: If Neo4j fails otherwise.
    """
    if query.cypher is None:
        raise QueryBackendUnavailable(
            f"Query '{query.name}' has no Cypher version for Neo4j: put it in "
            f"{Path(query.source).with_suffix(CYPHER_SUFFIX)}, or run it on the embedded store with --backend local."
        )
    values = {parameter.name: _to_cypher(parameters.get(parameter.name), parameter) for parameter in query.parameters}

    def work(tx: neo4j.ManagedTransaction) -> tuple[list[str], list[list[Any]]]:
        result = tx.run(query.cypher, values)
        return list(result.keys()), [list(record.values()) for record in result]

    logger.debug("Running %s on Neo4j (database %s) with %s", query.name, database, values)
    try:
        # Notifications (such as "this label does not exist" on an empty database) are not errors.
        with driver.session(database=database, notifications_min_severity="OFF") as session:
            keys, records = session.execute_read(work)
    except neo4j.exceptions.AuthError as error:
        raise QueryBackendUnavailable(
            f"Neo4j refused the user name or password: {clause(error.message or str(error))}. "
            "Check --username/--password (NEO4J_USERNAME/NEO4J_PASSWORD)."
        ) from error
    except neo4j.exceptions.ClientError as error:
        raise _explain_client_error(query, error) from error
    except (neo4j.exceptions.ServiceUnavailable, neo4j.exceptions.SessionExpired, OSError) as error:
        raise QueryBackendUnavailable(
            f"Lost the connection to Neo4j while running query '{query.name}': {clause(str(error))}. "
            "Check that the server runs ('ckg neo4j status'), then try again."
        ) from error
    except neo4j.exceptions.Neo4jError as error:
        raise QueryFailed(
            f"Neo4j could not answer query '{query.name}': {clause(error.message or str(error))}."
        ) from error
    except neo4j.exceptions.DriverError as error:
        raise QueryFailed(f"Neo4j could not answer query '{query.name}': {clause(str(error))}.") from error
    _check_columns(query, keys, query.source, "RETURN")
    rows = [
        tuple(_normalize(_from_cypher(value), column) for value, column in zip(record, query.columns))
        for record in records
    ]
    return QueryResult(query, "neo4j", dict(parameters), rows)


@dataclass(frozen=True)
class Neo4jProblem:
    """Why a Neo4j server cannot answer queries.

    Attributes:
        summary: What is wrong in a few words, without the driver's own, such as
            ``Neo4j at neo4j://127.0.0.1:7687 refused the user name or password``
            (no closing period): enough for a note when the embedded store answers instead.
        message: The whole story for an error: what is wrong, the driver's words
            and what to do.
        cause: The driver's exception.
    """

    summary: str
    message: str
    cause: BaseException

    def error(self) -> QueryNeo4jUnreachable:
        """The error to raise when Neo4j must answer."""
        error = QueryNeo4jUnreachable(self.message)
        error.__cause__ = self.cause
        return error


def neo4j_problem(driver: neo4j.Driver, uri: str, database: str | None = None) -> Neo4jProblem | None:
    """Find out whether Neo4j answers at ``uri`` and accepts the credentials.

    Args:
        driver: A driver to the server.
        uri: The server's URI, for messages.
        database: The database to check, or None for the server's default.

    Returns:
        None when it does, else what is wrong.
    """
    try:
        driver.verify_connectivity()
        with driver.session(database=database) as session:
            session.execute_read(lambda tx: tx.run("RETURN 1").consume())
    except neo4j.exceptions.AuthError as error:
        summary = f"Neo4j at {uri} refused the user name or password"
        return Neo4jProblem(
            summary,
            f"{summary}: {clause(error.message or str(error))}. "
            "Check --username/--password (NEO4J_USERNAME/NEO4J_PASSWORD).",
            error,
        )
    except neo4j.exceptions.ClientError as error:
        if error.code and "DatabaseNotFound" in error.code:
            summary = f"Neo4j at {uri} has no database '{database}'"
            return Neo4jProblem(
                summary,
                f"{summary}. Check --database (NEO4J_DATABASE), or leave it unset for the server's default database.",
                error,
            )
        summary = f"Neo4j at {uri} refused the connection"
        return Neo4jProblem(summary, f"{summary}: {clause(error.message or str(error))}.", error)
    except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError, OSError, ValueError) as error:
        return Neo4jProblem(
            f"Neo4j at {uri} does not answer",
            f"Cannot reach Neo4j at {uri}: {clause(str(error))}. Start the server ('ckg neo4j start') or check "
            "--uri (NEO4J_URI); use --backend local for the embedded store.",
            error,
        )
    return None


def _explain_client_error(query: SavedQuery, error: neo4j.exceptions.ClientError) -> Exception:
    code = error.code or ""
    message = error.message or str(error)
    if code in _WRITE_IN_READ_CODES or ("write" in message.lower() and "read" in message.lower()):
        return QueryNotReadOnly(
            f"Query '{query.name}' ({query.source}) tried to write to Neo4j, and saved queries may only read: "
            f"{clause(message)}. Remove CREATE, MERGE, SET, DELETE, REMOVE and write procedures from it."
        )
    if code.startswith("Neo.ClientError.Statement.SyntaxError") or code.startswith(
        "Neo.ClientError.Statement.TypeError"
    ):
        return SavedQueryFileError(f"The Cypher of query '{query.name}' ({query.source}) is not valid: {message}")
    if "DatabaseNotFound" in code:
        return QueryBackendUnavailable(
            f"Neo4j has no such database: {clause(message)}. Check --database (NEO4J_DATABASE), "
            "or leave it unset for the server's default database."
        )
    return QueryFailed(f"Neo4j could not answer query '{query.name}': {clause(message)}.")


# --- parameters that name nothing ----------------------------------------------------


@dataclass(frozen=True)
class MissingReference:
    """A parameter that names an actor, proposal, fact, ... the data does not hold.

    Attributes:
        parameter: The parameter's name.
        given: The id as given (the IRI when it is not in the kind's namespace).
        kind: What it should name: an IRI kind such as ``actor``, ``fact`` or ``resource``.
        closest: The known ids closest to it, best first; empty when none is close.
    """

    parameter: str
    given: str
    kind: str
    closest: tuple[str, ...] = ()

    def describe(self, backend: str) -> str:
        """Say what is missing where, and what may have been meant.

        Args:
            backend: ``local`` or ``neo4j``, as in :attr:`QueryResult.backend`.
        """
        where = "the embedded store" if backend == "local" else "the Neo4j database"
        text = f"No {self.kind} with the id or IRI '{self.given}' exists in {where} (-p {self.parameter})."
        if self.closest:
            text += f" Did you mean {or_list([repr(known) for known in self.closest])}?"
        return text


class _Lookup(Protocol):
    """What the existence check needs of a backend: cheap lookups by IRI and by fact id."""

    def has_iri(self, iri: str) -> bool: ...

    def has_fact_id(self, fact_id: str) -> bool: ...

    def iris_in(self, namespace: str) -> list[str]: ...

    def fact_ids(self) -> list[str]: ...


class _StoreLookup:
    def __init__(self, store: Store) -> None:
        self.store = store

    def _ask(self, sparql: str) -> bool:
        return bool(self.store.query(sparql))

    def has_iri(self, iri: str) -> bool:
        term = ox.NamedNode(iri)
        return self._ask(f"ASK {{ {{ {term} ?p ?o }} UNION {{ ?s ?p {term} }} }}")

    def has_fact_id(self, fact_id: str) -> bool:
        return self._ask(f"ASK {{ ?fact cf:factId {ox.Literal(fact_id)} }}")

    def iris_in(self, namespace: str) -> list[str]:
        sparql = f"SELECT DISTINCT ?s WHERE {{ ?s a ?type FILTER(STRSTARTS(STR(?s), {ox.Literal(namespace)})) }}"
        return [row["s"].value for row in self.store.query(sparql)]  # type: ignore[union-attr]

    def fact_ids(self) -> list[str]:
        return [row["id"].value for row in self.store.query("SELECT DISTINCT ?id WHERE { ?fact cf:factId ?id }")]  # type: ignore[union-attr]


class _Neo4jLookup:
    def __init__(self, driver: neo4j.Driver, database: str | None) -> None:
        self.driver = driver
        self.database = database

    def _values(self, cypher: str, **parameters: Any) -> list[Any]:
        records, _, _ = self.driver.execute_query(
            cypher, parameters, database_=self.database, routing_=neo4j.RoutingControl.READ
        )
        return [record[0] for record in records]

    def has_iri(self, iri: str) -> bool:
        # :Resource(uri) is unique, so this is an index lookup.
        return bool(self._values("RETURN EXISTS { MATCH (:Resource {uri: $iri}) }", iri=iri)[0])

    def has_fact_id(self, fact_id: str) -> bool:
        return bool(self._values("RETURN EXISTS { MATCH (n:Resource) WHERE n.factId = $id }", id=fact_id)[0])

    def iris_in(self, namespace: str) -> list[str]:
        return self._values("MATCH (n:Resource) WHERE n.uri STARTS WITH $namespace RETURN n.uri", namespace=namespace)

    def fact_ids(self) -> list[str]:
        return self._values("MATCH (n:Resource) WHERE n.factId IS NOT NULL RETURN DISTINCT n.factId")


def missing_references_local(query: SavedQuery, store: Store, values: Mapping[str, Any]) -> list[MissingReference]:
    """The parameters among ``values`` that name an IRI or fact id the embedded store does not hold.

    Meant for an empty answer: it tells a typo in an id from a question with no answer.

    Args:
        query: The query.
        store: An open store.
        values: Values from :meth:`SavedQuery.bind`, of the parameters to check.
    """
    return _missing_references(query, values, _StoreLookup(store))


def missing_references_neo4j(
    query: SavedQuery, driver: neo4j.Driver, values: Mapping[str, Any], database: str | None = None
) -> list[MissingReference]:
    """The parameters among ``values`` that name an IRI or fact id the Neo4j database does not hold.

    Args:
        query: The query.
        driver: A driver to the server.
        values: Values from :meth:`SavedQuery.bind`, of the parameters to check.
        database: The database, or None for the server's default.
    """
    return _missing_references(query, values, _Neo4jLookup(driver, database))


def _missing_references(query: SavedQuery, values: Mapping[str, Any], lookup: _Lookup) -> list[MissingReference]:
    missing: list[MissingReference] = []
    try:
        for parameter in query.parameters:
            value = values.get(parameter.name)
            if value is None or parameter.type not in ("iri", "fact-id"):
                continue
            reference = _missing_reference(parameter, str(value), lookup)
            if reference is not None:
                missing.append(reference)
    except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError, OSError, RuntimeError, ValueError) as error:
        # Only a hint about an answer already given: a backend that fails now goes without it.
        logger.info("Could not check whether the parameters name known resources: %s", error)
        return []
    return missing


def _missing_reference(parameter: Parameter, value: str, lookup: _Lookup) -> MissingReference | None:
    if parameter.type == "fact-id" and ":" not in value:
        if lookup.has_fact_id(value):
            return None
        return MissingReference(parameter.name, value, "fact", _closest(value, lookup.fact_ids()))
    if lookup.has_iri(value):
        return None
    if parameter.type == "fact-id":
        # An IRI given for a fact: suggest fact ids close to its last segment.
        given = value.rstrip("/").rsplit("/", 1)[-1]
        return MissingReference(parameter.name, value, "fact", _closest(given, lookup.fact_ids()))
    if parameter.kind is None:
        return MissingReference(parameter.name, value, "resource")
    namespace = IRI_KINDS[parameter.kind]("")
    if not value.startswith(namespace):
        return MissingReference(parameter.name, value, parameter.kind)
    known = [iri[len(namespace) :] for iri in lookup.iris_in(namespace)]
    given = value[len(namespace) :]
    return MissingReference(parameter.name, given, parameter.kind, _closest(given, known))


def _closest(given: str, known: Iterable[str]) -> tuple[str, ...]:
    return tuple(difflib.get_close_matches(given, sorted(set(known)), n=3, cutoff=0.6))


def _check_columns(query: SavedQuery, names: Sequence[str], where: str, clause: str) -> None:
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


def _constant(term: ox.NamedNode | ox.Literal | None) -> Callable[[], ox.NamedNode | ox.Literal | None]:
    return lambda: term


def _to_rdf(value: Any, parameter: Parameter) -> ox.NamedNode | ox.Literal | None:
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


def _to_cypher(value: Any, parameter: Parameter) -> Any:
    if isinstance(value, dt.date):
        return neo4j.time.Date(value.year, value.month, value.day)
    return value


def _from_rdf(term: Any) -> Any:
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


def _from_cypher(value: Any) -> Any:
    if isinstance(value, (neo4j.time.Date, neo4j.time.DateTime, neo4j.time.Time)):
        return value.iso_format()
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return [_from_cypher(item) for item in value]
    return value


def _normalize(value: Any, column: Column) -> Any:
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


# --- formatting ---------------------------------------------------------------------


class Rows(Protocol):
    """What the formatters read: a saved query's result, or any other table of rows."""

    @property
    def columns(self) -> tuple[str, ...]: ...

    @property
    def rows(self) -> list[tuple[Any, ...]]: ...

    def records(self) -> list[dict[str, Any]]: ...


def format_result(result: Rows, output_format: str, width: int = 120) -> str:
    """Render a result as ``table``, ``json`` or ``csv`` text.

    Args:
        result: The result.
        output_format: One of :data:`OUTPUT_FORMATS`.
        width: The terminal width, for ``table``.
    """
    if output_format == "json":
        return format_json(result)
    if output_format == "csv":
        return format_csv(result)
    return format_table(result, width)


def format_json(result: Rows) -> str:
    """A JSON array with one object per row, keys in column order."""
    return json.dumps(result.records(), ensure_ascii=False, indent=2) + "\n"


def format_csv(result: Rows) -> str:
    """CSV with a header row; lists joined with ``"; "``, booleans ``true``/``false``, unset values empty."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(result.columns)
    for row in result.rows:
        writer.writerow([_cell_text(value, csv_style=True) for value in row])
    return buffer.getvalue()


def format_table(result: Rows, width: int = 120) -> str:
    """A plain-text table that fits ``width`` columns, wrapping long cells at spaces.

    When a cell wraps, rows are separated by an empty line so that each row
    stays readable. When even that does not fit, each row is shown as a block
    of ``column: value`` lines instead.
    """
    headers = list(result.columns)
    cells = [[_cell_text(value) for value in row] for row in result.rows]
    natural = [max([len(header), *(len(row[index]) for row in cells)]) for index, header in enumerate(headers)]
    # Wrap at spaces first (never narrower than a column's longest word, up to
    # 40 characters); past that, show one block of lines per row.
    longest_word = [
        max([len(header), *(len(word) for row in cells for word in row[index].split())])
        for index, header in enumerate(headers)
    ]
    available = width - 2 * (len(headers) - 1)
    widths = _fit_widths(natural, [min(size, 40) for size in longest_word], available)
    if sum(widths) > available:
        # Too narrow for columns without breaking words: one block of "column: value" lines per row.
        return _format_records(headers, cells, width)
    lines = _table_lines(headers, widths)
    lines.append("  ".join("-" * size for size in widths).rstrip())
    spaced = any(len(_wrap(text, size)) > 1 for row in cells for text, size in zip(row, widths))
    for number, row in enumerate(cells):
        if spaced and number:
            lines.append("")
        lines.extend(_table_lines(row, widths))
    return "\n".join(lines) + "\n"


def _format_records(headers: Sequence[str], cells: Sequence[Sequence[str]], width: int) -> str:
    label_width = max(len(header) for header in headers) + 2
    value_width = max(20, width - label_width)
    lines: list[str] = []
    for number, row in enumerate(cells):
        if number:
            lines.append("")
        for header, text in zip(headers, row):
            wrapped = _wrap(text, value_width)
            lines.append(f"{header + ':':<{label_width}}{wrapped[0]}".rstrip())
            lines.extend(" " * label_width + more for more in wrapped[1:])
    return "\n".join(lines) + "\n" if lines else "(no rows)\n"


def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=False) or [""]


def _table_lines(texts: Sequence[str], widths: Sequence[int]) -> list[str]:
    """One table row, its cells wrapped to their column widths, as lines."""
    cells = [_wrap(text, size) for text, size in zip(texts, widths)]
    return [
        "  ".join(
            (cell[number] if number < len(cell) else "").ljust(size) for cell, size in zip(cells, widths)
        ).rstrip()
        for number in range(max(len(cell) for cell in cells))
    ]


def _fit_widths(natural: list[int], minimum: list[int], available: int) -> list[int]:
    """Shrink the widest columns first until the sum fits ``available`` (or every column is at its minimum)."""
    widths = list(natural)
    minimum = [min(low, high) for low, high in zip(minimum, natural)]
    while sum(widths) > available:
        candidates = [index for index, size in enumerate(widths) if size > minimum[index]]
        if not candidates:
            break
        widest = max(candidates, key=lambda index: widths[index])
        widths[widest] -= 1
    return widths


def _cell_text(value: Any, csv_style: bool = False) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return ("true" if value else "false") if csv_style else ("yes" if value else "no")
    if isinstance(value, list):
        return LIST_JOINER.join(str(item) for item in value)
    return " ".join(str(value).split()) if not csv_style else str(value)


def describe_query(query: SavedQuery) -> str:
    """A query's name, title, description, parameters and columns, for ``ckg queries NAME``."""
    lines = [f"{query.name}: {query.title}"]
    if query.description:
        lines += ["", *textwrap.wrap(query.description, 88)]
    lines += ["", "Parameters:" if query.parameters else "Parameters: none"]
    for parameter in query.parameters:
        lines.append(f"  -p {parameter.signature}")
        if parameter.description:
            lines += textwrap.wrap(parameter.description, 84, initial_indent="      ", subsequent_indent="      ")
    if query.examples:
        lines += ["", "Examples:"]
        for example in query.examples:
            lines.append(
                f"  ckg query {query.name} {example.options}"
                + (f"  ({example.description})" if example.description else "")
            )
    lines += [
        "",
        "Columns: " + ", ".join(f"{c.name}" + (f" ({c.type})" if c.type != "string" else "") for c in query.columns),
    ]
    backends = [name for name, text in (("neo4j", query.cypher), ("local", query.sparql)) if text is not None]
    lines += [f"Backends: {', '.join(backends)}", f"Source: {query.source}"]
    return "\n".join(lines) + "\n"
