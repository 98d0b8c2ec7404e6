"""Reading the graphs a push sends, in this process or in a second one: the same texts, in order."""

from __future__ import annotations

import zlib
from pathlib import Path

import pytest

from ceasefire_kg.errors import StoreError
from ceasefire_kg.graph_reader import read_graph, read_graphs
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
