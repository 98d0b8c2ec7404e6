"""Why the embedded store is Oxigraph: measure the candidates on the same data.

For a generated set of article graphs, each candidate store is timed on what
``ckg`` does: load (one transaction), reopen from disk, a saved-query-like
SPARQL join, and a Turtle export of the union graph. The candidates:

* ``rdflib-memory``, the baseline: rdflib's in-memory ``Dataset``. It has no
  persistence of its own, so "load" includes writing the N-Quads file it would
  keep and "reopen" means parsing that file.
* ``oxigraph``: pyoxigraph's on-disk ``Store``, what ``ckg`` uses.
* ``rdflib-oxigraph``: rdflib's API over an on-disk Oxigraph store through the
  ``oxrdflib`` plugin (``pip install oxrdflib``; skipped when it is missing):
  loading with its ``ox-nquads`` parser (Oxigraph's loader, one transaction),
  SPARQL answered by Oxigraph, results and the export going through rdflib
  terms, the Turtle written by its ``ox-turtle`` serializer.

Each candidate runs in a fresh child process, one after the other, so that its
peak RSS is its own and one's garbage does not slow the next; the data are
generated identically in each. All candidates must return the same rows.

Run: python benchmarks/store_choice.py [--facts N] [--doc]
Prints a Markdown table: seconds per step and speed-ups over the rdflib
baseline measured in the same run, with the peak RSS of each child, the
machine and the load average. Writes the results as JSON to
``benchmarks/out/store_choice-FACTS.json``; with ``--doc``, also the table to
the ``store-choice`` section of ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import importlib.util
import multiprocessing
import os
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import rdflib

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import DOC, OUT_DIR, describe_machine, machine_info, markdown_table, replace_marked_section, write_json

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
            f'{demand} <{LABEL}> "demand number {i}" {graph} .',
            f"{demand} <{CF}demandedBy> {actor} {graph} .",
            f"{demand} <{CF}preconditionFor> {proposal} {graph} .",
            f"{demand} <{CF}evidence> <{ID}quote/q{i}> {graph} .",
            f'<{ID}quote/q{i}> <http://www.w3.org/ns/oa#exact> "a quote of some length for fact {i}" {graph} .',
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

    def triples() -> list[ox.Triple]:
        return [ox.Triple(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None)]

    export, _ = timed(lambda: ox.serialize(triples(), format=ox.RdfFormat.TURTLE))
    return {"load": load, "reopen": reopen, "query": query, "rows": len(rows), "export_turtle": export}


def bench_rdflib_oxigraph(data: str, folder: Path) -> dict[str, float]:
    path = str(folder / "oxrdflib")
    dataset = rdflib.Dataset(store="Oxigraph")
    dataset.open(path, create=True)
    load, _ = timed(lambda: dataset.parse(data=data, format="ox-nquads"))
    # oxrdflib's close() does not flush: the next open would replay RocksDB's
    # log (seconds at 100k quads). ckg flushes on close; so does this, as ckg would.
    dataset.store._inner.flush()
    dataset.close()

    def reopen_store() -> rdflib.Dataset:
        reopened = rdflib.Dataset(store="Oxigraph")
        reopened.open(path)
        return reopened

    reopen, dataset = timed(reopen_store)
    dataset.default_union = True  # query the union of the article graphs, as ckg does
    query, rows = timed(lambda: list(dataset.query(QUERY)))

    def union() -> Any:
        return dataset.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }").graph

    export, _ = timed(lambda: union().serialize(format="ox-turtle"))
    return {"load": load, "reopen": reopen, "query": query, "rows": len(rows), "export_turtle": export}


#: Candidates by name, the baseline first; the value names the function in this module.
CANDIDATES = {"rdflib-memory": "bench_rdflib", "oxigraph": "bench_oxigraph", "rdflib-oxigraph": "bench_rdflib_oxigraph"}
BASELINE = "rdflib-memory"
STEPS = ("load", "reopen", "query", "export_turtle")


def run_candidate(name: str, facts: int) -> dict[str, Any]:
    """One candidate's timings on freshly generated data, with this process's peak RSS (in a child)."""
    data = generate_nquads(facts)
    folder = Path(tempfile.mkdtemp(prefix=f"ckg-{name}-"))
    try:
        result = globals()[CANDIDATES[name]](data, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    result["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def available(name: str) -> bool:
    """Tell whether a candidate's packages are installed."""
    return name != "rdflib-oxigraph" or importlib.util.find_spec("oxrdflib") is not None


def render(results: dict[str, dict[str, Any]], facts: int, machine: dict[str, Any], load_after: float) -> str:
    """The results as Markdown: what ran where, then seconds and speed-ups over the baseline."""
    base = results[BASELINE]
    others = [name for name in results if name != BASELINE]
    rows = []
    for step in STEPS:
        cells = [f"{base[step]:.3f} s"]
        for name in others:
            value = results[name][step]
            cells.append(f"{value:.3f} s ({base[step] / value:.1f}×)" if value else f"{value:.3f} s")
        rows.append([step, *cells])
    rows.append(["peak RSS", *(f"{results[name]['peak_rss_mib']:.0f} MiB" for name in results)])
    extra = f", oxrdflib {version('oxrdflib')}" if "rdflib-oxigraph" in results else ""
    load_before = machine["load_average_at_start"][0]
    return "\n".join(
        [
            f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: `python benchmarks/store_choice.py --facts {facts}`; "
            f"{facts * 6 + 800:,} quads in {max(-(-facts // 50), 200):,} article graphs, {base['rows']:,} query rows (same in every store); "
            f"load average {load_before:.2f} before, {load_after:.2f} after.",
            f"Machine: {describe_machine(machine)}{extra}.",
            "",
            markdown_table(["step", f"{BASELINE} (baseline)", *(f"{name} (speed-up)" for name in others)], rows),
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facts", type=int, default=20_000, help="demands (6 triples each; plus 200 positions)")
    parser.add_argument("--doc", action="store_true", help="also write the table to docs/benchmarks.md")
    args = parser.parse_args()
    names = [name for name in CANDIDATES if available(name)]
    skipped = [name for name in CANDIDATES if name not in names]
    machine = machine_info()
    results: dict[str, dict[str, Any]] = {}
    # spawn, not fork: a child must not start with the parent's memory in its RSS.
    with multiprocessing.get_context("spawn").Pool(1, maxtasksperchild=1) as pool:
        for name in names:
            results[name] = pool.apply(run_candidate, (name, args.facts))
    load_after = os.getloadavg()[0]
    rows = {name: result["rows"] for name, result in results.items()}
    assert len(set(rows.values())) == 1, f"the stores disagree on the query: {rows}"
    table = render(results, args.facts, machine, load_after)
    if skipped:
        table += f"\n\nNot measured (package not installed): {', '.join(skipped)}."
    print(table)
    write_json(
        OUT_DIR / f"store_choice-{args.facts}.json",
        {
            "facts": args.facts,
            "machine": machine,
            "load_average_after": load_after,
            "results": results,
            "skipped": skipped,
        },
    )
    if args.doc:
        replace_marked_section(DOC, "store-choice", table)


if __name__ == "__main__":
    main()
