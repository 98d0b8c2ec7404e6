"""The whitelist from RDF to the property graph: names, coverage, lossless values."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from neo4j.time import Date
from rdflib.namespace import OWL, RDF

from ceasefire_kg.errors import SchemaDrift
from ceasefire_kg.mapping import (
    KNOWN_FROM_START,
    LANG_SUFFIX,
    TYPE_SUFFIX,
    XSD,
    Mapping,
    PropertyMapping,
    RelationshipMapping,
    camel_case,
    default_mapping,
    mapping_from_ontology,
    quote_name,
    upper_snake_case,
)
from ceasefire_kg.shacl import ontology_graph
from ceasefire_kg.store import Store
from tests.synthetic import load_examples

RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
CF = "https://w3id.org/ceasefire-kg/ontology#"


def _lit(value: str, datatype: str | None = None, lang: str | None = None) -> ox.Literal:
    if lang:
        return ox.Literal(value, language=lang)
    return ox.Literal(value, datatype=ox.NamedNode(datatype or XSD + "string"))


def test_every_ontology_term_is_mapped_with_the_idiomatic_case() -> None:
    mapping = default_mapping()
    graph = ontology_graph()
    for cls in graph.subjects(RDF.type, OWL.Class):
        label = mapping.labels[str(cls)]
        assert re.fullmatch(r"[A-Z][A-Za-z0-9]*", label)
    for prop in graph.subjects(RDF.type, OWL.ObjectProperty):
        assert re.fullmatch(r"[A-Z][A-Z0-9_]*", mapping.relationships[str(prop)].type)
    for prop in graph.subjects(RDF.type, OWL.DatatypeProperty):
        assert re.fullmatch(r"[a-z][A-Za-z0-9]*", mapping.properties[str(prop)].name)


@pytest.mark.parametrize(
    ("iri", "expected"),
    [
        (CF + "demandedBy", "DEMANDED_BY"),
        (CF + "preconditionFor", "PRECONDITION_FOR"),
        (CF + "statusRecord", "STATUS_RECORD"),
        ("http://www.w3.org/ns/prov#wasDerivedFrom", "WAS_DERIVED_FROM"),
        (SKOS + "inScheme", "IN_SCHEME"),
        (RDFS + "subClassOf", "SUB_CLASS_OF"),
    ],
)
def test_relationship_types_follow_the_documented_names(iri: str, expected: str) -> None:
    assert default_mapping().relationships[iri].type == expected


@pytest.mark.parametrize(
    ("iri", "name", "datatype"),
    [
        (RDFS + "label", "label", XSD + "string"),
        (SKOS + "prefLabel", "prefLabel", XSD + "string"),
        (CF + "asOf", "asOf", XSD + "date"),
        (CF + "durationDays", "durationDays", XSD + "integer"),
        (CF + "isWritten", "isWritten", XSD + "boolean"),
        ("http://schema.org/url", "url", XSD + "anyURI"),
        ("http://www.w3.org/ns/oa#exact", "exact", XSD + "string"),
    ],
)
def test_properties_follow_the_documented_names_and_ranges(iri: str, name: str, datatype: str) -> None:
    prop = default_mapping().properties[iri]
    assert (prop.name, prop.datatype) == (name, datatype)


def test_labels_for_the_external_classes() -> None:
    labels = default_mapping().labels
    assert labels[SKOS + "Concept"] == "Concept"
    assert labels[str(OWL.Class)] == "Class"
    assert labels[CF + "ViolationAccusation"] == "ViolationAccusation"


def test_everything_the_loader_writes_is_in_the_whitelist(tmp_path: Path) -> None:
    load_examples(tmp_path / "store")
    mapping = default_mapping()
    with Store.open_read_only(tmp_path / "store") as store:
        for quad in store.quads():
            kind = None if quad.predicate.value == RDF.type.toPython() else mapping.predicate_kind(quad.predicate.value)
            if kind is None:
                mapping.label(quad.object.value)
            elif isinstance(kind, PropertyMapping):
                assert isinstance(quad.object, ox.Literal), quad
            else:
                assert isinstance(quad.object, ox.NamedNode), quad


def test_drift_names_the_unknown_term_and_the_fix() -> None:
    mapping = default_mapping()
    with pytest.raises(SchemaDrift, match=r"<https://example\.org/unknown>.*schema/ontology\.ttl"):
        mapping.predicate_kind("https://example.org/unknown")
    with pytest.raises(SchemaDrift, match=r"class <https://example\.org/Thing>"):
        mapping.label("https://example.org/Thing")
    with pytest.raises(SchemaDrift, match=r":Movie"):
        mapping.class_of_label("Movie")
    with pytest.raises(SchemaDrift, match=r"'title2'"):
        mapping.property_named("title2")
    with pytest.raises(SchemaDrift, match=r":ACTED_IN"):
        mapping.relationship_typed("ACTED_IN")


def test_names_ckg_reserves_or_clashes_are_refused() -> None:
    with pytest.raises(SchemaDrift, match="reserves"):
        Mapping({}, {"x:uri": PropertyMapping("x:uri", "uri")}, {})
    with pytest.raises(SchemaDrift, match="reserves"):
        Mapping({"x:R": "Resource"}, {}, {})
    with pytest.raises(SchemaDrift, match="same Neo4j"):
        Mapping({}, {}, {"x:a": RelationshipMapping("x:a", "A"), "y:a": RelationshipMapping("y:a", "A")})
    ontology = b"""@prefix owl: <http://www.w3.org/2002/07/owl#> .
        <https://w3id.org/ceasefire-kg/ontology#label> a owl:DatatypeProperty ."""
    with pytest.raises(SchemaDrift, match="same Neo4j property 'label'"):
        mapping_from_ontology(ontology)


def test_case_helpers_and_quoting() -> None:
    assert upper_snake_case("wasDerivedFrom") == "WAS_DERIVED_FROM"
    assert upper_snake_case("aboutProposal") == "ABOUT_PROPOSAL"
    assert camel_case("has-part") == "hasPart"
    assert quote_name("we`ird") == "`we``ird`"


# -- values ------------------------------------------------------------------

VALUES = [
    [_lit("Hamas")],
    [_lit("Hamas", lang="en"), _lit("حماس", lang="ar"), _lit("Hamas")],
    [_lit("2025-03-19", XSD + "date")],
    [_lit("2025-3-19", XSD + "date")],
    [_lit("2025-03-19Z", XSD + "date")],
    [_lit("30", XSD + "integer")],
    [_lit("030", XSD + "integer")],
    [_lit("+30", XSD + "integer")],
    [_lit("123456789012345678901234567890", XSD + "integer")],
    [_lit("-9223372036854775808", XSD + "integer")],
    [_lit("true", XSD + "boolean"), _lit("1", XSD + "boolean")],
    [_lit("false", XSD + "boolean")],
    [_lit("2.5", XSD + "decimal")],
    [_lit("2.50", XSD + "decimal")],
    [_lit("0.1", XSD + "double"), _lit("1E3", XSD + "double"), _lit("NaN", XSD + "double")],
    [_lit("2025", XSD + "gYear")],
    [_lit("https://example.org/a?b=c", XSD + "anyURI")],
    [_lit("5", XSD + "integer"), _lit("5")],
    [_lit("2025-03-19", XSD + "date"), _lit("text", lang="en"), _lit("7", XSD + "integer")],
    [_lit("x", "https://example.org/custom-type")],
    [_lit('"}) MATCH (n) DETACH DELETE n // `$rows` \\ \n\t \u0000 \U0001f600')],
]


@pytest.mark.parametrize("literals", VALUES, ids=lambda v: " | ".join(str(x) for x in v)[:60])
@pytest.mark.parametrize(
    "prop",
    [
        PropertyMapping("p:label", "label", XSD + "string"),
        PropertyMapping("p:alt", "altLabel", XSD + "string", multiple=True),
        PropertyMapping("p:date", "date", XSD + "date"),
        PropertyMapping("p:url", "url", XSD + "anyURI"),
        PropertyMapping("p:dec", "amount", XSD + "decimal"),
    ],
    ids=lambda p: p.name,
)
def test_literals_survive_encoding_exactly(literals: list[ox.Literal], prop: PropertyMapping) -> None:
    mapping = default_mapping()
    props = mapping.encode_literals(prop, literals)
    assert set(mapping.decode_literals(prop, props)) == set(literals)
    values = props[prop.name]
    if isinstance(values, list):
        assert len({type(v) for v in values}) == 1, "Neo4j lists hold one type"
        for suffix in (LANG_SUFFIX, TYPE_SUFFIX):
            if prop.name + suffix in props:
                assert len(props[prop.name + suffix]) == len(values)


def test_native_types_and_shapes() -> None:
    mapping = default_mapping()
    label = mapping.properties[RDFS + "label"]
    assert mapping.encode_literals(label, [_lit("Putin")]) == {"label": "Putin"}
    assert mapping.encode_literals(label, [_lit("Kyiv", lang="en"), _lit("Київ", lang="uk")]) == {
        "label": ["Kyiv", "Київ"],
        "label__lang": ["en", "uk"],
    }
    alt = mapping.properties[SKOS + "altLabel"]
    assert mapping.encode_literals(alt, [_lit("UAE")]) == {"altLabel": ["UAE"]}
    as_of = mapping.properties[CF + "asOf"]
    assert mapping.encode_literals(as_of, [_lit("2025-04-09", XSD + "date")]) == {"asOf": Date(2025, 4, 9)}
    days = mapping.properties[CF + "durationDays"]
    assert mapping.encode_literals(days, [_lit("30", XSD + "integer")]) == {"durationDays": 30}
    written = mapping.properties[CF + "isWritten"]
    assert mapping.encode_literals(written, [_lit("false", XSD + "boolean")]) == {"isWritten": False}
    url = mapping.properties["http://schema.org/url"]
    assert mapping.encode_literals(url, [_lit("https://a.example/", XSD + "anyURI")]) == {"url": "https://a.example/"}
    assert mapping.encode_literals(days, [_lit("2.50", XSD + "decimal")]) == {
        "durationDays": "2.50",
        "durationDays__type": XSD + "decimal",
    }


def test_values_not_shaped_as_ckg_writes_them_are_drift() -> None:
    mapping = default_mapping()
    label = mapping.properties[RDFS + "label"]
    with pytest.raises(SchemaDrift, match="in step"):
        mapping.decode_literals(label, {"label": ["a", "b"], "label__lang": ["en"]})
    with pytest.raises(SchemaDrift, match="never writes"):
        mapping.decode_literals(label, {"label": {"a": 1}})


def test_the_fingerprint_changes_with_the_table() -> None:
    mapping = default_mapping()
    other = Mapping(
        dict(mapping.labels),
        dict(mapping.properties),
        {**mapping.relationships, "x:y": RelationshipMapping("x:y", "XY")},
    )
    assert mapping.fingerprint != other.fingerprint
    assert mapping.fingerprint == default_mapping().fingerprint


def test_known_dates_are_written_in_step_with_the_values() -> None:
    mapping = default_mapping()
    label = mapping.properties[RDFS + "label"]
    march, later = Date(2031, 3, 10), _lit("Z later")
    values = {_lit("A first"): None, later: march}
    props = mapping.encode_literals(label, values, values)
    # A list cannot hold null in Neo4j: known from the start is the earliest date.
    assert props == {"label": ["A first", "Z later"], "label__known": [KNOWN_FROM_START, march]}
    assert KNOWN_FROM_START == datetime.date(1, 1, 1)
    assert set(mapping.decode_literals(label, props)) == set(values), "__known is not part of the value"
    role = mapping.properties[CF + "role"]
    assert mapping.encode_literals(role, [later], {later: march}) == {"role": "Z later", "role__known": march}
    assert "role__known" not in mapping.encode_literals(role, [later])


def test_known_is_a_name_ckg_keeps_for_itself() -> None:
    mapping = default_mapping()
    for name in ("known", "role__known"):
        with pytest.raises(SchemaDrift, match="reserves"):
            Mapping(
                dict(mapping.labels),
                {**mapping.properties, "x:k": PropertyMapping("x:k", name)},
                dict(mapping.relationships),
            )
