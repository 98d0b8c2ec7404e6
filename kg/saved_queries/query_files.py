"""Reading saved queries: the query files and their header format.

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
    // known-by: as_of

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
``list``). ``known-by: NAME`` names the ``date`` parameter that cuts
knowledge (``docs/time.md``): with ``NAME`` set to D, the embedded store
answers from the named graphs known on D only (registries, the ontology and
the articles published on or before D), so the SPARQL needs no filter of its
own; the Cypher filters on the ``known`` properties ``ckg push`` writes.

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

import difflib
import logging
import re
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path

from ceasefire_kg.errors import QueryParameterError, SavedQueryFileError, UnknownSavedQuery
from ceasefire_kg.saved_queries.definitions import (
    _UNSET_WORDS,
    COLUMN_TYPES,
    CYPHER_SUFFIX,
    IRI_KINDS,
    PARAMETER_TYPES,
    SPARQL_SUFFIX,
    Column,
    Parameter,
    QueryExample,
    SavedQuery,
)
from ceasefire_kg.saved_queries.paging import LIMIT_PARAMETER, OFFSET_PARAMETER

logger = logging.getLogger(__name__)

_NAME_RE = re.compile(r"[a-z0-9][a-z0-9-]*")
_CHOICE_RE = re.compile(r"[a-z0-9][a-z0-9_-]*")
_IDENTIFIER_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_FIELD_RE = re.compile(r"(?P<key>[a-z]+(?:-[a-z]+)*)(?:\s+(?P<arg>\S+?))?\s*:\s*(?P<value>.*)")
_PARAM_RE = re.compile(
    r"(?P<type>[a-z-]+)(?:\((?P<kind>[^()]*)\))?"
    r"\s*(?:=\s*(?P<default>.*?))?"
    r"\s*(?:(?:—|--)\s*(?P<description>.*))?"
)
_CYPHER_PARAM_RE = re.compile(r"\$(?:`([^`]+)`|([A-Za-z_][A-Za-z0-9_]*))")
_SPARQL_PARAM_RE = re.compile(r"\bparam:([A-Za-z_][A-Za-z0-9_]*)\s*\(")
_CYPHER_STRIP_RE = re.compile(r"//[^\n]*|/\*.*?\*/|'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"", re.DOTALL)
_SPARQL_STRIP_RE = re.compile(r"#[^\n]*|'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|<[^>\s]*>")
# SERVICE as a SPARQL keyword (comments, strings and IRIs are stripped before the search).
_SERVICE_RE = re.compile(r"\bSERVICE\b", re.IGNORECASE)
_HEADER_FIELDS = ("name", "title", "description", "param", "example", "columns", "known-by")


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


def find_query(name_or_path: str, *, allow_service: bool = False) -> SavedQuery:
    """A shipped saved query by name, or a user's query file by path.

    A user's file is a ``.cypher`` file with the header (and optionally a
    ``.rq`` of the same name beside it, for the embedded store), or a ``.rq``
    file with the header in ``#`` comments.

    Args:
        name_or_path: A saved query's name, or a path to a ``.cypher`` or ``.rq`` file.
        allow_service: Let a user's SPARQL use ``SERVICE`` (see :func:`load_query_file`).

    Raises:
        UnknownSavedQuery: If there is no such saved query or file.
        SavedQueryFileError: If the file is malformed.
    """
    if looks_like_path(name_or_path):
        return load_query_file(Path(name_or_path), allow_service=allow_service)
    names = saved_query_names()
    if name_or_path not in names:
        close = difflib.get_close_matches(name_or_path, names, n=1, cutoff=0.5)
        hint = f" Did you mean {' or '.join(repr(name) for name in close)}?" if close else ""
        raise UnknownSavedQuery(
            f"No saved query '{name_or_path}'.{hint} List them with 'ckg queries', "
            "or give the path of a .cypher file of your own."
        )
    return next(query for query in saved_queries() if query.name == name_or_path)


def load_query_file(path: Path, *, allow_service: bool = False) -> SavedQuery:
    """Read a user's query file: a ``.cypher`` file (with an optional ``.rq`` beside it) or a ``.rq`` file.

    Args:
        path: The file.
        allow_service: Let its SPARQL use ``SERVICE``. Refused by default: a
            federated query makes the machine running ckg send requests to any
            address the file names, which a query file from someone else should not do.

    Raises:
        UnknownSavedQuery: If the file does not exist or has another suffix.
        SavedQueryFileError: If it cannot be read, its header is malformed, or its SPARQL uses SERVICE.
    """
    query = _load_query_file(path)
    if not allow_service and query.sparql is not None and _SERVICE_RE.search(_SPARQL_STRIP_RE.sub(" ", query.sparql)):
        raise SavedQueryFileError(
            f"The SPARQL of query '{query.name}' ({query.sparql_source or path}) uses SERVICE, which would make ckg "
            "send requests to the address it names. Remove the SERVICE clause, or pass --allow-service if you "
            "trust the file."
        )
    return query


def _load_query_file(path: Path) -> SavedQuery:
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
    known_by = _check_known_by(single("known-by"), parameters, fields, problems)
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
        known_by=known_by,
    )


def _check_known_by(
    name: str | None,
    parameters: Sequence[Parameter],
    fields: list[tuple[str, str | None, str, int]],
    problems: list[str],
) -> str | None:
    """The ``known-by`` parameter's name, if it names a declared ``date`` parameter (else a problem)."""
    if name is None:
        return None
    line = next(number for key, _, _, number in fields if key == "known-by")
    parameter = next((p for p in parameters if p.name == name), None)
    if parameter is None:
        declared = [p.name for p in parameters if p.type == "date"]
        hint = f" (the date parameters: {', '.join(declared)})" if declared else ""
        problems.append(
            f"line {line}: 'known-by: {name}' names no declared parameter{hint}; name the date parameter that "
            "cuts what is known, such as 'known-by: as_of'"
        )
        return None
    if parameter.type != "date":
        problems.append(
            f"line {line}: 'known-by: {name}' names a {parameter.type_text} parameter; it must name a date "
            "parameter, such as '// param as_of: date = latest'"
        )
        return None
    return name


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
    if name in (OFFSET_PARAMETER, LIMIT_PARAMETER):
        problems.append(f"line {line}: parameter name '{name}' is reserved for pages of the answer; choose another")
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
    columns: list[Column] = []
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
