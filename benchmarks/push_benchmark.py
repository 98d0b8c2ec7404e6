"""Benchmark `ckg push` (embedded store -> Neo4j) against rdflib-neo4j on the same server.

Steps, on a generated corpus of at least 1,000,000 triples (``--triples``):

1. build the store: ``generate_corpus.py`` writes the article files and
   ``ckg load``'s library function loads them (kept in ``--work`` and reused
   by later runs with the same size and seed); ``--synthetic`` instead varies
   the example articles (``tests/synthetic.py``), which is much faster;
2. start a dedicated managed Neo4j (``--home``; or use ``--uri`` with
   ``NEO4J_PASSWORD``), warm it up with both tools on the example articles;
3. first push into an emptied database (triples/s), a no-change re-push,
   then one new article (``generate_new_article``, or one more varied copy)
   loaded into the store and pushed into the full graph;
4. before ckg's first push, rdflib-neo4j 1.1 in batched mode (``Neo4jStoreConfig(batching=True)``,
   default batch size 5000, vocabulary IRIs reduced to local names) parses
   the store's merged graph as N-Triples straight into the same emptied
   database, as its documentation shows; its own parse time (rdflib into
   memory, no Neo4j) is reported beside it;
5. with ``--bulk``, last (it restarts the server), a first push through
   Neo4j's offline importer into the managed server (``bulk_push``: plan,
   CSV files, stop, import, start, indexes, push state), over the full database;
6. the ratios, and the goals: a Bolt push at least 1.5x and a bulk push at
   least 3x rdflib-neo4j's throughput, a no-change re-push under 5% of the
   first push, one new article under 1 s.

Throughput counts the distinct triples of the store's merged graph (what
both tools end up representing), so the two rates are comparable; ckg also
sends each graph's own copy of triples that several graphs assert.

Results: a table on stdout and ``benchmarks/out/push-<quads>.json`` (with the
machine and versions); ``--doc`` also rewrites the ``push`` section of
``docs/benchmarks.md``.

Needs: ``pip install -e '.[bench]'`` (rdflib-neo4j), Java 17 for the managed server.

Run:  python benchmarks/push_benchmark.py [--triples 1000000] [--seed 1] [--synthetic]
      [--work DIR] [--home DIR] [--bolt-port N] [--http-port N] [--uri URI] [--keep-server] [--doc]
      [--bulk] [--skip-bolt]
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import neo4j
from common import (
    DOC,
    OUT_DIR,
    cpu_seconds,
    describe_machine,
    fmt_rate,
    fmt_seconds,
    log,
    machine_info,
    markdown_table,
    replace_marked_section,
    start_managed_neo4j,
    write_json,
)
from rdflib import Graph

from ceasefire_kg import neo4j_server as n4j
from ceasefire_kg.loaders.load import load_into_folder
from ceasefire_kg.push import PushReport, database_counts, push
from ceasefire_kg.store import Store

BENCH_BOLT_PORT = 57687
BENCH_HTTP_PORT = 57474
BENCH_PASSWORD = "ckg-push-benchmark"
GOAL_RATIO = 1.5
GOAL_BULK_RATIO = 3.0
GOAL_NOCHANGE_SHARE = 0.05
GOAL_ONE_ARTICLE_SECONDS = 1.0


# --- the store ----------------------------------------------------------------------------


def build_store(work: Path, triples: int, seed: int, synthetic: bool) -> tuple[Path, Any]:
    """The store to push (reused when it exists), and how to add one new article to it."""
    kind = "synthetic" if synthetic else f"seed{seed}"
    store_path = work / f"store-{kind}-{triples}"
    corpus_dir = work / f"corpus-{kind}-{triples}"
    if synthetic:
        from tests.synthetic import article_quads, make_store, varied_graphs

        copies = max(1, round(triples / 990))
        if not Store.exists(store_path) or not (store_path / "complete").exists():
            shutil.rmtree(store_path, ignore_errors=True)
            log(f"building a synthetic store of {copies} copies of the example articles")
            make_store(store_path, copies)
            (store_path / "complete").write_text("ok\n")

        def add_article(path: Path) -> None:
            with Store.open(path) as store:
                sources = article_quads(store)
                first = next(iter(sources))
                store.replace_graphs(list(varied_graphs({first: sources[first]}, range(copies + 1, copies + 2))))

        return store_path, add_article

    from generate_corpus import generate_corpus, generate_new_article

    if not Store.exists(store_path) or not (store_path / "complete").exists():
        shutil.rmtree(store_path, ignore_errors=True)
        log(f"generating a corpus of {triples} triples (seed {seed})")
        corpus = generate_corpus(corpus_dir, target_triples=triples, seed=seed)
        log(f"loading {len(corpus.article_paths)} articles into {store_path} (ckg load)")
        started = time.monotonic()
        load_into_folder(store_path, [corpus.root])
        log(f"loaded in {time.monotonic() - started:.0f} s")
        (store_path / "complete").write_text("ok\n")

    def add_article(path: Path) -> None:
        article = generate_new_article(corpus_dir, index=0)
        load_into_folder(path, [article.yaml_path])

    return store_path, add_article


def store_facts(store_path: Path) -> dict[str, int]:
    with Store.open_read_only(store_path) as store:
        sizes = store.graph_sizes()
        return {"graphs": len(sizes), "quads": sum(sizes.values()), "triples": store.count_triples()}


# --- the server ---------------------------------------------------------------------------


def start_server(
    home: Path, heap: str, page_cache: str, bolt_port: int = BENCH_BOLT_PORT, http_port: int = BENCH_HTTP_PORT
) -> n4j.Neo4jSettings:
    return start_managed_neo4j(
        home, BENCH_PASSWORD, bolt_port=bolt_port, http_port=http_port, heap=heap, page_cache=page_cache
    )


def empty_database(driver: neo4j.Driver, database: str) -> None:
    with driver.session(database=database) as session:
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()
        for record in list(session.run("SHOW CONSTRAINTS YIELD name")):
            session.run(f"DROP CONSTRAINT `{record['name']}` IF EXISTS").consume()
        for record in list(session.run("SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP'")):
            session.run(f"DROP INDEX `{record['name']}` IF EXISTS").consume()


# --- the two tools ------------------------------------------------------------------------


def ckg_push(store_path: Path, driver: neo4j.Driver, database: str) -> tuple[PushReport, float]:
    started = time.monotonic()
    with Store.open_read_only(store_path) as store:
        report = push(store, driver, database)
    return report, time.monotonic() - started


def merged_ntriples(store_path: Path) -> bytes:
    with Store.open_read_only(store_path) as store:
        output = io.BytesIO()
        store.export(output, "ntriples")
    return output.getvalue()


def rdflib_neo4j_load(data: bytes, uri: str, password: str, database: str) -> float:
    from rdflib_neo4j import HANDLE_VOCAB_URI_STRATEGY, Neo4jStore, Neo4jStoreConfig

    config = Neo4jStoreConfig(
        auth_data={"uri": uri, "database": database, "user": n4j.USERNAME, "pwd": password},
        handle_vocab_uri_strategy=HANDLE_VOCAB_URI_STRATEGY.IGNORE,
        batching=True,
    )
    started = time.monotonic()
    graph = Graph(store=Neo4jStore(config=config))
    graph.parse(data=data, format="nt")
    graph.close(True)
    return time.monotonic() - started


def rdflib_parse_only(data: bytes) -> float:
    started = time.monotonic()
    Graph().parse(data=data, format="nt")
    return time.monotonic() - started


def bulk_first_push(
    store_path: Path, driver: neo4j.Driver, database: str, settings: n4j.Neo4jSettings, loads: dict[str, float]
) -> dict[str, Any]:
    """A first push through Neo4j's offline importer: plan, CSV, stop, import, start, indexes, push state."""
    from ceasefire_kg.push.bulk import bulk_push

    log("ckg push --replace: first push through the offline importer (stop and start included)")
    loads["bulk"] = os.getloadavg()[0]
    started = time.monotonic()
    with Store.open_read_only(store_path) as store:
        report = bulk_push(store, driver, database, settings, password=BENCH_PASSWORD)
    seconds = time.monotonic() - started
    steps = ", ".join(f"{name} {value:.1f} s" for name, value in report.steps.items())
    log(f"  {seconds:.1f} s ({steps}), {report.nodes} nodes, {report.relationships} rels")
    return {
        "first_push_s": seconds,
        "steps": report.steps,
        "nodes": report.nodes,
        "relationships": report.relationships,
        "transactions": report.transactions,
    }


class CpuMeter:
    """CPU seconds this process and the Neo4j server used during a ``with`` block.

    On two cores both compete for the same CPU, so besides wall time the
    benchmark reports what each side spent: the work a tool makes the server do
    does not depend on the load of the machine as much as its wall time does.
    """

    def __init__(self, server_pid: int | None) -> None:
        self.server_pid = server_pid
        self.client_s: float | None = None
        self.server_s: float | None = None

    def __enter__(self) -> CpuMeter:
        self._client = cpu_seconds()
        self._server = cpu_seconds(self.server_pid) if self.server_pid else None
        return self

    def __exit__(self, *_: object) -> None:
        client = cpu_seconds()
        self.client_s = client - self._client if client is not None and self._client is not None else None
        server = cpu_seconds(self.server_pid) if self.server_pid else None
        self.server_s = server - self._server if server is not None and self._server is not None else None

    def as_dict(self) -> dict[str, float | None]:
        return {"client_cpu_s": self.client_s, "server_cpu_s": self.server_s}


def _cpu_note(figures: dict[str, Any]) -> str:
    if figures.get("server_cpu_s") is None:
        return ""
    return f"; CPU: server {fmt_seconds(figures['server_cpu_s'])}, client {fmt_seconds(figures['client_cpu_s'])}"


# --- main ---------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=1_000_000, help="corpus size (default 1000000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--synthetic", action="store_true", help="vary the example articles instead of generate_corpus")
    parser.add_argument(
        "--work", type=Path, default=Path("/tmp/ckg-push-benchmark"), help="folder for corpus and store"
    )
    parser.add_argument("--home", type=Path, default=None, help="managed Neo4j home [default: WORK/neo4j]")
    parser.add_argument("--heap", default="2g")
    parser.add_argument("--page-cache", default="2g")
    parser.add_argument("--bolt-port", type=int, default=BENCH_BOLT_PORT, help="managed server's Bolt port")
    parser.add_argument("--http-port", type=int, default=BENCH_HTTP_PORT, help="managed server's HTTP port")
    parser.add_argument(
        "--uri", default=None, help="use this server instead (password in NEO4J_PASSWORD); it is emptied"
    )
    parser.add_argument("--database", default="neo4j")
    parser.add_argument("--keep-server", action="store_true", help="leave the managed server running")
    parser.add_argument("--skip-rdflib-neo4j", action="store_true")
    parser.add_argument(
        "--bulk", action="store_true", help="also time a bulk first push (offline importer, stop and start included)"
    )
    parser.add_argument("--skip-bolt", action="store_true", help="skip the Bolt pushes (with --bulk)")
    parser.add_argument("--doc", action="store_true", help="also rewrite the 'push' section of docs/benchmarks.md")
    args = parser.parse_args(argv)

    args.work.mkdir(parents=True, exist_ok=True)
    info = machine_info()
    store_path, add_article = build_store(args.work, args.triples, args.seed, args.synthetic)
    facts = store_facts(store_path)
    log(f"store: {facts}")
    settings = None
    if args.uri:
        uri, password = args.uri, os.environ.get("NEO4J_PASSWORD", "")
    else:
        settings = start_server(
            args.home or args.work / "neo4j", args.heap, args.page_cache, args.bolt_port, args.http_port
        )
        uri, password = settings.bolt_uri, BENCH_PASSWORD
    results: dict[str, Any] = {"store": facts, "triples_target": args.triples, "synthetic": args.synthetic}
    loads: dict[str, float] = {}
    try:
        with neo4j.GraphDatabase.driver(uri, auth=(n4j.USERNAME, password)) as driver:
            server = driver.get_server_info().agent
            server_pid = n4j.status(settings).pid if settings is not None else None
            results["server"] = (
                f"{server} (heap {args.heap}, page cache {args.page_cache})" if settings is not None else server
            )
            data = merged_ntriples(store_path)
            # Warm-up: both tools, on the example articles (JIT, query caches).
            warm = args.work / "warm-store"
            if not Store.exists(warm):
                from tests.synthetic import load_examples

                load_examples(warm)
            for _ in range(2):
                empty_database(driver, args.database)
                ckg_push(warm, driver, args.database)
            if not args.skip_rdflib_neo4j:
                empty_database(driver, args.database)
                rdflib_neo4j_load(merged_ntriples(warm), uri, password, args.database)

            if not args.skip_rdflib_neo4j:
                empty_database(driver, args.database)
                log("rdflib-neo4j: batched load of the same triples")
                loads["rdflib_neo4j"] = os.getloadavg()[0]
                with CpuMeter(server_pid) as theirs_cpu:
                    theirs_s = rdflib_neo4j_load(data, uri, password, args.database)
                nodes, rels = database_counts(driver, args.database)
                log(f"  {theirs_s:.1f} s, {nodes} nodes, {rels} rels")
                parse_s = rdflib_parse_only(data)
                results["rdflib_neo4j"] = {
                    "load_s": theirs_s,
                    "triples_per_s": facts["triples"] / theirs_s,
                    "rdflib_parse_only_s": parse_s,
                    "nodes": nodes,
                    "relationships": rels,
                    **theirs_cpu.as_dict(),
                }
            if not args.skip_bolt:
                empty_database(driver, args.database)
                log("ckg push: first push")
                loads["first_push"] = os.getloadavg()[0]
                with CpuMeter(server_pid) as first_cpu:
                    first, first_s = ckg_push(store_path, driver, args.database)
                log(
                    f"  {first_s:.1f} s, {first.transactions} transactions, {first.nodes} nodes, {first.relationships} rels"
                )
                log("ckg push: no-change re-push")
                loads["no_change"] = os.getloadavg()[0]
                again, again_s = ckg_push(store_path, driver, args.database)
                assert not (again.added or again.changed or again.removed)
                log(f"  {again_s:.2f} s")
                plus_one = store_path.with_name(store_path.name + "-plus-one")
                if not (plus_one / "complete").exists():
                    shutil.rmtree(plus_one, ignore_errors=True)
                    shutil.copytree(store_path, plus_one)
                    log("loading one new article into a copy of the store (not timed)")
                    add_article(plus_one)
                    (plus_one / "complete").write_text("ok\n")
                log("ckg push: one new article")
                loads["one_article"] = os.getloadavg()[0]
                one, one_s = ckg_push(plus_one, driver, args.database)
                assert len(one.added) == 1 and not one.changed and not one.removed, one
                log(f"  {one_s:.2f} s ({one.triples} triples)")
                results["ckg"] = {
                    "first_push_s": first_s,
                    "first_push_triples_per_s": facts["triples"] / first_s,
                    "first_push_quads_per_s": facts["quads"] / first_s,
                    "transactions": first.transactions,
                    "nodes": first.nodes,
                    "relationships": first.relationships,
                    "no_change_push_s": again_s,
                    "no_change_share": again_s / first_s,
                    "one_article_push_s": one_s,
                    "one_article_triples": one.triples,
                    "first_push_cpu": first_cpu.as_dict(),
                }
                if "rdflib_neo4j" in results:
                    results["ratio"] = results["rdflib_neo4j"]["load_s"] / first_s
            # Last: it restarts the server, whose caches and compiled queries the other runs had warm.
            if args.bulk and settings is not None:
                results["bulk"] = bulk_first_push(store_path, driver, args.database, settings, loads)
                if "rdflib_neo4j" in results:
                    results["bulk_ratio"] = results["rdflib_neo4j"]["load_s"] / results["bulk"]["first_push_s"]
            results["load_average_1min_at_start"] = loads
    finally:
        if settings is not None and not args.keep_server:
            n4j.stop(settings)

    report(info, results, args.doc)
    return 0


def goal_verdicts(results: dict[str, Any]) -> dict[str, str]:
    """``pass`` or ``short`` for each goal that was measured."""
    verdicts: dict[str, str] = {}
    ours = results.get("ckg")
    if ours:
        verdicts["no_change_under_5_percent"] = "pass" if ours["no_change_share"] < GOAL_NOCHANGE_SHARE else "short"
        verdicts["one_article_under_1s"] = "pass" if ours["one_article_push_s"] < GOAL_ONE_ARTICLE_SECONDS else "short"
    if "ratio" in results:
        verdicts["bolt_throughput_1_5x"] = "pass" if results["ratio"] >= GOAL_RATIO else "short"
    if "bulk_ratio" in results:
        verdicts["bulk_throughput_3x"] = "pass" if results["bulk_ratio"] >= GOAL_BULK_RATIO else "short"
    return verdicts


def _shown(verdict: str) -> str:
    return "pass" if verdict == "pass" else "**short**"


def report(info: dict[str, Any], results: dict[str, Any], doc: bool) -> None:
    ours, theirs, bulk, facts = results.get("ckg"), results.get("rdflib_neo4j"), results.get("bulk"), results["store"]
    rows = []
    if ours:
        rows += [
            [
                "ckg push, first push (Bolt)",
                fmt_seconds(ours["first_push_s"]),
                fmt_rate(facts["triples"], ours["first_push_s"]),
                f"{ours['nodes']:,} nodes, {ours['relationships']:,} rels, {ours['transactions']} transactions"
                f"{_cpu_note(ours['first_push_cpu'])}",
            ],
            [
                "ckg push, no change",
                fmt_seconds(ours["no_change_push_s"]),
                "",
                f"{ours['no_change_share']:.1%} of the first push",
            ],
            [
                "ckg push, one new article",
                fmt_seconds(ours["one_article_push_s"]),
                "",
                f"{ours['one_article_triples']} triples into the full graph",
            ],
        ]
    if bulk:
        steps = ", ".join(f"{name} {value:.1f} s" for name, value in bulk["steps"].items())
        rows.append(
            [
                "ckg push --replace, first push (offline importer)",
                fmt_seconds(bulk["first_push_s"]),
                fmt_rate(facts["triples"], bulk["first_push_s"]),
                f"{bulk['nodes']:,} nodes, {bulk['relationships']:,} rels; {steps}",
            ]
        )
    if theirs:
        rows.append(
            [
                "rdflib-neo4j 1.1, batched",
                fmt_seconds(theirs["load_s"]),
                fmt_rate(facts["triples"], theirs["load_s"]),
                f"{theirs['nodes']:,} nodes, {theirs['relationships']:,} rels; rdflib's parse alone "
                f"{fmt_seconds(theirs['rdflib_parse_only_s'])}{_cpu_note(theirs)}",
            ]
        )
    verdicts = goal_verdicts(results)
    goals = []
    if "ratio" in results:
        goals.append(
            ["Bolt push >= 1.5x rdflib-neo4j", _shown(verdicts["bolt_throughput_1_5x"]), f"{results['ratio']:.2f}x"]
        )
    if "bulk_ratio" in results:
        goals.append(
            ["bulk push >= 3x rdflib-neo4j", _shown(verdicts["bulk_throughput_3x"]), f"{results['bulk_ratio']:.2f}x"]
        )
    if ours:
        goals.append(
            [
                "no-change re-push < 5% of the first",
                _shown(verdicts["no_change_under_5_percent"]),
                f"{ours['no_change_share']:.1%}",
            ]
        )
        goals.append(
            [
                "one new article < 1 s",
                _shown(verdicts["one_article_under_1s"]),
                fmt_seconds(ours["one_article_push_s"]),
            ]
        )
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    loads = ", ".join(
        f"{run.replace('_', ' ')} {load:.1f}" for run, load in results["load_average_1min_at_start"].items()
    )
    text = "\n\n".join(
        [
            f"Run {when}; {describe_machine(info)}; server {results['server']}. "
            f"Load average (1 min) as each run started: {loads}.",
            f"Store: {facts['graphs']:,} named graphs, {facts['quads']:,} quads, {facts['triples']:,} distinct triples"
            f"{' (synthetic)' if results['synthetic'] else ''}.",
            markdown_table(["run", "time", "triples/s", "notes"], rows, "lrrl"),
            markdown_table(["goal", "verdict", "measured"], goals, "lll"),
        ]
    )
    print(text)
    name = f"push-{facts['quads']}.json"
    write_json(OUT_DIR / name, {"machine": info, "when": when, **results, "goals": verdicts})
    print(f"\nJSON: {OUT_DIR / name}")
    if doc:
        replace_marked_section(DOC, "push", text)


if __name__ == "__main__":
    sys.exit(main())
