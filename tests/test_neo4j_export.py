"""`ckg export --from neo4j`: the graph read back over Bolt is the store's graph, exactly."""

from __future__ import annotations

import io
import json
from pathlib import Path

import neo4j
import pyoxigraph as ox
import pytest
from neo4j.time import Date
from rdflib.compare import isomorphic

from ceasefire_kg.errors import SchemaDrift
from ceasefire_kg.namespaces import CF, PREFIXES, Nodes, article_graph_iri, entity_iri, iri
from ceasefire_kg.neo4j_read import export_neo4j, read_triples
from ceasefire_kg.push import push
from ceasefire_kg.store import Store
from tests.corpus import claims_store, demands_store
from tests.push_helpers import copy_store, neo4j_ntriples, rdf_graph, store_ntriples
from tests.synthetic import load_examples, make_store

pytestmark = pytest.mark.neo4j

XSD = "http://www.w3.org/2001/XMLSchema#"
RDFS_COMMENT = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment")
SKOS_ALT = ox.NamedNode("http://www.w3.org/2004/02/skos/core#altLabel")


@pytest.fixture(scope="module")
def examples_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("examples") / "store"
    load_examples(path)
    return path


@pytest.fixture(scope="module")
def generated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The examples plus 80 generated articles sharing actors and concepts (about 40,000 triples)."""
    path = tmp_path_factory.mktemp("generated") / "store"
    make_store(path, copies=40)
    return path


def _push(path: Path, driver: neo4j.Driver, database: str) -> None:
    with Store.open_read_only(path) as store:
        push(store, driver, database)


def _assert_round_trip(path: Path, driver: neo4j.Driver, database: str) -> None:
    expected = store_ntriples(path)
    actual = neo4j_ntriples(driver, database)
    assert isomorphic(rdf_graph(actual), rdf_graph(expected))
    assert actual == expected  # same triples, same stable order


def _push_and_assert_round_trip(path: Path, driver: neo4j.Driver, database: str) -> None:
    _push(path, driver, database)
    _assert_round_trip(path, driver, database)


def test_round_trip_of_the_examples_is_lossless(
    examples_template: Path, tmp_path: Path, neo4j_driver: neo4j.Driver, neo4j_database: str
) -> None:
    path = copy_store(examples_template, tmp_path / "store")
    _push_and_assert_round_trip(path, neo4j_driver, neo4j_database)
    turtle = io.BytesIO()
    assert export_neo4j(neo4j_driver, neo4j_database, turtle, "turtle") > 1000
    assert turtle.getvalue().startswith(b"@prefix ")
    with Store.open_read_only(path) as store:
        expected = io.BytesIO()
        store.export(expected, "turtle")
    assert turtle.getvalue() == expected.getvalue()


def test_round_trip_of_a_larger_generated_set_is_lossless(
    generated_template: Path, tmp_path: Path, neo4j_driver: neo4j.Driver, neo4j_database: str
) -> None:
    path = copy_store(generated_template, tmp_path / "store")
    _push_and_assert_round_trip(path, neo4j_driver, neo4j_database)


def test_round_trip_of_accusations_terms_readings_and_attributions_is_lossless(
    tmp_path: Path, neo4j_driver: neo4j.Driver, neo4j_database: str
) -> None:
    """The claims data set: accusations with a charge, readings of terms (literal lists), according_to."""
    path = claims_store(tmp_path)
    _push_and_assert_round_trip(path, neo4j_driver, neo4j_database)
    with neo4j_driver.session(database=neo4j_database) as session:
        reading = session.run(
            "MATCH (c:Claim:TermsInterpretation {factId: 'kostrova-reads-corridor-terms'}) RETURN c"
        ).single()["c"]
        charge = session.run(
            "MATCH (:Accusation {factId: 'kostrova-charges-bad-faith'})-[:CHARGE]->(charge:Concept)"
            "-[:IN_SCHEME]->(:ConceptScheme) RETURN charge.name AS name"
        ).single()["name"]
        sources = session.run(
            "MATCH (:StatusRecord)-[:ACCORDING_TO]->(actor:Actor) RETURN collect(actor.factId) AS actors"
        ).single()["actors"]
    assert reading["includesTerm"] == [
        "lifting of the insurance ban on Kostrovan ships",
        "safe passage for grain ships",
    ]
    assert reading["excludesTerm"] == "demining of the Sorel approaches"
    assert charge == "bad faith"
    assert sources == ["omar-sallis"]


def test_round_trip_of_responses_chains_and_about_is_lossless(
    tmp_path: Path, neo4j_driver: neo4j.Driver, neo4j_database: str
) -> None:
    path = demands_store(tmp_path)
    _push_and_assert_round_trip(path, neo4j_driver, neo4j_database)
    with neo4j_driver.session(database=neo4j_database) as session:
        chained = session.run(
            "MATCH (r:Response)-[:TO_DEMAND]->(d:Demand)<-[:PRECONDITION_FOR]-(y:Demand)-[:ABOUT|PRECONDITION_FOR]->(x) "
            "WHERE r.factId = 'ostland-backs-relief' RETURN DISTINCT y.factId AS y, labels(x) AS labels ORDER BY y"
        ).data()
        about = session.run("MATCH (:Demand)-[:ABOUT]->(a:Actor) RETURN collect(a.factId) AS about").single()
    assert {row["y"] for row in chained} == {"coast-withdrawal"}
    assert any("Event" in row["labels"] for row in chained)
    assert about is not None and about["about"] == ["agrarian-bank"]


def test_dataset_formats_carry_the_merged_graph_as_default_graph(
    examples_template: Path, tmp_path: Path, neo4j_driver: neo4j.Driver, neo4j_database: str
) -> None:
    path = copy_store(examples_template, tmp_path / "store")
    _push(path, neo4j_driver, neo4j_database)
    expected = {quad.triple for quad in ox.parse(store_ntriples(path), format=ox.RdfFormat.N_TRIPLES)}
    for format_name, rdf_format in (("nquads", ox.RdfFormat.N_QUADS), ("jsonld", ox.RdfFormat.JSON_LD)):
        output = io.BytesIO()
        export_neo4j(neo4j_driver, neo4j_database, output, format_name)
        quads = list(ox.parse(output.getvalue(), format=rdf_format))
        assert all(isinstance(quad.graph_name, ox.DefaultGraph) for quad in quads), format_name
        assert {quad.triple for quad in quads} == expected and len(quads) == len(expected), format_name
    # JSON-LD from Neo4j is as compact as from the store: the project's prefixes as its context.
    document = json.loads(output.getvalue())
    assert document["@context"] == PREFIXES
    assert str(CF) not in json.dumps(document["@graph"])


def test_types_language_tags_and_odd_values_keep_their_native_type_and_survive(
    examples_template: Path, tmp_path: Path, neo4j_driver: neo4j.Driver, neo4j_database: str
) -> None:
    path = copy_store(examples_template, tmp_path / "store")
    proposal = iri(entity_iri("proposal", "us-30-day-ceasefire"))
    event = iri(entity_iri("event", "typed-values"))
    cf = Nodes(CF)

    def typed(value: str, datatype: str) -> ox.Literal:
        return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype))

    triples = [
        (event, cf.date, typed("2025-05-01", "date")),
        (event, cf.prisoners, typed("175", "integer")),
        (event, cf.fatalities, typed("123456789012345678901234567890", "integer")),  # beyond 64 bits
        (event, cf.place, ox.Literal("Kyiv", language="en")),
        (event, cf.place, ox.Literal("Київ", language="uk")),
        (event, cf.place, ox.Literal("Kyjiw")),
        (event, cf.venue, typed("2.50", "decimal")),
        (event, cf.text, typed("0.1", "double")),
        (event, RDFS_COMMENT, typed("2025", "gYear")),
        (event, SKOS_ALT, ox.Literal("one")),
        (proposal, cf.isWritten, typed("false", "boolean")),
        (proposal, cf.endedOn, typed("2025-05-02", "date")),
    ]
    with Store.open(path) as store:
        store.replace_graphs([(iri(article_graph_iri("typed-values")), [ox.Triple(*triple) for triple in triples])])
    _push(path, neo4j_driver, neo4j_database)
    with neo4j_driver.session(database=neo4j_database) as session:
        node = session.run("MATCH (n:Resource {uri: $uri}) RETURN n", uri=event.value).single()["n"]
        written = session.run("MATCH (n:Resource {uri: $uri}) RETURN n", uri=proposal.value).single()["n"]
    assert node["date"] == Date(2025, 5, 1)
    assert node["prisoners"] == 175 and isinstance(node["prisoners"], int)
    assert node["fatalities"] == "123456789012345678901234567890" and node["fatalities__type"] == XSD + "integer"
    assert node["place"] == ["Kyiv", "Kyjiw", "Київ"] and node["place__lang"] == ["en", "", "uk"]
    # The store keeps decimals canonical ("2.5"), which a double spells exactly.
    assert node["venue"] == 2.5 and node["venue__type"] == XSD + "decimal"
    assert node["text"] == 0.1 and "text__type" not in node  # a float implies xsd:double
    assert node["comment"] == "2025" and node["comment__type"] == XSD + "gYear"
    assert node["altLabel"] == ["one"]
    assert written["isWritten"] is False and written["endedOn"] == Date(2025, 5, 2)
    _assert_round_trip(path, neo4j_driver, neo4j_database)


@pytest.mark.parametrize(
    ("meddling", "named"),
    [
        ("MATCH (n:Actor) WITH n LIMIT 1 SET n:Movie", ":Movie"),
        ("MATCH (n:Actor) WITH n LIMIT 1 SET n.nickname = 'x'", "'nickname'"),
        ("MATCH (a:Actor), (b:Proposal) WITH a, b LIMIT 1 CREATE (a)-[:ACTED_IN]->(b)", ":ACTED_IN"),
        ("MATCH (n:Actor) WITH n LIMIT 1 SET n.label__lang = ['en', 'fr']", "in step"),
    ],
)
def test_data_ckg_did_not_write_is_reported_as_drift(
    examples_template: Path,
    tmp_path: Path,
    neo4j_driver: neo4j.Driver,
    neo4j_database: str,
    meddling: str,
    named: str,
) -> None:
    path = copy_store(examples_template, tmp_path / "store")
    _push(path, neo4j_driver, neo4j_database)
    with neo4j_driver.session(database=neo4j_database) as session:
        session.run(meddling).consume()
    with pytest.raises(SchemaDrift, match=named):
        read_triples(neo4j_driver, neo4j_database)


def test_an_empty_database_reads_back_as_an_empty_graph(neo4j_driver: neo4j.Driver, neo4j_database: str) -> None:
    assert read_triples(neo4j_driver, neo4j_database) == set()
