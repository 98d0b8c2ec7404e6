"""Issue 13's event fields downstream of the loader: `analyze brokers` and the Neo4j round trip.

The data is ``tests/loaders/data/2031-05-12-harbour-talks.yaml``: Corvian envoys
shuttle between Ardenia and Belmar (proximity talks), Corvia then meets Belmar
directly, and the other events use every other new field.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import neo4j
import pytest
from neo4j.time import Date
from rdflib import Literal, URIRef
from rdflib.compare import isomorphic

from ceasefire_kg import analysis
from ceasefire_kg.backends import LocalBackend
from ceasefire_kg.namespaces import CF, entity_iri
from ceasefire_kg.store import Store
from tests.cli_helpers import run_ckg
from tests.conftest import Neo4jConnection
from tests.corpus import load_store
from tests.push_helpers import rdf_graph, store_ntriples

DATA = Path(__file__).parent / "loaders" / "data"
HARBOUR = "2031-05-12-harbour-talks"
ARDENIA, BELMAR, CORVIA = (str(entity_iri("actor", slug)) for slug in ("ardenia", "belmar", "corvia"))


def harbour_store(folder: Path, *, talks_format: str = "proximity") -> Path:
    """The harbour article, with its first round of talks held in ``talks_format``, loaded into ``folder/store``."""
    articles = folder / "articles"
    articles.mkdir()
    shutil.copy(DATA / f"{HARBOUR}.txt", articles / f"{HARBOUR}.txt")
    text = (DATA / f"{HARBOUR}.yaml").read_text(encoding="utf-8")
    assert text.count("format: proximity") == 1
    (articles / f"{HARBOUR}.yaml").write_text(text.replace("format: proximity", f"format: {talks_format}"))
    return load_store(folder / "store", [articles])


def harbour_brokers(folder: Path, talks_format: str) -> analysis.Brokers:
    with Store.open_read_only(harbour_store(folder, talks_format=talks_format)) as store:
        return analysis.brokers(analysis.NegotiationGraph.read(LocalBackend(store)))


# --- analyze brokers --------------------------------------------------------------------


def test_proximity_talks_tie_each_side_to_the_mediator_only(tmp_path: Path) -> None:
    network = harbour_brokers(tmp_path, "proximity").network
    # The sides never met: no tie between them, only through the envoys who shuttled.
    assert not network.has_edge(ARDENIA, BELMAR)
    assert network.edges[ARDENIA, CORVIA]["kinds"] == "mediation"
    assert network.edges[BELMAR, CORVIA]["kinds"] == "mediation; meeting"  # and the direct meeting on Sunday
    assert network.nodes[CORVIA]["betweenness"] == 1.0


def test_direct_talks_with_a_mediator_tie_the_sides_to_each_other(tmp_path: Path) -> None:
    """The control: the same talks held directly bring the sides into contact, and Corvia brokers nothing."""
    network = harbour_brokers(tmp_path, "direct").network
    assert network.edges[ARDENIA, BELMAR]["kinds"] == "talks"
    assert network.nodes[CORVIA]["betweenness"] == 0.0


def test_brokers_from_the_command_line_show_the_mediator_between_the_sides(tmp_path: Path) -> None:
    store = harbour_store(tmp_path)
    result = run_ckg("analyze", "brokers", "--store", store, "-f", "json")
    assert result.exit_code == 0, result.output
    assert '"actor": "Corvia"' in result.stdout and '"betweenness": 1.0' in result.stdout


# --- push and read back -------------------------------------------------------------------


@pytest.mark.neo4j
def test_every_new_event_field_survives_push_and_export_from_neo4j(
    tmp_path: Path, neo4j_server: Neo4jConnection, neo4j_driver: neo4j.Driver, neo4j_database: str
) -> None:
    store = harbour_store(tmp_path)
    env = {
        "NEO4J_URI": neo4j_server.uri,
        "NEO4J_USERNAME": neo4j_server.username,
        "NEO4J_PASSWORD": neo4j_server.password,
        "NEO4J_DATABASE": neo4j_database,
        "CKG_STORE": str(store),
    }
    pushed = run_ckg("push", env=env)
    assert pushed.exit_code == 0, pushed.output
    out = tmp_path / "from-neo4j.nt"
    exported = run_ckg("export", "--from", "neo4j", "-f", "ntriples", "-o", out, env=env)
    assert exported.exit_code == 0, exported.output
    expected, actual = rdf_graph(store_ntriples(store)), rdf_graph(out.read_bytes())
    assert isomorphic(actual, expected)
    assert out.read_bytes() == store_ntriples(store)

    # Each new field is in what came back, not only in both sides equally absent.
    def event(slug: str) -> URIRef:
        return URIRef(str(entity_iri("event", slug)))

    xsd = "http://www.w3.org/2001/XMLSchema#"
    talks, strike = event("harbour-truce-talks-round-1"), event("amber-harbour-drone-strike")
    for triple in [
        (talks, CF.endDate, Literal("2031-05-10", datatype=URIRef(xsd + "date"))),
        (talks, CF.talksFormat, Literal("proximity")),
        (strike, CF.wounded, Literal("14", datatype=URIRef(xsd + "integer"))),
        (strike, CF.authorship, Literal("alleged")),
        (strike, CF.accordingTo, URIRef(BELMAR)),
        (event("amber-approaches-mined"), CF.eventType, URIRef("https://w3id.org/ceasefire-kg/event-type/mine-laying")),
    ]:
        assert triple in actual, triple

    # Native Neo4j types, as docs/property-graph.md describes them.
    records, _, _ = neo4j_driver.execute_query(
        "MATCH (e:Event {uri: $uri}) RETURN e.endDate AS end_date, e.talksFormat AS format",
        {"uri": str(talks)},
        database_=neo4j_database,
    )
    assert (records[0]["end_date"], records[0]["format"]) == (Date(2031, 5, 10), "proximity")
    records, _, _ = neo4j_driver.execute_query(
        "MATCH (e:Event {uri: $uri})-[:ACCORDING_TO]->(source:Actor) "
        "RETURN e.wounded AS wounded, e.authorship AS authorship, collect(source.uri) AS sources",
        {"uri": str(strike)},
        database_=neo4j_database,
    )
    assert (records[0]["wounded"], records[0]["authorship"], records[0]["sources"]) == (14, "alleged", [BELMAR])
