"""The Neo4j Browser stylesheet, the guide, the asset server and `ckg browser` (no Neo4j needed)."""

from __future__ import annotations

import datetime as dt
import logging
import re
import select
import signal
import socket
import struct
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import RDFS

from ceasefire_kg import browser
from ceasefire_kg import neo4j_server as n4j
from ceasefire_kg.errors import BrowserAssetPortInUse, BrowserAssetsError
from ceasefire_kg.mapping import BOOKKEEPING_LABELS, CAPTION_PROPERTY, RESOURCE_LABEL, default_mapping
from ceasefire_kg.saved_queries import parse_query, saved_queries
from tests.cli_helpers import run_ckg
from tests.conftest import running_status
from tests.paths import REPO

COLOUR = re.compile(r"#[0-9A-F]{6}")


@pytest.fixture(autouse=True)
def _no_user_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    # The user's own settings must not leak into the commands under test.
    for name in ("CKG_BROWSER_PORT", "CKG_NEO4J_HOME", "NEO4J_URI", "NEO4J_DATABASE"):
        monkeypatch.delenv(name, raising=False)


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# --- the stylesheet ---------------------------------------------------------------


def parse_grass(text: str) -> list[tuple[str, dict[str, str]]]:
    """Parse GraSS the way Neo4j Browser 5 does, keeping the rules' order.

    A port of Browser's own reader: quotes are dropped (what they hold is kept
    as is), text outside braces is the selector, and each ``;``-separated
    declaration is split on ``:`` into exactly two parts, or ignored. Browser
    knows no comments and keeps one rule per selector; whatever it would
    silently ignore or misread fails here instead.
    """
    rules: list[tuple[str, str]] = []
    in_quote = in_rule = nested = False
    selector = body = ""
    for char in text:
        special = True
        if char == "{":
            if in_quote:
                special = False
            elif in_rule:
                nested = True
            else:
                in_rule = True
        elif char == "}":
            if in_quote:
                special = False
            elif nested:
                nested = False
            else:
                in_rule = False
                rules.append((selector, body))
                selector = body = ""
        elif char in "'\"":
            in_quote = not in_quote
        else:
            special = False
        if not special:
            if in_rule:
                body += char
            elif not char.isspace():
                selector += char
    assert not in_rule and not in_quote and selector == "", "unbalanced braces or quotes, or text after the last rule"
    parsed: list[tuple[str, dict[str, str]]] = []
    for selector, body in rules:
        assert re.fullmatch(r"(node|relationship)(\.[A-Za-z_][A-Za-z0-9_]*)?", selector), f"selector {selector!r}"
        props: dict[str, str] = {}
        for declaration in filter(None, (part.strip() for part in body.split(";"))):
            parts = declaration.split(":")
            assert len(parts) == 2, f"{selector}: '{declaration}' is not one key: value pair"
            props[parts[0].strip()] = parts[1].strip()
        parsed.append((selector, props))
    selectors = [selector for selector, _ in parsed]
    assert len(selectors) == len(set(selectors)), "a selector appears twice"
    return parsed


def test_grass_reader_catches_comments() -> None:
    with pytest.raises(AssertionError, match="selector"):
        parse_grass("/* colours */ node { color: #FFFFFF; }")


@pytest.fixture(scope="module")
def grass_rules() -> list[tuple[str, dict[str, str]]]:
    return parse_grass(browser.stylesheet())


def test_stylesheet_is_the_shipped_file() -> None:
    assert browser.stylesheet() == (REPO / "schema" / "neo4j-browser.grass").read_text(encoding="utf-8")


def test_every_label_has_a_colour_a_size_and_the_name_caption(grass_rules: list[tuple[str, dict[str, str]]]) -> None:
    rules = dict(grass_rules)
    labels = set(default_mapping().labels.values()) | {RESOURCE_LABEL}
    for label in sorted(labels):
        props = rules.get(f"node.{label}")
        assert props is not None, f"no rule for label {label}"
        for key in ("color", "border-color", "text-color-internal"):
            assert COLOUR.fullmatch(props[key]), f"{label} {key}={props[key]}"
        assert re.fullmatch(r"[0-9]+px", props["diameter"])
        assert props["caption"] == "{" + CAPTION_PROPERTY + "}"
    for label in BOOKKEEPING_LABELS:
        assert f"node.{label}" in rules


def test_subclass_rules_come_after_their_superclass(grass_rules: list[tuple[str, dict[str, str]]]) -> None:
    # Browser applies every matching rule in order, the later winning: a Person
    # (labels Resource, Actor, Person) must get the Person rule, not the Actor one.
    position = {selector: index for index, (selector, _) in enumerate(grass_rules)}
    labels = default_mapping().labels
    ontology = rdflib.Graph().parse(REPO / "schema" / "ontology.ttl")
    pairs = [
        (labels[str(sub)], labels[str(sup)])
        for sub, sup in ontology.subject_objects(RDFS.subClassOf)
        if str(sub) in labels and str(sup) in labels
    ]
    assert ("Person", "Actor") in pairs and ("Ceasefire", "Proposal") in pairs
    for sub, sup in pairs:
        assert position[f"node.{sup}"] < position[f"node.{sub}"], f"node.{sub} must follow node.{sup}"
    assert position["node"] == 0 and position["node.Resource"] == 1


def test_relationships_are_captioned_with_their_type(grass_rules: list[tuple[str, dict[str, str]]]) -> None:
    rules = dict(grass_rules)
    assert rules["relationship"]["caption"] == "<type>"
    types = set(default_mapping().relationships_by_type)
    styled = {selector.split(".", 1)[1] for selector, _ in grass_rules if selector.startswith("relationship.")}
    assert styled <= types, f"rules for unknown relationship types: {sorted(styled - types)}"
    assert {"DEMANDED_BY", "PRECONDITION_FOR", "HOLDER", "ON_PROPOSAL", "STANCE", "CONDITIONED_ON"} <= styled
    for selector, props in grass_rules:
        assert selector == "node" or selector.startswith(("node.", "relationship")), selector
        assert COLOUR.fullmatch(props["color"]), selector


# --- commands and links --------------------------------------------------------------


def test_commands_name_localhost_and_the_port() -> None:
    assert browser.browser_commands() == (
        ":style http://localhost:7475/style.grass",
        ":guide http://localhost:7475/guide.md",
    )
    assert browser.post_connect_command(17475) == (
        "style http://localhost:17475/style.grass; guide http://localhost:17475/guide.md"
    )


def test_browser_link_preselects_the_connection() -> None:
    assert browser.browser_link("http://127.0.0.1:7474/browser/", "neo4j://127.0.0.1:7687") == (
        "http://127.0.0.1:7474/browser/?dbms=neo4j%3A%2F%2F127.0.0.1%3A7687&preselectAuthMethod=NATIVE"
    )
    assert browser.browser_link("http://h:7474/browser/", "bolt://h:7687", "ceasefire").endswith(
        "&preselectAuthMethod=NATIVE&db=ceasefire"
    )


def test_external_target_derives_browser_from_the_uri() -> None:
    target = browser.external_target("neo4j+s://db.example.org:7687")
    assert target.link.startswith("http://db.example.org:7474/browser/?dbms=neo4j%2Bs%3A%2F%2Fdb.example.org%3A7687")
    assert not target.managed and not target.autoload
    given = browser.external_target("bolt://db:7687", "https://browser.example.org/", "movies")
    assert given.link == "https://browser.example.org/?dbms=bolt%3A%2F%2Fdb%3A7687&preselectAuthMethod=NATIVE&db=movies"


def test_external_target_refuses_a_uri_without_host() -> None:
    with pytest.raises(
        BrowserAssetsError, match=r"'localhost:7687' is not a Bolt URI such as neo4j://localhost:7687\. Give"
    ):
        browser.external_target("localhost:7687")


def test_managed_target_reads_the_running_servers_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = n4j.Neo4jSettings(
        home=tmp_path / "home",
        bolt_port=17001,
        http_port=17002,
        browser_post_connect_cmd=browser.post_connect_command(7475),
    )
    stopped = browser.managed_target(settings)
    assert stopped.running is False and not stopped.autoload
    assert stopped.link == browser.browser_link("http://127.0.0.1:17002/browser/", "neo4j://127.0.0.1:17001")

    fake_running(monkeypatch, settings)
    running = browser.managed_target(settings)
    assert running.running and running.autoload
    assert running.link == browser.browser_link("http://127.0.0.1:17002/browser/", "neo4j://127.0.0.1:17001")
    assert running.password_file == settings.password_file
    assert not browser.managed_target(settings, port=9999).autoload


def fake_running(monkeypatch: pytest.MonkeyPatch, settings: n4j.Neo4jSettings) -> None:
    """Make ``status`` report the server of ``settings`` as running, with its config written."""
    n4j.write_config(settings)

    def status(given: n4j.Neo4jSettings) -> n4j.ServerStatus:
        return running_status(given, ports=settings)

    monkeypatch.setattr(n4j, "status", status)


# --- the guide --------------------------------------------------------------------------


def make_query(header: str, body: str, name: str = "sample") -> object:
    return parse_query(header + "\n" + body + "\n", source=f"queries/{name}.cypher", stem=name)


def test_guide_lists_every_saved_query_with_its_query_unchanged() -> None:
    queries = saved_queries()
    assert {query.name for query in queries} >= {"blocking-demands", "positions", "position-history"}
    text = browser.guide()
    slides = browser.guide_slides(text)
    assert len(slides) == 4 + len(queries) + 1
    intro = slides[0]
    assert "# Ceasefire negotiations in Neo4j" in intro
    assert "[//]: # (<title>Ceasefire negotiations in Neo4j</title>)" in intro
    for query, slide in zip(queries, slides[4:-1]):
        assert f"- `{query.name}`: {query.title}" in intro
        assert slide.startswith(f"## {query.title}\n")
        assert f"`ckg query {query.name}`" in slide
        assert browser.query_body(query) in browser.guide_blocks(slide)
    assert slides[1].startswith("## The actors") and slides[2].startswith("## The proposals and their scopes")
    assert slides[3].startswith("## The events")


def test_query_body_drops_only_the_header() -> None:
    (query,) = [q for q in saved_queries() if q.name == "blocking-demands"]
    body = browser.query_body(query)
    assert body.startswith("CALL () {\n  MATCH (p:Resource {uri: $proposal})")
    assert query.cypher is not None and query.cypher.rstrip().endswith(body)
    assert "// Made a precondition directly" in body  # comments inside the query stay


def test_blocking_demands_parameters_as_a_param_block() -> None:
    (query,) = [q for q in saved_queries() if q.name == "blocking-demands"]
    assert browser.param_block(query) == (
        ":param scope => 'https://w3id.org/ceasefire-kg/scope/comprehensive';\n"
        ":param proposal => null;\n"
        ":param as_of => null;"
    )


def test_blocking_demands_offer_the_date_before_the_april_article() -> None:
    (query,) = [q for q in saved_queries() if q.name == "blocking-demands"]
    (example,) = query.examples
    assert browser.param_block(query, example) == (
        ":param scope => 'https://w3id.org/ceasefire-kg/scope/comprehensive';\n"
        ":param proposal => null;\n"
        ":param as_of => date('2025-03-19');"
    )
    slide = next(s for s in browser.guide_slides(browser.guide()) if s.startswith(f"## {query.title}\n"))
    assert browser.guide_blocks(slide) == [
        browser.param_block(query),
        browser.param_block(query, example),
        browser.query_body(query),
        browser.graph_block(query),
    ]
    assert "\n\nOr, as of 19 March 2025, before the April article:\n\n```cypher\n:param scope" in slide


def test_parameter_hints_follow_each_parameters_default_and_description() -> None:
    text = browser.guide()
    # null stands for the parameter's own default, which its description explains.
    assert (
        "- `since` (date, default none): from this date on (YYYY-MM-DD); none starts from the beginning. "
        "In Browser: a date such as `date('2025-04-01')`; `null` for none.\n"
    ) in text
    assert (
        "- `until` (date, default latest): up to this date, as known on it (YYYY-MM-DD); latest goes up to the newest. "
        "In Browser: a date such as `date('2025-04-01')`; `null` for latest.\n"
    ) in text
    assert "means the latest" not in text
    # A default that is a value: null would not mean it, so no hint.
    assert (
        "- `scope` (iri(scope), default comprehensive): proposals of this scope or a narrower one (ignored when "
        "proposal is given). In Browser: a full IRI in quotes, such as `'https://w3id.org/ceasefire-kg/scope/ID'`.\n"
    ) in text
    assert (
        "- `status` (enum(open|met|withdrawn), default none): only demands with this status as of the date. "
        "In Browser: one of `'open'`, `'met'` or `'withdrawn'`; `null` for none.\n"
    ) in text


def test_every_param_line_ends_in_a_semicolon() -> None:
    # Browser ignores a clicked block whose text ends in " null".
    for query in saved_queries():
        block = browser.param_block(query)
        if block is not None:
            assert all(line.startswith(":param ") and line.endswith(";") for line in block.splitlines())


def test_param_block_for_typed_defaults_and_none_for_no_parameters() -> None:
    typed = make_query(
        "// name: sample\n// title: A sample\n// description: For tests.\n"
        "// param since: date = 2025-03-19 — from\n// param limit: integer = 10\n"
        "// param strict: boolean = yes\n// param who: string = O'Neil\n// param need: string — required\n"
        "// columns: x",
        "RETURN $since AS x, $limit AS y, $strict AS z, $who AS w, $need AS v",
    )
    assert browser.param_block(typed) == (
        ":param since => date('2025-03-19');\n:param limit => 10;\n:param strict => true;\n"
        ":param who => 'O\\'Neil';\n:param need => null;"
    )
    plain = make_query("// name: plain\n// title: Plain\n// columns: x", "RETURN 1 AS x", "plain")
    assert browser.param_block(plain) is None
    assert browser.graph_block(plain) is None
    slide = browser.guide([plain]).split("\n---\n")[4]
    assert ":param" not in slide and "as a graph" not in slide


@pytest.mark.parametrize(
    ("value", "literal"),
    [
        (None, "null"),
        (True, "true"),
        (False, "false"),
        (7, "7"),
        (dt.date(2025, 4, 8), "date('2025-04-08')"),
        ("a'b\\c", "'a\\'b\\\\c'"),
    ],
)
def test_cypher_literal(value: object, literal: str) -> None:
    assert browser.cypher_literal(value) == literal


def test_cypher_literal_refuses_other_types() -> None:
    with pytest.raises(BrowserAssetsError, match="Cannot write"):
        browser.cypher_literal(object())


def test_graph_block_wraps_the_query_and_returns_its_facts() -> None:
    (query,) = [q for q in saved_queries() if q.name == "blocking-demands"]
    assert browser.id_column(query) == "demand_id"
    block = browser.graph_block(query)
    assert block is not None
    assert block.startswith("CALL () {\n  CALL () {\n    MATCH (p:Resource {uri: $proposal})\n")
    assert "WITH DISTINCT demand_id AS fact_id\nMATCH (fact:Resource {factId: fact_id})" in block
    assert block.endswith("RETURN fact, collect(context) AS context")


def test_a_dash_line_in_a_query_is_refused() -> None:
    query = make_query("// name: dashes\n// title: Dashes\n// columns: x", "RETURN 1 AS x\n---", "dashes")
    with pytest.raises(BrowserAssetsError, match="three dashes"):
        browser.guide([query])


# --- the server ---------------------------------------------------------------------


def fetch(url: str, method: str = "GET", headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture
def asset_server() -> object:
    with browser.AssetServer(0) as server:
        yield server.start()


def test_server_serves_style_and_guide_with_cors(asset_server: browser.AssetServer) -> None:
    assert asset_server._server.server_address[0] == "127.0.0.1"
    base = f"http://127.0.0.1:{asset_server.port}"
    status, headers, body = fetch(base + "/style.grass")
    assert status == 200 and body.decode() == browser.stylesheet()
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert headers["Content-Type"] == "text/plain; charset=utf-8"
    status, headers, body = fetch(base + "/guide.md?ts=1")
    assert status == 200 and body.decode() == browser.guide(port=asset_server.port)
    assert headers["Content-Type"] == "text/markdown; charset=utf-8"
    assert f":style http://localhost:{asset_server.port}/style.grass" in body.decode()
    status, _, body = fetch(base + "/")
    assert status == 200 and f":guide http://localhost:{asset_server.port}/guide.md" in body.decode()
    status, headers, body = fetch(base + "/guide.md", method="HEAD")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) > 0
    status, _, body = fetch(base + "/secrets")
    assert status == 404 and b"/guide.md" in body
    assert asset_server.style_url == f"http://localhost:{asset_server.port}/style.grass"


def test_server_answers_preflights(asset_server: browser.AssetServer) -> None:
    status, headers, _ = fetch(
        f"http://127.0.0.1:{asset_server.port}/guide.md",
        method="OPTIONS",
        headers={
            "Origin": "https://browser.neo4j.io",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "pragma,cache-control",
            "Access-Control-Request-Private-Network": "true",
        },
    )
    assert status == 204
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert headers["Access-Control-Allow-Headers"] == "pragma,cache-control"
    assert headers["Access-Control-Allow-Private-Network"] == "true"


@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "localhost:1", "127.0.0.2:{port}", ""])
def test_server_refuses_other_host_names(asset_server: browser.AssetServer, host: str) -> None:
    # DNS rebinding: a page of evil.example whose name now resolves to 127.0.0.1.
    url = f"http://127.0.0.1:{asset_server.port}/guide.md"
    expected = (
        f"Forbidden: this server answers only requests for localhost:{asset_server.port} "
        f"or 127.0.0.1:{asset_server.port}.\n"
    ).encode()
    for method in ("GET", "OPTIONS"):
        status, headers, body = fetch(url, method=method, headers={"Host": host.format(port=asset_server.port)})
        assert (status, body) == (403, expected), method
        assert headers["Content-Type"] == "text/plain; charset=utf-8"
        assert headers["Access-Control-Allow-Origin"] == "*"
    for allowed in (
        f"localhost:{asset_server.port}",
        f"LOCALHOST:{asset_server.port}",
        f"127.0.0.1:{asset_server.port}",
    ):
        assert fetch(url, headers={"Host": allowed})[0] == 200


def test_server_refuses_a_taken_port() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(BrowserAssetPortInUse) as caught:
            browser.AssetServer(port)
    assert str(caught.value) == (
        f"Port {port} on 127.0.0.1 is already in use (is `ckg browser` already running?). Stop that program, "
        "or serve on another port with `ckg browser --port N`; the managed Neo4j loads the style and guide "
        "from the port given to `ckg neo4j start --browser-port N`."
    )


# --- the server against clients that misbehave ----------------------------------------


def connect(server: browser.AssetServer) -> socket.socket:
    """A raw connection to the server; a read that waits over 10 s fails the test."""
    return socket.create_connection(("127.0.0.1", server.port), timeout=10)


def wait_until_idle(server: browser.AssetServer) -> None:
    """Wait until the server serves no connection, so all it will log or print is out."""
    deadline = time.monotonic() + 10
    while server.connections:
        assert time.monotonic() < deadline, f"still {server.connections} connection(s) open"
        time.sleep(0.01)


def assert_still_serves(server: browser.AssetServer) -> None:
    status, _, body = fetch(f"http://127.0.0.1:{server.port}/guide.md")
    assert status == 200 and body == browser.guide(port=server.port).encode()


@pytest.mark.parametrize("path", ["/", "/guide.md"])
def test_server_stays_quiet_when_a_client_goes_away(
    capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture, path: str
) -> None:
    # A reset while the server writes the answer, or while it waits for the next
    # request on the kept-alive connection: both are a client going away.
    caplog.set_level(logging.DEBUG, logger="ceasefire_kg.browser.assets_server")
    with browser.AssetServer(0) as server:
        server.start()
        with connect(server) as client:
            client.sendall(f"GET {path} HTTP/1.1\r\nHost: localhost:{server.port}\r\n\r\n".encode())
            readable, _, _ = select.select([client], [], [], 10)
            assert readable, "no answer"
            # Close without reading: linger 0 makes the close a reset, as a browser tab closed mid-load does.
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        wait_until_idle(server)
        assert_still_serves(server)
    assert capfd.readouterr().err == ""
    gone = [record for record in caplog.records if "went away" in record.getMessage()]
    assert gone and all(record.levelno == logging.DEBUG for record in gone)


@pytest.mark.parametrize("sent", [b"", b"GET /guide.md HT", b"GET /guide.md HTTP/1.1\r\nHost: local"])
def test_server_closes_a_silent_connection(capfd: pytest.CaptureFixture[str], sent: bytes) -> None:
    with browser.AssetServer(0, connection_timeout=0.5) as server:
        server.start()
        with connect(server) as client:
            client.sendall(sent)
            assert client.recv(1) == b"", "the server answered instead of closing"
        wait_until_idle(server)
        assert_still_serves(server)
    assert capfd.readouterr().err == ""


def test_server_bounds_the_connections_it_serves_at_once(capfd: pytest.CaptureFixture[str]) -> None:
    # Silent clients hold every slot (a long timeout keeps them there); one more
    # is closed at once, and once they leave the server answers again.
    with browser.AssetServer(0, connection_timeout=60, max_connections=4) as server:
        server.start()
        held = [connect(server) for _ in range(4)]
        try:
            deadline = time.monotonic() + 10
            while server.connections < 4:
                assert time.monotonic() < deadline, f"only {server.connections} connection(s) served"
                time.sleep(0.01)
            with connect(server) as extra:
                assert extra.recv(1) == b"", "a connection beyond the bound was served"
            assert server.connections == 4
        finally:
            for client in held:
                client.close()
        wait_until_idle(server)
        assert_still_serves(server)
    assert capfd.readouterr().err == ""


def test_server_refuses_limits_that_cannot_work() -> None:
    with pytest.raises(ValueError, match="max_connections must be at least 1, not 0"):
        browser.AssetServer(0, max_connections=0)
    with pytest.raises(ValueError, match="connection_timeout must be positive, not 0"):
        browser.AssetServer(0, connection_timeout=0)


# --- ckg browser and ckg neo4j start ----------------------------------------------


def test_print_only_for_a_neo4j_of_ones_own() -> None:
    result = run_ckg("browser", "--print-only", "--uri", "neo4j://db.example:7687")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "Neo4j Browser: http://db.example:7474/browser/?dbms=neo4j%3A%2F%2Fdb.example%3A7687"
        "&preselectAuthMethod=NATIVE\n"
        "In Neo4j Browser, run these two commands to style the graph and open the guide:\n"
        "  :style http://localhost:7475/style.grass\n"
        "  :guide http://localhost:7475/guide.md\n"
    )
    assert result.stderr == "These commands work while `ckg browser` serves them: run it without --print-only.\n"


def test_print_only_when_the_managed_server_is_not_running(tmp_path: Path) -> None:
    home = tmp_path / "home"
    result = run_ckg("browser", "--print-only", "--home", str(home), "--port", "7600")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Neo4j Browser: http://127.0.0.1:7474/browser/?dbms=neo4j%3A%2F%2F127.0.0.1%3A7687&preselectAuthMethod=NATIVE",
        f"Log in as neo4j; the password is in {home}/password.",
        "In Neo4j Browser, run these two commands to style the graph and open the guide:",
        "  :style http://localhost:7600/style.grass",
        "  :guide http://localhost:7600/guide.md",
    ]
    assert result.stderr.splitlines()[0] == (
        f"Note: the managed Neo4j is not running. Start it with `ckg neo4j start --home {home}`, "
        "or give --uri (NEO4J_URI) for a Neo4j of your own."
    )


def test_print_only_when_the_managed_server_loads_them_itself(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = n4j.Neo4jSettings(home=tmp_path / "home", browser_post_connect_cmd=browser.post_connect_command())
    fake_running(monkeypatch, settings)
    result = run_ckg("browser", "--print-only", "--home", str(settings.home))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[2:4] == [
        "After you connect, Browser applies the style and opens the guide by itself.",
        "To load them again, run in Browser:",
    ]
    assert "Note:" not in result.stderr


def test_print_only_when_the_managed_server_loads_something_else(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = n4j.Neo4jSettings(home=tmp_path / "home")
    fake_running(monkeypatch, settings)
    result = run_ckg("browser", "--print-only", "--home", str(settings.home), "--port", "7600")
    assert result.exit_code == 0, result.output
    assert "In Neo4j Browser, run these two commands" in result.stdout
    assert result.stderr.splitlines()[0] == (
        "Note: after connecting, the managed Neo4j loads nothing. To have it load these by itself, restart it: "
        f"`ckg neo4j stop --home {settings.home}`, then `ckg neo4j start --home {settings.home} --browser-port 7600`."
    )


def test_browser_url_needs_a_uri() -> None:
    result = run_ckg("browser", "--print-only", "--browser-url", "http://x:7474/browser/")
    assert result.exit_code == 2
    assert "--browser-url is for a Neo4j of your own: give its --uri too." in result.stderr


def test_ckg_browser_fails_cleanly_on_a_taken_port() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_ckg("browser", "--port", str(port), "--uri", "neo4j://localhost:7687")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"Error: Port {port} on 127.0.0.1 is already in use")


def _interruptible() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ckg_browser_serves_until_interrupted(tmp_path: Path) -> None:
    port = free_port()
    ckg_script = Path(sys.executable).with_name("ckg")
    process = subprocess.Popen(
        [str(ckg_script), "browser", "--port", str(port), "--uri", "neo4j://localhost:7687"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        # Ctrl-C as in a terminal: a shell that runs the suite in the background hands its children
        # an ignored SIGINT, and Python then never raises KeyboardInterrupt.
        preexec_fn=_interruptible,
    )
    try:
        # Generous: on a busy machine starting Python and importing ckg alone can take seconds.
        deadline = time.monotonic() + 90
        while True:
            try:
                status, _, body = fetch(f"http://127.0.0.1:{port}/guide.md")
                break
            except urllib.error.URLError:
                assert process.poll() is None, process.communicate()
                assert time.monotonic() < deadline, "ckg browser did not start serving"
                time.sleep(0.2)
        assert status == 200 and body.startswith(b"[//]: # (<title>Ceasefire negotiations in Neo4j</title>)")
    finally:
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=90)
    assert process.returncode == 0, stderr
    assert f"  :guide http://localhost:{port}/guide.md\n" in stdout
    assert stderr == (f"Serving the style and the guide on http://127.0.0.1:{port}/ until Ctrl-C.\nStopped.\n")


def test_neo4j_start_configures_the_post_connect_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[n4j.Neo4jSettings] = []

    def fake_start(settings: n4j.Neo4jSettings, password: str | None, **_: object) -> n4j.StartResult:
        seen.append(settings)
        state = running_status(settings, accepting=False)
        return n4j.StartResult(status=state, already_running=False)

    monkeypatch.setattr(n4j, "start", fake_start)
    for name in ("CKG_NEO4J_BOLT_PORT", "CKG_NEO4J_HTTP_PORT", "NEO4J_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    home = str(tmp_path / "home")
    assert run_ckg("neo4j", "start", "--home", home).exit_code == 0
    assert run_ckg("neo4j", "start", "--home", home, "--browser-port", "7600").exit_code == 0
    assert run_ckg("neo4j", "start", "--home", home, "--no-browser-autoload").exit_code == 0
    assert [settings.browser_post_connect_cmd for settings in seen] == [
        "style http://localhost:7475/style.grass; guide http://localhost:7475/guide.md",
        "style http://localhost:7600/style.grass; guide http://localhost:7600/guide.md",
        None,
    ]
