"""Check SHACL shapes by compiling them to SPARQL and running them with Oxigraph.

``schema/shapes.ttl`` uses a small part of SHACL Core: node shapes with
``sh:targetClass`` (or used through ``sh:node``) whose property shapes have a
single IRI as ``sh:path`` and the constraints ``sh:minCount``, ``sh:maxCount``,
``sh:datatype``, ``sh:class``, ``sh:minInclusive``, ``sh:node`` (to a shape
made of ``sh:hasValue`` properties) and ``sh:message``. Each constraint
becomes one SPARQL query over an in-memory Oxigraph store holding the data,
which is many times faster than a general SHACL engine walking an rdflib graph.
The results and their messages are those of the SHACL Core rules as pySHACL
words them (the test suite checks the two against each other); a shapes file
using anything else is refused when it is compiled, rather than half checked.

SHACL instances follow ``rdfs:subClassOf`` in the data graph, so the data
should include the ontology.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, NamespaceManager
from rdflib.term import Node

from ceasefire_kg.errors import CkgError

logger = logging.getLogger(__name__)

_SH = "http://www.w3.org/ns/shacl#"
_RDFS_SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
_RDF_TYPE = str(RDF.type)

#: Terms a shape may use; anything else in a shape is refused.
_NODE_SHAPE_TERMS = {_RDF_TYPE, _SH + "targetClass", _SH + "property"}
_PROPERTY_TERMS = {
    _SH + name
    for name in ("path", "minCount", "maxCount", "datatype", "class", "minInclusive", "node", "hasValue", "message")
}


class UnsupportedShape(CkgError):
    """The shapes use a part of SHACL this checker does not compile."""


@dataclass(frozen=True)
class Result:
    """One violation: the focus node, the property, the component, the message, the value if any.

    The focus node is a literal for what a literal value lacks (``sh:node`` details).
    """

    focus: ox.NamedNode | ox.Literal
    path: str
    component: str
    message: str
    value: ox.NamedNode | ox.Literal | ox.BlankNode | None = None


@dataclass(frozen=True)
class _Detail:
    """A property of a shape used through ``sh:node`` that must have a value (``sh:hasValue``)."""

    path: str
    value: str
    message: str | None  # the property shape's sh:message; None: a generic one naming the node
    generic: str  # the generic message after the node's name


@dataclass(frozen=True)
class Check:
    """One constraint compiled to a query whose rows are ``?f`` (and ``?v`` for value constraints)."""

    query: str
    path: str
    component: str
    message: str | None  # None: made per row (it names the focus node)
    count: str | None = None  # minCount / maxCount: the limit, for the generic message
    details: tuple[_Detail, ...] = ()  # sh:node: what each non-conforming value lacks
    valued: bool = False  # the rows name the offending value (?v)
    path_text: str = ""  # the path as messages print it


def _values(graph: Graph, subject: Node, name: str) -> list[Node]:
    return sorted(graph.objects(subject, URIRef(_SH + name)), key=str)


class _Compiler:
    def __init__(self, shapes: Graph) -> None:
        self.shapes = shapes
        self.names: NamespaceManager = shapes.namespace_manager

    def term(self, node: Node, depth: int = 0) -> str:
        """A shapes-graph term as SHACL engines commonly print it in messages."""
        if isinstance(node, Literal):
            return _literal_text(node, self.names)
        if isinstance(node, BNode):
            if depth > 10:
                return "<http://recursion.too.deep>"
            parts = {}
            for predicate in set(self.shapes.predicates(node)):
                objects = sorted(self.term(o, depth + 1) for o in self.shapes.objects(node, predicate))
                parts[predicate.n3(namespace_manager=self.names)] = ", ".join(objects)
            if not parts:
                return "[ ]"
            return "[ " + " ; ".join(f"{p} {o}" for p, o in sorted(parts.items())) + " ]"
        return node.n3(namespace_manager=self.names)

    def refuse_unknown(self, node: Node, allowed: set[str], what: str) -> None:
        unknown = sorted(str(p) for p in set(self.shapes.predicates(node)) if str(p) not in allowed)
        if unknown:
            raise UnsupportedShape(
                f"{what} {self.term(node)} uses {', '.join(unknown)}, which the shape checker "
                "does not compile; extend kg/shacl_sparql.py or drop it from the shapes."
            )

    def compile(self) -> list[Check]:
        checks: list[Check] = []
        node_shapes = sorted(set(self.shapes.subjects(RDF.type, URIRef(_SH + "NodeShape"))), key=str)
        for shape in node_shapes:
            self.refuse_unknown(shape, _NODE_SHAPE_TERMS, "The node shape")
            targets = [str(t) for t in _values(self.shapes, shape, "targetClass")]
            if not targets:
                continue  # used only through sh:node
            for prop in _values(self.shapes, shape, "property"):
                checks.extend(self.property_checks(targets, prop))  # type: ignore[arg-type]
        return checks

    def property_checks(self, targets: list[str], prop: URIRef | BNode) -> list[Check]:
        self.refuse_unknown(prop, _PROPERTY_TERMS, "The property shape")
        paths = _values(self.shapes, prop, "path")
        if len(paths) != 1 or not isinstance(paths[0], URIRef):
            raise UnsupportedShape(f"The property shape {self.term(prop)} needs one IRI as sh:path.")
        path = str(paths[0])
        messages = [str(m) for m in _values(self.shapes, prop, "message")]
        message = messages[0] if messages else None
        if _values(self.shapes, prop, "hasValue"):
            raise UnsupportedShape(
                f"sh:hasValue is compiled only inside a shape used through sh:node ({self.term(prop)})."
            )
        focus = " ".join(f"<{t}>" for t in targets)
        # Violations are rare: each query first finds the values (or nodes) that break the constraint,
        # among all subjects with the property, and only then asks whether each is a focus node
        # (an instance of a target class), which is several times faster than the other way round.
        is_focus = f"FILTER EXISTS {{ VALUES ?type {{ {_subclasses(focus)} }} ?f rdf:type ?type }}"
        values = f"?f <{path}> ?v . "
        checks: list[Check] = []

        def count_check(query: str, component: str, limit: Node) -> None:
            # The message names the limit (minCount / maxCount) and the path.
            checks.append(Check(query, path, _SH + component, message, str(limit), path_text=self.term(paths[0])))

        def value_check(query: str, component: str, default_message: str, details: tuple[_Detail, ...] = ()) -> None:
            # The rows name the offending value; the shape's own message wins over the generic one.
            checks.append(Check(query, path, _SH + component, message or default_message, details=details, valued=True))

        for limit in _values(self.shapes, prop, "minCount"):
            count = int(str(limit))
            # Each focus node once, also when it is an instance of several target classes.
            if count == 1:
                query = (
                    f"SELECT DISTINCT ?f WHERE {{ VALUES ?type {{ {_subclasses(focus)} }} ?f rdf:type ?type "
                    f"FILTER NOT EXISTS {{ ?f <{path}> ?v }} }}"
                )
            else:
                focus_nodes = (
                    f"{{ SELECT DISTINCT ?f WHERE {{ VALUES ?type {{ {_subclasses(focus)} }} ?f rdf:type ?type }} }}"
                )
                query = (
                    f"SELECT ?f WHERE {{ {focus_nodes} OPTIONAL {{ ?f <{path}> ?v }} }} "
                    f"GROUP BY ?f HAVING (COUNT(DISTINCT ?v) < {count})"
                )
            count_check(query, "MinCountConstraintComponent", limit)
        for limit in _values(self.shapes, prop, "maxCount"):
            query = (
                f"SELECT ?f WHERE {{ {{ SELECT ?f WHERE {{ {values} }} GROUP BY ?f "
                f"HAVING (COUNT(DISTINCT ?v) > {int(str(limit))}) }} {is_focus} }}"
            )
            count_check(query, "MaxCountConstraintComponent", limit)
        for datatype in _values(self.shapes, prop, "datatype"):
            # A literal of the right datatype whose text is not of that type fails too.
            well_formed = f" || !COALESCE(isLiteral(<{datatype}>(?v)), false)" if str(datatype) in _CASTS else ""
            query = (
                f"SELECT DISTINCT ?f ?v WHERE {{ {values}"
                f"FILTER(!isLiteral(?v) || datatype(?v) != <{datatype}>{well_formed}) {is_focus} }}"
            )
            value_check(
                query, "DatatypeConstraintComponent", f"Value is not Literal with datatype {self.term(datatype)}"
            )
        for cls in _values(self.shapes, prop, "class"):
            # Each value once (many focus nodes name the same one), then who names it.
            query = (
                f"SELECT DISTINCT ?f ?v WHERE {{ {{ SELECT DISTINCT ?v WHERE {{ ?x <{path}> ?v "
                f"FILTER NOT EXISTS {{ VALUES ?type {{ {_subclasses(f'<{cls}>')} }} ?v rdf:type ?type }} }} }} "
                f"{values}{is_focus} }}"
            )
            value_check(query, "ClassConstraintComponent", f"Value does not have class {self.term(cls)}")
        for minimum in _values(self.shapes, prop, "minInclusive"):
            if not isinstance(minimum, Literal):
                raise UnsupportedShape(f"sh:minInclusive needs a literal ({self.term(prop)}).")
            bound = (
                ox.Literal(str(minimum), datatype=ox.NamedNode(str(minimum.datatype)))
                if minimum.datatype
                else ox.Literal(str(minimum))
            )
            # A value that cannot be compared fails too.
            query = f"SELECT DISTINCT ?f ?v WHERE {{ {values}FILTER(!COALESCE(?v >= {bound}, false)) {is_focus} }}"
            value_check(query, "MinInclusiveConstraintComponent", f"Value is not >= {self.term(minimum)}")
        for node in _values(self.shapes, prop, "node"):
            details = self.node_details(node)  # type: ignore[arg-type]
            conforms = " && ".join(f"EXISTS {{ ?v <{d.path}> <{d.value}> }}" for d in details)
            query = f"SELECT DISTINCT ?f ?v WHERE {{ {values}FILTER(!({conforms})) {is_focus} }}"
            value_check(
                query,
                "NodeConstraintComponent",
                f"Value does not conform to Shape {self.term(node)}. See details for more information.",
                details=details,
            )
        return checks

    def node_details(self, node: URIRef | BNode) -> tuple[_Detail, ...]:
        self.refuse_unknown(node, _NODE_SHAPE_TERMS - {_SH + "targetClass"}, "The node shape")
        details = []
        for prop in _values(self.shapes, node, "property"):
            self.refuse_unknown(prop, {_SH + "path", _SH + "hasValue", _SH + "message"}, "The property shape")
            paths, wanted = _values(self.shapes, prop, "path"), _values(self.shapes, prop, "hasValue")
            if (
                len(paths) != 1
                or not isinstance(paths[0], URIRef)
                or len(wanted) != 1
                or not isinstance(wanted[0], URIRef)
            ):
                raise UnsupportedShape(
                    f"A shape used through sh:node may only require one IRI value of one "
                    f"IRI property ({self.term(prop)})."
                )
            messages = [str(m) for m in _values(self.shapes, prop, "message")]
            generic = f"->{self.term(paths[0])} does not contain a value in the set: {[self.term(wanted[0])]}"
            details.append(_Detail(str(paths[0]), str(wanted[0]), messages[0] if messages else None, generic))
        if not details:
            raise UnsupportedShape(f"The shape {self.term(node)} used through sh:node has no property to check.")
        return tuple(details)


@cache
def _data_names() -> NamespaceManager:
    # Focus nodes are printed with the prefixes a fresh rdflib graph knows, as
    # SHACL engines working on such a data graph print them.
    return Graph().namespace_manager


def _focus_text(node: ox.NamedNode | ox.Literal) -> str:
    if isinstance(node, ox.Literal):
        plain = node.language or node.datatype.value == _XSD + "string"
        datatype = None if plain else URIRef(node.datatype.value)
        return _literal_text(Literal(node.value, lang=node.language, datatype=datatype), _data_names())
    return URIRef(node.value).n3(namespace_manager=_data_names())


def _literal_text(node: Literal, names: NamespaceManager) -> str:
    lexical, value = str(node), node.value
    shown = f'"{lexical}"' if value is None or str(value) == lexical else f'"{lexical}" = {value}'
    if node.language:
        shown += f", lang={node.language}"
    if node.datatype:
        shown += f", datatype={node.datatype.n3(namespace_manager=names)}"
    return f"Literal({shown})"


_XSD = "http://www.w3.org/2001/XMLSchema#"
#: Datatypes whose cast function tells a well-formed literal from an ill-formed one.
_CASTS = {_XSD + name for name in ("date", "dateTime", "integer", "decimal", "double", "float", "boolean")}

_PREFIXES = {"rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdfs": "http://www.w3.org/2000/01/rdf-schema#"}


def compile_shapes(shapes: Graph) -> list[Check]:
    """Compile a shapes graph into one SPARQL query per constraint.

    Raises:
        UnsupportedShape: If the shapes use SHACL features not compiled here.
    """
    return _Compiler(shapes).compile()


_SUBCLASSES = re.compile(r"__SUBCLASSES_OF\[([^\]]*)\]__")


def _subclasses(classes: str) -> str:
    """A placeholder for the classes (given as IRIs in <>) and all their subclasses in the data."""
    return f"__SUBCLASSES_OF[{classes}]__"


def _with_subclasses(query: str, data: ox.Store, known: dict[str, str]) -> str:
    # SHACL instances follow rdfs:subClassOf* in the data graph. The closure is
    # looked up once per set of classes and written into the query, which is
    # much faster than a property path evaluated per focus node and per value.
    def closure(match: re.Match[str]) -> str:
        classes = match.group(1)
        if classes not in known:
            rows = data.query(
                f"SELECT DISTINCT ?c WHERE {{ VALUES ?top {{ {classes} }} ?c rdfs:subClassOf* ?top }}",
                prefixes=_PREFIXES,
            )
            assert isinstance(rows, ox.QuerySolutions), "a SELECT query gives solutions"
            found = {f"<{row['c'].value}>" for row in rows if isinstance(row["c"], ox.NamedNode)}
            known[classes] = " ".join(sorted(found | set(classes.split())))
        return known[classes]

    return _SUBCLASSES.sub(closure, query)


def run_checks(checks: Iterable[Check], data: ox.Store) -> list[Result]:
    """Run compiled checks on a store's default graph.

    Args:
        checks: From :func:`compile_shapes`.
        data: The data graph (with the ontology) in the default graph.

    Returns:
        Every violation, including, for a value that does not conform to a
        shape used through ``sh:node``, what that value lacks.
    """
    results: list[Result] = []
    known: dict[str, str] = {}
    for check in checks:
        solutions = data.query(_with_subclasses(check.query, data, known), prefixes=_PREFIXES)
        assert isinstance(solutions, ox.QuerySolutions), "the compiled checks are SELECT queries"
        for row in solutions:
            focus = row["f"]
            if not isinstance(focus, ox.NamedNode):
                continue  # the loader writes no blank nodes; ontology nodes are never focus nodes
            value = row["v"] if check.valued else None
            message = check.message
            if message is None:
                word = "Less" if check.component.endswith("MinCountConstraintComponent") else "More"
                message = f"{word} than {check.count} values on {_focus_text(focus)}->{check.path_text}"
            results.append(Result(focus, check.path, check.component, message, value))
            if check.details and isinstance(value, (ox.NamedNode, ox.Literal)):
                results.extend(_detail_results(check, value, data))
    return results


def _detail_results(check: Check, value: ox.NamedNode | ox.Literal, data: ox.Store) -> list[Result]:
    results = []
    for detail in check.details:
        if isinstance(value, ox.NamedNode) and next(
            iter(data.quads_for_pattern(value, ox.NamedNode(detail.path), ox.NamedNode(detail.value))), None
        ):
            continue
        message = detail.message or f"Node {_focus_text(value)}{detail.generic}"
        results.append(Result(value, detail.path, _SH + "HasValueConstraintComponent", message))
    return results
