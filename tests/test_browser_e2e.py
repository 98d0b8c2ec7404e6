"""Neo4j Browser in a real (headless) Chromium, against Neo4j with the examples pushed.

The managed test server is configured (tests/conftest.py) to load the style and
the guide from port ``TEST_BROWSER_PORT`` after connecting, as ``ckg neo4j
start`` configures a user's server; this module serves them there. With an
external server (``NEO4J_URI``) the two commands are typed in instead, as its
users would paste them (its Browser is at ``CKG_TEST_NEO4J_BROWSER_URL``, by
default port 7474 of the URI's host).

Chromium is Debian's ``chromium`` package, driven by Playwright's Python API
(no browser download); ``scripts/test`` installs it when missing. Screenshots
go to ``test-output/browser/`` (``CKG_TEST_OUTPUT`` overrides the folder).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import neo4j
import pytest

try:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect, sync_playwright
except ImportError:  # pragma: no cover (the test extra installs it; the fixture reports it)
    expect = sync_playwright = PlaywrightTimeout = None

from ceasefire_kg import browser
from ceasefire_kg.backends import Neo4jBackend
from ceasefire_kg.loaders.load import load_paths
from ceasefire_kg.push import push
from ceasefire_kg.saved_queries import find_query, saved_queries
from ceasefire_kg.store import Store
from tests.conftest import TEST_BROWSER_PORT, Neo4jConnection, driver_to_empty_database
from tests.paths import EXAMPLES, REPO, in_ci
from tests.test_browser import parse_grass

pytestmark = pytest.mark.neo4j

CHROMIUM = os.environ.get("CKG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",  # tests may run as root
    "--disable-gpu",
    "--disable-background-networking",  # no reaching out to the (closed) internet
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
OUTPUT = Path(os.environ.get("CKG_TEST_OUTPUT") or REPO / "test-output") / "browser"
#: Before 8 April Putin had set three conditions; on 8 April he dropped one.
THREE_DEMANDS_AS_OF = dt.date(2025, 3, 19)
TIMEOUT_MS = 60_000


def browser_unavailable(reason: str) -> None:
    """Skip a test that needs Chromium, or fail under CI."""
    if in_ci():
        pytest.fail(f"Chromium is unavailable, and CI=true forbids skipping: {reason}", pytrace=False)
    pytest.skip(f"Chromium is unavailable: {reason}")


def announce(config: pytest.Config, message: str) -> None:
    """Write a line to the terminal, past pytest's capture."""
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    capture = config.pluginmanager.get_plugin("capturemanager")
    if reporter is None or capture is None:
        return
    with capture.global_and_fixture_disabled():
        reporter.write_line(f"[browser] {message}")


@dataclass(frozen=True)
class PushedExamples:
    """The test server, holding the example articles as `ckg push` writes them."""

    connection: Neo4jConnection
    driver: neo4j.Driver


@pytest.fixture(scope="module")
def examples(
    neo4j_server: Neo4jConnection, pytestconfig: pytest.Config, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[PushedExamples]:
    """Push the examples once for this module (later tests empty the database again)."""
    with driver_to_empty_database(neo4j_server, pytestconfig) as driver:
        with Store.open(tmp_path_factory.mktemp("examples") / "store") as store:
            load_paths(store, [EXAMPLES])
            push(store, driver, neo4j_server.database)
        yield PushedExamples(neo4j_server, driver)


# --- every block of the guide runs ------------------------------------------------


def run_param_block(driver: neo4j.Driver, database: str, block: str) -> dict[str, Any]:
    """Evaluate ``:param NAME => EXPRESSION;`` lines as Browser does (``RETURN EXPRESSION``)."""
    values = {}
    for line in block.splitlines():
        match = re.fullmatch(r":param (\w+) => (.*);", line)
        assert match, line
        values[match[1]] = driver.execute_query(f"RETURN {match[2]} AS value", database_=database).records[0]["value"]
    return values


def run_slide(driver: neo4j.Driver, database: str, slide: str) -> list[list[neo4j.Record]]:
    """Run a slide's blocks in order, as a user clicking each would; the Cypher ones' records."""
    parameters: dict[str, Any] = {}
    results = []
    for block in browser.guide_blocks(slide):
        if block.startswith(":param "):
            parameters = run_param_block(driver, database, block)
        elif not block.startswith(":"):
            results.append(driver.execute_query(block, parameters, database_=database).records)
    return results


def test_every_cypher_block_of_the_guide_runs_on_the_examples(examples: PushedExamples) -> None:
    driver, database = examples.driver, examples.connection.database
    queries = saved_queries()
    slides = browser.guide_slides(browser.guide(queries))
    for number, slide in enumerate(slides[:4], start=1):
        # The tour: the examples have actors, proposals, scopes and readings of them, and events.
        results = run_slide(driver, database, slide)
        assert results and all(results), f"slide {number} has a block without rows"
    for query, slide in zip(queries, slides[4:-1]):
        results = run_slide(driver, database, slide)
        column = browser.id_column(query)
        if column is None:
            assert len(results) == 1, query.name
            continue
        # The graph view shows exactly the facts of the saved query's answer.
        table, graph = results
        assert {record[column] for record in table} == {record["fact"]["factId"] for record in graph}, query.name
    assert run_slide(driver, database, slides[-1]) == []


# --- Neo4j Browser in Chromium -------------------------------------------------------


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """A headless Chromium, driven by Playwright."""
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)):
        browser_unavailable(
            f"{CHROMIUM} is missing. Run scripts/test (it installs Debian's chromium package), "
            "or `sudo apt-get install chromium`, or point CKG_CHROMIUM at a Chromium."
        )
    if sync_playwright is None:
        browser_unavailable("the playwright package is missing: pip install -e '.[test]' (or run scripts/test).")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture
def screenshots() -> Path:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    return OUTPUT


def browser_url_of(connection: Neo4jConnection) -> str:
    """Neo4j Browser's URL for the test server, with the connection preselected."""
    if connection.settings is not None:
        return browser.browser_link(connection.settings.browser_url, connection.uri, connection.database)
    given = os.environ.get("CKG_TEST_NEO4J_BROWSER_URL")
    return browser.external_target(connection.uri, given, connection.database).link


def run_in_editor(page: Any, command: str) -> None:
    """Type a command into Browser's editor and run it."""
    page.locator('[data-testid="activeEditor"]').click()
    page.keyboard.type(command)
    page.keyboard.press("Control+Enter")


def node_captions(frame: Any) -> dict[str, str]:
    """The caption of every node drawn in a result frame (its lines joined), by node id."""
    captions = {}
    for node in frame.locator("svg g.node").all():
        lines = [line.strip() for line in node.locator("text.caption").all_text_contents()]
        captions[node.get_attribute("aria-label") or ""] = " ".join(line for line in lines if line)
    return captions


def log_in(page: Any, link: str, connection: Neo4jConnection) -> None:
    """Open Browser at ``link`` and connect with the form it preselected."""
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(link)
    page.locator('[data-testid="username"]').fill(connection.username)
    page.locator('[data-testid="password"]').fill(connection.password)
    page.locator('[data-testid="connect"]').click()
    page.get_by_text(re.compile(r"You are connected as user")).first.wait_for()


def paste_commands(page: Any, port: int) -> None:
    """Run the two commands `ckg browser` prints, as a user of another Neo4j pastes them."""
    page.locator('[data-testid="frame"]').first.wait_for()
    style_command, guide_command = browser.browser_commands(port)
    run_in_editor(page, style_command)
    run_in_editor(page, guide_command)


def guide_title(page: Any) -> Any:
    return page.locator('[data-testid="guidesDrawer"]').get_by_text(browser.GUIDE_TITLE, exact=True).first


def go_to_slide(page: Any, heading: str) -> Any:
    """Page through the open guide to the slide titled ``heading``; its runnable blocks."""
    drawer = page.locator('[data-testid="guidesDrawer"]')
    for _ in range(len(browser.guide_slides(browser.guide()))):
        if drawer.locator("h1, h2", has_text=heading).count():
            return drawer.locator("pre.runnable")
        drawer.get_by_text("Next", exact=True).click()
    raise AssertionError(f"no slide titled {heading!r}")


@pytest.fixture
def page(chromium: Any, screenshots: Path, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh Browser tab; on failure its screenshot is saved as <test name>-failure.png."""
    tab = chromium.new_page(viewport={"width": 1600, "height": 1000})
    failed_before = request.session.testsfailed
    try:
        yield tab
    finally:
        if request.session.testsfailed > failed_before:
            tab.screenshot(path=str(screenshots / f"{request.node.name}-failure.png"))
        tab.close()


def test_browser_shows_the_blocking_demands_styled(
    examples: PushedExamples, page: Any, screenshots: Path, pytestconfig: pytest.Config
) -> None:
    connection = examples.connection
    managed = connection.settings is not None
    query = find_query("blocking-demands")
    (example,) = query.examples  # the guide's second :param block: as of 19 March
    assert dict(example.values) == {"as_of": THREE_DEMANDS_AS_OF.isoformat()}
    on_neo4j = Neo4jBackend(examples.driver, connection.database)
    expected = on_neo4j.run(query, query.bind({"as_of": THREE_DEMANDS_AS_OF.isoformat()})).records()
    demands = sorted(row["demand"] for row in expected)
    assert len(demands) == 3, demands
    current = sorted(row["demand"] for row in on_neo4j.run(query, query.bind({})).records())
    assert current and set(current) < set(demands)
    demand_colour = dict(parse_grass(browser.stylesheet()))["node.Demand"]["color"]

    with browser.AssetServer(TEST_BROWSER_PORT if managed else 0) as server:
        server.start()
        log_in(page, browser_url_of(connection), connection)
        if not managed:
            # A server ckg did not configure: paste the two commands, as `ckg browser` says.
            paste_commands(page, server.port)
        # On the managed server, Browser applied the style and opened the guide by itself.
        guide_title(page).wait_for()
        slide_blocks = go_to_slide(page, query.title)
        texts = [text.strip() for text in slide_blocks.all_text_contents()]
        assert texts == [
            browser.param_block(query),
            browser.param_block(query, example),
            browser.query_body(query),
            browser.graph_block(query),
        ]
        param_icon, example_icon, table_icon, graph_icon = (
            slide_blocks.nth(index).locator("i.fa-play-circle-o") for index in range(4)
        )
        frames = page.locator('[data-testid="frame"]')
        scripts = frames.filter(has=page.locator('[data-testid="multi-statement-list"]'))

        def set_parameters(icon: Any) -> None:
            """Click a :param block and wait until its own frame (the newest, on top) set them all."""
            before = scripts.count()
            icon.click()
            expect(scripts).to_have_count(before + 1, timeout=TIMEOUT_MS)
            done = scripts.first.locator('[data-testid="multi-statement-list-icon"][title="Status: success"]')
            expect(done).to_have_count(len(query.parameters), timeout=TIMEOUT_MS)

        # The guide's :param block, then the query unchanged: today's blocking demands.
        set_parameters(param_icon)
        table_icon.click()
        table = frames.filter(has=page.locator("table")).first.locator("table")
        for demand in current:
            table.get_by_text(f'"{demand}"', exact=True).wait_for()
        assert table.get_by_text(sorted(set(demands) - set(current))[0]).count() == 0

        # The guide's second :param block, as of 19 March: Putin's three conditions, drawn as a graph.
        set_parameters(example_icon)
        graph_icon.click()
        graph = frames.filter(has=page.locator("svg g.node")).first
        graph.locator("svg g.node").nth(len(demands) - 1).wait_for()
        page.wait_for_timeout(2500)  # let the force layout settle for the screenshot
        captions = node_captions(graph)
        for demand in demands:
            assert demand in captions.values(), f"{demand!r} is not a caption of {sorted(captions.values())}"
        demand_nodes = [key for key, caption in captions.items() if caption in demands]
        for key in demand_nodes:
            outline = graph.locator(f'svg g.node[aria-label="{key}"] circle.b-outline')
            assert outline.get_attribute("fill") == demand_colour  # the stylesheet is applied
        page.screenshot(path=str(screenshots / "browser-guide-and-graph.png"))
        graph.get_by_title("Fullscreen").click()
        graph.get_by_label("Collapse the node properties display").click()
        graph.get_by_label("zoom-to-fit").click()
        page.wait_for_timeout(1500)
        shot = screenshots / "blocking-demands.png"
        page.screenshot(path=str(shot))
        announce(pytestconfig, f"Screenshots: {shot}, {screenshots / 'browser-guide-and-graph.png'}")


def test_pasted_commands_style_the_graph_and_open_the_guide(
    examples: PushedExamples, page: Any, screenshots: Path
) -> None:
    # What a user of a Neo4j that ckg did not start does. On the managed server,
    # a ?cmd= link keeps Browser from running its post-connect commands, and the
    # assets are served on another port than those commands name.
    connection = examples.connection
    rules = dict(parse_grass(browser.stylesheet()))
    with browser.AssetServer(0) as server:
        server.start()
        log_in(page, browser_url_of(connection) + "&cmd=play&arg=start", connection)
        paste_commands(page, server.port)
        guide_title(page).wait_for()
        actors_block = go_to_slide(page, "The actors").first
        actors_block.locator("i.fa-play-circle-o").click()
        graph = page.locator('[data-testid="frame"]').filter(has=page.locator("svg g.node")).first
        russia = graph.locator(
            "svg g.node", has=page.locator("text.caption", has_text=re.compile(r"^\s*Russia$"))
        ).first
        russia.wait_for()
        assert node_captions(graph)[russia.get_attribute("aria-label")] == "Russia"
        assert russia.locator("circle.b-outline").get_attribute("fill") == rules["node.State"]["color"]
        assert russia.locator("text.caption").first.get_attribute("fill") == rules["node.State"]["text-color-internal"]
        page.screenshot(path=str(screenshots / "pasted-commands-actors.png"))
