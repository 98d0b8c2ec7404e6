"""`ckg push` against a real Neo4j: shape, idempotence, increments, crashes, errors."""

from __future__ import annotations

import datetime
import os
import shutil
import signal
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import neo4j
import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from neo4j.time import Date
from rdflib.namespace import DCTERMS, RDF, RDFS

from ceasefire_kg import graph_reader
from ceasefire_kg import neo4j_server as n4j
from ceasefire_kg.cli import cli
from ceasefire_kg.errors import (
    ConcurrentPush,
    GraphDatabaseError,
    Neo4jAuthFailed,
    Neo4jConflict,
    Neo4jDatabaseMissing,
    Neo4jUnreachable,
    SchemaDrift,
)
from ceasefire_kg.namespaces import CF, article_graph_iri, entity_iri, iri, registry_graph_iri
from ceasefire_kg.neo4j_client import MINIMUM_SERVER_VERSION, server_version
from ceasefire_kg.neo4j_read import read_triples
from ceasefire_kg.progress import Progress
from ceasefire_kg.push import INDEXED_PROPERTIES, PushReport, push
from ceasefire_kg.push import run as push_run
from ceasefire_kg.push.statements import Statements
from ceasefire_kg.store import Store
from tests.conftest import Neo4jConnection, start_managed_neo4j
from tests.push_helpers import (
    CuttableProxy,
    copy_store,
    counts,
    empty_database,
    neo4j_ntriples,
    snapshot,
    store_ntriples,
)
from tests.synthetic import load_examples, make_store

pytestmark = pytest.mark.neo4j

SEED = "2025-03-19-trump-zelensky-call"
FOLLOW_UP = "2025-04-09-kremlin-conditional-ceasefire"


@pytest.fixture(scope="session")
def examples_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("examples") / "store"
    load_examples(path)
    return path


@pytest.fixture
def examples(examples_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of a store holding the example articles."""
    return copy_store(examples_template, tmp_path / "examples")


@pytest.fixture(scope="session")
def many_articles_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The examples plus 200 generated articles (about 100,000 triples)."""
    path = tmp_path_factory.mktemp("many") / "store"
    make_store(path, copies=100)
    return path


def _push(path: Path, driver: neo4j.Driver, database: str, **options: object) -> PushReport:
    with Store.open_read_only(path) as store:
        return push(store, driver, database, **options)  # type: ignore[arg-type]


def _clean_push_snapshot(path: Path, driver: neo4j.Driver, database: str) -> tuple[object, bytes]:
    empty_database(driver, database)
    _push(path, driver, database)
    return snapshot(driver, database), neo4j_ntriples(driver, database)


def _assert_like_a_clean_push(path: Path, driver: neo4j.Driver, database: str) -> None:
    incremental = snapshot(driver, database)
    assert neo4j_ntriples(driver, database) == store_ntriples(path)
    clean, clean_rdf = _clean_push_snapshot(path, driver, database)
    assert clean_rdf == store_ntriples(path)
    assert incremental == clean


def _single(driver: neo4j.Driver, database: str, query: str, **params: object) -> neo4j.Record:
    with driver.session(database=database) as session:
        record = session.run(query, **params).single()
    assert record is not None
    return record


# --- shape --------------------------------------------------------------------------


def test_push_writes_the_documented_shape(examples: Path, neo4j_driver: neo4j.Driver, neo4j_database: str) -> None:
    report = _push(examples, neo4j_driver, neo4j_database)
    assert len(report.added) == 4 and not report.changed and not report.removed
    assert report.transactions >= 1 and report.nodes > 200 and report.relationships > 500

    putin = _single(
        neo4j_driver,
        neo4j_database,
        "MATCH (n:Resource {uri: $uri}) RETURN n, labels(n) AS labels",
        uri=str(entity_iri("actor", "putin")),
    )
    assert {"Resource", "Actor", "Person"} <= set(putin["labels"])
    assert putin["n"]["name"] == putin["n"]["label"] == "Vladimir Putin"
    assert putin["n"]["factId"] == "putin"

    article = _single(neo4j_driver, neo4j_database, "MATCH (a:Article {factId: $id}) RETURN a", id=FOLLOW_UP)["a"]
    assert article["issued"] == Date(2025, 4, 9)
    assert article["url"].startswith("https://")
    assert article["articles"] == [FOLLOW_UP]
    assert article["graphs"] == [str(article_graph_iri(FOLLOW_UP))]

    proposal = _single(
        neo4j_driver, neo4j_database, "MATCH (p:Proposal:Ceasefire {factId: 'us-30-day-ceasefire'}) RETURN p"
    )["p"]
    assert proposal["durationDays"] == 30
    assert sorted(proposal["articles"]) == [SEED, FOLLOW_UP]

    demand = _single(
        neo4j_driver,
        neo4j_database,
        "MATCH (d:Demand)-[r:PRECONDITION_FOR]->(p:Proposal) MATCH (d)-[:DEMANDED_BY]->(a:Actor) "
        "RETURN d, r, a LIMIT 1",
    )
    assert demand["r"]["articles"] and demand["r"]["graphs"]
    concept = _single(
        neo4j_driver,
        neo4j_database,
        "MATCH (c:Concept {uri: 'https://w3id.org/ceasefire-kg/scope/comprehensive'}) RETURN c",
    )["c"]
    assert concept["prefLabel"] == "comprehensive ceasefire" and concept["prefLabel__lang"] == "en"
    assert concept["altLabel"] == ["full ceasefire"] and concept["name"] == "comprehensive ceasefire"

    nameless = _single(neo4j_driver, neo4j_database, "MATCH (n:Resource) WHERE n.name IS NULL RETURN count(n) AS n")
    assert nameless["n"] == 0
    with neo4j_driver.session(database=neo4j_database) as session:
        constraints = {r["name"] for r in session.run("SHOW CONSTRAINTS YIELD name")}
    assert "n10s_unique_uri" in constraints
    # A first push fills them once the nodes are written; they are online when it returns.
    assert _ckg_indexes(neo4j_driver, neo4j_database) == dict.fromkeys(_EXPECTED_INDEXES, "ONLINE")


#: The indexes the saved queries need (the mapping has every property INDEXED_PROPERTIES names).
_EXPECTED_INDEXES = {f"ckg_{label}_{prop}" for label, prop in INDEXED_PROPERTIES}


def _ckg_indexes(driver: neo4j.Driver, database: str) -> dict[str, str]:
    """The state of each of ckg's indexes (not its constraints), by name."""
    with driver.session(database=database) as session:
        rows = session.run("SHOW INDEXES YIELD name, state, owningConstraint WHERE owningConstraint IS NULL")
        return {r["name"]: r["state"] for r in rows if r["name"].startswith("ckg_")}


def test_second_push_of_the_same_store_changes_nothing(
    examples: Path, neo4j_driver: neo4j.Driver, neo4j_database: str
) -> None:
    _push(examples, neo4j_driver, neo4j_database)
    before = snapshot(neo4j_driver, neo4j_database)
    report = _push(examples, neo4j_driver, neo4j_database)
    assert (report.added, report.changed, report.removed, report.transactions) == ([], [], [], 0)
    assert report.unchanged == 4
    assert snapshot(neo4j_driver, neo4j_database) == before
    again = _push(examples, neo4j_driver, neo4j_database, rebuild=True)
    assert len(again.added) == 4
    assert snapshot(neo4j_driver, neo4j_database) == before


def test_a_first_push_graph_by_graph_writes_what_one_transaction_writes(
    examples: Path, neo4j_driver: neo4j.Driver, neo4j_database: str
) -> None:
    # Into an empty database nodes are created without a lookup; a node that one graph only
    # points at and a later graph describes must still end up as one node.
    report = _push(examples, neo4j_driver, neo4j_database, batch_triples=1)
    assert report.transactions == 4
    graph_by_graph = snapshot(neo4j_driver, neo4j_database)
    assert neo4j_ntriples(neo4j_driver, neo4j_database) == store_ntriples(examples)
    one, _ = _clean_push_snapshot(examples, neo4j_driver, neo4j_database)
    assert one == graph_by_graph


def test_a_big_first_push_adds_the_indexes_once_its_nodes_are_written(
    examples: Path, neo4j_driver: neo4j.Driver, neo4j_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(push_run, "DEFERRED_INDEXES_MIN_GRAPHS", 1)
    report = _push(examples, neo4j_driver, neo4j_database, batch_triples=1)
    assert report.transactions == 4
    assert _ckg_indexes(neo4j_driver, neo4j_database) == dict.fromkeys(_EXPECTED_INDEXES, "ONLINE")
    assert neo4j_ntriples(neo4j_driver, neo4j_database) == store_ntriples(examples)


def _plan_operators(plan: dict[str, object]) -> list[str]:
    children = plan.get("children") or []
    assert isinstance(children, list)
    own = str(plan["operatorType"]).split("@")[0]
    return [own, *(name for child in children for name in _plan_operators(child))]


@pytest.mark.parametrize(
    "statement",
    [
        "update_relationships",
        "delete_relationships",
        "create_relationships",
        "update_relationships_by_id",
        "delete_relationships_by_id",
        "create_relationships_by_id",
        "collect_garbage",
        "delete_graphs",
    ],
)
def test_push_statements_look_nodes_up_in_the_index_on_a_nearly_empty_database(
    statement: str, examples: Path, neo4j_driver: neo4j.Driver, neo4j_database: str
) -> None:
    # Neo4j plans these when the first transactions run, on a database holding a few graphs;
    # a plan that scanned the whole uri index for every row made a first push of 1M triples
    # take the server 9 s more, until Neo4j planned again.
    _push(examples, neo4j_driver, neo4j_database)
    text = getattr(Statements, statement)
    with neo4j_driver.session(database=neo4j_database) as session:
        plan = session.run(f"CYPHER replan=force EXPLAIN {text}", rows=[], uris=[], iris=[]).consume().plan
    assert plan is not None
    operators = _plan_operators(plan)
    assert not [name for name in operators if "Scan" in name], operators
    seek = "NodeByElementIdSeek" if statement.endswith("_by_id") else "IndexSeek"
    assert any(seek in name for name in operators), operators


def test_add_change_and_retract_send_only_those_articles_and_equal_a_clean_push(
    examples: Path, tmp_path: Path, neo4j_driver: neo4j.Driver, neo4j_database: str
) -> None:
    database, driver = neo4j_database, neo4j_driver
    partial = copy_store(examples, tmp_path / "partial")
    with Store.open(partial) as store:
        store.drop_articles([FOLLOW_UP])
    _push(partial, driver, database)

    # Add an article.
    report = _push(examples, driver, database)
    assert report.added == [str(article_graph_iri(FOLLOW_UP))] and not report.changed and not report.removed
    _assert_like_a_clean_push(examples, driver, database)

    # Change one: a new label, a fact less, a value more.
    putin, label = iri(entity_iri("actor", "putin")), iri(RDFS.label)
    with Store.open(examples) as store:
        graph = iri(article_graph_iri(SEED))
        triples = [q.triple for q in store.quads(graph=graph.value) if "zelensky-accepts" not in str(q.subject)]
        triples = [ox.Triple(s, p, ox.Literal("V. V. Putin") if (s, p) == (putin, label) else o) for s, p, o in triples]
        triples.append(ox.Triple(putin, iri(CF.role), ox.Literal("President of Russia")))
        store.replace_graphs([(graph, triples)])
    report = _push(examples, driver, database)
    assert report.changed == [str(article_graph_iri(SEED))] and not report.added and not report.removed
    _assert_like_a_clean_push(examples, driver, database)

    # Retract one.
    with Store.open(examples) as store:
        store.drop_articles([FOLLOW_UP])
    report = _push(examples, driver, database)
    assert report.removed == [str(article_graph_iri(FOLLOW_UP))] and not report.added and not report.changed
    _assert_like_a_clean_push(examples, driver, database)
    gone = _single(driver, database, "MATCH (a:Article {factId: $id}) RETURN count(a) AS n", id=FOLLOW_UP)
    assert gone["n"] == 0
    kept = _single(driver, database, "MATCH (p:Proposal {factId: 'us-30-day-ceasefire'}) RETURN p.articles AS articles")
    assert kept["articles"] == [SEED]
    for query in (
        "MATCH (n:Resource) WHERE $id IN n.articles RETURN count(n) AS n",
        "MATCH ()-[r]->() WHERE $id IN r.articles RETURN count(r) AS n",
    ):
        assert _single(driver, database, query, id=FOLLOW_UP)["n"] == 0


def test_value_with_cypher_and_quote_characters_is_stored_literally(
    examples: Path, neo4j_driver: neo4j.Driver, neo4j_database: str
) -> None:
    nasty = "\"}) MATCH (n) DETACH DELETE n // ' ` $rows \\ {uri: 'x'} \n\t« » 😀"
    putin = iri(entity_iri("actor", "putin"))
    with Store.open(examples) as store:
        graph = iri(article_graph_iri("injection-test"))
        triples = [
            ox.Triple(putin, iri(CF.text), ox.Literal(nasty)),
            ox.Triple(putin, iri(RDFS.comment), ox.Literal(nasty, language="en")),
        ]
        store.replace_graphs([(graph, triples)])
    _push(examples, neo4j_driver, neo4j_database)
    node = _single(neo4j_driver, neo4j_database, "MATCH (n:Resource {uri: $uri}) RETURN n", uri=putin.value)["n"]
    assert node["text"] == nasty and node["comment"] == nasty and node["comment__lang"] == "en"
    assert "injection-test" in node["articles"]
    assert neo4j_ntriples(neo4j_driver, neo4j_database) == store_ntriples(examples)
    assert counts(neo4j_driver, neo4j_database)[0] > 200


# --- crashes ------------------------------------------------------------------------


def _assert_atomic(path: Path, driver: neo4j.Driver, database: str) -> set[str]:
    """Whatever a crash left: each graph the bookkeeping lists is there whole, and nothing else."""
    with driver.session(database=database) as session:
        pushed = {r["iri"]: r["hash"] for r in session.run("MATCH (g:CkgGraph) RETURN g.iri AS iri, g.hash AS hash")}
    with Store.open_read_only(path) as store:
        hashes = store.graph_hashes()
        assert all(hashes[iri] == digest for iri, digest in pushed.items())
        expected = {f"{q.subject} {q.predicate} {q.object} ." for iri in pushed for q in store.quads(graph=iri)}
    actual = set(neo4j_ntriples(driver, database).decode("utf-8").splitlines())
    assert actual == expected
    return set(pushed)


def _push_that_breaks(
    path: Path, uri: str, neo4j_server: Neo4jConnection, database: str, on_progress: Progress
) -> BaseException | None:
    """Push through a driver to ``uri`` that soon gives up; what the push raised, if anything."""
    with neo4j.GraphDatabase.driver(
        uri,
        auth=(neo4j_server.username, neo4j_server.password),
        max_transaction_retry_time=1.0,
        connection_timeout=5.0,
    ) as breaking_driver:
        try:
            _push(path, breaking_driver, database, batch_triples=3000, on_progress=on_progress)
        except Exception as error:
            return error
    return None


def _crash_then_repush(path: Path, driver: neo4j.Driver, database: str, crashed: BaseException | None) -> None:
    assert isinstance(crashed, GraphDatabaseError), crashed
    with Store.open_read_only(path) as store:
        graphs = len(store.named_graphs())
    survivors = _assert_atomic(path, driver, database)
    assert 0 < len(survivors) < graphs, "the crash should hit the middle of the push"
    report = _push(path, driver, database)
    assert len(report.added) == graphs - len(survivors)
    _assert_like_a_clean_push(path, driver, database)
    # The crash came before the first push could add its indexes; the push that completes it adds them.
    assert _ckg_indexes(driver, database) == dict.fromkeys(_EXPECTED_INDEXES, "ONLINE")


def test_connection_cut_mid_push_leaves_whole_articles_and_a_repush_completes(
    many_articles_template: Path,
    tmp_path: Path,
    neo4j_server: Neo4jConnection,
    neo4j_driver: neo4j.Driver,
    neo4j_database: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A first push as big as one that adds the indexes at its end: the cut comes before that.
    monkeypatch.setattr(push_run, "DEFERRED_INDEXES_MIN_GRAPHS", 1)
    path = copy_store(many_articles_template, tmp_path / "many")
    address = urlsplit(neo4j_server.uri)
    proxy = CuttableProxy(address.hostname or "127.0.0.1", address.port or 7687)

    def arm(stage: str, done: int, total: int | None) -> None:
        if done >= (total or 0) // 3:
            proxy.arm(after_bytes=50_000)

    # bolt:// straight through the proxy: a routing table would send the driver around it.
    crashed = _push_that_breaks(path, f"bolt://127.0.0.1:{proxy.port}", neo4j_server, neo4j_database, arm)
    proxy.cut()
    _crash_then_repush(path, neo4j_driver, neo4j_database, crashed)


def test_server_killed_mid_push_leaves_whole_articles_and_a_repush_completes(
    many_articles_template: Path,
    tmp_path: Path,
    neo4j_server: Neo4jConnection,
    neo4j_driver: neo4j.Driver,
    neo4j_database: str,
    pytestconfig: pytest.Config,
) -> None:
    settings = neo4j_server.settings
    if settings is None:
        pytest.skip("kills the server process: needs the managed test server, not NEO4J_URI")
    path = copy_store(many_articles_template, tmp_path / "many")
    killed = threading.Event()

    def kill(stage: str, done: int, total: int | None) -> None:
        if done >= (total or 0) // 3 and not killed.is_set():
            killed.set()
            pid = n4j.status(settings).pid
            assert pid is not None

            def later() -> None:
                time.sleep(0.3)  # into the next transaction
                os.kill(pid, signal.SIGKILL)

            threading.Thread(target=later, daemon=True).start()

    try:
        crashed = _push_that_breaks(path, neo4j_server.uri, neo4j_server, neo4j_database, kill)
    finally:
        deadline = time.monotonic() + 30
        while n4j.status(settings).running and time.monotonic() < deadline:
            time.sleep(0.2)
        start_managed_neo4j(settings, neo4j_server.password, pytestconfig)
    _crash_then_repush(path, neo4j_driver, neo4j_database, crashed)


# --- errors -------------------------------------------------------------------------


def test_unreachable_server_wrong_password_and_missing_database_are_explained(
    examples: Path, neo4j_server: Neo4jConnection, neo4j_database: str
) -> None:
    with neo4j.GraphDatabase.driver("bolt://127.0.0.1:1", auth=("neo4j", "x"), connection_timeout=2.0) as driver:
        with pytest.raises(Neo4jUnreachable, match=r"127\.0\.0\.1:1.*ckg neo4j start.*NEO4J_URI"):
            _push(examples, driver, neo4j_database)
    with neo4j.GraphDatabase.driver(neo4j_server.uri, auth=(neo4j_server.username, "wrong-password")) as driver:
        with pytest.raises(Neo4jAuthFailed, match="--password"):
            _push(examples, driver, neo4j_database)
    with neo4j.GraphDatabase.driver(neo4j_server.uri, auth=(neo4j_server.username, neo4j_server.password)) as driver:
        with pytest.raises(Neo4jDatabaseMissing, match=r"no database 'no-such-db'.*--database"):
            _push(examples, driver, "no-such-db")


@pytest.mark.parametrize(
    ("agent", "version"),
    [("Neo4j/5.26.30", (5, 26)), ("Neo4j/2025.10.1", (2025, 10)), ("Neo4j/5.20.0", (5, 20)), ("Memgraph", None)],
)
def test_the_server_version_comes_from_its_agent(agent: str, version: tuple[int, int] | None) -> None:
    assert server_version(agent) == version


def test_the_managed_server_keeps_only_a_little_transaction_log(neo4j_driver: neo4j.Driver) -> None:
    # Two days of logs (Neo4j's default) after a day of big pushes filled a disk.
    with neo4j_driver.session() as session:
        record = session.run(
            "SHOW SETTINGS YIELD name, value WHERE name = 'db.tx_log.rotation.retention_policy' RETURN value"
        ).single()
    assert record is not None and record["value"] == "1G size"


def test_the_managed_server_is_recent_enough(neo4j_driver: neo4j.Driver) -> None:
    # push names labels and types with Cypher's dynamic $(...) syntax, new in 5.26.
    version = server_version(neo4j_driver.get_server_info().agent)
    assert version is not None and version >= MINIMUM_SERVER_VERSION


def test_foreign_rdf_in_the_database_is_not_overwritten(
    examples: Path, neo4j_driver: neo4j.Driver, neo4j_database: str
) -> None:
    with neo4j_driver.session(database=neo4j_database) as session:
        session.run("CREATE (:Resource {uri: 'http://example.org/imported-by-n10s'})").consume()
    with pytest.raises(Neo4jConflict, match=r"imported-by-n10s.*empty database"):
        _push(examples, neo4j_driver, neo4j_database)
    assert counts(neo4j_driver, neo4j_database) == (1, 0)


def test_a_constraint_that_rejects_the_data_fails_the_push_whole(
    examples: Path, neo4j_driver: neo4j.Driver, neo4j_database: str
) -> None:
    # Two CAMEO/PLOVER concepts are both called "consult".
    with neo4j_driver.session(database=neo4j_database) as session:
        session.run("CREATE CONSTRAINT foreign_name FOR (c:Concept) REQUIRE c.name IS UNIQUE").consume()
    with pytest.raises(Neo4jConflict, match="constraint"):
        _push(examples, neo4j_driver, neo4j_database)
    assert _single(neo4j_driver, neo4j_database, "MATCH (n:Resource) RETURN count(n) AS n")["n"] == 0


def test_an_existing_n10s_constraint_is_used(examples: Path, neo4j_driver: neo4j.Driver, neo4j_database: str) -> None:
    with neo4j_driver.session(database=neo4j_database) as session:
        session.run("CREATE CONSTRAINT n10s_unique_uri FOR (r:Resource) REQUIRE r.uri IS UNIQUE").consume()
    _push(examples, neo4j_driver, neo4j_database)
    assert neo4j_ntriples(neo4j_driver, neo4j_database) == store_ntriples(examples)


def test_a_term_outside_the_mapping_is_drift_and_nothing_is_written(
    examples: Path, neo4j_driver: neo4j.Driver, neo4j_database: str
) -> None:
    with Store.open(examples) as store:
        store.replace_graphs(
            [
                (
                    iri(article_graph_iri("drifting")),
                    [
                        ox.Triple(
                            iri(entity_iri("actor", "putin")),
                            iri("https://example.org/vocab#nickname"),
                            ox.Literal("VVP"),
                        ),
                    ],
                )
            ]
        )
    with pytest.raises(SchemaDrift, match=r"<https://example\.org/vocab#nickname>"):
        _push(examples, neo4j_driver, neo4j_database)
    assert _single(neo4j_driver, neo4j_database, "MATCH (n:Resource) RETURN count(n) AS n")["n"] == 0


def test_a_database_pushed_with_another_mapping_needs_a_rebuild(
    examples: Path, neo4j_driver: neo4j.Driver, neo4j_database: str
) -> None:
    _push(examples, neo4j_driver, neo4j_database)
    expected = snapshot(neo4j_driver, neo4j_database)
    with neo4j_driver.session(database=neo4j_database) as session:
        session.run("MATCH (m:CkgMeta) SET m.mapping = 'an-older-mapping'").consume()
    with pytest.raises(SchemaDrift, match="--rebuild"):
        _push(examples, neo4j_driver, neo4j_database)
    _push(examples, neo4j_driver, neo4j_database, rebuild=True)
    assert snapshot(neo4j_driver, neo4j_database) == expected


def test_a_concurrent_push_is_detected(examples: Path, neo4j_driver: neo4j.Driver, neo4j_database: str) -> None:
    def meddle(stage: str, done: int, total: int | None) -> None:
        if done == 0:
            with neo4j_driver.session(database=neo4j_database) as session:
                session.run("MATCH (m:CkgMeta) SET m.revision = m.revision + 1").consume()

    with pytest.raises(ConcurrentPush, match="run `ckg push` again"):
        _push(examples, neo4j_driver, neo4j_database, on_progress=meddle)
    assert _single(neo4j_driver, neo4j_database, "MATCH (n:Resource) RETURN count(n) AS n")["n"] == 0
    _push(examples, neo4j_driver, neo4j_database)
    assert neo4j_ntriples(neo4j_driver, neo4j_database) == store_ntriples(examples)


# --- command line -------------------------------------------------------------------


def test_cli_push_and_export_from_neo4j(
    examples: Path, tmp_path: Path, neo4j_server: Neo4jConnection, neo4j_driver: neo4j.Driver, neo4j_database: str
) -> None:
    env = {
        "NEO4J_URI": neo4j_server.uri,
        "NEO4J_USERNAME": neo4j_server.username,
        "NEO4J_PASSWORD": neo4j_server.password,
        "NEO4J_DATABASE": neo4j_database,
        "CKG_STORE": str(examples),
    }
    runner = CliRunner()
    first = runner.invoke(cli, ["push"], env=env)
    assert first.exit_code == 0, first.output
    assert "Pushed 4 new" in first.output
    second = runner.invoke(cli, ["push"], env=env)
    assert second.exit_code == 0 and "already up to date" in second.output
    out = tmp_path / "from-neo4j.nt"
    exported = runner.invoke(cli, ["export", "--from", "neo4j", "-f", "ntriples", "-o", str(out)], env=env)
    assert exported.exit_code == 0, exported.output
    assert out.read_bytes() == store_ntriples(examples)
    bad = runner.invoke(cli, ["push", "--password", "not-the-password"], env=env)
    assert bad.exit_code == 1 and "Error: Neo4j refused the user name or password" in bad.output
    bad_uri = runner.invoke(cli, ["push", "--uri", "http://127.0.0.1:7474"], env=env)
    assert bad_uri.exit_code == 1 and "not a Bolt URI" in bad_uri.output


def test_the_stores_recorded_hashes_are_only_a_shortcut(
    examples: Path, neo4j_driver: neo4j.Driver, neo4j_database: str
) -> None:
    _push(examples, neo4j_driver, neo4j_database)
    before = snapshot(neo4j_driver, neo4j_database)
    (examples / "graph-hashes.json").unlink()  # a store written before hashes were recorded
    assert not _push(examples, neo4j_driver, neo4j_database).transactions
    (examples / "graph-hashes.json").write_text(f'{{"hashes": {{"{article_graph_iri(SEED)}": "stale"}}}}')
    report = _push(examples, neo4j_driver, neo4j_database)
    assert (report.added, report.changed, report.transactions, report.unchanged) == ([], [], 0, 4)
    assert snapshot(neo4j_driver, neo4j_database) == before


def test_graphs_read_in_a_second_process_push_the_same_graph(
    examples: Path, neo4j_driver: neo4j.Driver, neo4j_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _push(examples, neo4j_driver, neo4j_database)  # the texts kept beside the store, in this process
    in_process = snapshot(neo4j_driver, neo4j_database)
    empty_database(neo4j_driver, neo4j_database)
    shutil.rmtree(examples / "graph-texts")  # a store written before the texts were kept: Oxigraph's
    monkeypatch.setattr(graph_reader, "PROCESS_GRAPHS", 1)  # what a big push does
    report = _push(examples, neo4j_driver, neo4j_database, batch_triples=300)
    assert report.transactions > 1 and len(report.added) == 4
    assert snapshot(neo4j_driver, neo4j_database) == in_process
    assert neo4j_ntriples(neo4j_driver, neo4j_database) == store_ntriples(examples)


# --- knowledge time: known and <name>__known ---------------------------------------------


_Fact = tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.Literal]


def _article(slug: str, published: str, *facts: _Fact) -> tuple[ox.NamedNode, list[ox.Triple]]:
    """An article graph: its article node with a publication date, and some triples."""
    article = iri(entity_iri("article", slug))
    triples = [
        ox.Triple(article, iri(RDF.type), iri(CF.Article)),
        ox.Triple(
            article, iri(DCTERMS.issued), ox.Literal(published, datatype=iri("http://www.w3.org/2001/XMLSchema#date"))
        ),
        *(ox.Triple(*fact) for fact in facts),
    ]
    return iri(article_graph_iri(slug)), triples


_ENVOY = iri(entity_iri("actor", "known-test-envoy"))
_PRINCIPAL = iri(entity_iri("actor", "known-test-principal"))


def _store_and_push(
    examples: Path, driver: neo4j.Driver, database: str, *graphs: tuple[ox.NamedNode, list[ox.Triple]]
) -> None:
    """Puts ``graphs`` in the store (replacing graphs of the same name) and pushes it."""
    with Store.open(examples) as store:
        store.replace_graphs(list(graphs))
    _push(examples, driver, database)


def _registry_with_the_envoy() -> tuple[ox.NamedNode, list[ox.Triple]]:
    """A registry graph that declares the envoy, known from the start."""
    envoy = [
        ox.Triple(_ENVOY, iri(RDF.type), iri(CF.Actor)),
        ox.Triple(_ENVOY, iri(RDFS.label), ox.Literal("The envoy")),
    ]
    return iri(registry_graph_iri("known-test")), envoy


def _envoy_articles() -> dict[str, tuple[ox.NamedNode, list[ox.Triple]]]:
    name = (_ENVOY, iri(RDFS.label), ox.Literal("The envoy"))
    return {
        # Published in March: the envoy, his name, his role, whom he represents.
        "march": _article(
            "known-test-march",
            "2031-03-10",
            (_ENVOY, iri(RDF.type), iri(CF.Actor)),
            name,
            (_ENVOY, iri(CF.role), ox.Literal("special envoy")),
            (_ENVOY, iri(CF.represents), _PRINCIPAL),
        ),
        # Published earlier, in January, but pushed later: only the envoy and his name.
        "january": _article("known-test-january", "2031-01-05", (_ENVOY, iri(RDF.type), iri(CF.Actor)), name),
    }


def _envoy(driver: neo4j.Driver, database: str) -> tuple[dict[str, object], object, bool]:
    record = _single(
        driver,
        database,
        "MATCH (e:Resource {uri: $uri}) OPTIONAL MATCH (e)-[r:REPRESENTS]->(p:Resource) "
        "RETURN properties(e) AS e, r.known AS rel, p.known IS NULL AS principal_unknown",
        uri=_ENVOY.value,
    )
    return record["e"], record["rel"], record["principal_unknown"]


def test_known_is_the_earliest_publication_and_follows_pushes_and_retractions(
    examples: Path, neo4j_driver: neo4j.Driver, neo4j_database: str
) -> None:
    driver, database = neo4j_driver, neo4j_database
    articles = _envoy_articles()
    with Store.open(examples) as store:
        store.replace_graphs([articles["march"]])
    _push(examples, driver, database)
    envoy, rel, principal_unknown = _envoy(driver, database)
    assert envoy["known"] == Date(2031, 3, 10) and rel == Date(2031, 3, 10)
    assert not any(key.endswith("__known") for key in envoy), "every value is known with the node"
    assert principal_unknown, "a node that is only an object has no known"

    # An earlier article pushed later lowers what it also asserts, and only that.
    with Store.open(examples) as store:
        store.replace_graphs([articles["january"]])
    _push(examples, driver, database)
    envoy, rel, _ = _envoy(driver, database)
    assert envoy["known"] == Date(2031, 1, 5)
    assert envoy["role__known"] == Date(2031, 3, 10) and "label__known" not in envoy
    assert rel == Date(2031, 3, 10)
    _assert_like_a_clean_push(examples, driver, database)

    # Retracting it raises them again.
    with Store.open(examples) as store:
        store.drop_articles(["known-test-january"])
    _push(examples, driver, database)
    envoy, rel, _ = _envoy(driver, database)
    assert envoy["known"] == Date(2031, 3, 10) and "role__known" not in envoy and rel == Date(2031, 3, 10)
    _assert_like_a_clean_push(examples, driver, database)

    # A changed publication date moves known with it.
    facts: list[_Fact] = [(t.subject, t.predicate, t.object) for t in articles["march"][1][2:]]  # type: ignore[misc]
    with Store.open(examples) as store:
        store.replace_graphs([_article("known-test-march", "2031-02-01", *facts)])
    _push(examples, driver, database)
    envoy, rel, _ = _envoy(driver, database)
    assert envoy["known"] == Date(2031, 2, 1) and rel == Date(2031, 2, 1)
    _assert_like_a_clean_push(examples, driver, database)


def test_what_a_registry_asserts_is_known_from_the_start(
    examples: Path, neo4j_driver: neo4j.Driver, neo4j_database: str
) -> None:
    driver, database = neo4j_driver, neo4j_database
    _store_and_push(examples, driver, database, _envoy_articles()["march"], _registry_with_the_envoy())
    envoy, rel, _ = _envoy(driver, database)
    assert "known" not in envoy and "label__known" not in envoy
    assert envoy["role__known"] == Date(2031, 3, 10) and rel == Date(2031, 3, 10)
    # The examples: a registry actor, facts of both articles, the ontology.
    putin = _single(driver, database, "MATCH (a:Actor {factId: 'putin'}) RETURN a.known AS known")
    assert putin["known"] is None
    proposal = _single(driver, database, "MATCH (p:Proposal {factId: 'us-30-day-ceasefire'}) RETURN p.known AS known")
    assert proposal["known"] == Date(2025, 3, 19)
    follow_up = _single(driver, database, "MATCH (a:Article {factId: $id}) RETURN a.known AS known", id=FOLLOW_UP)
    assert follow_up["known"] == Date(2025, 4, 9)
    ontology = _single(driver, database, "MATCH (c:Class) WHERE c.known IS NOT NULL RETURN count(c) AS n")
    assert ontology["n"] == 0
    assert neo4j_ntriples(driver, database) == store_ntriples(examples), "known is never read back"


def test_values_known_from_the_start_and_later_share_one_known_list(
    examples: Path, neo4j_driver: neo4j.Driver, neo4j_database: str
) -> None:
    """A registry's value and an article's later one: a ``__known`` list that cannot hold null."""
    driver, database = neo4j_driver, neo4j_database
    march = _article("known-test-march", "2031-03-10", (_ENVOY, iri(RDFS.label), ox.Literal("Envoy of March")))
    _store_and_push(examples, driver, database, march, _registry_with_the_envoy())
    envoy, _, _ = _envoy(driver, database)
    assert "known" not in envoy
    assert envoy["label"] == ["Envoy of March", "The envoy"]
    assert envoy["label__known"] == [Date(2031, 3, 10), Date(1, 1, 1)], "known from the start: 0001-01-01"
    assert neo4j_ntriples(driver, database) == store_ntriples(examples)
    before = read_triples(driver, database, known_by=datetime.date(2031, 3, 9))
    labels = {t.object.value for t in before if t.subject == _ENVOY and t.predicate == iri(RDFS.label)}
    assert labels == {"The envoy"}
    _assert_like_a_clean_push(examples, driver, database)
