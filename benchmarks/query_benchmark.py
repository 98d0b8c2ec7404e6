"""Latency of every saved query on the embedded store and on Neo4j: p50 and p95 against the targets.

Each query runs ``--warmup`` times unmeasured (Neo4j plans a query on first
use, once per combination of parameter types), then ``--runs`` times measured,
end to end through the library (``LocalBackend.run`` / ``Neo4jBackend.run``: parameters,
transaction, rows converted). Variants per query: its defaults; for a query
that takes an actor, the side that holds the most positions; for a query that
takes a proposal, the proposal with the most positions; ``evidence`` gets the
id of a position from the store. Both backends must return the same rows; a
difference is reported in the table.

Each case is timed twice on each backend: the whole answer, and the first
page that ``ckg query`` shows in a table (``--page-rows``, default 100 rows,
pushed down into the SPARQL and the Cypher as ``ckg query`` does; 0 measures
whole answers only). The page's rows must be the first rows of the whole answer.

Targets (at about 1,000,000 triples): p50 under ``--neo4j-target`` ms (100)
on Neo4j and under ``--store-target`` ms (500) on the embedded store, for the
default page (for the whole answer with ``--page-rows 0``); each row says
``pass`` or ``short``.

The store is a folder made by ``ckg load``; with ``--generate N`` the corpus
is first generated with ``benchmarks/generate_corpus.py`` (N triples, seed
``--seed``) and loaded into ``--store`` if that folder holds no store yet.
Neo4j is either a server given by ``--uri`` (or ``NEO4J_URI``) or, with
``--neo4j-home``, a managed server started there (``ckg neo4j``'s code, on
``--bolt-port``/``--http-port``, 127.0.0.1 only) and stopped at the end unless
``--keep-server``. ``--push`` first pushes the store there (``ckg push
--rebuild``, which replaces what ckg pushed to that database before).

Run:
    python benchmarks/query_benchmark.py --store /tmp/bench-store --generate 1000000 \\
        --neo4j-home /tmp/bench-neo4j --bolt-port 58687 --http-port 58474 --push \\
        --json benchmarks/out/queries-1m.json

Prints a Markdown table (milliseconds) with the machine's description and,
with ``--json PATH``, writes the measurements and the machine's description.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import neo4j

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import describe_machine, log, machine_info, start_managed_neo4j

from ceasefire_kg import neo4j_server as n4j
from ceasefire_kg import saved_queries as sq
from ceasefire_kg.backends import LocalBackend, Neo4jBackend
from ceasefire_kg.defaults import TABLE_PAGE_ROWS
from ceasefire_kg.loaders.load import load_into_folder
from ceasefire_kg.store import Store

REPO = Path(__file__).resolve().parents[1]
#: Password of the managed server's user neo4j (a throwaway server on 127.0.0.1).
MANAGED_PASSWORD = "ckg-query-benchmark"


def percentile(values: list[float], fraction: float) -> float:
    """The value below which ``fraction`` of ``values`` lie (nearest rank)."""
    ordered = sorted(values)
    rank = max(1, round(fraction * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


def timed(action: Callable[[], sq.QueryResult], warmup: int, runs: int) -> tuple[list[float], sq.QueryResult | None]:
    """Run ``action`` ``warmup`` times, then ``runs`` times measured; the times in ms and the last result."""
    result = None
    for _ in range(warmup):
        result = action()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = action()
        times.append((time.perf_counter() - start) * 1000)
    return times, result


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
    log(f"generating about {triples} triples into {corpus}")
    generator.generate_corpus(corpus, target_triples=triples, seed=seed)
    log(f"loading them into {store_path}")
    started = time.perf_counter()
    load_into_folder(store_path, [corpus])
    log(f"loaded in {time.perf_counter() - started:.0f} s")


def _most_frequent(store: Store, sparql: str) -> str:
    """The value of ?x that the query returns most often (ties: the smallest IRI)."""
    counts: dict[str, int] = {}
    for row in store.query(sparql):
        counts[row["x"].value] = counts.get(row["x"].value, 0) + 1
    return min(counts, key=lambda value: (-counts[value], value))


def variants(store: Store) -> Iterator[tuple[sq.SavedQuery, str, dict[str, Any]]]:
    """Each saved query with its defaults, and with a typical actor or proposal where it takes one."""
    # Distinct (position, side) and (position, proposal) pairs: the union graph repeats re-declared facts.
    side = _most_frequent(store, "SELECT DISTINCT ?pos ?x WHERE { ?pos cf:holder/cf:represents ?x }")
    proposal = _most_frequent(store, "SELECT DISTINCT ?pos ?x WHERE { ?pos a cf:Position ; cf:onProposal ?x }")
    fact = min(
        row["id"].value for row in store.query("SELECT ?id WHERE { ?f a cf:Position ; cf:factId ?id } LIMIT 1000")
    )
    for query in sq.saved_queries():
        if query.name == "evidence":
            yield query, f"fact={fact}", query.bind({"fact": fact})
            continue
        yield query, "defaults", query.bind({})
        if query.parameter("actor"):
            yield query, f"actor={side.rsplit('/', 1)[-1]}", query.bind({"actor": side})
        if query.parameter("proposal"):
            yield query, f"proposal={proposal.rsplit('/', 1)[-1]}", query.bind({"proposal": proposal})


def push_store(store: Store, driver: neo4j.Driver, database: str) -> None:
    """Replace what ckg pushed to the database with the store."""
    from ceasefire_kg.push import push

    log(f"pushing the store to Neo4j (database {database})")
    started = time.perf_counter()
    report = push(store, driver, database, rebuild=True)
    log(f"pushed {report.triples} triples in {time.perf_counter() - started:.0f} s")


def verdict(p50: float | None, target: float) -> str:
    """``pass`` when the median is under the target, else ``short``."""
    if p50 is None:
        return "-"
    return "pass" if p50 < target else "short"


def page_cells(row: dict[str, Any], backend: str, target: float) -> list[str]:
    """One back end's cells of a paged row: page p50 and p95, the verdict, the whole answer's p50."""
    page_p50 = row[f"{backend}_page_p50"]
    return [
        f"{page_p50:.0f}",
        f"{row[f'{backend}_page_p95']:.0f}",
        verdict(page_p50, target),
        f"{row[f'{backend}_p50']:.0f}",
    ]


def _time_backend(
    run: Callable[[sq.Page | None], sq.QueryResult], page: sq.Page | None, args: argparse.Namespace, warmup: int
) -> tuple[list[float], list[float] | None, sq.QueryResult, sq.QueryResult | None]:
    """Times of the whole answer and of the page (None without one), with the last results."""
    whole, whole_result = timed(lambda: run(None), warmup, args.runs)
    assert whole_result is not None
    if page is None:
        return whole, None, whole_result, None
    paged, page_result = timed(lambda: run(page), warmup, args.runs)
    assert page_result is not None
    return whole, paged, whole_result, page_result


def measure(store: Store, driver: neo4j.Driver | None, database: str, args: argparse.Namespace) -> list[dict[str, Any]]:
    """Time every variant on both backends, whole answers and the default page; one dictionary per variant."""
    page = sq.Page(limit=args.page_rows) if args.page_rows else None
    results: list[dict[str, Any]] = []
    for query, label, values in variants(store):
        if args.only and query.name not in args.only:
            continue
        row: dict[str, Any] = {"query": query.name, "parameters": label}
        local, local_page, local_result, local_page_result = _time_backend(
            lambda page, query=query, values=values: LocalBackend(store).run(query, values, page),
            page,
            args,
            args.warmup if args.store_warmup is None else args.store_warmup,
        )
        row.update(
            store_p50=percentile(local, 0.5),
            store_p95=percentile(local, 0.95),
            rows=len(local_result.rows),
            store_ms=local,
        )
        if local_page is not None and local_page_result is not None:
            row.update(
                store_page_p50=percentile(local_page, 0.5),
                store_page_p95=percentile(local_page, 0.95),
                store_page_ms=local_page,
                page_rows=len(local_page_result.rows),
                page_matches=local_page_result.rows == local_result.rows[: args.page_rows],
            )
        if driver is not None:
            remote, remote_page, remote_result, remote_page_result = _time_backend(
                lambda page, query=query, values=values: Neo4jBackend(driver, database).run(query, values, page),
                page,
                args,
                args.warmup,
            )
            row.update(
                neo4j_p50=percentile(remote, 0.5),
                neo4j_p95=percentile(remote, 0.95),
                neo4j_ms=remote,
                same_rows=remote_result.rows == local_result.rows,
            )
            if remote_page is not None and remote_page_result is not None:
                row.update(
                    neo4j_page_p50=percentile(remote_page, 0.5),
                    neo4j_page_p95=percentile(remote_page, 0.95),
                    neo4j_page_ms=remote_page,
                    page_matches=row["page_matches"] and remote_page_result.rows == local_result.rows[: args.page_rows],
                )
        results.append(row)
        log(
            f"{query.name} ({label}): {row['rows']} rows, store p50 {row['store_p50']:.0f} ms"
            + (f" (page {row['store_page_p50']:.0f} ms)" if "store_page_p50" in row else "")
            + (f", Neo4j p50 {row['neo4j_p50']:.0f} ms" if "neo4j_p50" in row else "")
            + (f" (page {row['neo4j_page_p50']:.0f} ms)" if "neo4j_page_p50" in row else "")
        )
    return results


def table(results: list[dict[str, Any]], store_target: float, neo4j_target: float) -> str:
    """The Markdown table of the results: the page's p50 against the target, the whole answer's beside it."""
    with_neo4j = any("neo4j_p50" in row for row in results)
    paged = any("store_page_p50" in row for row in results)
    header = ["query", "parameters", "rows"]
    if paged:
        header += ["store page p50", "store page p95", f"store < {store_target:.0f} ms", "store whole p50"]
        if with_neo4j:
            header += ["Neo4j page p50", "Neo4j page p95", f"Neo4j < {neo4j_target:.0f} ms", "Neo4j whole p50"]
    else:
        header += ["store p50", "store p95", f"store < {store_target:.0f} ms"]
        if with_neo4j:
            header += ["Neo4j p50", "Neo4j p95", f"Neo4j < {neo4j_target:.0f} ms"]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    for row in results:
        rows = str(row["rows"]) + ("" if row.get("same_rows", True) else " (Neo4j differs!)")
        rows += "" if row.get("page_matches", True) else " (page differs!)"
        cells = [row["query"], row["parameters"], rows]
        if paged:
            cells += page_cells(row, "store", store_target)
            if with_neo4j:
                cells += page_cells(row, "neo4j", neo4j_target)
        else:
            cells += [f"{row['store_p50']:.0f}", f"{row['store_p95']:.0f}", verdict(row["store_p50"], store_target)]
            if with_neo4j:
                cells += [f"{row['neo4j_p50']:.0f}", f"{row['neo4j_p95']:.0f}", verdict(row["neo4j_p50"], neo4j_target)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; see the module's description."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--store", type=Path, required=True, help="the embedded store folder")
    parser.add_argument("--generate", type=int, metavar="TRIPLES", help="generate and load a corpus of this size first")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated corpus (default 1)")
    parser.add_argument("--uri", default=os.environ.get("NEO4J_URI"), help="Neo4j Bolt URI (NEO4J_URI)")
    parser.add_argument("--username", default=os.environ.get("NEO4J_USERNAME", "neo4j"), help="(NEO4J_USERNAME)")
    parser.add_argument("--password", default=os.environ.get("NEO4J_PASSWORD"), help="(NEO4J_PASSWORD)")
    parser.add_argument("--database", default=os.environ.get("NEO4J_DATABASE", "neo4j"), help="(NEO4J_DATABASE)")
    parser.add_argument("--neo4j-home", type=Path, help="start a managed Neo4j in this folder instead of --uri")
    parser.add_argument("--bolt-port", type=int, default=58687, help="Bolt port of the managed server (default 58687)")
    parser.add_argument("--http-port", type=int, default=58474, help="HTTP port of the managed server (default 58474)")
    parser.add_argument("--heap", default="2g", help="heap of the managed server (default 2g)")
    parser.add_argument("--page-cache", default="2g", help="page cache of the managed server (default 2g)")
    parser.add_argument("--keep-server", action="store_true", help="leave the managed server running")
    parser.add_argument("--push", action="store_true", help="push the store to Neo4j first (replaces ckg's data there)")
    parser.add_argument("--runs", type=int, default=20, help="measured runs per query and backend (default 20)")
    parser.add_argument("--warmup", type=int, default=2, help="unmeasured runs first (default 2)")
    parser.add_argument(
        "--store-warmup",
        type=int,
        help="unmeasured runs first on the store (default: --warmup; Neo4j needs them to plan, the store does not)",
    )
    parser.add_argument("--store-target", type=float, default=500.0, help="p50 target on the store, ms (default 500)")
    parser.add_argument("--neo4j-target", type=float, default=100.0, help="p50 target on Neo4j, ms (default 100)")
    parser.add_argument(
        "--page-rows",
        type=int,
        default=TABLE_PAGE_ROWS,
        help=f"rows of the page also timed, as ckg query shows in a table (default {TABLE_PAGE_ROWS}; 0: none)",
    )
    parser.add_argument("--only", nargs="*", default=None, help="only these queries")
    parser.add_argument("--json", type=Path, help="also write the measurements here")
    args = parser.parse_args(argv)

    info = machine_info()
    if args.generate:
        generate_and_load(args.store, args.generate, args.seed)
    settings = None
    uri, password = args.uri, args.password or ""
    if args.neo4j_home:
        settings = start_managed_neo4j(
            args.neo4j_home,
            MANAGED_PASSWORD,
            bolt_port=args.bolt_port,
            http_port=args.http_port,
            heap=args.heap,
            page_cache=args.page_cache,
        )
        uri, password = settings.bolt_uri, MANAGED_PASSWORD
    driver = neo4j.GraphDatabase.driver(uri, auth=(args.username, password)) if uri else None
    try:
        if driver is not None:
            driver.verify_connectivity()
        with Store.open_read_only(args.store) as store:
            triples = store.count_triples()
            if driver is not None and args.push:
                push_store(store, driver, args.database)
            started = time.perf_counter()
            results = measure(store, driver, args.database, args)
            elapsed = time.perf_counter() - started
    finally:
        if driver is not None:
            driver.close()
        if settings is not None and not args.keep_server:
            n4j.stop(settings)

    print(
        f"{triples} triples (distinct, in the union of the graphs); {args.runs} runs after {args.warmup} "
        f"warm-up runs per query, backend and page; milliseconds, end to end through the library"
        + (f"; page: the first {args.page_rows} rows, whole: every row" if args.page_rows else "")
        + ".\n"
    )
    print(describe_machine(info) + "\n")
    print(table(results, args.store_target, args.neo4j_target))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps(
                {
                    "triples": triples,
                    "runs": args.runs,
                    "warmup": args.warmup,
                    "store_warmup": args.warmup if args.store_warmup is None else args.store_warmup,
                    "targets_ms": {"store": args.store_target, "neo4j": args.neo4j_target},
                    "page_rows": args.page_rows,
                    "measuring_s": elapsed,
                    "machine": info,
                    "load_average_at_end": list(os.getloadavg()),
                    "results": results,
                },
                indent=2,
            )
            + "\n",
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
