"""Input a hostile or careless user gives: each case once crashed with a traceback or hung.

Every case must end with a clear message and exit code 1 (or work), never a
traceback, and leave nothing half-written.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import Result

from ceasefire_kg.loaders.load import load_into_folder
from tests.cli_helpers import run_ckg
from tests.paths import EXAMPLES


def assert_refused(result: Result, message: str) -> None:
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert "Traceback" not in result.output
    assert message in result.output, result.output


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("hostile") / "store"
    load_into_folder(path, [EXAMPLES])
    return path


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("urn:a%zz", "Invalid IRI percent encoding '%zz'"),
        ("actor:%", "Invalid IRI percent encoding '%'"),
        ("http://[::1", "Invalid character '[' in host"),
        ("http://example.org:port/x", "not a valid IRI"),
    ],
)
def test_an_invalid_iri_parameter_is_refused_with_its_reason(store: Path, value: str, reason: str) -> None:
    result = run_ckg("query", "positions", "--store", str(store), "-p", f"actor={value}")
    assert_refused(result, f"Error: Parameter 'actor' of query 'positions' is not a valid IRI: '{value}'")
    assert reason in result.output


def test_an_invalid_fact_iri_is_refused_too(store: Path) -> None:
    result = run_ckg("query", "evidence", "--store", str(store), "-p", "fact=urn:x%g1")
    assert_refused(result, "Error: Parameter 'fact' of query 'evidence' is not a valid IRI: 'urn:x%g1'")


SERVICE_QUERY = """# name: federated
# title: Asks another endpoint
# columns: s
SELECT ?s WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }
"""


def test_sparql_service_in_a_users_file_is_refused(tmp_path: Path, store: Path) -> None:
    path = tmp_path / "federated.rq"
    path.write_text(SERVICE_QUERY, encoding="utf-8")
    result = run_ckg("query", str(path), "--store", str(store))
    assert_refused(
        result,
        f"Error: The SPARQL of query 'federated' ({path}) uses SERVICE, which would make ckg send requests to the "
        "address it names. Remove the SERVICE clause, or pass --allow-service if you trust the file.",
    )


def test_service_in_a_comment_or_string_is_not_a_service_clause(tmp_path: Path, store: Path) -> None:
    path = tmp_path / "harmless.rq"
    path.write_text(
        "# name: harmless\n# title: Mentions SERVICE\n# columns: s\n#\n# SERVICE is not used here\n"
        'SELECT ?s WHERE { ?s ?p "SERVICE" }\n',
        encoding="utf-8",
    )
    result = run_ckg("query", str(path), "--store", str(store), "--backend", "local")
    assert result.exit_code == 0, result.output


def test_allow_service_lets_the_file_through_the_check(tmp_path: Path, store: Path) -> None:
    path = tmp_path / "federated.rq"
    path.write_text(SERVICE_QUERY, encoding="utf-8")
    result = run_ckg("query", str(path), "--store", str(store), "--allow-service")
    # Port 9 is refused by the store's HTTP client itself: what matters is that the check let it through.
    assert "uses SERVICE" not in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "args",
    [
        ["push"],
        ["export", "--from", "neo4j"],
        ["query", "talks", "--backend", "neo4j"],
    ],
    ids=["push", "export-from-neo4j", "query"],
)
def test_a_uri_with_a_port_that_is_no_number_is_named(store: Path, args: list[str]) -> None:
    result = run_ckg(
        *args, "--store", str(store), env={"NEO4J_URI": "bolt://127.0.0.1:notaport", "NEO4J_PASSWORD": "secret"}
    )
    assert_refused(
        result,
        "Cannot use the Neo4j URI 'bolt://127.0.0.1:notaport': Port could not be cast to integer value as "
        "'notaport'. Use neo4j://HOST:PORT, neo4j+s://HOST (cluster, Aura) or bolt://HOST:PORT (--uri / NEO4J_URI).",
    )


@pytest.fixture
def silent_tcp_port() -> Iterator[int]:
    """A TCP server that accepts connections and never answers: some other service, not Bolt."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    server.close()


@pytest.mark.slow
def test_a_uri_to_a_service_that_is_not_bolt_fails_within_the_connect_timeout(
    store: Path, silent_tcp_port: int
) -> None:
    started = time.monotonic()
    result = run_ckg(
        "query",
        "talks",
        "--store",
        str(store),
        "--backend",
        "neo4j",
        env={"NEO4J_URI": f"bolt://127.0.0.1:{silent_tcp_port}", "NEO4J_PASSWORD": "secret"},
    )
    waited = time.monotonic() - started
    assert_refused(result, f"Error: Cannot reach Neo4j at bolt://127.0.0.1:{silent_tcp_port}")
    assert "Bolt handshake" in result.output
    # The driver's default would wait 60 s; ckg's connect timeout is 15 s.
    assert waited < 45, waited
