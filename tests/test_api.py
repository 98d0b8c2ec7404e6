"""The public Python API: what the README's notebook example does, on both back ends."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
from pathlib import Path

import neo4j
import pytest

import ceasefire_kg
from ceasefire_kg import KnowledgeGraph, Neo4jGraph
from ceasefire_kg.analysis import alignment
from ceasefire_kg.errors import InputError, QueryFailed, QueryParameterError, StoreError, UnknownSavedQuery
from tests.paths import EXAMPLES

AS_OF_SEED = [
    "putin-demands-halt-to-mobilization",
    "putin-demands-ukraine-stop-rearming",
    "putin-demands-end-of-western-aid",
]


@pytest.fixture(scope="module")
def kg(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeGraph:
    graph = KnowledgeGraph(tmp_path_factory.mktemp("api") / "store")
    report = graph.load([EXAMPLES])
    assert report.stored and report.store_triples == 1756
    return graph


def test_load_query_and_articles(kg: KnowledgeGraph) -> None:
    assert kg.articles() == {"2025-03-19-trump-zelensky-call": 608, "2025-04-09-kremlin-conditional-ceasefire": 497}
    text = kg.query("blocking-demands", as_of="2025-03-19")
    typed = kg.query("blocking-demands", as_of=dt.date(2025, 3, 19))
    assert text.rows == typed.rows
    assert [row["demand_id"] for row in typed.records()] == AS_OF_SEED
    # The April article withdraws the mobilization demand.
    assert [row["demand_id"] for row in kg.query("blocking-demands").records()] == AS_OF_SEED[1:]


def test_bad_parameters_and_names_are_the_libraries_errors(kg: KnowledgeGraph) -> None:
    with pytest.raises(QueryParameterError, match="is not a valid IRI: 'urn:a%zz'"):
        kg.query("positions", actor="urn:a%zz")
    with pytest.raises(QueryParameterError, match="as_of"):
        kg.query("blocking-demands", as_of="2025-02-30")
    with pytest.raises(UnknownSavedQuery, match="Did you mean 'positions'"):
        kg.query("positons")


def test_a_refused_load_changes_nothing(kg: KnowledgeGraph, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("article: {id: Not A Slug}\n", encoding="utf-8")
    before = io.BytesIO()
    kg.export(before, "nquads")
    with pytest.raises(InputError):
        kg.load([bad])
    after = io.BytesIO()
    kg.export(after, "nquads")
    assert after.getvalue() == before.getvalue()


def test_export_to_a_file_and_retract(tmp_path: Path) -> None:
    graph = KnowledgeGraph(tmp_path / "store")
    graph.load([EXAMPLES])
    assert graph.export(tmp_path / "graph.ttl") > 0
    assert (tmp_path / "graph.ttl").read_text("utf-8").startswith("@prefix")
    left = graph.retract(["2025-04-09-kremlin-conditional-ceasefire"])
    assert list(graph.articles()) == ["2025-03-19-trump-zelensky-call"]
    assert left < 1756
    with pytest.raises(StoreError, match="No article"):
        graph.retract(["no-such-article"])


def test_the_negotiation_graph_feeds_the_analyses(kg: KnowledgeGraph) -> None:
    blocs = alignment(kg.negotiation()).bloc_table().records()
    assert blocs, "the examples have sides that stand together"


def test_to_dataframe_says_how_to_get_pandas(kg: KnowledgeGraph) -> None:
    result = kg.query("demands")
    try:
        import pandas  # noqa: F401 (only whether it is there)
    except ImportError:
        with pytest.raises(QueryFailed, match="pip install pandas"):
            result.to_dataframe()
    else:
        frame = result.to_dataframe()
        assert list(frame.columns) == list(result.columns) and len(frame) == len(result.rows)


def test_importing_the_package_loads_no_heavy_modules() -> None:
    code = (
        "import sys, ceasefire_kg; "
        "print(sorted(m for m in ('rdflib', 'pyoxigraph', 'networkx', 'neo4j') if m in sys.modules))"
    )
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "[]"
    assert ceasefire_kg.KnowledgeGraph is KnowledgeGraph


@pytest.mark.neo4j
def test_neo4j_answers_as_the_store_does(kg: KnowledgeGraph, neo4j_driver: neo4j.Driver, neo4j_database: str) -> None:
    report = kg.push(neo4j_driver, neo4j_database)
    assert report.describe()
    neo = Neo4jGraph(neo4j_driver, neo4j_database)
    for name, parameters in [("blocking-demands", {"as_of": "2025-03-19"}), ("positions", {"actor": "russia"})]:
        assert neo.query(name, **parameters).rows == kg.query(name, **parameters).rows
    exported = io.BytesIO()
    assert neo.export(exported, "ntriples") > 0
    assert neo.negotiation().graph.number_of_nodes() == kg.negotiation().graph.number_of_nodes()
