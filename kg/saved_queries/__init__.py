"""Saved queries: the negotiation questions, answered on Neo4j and on the embedded store.

Each question is a pair of files in ``queries/`` (the package
``ceasefire_kg.queries``): ``NAME.cypher`` for Neo4j, with the header that
describes the question (:mod:`ceasefire_kg.saved_queries.query_files` gives its
format), and ``NAME.rq``, its SPARQL twin for the embedded store. Both return
the same rows in the same order on the same data.

* :mod:`.definitions` — what a query is: parameters, columns, examples, results;
* :mod:`.query_files` — finding and reading query files;
* :mod:`.terms` — parameter values to RDF terms and Cypher values, answers back;
* :mod:`.references` — parameters that name nothing the data holds;
* :mod:`.paging` — pages of an answer, pushed down into the query text.

Running a query is a back end's job (:mod:`ceasefire_kg.backends`).
"""

from __future__ import annotations

from ceasefire_kg.saved_queries.definitions import (
    COLUMN_TYPES,
    CYPHER_SUFFIX,
    IRI_KINDS,
    LIST_SEPARATOR,
    PARAM_NAMESPACE,
    PARAMETER_TYPES,
    SPARQL_SUFFIX,
    Column,
    Parameter,
    QueryExample,
    QueryResult,
    SavedQuery,
    or_list,
)
from ceasefire_kg.saved_queries.paging import Page
from ceasefire_kg.saved_queries.query_files import (
    find_query,
    load_query_file,
    looks_like_path,
    parse_assignments,
    parse_query,
    saved_queries,
    saved_query_names,
)
from ceasefire_kg.saved_queries.references import Lookup, MissingReference, missing_references
from ceasefire_kg.saved_queries.terms import substitute_parameters

__all__ = [
    "COLUMN_TYPES",
    "CYPHER_SUFFIX",
    "IRI_KINDS",
    "LIST_SEPARATOR",
    "PARAMETER_TYPES",
    "PARAM_NAMESPACE",
    "SPARQL_SUFFIX",
    "Column",
    "Lookup",
    "MissingReference",
    "Page",
    "Parameter",
    "QueryExample",
    "QueryResult",
    "SavedQuery",
    "find_query",
    "load_query_file",
    "looks_like_path",
    "missing_references",
    "or_list",
    "parse_assignments",
    "parse_query",
    "saved_queries",
    "saved_query_names",
    "substitute_parameters",
]
