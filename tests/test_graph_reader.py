"""Reading the graphs a push sends, in this process or in a second one, kept beside the store or not: the same texts, in order."""

from __future__ import annotations

import zlib
from pathlib import Path

import pyoxigraph as ox
import pytest

from ceasefire_kg.errors import StoreError
from ceasefire_kg.graph_reader import read_graph, read_graphs
from ceasefire_kg.graph_texts import GraphTexts
from ceasefire_kg.store import Store, content_hash
from tests.synthetic import make_store


@pytest.fixture(scope="module")
def varied_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("reader") / "store"
    make_store(path, 3)
    return path


def test_a_second_process_reads_what_this_one_reads_in_the_same_order(varied_store: Path) -> None:
    with Store.open_read_only(varied_store) as store:
        iris = sorted(store.named_graphs(), reverse=True)
        here = [read_graph(store, iri) for iri in iris]
        there = list(read_graphs(store, iris, process_graphs=1))
    assert len(iris) > 8
    assert [g.iri for g in there] == iris
    assert there == here
    for graph in there:
        assert graph.text and content_hash(graph.text) == graph.hash and zlib.decompress(graph.content) == graph.text


def test_stopping_early_ends_the_second_process(varied_store: Path) -> None:
    with Store.open_read_only(varied_store) as store:
        iris = sorted(store.named_graphs())
        texts = read_graphs(store, iris, process_graphs=1)
        first = next(texts)
        texts.close()
    assert first.iri == iris[0]


def test_a_store_the_second_process_cannot_read_is_reported(varied_store: Path, tmp_path: Path) -> None:
    with Store.open_read_only(varied_store) as store:
        iris = sorted(store.named_graphs())
        store.path = tmp_path / "gone"  # as if the folder were removed meanwhile
        with pytest.raises(
            StoreError, match=r"in a second process stopped after 0 of \d+ graphs \(No ceasefire-kg store at "
        ):
            list(read_graphs(store, iris, process_graphs=1))


# --- texts kept beside the store -------------------------------------------------------------


def test_kept_texts_are_read_instead_of_the_store_and_give_the_same_graphs(
    varied_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store.open_read_only(varied_store) as store:
        iris = sorted(store.named_graphs())
        hashes = store.graph_hashes()
        from_oxigraph = [read_graph(store, iri) for iri in iris]
        assert GraphTexts(varied_store).kept() == set(hashes.values())

        def no_reading(graph: str) -> bytes:
            raise AssertionError(f"{graph} was read from Oxigraph")

        monkeypatch.setattr(store, "graph_ntriples", no_reading)
        kept = list(read_graphs(store, iris, hashes=hashes, process_graphs=1))
    assert [(g.iri, g.text, g.hash) for g in kept] == [(g.iri, g.text, g.hash) for g in from_oxigraph]
    assert all(zlib.decompress(g.content) == g.text for g in kept)


def test_a_missing_stale_or_damaged_kept_text_is_read_from_the_store(tmp_path: Path) -> None:
    path = tmp_path / "store"
    make_store(path, 1)
    with Store.open_read_only(path) as store:
        iris = sorted(store.named_graphs())
        hashes = store.graph_hashes()
        expected = [read_graph(store, iri) for iri in iris]
    texts = GraphTexts(path)
    files = sorted(texts.folder.iterdir())
    files[0].unlink()
    files[1].write_bytes(zlib.compress(b"<urn:x> <urn:y> <urn:z> .\n"))  # another graph's text
    files[2].write_bytes(b"not zlib")
    with Store.open_read_only(path) as store:
        read = list(read_graphs(store, iris, hashes={**hashes, iris[3]: "0" * 64}))
        in_process = list(read_graphs(store, iris, hashes=hashes, process_graphs=1))
    assert [(g.iri, g.text, g.hash) for g in read] == [(g.iri, g.text, g.hash) for g in expected]
    assert [(g.iri, g.text, g.hash) for g in in_process] == [(g.iri, g.text, g.hash) for g in expected]


def test_writes_keep_the_texts_of_the_graphs_they_hold_and_only_those(tmp_path: Path) -> None:
    path = tmp_path / "store"
    make_store(path, 2)
    texts = GraphTexts(path)
    with Store.open(path) as store:
        assert texts.kept() == set(store.graph_hashes().values())
        article = next(g for g in store.named_graphs() if "/article/" in g)
        before = store.graph_hashes()[article]
        changed = (
            store.graph_ntriples(article) + b'<urn:ckg-test:s> <http://www.w3.org/2000/01/rdf-schema#label> "x" .\n'
        )
        store.replace_graphs([(ox.NamedNode(article), changed)])
        after = store.graph_hashes()
        assert after[article] != before and before not in texts.kept()
        assert texts.kept() == set(after.values())
        assert texts.read(after[article]) == (changed, zlib.compress(changed, 1))
        store.drop_articles([article.rsplit("/", 1)[1]])
        assert texts.kept() == set(store.graph_hashes().values())
        assert after[article] not in texts.kept()


def test_a_graph_oxigraph_gives_back_otherwise_is_not_kept_and_is_read_from_the_store(tmp_path: Path) -> None:
    path = tmp_path / "store"
    make_store(path, 0)
    xsd = "http://www.w3.org/2001/XMLSchema#"
    subject, value = ox.NamedNode("urn:ckg-test:s"), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment")

    def graph(name: str, *objects: ox.Literal | ox.BlankNode) -> tuple[ox.NamedNode, list[ox.Triple]]:
        return ox.NamedNode(f"urn:ckg-test:{name}"), [ox.Triple(subject, value, obj) for obj in objects]

    kept_as_written = graph(
        "same",
        ox.Literal("2025-05-01", datatype=ox.NamedNode(xsd + "date")),
        ox.Literal("175", datatype=ox.NamedNode(xsd + "integer")),
        ox.Literal('a "quoted"^^<x> .', datatype=ox.NamedNode(xsd + "token")),
        ox.Literal("Kyiv", language="en"),
    )
    canonicalised = [
        graph("decimal", ox.Literal("2.50", datatype=ox.NamedNode(xsd + "decimal"))),
        graph("int", ox.Literal("05", datatype=ox.NamedNode(xsd + "int"))),
        graph("blank", ox.BlankNode("b1")),
    ]
    with Store.open(path) as store:
        store.replace_graphs([kept_as_written, *canonicalised])
        hashes = store.graph_hashes()
        texts = GraphTexts(path)
        assert hashes[kept_as_written[0].value] in texts.kept()
        for name, _ in canonicalised:
            assert hashes[name.value] not in texts.kept(), name
        for name, _ in [kept_as_written, *canonicalised]:
            read = read_graph(store, name.value, hashes[name.value])
            assert read.text == store.graph_ntriples(name.value)
    assert b'"2.5"^^' in read_graph_text(path, "urn:ckg-test:decimal")


def read_graph_text(path: Path, iri: str) -> bytes:
    with Store.open_read_only(path) as store:
        return read_graph(store, iri, store.graph_hashes()[iri]).text
