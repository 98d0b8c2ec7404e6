"""Check graphs against the SHACL shapes shipped in ``schema/shapes.ttl``.

The shapes are compiled to SPARQL (:mod:`ceasefire_kg.shacl_sparql`) and run
by Oxigraph on an in-memory copy of the data. The data is pyoxigraph terms (or
N-Triples text), as the loader makes it; the shapes and the ontology, schema
rather than data, are also read as rdflib graphs.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import IO

import pyoxigraph as ox
from rdflib import Graph, Namespace

from ceasefire_kg.namespaces import iri
from ceasefire_kg.shacl_sparql import Check, Result, compile_shapes, run_checks
from ceasefire_kg.store import TermTriple, ntriples_bytes

logger = logging.getLogger(__name__)

SH = Namespace("http://www.w3.org/ns/shacl#")


@dataclass(frozen=True)
class ShapeViolation:
    """One SHACL result: which node, which property, what is wrong.

    The focus node is a literal for what a literal value lacks (``sh:node`` details).
    """

    focus: ox.NamedNode | ox.Literal
    path: ox.NamedNode | None
    message: str
    component: str = ""

    @property
    def too_many_values(self) -> bool:
        """True when the node has more values for the property than allowed."""
        return self.component == str(SH.MaxCountConstraintComponent)


def _schema_graph(name: str) -> Graph:
    data = resources.files("ceasefire_kg.schema").joinpath(name).read_text("utf-8")
    return Graph().parse(data=data, format="turtle")


@cache
def shapes_graph() -> Graph:
    """The shapes shipped with the package (parsed once)."""
    return _schema_graph("shapes.ttl")


@cache
def ontology_graph() -> Graph:
    """The ontology and concept schemes shipped with the package (parsed once)."""
    return _schema_graph("ontology.ttl")


@cache
def _compiled() -> list[Check]:
    return compile_shapes(shapes_graph())


def shape_violations(data: Iterable[TermTriple]) -> list[ShapeViolation]:
    """Validate triples against the shapes and return every violation found.

    Args:
        data: The graph to check; it should include the ontology so that
            class and concept-scheme constraints can be evaluated.
    """
    return ntriples_violations(ntriples_bytes(data))


def ntriples_violations(data: bytes | str | IO[bytes] | list[IO[bytes]]) -> list[ShapeViolation]:
    """Validate a graph given as N-Triples against the shapes; every violation found.

    Args:
        data: The graph to check (with the ontology), as N-Triples text, a
            binary file, or a list of files holding parts of it; the text as
            Oxigraph writes it (:func:`ceasefire_kg.store.ntriples_bytes`),
            from terms it checked when they were made.
    """
    store = ox.Store()
    for part in data if isinstance(data, list) else [data]:
        if part:
            # Into memory, a plain load is faster than the bulk loader and takes half its memory. Lenient:
            # the IRIs are not checked again while parsing (see above); that was a fifth of the parse.
            store.load(part, format=ox.RdfFormat.N_TRIPLES, lenient=True)
    return _violations(run_checks(_compiled(), store))


def _violations(results: list[Result]) -> list[ShapeViolation]:
    violations = []
    for result in results:
        text = result.message
        if result.value is not None:
            text += f" (value: {result.value.value})"
        violations.append(ShapeViolation(result.focus, iri(result.path), text, result.component))
    return sorted(violations, key=lambda v: (v.focus.value, v.path.value if v.path else "", v.message))
