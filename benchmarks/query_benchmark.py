"""Latency of every saved query on the embedded store and on Neo4j: p50 and p95.

Each query runs ``--warmup`` times unmeasured (Neo4j plans a query on first
use, once per combination of parameter types), then ``--runs`` times measured,
end to end through the library (``run_local`` / ``run_neo4j``: parameters,
transaction, rows converted). Two variants per query: its defaults, and, for
queries that take them, a date in the middle of the corpus with the first side
that holds positions (``as_of``/``until`` and ``actor``). ``evidence`` gets a
fact id from the store.

The store is a folder made by ``ckg load``; with ``--generate N`` the corpus
is first generated with ``benchmarks/generate_corpus.py`` (N triples, seed
``--seed``) and loaded into ``--store`` if that folder holds no store yet.
Neo4j is used when ``--uri`` (or ``NEO4J_URI``) is given; ``--push`` first
pushes the store there (``ckg push --rebuild``, which replaces what ckg pushed
to that database before).

Run:
    python benchmarks/query_benchmark.py --store /tmp/bench-store --generate 1000000 \\
        --uri neo4j://127.0.0.1:7687 --password secret --push

Prints a Markdown table (milliseconds) and, with ``--json PATH``, writes the
measurements with the machine's description.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import neo4j

from ceasefire_kg import saved_queries as sq
from ceasefire_kg.loaders.load import load_into_folder
from ceasefire_kg.store import Store

REPO = Path(__file__).resolve().parents[1]


def percentile(values: list[float], fraction: float) -> float:
    """The value below which ``fraction`` of ``values`` lie (nearest rank)."""
    ordered = sorted(values)
    rank = max(1, round(fraction * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


def timed(action: Callable[[], sq.QueryResult], warmup: int, runs: int) -> tuple[list[float], int]:
    """Run ``action`` ``warmup`` times, then ``runs`` times measured; the times in ms and the row count."""
    result = None
    for _ in range(warmup):
        result = action()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = action()
        times.append((time.perf_counter() - start) * 1000)
    return times, len(result.rows) if result is not None else 0


def generate_and_load(store_path: Path, triples: int, seed: int) -> None:
    """Generate a corpus of about ``triples`` triples beside the store and load it, unless a store is there."""
    if Store.exists(store_path):
        return
    spec = importlib.util.spec_from_file_location("generate_corpus", REPO / "benchmarks" / "generate_corpus.py")
    assert spec is not None and spec.loader is not None
    generator = importlib.util.module_from_spec(spec)
    sys.modules["generate_corpus"] = generator
    spec.loader.exec_module(generator)
    corpus = store_path.with_name(store_path.name + "-corpus")
    print(f"Generating about {triples} triples into {corpus} ...", file=sys.stderr)
    generator.generate_corpus(corpus, target_triples=triples, seed=seed)
    print(f"Loading them into {store_path} ...", file=sys.stderr)
    started = time.perf_counter()
    load_into_folder(store_path, [corpus])
    print(f"Loaded in {time.perf_counter() - started:.0f} s.", file=sys.stderr)


def variants(store: Store) -> Iterator[tuple[sq.SavedQuery, str, dict[str, Any]]]:
    """Each saved query with its defaults, and with a middle date and a side where it takes them."""
    dates = sorted({article[:10] for article in store.article_ids()})
    middle = dates[len(dates) // 2]
    side = min(row["s"].value for row in store.query("SELECT ?s WHERE { ?p cf:holder/cf:represents ?s }"))
    fact = min(row["id"].value for row in store.query(
        "SELECT ?id WHERE { ?f a cf:Position ; cf:factId ?id } LIMIT 1000"))
    for query in sq.saved_queries():
        if query.name == "evidence":
            yield query, f"fact={fact}", query.bind({"fact": fact})
            continue
        yield query, "defaults", query.bind({})
        given = {}
        for name in ("as_of", "until"):
            if query.parameter(name):
                given[name] = middle
        if query.parameter("actor"):
            given["actor"] = side
        if given:
            label = ", ".join(f"{key}={value.rsplit('/', 1)[-1]}" for key, value in given.items())
            yield query, label, query.bind(given)


def push_store(store: Store, driver: neo4j.Driver, database: str) -> None:
    """Replace what ckg pushed to the database with the store."""
    from ceasefire_kg.push import push

    print(f"Pushing the store to Neo4j (database {database}) ...", file=sys.stderr)
    started = time.perf_counter()
    report = push(store, driver, database, rebuild=True)
    print(f"Pushed {report.triples} triples in {time.perf_counter() - started:.0f} s.", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, required=True, help="the embedded store folder")
    parser.add_argument("--generate", type=int, metavar="TRIPLES", help="generate and load a corpus of this size first")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated corpus (default 1)")
    parser.add_argument("--uri", default=os.environ.get("NEO4J_URI"), help="Neo4j Bolt URI (NEO4J_URI)")
    parser.add_argument("--username", default=os.environ.get("NEO4J_USERNAME", "neo4j"), help="(NEO4J_USERNAME)")
    parser.add_argument("--password", default=os.environ.get("NEO4J_PASSWORD"), help="(NEO4J_PASSWORD)")
    parser.add_argument("--database", default=os.environ.get("NEO4J_DATABASE", "neo4j"), help="(NEO4J_DATABASE)")
    parser.add_argument("--push", action="store_true", help="push the store to Neo4j first (replaces ckg's data there)")
    parser.add_argument("--runs", type=int, default=20, help="measured runs per query and backend (default 20)")
    parser.add_argument("--warmup", type=int, default=2, help="unmeasured runs first (default 2)")
    parser.add_argument("--only", nargs="*", default=None, help="only these queries")
    parser.add_argument("--json", type=Path, help="also write the measurements here")
    args = parser.parse_args(argv)

    if args.generate:
        generate_and_load(args.store, args.generate, args.seed)
    driver = None
    if args.uri:
        driver = neo4j.GraphDatabase.driver(args.uri, auth=(args.username, args.password or ""))
        driver.verify_connectivity()
    results: list[dict[str, Any]] = []
    try:
        with Store.open_read_only(args.store) as store:
            triples = store.count_triples()
            if driver is not None and args.push:
                push_store(store, driver, args.database)
            for query, label, values in variants(store):
                if args.only and query.name not in args.only:
                    continue
                row: dict[str, Any] = {"query": query.name, "parameters": label}
                local, count = timed(lambda: sq.run_local(query, store, values), args.warmup, args.runs)
                row.update(local_p50=percentile(local, 0.5), local_p95=percentile(local, 0.95), local_rows=count)
                if driver is not None:
                    remote, remote_count = timed(
                        lambda: sq.run_neo4j(query, driver, values, args.database), args.warmup, args.runs
                    )
                    row.update(
                        neo4j_p50=percentile(remote, 0.5), neo4j_p95=percentile(remote, 0.95), neo4j_rows=remote_count
                    )
                results.append(row)
                print(f"{query.name} ({label}): {row}", file=sys.stderr)
    finally:
        if driver is not None:
            driver.close()

    print(f"\n{triples} triples (distinct, union of the graphs); {args.runs} runs after {args.warmup} warm-up; ms\n")
    header = "| query | parameters | rows | store p50 | store p95 |" + (" Neo4j p50 | Neo4j p95 |" if driver else "")
    print(header)
    print("|" + "|".join("---" for _ in range(header.count("|") - 1)) + "|")
    for row in results:
        rows = str(row["local_rows"])
        if row.get("neo4j_rows", row["local_rows"]) != row["local_rows"]:
            rows += f" (Neo4j: {row['neo4j_rows']})"
        cells = [row["query"], row["parameters"], rows,
                 f"{row['local_p50']:.0f}", f"{row['local_p95']:.0f}"]
        if "neo4j_p50" in row:
            cells += [f"{row['neo4j_p50']:.0f}", f"{row['neo4j_p95']:.0f}"]
        print("| " + " | ".join(cells) + " |")
    if args.json:
        args.json.write_text(json.dumps({
            "triples": triples,
            "runs": args.runs,
            "warmup": args.warmup,
            "machine": {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count()},
            "results": results,
        }, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
