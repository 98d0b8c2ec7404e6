"""Loading article files into the store: determinism, replacement, retraction, shapes."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from ceasefire_kg.errors import InputError, StoreError
from ceasefire_kg.loaders.load import load_paths
from ceasefire_kg.namespaces import CF, SCOPE, STANCE, STATUS, entity_iri
from ceasefire_kg.shacl import shape_violations
from ceasefire_kg.store import Store, ontology_triples
from tests.paths import EXAMPLES, SEED_ARTICLE, seed_text_dir

LATER_ARTICLE = "2025-04-09-kremlin-conditional-ceasefire"


def _export(store: Store, format_name: str = "nquads") -> bytes:
    buffer = io.BytesIO()
    store.export(buffer, format_name)
    return buffer.getvalue()


def _union(store: Store) -> Graph:
    return Graph().parse(data=_export(store, "turtle"), format="turtle")


@pytest.fixture
def examples(tmp_path: Path) -> Path:
    folder = tmp_path / "articles"
    shutil.copytree(EXAMPLES, folder)
    return folder


def test_loading_the_same_files_twice_gives_the_identical_graph(tmp_path: Path, examples: Path) -> None:
    with Store.open(tmp_path / "a") as store:
        load_paths(store, [examples], text_dirs=seed_text_dir())
        first = _export(store)
        load_paths(store, [examples], text_dirs=seed_text_dir())
        assert _export(store) == first
    with Store.open(tmp_path / "b") as other:
        # The same texts too: a quote found in its text keeps the text's characters and offsets.
        reversed_order = [examples / "actors.yaml", *sorted(examples.glob("2025-*.yaml"))[::-1]]
        load_paths(other, reversed_order, text_dirs=seed_text_dir())
        assert _export(other) == first


def test_an_edited_file_replaces_its_article_without_leftovers(tmp_path: Path, examples: Path) -> None:
    later = examples / f"{LATER_ARTICLE}.yaml"
    with Store.open(tmp_path / "store") as store:
        load_paths(store, [examples], text_dirs=seed_text_dir())
        before = _union(store)
        text = later.read_text(encoding="utf-8")
        edited = text.replace("prisoners: 246", "prisoners: 250")
        assert edited != text
        later.write_text(edited, encoding="utf-8")
        load_paths(store, [later])
        after = _union(store)
    exchange = list(after.subjects(CF.prisoners, Literal(250)))
    assert len(exchange) == 1
    assert set(after.objects(exchange[0], CF.prisoners)) == {Literal(250)}
    assert len(after) == len(before)


def test_retracting_an_article_keeps_what_other_articles_also_assert(tmp_path: Path, examples: Path) -> None:
    ceasefire = entity_iri("proposal", "us-30-day-ceasefire")
    with Store.open(tmp_path / "store") as store:
        load_paths(store, [examples], text_dirs=seed_text_dir())
        store.drop_articles([LATER_ARTICLE])
        assert store.article_ids() == [SEED_ARTICLE]
        graph = _union(store)
    # Asserted by both articles: stays.
    assert (ceasefire, RDF.type, CF.Ceasefire) in graph
    # Asserted only by the later article: gone.
    assert entity_iri("article", LATER_ARTICLE) not in set(graph.subjects())
    later_only = entity_iri("position", "putin-conditionally-accepts-30-day-ceasefire")
    assert later_only not in set(graph.subjects())
    with Store.open(tmp_path / "alone") as alone:
        load_paths(alone, [examples / f"{SEED_ARTICLE}.yaml"], text_dirs=seed_text_dir())
        assert isomorphic(graph, _union(alone))


def test_retracting_an_unknown_article_changes_nothing(tmp_path: Path, examples: Path) -> None:
    with Store.open(tmp_path / "store") as store:
        load_paths(store, [examples], text_dirs=seed_text_dir())
        before = _export(store)
        with pytest.raises(StoreError, match=f"did you mean '{LATER_ARTICLE}'"):
            store.drop_articles([SEED_ARTICLE, LATER_ARTICLE[:-1]])
        assert _export(store) == before


def test_each_article_is_kept_in_its_own_named_graph(tmp_path: Path, examples: Path) -> None:
    with Store.open(tmp_path / "store") as store:
        load_paths(store, [examples], text_dirs=seed_text_dir())
        dataset = Dataset()
        dataset.parse(data=_export(store, "nquads"), format="nquads")
    graphs = {str(g.identifier) for g in dataset.graphs() if len(g)}
    assert f"https://w3id.org/ceasefire-kg/graph/article/{SEED_ARTICLE}" in graphs
    assert f"https://w3id.org/ceasefire-kg/graph/article/{LATER_ARTICLE}" in graphs
    assert "https://w3id.org/ceasefire-kg/graph/registry/ukraine-war-actors" in graphs
    seed = dataset.graph(URIRef(f"https://w3id.org/ceasefire-kg/graph/article/{SEED_ARTICLE}"))
    for fact in seed.subjects(RDF.type, CF.Demand):
        assert (fact, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"), entity_iri("article", SEED_ARTICLE)) in seed


def test_the_exported_graph_conforms_to_the_shapes(tmp_path: Path, examples: Path) -> None:
    with Store.open(tmp_path / "store") as store:
        load_paths(store, [examples], text_dirs=seed_text_dir())
        exported = _export(store, "ntriples")
    triples = [quad.triple for quad in ox.parse(exported, format=ox.RdfFormat.N_TRIPLES)]
    assert len(triples) > 500
    assert shape_violations([*triples, *ontology_triples()]) == []


def test_a_shape_violation_is_reported_with_file_line_and_fact(tmp_path: Path, examples: Path) -> None:
    # A position id reused by a later file with another holder breaks "one holder per position".
    with Store.open(tmp_path / "store") as store:
        load_paths(store, [examples], text_dirs=seed_text_dir())
        before = _export(store)
        later = examples / f"{LATER_ARTICLE}.yaml"
        text = later.read_text(encoding="utf-8")
        clash = text.replace(
            "id: putin-conditionally-accepts-30-day-ceasefire", "id: zelensky-accepts-30-day-ceasefire"
        )
        assert clash != text
        later.write_text(clash, encoding="utf-8")
        with pytest.raises(InputError) as raised:
            load_paths(store, [later])
        assert _export(store) == before
    # Named by the YAML field the analyst wrote (actor), on its line, not by the RDF property (holder).
    lines = clash.splitlines()
    actor_line = lines.index("    actor: putin", lines.index("  - id: zelensky-accepts-30-day-ceasefire")) + 1
    assert (
        f"{later}:{actor_line}: position 'zelensky-accepts-30-day-ceasefire', field 'actor': has more than one value "
        "for 'actor' across the files and the store. The same id names the same thing everywhere: keep the value "
        "identical in every file, or give this fact its own id."
    ) in [problem.describe() for problem in raised.value.problems]


def test_seed_article_states_the_negotiation_facts(tmp_path: Path, examples: Path) -> None:
    with Store.open(tmp_path / "store") as store:
        load_paths(store, [examples / f"{SEED_ARTICLE}.yaml"], text_dirs=seed_text_dir())
        graph = _union(store)
    ceasefire = entity_iri("proposal", "us-30-day-ceasefire")
    putin, russia = entity_iri("actor", "putin"), entity_iri("actor", "russia")
    demands = set(graph.subjects(CF.preconditionFor, ceasefire))
    assert len(demands) == 3
    assert {graph.value(d, CF.demandedBy) for d in demands} == {putin}
    assert (putin, CF.represents, russia) in graph
    assert {str(graph.value(d, CF.issue)).rsplit("/", 1)[1] for d in demands} == {
        "western-military-aid",
        "rearmament",
        "mobilization",
    }
    assert (ceasefire, CF.scope, SCOPE.comprehensive) in graph
    stances = {(graph.value(p, CF.holder), graph.value(p, CF.stance)) for p in graph.subjects(CF.onProposal, ceasefire)}
    assert (entity_iri("actor", "zelensky"), STANCE.accepts) in stances
    assert (putin, STANCE.rejects) in stances
    truce = entity_iri("proposal", "energy-infrastructure-truce")
    readings = {
        frozenset(graph.objects(claim, CF.claimedScope))
        for claim in graph.subjects(RDF.type, CF.ScopeInterpretation)
        if graph.value(claim, CF.aboutProposal) == truce
    }
    assert frozenset({SCOPE["energy-infrastructure"]}) in readings
    assert frozenset({SCOPE["energy-infrastructure"], SCOPE["critical-infrastructure"]}) in readings
    accusations = {
        (graph.value(c, CF.claimant), graph.value(c, CF.accused))
        for c in graph.subjects(RDF.type, CF.ViolationAccusation)
    }
    assert {(entity_iri("actor", "ukraine"), russia), (russia, entity_iri("actor", "ukraine"))} <= accusations
    assert Literal(372) in set(graph.objects(None, CF.prisoners))
    for demand in demands:
        record = graph.value(demand, CF.statusRecord)
        assert graph.value(record, CF.status) == STATUS.open
        quote = graph.value(demand, CF.evidence)
        assert str(graph.value(quote, URIRef("http://www.w3.org/ns/oa#exact")))


def test_a_first_load_bulk_loads_the_same_store_as_a_transaction(tmp_path: Path, examples: Path) -> None:
    from ceasefire_kg.loaders.load import load_into_folder

    report, total = load_into_folder(tmp_path / "bulk", [examples])
    assert report.stored
    with Store.open(tmp_path / "transaction") as store:
        load_paths(store, [examples])
        expected_total = store.count_triples()
        expected_export, expected_hashes = _export(store), store.graph_hashes()
    with Store.open_read_only(tmp_path / "bulk") as store:
        assert total == expected_total
        assert _export(store) == expected_export
        assert store.graph_hashes() == expected_hashes
        assert store._read_hashes() == expected_hashes  # recorded by the write, not recomputed
