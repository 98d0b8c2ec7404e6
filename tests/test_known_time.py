"""Knowledge time ("as known on D", docs/time.md) on the embedded store: the graphs known, and known-by queries."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import neo4j
import networkx as nx
import pyoxigraph as ox
import pytest

from ceasefire_kg import analysis
from ceasefire_kg import saved_queries as sq
from ceasefire_kg.analysis.negotiation import PROPERTY_KEYS
from ceasefire_kg.backends import Backend, LocalBackend, Neo4jBackend
from ceasefire_kg.errors import SavedQueryFileError
from ceasefire_kg.known_time import (
    KNOWN_GRAPH_FUNCTION,
    known_graph_test,
    known_graphs,
    publication_dates,
    restrict_graph_patterns,
)
from ceasefire_kg.namespaces import SCHEMA_GRAPH, article_graph_iri, entity_iri, registry_graph_iri
from ceasefire_kg.neo4j_read import read_triples
from ceasefire_kg.push import push
from ceasefire_kg.store import Store
from tests.cli_helpers import run_ckg
from tests.paths import SEED_ARTICLE

LATER_ARTICLE = "2025-04-09-kremlin-conditional-ceasefire"
#: After the seed article (19 March 2025), before the later one (9 April).
BETWEEN = dt.date(2025, 3, 20)


def _local_triples(store_path: Path, known_by: dt.date | None = None) -> set[tuple[str, str, str]]:
    with Store.open_read_only(store_path) as store:
        return {_text(t) for t in LocalBackend(store).triples(PROPERTY_KEYS, known_by=known_by)}


def _text(triple: object) -> tuple[str, str, str]:
    subject, predicate, obj = triple  # type: ignore[misc]
    return str(subject), str(predicate), str(obj)


def _negotiation(backend: Backend, as_of: dt.date | None = None) -> analysis.NegotiationGraph:
    return analysis.NegotiationGraph.read(backend, as_of=as_of)


def test_the_graphs_known_on_a_date(examples_store: Path) -> None:
    seed, later = str(article_graph_iri(SEED_ARTICLE)), str(article_graph_iri(LATER_ARTICLE))
    always = {str(SCHEMA_GRAPH), str(registry_graph_iri("ukraine-war-actors"))}
    with Store.open_read_only(examples_store) as store:
        assert publication_dates(store) == {seed: dt.date(2025, 3, 19), later: dt.date(2025, 4, 9)}
        assert {g.value for g in known_graphs(store, dt.date(2025, 3, 18)) or ()} == always
        assert {g.value for g in known_graphs(store, dt.date(2025, 3, 19)) or ()} == always | {seed}
        assert known_graphs(store, dt.date(2025, 4, 9)) is None, "every graph is known: no restriction needed"


# --- the known-by header ----------------------------------------------------------


def _write_known_query(folder: Path, known_by: str | None = "as_of") -> Path:
    """A query listing articles and actors, with SPARQL that does not filter on dates itself."""
    path = folder / "known-things.cypher"
    path.write_text(
        "// title: Articles and actors known\n"
        "// param as_of: date = latest — as known on this date\n"
        "// param kind: string = none — Article or Actor\n"
        + (f"// known-by: {known_by}\n" if known_by else "")
        + "// columns: thing\n"
        "MATCH (n:Resource) WHERE n.factId IS NOT NULL AND ($kind IS NULL OR $kind IN labels(n))\n"
        "  AND ($as_of IS NULL OR n.known IS NULL OR n.known <= $as_of)\n"
        "RETURN DISTINCT n.factId AS thing ORDER BY thing\n",
        encoding="utf-8",
    )
    (folder / "known-things.rq").write_text(
        "PREFIX param: <https://w3id.org/ceasefire-kg/param#>\n"
        "SELECT DISTINCT ?thing WHERE {\n"
        "  { ?n a cf:Article ; cf:factId ?thing BIND('Article' AS ?k) }\n"
        "  UNION { GRAPH ?g { ?n a cf:Actor ; cf:factId ?thing } BIND('Actor' AS ?k) }\n"
        "  BIND(param:kind() AS ?kind)\n"
        "  FILTER(!BOUND(?kind) || ?k = ?kind)\n"
        "} ORDER BY ?thing\n",
        encoding="utf-8",
    )
    return path


def _run(store_path: Path, query: sq.SavedQuery, **given: str) -> list[str]:
    with Store.open_read_only(store_path) as store:
        return [row[0] for row in LocalBackend(store).run(query, query.bind(given)).rows]


def test_known_by_restricts_the_embedded_store_to_the_graphs_known_then(tmp_path: Path, examples_store: Path) -> None:
    query = sq.find_query(str(_write_known_query(tmp_path)))
    assert query.known_by == "as_of"
    assert _run(examples_store, query, kind="Article") == [SEED_ARTICLE, LATER_ARTICLE]
    assert _run(examples_store, query, kind="Article", as_of="2025-04-08") == [SEED_ARTICLE]
    assert _run(examples_store, query, kind="Article", as_of="2025-03-18") == []
    # GRAPH ?g sees only the known graphs too; the registry's actors are known from the start.
    everyone = _run(examples_store, query, kind="Actor")
    before = _run(examples_store, query, kind="Actor", as_of="2000-01-01")
    assert "putin" in before and set(before) < set(everyone)
    only_later = set(everyone) - set(_run(examples_store, query, kind="Actor", as_of="2025-04-08"))
    assert only_later, "the April article names actors the March one does not"


def test_each_graph_pattern_gets_a_known_graph_filter_in_the_group_that_binds_its_variable() -> None:
    known = f"<{KNOWN_GRAPH_FUNCTION}>"
    sparql = (
        "SELECT * WHERE {\n"
        '  # GRAPH ?c { } in a comment, "GRAPH ?s {" in a string and <urn:x#GRAPH> stay as they are\n'
        '  GRAPH ?g { ?a ?b "GRAPH ?s { }" } OPTIONAL { graph ?h { ?a <urn:x#y> ?c FILTER(?c < 3) } }\n'
        "  FILTER NOT EXISTS { GRAPH ?n { ?a ?b ?d } }\n"
        "}"
    )
    assert restrict_graph_patterns(sparql) == (
        "SELECT * WHERE {\n"
        '  # GRAPH ?c { } in a comment, "GRAPH ?s {" in a string and <urn:x#GRAPH> stay as they are\n'
        f'  GRAPH ?g {{ ?a ?b "GRAPH ?s {{ }}" }} FILTER({known}(?g)) OPTIONAL {{ graph ?h {{ ?a <urn:x#y> ?c '
        f"FILTER(?c < 3) }} FILTER({known}(?h)) }}\n"
        f"  FILTER NOT EXISTS {{ GRAPH ?n {{ ?a ?b ?d }} FILTER({known}(?n)) }}\n"
        "}"
    )
    test = known_graph_test([ox.NamedNode("urn:g:1")])
    assert test(ox.NamedNode("urn:g:1")) == ox.Literal(True)
    assert test(ox.NamedNode("urn:g:2")) == ox.Literal(False)


def test_without_known_by_a_date_parameter_does_not_cut_knowledge(tmp_path: Path, examples_store: Path) -> None:
    query = sq.find_query(str(_write_known_query(tmp_path, known_by=None)))
    assert query.known_by is None
    assert _run(examples_store, query, kind="Article", as_of="2025-03-18") == [SEED_ARTICLE, LATER_ARTICLE]


_BAD_HEADER_END = "\nSee 'ckg queries blocking-demands' and queries/blocking-demands.cypher for the header format."


@pytest.mark.parametrize(
    ("header", "problem"),
    [
        (
            "// param as_of: date = latest\n// known-by: asof\n",
            "  - line 3: 'known-by: asof' names no declared parameter (the date parameters: as_of); name the "
            "date parameter that cuts what is known, such as 'known-by: as_of'",
        ),
        (
            "// param as_of: string = none\n// known-by: as_of\n",
            "  - line 3: 'known-by: as_of' names a string parameter; it must name a date parameter, such as "
            "'// param as_of: date = latest'",
        ),
        (
            "// param as_of: date = latest\n// known-by: as_of\n// known-by: as_of\n",
            "  - 'known-by' is given 2 times; give it once",
        ),
    ],
)
def test_a_bad_known_by_is_explained(header: str, problem: str) -> None:
    text = f"// title: T\n{header}// columns: a\nRETURN $as_of AS a"
    with pytest.raises(SavedQueryFileError) as caught:
        sq.parse_query(text, source="f.cypher", stem="f")
    assert str(caught.value) == f"The query file f.cypher has a bad header:\n{problem}{_BAD_HEADER_END}"


# --- the analyses read only what was known ---------------------------------------------


def test_local_triples_and_analyses_as_of_a_date_see_only_what_was_known(
    examples_store: Path, seed_store: Path
) -> None:
    known_then = _local_triples(seed_store)
    assert _local_triples(examples_store, BETWEEN) == known_then
    assert _local_triples(examples_store) > known_then
    with Store.open_read_only(examples_store) as store, Store.open_read_only(seed_store) as seed:
        everything = _negotiation(LocalBackend(store))
        early = _negotiation(LocalBackend(store), BETWEEN)
        assert nx.utils.graphs_equal(early.graph, _negotiation(LocalBackend(seed)).graph)
    later_only = set(everything.graph) - set(early.graph)
    assert str(entity_iri("article", LATER_ARTICLE)) in later_only
    assert any(everything.is_a(node, "https://w3id.org/ceasefire-kg/ontology#Actor") for node in later_only)
    assert set(early.graph.edges(keys=True)) < set(everything.graph.edges(keys=True))


def test_analyze_as_of_a_date_answers_as_the_articles_known_then(examples_store: Path, seed_store: Path) -> None:
    for command in (["alignment", "-f", "json"], ["brokers", "-f", "json"]):
        on_all = run_ckg("analyze", *command, "--as-of", BETWEEN.isoformat(), "--store", examples_store)
        on_seed = run_ckg("analyze", *command, "--as-of", BETWEEN.isoformat(), "--store", seed_store)
        assert on_all.exit_code == 0, on_all.output
        assert on_all.stdout == on_seed.stdout, command
    latest = run_ckg("analyze", "brokers", "-f", "json", "--store", examples_store)
    assert latest.stdout != on_seed.stdout, "the later article changes the brokers"


@pytest.mark.neo4j
def test_neo4j_reads_and_answers_as_known_on_a_date(
    examples_store: Path, seed_store: Path, tmp_path: Path, neo4j_driver: neo4j.Driver, neo4j_database: str
) -> None:
    with Store.open_read_only(examples_store) as store:
        push(store, neo4j_driver, neo4j_database)
    with Store.open_read_only(seed_store) as seed:
        seed_backend = LocalBackend(seed)
        everything_known_then = {_text(quad.triple) for quad in seed.quads()}
        early_local = _negotiation(seed_backend)
    assert {_text(t) for t in read_triples(neo4j_driver, neo4j_database, known_by=BETWEEN)} == everything_known_then
    remote = Neo4jBackend(neo4j_driver, neo4j_database)
    assert {_text(t) for t in remote.triples(PROPERTY_KEYS, known_by=BETWEEN)} == _local_triples(seed_store)
    assert nx.utils.graphs_equal(_negotiation(remote, BETWEEN).graph, early_local.graph)
    assert {_text(t) for t in remote.triples(PROPERTY_KEYS)} == _local_triples(examples_store)

    # A saved query with known-by: the same rows on both back ends, at both dates.
    query = sq.find_query(str(_write_known_query(tmp_path)))
    for as_of in ("2025-03-20", "2025-04-09", "latest"):
        for kind in ("Article", "Actor"):
            given = query.bind({"as_of": as_of, "kind": kind})
            with Store.open_read_only(examples_store) as store:
                local_rows = LocalBackend(store).run(query, given).rows
            assert remote.run(query, given).rows == local_rows, (as_of, kind)
