"""Check graphs against the SHACL shapes shipped in ``schema/shapes.ttl``."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cache
from importlib import resources

import pyshacl
from rdflib import Graph, Namespace, URIRef

logger = logging.getLogger(__name__)

SH = Namespace("http://www.w3.org/ns/shacl#")


@dataclass(frozen=True)
class ShapeViolation:
    """One SHACL result: which node, which property, what is wrong."""

    focus: URIRef
    path: URIRef | None
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


def shape_violations(data: Graph) -> list[ShapeViolation]:
    """Validate ``data`` against the shapes and return every violation found.

    Args:
        data: The graph to check; it should include the ontology so that
            class and concept-scheme constraints can be evaluated.
    """
    conforms, results, _ = pyshacl.validate(
        data, shacl_graph=shapes_graph(), inference="none", abort_on_first=False, allow_warnings=False
    )
    if conforms:
        return []
    violations = []
    for result in results.subjects(predicate=SH.focusNode):
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        message = results.value(result, SH.resultMessage)
        value = results.value(result, SH.value)
        component = results.value(result, SH.sourceConstraintComponent)
        text = str(message) if message is not None else "does not conform"
        if value is not None:
            text += f" (value: {value})"
        violations.append(
            ShapeViolation(
                URIRef(str(focus)), URIRef(str(path)) if path is not None else None, text, str(component or "")
            )
        )
    return sorted(violations, key=lambda v: (str(v.focus), str(v.path), v.message))
