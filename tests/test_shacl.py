"""The shape checker (shapes compiled to SPARQL) against pySHACL, a general SHACL engine, as oracle."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from ceasefire_kg.errors import InputError
from ceasefire_kg.loaders.checks import check_paths
from ceasefire_kg.loaders.load import load_into_folder, load_paths, validate_paths
from ceasefire_kg.loaders.rdf import corpus_graphs
from ceasefire_kg.namespaces import CF, Nodes, entity_iri, iri
from ceasefire_kg.shacl import SH, ShapeViolation, ontology_graph, shape_violations, shapes_graph
from ceasefire_kg.shacl_sparql import UnsupportedShape, compile_shapes
from ceasefire_kg.store import Store, TermTriple, ntriples_bytes, ontology_triples
from tests.corpus import corpus_generator
from tests.paths import EXAMPLES

pyshacl = pytest.importorskip("pyshacl")


def pyshacl_violations(data: Graph) -> list[ShapeViolation]:
    """The violations pySHACL finds, read from its results graph as the loader once did."""
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
            ShapeViolation(_to_ox(focus), iri(str(path)) if path is not None else None, text, str(component or ""))
        )
    return sorted(violations, key=lambda v: (v.focus.value, v.path.value if v.path else "", v.message))


def _to_ox(term: object) -> ox.NamedNode | ox.Literal:
    """An rdflib IRI or literal of pySHACL's results as a pyoxigraph term."""
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=iri(term.datatype) if term.datatype else None)
    return iri(str(term))


def data_graph(triples: list[TermTriple]) -> Graph:
    """The triples and the ontology as an rdflib graph, for pySHACL."""
    data = Graph().parse(data=ntriples_bytes(triples), format="nt")
    data += ontology_graph()
    return data


_CF, _RDF, _RDFS, _SKOS, _DCTERMS = Nodes(CF), Nodes(RDF), Nodes(RDFS), Nodes(SKOS), Nodes(DCTERMS)


def injected_errors(triples: list[TermTriple]) -> list[TermTriple]:
    """Triples breaking every kind of constraint the shapes use, on resources of the data."""

    def first(cls: ox.NamedNode) -> ox.NamedNode:
        return next(s for s, p, o in triples if p == _RDF.type and o == cls)

    position, proposal, event, demand = first(_CF.Position), first(_CF.Proposal), first(_CF.Event), first(_CF.Demand)
    article = first(_CF.Article)
    return [
        (proposal, _RDFS.label, ox.Literal("Renamed in another file")),  # maxCount with a message
        (position, _CF.holder, proposal),  # class
        (event, _CF.prisoners, ox.Literal("-3", datatype=iri(XSD.integer))),  # minInclusive
        (event, _CF.fatalities, ox.Literal("many")),  # minInclusive (incomparable) + datatype
        (event, _CF.date, ox.Literal("2024-01-01")),  # datatype + generic maxCount
        (event, _CF.date, ox.Literal("2024-13-45", datatype=iri(XSD.date))),  # ill-formed date
        (position, _CF.stance, _CF.Proposal),  # node (blank shape) + its detail
        (proposal, _CF.scope, _SKOS.Concept),  # node (named shape, message in detail)
        (demand, _CF.issue, ox.Literal("an issue")),  # class and node on a literal
        (iri(entity_iri("demand", "orphan")), _RDF.type, _CF.Demand),  # minCount, generic and with messages
        (article, _DCTERMS.title, ox.Literal("Another title", language="en")),  # datatype (language) + maxCount
        (article, iri("https://schema.org/url"), ox.Literal("not in the shapes' namespace")),  # no constraint
    ]


def assert_same(triples: list[TermTriple]) -> list[ShapeViolation]:
    """Our violations of the triples with the ontology, checked to be pySHACL's."""
    ours = shape_violations([*triples, *ontology_triples()])
    oracle = pyshacl_violations(data_graph(triples))
    assert sorted(map(repr, ours)) == sorted(map(repr, oracle))
    return ours


def test_the_examples_conform_for_both() -> None:
    graphs = corpus_graphs(check_paths([EXAMPLES]))
    assert assert_same([t for g in graphs for t in g.triples]) == []


def test_errors_injected_into_the_examples_are_reported_alike() -> None:
    graphs = corpus_graphs(check_paths([EXAMPLES]))
    triples = [t for g in graphs for t in g.triples]
    found = assert_same(triples + injected_errors(triples))
    components = {v.component.rsplit("#", 1)[1] for v in found}
    assert components == {
        "MaxCountConstraintComponent",
        "MinCountConstraintComponent",
        "ClassConstraintComponent",
        "DatatypeConstraintComponent",
        "MinInclusiveConstraintComponent",
        "NodeConstraintComponent",
        "HasValueConstraintComponent",
    }
    assert len(found) >= 25


def test_errors_injected_into_a_generated_corpus_are_reported_alike(tmp_path: Path) -> None:
    corpus = corpus_generator().generate_corpus(tmp_path / "corpus", target_triples=5_000, seed=5)
    graphs = corpus_graphs(check_paths([corpus.root]))
    triples = [t for g in graphs for t in g.triples]
    assert len(triples) > 4_000
    assert assert_same(triples) == []
    assert len(assert_same(triples + injected_errors(triples))) >= 25


def test_a_load_reports_a_shape_problem_against_the_store(tmp_path: Path) -> None:
    # The other files of a load, and the store, are part of the graph the shapes check.
    store_path, examples = tmp_path / "store", tmp_path / "articles"
    shutil.copytree(EXAMPLES, examples)
    load_into_folder(store_path, [examples])
    later = examples / "2025-04-09-kremlin-conditional-ceasefire.yaml"
    text = later.read_text(encoding="utf-8")
    later.write_text(
        text.replace("id: putin-conditionally-accepts-30-day-ceasefire", "id: zelensky-accepts-30-day-ceasefire"),
        encoding="utf-8",
    )
    with Store.open(store_path) as store, pytest.raises(InputError) as raised:
        load_paths(store, [later])
    # The YAML field the analyst wrote, not the property it becomes (cf:holder).
    assert "position 'zelensky-accepts-30-day-ceasefire', field 'actor': has more than one value for 'actor'" in str(
        raised.value
    )
    with Store.open_read_only(store_path) as store:
        assert validate_paths([EXAMPLES], store=store)[2].triples > 0


def test_shapes_using_other_shacl_features_are_refused() -> None:
    shapes = Graph().parse(
        data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix ex: <https://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ;
            sh:property [ sh:path ex:p ; sh:pattern "^a" ] .
    """,
        format="turtle",
    )
    with pytest.raises(UnsupportedShape, match="shacl#pattern"):
        compile_shapes(shapes)


def test_every_shipped_constraint_is_compiled() -> None:
    shapes = shapes_graph()
    constraints = sum(
        len(list(shapes.objects(prop, SH[name])))
        for _, _, prop in shapes.triples((None, SH.property, None))
        if shapes.value(prop, SH.hasValue) is None
        for name in ("minCount", "maxCount", "datatype", "class", "minInclusive", "node")
    )
    assert len(compile_shapes(shapes)) == constraints


def test_the_shape_data_handed_over_in_many_batches_gives_the_same_problems(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ceasefire_kg.loaders import load

    examples = tmp_path / "articles"
    shutil.copytree(EXAMPLES, examples)
    article = examples / "2025-04-09-kremlin-conditional-ceasefire.yaml"
    text = article.read_text(encoding="utf-8")
    article.write_text(
        text.replace("id: putin-conditionally-accepts-30-day-ceasefire", "id: zelensky-accepts-30-day-ceasefire"),
        encoding="utf-8",
    )

    def problems() -> list[str]:
        with pytest.raises(InputError) as raised:
            validate_paths([examples])
        return [problem.describe() for problem in raised.value.problems]

    whole = problems()
    monkeypatch.setattr(load._Batches.__init__, "__defaults__", (7,))
    assert problems() == whole
    assert any("field 'actor'" in problem for problem in whole)
