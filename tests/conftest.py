"""Shared test fixtures: a Neo4j server for the tests that need one, and the data sets' stores.

Tests that need Neo4j take the ``neo4j_driver`` (or ``neo4j_database``) fixture
and carry ``@pytest.mark.neo4j``. The server is either

* an external one, when ``NEO4J_URI`` is set (with ``NEO4J_USERNAME``,
  ``NEO4J_PASSWORD`` and ``NEO4J_DATABASE``; that database is emptied before
  every test that uses it, so never point it at data you want to keep), or
* the managed one of :mod:`ceasefire_kg.neo4j_server`, started once per test
  session in a dedicated home (``CKG_TEST_NEO4J_HOME``, by default a folder in the
  user cache so that its jars are downloaded only once) on ports 17687/17474, so
  that it never clashes with a server of the user's, and stopped at the end.

When Neo4j cannot be had, the tests that need it are skipped with the reason,
except under ``CI=true``, where they fail: CI must never pass by skipping.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import neo4j
import platformdirs
import pytest

from ceasefire_kg import neo4j_server as n4j
from ceasefire_kg.browser import post_connect_command
from ceasefire_kg.errors import CkgError
from tests.paths import in_ci

TEST_BOLT_PORT = int(os.environ.get("CKG_TEST_NEO4J_BOLT_PORT", "17687"))
#: Seconds the test server may take to answer after a start.
TEST_START_TIMEOUT = 300.0
TEST_HTTP_PORT = int(os.environ.get("CKG_TEST_NEO4J_HTTP_PORT", "17474"))
#: Where the browser tests serve the style and the guide; the managed test
#: server's Neo4j Browser loads them from there after connecting.
TEST_BROWSER_PORT = int(os.environ.get("CKG_TEST_BROWSER_PORT", "17475"))


def neo4j_unavailable(reason: str) -> NoReturn:
    """Skip the current test because Neo4j (or Java/Maven) is missing; fail under CI.

    Args:
        reason: Why Neo4j is unavailable.
    """
    if in_ci():
        pytest.fail(f"Neo4j is unavailable, and CI=true forbids skipping: {reason}", pytrace=False)
    pytest.skip(f"Neo4j is unavailable: {reason}")


def managed_test_settings() -> n4j.Neo4jSettings:
    """Return the settings of the test session's managed server."""
    home = os.environ.get("CKG_TEST_NEO4J_HOME") or (
        Path(platformdirs.user_cache_dir("ceasefire-kg")) / f"test-neo4j-{n4j.NEO4J_VERSION}"
    )
    return n4j.Neo4jSettings(
        home=Path(home),
        bolt_port=TEST_BOLT_PORT,
        http_port=TEST_HTTP_PORT,
        browser_post_connect_cmd=post_connect_command(TEST_BROWSER_PORT),
    )


@dataclass(frozen=True)
class Neo4jConnection:
    """How to reach the test session's Neo4j server.

    Attributes:
        uri: Bolt URI.
        username: User name.
        password: Password.
        database: Database the tests use.
        settings: The managed server's settings; None for an external server.
    """

    uri: str
    username: str
    password: str
    database: str
    settings: n4j.Neo4jSettings | None = None


def _report(config: pytest.Config, message: str) -> None:
    # Straight to the terminal: a first start downloads ~140 MB, and a silent
    # minute would look like a hang.
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    capture = config.pluginmanager.get_plugin("capturemanager")
    if reporter is None:
        return
    if capture is None:
        reporter.write_line(f"[neo4j] {message}")
        return
    with capture.global_and_fixture_disabled():
        reporter.write_line(f"[neo4j] {message}")


def start_managed_neo4j(settings: n4j.Neo4jSettings, password: str | None, config: pytest.Config) -> n4j.StartResult:
    """Start the managed test server (a no-op when it runs), or skip/fail the test.

    Args:
        settings: The server settings.
        password: Its password; None on a fresh data folder generates one.
        config: pytest's config, for progress lines.

    Returns:
        What :func:`ceasefire_kg.neo4j_server.start` returned.
    """
    try:
        # Longer than a user's default: a restart after a kill recovers the database first, and a
        # CI machine may be busy with other work.
        return n4j.start(
            settings, password, timeout=TEST_START_TIMEOUT, on_progress=lambda message: _report(config, message)
        )
    except CkgError as error:
        neo4j_unavailable(str(error))


@pytest.fixture(scope="session")
def managed_neo4j_server(pytestconfig: pytest.Config) -> Iterator[Neo4jConnection]:
    """The managed Neo4j server of this test session, with an empty data folder.

    Started whatever ``NEO4J_URI`` says: the tests of the managed server need it.
    The password is generated on the fresh data folder, which exercises that path.
    """
    settings = managed_test_settings()
    try:
        # Left over from an interrupted session: stop it, and start from empty
        # data so that every session sees the same server (jars are kept).
        n4j.stop(settings)
        n4j.reset(settings)
    except CkgError as error:
        neo4j_unavailable(str(error))
    result = start_managed_neo4j(settings, None, pytestconfig)
    assert result.password is not None and result.password_generated
    try:
        yield Neo4jConnection(
            uri=result.status.bolt_uri,
            username=n4j.USERNAME,
            password=result.password,
            database=n4j.DEFAULT_DATABASE,
            settings=settings,
        )
    finally:
        n4j.stop(settings)


@pytest.fixture(scope="session")
def neo4j_server(request: pytest.FixtureRequest) -> Neo4jConnection:
    """The Neo4j server the tests use: external if ``NEO4J_URI`` is set, else managed."""
    uri = os.environ.get("NEO4J_URI")
    if not uri:
        return request.getfixturevalue("managed_neo4j_server")
    connection = Neo4jConnection(
        uri=uri,
        username=os.environ.get("NEO4J_USERNAME", "neo4j"),
        password=os.environ.get("NEO4J_PASSWORD", ""),
        database=os.environ.get("NEO4J_DATABASE", "neo4j"),
    )
    try:
        with neo4j.GraphDatabase.driver(connection.uri, auth=(connection.username, connection.password)) as driver:
            driver.verify_connectivity()
    except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError, OSError) as error:
        neo4j_unavailable(f"cannot connect to NEO4J_URI={uri}: {error}")
    return connection


def _quoted(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def clean_database(driver: neo4j.Driver, database: str) -> None:
    """Empty a database: all nodes and relationships, constraints and indexes.

    The token lookup indexes every database has are kept: they are not test data.

    Args:
        driver: A driver to the server.
        database: The database to empty.
    """
    with driver.session(database=database) as session:
        session.run("MATCH (n) DETACH DELETE n").consume()
        # Constraints first: dropping one drops the index behind it.
        for record in list(session.run("SHOW CONSTRAINTS YIELD name")):
            session.run(f"DROP CONSTRAINT {_quoted(record['name'])} IF EXISTS").consume()
        indexes = session.run("SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP'")
        for record in list(indexes):
            session.run(f"DROP INDEX {_quoted(record['name'])} IF EXISTS").consume()


@contextlib.contextmanager
def driver_to_empty_database(neo4j_server: Neo4jConnection, pytestconfig: pytest.Config) -> Iterator[neo4j.Driver]:
    """A new driver to the test server, whose database has just been emptied."""
    if neo4j_server.settings is not None and not n4j.status(neo4j_server.settings).running:
        # A test stopped the managed server (the server's own tests do): restart it.
        start_managed_neo4j(neo4j_server.settings, neo4j_server.password, pytestconfig)
    with neo4j.GraphDatabase.driver(neo4j_server.uri, auth=(neo4j_server.username, neo4j_server.password)) as driver:
        clean_database(driver, neo4j_server.database)
        yield driver


@contextlib.contextmanager
def driver_to_pushed_store(
    neo4j_server: Neo4jConnection, pytestconfig: pytest.Config, store_path: Path
) -> Iterator[neo4j.Driver]:
    """A new driver to the test server, whose database holds just what ``ckg push`` sends of the store."""
    # Imported here: the push loads the whole writer, which most test modules never need.
    from ceasefire_kg.push import push
    from ceasefire_kg.store import Store

    with driver_to_empty_database(neo4j_server, pytestconfig) as driver:
        with Store.open_read_only(store_path) as store:
            push(store, driver, neo4j_server.database)
        yield driver


@pytest.fixture
def neo4j_driver(neo4j_server: Neo4jConnection, pytestconfig: pytest.Config) -> Iterator[neo4j.Driver]:
    """A driver to the test server, whose database (see ``neo4j_database``) is empty."""
    # A driver per test: cheap, and never holds connections to a restarted server.
    with driver_to_empty_database(neo4j_server, pytestconfig) as driver:
        yield driver


@pytest.fixture
def neo4j_database(neo4j_server: Neo4jConnection, neo4j_driver: neo4j.Driver) -> str:
    """The name of the database the tests use, emptied before the test."""
    return neo4j_server.database


def running_status(
    settings: n4j.Neo4jSettings, *, ports: n4j.Neo4jSettings | None = None, accepting: bool = True
) -> n4j.ServerStatus:
    """What ``status`` says of a managed server that runs (pid 4242), for tests that fake one.

    Args:
        settings: Whose home and data folder.
        ports: Whose Bolt and HTTP ports; ``settings``' by default.
        accepting: Whether it accepts connections yet.
    """
    ports = ports or settings
    return n4j.ServerStatus(
        running=True,
        pid=4242,
        home=settings.home,
        data_dir=settings.data_dir,
        bolt_port=ports.bolt_port,
        http_port=ports.http_port,
        accepting_connections=accepting,
    )


# --- the data sets' stores, each loaded once per session; tests only read them ------------


def _store_fixture(name: str, folder: str, description: str) -> Any:
    """A session fixture ``name``: the store that ``tests.corpus.<name>`` loads into a new ``folder``."""

    @pytest.fixture(scope="session", name=name)
    def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
        # Imported here: loading pulls in the whole reader, which the Neo4j fixtures never need.
        from tests import corpus

        return Path(getattr(corpus, name)(tmp_path_factory.mktemp(folder)))

    store.__doc__ = description
    return store


examples_store = _store_fixture("examples_store", "examples", "Both example articles and the actor registry.")
seed_store = _store_fixture(
    "seed_store", "seed", "What was known on 20 March 2025: the seed article alone, with the actor registry."
)
edge_store = _store_fixture("edge_store", "edge", "The edge cases of tests/queries/articles.")
demands_store = _store_fixture(
    "demands_store", "demands", "The demand-kinds articles of tests/queries/demand-kinds (responses, a chain)."
)
queries_generated_store = _store_fixture(
    "queries_generated_store", "generated", "The small generated corpus the saved queries are checked on."
)
