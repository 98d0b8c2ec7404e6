"""The whitelist that turns ceasefire-kg RDF into a Neo4j property graph, and back.

One table, derived from ``schema/ontology.ttl`` plus the few external
vocabulary terms the loader and the ontology use, says for every IRI what it
becomes in Neo4j:

* a class (an ``rdf:type`` object) becomes a node label in PascalCase;
* a predicate with literal values becomes a node property in camelCase, with
  the datatype its values usually have (``rdfs:range``);
* a predicate with IRI values becomes a relationship type in UPPER_SNAKE_CASE.

Every name that reaches Cypher comes from this table (and is backtick-quoted
by :func:`quote_name`); an IRI outside it is *schema drift* and raises
:class:`~ceasefire_kg.errors.SchemaDrift`. See ``docs/property-graph.md``.

Literal values are stored natively and losslessly (:meth:`Mapping.encode_literals`,
:meth:`Mapping.decode_literals`):

* ``xsd:string`` and ``xsd:anyURI`` → string, ``xsd:integer`` → integer,
  ``xsd:boolean`` → boolean, ``xsd:date`` → ``Date``, ``xsd:double`` (and
  ``xsd:decimal``/``xsd:float`` whose lexical form a double spells exactly)
  → float;
* one value is a scalar, several values (or a property declared
  multi-valued, such as ``skos:altLabel``) a list sorted by value;
* language tags go into a parallel property ``<name>__lang`` (scalar or list
  like the values, ``""`` for a value without a tag), present only when some
  value has a tag;
* a value whose RDF datatype is not the one its Neo4j type and the mapping
  imply (a non-canonical ``"05"^^xsd:integer``, an ``xsd:decimal`` that no
  double spells exactly, a ``xsd:gYear``, values of mixed types in one list)
  is stored as its lexical form (a string), and its datatype IRI goes into a
  parallel ``<name>__type`` (``""`` where implied), present only when needed;
* when some values became known later than the node (see ``docs/time.md``),
  a parallel ``<name>__known`` holds each value's ``Date``, present only
  when needed; in a list, a value known from the start has
  :data:`KNOWN_FROM_START` (0001-01-01), since Neo4j lists cannot hold null. Like ``known`` on nodes and
  relationships it is derived by the push and never read back as RDF.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
import re
from collections.abc import Iterable
from collections.abc import Mapping as MappingABC
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, TypeVar

import pyoxigraph as ox
from neo4j.time import Date

from ceasefire_kg.errors import SchemaDrift
from ceasefire_kg.namespaces import CF, OA, SCHEMA

logger = logging.getLogger(__name__)

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
CF_NS = str(CF._NS)

RDF_TYPE = RDF + "type"
RDF_LANG_STRING = RDF + "langString"
XSD_STRING = XSD + "string"
XSD_ANY_URI = XSD + "anyURI"
XSD_INTEGER = XSD + "integer"
XSD_BOOLEAN = XSD + "boolean"
XSD_DATE = XSD + "date"
XSD_DOUBLE = XSD + "double"
XSD_DECIMAL = XSD + "decimal"
XSD_FLOAT = XSD + "float"

#: The label every ckg node has (the neosemantics convention), with a unique ``uri``.
RESOURCE_LABEL = "Resource"
#: Name of the uniqueness constraint on ``(:Resource {uri})`` (as neosemantics names it).
URI_CONSTRAINT = "n10s_unique_uri"
#: Node properties that ckg derives and that are not read back into RDF.
URI_PROPERTY = "uri"
CAPTION_PROPERTY = "name"
GRAPHS_PROPERTY = "graphs"
ARTICLES_PROPERTY = "articles"
#: The earliest publication date of the articles asserting a node or relationship (absent: known from the start).
KNOWN_PROPERTY = "known"
RESERVED_PROPERTIES = frozenset({URI_PROPERTY, CAPTION_PROPERTY, GRAPHS_PROPERTY, ARTICLES_PROPERTY, KNOWN_PROPERTY})
#: Labels of ckg's own bookkeeping nodes, never part of the RDF.
BOOKKEEPING_LABELS = frozenset({"CkgGraph", "CkgMeta"})
LANG_SUFFIX = "__lang"
TYPE_SUFFIX = "__type"
KNOWN_SUFFIX = "__known"
#: A ``<name>__known`` list entry meaning "known from the start": Neo4j cannot store a null in a
#: list, and the earliest date the drivers carry compares as known on every date (``<= $as_of``).
KNOWN_FROM_START = datetime.date(1, 1, 1)
#: Companion properties of a literal property, derived and shaped like its values.
COMPANION_SUFFIXES = (LANG_SUFFIX, TYPE_SUFFIX, KNOWN_SUFFIX)
#: Bumped when what a push derives changes (such as ``known``): a database
#: pushed with another layout needs ``ckg push --rebuild``, like one pushed
#: with another ontology.
LAYOUT_VERSION = 2

# Datatypes whose values are stored as Neo4j strings / floats without a
# ``__type`` entry when the mapping declares them.
_STRING_DATATYPES = frozenset({XSD_STRING, XSD_ANY_URI})
_FLOAT_DATATYPES = frozenset({XSD_DOUBLE, XSD_DECIMAL, XSD_FLOAT})
_INT64 = (-(2**63), 2**63 - 1)
_INTEGER_RE = re.compile(r"-?(?:0|[1-9][0-9]*)")
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

# Classes, literal predicates and IRI predicates from outside the ontology's
# own namespace that ckg data uses (loader output and the ontology itself).
_EXTERNAL_CLASSES: dict[str, str] = {
    SKOS + "Concept": "Concept",
    SKOS + "ConceptScheme": "ConceptScheme",
    SKOS + "Collection": "Collection",
    OWL + "Class": "Class",
    OWL + "ObjectProperty": "ObjectProperty",
    OWL + "DatatypeProperty": "DatatypeProperty",
    OWL + "AnnotationProperty": "AnnotationProperty",
    OWL + "Ontology": "Ontology",
    RDF + "Property": "Property",
    str(OA.TextPositionSelector): "TextPositionSelector",
}
# predicate IRI -> (declared datatype, always a list)
_EXTERNAL_PROPERTIES: dict[str, tuple[str, bool]] = {
    RDFS + "label": (XSD_STRING, False),
    RDFS + "comment": (XSD_STRING, False),
    SKOS + "prefLabel": (XSD_STRING, False),
    SKOS + "altLabel": (XSD_STRING, True),
    SKOS + "hiddenLabel": (XSD_STRING, True),
    SKOS + "definition": (XSD_STRING, False),
    SKOS + "notation": (XSD_STRING, False),
    SKOS + "note": (XSD_STRING, False),
    SKOS + "scopeNote": (XSD_STRING, False),
    SKOS + "example": (XSD_STRING, False),
    DCTERMS + "title": (XSD_STRING, False),
    DCTERMS + "description": (XSD_STRING, False),
    DCTERMS + "issued": (XSD_DATE, False),
    DCTERMS + "created": (XSD_DATE, False),
    DCTERMS + "modified": (XSD_DATE, False),
    DCTERMS + "language": (XSD_STRING, False),
    DCTERMS + "identifier": (XSD_STRING, False),
    OWL + "versionInfo": (XSD_STRING, False),
    str(OA) + "exact": (XSD_STRING, False),
    str(OA) + "prefix": (XSD_STRING, False),
    str(OA) + "suffix": (XSD_STRING, False),
    str(OA.start): (XSD_INTEGER, False),
    str(OA.end): (XSD_INTEGER, False),
    str(SCHEMA) + "url": (XSD_ANY_URI, False),
}
_EXTERNAL_RELATIONSHIPS: tuple[str, ...] = (
    RDFS + "subClassOf",
    RDFS + "subPropertyOf",
    RDFS + "domain",
    RDFS + "range",
    RDFS + "seeAlso",
    RDFS + "isDefinedBy",
    OWL + "inverseOf",
    OWL + "equivalentClass",
    OWL + "equivalentProperty",
    OWL + "sameAs",
    SKOS + "inScheme",
    SKOS + "topConceptOf",
    SKOS + "hasTopConcept",
    SKOS + "broader",
    SKOS + "narrower",
    SKOS + "related",
    SKOS + "exactMatch",
    SKOS + "closeMatch",
    SKOS + "broadMatch",
    SKOS + "narrowMatch",
    SKOS + "relatedMatch",
    PROV + "wasDerivedFrom",
    PROV + "wasAttributedTo",
    DCTERMS + "source",
    DCTERMS + "isPartOf",
    DCTERMS + "hasPart",
    str(OA.hasSelector),
)


def local_name(iri: str) -> str:
    """The part of an IRI after its last ``#`` or ``/``."""
    return re.split(r"[#/]", iri.rstrip("/#"))[-1]


def camel_case(name: str) -> str:
    """``durationDays`` stays, ``Has-Part`` → ``hasPart``: first letter lower, no separators."""
    parts = [part for part in re.split(r"[^0-9A-Za-z]+", name) if part]
    if not parts:
        return name
    head, *tail = parts
    return head[0].lower() + head[1:] + "".join(part[0].upper() + part[1:] for part in tail)


def pascal_case(name: str) -> str:
    """``ViolationAccusation`` stays, ``concept`` → ``Concept``."""
    text = camel_case(name)
    return text[:1].upper() + text[1:]


def upper_snake_case(name: str) -> str:
    """``wasDerivedFrom`` → ``WAS_DERIVED_FROM``."""
    text = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)
    return re.sub(r"[^0-9A-Za-z]+", "_", text).strip("_").upper()


def quote_name(name: str) -> str:
    """Backtick-quote a label, relationship type or property name for Cypher."""
    return "`" + name.replace("`", "``") + "`"


@dataclass(frozen=True)
class PropertyMapping:
    """A predicate whose values are literals, stored as a node property.

    Attributes:
        predicate: The predicate IRI.
        name: The Neo4j property name (camelCase).
        datatype: The datatype its values usually have (``rdfs:range``).
        multiple: Always store a list, even for a single value.
    """

    predicate: str
    name: str
    datatype: str = XSD_STRING
    multiple: bool = False


@dataclass(frozen=True)
class RelationshipMapping:
    """A predicate whose values are IRIs, stored as a relationship.

    Attributes:
        predicate: The predicate IRI.
        type: The Neo4j relationship type (UPPER_SNAKE_CASE).
    """

    predicate: str
    type: str


@dataclass(frozen=True)
class Mapping:
    """The whitelist: classes to labels, predicates to properties or relationship types.

    Build it with :func:`default_mapping` (from the shipped ontology) or
    :func:`mapping_from_ontology`.

    Attributes:
        labels: Class IRI → node label.
        properties: Predicate IRI → property mapping.
        relationships: Predicate IRI → relationship mapping.
    """

    labels: dict[str, str]
    properties: dict[str, PropertyMapping]
    relationships: dict[str, RelationshipMapping]
    classes_by_label: dict[str, str] = field(init=False, repr=False)
    properties_by_name: dict[str, PropertyMapping] = field(init=False, repr=False)
    relationships_by_type: dict[str, RelationshipMapping] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "classes_by_label", _reverse(self.labels.items(), "label"))
        object.__setattr__(
            self,
            "properties_by_name",
            _reverse(((p.name, p) for p in self.properties.values()), "property", flip=False),
        )
        object.__setattr__(
            self,
            "relationships_by_type",
            _reverse(((r.type, r) for r in self.relationships.values()), "relationship type", flip=False),
        )
        clash = set(self.properties) & set(self.relationships)
        if clash:
            raise SchemaDrift(f"Predicates mapped both to a property and to a relationship type: {sorted(clash)}.")
        bad_labels = {RESOURCE_LABEL, *BOOKKEEPING_LABELS} & set(self.classes_by_label)
        bad_names = set(self.properties_by_name) & RESERVED_PROPERTIES
        bad_names |= {name for name in self.properties_by_name if any(suffix in name for suffix in COMPANION_SUFFIXES)}
        if bad_labels or bad_names:
            raise SchemaDrift(
                f"The ontology maps terms to names ckg reserves for itself: {sorted(bad_labels | bad_names)}. "
                "Rename those terms in schema/ontology.ttl."
            )

    # -- names -----------------------------------------------------------

    @property
    def fingerprint(self) -> str:
        """A hash of the whole table: pushes made with another table read differently."""
        table = {
            "layout": LAYOUT_VERSION,
            "labels": sorted(self.labels.items()),
            "properties": sorted((p.predicate, p.name, p.datatype, p.multiple) for p in self.properties.values()),
            "relationships": sorted((r.predicate, r.type) for r in self.relationships.values()),
        }
        return hashlib.sha256(json.dumps(table, sort_keys=True).encode()).hexdigest()

    def label(self, class_iri: str, where: str = "") -> str:
        """The node label of a class.

        Raises:
            SchemaDrift: If the class is not in the whitelist.
        """
        try:
            return self.labels[class_iri]
        except KeyError:
            raise SchemaDrift(
                f"The class <{class_iri}>{where} is not in ckg's mapping, so it has no Neo4j label. "
                "Declare it as an owl:Class in schema/ontology.ttl (or add it to the external "
                "classes in kg/mapping.py), then push again."
            ) from None

    def predicate_kind(self, predicate: str, where: str = "") -> PropertyMapping | RelationshipMapping:
        """What a predicate becomes in Neo4j.

        Raises:
            SchemaDrift: If the predicate is not in the whitelist.
        """
        found = self.properties.get(predicate) or self.relationships.get(predicate)
        if found is None:
            raise SchemaDrift(
                f"The predicate <{predicate}>{where} is not in ckg's mapping, so it has no Neo4j "
                "property or relationship type. Declare it in schema/ontology.ttl (owl:DatatypeProperty "
                "or owl:ObjectProperty) or add it to the external predicates in kg/mapping.py, then push again."
            )
        return found

    def class_of_label(self, label: str, where: str = "") -> str:
        """The class IRI behind a node label read from Neo4j.

        Raises:
            SchemaDrift: If the label is not one ckg writes.
        """
        return _known(self.classes_by_label, label, f"The label :{label}{where}", "remove that label")

    def property_named(self, name: str, where: str = "") -> PropertyMapping:
        """The predicate behind a node property read from Neo4j.

        Raises:
            SchemaDrift: If the property is not one ckg writes.
        """
        return _known(self.properties_by_name, name, f"The property '{name}'{where}", "remove that property")

    def relationship_typed(self, rel_type: str, where: str = "") -> RelationshipMapping:
        """The predicate behind a relationship type read from Neo4j.

        Raises:
            SchemaDrift: If the type is not one ckg writes.
        """
        return _known(
            self.relationships_by_type,
            rel_type,
            f"The relationship type :{rel_type}{where}",
            "remove those relationships",
        )

    # -- values ----------------------------------------------------------

    def encode_literals(
        self,
        mapping: PropertyMapping,
        literals: Iterable[ox.Literal],
        known: MappingABC[ox.Literal, datetime.date | Date | None] | None = None,
    ) -> dict[str, Any]:
        """Neo4j properties holding a predicate's literal values on one node, losslessly.

        Args:
            mapping: The predicate's mapping.
            literals: Its distinct values on the node (at least one).
            known: When given, the date each value became known (None: from
                the start), written as ``name__known`` in step with the values
                (:data:`KNOWN_FROM_START` for None in a list).

        Returns:
            ``{name: value or list}`` plus ``name__lang`` / ``name__type`` /
            ``name__known`` when needed.
        """
        ordered = list(literals)
        if len(ordered) == 1 and not mapping.multiple:
            single = self._encode_one(mapping, ordered[0])
            if known is not None:
                single[mapping.name + KNOWN_SUFFIX] = known[ordered[0]]
            return single
        ordered.sort(key=_literal_sort_key)
        natives = [_native(literal) for literal in ordered]
        kinds = {_kind(value) for value in natives}
        if len(kinds) > 1:
            # Neo4j lists hold one type: keep every value as its lexical form.
            natives = [literal.value for literal in ordered]
        langs = [literal.language or "" for literal in ordered]
        types = [
            ""
            if literal.language or literal.datatype.value == _implied(value, mapping.datatype)
            else literal.datatype.value
            for literal, value in zip(ordered, natives)
        ]
        as_list = mapping.multiple or len(ordered) > 1

        def shaped(values: list[Any]) -> Any:
            return values if as_list else values[0]

        props: dict[str, Any] = {mapping.name: shaped(natives)}
        if any(langs):
            props[mapping.name + LANG_SUFFIX] = shaped(langs)
        if any(types):
            props[mapping.name + TYPE_SUFFIX] = shaped(types)
        if known is not None:
            dates = [known[literal] for literal in ordered]
            if as_list:  # a list cannot hold null
                dates = [KNOWN_FROM_START if date is None else date for date in dates]
            props[mapping.name + KNOWN_SUFFIX] = shaped(dates)
        return props

    def _encode_one(self, mapping: PropertyMapping, literal: ox.Literal) -> dict[str, Any]:
        value = _native(literal)
        props: dict[str, Any] = {mapping.name: value}
        if literal.language:
            props[mapping.name + LANG_SUFFIX] = literal.language
        elif literal.datatype.value != _implied(value, mapping.datatype):
            props[mapping.name + TYPE_SUFFIX] = literal.datatype.value
        return props

    def decode_literals(
        self, mapping: PropertyMapping, props: MappingABC[str, Any], where: str = ""
    ) -> list[ox.Literal]:
        """The literals that :meth:`encode_literals` stored in a node's properties.

        Raises:
            SchemaDrift: If the properties are not shaped as ckg writes them.
        """
        values = _as_list(props[mapping.name])
        langs = _as_list(props.get(mapping.name + LANG_SUFFIX, [""] * len(values)))
        types = _as_list(props.get(mapping.name + TYPE_SUFFIX, [""] * len(values)))
        if not len(values) == len(langs) == len(types):
            raise SchemaDrift(
                f"The property '{mapping.name}'{where} has {len(values)} values but "
                f"{len(langs)} language tags and {len(types)} datatypes; ckg always writes them in step. "
                "Push again with `ckg push --rebuild`."
            )
        literals = []
        for value, lang, datatype in zip(values, langs, types):
            lexical = _lexical(value, mapping.name + where)
            if lang:
                literals.append(ox.Literal(lexical, language=lang))
            else:
                literals.append(
                    ox.Literal(lexical, datatype=ox.NamedNode(datatype or _implied(value, mapping.datatype)))
                )
        return literals


def _reverse(items: Iterable[tuple[Any, Any]], what: str, flip: bool = True) -> dict[Any, Any]:
    reverse: dict[Any, Any] = {}
    for first, second in items:
        key, value = (second, first) if flip else (first, second)
        if key in reverse:
            raise SchemaDrift(
                f"Two terms map to the same Neo4j {what} '{key}'; rename one of them in schema/ontology.ttl."
            )
        reverse[key] = value
    return reverse


def _literal_sort_key(literal: ox.Literal) -> tuple[str, str, str]:
    return (literal.value, literal.language or "", literal.datatype.value)


def _native(literal: ox.Literal) -> Any:
    """The Neo4j value of a literal: native where it round-trips exactly, else the lexical form."""
    value = literal.value
    if literal.language:
        return value
    datatype = literal.datatype.value
    if datatype == XSD_INTEGER and _INTEGER_RE.fullmatch(value):
        number = int(value)
        if _INT64[0] <= number <= _INT64[1]:
            return number
    elif datatype == XSD_BOOLEAN and value in ("true", "false"):
        return value == "true"
    elif datatype == XSD_DATE and _DATE_RE.fullmatch(value):
        try:  # YYYY-MM-DD that is a real date spells itself canonically
            return Date(int(value[:4]), int(value[5:7]), int(value[8:]))
        except ValueError:
            return value
    elif datatype in _FLOAT_DATATYPES:
        try:
            real = float(value)
        except ValueError:
            return value
        if repr(real) == value:
            return real
    return value


def _kind(value: Any) -> type:
    return type(value)


def _implied(value: Any, declared: str) -> str:
    """The datatype a stored value has when no ``__type`` entry says otherwise."""
    if isinstance(value, bool):
        return XSD_BOOLEAN
    if isinstance(value, int):
        return XSD_INTEGER
    if isinstance(value, float):
        return declared if declared in _FLOAT_DATATYPES else XSD_DOUBLE
    if isinstance(value, Date):
        return XSD_DATE
    return declared if declared in _STRING_DATATYPES else XSD_STRING


def _lexical(value: Any, where: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, str)):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, Date):
        return value.iso_format()
    raise SchemaDrift(
        f"The property '{where}' holds a {type(value).__name__} value, which ckg never writes. "
        "Push again with `ckg push --rebuild`."
    )


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def mapping_from_ontology(turtle: bytes) -> Mapping:
    """Build the whitelist from an ontology in Turtle plus the external terms ckg uses.

    Classes are the ``owl:Class`` subjects in the ckg namespace; object and
    datatype properties the ``owl:ObjectProperty`` / ``owl:DatatypeProperty``
    subjects, a datatype property typed by its ``rdfs:range``.

    Raises:
        SchemaDrift: If two terms would get the same Neo4j name.
    """
    types: dict[str, set[str]] = {}
    ranges: dict[str, str] = {}
    for triple in ox.parse(turtle, format=ox.RdfFormat.TURTLE):
        if not isinstance(triple.subject, ox.NamedNode) or not isinstance(triple.object, ox.NamedNode):
            continue
        if triple.predicate.value == RDF_TYPE:
            types.setdefault(triple.subject.value, set()).add(triple.object.value)
        elif triple.predicate.value == RDFS + "range":
            ranges[triple.subject.value] = triple.object.value
    labels = dict(_EXTERNAL_CLASSES)
    properties = {
        iri: PropertyMapping(iri, camel_case(local_name(iri)), datatype, multiple)
        for iri, (datatype, multiple) in _EXTERNAL_PROPERTIES.items()
    }
    relationships = {
        iri: RelationshipMapping(iri, upper_snake_case(local_name(iri))) for iri in _EXTERNAL_RELATIONSHIPS
    }
    for iri, kinds in sorted(types.items()):
        if not iri.startswith(CF_NS):
            continue
        if OWL + "Class" in kinds:
            labels[iri] = pascal_case(local_name(iri))
        if OWL + "ObjectProperty" in kinds:
            relationships[iri] = RelationshipMapping(iri, upper_snake_case(local_name(iri)))
        if OWL + "DatatypeProperty" in kinds:
            datatype = ranges.get(iri, XSD_STRING)
            properties[iri] = PropertyMapping(
                iri, camel_case(local_name(iri)), datatype if datatype.startswith(XSD) else XSD_STRING
            )
    return Mapping(labels, properties, relationships)


@cache
def default_mapping() -> Mapping:
    """The whitelist for the ontology shipped with the package (built once)."""
    data = resources.files("ceasefire_kg.schema").joinpath("ontology.ttl").read_bytes()
    return mapping_from_ontology(data)


_Found = TypeVar("_Found")


def _known(table: dict[str, _Found], name: str, what: str, remedy: str) -> _Found:
    """Look up a name read from Neo4j; a name ckg does not write is schema drift."""
    try:
        return table[name]
    except KeyError:
        raise SchemaDrift(
            f"{what} in Neo4j is not in ckg's mapping. The database holds data that ckg did not push, "
            f"or was pushed with another ontology: push again with `ckg push --rebuild`, or {remedy}."
        ) from None
