"""The embedded store: opening, exporting in every format, stable bytes, clear errors."""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic
from rdflib.namespace import XSD

from ceasefire_kg.cli import cli
from ceasefire_kg.errors import StoreError
from ceasefire_kg.loaders.load import load_into_folder, load_paths
from ceasefire_kg.namespaces import PREFIXES, iri
from ceasefire_kg.store import EXPORT_FORMATS, Store, content_hash, ntriples_lines
from tests.paths import EXAMPLES

RDFLIB_FORMATS = {"turtle": "turtle", "ntriples": "nt", "nquads": "nquads", "trig": "trig", "jsonld": "json-ld"}


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("store") / "store"
    with Store.open(path) as store:
        load_paths(store, [EXAMPLES])
    return path


def _export(path: Path, format_name: str) -> bytes:
    with Store.open_read_only(path) as store:
        buffer = io.BytesIO()
        store.export(buffer, format_name)
    return buffer.getvalue()


def test_every_format_is_offered() -> None:
    assert set(EXPORT_FORMATS) == set(RDFLIB_FORMATS)


@pytest.mark.parametrize("format_name", sorted(RDFLIB_FORMATS))
def test_every_export_parses_back_to_the_same_graph(store_path: Path, format_name: str) -> None:
    reference = Graph().parse(data=_export(store_path, "ntriples"), format="nt")
    data = _export(store_path, format_name)
    if EXPORT_FORMATS[format_name].supports_datasets:
        dataset = Dataset()
        dataset.parse(data=data, format=RDFLIB_FORMATS[format_name])
        union = Graph()
        for s, p, o, _ in dataset.quads((None, None, None, None)):
            union.add((s, p, o))
        assert isomorphic(union, reference)
        assert len(list(dataset.graphs())) >= 4  # schema, registry, two articles
    else:
        assert isomorphic(Graph().parse(data=data, format=RDFLIB_FORMATS[format_name]), reference)


def test_turtle_export_is_byte_stable_and_uses_the_prefixes(store_path: Path) -> None:
    first = _export(store_path, "turtle")
    assert first == _export(store_path, "turtle")
    text = first.decode("utf-8")
    assert "@prefix cf: <https://w3id.org/ceasefire-kg/ontology#> ." in text
    assert "demand:putin-demands-end-of-western-aid" in text


@pytest.mark.parametrize("format_name", ["turtle", "jsonld"])
def test_export_is_stable_across_processes(store_path: Path, format_name: str) -> None:
    script = (
        "import sys; from pathlib import Path; from ceasefire_kg.store import Store\n"
        "with Store.open_read_only(Path(sys.argv[1])) as s: s.export(sys.stdout.buffer, sys.argv[2])"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script, str(store_path), format_name], capture_output=True, check=True
        ).stdout
        for _ in range(2)
    }
    assert outputs == {_export(store_path, format_name)}


# -- JSON-LD: compact, with the project's prefixes as its @context ----------------------------


def test_jsonld_export_declares_the_prefixes_and_uses_them(store_path: Path) -> None:
    first = _export(store_path, "jsonld")
    assert first == _export(store_path, "jsonld")
    document = json.loads(first)
    assert document["@context"] == PREFIXES
    graphs = {graph["@id"]: graph["@graph"] for graph in document["@graph"]}
    assert "graph:article/2025-04-09-kremlin-conditional-ceasefire" in graphs
    nodes = {node["@id"]: node for nodes in graphs.values() for node in nodes}
    demand = nodes["demand:putin-demands-end-of-western-aid"]
    assert demand["rdf:type"] == [{"@id": "cf:Demand"}]
    assert demand["cf:demandedBy"] == [{"@id": "actor:putin"}]
    assert {"@type": "xsd:date", "@value": "2025-03-19"} in nodes["article:2025-03-19-trump-zelensky-call"][
        "dcterms:issued"
    ]
    # Outside the @context, no IRI of a declared namespace is written in full.
    body = json.dumps(document["@graph"])
    assert not [namespace for namespace in PREFIXES.values() if f'"{namespace}' in body]


def _dataset_graphs(data: bytes, format_name: str) -> dict[str, Graph]:
    dataset = Dataset()
    dataset.parse(data=data, format=format_name)
    return {str(graph.identifier): graph for graph in dataset.graphs() if len(graph)}


def test_jsonld_export_parses_back_to_the_same_named_graphs(store_path: Path) -> None:
    exported = _dataset_graphs(_export(store_path, "jsonld"), "json-ld")
    with Store.open_read_only(store_path) as store:
        stored = {graph: Graph().parse(data=store.graph_ntriples(graph), format="nt") for graph in store.named_graphs()}
    assert sorted(exported) == sorted(stored)
    for name, graph in stored.items():
        assert isomorphic(exported[name], graph), name


def test_jsonld_export_keeps_iris_a_prefix_cannot_shorten(tmp_path: Path) -> None:
    graph = ox.NamedNode(PREFIXES["graph"] + "odd")
    predicate = ox.NamedNode(PREFIXES["cf"] + "text")
    triples = [
        ox.Triple(ox.NamedNode(PREFIXES["actor"] + "//double-slash"), predicate, ox.Literal("kept in full")),
        ox.Triple(ox.NamedNode(PREFIXES["actor"]), predicate, ox.NamedNode("https://example.org/" + PREFIXES["cf"])),
    ]
    Store.create(tmp_path / "store", [(graph, triples)])
    exported = _dataset_graphs(_export(tmp_path / "store", "jsonld"), "json-ld")
    expected = Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
    assert len(expected) == 2
    assert set(exported[graph.value]) == set(expected)


def test_jsonld_export_refuses_an_iri_that_would_read_as_a_prefixed_name(tmp_path: Path) -> None:
    graph = ox.NamedNode(PREFIXES["graph"] + "odd")
    triple = ox.Triple(ox.NamedNode("urn:x:s"), ox.NamedNode("urn:x:p"), ox.NamedNode("time:noon"))
    Store.create(tmp_path / "store", [(graph, [triple])])
    target = tmp_path / "graph.jsonld"
    result = CliRunner().invoke(cli, ["export", "--store", str(tmp_path / "store"), "-f", "jsonld", "-o", str(target)])
    assert result.exit_code == 1
    assert result.output == (
        "Error: Cannot write <time:noon> in JSON-LD: with the prefix 'time:' declared it would read as another IRI. "
        "Export as nquads or trig instead.\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store"]  # no partial file


def test_export_to_a_file_via_the_cli(store_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "graph.ttl"
    result = CliRunner().invoke(cli, ["export", "--store", str(store_path), "-f", "turtle", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_bytes() == _export(store_path, "turtle")
    assert list(tmp_path.iterdir()) == [target]  # no temporary file left behind


def test_export_into_a_missing_folder_fails_cleanly(store_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "missing" / "graph.ttl"
    result = CliRunner().invoke(cli, ["export", "--store", str(store_path), "-o", str(target)])
    assert result.exit_code == 1
    assert (
        f"Error: Cannot write {target}: No such file or directory. Check that {target.parent} exists and is writable."
        in result.output
    )


def test_exporting_without_a_store_says_how_to_make_one(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["export", "--store", str(tmp_path / "nothing")])
    assert result.exit_code == 1
    assert result.output == (
        f"Error: No ceasefire-kg store at {tmp_path / 'nothing'}. Load article files first with 'ckg load PATH', "
        "or point at an existing store with --store / CKG_STORE.\n"
    )


def test_a_folder_that_is_not_a_store_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(StoreError, match="exists and is not a ceasefire-kg store"):
        with Store.open(tmp_path):
            pass
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_a_store_in_use_by_another_process_is_reported(store_path: Path) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from ceasefire_kg.store import Store\n"
            "with Store.open(Path(sys.argv[1])):\n    print('open', flush=True); time.sleep(30)",
            str(store_path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        result = CliRunner().invoke(cli, ["retract", "--store", str(store_path), "anything"])
        assert result.exit_code == 1
        assert result.output == (
            f"Error: The store at {store_path} is in use by another ckg process. Wait for it to finish, then try again.\n"
        )
        # Reading works meanwhile.
        assert CliRunner().invoke(cli, ["articles", "--store", str(store_path)]).exit_code == 0
    finally:
        holder.kill()
        holder.wait()


# -- writing: a new store is bulk-loaded; graph hashes come from the written lines ------------

TRICKY_TEXTS = [
    "tab\there",
    "line\nbreak\r\n",
    'quote " and \\ backslash',
    "bell \x07 del \x7f \x08\x0c",
    "ünïcode — “curly” \u2028",
]


def _tricky_graphs() -> list[tuple[ox.NamedNode, list[ox.Triple]]]:
    subject, predicate = ox.NamedNode("https://example.org/s"), ox.NamedNode("https://example.org/p")
    objects: list[ox.NamedNode | ox.Literal] = [ox.Literal(text) for text in TRICKY_TEXTS]
    objects += [
        ox.Literal("30", datatype=iri(XSD.integer)),
        ox.Literal(True),
        ox.Literal("2025-03-19", datatype=iri(XSD.date)),
        ox.Literal("hello", language="en"),
        ox.NamedNode("https://example.org/o"),
    ]
    triples = [ox.Triple(subject, predicate, obj) for obj in objects]
    return [(ox.NamedNode("https://example.org/g1"), triples), (ox.NamedNode("https://example.org/g2"), triples[:3])]


def _recomputed_hashes(path: Path) -> tuple[dict[str, str], dict[str, str]]:
    with Store.open_read_only(path) as store:
        return store._read_hashes(), {g: content_hash(store.graph_ntriples(g)) for g in store.named_graphs()}


def test_written_lines_are_those_the_store_gives_back(tmp_path: Path) -> None:
    # The graph hashes of a write are computed from these lines, and must be
    # those of the graphs' text as the store gives it back.
    graphs = _tricky_graphs()
    Store.create(tmp_path / "store", graphs)
    with Store.open_read_only(tmp_path / "store") as store:
        for graph, triples in graphs:
            lines = ntriples_lines([*triples, *triples])
            assert len(lines) == len(triples)
            assert b"".join(line + b"\n" for line in lines) == store.graph_ntriples(graph.value)


def test_a_transaction_write_records_the_hashes_of_what_the_store_holds(tmp_path: Path) -> None:
    path = tmp_path / "store"
    with Store.open(path) as store:
        store.replace_graphs(_tricky_graphs())
    recorded, recomputed = _recomputed_hashes(path)
    assert recorded == recomputed and len(recorded) == 3


def test_a_new_store_is_bulk_loaded_with_the_same_content_hashes_and_count(tmp_path: Path) -> None:
    bulk, transaction = tmp_path / "bulk", tmp_path / "transaction"
    total = Store.create(bulk, _tricky_graphs())
    with Store.open(transaction) as store:
        store.replace_graphs(_tricky_graphs())
        expected_total = store.count_triples()
    recorded, recomputed = _recomputed_hashes(bulk)
    assert recorded == recomputed == _recomputed_hashes(transaction)[1]
    assert total == expected_total
    assert _export(bulk, "nquads") == _export(transaction, "nquads")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bulk", "transaction"]  # no temporary folder left


def test_a_new_store_may_go_into_an_empty_folder_but_not_over_anything(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    Store.create(empty, _tricky_graphs())
    assert Store.exists(empty)
    with pytest.raises(StoreError, match="already exists"):
        Store.create(empty, _tricky_graphs())
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    with pytest.raises(StoreError, match="is not a ceasefire-kg store"):
        Store.create(other, _tricky_graphs())
    assert [p.name for p in other.iterdir()] == ["notes.txt"]


def test_a_failed_bulk_load_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(self: ox.Store, *args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(ox.Store, "bulk_load", fail)
    with pytest.raises(StoreError, match="nothing was stored: disk full"):
        Store.create(tmp_path / "store", _tricky_graphs())
    assert list(tmp_path.iterdir()) == []


# -- export: every format is written from Oxigraph's sorted N-Triples lines -----------------


def _export_by_terms(path: Path, format_name: str) -> bytes:
    """The export as it was first written: sort term tuples in Python, serialize each triple or quad."""
    with Store.open_read_only(path) as store:
        if EXPORT_FORMATS[format_name].supports_datasets:
            items = sorted(
                store.quads(), key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object))
            )
        else:
            unique = {(q.subject, q.predicate, q.object) for q in store.quads()}
            items = [ox.Triple(*t) for t in sorted(unique, key=lambda t: (str(t[0]), str(t[1]), str(t[2])))]
    buffer = io.BytesIO()
    prefixes = PREFIXES if format_name in ("turtle", "trig") else None
    ox.serialize(items, buffer, format=EXPORT_FORMATS[format_name], prefixes=prefixes)
    return buffer.getvalue()


@pytest.mark.parametrize("format_name", ["turtle", "ntriples", "nquads", "trig"])
def test_the_export_is_byte_identical_to_sorting_the_terms(store_path: Path, tmp_path: Path, format_name: str) -> None:
    from tests.corpus import corpus_generator

    tricky = tmp_path / "tricky"
    Store.create(tricky, _tricky_graphs())
    generated = tmp_path / "generated"
    corpus = corpus_generator().generate_corpus(tmp_path / "corpus", target_triples=5_000, seed=2)
    load_into_folder(generated, [corpus.root])
    for path in (store_path, tricky, generated):
        expected = _export_by_terms(path, format_name)
        assert _export(path, format_name) == expected
        assert len(expected) > 1_000


def test_a_bulk_load_in_many_batches_gives_the_same_store(
    store_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ceasefire_kg import store as store_module

    monkeypatch.setattr(store_module, "_BULK_BATCH", 50)
    batched = tmp_path / "batched"
    load_into_folder(batched, [EXAMPLES])
    assert _export(batched, "nquads") == _export(store_path, "nquads")
    with Store.open_read_only(batched) as store:
        assert store._read_hashes() == store.graph_hashes()
    assert sorted(p.name for p in batched.iterdir()) == ["ckg-store", "graph-hashes.json", "graph-texts", "oxigraph"]


# --- first loads that are killed or race each other ------------------------------------


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_first_load_removes_what_a_killed_one_left(tmp_path: Path) -> None:
    store = tmp_path / "store"
    abandoned = tmp_path / f".store.{_dead_pid()}-0badc0de.loading"
    (abandoned / "oxigraph").mkdir(parents=True)
    (abandoned / "oxigraph" / "000001.sst").write_bytes(b"\0" * 1024)
    running = tmp_path / f".store.{os.getpid()}-12345678.loading"  # a load still under way: kept
    running.mkdir()
    other = tmp_path / f".other.{_dead_pid()}-0badc0de.loading"  # another store's: not ours to touch
    other.mkdir()

    load_into_folder(store, [EXAMPLES])

    assert Store.exists(store)
    assert not abandoned.exists()
    assert running.exists() and other.exists()


def test_the_second_of_two_racing_first_loads_loads_into_the_store_the_first_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "store"
    first = tmp_path / "first"
    first.mkdir()
    shutil.copy(EXAMPLES / "actors.yaml", first)
    shutil.copy(EXAMPLES / "2025-03-19-trump-zelensky-call.yaml", first)
    create = Store.create

    def create_after_another_load(path: Path, graphs: object) -> int:
        # The other load wins the race: it creates the store while this one is about to.
        monkeypatch.setattr(Store, "create", create)
        load_into_folder(path, [first])
        return create(path, graphs)  # type: ignore[arg-type]

    monkeypatch.setattr(Store, "create", staticmethod(create_after_another_load))
    notes: list[str] = []
    report, total = load_into_folder(store, [EXAMPLES], on_progress=notes.append)

    assert f"Another load created the store at {store} meanwhile; loading into it" in notes
    assert {article.article_id for article in report.articles} == {
        "2025-03-19-trump-zelensky-call",
        "2025-04-09-kremlin-conditional-ceasefire",
    }
    with Store.open_read_only(store) as opened:
        assert sorted(opened.article_ids()) == sorted(article.article_id for article in report.articles)
        assert opened.count_triples() == total
    assert not list(tmp_path.glob(".store.*.loading"))


@pytest.mark.slow
def test_a_first_load_killed_during_the_write_is_cleaned_up_by_the_next(tmp_path: Path) -> None:
    from tests.corpus import corpus_generator

    corpus_generator().generate_corpus(tmp_path / "corpus", target_triples=150_000, seed=7)
    store = tmp_path / "store"
    command = [sys.executable, "-c", "from ceasefire_kg.cli import main; main()", "load", "--store", str(store)]
    process = subprocess.Popen([*command, str(tmp_path / "corpus")], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 180
        while not list(tmp_path.glob(".store.*.loading")):
            assert process.poll() is None, "the load ended before it started writing"
            assert time.monotonic() < deadline, "the load never started writing"
            time.sleep(0.02)
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait()
    assert list(tmp_path.glob(".store.*.loading")), "the killed load left nothing to clean up"
    assert not Store.exists(store)

    result = subprocess.run([*command, str(EXAMPLES)], capture_output=True, text=True, check=False, timeout=300)
    assert result.returncode == 0, result.stderr
    assert Store.exists(store)
    assert not list(tmp_path.glob(".store.*.loading"))
