"""Pages of an answer: the same rows as the whole answer's slice, on both back ends, and the command line's word on them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import neo4j
import pytest

from ceasefire_kg import saved_queries as sq
from ceasefire_kg.backends import LocalBackend, Neo4jBackend
from ceasefire_kg.errors import QueryParameterError
from ceasefire_kg.saved_queries.paging import Page, limited_text
from ceasefire_kg.store import Store
from tests.cli_helpers import run_ckg
from tests.conftest import Neo4jConnection, driver_to_pushed_store
from tests.corpus import serrin_store

#: Pages that start at, inside and past the end of answers of a few rows.
PAGES = [Page(1), Page(2, 1), Page(3, 2), Page(None, 2), Page(5, 1000)]
ALL_QUERIES = sq.saved_query_names()
#: The parameters a query cannot do without.
REQUIRED = {"evidence": {"fact": "serrin-humanitarian-truce"}}


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Serrin-war examples: every saved query has several rows on them."""
    return serrin_store(tmp_path_factory.mktemp("paging"))


def check_pages(backend: LocalBackend | Neo4jBackend, name: str) -> None:
    query = sq.find_query(name)
    values = query.bind(REQUIRED.get(name, {}))
    whole = backend.run(query, values).rows
    assert len(whole) >= 2, f"{name} has too few rows on the examples to show a page"
    for page in PAGES:
        result = backend.run(query, values, page)
        end = None if page.limit is None else page.offset + page.limit
        assert result.rows == whole[page.offset : end], f"{name} {page}"
        assert result.more == (end is not None and len(whole) > end), f"{name} {page}"
        assert result.offset == page.offset


@pytest.mark.parametrize("name", ALL_QUERIES)
def test_every_saved_query_takes_its_page_into_both_texts(name: str) -> None:
    # Pushed down, not cut afterwards: each saved query ends with its own ORDER BY.
    query = sq.find_query(name)
    assert query.sparql is not None and query.cypher is not None
    assert limited_text(
        query.sparql,
        Page(10, 20),
        "sparql",
    ).endswith("\nLIMIT 11 OFFSET 20\n")
    assert limited_text(query.cypher, Page(10, 20), "cypher").endswith("\nSKIP $ckgPageOffset LIMIT $ckgPageLimit\n")


@pytest.mark.parametrize("name", ALL_QUERIES)
def test_a_page_on_the_embedded_store_is_the_slice_of_the_whole_answer(name: str, store_path: Path) -> None:
    with Store.open_read_only(store_path) as store:
        check_pages(LocalBackend(store), name)


def test_a_query_that_limits_itself_is_cut_after_it_runs(store_path: Path, tmp_path: Path) -> None:
    own = tmp_path / "first-actors.cypher"
    own.write_text(
        "// name: first-actors\n// title: Three actors\n// columns: actor\n"
        "MATCH (a:Actor) RETURN a.label AS actor ORDER BY actor LIMIT 3\n",
        "utf-8",
    )
    own.with_suffix(".rq").write_text(
        "SELECT ?actor WHERE { GRAPH ?g { ?a a cf:Actor ; rdfs:label ?actor } } ORDER BY ?actor LIMIT 3\n", "utf-8"
    )
    query = sq.find_query(str(own))
    assert query.sparql is not None and limited_text(query.sparql, Page(2), "sparql") is None
    with Store.open_read_only(store_path) as store:
        backend = LocalBackend(store)
        whole = backend.run(query, {}).rows
        result = backend.run(query, {}, Page(2, 0))
    assert len(whole) == 3 and result.rows == whole[:2] and result.more


@pytest.mark.parametrize(
    ("page", "message"),
    [
        (lambda: Page(0), "A page holds at least one row: --limit 0 is too small."),
        (lambda: Page(5, -1), "--offset -1 is negative: give 0 or more rows to skip."),
    ],
)
def test_a_page_of_no_rows_is_refused(page: object, message: str) -> None:
    with pytest.raises(QueryParameterError) as raised:
        page()  # type: ignore[operator]
    assert str(raised.value) == message


# --- the command line ---------------------------------------------------------------


def test_a_table_page_says_how_to_see_the_rest(store_path: Path) -> None:
    whole = run_ckg("query", "timeline", "--store", store_path, "-f", "json", "--all")
    assert whole.exit_code == 0, whole.output
    first = run_ckg("query", "timeline", "--store", store_path, "--limit", "3")
    assert first.exit_code == 0, first.output
    assert first.stderr.splitlines()[-1] == "Rows 1–3 shown; more follow. Next page: --offset 3; every row: --all."
    total = whole.stdout.count('"date":')
    last = run_ckg("query", "timeline", "--store", store_path, "--limit", "3", "--offset", str(total - 2))
    assert last.stderr.splitlines()[-1] == f"Rows {total - 1}–{total} of {total}."
    past = run_ckg("query", "timeline", "--store", store_path, "--offset", str(total + 5))
    assert past.exit_code == 0
    assert past.stderr.splitlines()[-1] == (
        f"No rows from row {total + 6} on: the answer is shorter. Try a smaller --offset."
    )


def test_json_gives_every_row_unless_a_limit_is_given(store_path: Path) -> None:
    every = run_ckg("query", "timeline", "--store", store_path, "-f", "json")
    limited = run_ckg("query", "timeline", "--store", store_path, "-f", "json", "--limit", "2")
    assert every.stdout.count('"date":') > 2
    assert limited.stdout.count('"date":') == 2


def test_limit_and_all_together_are_refused(store_path: Path) -> None:
    result = run_ckg("query", "timeline", "--store", store_path, "--limit", "2", "--all")
    assert result.exit_code == 2
    assert "Error: Give --limit or --all, not both." in result.stderr


# --- Neo4j ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pushed(neo4j_server: Neo4jConnection, pytestconfig: pytest.Config, store_path: Path) -> Iterator[neo4j.Driver]:
    """A driver to the test database holding the Serrin-war examples."""
    with driver_to_pushed_store(neo4j_server, pytestconfig, store_path) as driver:
        yield driver


@pytest.mark.neo4j
@pytest.mark.parametrize("name", ALL_QUERIES)
def test_a_page_on_neo4j_is_the_slice_of_the_whole_answer(
    name: str, pushed: neo4j.Driver, neo4j_server: Neo4jConnection
) -> None:
    check_pages(Neo4jBackend(pushed, neo4j_server.database), name)
