"""Why the embedded store is Oxigraph: measure the candidates on the same data.

For a generated set of article graphs, each candidate store is timed on what
``ckg`` does: load (one transaction), reopen from disk, a saved-query-like
SPARQL join, and a Turtle export. rdflib's in-memory store has no persistence
of its own, so "reopen" for it means parsing the N-Quads file it would keep.

Run: python benchmarks/store_choice.py [--facts N]
Results are printed as a table and as ratios against the rdflib baseline
measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import rdflib

ID = "https://w3id.org/ceasefire-kg/id/"
CF = "https://w3id.org/ceasefire-kg/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"

QUERY = f"""
SELECT DISTINCT ?demand ?actor ?proposal WHERE {{
  ?demand a <{CF}Demand> ; <{CF}demandedBy> ?actor ; <{CF}preconditionFor> ?proposal .
  ?position <{CF}holder> ?actor ; <{CF}onProposal> ?proposal ; <{CF}stance> ?stance .
  FILTER(?stance != <https://w3id.org/ceasefire-kg/stance/accepts>)
}}"""


def generate_nquads(facts: int) -> str:
    """N-Quads shaped like ckg's article graphs: demands, positions, quotes, labels."""
    lines = []
    for i in range(facts):
        graph = f"<https://w3id.org/ceasefire-kg/graph/article/a{i // 50}>"
        demand, actor, proposal = f"<{ID}demand/d{i}>", f"<{ID}actor/x{i % 40}>", f"<{ID}proposal/p{i % 25}>"
        lines += [
            f"{demand} <{RDF_TYPE}> <{CF}Demand> {graph} .",
            f"{demand} <{LABEL}> \"demand number {i}\" {graph} .",
            f"{demand} <{CF}demandedBy> {actor} {graph} .",
            f"{demand} <{CF}preconditionFor> {proposal} {graph} .",
            f"{demand} <{CF}evidence> <{ID}quote/q{i}> {graph} .",
            f"<{ID}quote/q{i}> <http://www.w3.org/ns/oa#exact> \"a quote of some length for fact {i}\" {graph} .",
        ]
    # One position per (actor, proposal) pair, each stated by one article, as in real data.
    for k in range(200):
        graph = f"<https://w3id.org/ceasefire-kg/graph/article/a{k}>"
        position, stance = f"<{ID}position/p{k}>", "accepts" if k % 3 else "rejects"
        lines += [
            f"{position} <{RDF_TYPE}> <{CF}Position> {graph} .",
            f"{position} <{CF}holder> <{ID}actor/x{k % 40}> {graph} .",
            f"{position} <{CF}onProposal> <{ID}proposal/p{k % 25}> {graph} .",
            f"{position} <{CF}stance> <https://w3id.org/ceasefire-kg/stance/{stance}> {graph} .",
        ]
    return "\n".join(lines) + "\n"


def timed(action: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def bench_rdflib(data: str, folder: Path) -> dict[str, float]:
    dataset = rdflib.Dataset()
    load, _ = timed(lambda: dataset.parse(data=data, format="nquads"))
    file = folder / "store.nq"
    save, _ = timed(lambda: dataset.serialize(destination=str(file), format="nquads"))
    reopen, _ = timed(lambda: rdflib.Dataset().parse(str(file), format="nquads"))
    graph = rdflib.Graph()
    for quad in dataset.quads():
        graph.add(quad[:3])
    query, rows = timed(lambda: list(graph.query(QUERY)))
    export, _ = timed(lambda: graph.serialize(format="turtle"))
    return {"load": load + save, "reopen": reopen, "query": query, "rows": len(rows), "export_turtle": export}


def bench_oxigraph(data: str, folder: Path) -> dict[str, float]:
    path = str(folder / "oxigraph")
    store = ox.Store(path)
    load, _ = timed(lambda: store.load(data.encode(), format=ox.RdfFormat.N_QUADS))
    store.flush()
    del store
    reopen, store = timed(lambda: ox.Store(path))
    query, rows = timed(lambda: list(store.query(QUERY, use_default_graph_as_union=True)))
    triples = lambda: [ox.Triple(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None)]
    export, _ = timed(lambda: ox.serialize(triples(), format=ox.RdfFormat.TURTLE))
    return {"load": load, "reopen": reopen, "query": query, "rows": len(rows), "export_turtle": export}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facts", type=int, default=20_000, help="demands (6 triples each; plus 200 positions)")
    args = parser.parse_args()
    data = generate_nquads(args.facts)
    results = {}
    for name, bench in (("rdflib-memory", bench_rdflib), ("oxigraph", bench_oxigraph)):
        folder = Path(tempfile.mkdtemp(prefix=f"ckg-{name}-"))
        try:
            results[name] = bench(data, folder)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    assert results["rdflib-memory"]["rows"] == results["oxigraph"]["rows"], "the stores disagree on the query"
    base = results["rdflib-memory"]
    print(f"{args.facts * 6 + 800:,} quads; {platform.python_version()}; rdflib {rdflib.__version__}; pyoxigraph {ox.__version__}")
    print(f"{'step':<14}{'rdflib s':>10}{'oxigraph s':>12}{'speed-up':>10}")
    for step in ("load", "reopen", "query", "export_turtle"):
        ratio = base[step] / results["oxigraph"][step] if results["oxigraph"][step] else float("inf")
        print(f"{step:<14}{base[step]:>10.3f}{results['oxigraph'][step]:>12.3f}{ratio:>9.1f}x")
    print(f"peak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
