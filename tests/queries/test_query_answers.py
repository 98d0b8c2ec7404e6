"""Saved queries' answers against their golden rows, on both backends; and Cypher against SPARQL on generated data.

One test per data set, query and parameter set (tests/queries/golden/, see
tests/queries/golden.py): the SPARQL version on the embedded store in the fast
suite, the Cypher version on Neo4j under the ``neo4j`` marker, each data set
pushed once to a clean database. A mismatch lists the missing and unexpected
rows. After a deliberate change of a query or an article, regenerate the golden
files with ``python -m tests.queries.regenerate_golden`` and review the diff.

On a generated corpus there are no golden rows: there the Cypher and SPARQL
versions must return the same rows, one test per query.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import neo4j
import pytest

from ceasefire_kg import saved_queries as sq
from ceasefire_kg.push import push
from ceasefire_kg.store import Store
from tests.conftest import Neo4jConnection, clean_database, driver_to_empty_database
from tests.corpus import QUERY_DATA_SETS
from tests.paths import REPO
from tests.queries.golden import (
    GoldenCase,
    StoreSamples,
    all_golden_cases,
    answer_locally,
    answer_on_neo4j,
    data_set_named,
    golden_path,
    parameter_sets,
    parameters_id,
    read_golden,
    render,
    row_differences,
)

GOLDEN_CASES = all_golden_cases()
QUERY_NAMES = sq.saved_query_names()
REGENERATE = "python -m tests.queries.regenerate_golden"


class DataSetStores:
    """The data sets' stores, each loaded on first use, once per test session."""

    def __init__(self, factory: pytest.TempPathFactory) -> None:
        self._factory = factory
        self._stores: dict[str, Path] = {}

    def __getitem__(self, name: str) -> Path:
        if name not in self._stores:
            self._stores[name] = data_set_named(name).build(self._factory.mktemp(name))
        return self._stores[name]


@pytest.fixture(scope="session")
def data_set_stores(tmp_path_factory: pytest.TempPathFactory) -> DataSetStores:
    """The golden data sets' stores, by name."""
    return DataSetStores(tmp_path_factory)


def assert_rows(case: GoldenCase, actual: list[list[object]], backend: str) -> None:
    """Fail with the missing and unexpected rows unless ``actual`` are the golden rows, in order."""
    differences = row_differences(case.rows, actual)
    if differences is not None:
        pytest.fail(
            f"{backend} answers {case.query} with {parameters_id(case.parameters)} on {case.data_set} "
            f"differently from {golden_path(case.data_set, case.query).relative_to(REPO)}:\n"
            f"{differences}\n(if the change is meant, run {REGENERATE} and review the diff)",
            pytrace=False,
        )


# --- the golden files themselves ----------------------------------------------------------


@pytest.mark.parametrize("data_set", [data_set.name for data_set in QUERY_DATA_SETS])
def test_the_golden_cases_are_todays_parameter_sets(data_set: str, data_set_stores: DataSetStores) -> None:
    # A new query, example line or reviewed case must get golden rows; so must a change of the samples.
    samples = StoreSamples.of(data_set_stores[data_set])
    for query in sq.saved_queries():
        path = golden_path(data_set, query.name)
        assert path.is_file(), f"{query.name} has no golden answers on {data_set}: run {REGENERATE}"
        cases = read_golden(path)
        assert [case.parameters for case in cases] == parameter_sets(query, samples, data_set), (
            f"{path.relative_to(REPO)} holds other parameter sets than the tests choose: run {REGENERATE}"
        )
        assert {case.columns for case in cases} == {query.column_names}, f"{path}: columns differ from the header"
        assert {(case.data_set, case.query) for case in cases} == {(data_set, query.name)}


@pytest.mark.parametrize("data_set", [data_set.name for data_set in QUERY_DATA_SETS])
def test_the_golden_files_are_written_as_the_script_writes_them(data_set: str) -> None:
    # Hand edits must keep the one-row-a-line layout, so that diffs stay readable.
    for query in sq.saved_queries():
        path = golden_path(data_set, query.name)
        cases = read_golden(path)
        expected = render(data_set_named(data_set), query, [(case.parameters, case.rows) for case in cases])
        assert path.read_text(encoding="utf-8") == expected, f"{path} is not laid out as {REGENERATE} writes it"


def test_every_example_line_has_golden_rows() -> None:
    for query in sq.saved_queries():
        for example in query.examples:
            assert any(case.query == query.name and case.parameters == dict(example.values) for case in GOLDEN_CASES), (
                f"{query.name}: the example {example.options} has no golden rows"
            )


def test_a_difference_names_the_missing_and_the_unexpected_rows() -> None:
    assert row_differences([["a", 1]], [["a", 1]]) is None
    assert row_differences([["a", 1], ["b", [2]]], [["b", [2]], ["c", None]]) == (
        'expected 2 rows, got 2\nmissing (1):\n  - ["a", 1]\nunexpected (1):\n  + ["c", null]'
    )
    assert row_differences([["a"], ["b"]], [["b"], ["a"]]) == (
        'expected 2 rows, got 2\nthe same rows in another order; expected:\n    ["a"]\n    ["b"]\n'
        '  got:\n    ["b"]\n    ["a"]'
    )


# --- the embedded store -------------------------------------------------------------------


@pytest.mark.parametrize("case", GOLDEN_CASES, ids=lambda case: case.id)
def test_sparql_gives_the_golden_rows(case: GoldenCase, data_set_stores: DataSetStores) -> None:
    assert sq.find_query(case.query).column_names == case.columns
    assert_rows(case, answer_locally(data_set_stores[case.data_set], case.query, case.parameters), "SPARQL")


# --- Neo4j ------------------------------------------------------------------------------


class PushedDatabase:
    """The test database, holding one data set at a time; pushing another first empties it."""

    def __init__(self, driver: neo4j.Driver, database: str) -> None:
        self.driver = driver
        self.database = database
        self._holding: str | None = None

    def holding(self, name: str, store_path: Path) -> PushedDatabase:
        """Make sure the database holds the data set ``name`` (from ``store_path``); return self."""
        if self._holding != name:
            self._holding = None
            clean_database(self.driver, self.database)
            with Store.open_read_only(store_path) as store:
                push(store, self.driver, self.database)
            self._holding = name
        return self


@pytest.fixture(scope="module")
def pushed_database(neo4j_server: Neo4jConnection, pytestconfig: pytest.Config) -> Iterator[PushedDatabase]:
    """The test database for this module's tests; the cases come grouped by data set, so each is pushed once."""
    with driver_to_empty_database(neo4j_server, pytestconfig) as driver:
        yield PushedDatabase(driver, neo4j_server.database)


@pytest.mark.neo4j
@pytest.mark.parametrize("case", GOLDEN_CASES, ids=lambda case: case.id)
def test_cypher_gives_the_golden_rows(
    case: GoldenCase, data_set_stores: DataSetStores, pushed_database: PushedDatabase
) -> None:
    database = pushed_database.holding(case.data_set, data_set_stores[case.data_set])
    assert_rows(case, answer_on_neo4j(database.driver, database.database, case.query, case.parameters), "Cypher")


@pytest.mark.neo4j
@pytest.mark.parametrize("query_name", QUERY_NAMES)
def test_cypher_and_sparql_agree_on_generated_data(
    query_name: str, queries_generated_store: Path, pushed_database: PushedDatabase
) -> None:
    database = pushed_database.holding("generated", queries_generated_store)
    query = sq.find_query(query_name)
    tried = parameter_sets(query, StoreSamples.of(queries_generated_store), "generated")
    assert tried, f"{query_name}: no parameter set to try"
    problems = []
    for parameters in tried:
        local = answer_locally(queries_generated_store, query_name, parameters)
        remote = answer_on_neo4j(database.driver, database.database, query_name, parameters)
        differences = row_differences(local, remote)
        if differences is not None:
            problems.append(f"with {parameters_id(parameters)} (SPARQL rows expected, Cypher rows got):\n{differences}")
    assert not problems, f"{query_name}: Cypher and SPARQL disagree on generated data\n" + "\n".join(problems)
