"""Knowledge time ("as known on D", docs/time.md) on the embedded store: the graphs known, and known-by queries."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import neo4j
import networkx as nx
import pyoxigraph as ox
import pytest

from ceasefire_kg import analysis
from ceasefire_kg import namespaces as ns
from ceasefire_kg import saved_queries as sq
from ceasefire_kg.analysis.negotiation import PROPERTY_KEYS
from ceasefire_kg.backends import Backend, LocalBackend, Neo4jBackend
from ceasefire_kg.errors import SavedQueryFileError
from ceasefire_kg.known_time import (
    KNOWN_GRAPH_FUNCTION,
    LINK_PREDICATES,
    _chain_ends,
    inlinable_chain_ends,
    inline_chain_ends,
    known_dataset,
    known_graph_test,
    known_graphs,
    link_graphs,
    publication_dates,
    reads_only_links_outside_graphs,
    restrict_graph_patterns,
)
from ceasefire_kg.namespaces import SCHEMA_GRAPH, article_graph_iri, entity_iri, iri, registry_graph_iri
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


# --- the default graph as of a date: the links known then ------------------------------


def _links_in(store: Store, graphs: list[ox.NamedNode]) -> set[tuple[str, str, str]]:
    return {
        (str(quad.subject), quad.predicate.value, str(quad.object))
        for graph in graphs
        for quad in store.quads(graph=graph.value)
        if quad.predicate.value in LINK_PREDICATES
    }


def _article(article_id: str, published: str, *triples: tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode]):
    node = ox.NamedNode(entity_iri("article", article_id))
    dated = [
        (node, iri(ns.RDF.type), iri(ns.CF.Article)),
        (node, iri(ns.DCTERMS.issued), ox.Literal(published, datatype=iri(ns.XSD.date))),
    ]
    return ox.NamedNode(str(article_graph_iri(article_id))), [ox.Triple(*triple) for triple in [*dated, *triples]]


@pytest.fixture(scope="module")
def links_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A registry, and four articles: two restate its link, one adds a link, two state none."""
    envoy, commission, union = (ox.NamedNode(entity_iri("actor", name)) for name in ("envoy", "commission", "union"))
    represents, label = iri(ns.CF.represents), iri(ns.RDFS.label)
    path = tmp_path_factory.mktemp("links") / "store"
    registry = ox.NamedNode(str(registry_graph_iri("bodies")))
    Store.create(
        path,
        [
            (registry, [ox.Triple(commission, represents, union), ox.Triple(union, label, ox.Literal("Union"))]),
            _article("a-restates", "2031-01-05", (commission, represents, union), (envoy, label, ox.Literal("Envoy"))),
            _article("b-adds", "2031-02-01", (envoy, represents, commission), (commission, represents, union)),
            _article("c-none", "2031-03-01", (envoy, label, ox.Literal("The envoy"))),
            _article("d-later", "2031-06-01", (envoy, label, ox.Literal("Envoy Smith"))),
        ],
    )
    return path


def test_the_link_graphs_hold_every_link_known_on_the_date_and_nothing_unknown(links_store: Path) -> None:
    with Store.open_read_only(links_store) as store:
        for on in (dt.date(2031, 1, 1), dt.date(2031, 1, 20), dt.date(2031, 2, 1), dt.date(2031, 3, 2)):
            known = known_graphs(store, on) or [ox.NamedNode(graph) for graph in store.named_graphs()]
            picked = link_graphs(store, known)
            assert set(picked) <= set(known), on
            assert _links_in(store, picked) == _links_in(store, known), on
        # The article that adds a link also restates the registry's: with the ontology's scope
        # scheme it holds every link, so the registry, the restating article and the one without
        # links are left out.
        everything = [ox.NamedNode(graph) for graph in store.named_graphs()]
        assert {graph.value for graph in link_graphs(store, everything)} == {
            str(SCHEMA_GRAPH),
            str(article_graph_iri("b-adds")),
        }


def test_the_chain_ends_known_on_a_date(links_store: Path) -> None:
    envoy, commission, union = (f"<{entity_iri('actor', name)}>" for name in ("envoy", "commission", "union"))
    with Store.open_read_only(links_store) as store:
        before = known_dataset(store, dt.date(2031, 1, 20))
        after = known_dataset(store, dt.date(2031, 3, 2))
    assert before is not None and after is not None
    assert before.chain_ends == ((commission, union),), "the envoy's link is reported on 1 February"
    assert set(after.chain_ends) == {(commission, union), (envoy, union)}


def test_chain_ends_are_the_tops_reached_by_one_link_or_more() -> None:
    links = {("a", "b"), ("b", "c"), ("f", "c"), ("x", "y"), ("x", "z"), ("d", "e"), ("e", "d"), ("g", "d")}
    # A branch has two ends; a cycle has none, nor has a chain that runs into one.
    assert _chain_ends(links) == {("a", "c"), ("b", "c"), ("f", "c"), ("x", "y"), ("x", "z")}


def test_chain_ends_are_inlined_only_where_the_start_is_not_bound_by_a_lateral() -> None:
    sparql = (
        "SELECT * WHERE {\n"
        "  GRAPH ?g { ?p cf:holder ?h }\n"
        "  OPTIONAL { SELECT DISTINCT ?h ?side WHERE { ?h cf:represents+ ?side FILTER NOT EXISTS { ?side cf:represents ?up } } }\n"
        "  LATERAL { ?h cf:represents+ ?top FILTER NOT EXISTS { ?top cf:represents ?above } }\n"
        "}"
    )
    assert inlinable_chain_ends(sparql) == {0}
    inlined = inline_chain_ends(sparql, [("<urn:a>", "<urn:b>")], inlinable_chain_ends(sparql))
    assert "VALUES (?h ?side) { (<urn:a> <urn:b>) } } }" in inlined
    assert "LATERAL { ?h cf:represents+ ?top FILTER NOT EXISTS { ?top cf:represents ?above } }" in inlined
    # Trying a query that calls a remote service would call it: such a query keeps its paths.
    assert inlinable_chain_ends(sparql.replace("GRAPH ?g", "SERVICE <http://127.0.0.1:9/sparql>")) == frozenset()


def _articles_from_the_default_graph(tmp_path: Path) -> sq.SavedQuery:
    path = tmp_path / "default-graph-articles.cypher"
    path.write_text(
        "// title: Articles, read from the default graph\n"
        "// param as_of: date = latest — as known on this date\n"
        "// known-by: as_of\n"
        "// columns: article\n"
        "MATCH (a:Article) WHERE $as_of IS NULL OR a.known <= $as_of RETURN a.factId AS article ORDER BY article\n",
        encoding="utf-8",
    )
    (tmp_path / "default-graph-articles.rq").write_text(
        "PREFIX param: <https://w3id.org/ceasefire-kg/param#>\n"
        "SELECT ?article WHERE { ?a a cf:Article ; dcterms:issued ?issued BIND(STRAFTER(STR(?a), 'article/') AS ?article) "
        "BIND(param:as_of() AS ?as_of) } ORDER BY ?article\n",
        encoding="utf-8",
    )
    return sq.find_query(str(path))


def test_a_query_reading_more_than_links_from_the_default_graph_gets_every_known_graph(
    tmp_path: Path, links_store: Path
) -> None:
    query = _articles_from_the_default_graph(tmp_path)
    assert not reads_only_links_outside_graphs(query.sparql or "")
    with Store.open_read_only(links_store) as store:
        backend = LocalBackend(store)
        # "c-none" states no link, so it is not among the link graphs: it must still be read.
        rows = backend.run(query, query.bind({"as_of": "2031-03-02"})).rows
        assert [row[0] for row in rows] == ["a-restates", "b-adds", "c-none"], "d-later is not known yet"
        assert [row[0] for row in backend.run(query, query.bind({"as_of": "2031-01-31"})).rows] == ["a-restates"]


def test_every_saved_query_reads_only_links_outside_graph_blocks() -> None:
    for query in sq.saved_queries():
        if query.sparql is not None:
            assert reads_only_links_outside_graphs(query.sparql), (
                f"{query.sparql_source}: read everything but cf:represents, skos:broader and skos:inScheme inside "
                "GRAPH ?g { } (as of a date the default graph holds only the links known then)"
            )


@pytest.mark.parametrize(
    ("sparql", "links_only"),
    [
        ("SELECT ?side WHERE { GRAPH ?g { ?p cf:holder ?h } ?h cf:represents+ ?side }", True),
        ("SELECT ?s WHERE { ?s skos:inScheme cf:ScopeScheme ; skos:broader* ?b FILTER(?b = scope:partial) }", True),
        ("SELECT ?x WHERE { BIND(param:as_of() AS ?d) GRAPH ?g { ?x a cf:Actor } } ORDER BY ?x ?d", True),
        ("SELECT ?x WHERE { ?x a cf:Actor }", False),
        ("SELECT ?x WHERE { ?x ?p ?o }", False),
        ("SELECT ?x WHERE { GRAPH ?g { ?x cf:holder ?h } ?h rdfs:label ?name }", False),
        ("SELECT ?x WHERE { ?x <http://www.w3.org/2000/01/rdf-schema#label> 'x' }", False),
        ("PREFIX my: <https://w3id.org/ceasefire-kg/ontology#> SELECT ?x WHERE { ?x my:claimant ?y }", False),
        ("SELECT ?x WHERE { # ?x rdfs:label ?y in a comment\n GRAPH ?g { ?x rdfs:label 'a b' } }", True),
    ],
)
def test_whether_a_query_reads_only_links_from_the_default_graph(sparql: str, links_only: bool) -> None:
    assert reads_only_links_outside_graphs(sparql) is links_only


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
