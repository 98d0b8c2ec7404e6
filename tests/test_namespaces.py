"""The Python namespaces and the Turtle ontology must name the same terms."""

from __future__ import annotations

import pytest
from rdflib import RDF, URIRef
from rdflib.namespace import OWL, SKOS

from ceasefire_kg.namespaces import CF, CHARGE, ETYPE, SCOPE, STANCE, STATUS, entity_iri
from ceasefire_kg.shacl import ontology_graph, shapes_graph

DEFINED = [CF, SCOPE, STANCE, STATUS, ETYPE, CHARGE]


def _terms(namespace: type) -> set[URIRef]:
    names = list(vars(namespace).get("__annotations__", {})) + list(vars(namespace).get("_extras", []))
    return {namespace[name] for name in names}


def _declared(namespace: type) -> set[URIRef]:
    """Terms the ontology declares (as subjects) in the namespace."""
    prefix = str(namespace._NS)
    return {
        s
        for s in ontology_graph().subjects()
        if isinstance(s, URIRef) and str(s).startswith(prefix) and str(s) != prefix
    }


@pytest.mark.parametrize("namespace", DEFINED, ids=lambda ns: ns.__name__)
def test_every_python_term_is_declared_in_the_ontology(namespace: type) -> None:
    missing = _terms(namespace) - _declared(namespace)
    assert not missing, f"in {namespace.__name__} but not in ontology.ttl: {sorted(missing)}"


@pytest.mark.parametrize("namespace", DEFINED, ids=lambda ns: ns.__name__)
def test_every_ontology_term_is_in_the_python_namespace(namespace: type) -> None:
    extra = _declared(namespace) - _terms(namespace)
    assert not extra, f"in ontology.ttl but not in {namespace.__name__}: {sorted(extra)}"


def test_a_misspelt_term_fails_loudly() -> None:
    with pytest.raises(AttributeError, match="not in namespace"):
        CF.demandedBi  # noqa: B018


def test_every_term_has_a_type_and_concepts_a_scheme() -> None:
    graph = ontology_graph()
    for term in _terms(CF):
        assert graph.value(term, RDF.type) is not None, term
    for namespace in (SCOPE, STANCE, STATUS, ETYPE, CHARGE):
        for concept in _terms(namespace):
            assert (concept, RDF.type, SKOS.Concept) in graph, concept
            assert graph.value(concept, SKOS.inScheme) is not None, concept
            assert graph.value(concept, SKOS.prefLabel) is not None, concept


def test_shapes_only_use_declared_ontology_terms() -> None:
    prefix = str(CF._NS)
    used = {t for triple in shapes_graph() for t in triple if isinstance(t, URIRef) and str(t).startswith(prefix)}
    assert used <= _terms(CF), sorted(used - _terms(CF))


def test_classes_and_properties_are_typed_in_owl() -> None:
    graph = ontology_graph()
    kinds = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, SKOS.ConceptScheme}
    for term in _terms(CF):
        assert set(graph.objects(term, RDF.type)) & kinds, term


def test_entity_iris_are_readable_and_reject_unknown_kinds() -> None:
    assert entity_iri("actor", "putin") == URIRef("https://w3id.org/ceasefire-kg/id/actor/putin")
    with pytest.raises(ValueError):
        entity_iri("actr", "putin")
