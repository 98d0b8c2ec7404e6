"""The saved queries' golden answers: which cases are kept, how they are run, written, read and compared.

A *case* is one saved query with one set of parameter values on one data set
(:data:`tests.corpus.QUERY_DATA_SETS`). Its golden answer, the columns and rows
both backends must return, is kept in ``tests/queries/golden/<data set>/<query>.json``,
one file per data set and query holding all of that query's cases, one row a
line. The parameter sets of each query are:

* its defaults (none for a query with a required parameter),
* every ``// example:`` line of its header,
* one value per parameter sampled from the data set (a date in the middle of its
  articles, the first side, the first proposal, the first enum value...), and a
  date with a person, as the old parity tests chose them; ``until`` also at the
  first article's date, and each sampled fact also as of the first and the middle
  date, so that answers "as known on" a date are checked at two dates,
* the cases the hand-written tests in tests/test_saved_queries.py ask about
  (:data:`REVIEWED_CASES`), so that Neo4j is checked on them too.

The files are written by ``python -m tests.queries.regenerate_golden`` from the
embedded store's answers; the tests in tests/queries/test_query_answers.py
check both backends against them.

The runner glue, :func:`answer_locally` and :func:`answer_on_neo4j`, is the one
place that knows how a saved query is run.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import neo4j
import pyoxigraph as ox

from ceasefire_kg import saved_queries as sq
from ceasefire_kg.backends import LocalBackend, Neo4jBackend
from ceasefire_kg.namespaces import ID
from ceasefire_kg.store import Store
from tests.corpus import QUERY_DATA_SETS, DataSet
from tests.paths import REPO

GOLDEN_DIR = Path(__file__).parent / "golden"

Parameters = dict[str, str]
Row = list[Any]

#: Cases the hand-written tests of tests/test_saved_queries.py check on the
#: embedded store, by data set and query, so that the golden answers (and Neo4j)
#: cover them too. Parameters as given with ``-p NAME=VALUE``.
REVIEWED_CASES: dict[str, dict[str, list[Parameters]]] = {
    "examples": {
        "agreements": [{"as_of": "2025-03-19"}, {"as_of": "2025-04-08"}],
        "blocking-demands": [
            {"as_of": "2025-04-07"},
            {"as_of": "2025-04-08"},
            {"proposal": "us-30-day-ceasefire"},
            {"scope": "energy-infrastructure"},
            {"as_of": "2025-01-01"},
        ],
        # The April exchange happened on 5 April but was first reported on 9 April.
        "confidence-measures": [{"as_of": "2025-03-19"}, {"actor": "united-arab-emirates"}, {"as_of": "2025-04-08"}],
        "demands": [{"as_of": "2025-03-19"}, {"status": "withdrawn"}, {"actor": "ukraine"}, {"as_of": "2025-04-08"}],
        "evidence": [
            {"fact": "putin-rejects-full-ceasefire"},
            {"fact": "position:putin-rejects-full-ceasefire"},
            {"fact": "https://w3id.org/ceasefire-kg/id/position/putin-rejects-full-ceasefire"},
            {"fact": "united-arab-emirates"},
            {"fact": "no-such-fact"},
        ],
        # Putin's conditional acceptance is dated 8 April, first reported on 9 April.
        "position-history": [
            {"actor": "russia"},
            {"proposal": "us-30-day-ceasefire"},
            {"as_of": "2025-04-08", "actor": "russia"},
        ],
        "positions": [
            {"as_of": "2025-03-19", "actor": "russia", "proposal": "us-30-day-ceasefire"},
            {"actor": "putin"},
            {"as_of": "2025-04-08", "actor": "russia"},
        ],
        "scope-disputes": [{"as_of": "2025-03-18"}],
        "talks": [{"as_of": "2025-03-19", "status": "planned"}],
        "timeline": [
            {"actor": "russia", "proposal": "us-30-day-ceasefire"},
            {"since": "2025-04-01", "until": "2025-04-08"},
            {"since": "2025-04-01", "until": "2025-04-09"},
        ],
        "violations": [{"as_of": "2025-03-19"}],
    },
    "seed": {
        # The day before the seed article: nothing is known yet.
        "agreements": [{"as_of": "2025-03-18"}],
        "blocking-demands": [{"as_of": "2025-03-18"}],
        "confidence-measures": [{"as_of": "2025-03-18"}],
        "demands": [{"as_of": "2025-03-18"}],
        "position-history": [{"as_of": "2025-03-18"}],
        "positions": [{"as_of": "2025-03-18"}],
    },
    "demands": {
        "responses": [
            {"as_of": "2031-03-28"},
            {"as_of": "2031-03-30", "actor": "northern-union"},
            {"actor": "northern-union"},
            {"actor": "northern-commission"},
            {"actor": "union-spokesperson"},
            {"demand": "coast-withdrawal"},
            {"stance": "considers", "as_of": "2031-03-28"},
            {"stance": "considers"},
        ],
    },
    "edge": {
        "agreements": [{"as_of": "2025-01-31"}],
        "confidence-measures": [{"as_of": "2025-01-31"}],
        "demands": [{"as_of": "2025-01-31"}],
        "position-history": [{"as_of": "2025-01-31"}],
        "positions": [{"as_of": "2025-01-31"}],
        "blocking-demands": [
            {"as_of": "2025-01-15"},
            {"as_of": "2025-01-31"},
            {"scope": "partial"},
            {"scope": "geographic"},
        ],
        "violations": [{"as_of": "2025-01-15"}],
    },
    # tests/queries/test_time_truth.py: the truce took effect on 10 April and the prisoners demand
    # was met that day, both reported on 12 April; the corridor demand's target only then.
    "time": {
        "agreements": [{"as_of": "2031-04-11"}, {"as_of": "2031-04-11", "actor": "westria-president"}],
        "blocking-demands": [
            {"proposal": "full-ceasefire", "as_of": "2031-04-11"},
            {"proposal": "full-ceasefire", "as_of": "2031-04-12"},
            {"proposal": "full-ceasefire"},
        ],
        "confidence-measures": [{"as_of": "2031-04-11"}],
        "demands": [
            {"actor": "harbor-union"},
            {"actor": "union-commission"},
            {"actor": "mira-vale"},
            {"as_of": "2031-04-05"},
            {"as_of": "2031-04-11", "actor": "ostland"},
            {"as_of": "2031-04-12", "actor": "ostland"},
        ],
        "position-history": [{"as_of": "2031-04-11"}, {"actor": "westria-president"}],
        "positions": [{"as_of": "2031-04-11"}, {"actor": "harbor-union"}],
        "talks": [{"as_of": "2031-04-05"}, {"as_of": "2031-04-05", "actor": "lakeland"}],
        "mediators": [{"as_of": "2031-04-05"}],
        "timeline": [
            {"until": "2031-04-11"},
            {"actor": "harbor-union"},
            {"actor": "harbor-union", "until": "2031-04-11"},
            {"since": "2031-04-10"},
        ],
        "violations": [{"as_of": "2031-04-11"}, {"actor": "harbor-union"}],
        "evidence": [{"fact": "border-truce", "as_of": "2031-04-05"}],
    },
    # Before, between and after the two reports; actors down and up a represents chain.
    "claims": {
        "accusations": [
            {"as_of": "2031-03-02"},
            {"as_of": "2031-03-05"},
            {"actor": "varenia-foreign-ministry"},
            {"actor": "lena-marsh"},
            {"actor": "meridia"},
            {"as_of": "2031-03-05", "actor": "kostrova"},
        ],
        "disputes": [{"as_of": "2031-03-02"}, {"as_of": "2031-03-05"}],
    },
}


# --- the runner glue ----------------------------------------------------------------


def answer_locally(store_path: Path, query_name: str, params: Mapping[str, str]) -> list[Row]:
    """A saved query's rows on the embedded store, as JSON would hold them.

    Args:
        store_path: The store's folder.
        query_name: The saved query's name.
        params: Parameter values as given with ``-p NAME=VALUE``.

    Returns:
        The rows in the query's order, each a list in column order.
    """
    query = sq.find_query(query_name)
    with Store.open_read_only(store_path) as store:
        result = LocalBackend(store).run(query, query.bind(params))
    return [list(row) for row in result.rows]


def answer_on_neo4j(driver: neo4j.Driver, database: str, query_name: str, params: Mapping[str, str]) -> list[Row]:
    """A saved query's rows on Neo4j, as JSON would hold them.

    Args:
        driver: A driver to the server.
        database: The database holding the pushed data set.
        query_name: The saved query's name.
        params: Parameter values as given with ``-p NAME=VALUE``.

    Returns:
        The rows in the query's order, each a list in column order.
    """
    query = sq.find_query(query_name)
    result = Neo4jBackend(driver, database).run(query, query.bind(params))
    return [list(row) for row in result.rows]


# --- which cases ----------------------------------------------------------------------


@dataclass(frozen=True)
class StoreSamples:
    """Parameter values taken from a store, to try each parameter on something that exists.

    Attributes:
        dates: The articles' dates, sorted.
        sides: Actors someone holds a position for, as ids, sorted.
        people: Position holders who represent a side, as ids, sorted.
        proposals: Proposals a position is on, as ids, sorted.
        facts: Ids of facts with evidence, sorted.
    """

    dates: tuple[str, ...]
    sides: tuple[str, ...]
    people: tuple[str, ...]
    proposals: tuple[str, ...]
    facts: tuple[str, ...]

    @classmethod
    def of(cls, store_path: Path) -> StoreSamples:
        """Take the samples from the store at ``store_path``."""

        def values(store: Store, sparql: str, variable: str) -> tuple[str, ...]:
            solutions = store.query(sparql)
            assert isinstance(solutions, ox.QuerySolutions), sparql
            return tuple(sorted({_short_id(row[variable].value) for row in solutions}))

        with Store.open_read_only(store_path) as store:
            dates = tuple(sorted({article[:10] for article in store.article_ids()}))
            sides = values(store, "SELECT ?s WHERE { ?p cf:holder/cf:represents ?s }", "s")
            people = values(store, "SELECT ?h WHERE { ?p cf:holder ?h . ?h cf:represents ?s }", "h")
            proposals = values(store, "SELECT ?p WHERE { ?x cf:onProposal ?p }", "p")
            facts = values(store, "SELECT ?id WHERE { ?f cf:evidence ?q ; cf:factId ?id }", "id")
        return cls(dates, sides, people, proposals, facts)


def _short_id(value: str) -> str:
    # An entity IRI (.../id/actor/russia) is given by its id, as a user types it; the query sees the same IRI.
    return value.rsplit("/", 1)[-1] if value.startswith(str(ID)) else value


def parameter_sets(query: sq.SavedQuery, samples: StoreSamples, data_set: str) -> list[Parameters]:
    """The parameter sets a query is checked with on a data set, without repeats, in a stable order.

    Neo4j plans a query anew for each combination of parameter types (a date or
    null), so each combination is tried about once.

    Args:
        query: The saved query.
        samples: Values taken from the data set's store.
        data_set: The data set's name, for :data:`REVIEWED_CASES`.

    Returns:
        Parameter values as given with ``-p NAME=VALUE``.
    """
    found: list[Parameters] = []
    if not any(parameter.required for parameter in query.parameters):
        found.append({})
    found.extend(dict(example.values) for example in query.examples)
    middle = samples.dates[len(samples.dates) // 2] if samples.dates else None
    sampled = {
        "as_of": middle,
        "actor": samples.sides[0] if samples.sides else None,
        "proposal": samples.proposals[0] if samples.proposals else None,
        "since": middle,
        "until": middle,
        "scope": "partial",
    }
    if query.parameter("fact"):
        some_facts = samples.facts[:: max(1, len(samples.facts) // 3)]
        found.extend({"fact": fact} for fact in some_facts)
        if query.parameter("as_of"):
            # As known on the first article's date and on the middle one: later sources drop out.
            for date in sorted({samples.dates[0], middle} if middle else set()):
                found.extend({"fact": fact, "as_of": date} for fact in some_facts)
    else:
        for parameter in query.parameters:
            value = parameter.choices[0] if parameter.choices else sampled.get(parameter.name)
            if value is not None:
                found.append({parameter.name: value})
        if query.parameter("as_of") and query.parameter("actor") and samples.dates and samples.people:
            found.append({"as_of": samples.dates[0], "actor": samples.people[0]})
        if query.parameter("until") and samples.dates:
            # A second date that cuts knowledge (the first sampled one is the middle date).
            found.append({"until": samples.dates[0]})
    found.extend(REVIEWED_CASES.get(data_set, {}).get(query.name, []))
    unique: list[Parameters] = []
    for parameters in found:
        if parameters not in unique:
            unique.append(parameters)
    return unique


def parameters_id(parameters: Mapping[str, str]) -> str:
    """A parameter set as a test id: ``as_of=2025-03-19,actor=putin``, or ``defaults``."""
    return ",".join(f"{name}={value}" for name, value in parameters.items()) or "defaults"


def case_id(case: Sequence[Any]) -> str:
    """A hand-answered case (query name, parameters, ...) as a test id: ``demands-actor=harbor-union``."""
    return f"{case[0]}-{parameters_id(case[1])}"


# --- the golden files -------------------------------------------------------------------


@dataclass(frozen=True)
class GoldenCase:
    """One saved query with one parameter set on one data set, and its expected rows.

    Attributes:
        data_set: The data set's name.
        query: The saved query's name.
        parameters: Parameter values as given with ``-p NAME=VALUE``.
        columns: The expected column names.
        rows: The expected rows, in order, each a list in column order.
    """

    data_set: str
    query: str
    parameters: Parameters
    columns: tuple[str, ...]
    rows: list[Row]

    @property
    def id(self) -> str:
        """Such as ``examples-blocking-demands-as_of=2025-03-19``."""
        return f"{self.data_set}-{self.query}-{parameters_id(self.parameters)}"


def golden_path(data_set: str, query: str) -> Path:
    """Where the golden answers of a query on a data set are kept."""
    return GOLDEN_DIR / data_set / f"{query}.json"


def data_set_named(name: str) -> DataSet:
    """The data set called ``name``."""
    return next(data_set for data_set in QUERY_DATA_SETS if data_set.name == name)


def render(data_set: DataSet, query: sq.SavedQuery, cases: Sequence[tuple[Parameters, Sequence[Row]]]) -> str:
    """The text of a golden file: valid JSON, one row a line, keys in a fixed order.

    Args:
        data_set: The data set the rows were answered on.
        query: The saved query.
        cases: Each parameter set with its rows.

    Returns:
        The file's text, ending in a newline.
    """

    def text(value: object) -> str:
        return json.dumps(value, ensure_ascii=False)

    articles = [path.relative_to(REPO).as_posix() for path in data_set.articles]
    blocks = []
    for parameters, rows in cases:
        row_lines = ",\n".join(f"        {text(list(row))}" for row in rows)
        rows_text = f"[\n{row_lines}\n      ]" if rows else "[]"
        blocks.append(f'    {{\n      "parameters": {text(parameters)},\n      "rows": {rows_text}\n    }}')
    case_lines = ",\n".join(blocks)
    return (
        "{\n"
        f'  "data_set": {text(data_set.name)},\n'
        f'  "articles": {text(articles)},\n'
        f'  "query": {text(query.name)},\n'
        f'  "columns": {text(list(query.column_names))},\n'
        f'  "cases": [\n{case_lines}\n  ]\n'
        "}\n"
    )


def read_golden(path: Path) -> list[GoldenCase]:
    """The cases of one golden file."""
    document = json.loads(path.read_text(encoding="utf-8"))
    return [
        GoldenCase(
            data_set=document["data_set"],
            query=document["query"],
            parameters=case["parameters"],
            columns=tuple(document["columns"]),
            rows=case["rows"],
        )
        for case in document["cases"]
    ]


def golden_files() -> list[Path]:
    """Every golden file, data set by data set in :data:`QUERY_DATA_SETS` order, then by query."""
    return [path for data_set in QUERY_DATA_SETS for path in sorted((GOLDEN_DIR / data_set.name).glob("*.json"))]


def all_golden_cases() -> list[GoldenCase]:
    """Every golden case, grouped by data set (so that each is pushed to Neo4j once)."""
    return [case for path in golden_files() for case in read_golden(path)]


# --- comparing -----------------------------------------------------------------------------


def row_differences(expected: Sequence[Row], actual: Sequence[Row]) -> str | None:
    """Say how two answers differ, row by row; None when they are the same, in the same order.

    Args:
        expected: The golden rows.
        actual: The rows a backend returned.

    Returns:
        The rows missing from ``actual`` and the unexpected ones, one a line as
        JSON, or, when only the order differs, both orders.
    """
    if list(expected) == list(actual):
        return None
    expected_rows = Counter(_row_key(row) for row in expected)
    actual_rows = Counter(_row_key(row) for row in actual)
    missing = list((expected_rows - actual_rows).elements())
    unexpected = list((actual_rows - expected_rows).elements())
    lines = [f"expected {len(expected)} rows, got {len(actual)}"]
    if not missing and not unexpected:
        lines.append("the same rows in another order; expected:")
        lines.extend(f"    {_row_key(row)}" for row in expected)
        lines.append("  got:")
        lines.extend(f"    {_row_key(row)}" for row in actual)
    if missing:
        lines.append(f"missing ({len(missing)}):")
        lines.extend(f"  - {row}" for row in missing)
    if unexpected:
        lines.append(f"unexpected ({len(unexpected)}):")
        lines.extend(f"  + {row}" for row in unexpected)
    return "\n".join(lines)


def assert_same_rows(expected: Sequence[Row], actual: Sequence[Row], what: str) -> None:
    """Fail, saying what differs (:func:`row_differences`) under the heading ``what``, unless the rows are the same."""
    differences = row_differences(expected, actual)
    assert differences is None, f"{what}:\n{differences}"


def _row_key(row: Iterable[Any]) -> str:
    return json.dumps(list(row), ensure_ascii=False)
