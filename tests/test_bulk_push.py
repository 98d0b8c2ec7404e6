"""`ckg push --bulk` / `--replace`: a first push through Neo4j's offline importer into the managed server.

The tests that import stop and start the test session's managed server (about
a minute each on a small machine), so there are few of them and each checks
much: the graph read back, the same nodes and relationships as a Bolt push,
and an incremental Bolt push on top.
"""

from __future__ import annotations

from pathlib import Path

import neo4j
import pyoxigraph as ox
import pytest
from neo4j.time import Date

from ceasefire_kg import neo4j_server as n4j
from ceasefire_kg.cli import neo4j_commands
from ceasefire_kg.namespaces import CF, Nodes, article_graph_iri, entity_iri, iri, registry_graph_iri
from ceasefire_kg.neo4j_server.admin_import import Neo4jImportFailed
from ceasefire_kg.push import bulk, push
from ceasefire_kg.store import Store
from tests.cli_helpers import run_ckg
from tests.conftest import Neo4jConnection, clean_database, start_managed_neo4j
from tests.push_helpers import copy_store, neo4j_ntriples, snapshot, store_ntriples
from tests.synthetic import load_examples

pytestmark = pytest.mark.neo4j

FOLLOW_UP = "2025-04-09-kremlin-conditional-ceasefire"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS_ALT = ox.NamedNode("http://www.w3.org/2004/02/skos/core#altLabel")
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
DCTERMS_ISSUED = ox.NamedNode("http://purl.org/dc/terms/issued")
ENVOY = iri(entity_iri("actor", "known-mix-envoy"))


@pytest.fixture(scope="module")
def examples_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example articles plus an article of values CSV cannot simply carry."""
    path = tmp_path_factory.mktemp("bulk") / "store"
    load_examples(path)
    event = iri(entity_iri("event", "odd-values"))
    cf = Nodes(CF)
    triples = [
        (event, cf.text, ox.Literal('first line\nsecond line, with a comma and a "quote"')),
        (event, cf.venue, ox.Literal("carriage\rreturn")),
        (event, cf.place, ox.Literal("Kyiv", language="en")),
        (event, cf.place, ox.Literal("Київ", language="uk")),
        (event, cf.place, ox.Literal("Kyjiw")),
        (event, cf.prisoners, ox.Literal("175", datatype=ox.NamedNode(XSD + "integer"))),
        (event, cf.date, ox.Literal("2025-05-01", datatype=ox.NamedNode(XSD + "date"))),
        (event, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment"), ox.Literal("")),
        (event, SKOS_ALT, ox.Literal("")),
        (iri(entity_iri("actor", "putin")), SKOS_ALT, ox.Literal("a\x1fb;c")),
    ]
    # A value a registry asserts (known from the start) beside one a later article adds.
    article = iri(entity_iri("article", "known-mix"))
    known_mix = [
        (article, RDF_TYPE, iri(CF.Article)),
        (article, DCTERMS_ISSUED, ox.Literal("2031-03-10", datatype=ox.NamedNode(XSD + "date"))),
        (ENVOY, RDFS_LABEL, ox.Literal("Envoy of March")),
    ]
    registry = [(ENVOY, RDF_TYPE, iri(CF.Actor)), (ENVOY, RDFS_LABEL, ox.Literal("The envoy"))]
    with Store.open(path) as store:
        store.replace_graphs(
            [
                (iri(article_graph_iri("odd-values")), [ox.Triple(*triple) for triple in triples]),
                (iri(article_graph_iri("known-mix")), [ox.Triple(*triple) for triple in known_mix]),
                (iri(registry_graph_iri("known-mix")), [ox.Triple(*triple) for triple in registry]),
            ]
        )
    return path


@pytest.fixture
def managed(managed_neo4j_server: Neo4jConnection, pytestconfig: pytest.Config) -> Neo4jConnection:
    """The managed test server, running, with an empty database."""
    assert managed_neo4j_server.settings is not None
    if not n4j.status(managed_neo4j_server.settings).running:
        start_managed_neo4j(managed_neo4j_server.settings, managed_neo4j_server.password, pytestconfig)
    with _driver(managed_neo4j_server) as driver:
        clean_database(driver, managed_neo4j_server.database)
    return managed_neo4j_server


def _driver(server: Neo4jConnection) -> neo4j.Driver:
    return neo4j.GraphDatabase.driver(server.uri, auth=(server.username, server.password))


def _push_cli(server: Neo4jConnection, store: Path, *options: str) -> tuple[int, str, str]:
    assert server.settings is not None
    result = run_ckg(
        "push",
        "--store",
        store,
        "--uri",
        server.uri,
        "--password",
        server.password,
        "--home",
        server.settings.home,
        *options,
    )
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def test_a_bulk_push_writes_what_a_bolt_push_writes_and_later_pushes_are_incremental(
    examples_template: Path, tmp_path: Path, managed: Neo4jConnection
) -> None:
    first = copy_store(examples_template, tmp_path / "first")
    with Store.open(first) as store:
        store.drop_articles([FOLLOW_UP])

    code, out, err = _push_cli(managed, first, "--bulk")
    assert code == 0, err
    assert out.startswith("Imported 6 graphs (") and "neo4j-admin database import full" in out
    assert "Running neo4j-admin database import full..." in err
    with _driver(managed) as driver:
        assert neo4j_ntriples(driver, managed.database) == store_ntriples(first)
        bulk = snapshot(driver, managed.database)
        with driver.session(database=managed.database) as session:
            event = session.run(
                "MATCH (n:Resource {uri: $uri}) RETURN n", uri=str(entity_iri("event", "odd-values"))
            ).single()["n"]
            meta = session.run("MATCH (m:CkgMeta) RETURN m").single()["m"]
            envoy = session.run("MATCH (n:Resource {uri: $uri}) RETURN n", uri=ENVOY.value).single()["n"]
            constraints = {r["name"] for r in session.run("SHOW CONSTRAINTS YIELD name")}
        assert event["text"].startswith("first line\nsecond line") and event["venue"] == "carriage\rreturn"
        assert event["altLabel"] == [""] and event["comment"] == ""
        assert envoy["label"] == ["Envoy of March", "The envoy"] and "known" not in envoy
        assert envoy["label__known"] == [Date(2031, 3, 10), Date(1, 1, 1)], "a list cannot hold null"
        assert meta["rebuilding"] is False and meta["revision"] == 1 and meta["mapping"]
        assert {"n10s_unique_uri", "ckg_graph_iri", "ckg_meta_id"} <= constraints

    # A later push (a small store: over Bolt) sends just the new article.
    second = copy_store(examples_template, tmp_path / "second")
    code, out, err = _push_cli(managed, second)
    assert code == 0, err
    assert out.startswith("Pushed 1 new, 0 changed and 0 removed graphs"), out
    with _driver(managed) as driver:
        assert neo4j_ntriples(driver, managed.database) == store_ntriples(second)
        incremental = snapshot(driver, managed.database)
        # The same graph as Bolt pushes make, first into an empty database, then incrementally.
        clean_database(driver, managed.database)
        with Store.open_read_only(first) as store:
            push(store, driver, managed.database)
        assert snapshot(driver, managed.database) == bulk
        with Store.open_read_only(second) as store:
            push(store, driver, managed.database)
        assert snapshot(driver, managed.database) == incremental


def test_a_first_push_takes_the_bulk_path_by_itself_only_from_the_threshold_on(
    examples_template: Path, managed: Neo4jConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store.open_read_only(examples_template) as store:
        stored = sum(store.graph_sizes().values())
    # One triple short of the threshold: a Bolt push, although the database is empty.
    monkeypatch.setattr(neo4j_commands, "BULK_PUSH_MIN_TRIPLES", stored + 1)
    code, out, err = _push_cli(managed, examples_template)
    assert code == 0, err
    assert out.startswith("Pushed 7 new, 0 changed and 0 removed graphs"), out

    with _driver(managed) as driver:
        clean_database(driver, managed.database)
    monkeypatch.setattr(neo4j_commands, "BULK_PUSH_MIN_TRIPLES", stored)
    code, out, err = _push_cli(managed, examples_template)
    assert code == 0, err
    assert out.startswith("Imported 7 graphs (") and "neo4j-admin database import full" in out
    with _driver(managed) as driver:
        assert neo4j_ntriples(driver, managed.database) == store_ntriples(examples_template)


def test_replace_overwrites_a_database_that_holds_data(examples_template: Path, managed: Neo4jConnection) -> None:
    with _driver(managed) as driver:
        driver.execute_query("CREATE (:Movie {title: 'not ckg'})", database_=managed.database)
    code, _, err = _push_cli(managed, examples_template, "--bulk")
    assert code == 1
    assert err == (
        "Error: The database 'neo4j' of the managed Neo4j holds 1 nodes, and a bulk push overwrites the whole "
        "database. Give --replace to overwrite it with the store, or push incrementally over Bolt (without --bulk).\n"
    )

    code, out, err = _push_cli(managed, examples_template, "--replace")
    assert code == 0, err
    assert out.startswith("Imported 7 graphs (")
    with _driver(managed) as driver:
        assert (
            driver.execute_query("MATCH (m:Movie) RETURN count(m) AS n", database_=managed.database).records[0]["n"]
            == 0
        )
        assert neo4j_ntriples(driver, managed.database) == store_ntriples(examples_template)
    # Pushing again finds nothing to send.
    code, out, err = _push_cli(managed, examples_template)
    assert code == 0, err
    assert out.startswith("Neo4j was already up to date (7 graphs).")


def test_a_failed_import_starts_the_server_again_and_says_what_to_do(
    examples_template: Path, managed: Neo4jConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing_import(*_: object, **__: object) -> str:
        raise Neo4jImportFailed("neo4j-admin database import full exited with 1 while at 'Node import':\nno space left")

    monkeypatch.setattr(bulk, "import_full", failing_import)
    code, _, err = _push_cli(managed, examples_template, "--bulk")
    assert code == 1
    assert err.endswith(
        "Error: neo4j-admin database import full exited with 1 while at 'Node import':\nno space left\n"
        "Neo4j was started again; its database 'neo4j' may be as before or empty. Fix the cause shown above, "
        "then run `ckg push --replace` to import the store again.\n"
    )
    assert managed.settings is not None and n4j.status(managed.settings).running
    # Nothing was imported: a push over Bolt still works.
    code, out, err = _push_cli(managed, examples_template, "--no-bulk")
    assert code == 0, err
    assert out.startswith("Pushed 7 new, 0 changed and 0 removed graphs")
