"""Saved-query latency of this checkout against a baseline commit: same input, interleaved runs, one table.

Both versions answer from the SAME article-fact files: generate them with the
baseline's generator (its files load unchanged in the current code) and load
them once with each version (``ckg load`` of each version's virtualenv) into
two stores. This driver then starts one worker process per version, each with
that version's interpreter (``--base-python``, ``--current-python``) and so
its own library and saved queries, and times every case in alternation:
after ``--warmup`` unmeasured runs on each side, ``--rounds`` rounds of one
baseline run and one current run (their order swapped every round), so that
the machine's noise falls on both alike. Times are end to end through the
library (``LocalBackend.run`` / ``Neo4jBackend.run``), in milliseconds: wall
time and the worker's CPU time (steadier on a busy machine; on Neo4j the
server's work is not in it).

Cases: every saved query both versions have, with its defaults; with an actor
(the side holding the most positions) or a proposal (the one with the most
positions) where it takes one; ``evidence`` with one position's fact id. The
cases and their values are picked once, by the baseline's worker on its store,
and given to both. ``--as-of DATE`` adds, for each query taking ``as_of``, a
case at that date (both versions have the parameter, with other meanings:
see docs/time.md, so those ratios compare different answers).

With ``--cross``, a third worker runs the baseline's code on the current
store (with ``--neo4j``: on the current server), which splits each ratio in
two: the code ratio (current / baseline code, both on the current data: what
the queries and library cost) and the data ratio (the baseline's code on the
current / the baseline's data: what the triples the current version writes
for the same files cost). The split is by CPU time on the embedded store and
by wall time on Neo4j, whose work is not in the worker's CPU.

With ``--neo4j``, the workers answer from Neo4j instead: each from its own
server (``--base-uri``, ``--current-uri``) holding what that version pushed
(``--push`` pushes each store with its version's ``ckg push --rebuild``
code first).

Run (the baseline in its own worktree and virtualenv):

    git worktree add /tmp/queryperf/base de8c23f
    (cd /tmp/queryperf/base && source scripts/bootstrap)
    /tmp/queryperf/base/.venv/bin/python /tmp/queryperf/base/benchmarks/generate_corpus.py \\
        --triples 200000 --seed 1 --out /tmp/queryperf/corpus-200k
    /tmp/queryperf/base/.venv/bin/ckg load --store /tmp/queryperf/base-200k /tmp/queryperf/corpus-200k
    .venv/bin/ckg load --store /tmp/queryperf/cur-200k /tmp/queryperf/corpus-200k
    .venv/bin/python benchmarks/query_compare.py --base-python /tmp/queryperf/base/.venv/bin/python \\
        --base-store /tmp/queryperf/base-200k --current-store /tmp/queryperf/cur-200k \\
        --json benchmarks/out/compare-200k.json

Prints a Markdown table (rows, p50 of each, ratio current / baseline) and the
geometric mean of the ratios; ``--json PATH`` also writes every time.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import IO, Any

HERE = Path(__file__).resolve()


# --- worker: runs in either version's interpreter, with that version's library ------------------


def _most_frequent(store: Any, sparql: str) -> str:
    """The value of ?x the query returns most often (ties: the smallest IRI)."""
    counts: dict[str, int] = {}
    for row in store.query(sparql):
        counts[row["x"].value] = counts.get(row["x"].value, 0) + 1
    return min(counts, key=lambda value: (-counts[value], value))


def _cases(store: Any, as_of: str | None) -> list[dict[str, Any]]:
    """The cases of every saved query, with the values given (as text, as ``-p NAME=VALUE`` would)."""
    from ceasefire_kg import saved_queries as sq

    side = _most_frequent(store, "SELECT DISTINCT ?pos ?x WHERE { ?pos cf:holder/cf:represents ?x }")
    proposal = _most_frequent(store, "SELECT DISTINCT ?pos ?x WHERE { ?pos a cf:Position ; cf:onProposal ?x }")
    fact = min(
        row["id"].value for row in store.query("SELECT ?id WHERE { ?f a cf:Position ; cf:factId ?id } LIMIT 1000")
    )
    cases: list[dict[str, Any]] = []
    for query in sq.saved_queries():
        if query.name == "evidence":
            cases.append({"query": query.name, "label": "fact", "values": {"fact": fact}})
            continue
        cases.append({"query": query.name, "label": "defaults", "values": {}})
        if query.parameter("actor"):
            cases.append({"query": query.name, "label": "actor", "values": {"actor": side}})
        if query.parameter("proposal"):
            cases.append({"query": query.name, "label": "proposal", "values": {"proposal": proposal}})
        if as_of and query.parameter("as_of"):
            cases.append({"query": query.name, "label": f"as_of={as_of}", "values": {"as_of": as_of}})
    return cases


def worker(args: argparse.Namespace) -> int:
    """Answer requests, one JSON object per line on stdin, one JSON answer per line on stdout."""
    from ceasefire_kg.store import Store

    with Store.open_read_only(Path(args.store)) as store:
        return _serve(store, args)


def _serve(store: Any, args: argparse.Namespace) -> int:
    from ceasefire_kg import saved_queries as sq
    from ceasefire_kg.backends import LocalBackend, Neo4jBackend

    queries = {query.name: query for query in sq.saved_queries()}
    driver = None
    if args.uri:
        import neo4j

        driver = neo4j.GraphDatabase.driver(args.uri, auth=(args.username, args.password))
        driver.verify_connectivity()
    backend: Any = Neo4jBackend(driver, args.database) if driver is not None else LocalBackend(store)
    out = sys.stdout
    for line in sys.stdin:
        request = json.loads(line)
        op = request["op"]
        if op == "names":
            answer: Any = sorted(queries)
        elif op == "cases":
            answer = _cases(store, request.get("as_of"))
        elif op == "push":
            from ceasefire_kg.push import push

            started = time.perf_counter()
            report = push(store, driver, args.database, rebuild=True)
            answer = {"triples": report.triples, "seconds": time.perf_counter() - started}
        elif op == "run":
            query = queries[request["query"]]
            values = query.bind(request["values"])
            times, cpu_times = [], []
            result = None
            for _ in range(request["times"]):
                started, cpu_started = time.perf_counter(), time.process_time()
                result = backend.run(query, values)
                times.append((time.perf_counter() - started) * 1000)
                cpu_times.append((time.process_time() - cpu_started) * 1000)
            assert result is not None
            answer = {"ms": times, "cpu_ms": cpu_times, "rows": len(result.rows)}
        elif op == "quit":
            break
        else:
            raise SystemExit(f"unknown request {op!r}")
        out.write(json.dumps(answer) + "\n")
        out.flush()
    if driver is not None:
        driver.close()
    return 0


# --- driver ---------------------------------------------------------------------------------------


class Worker:
    """One worker process and its pipe."""

    def __init__(self, name: str, python: str, store: Path, args: argparse.Namespace, uri: str | None) -> None:
        command = [python, str(HERE), "--worker", "--store", str(store), "--database", args.database]
        if uri:
            command += ["--uri", uri, "--username", args.username, "--password", args.password or ""]
        self.name = name
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def ask(self, **request: Any) -> Any:
        """Send one request and wait for its answer."""
        stdin: IO[str] | None = self.process.stdin
        stdout: IO[str] | None = self.process.stdout
        assert stdin is not None and stdout is not None
        stdin.write(json.dumps(request) + "\n")
        stdin.flush()
        line = stdout.readline()
        if not line:
            raise SystemExit(f"the {self.name} worker stopped (exit {self.process.wait()})")
        return json.loads(line)

    def close(self) -> None:
        """Ask the worker to stop and wait for it."""
        if self.process.poll() is None:
            self.ask_quit()
        self.process.wait()

    def ask_quit(self) -> None:
        """Tell the worker to stop (it answers nothing)."""
        assert self.process.stdin is not None
        self.process.stdin.write('{"op": "quit"}\n')
        self.process.stdin.flush()


def log(message: str) -> None:
    """Progress on standard error, with the time of day."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def compare(
    base: Worker,
    current: Worker,
    case: dict[str, Any],
    warmup: int,
    rounds: int,
    cross: Worker | None = None,
    split_by_wall: bool = False,
) -> dict[str, Any]:
    """Time one case on the workers, interleaved (the order rotates every round).

    With ``cross``, the ratio is split into a code and a data ratio, by CPU
    time, or by wall time with ``split_by_wall`` (on Neo4j, where the server's
    work is not in the worker's CPU).
    """
    request = {"op": "run", "query": case["query"], "values": case["values"]}
    workers = [("base", base), ("current", current)] + ([("cross", cross)] if cross is not None else [])
    for _, worker_ in workers:
        if warmup:
            worker_.ask(**request, times=warmup)
    times: dict[str, list[float]] = {side: [] for side, _ in workers}
    cpu: dict[str, list[float]] = {side: [] for side, _ in workers}
    rows: dict[str, int] = {}
    for turn in range(rounds):
        shift = turn % len(workers)
        order = workers[shift:] + workers[:shift]
        if turn % 2:
            order.reverse()
        for side, worker_ in order:
            answer = worker_.ask(**request, times=1)
            times[side] += answer["ms"]
            cpu[side] += answer["cpu_ms"]
            rows[side] = answer["rows"]
    result: dict[str, Any] = {**case, "rows": rows}
    for side, _ in workers:
        result[f"{side}_ms"] = times[side]
        result[f"{side}_cpu_ms"] = cpu[side]
        result[f"{side}_p50"] = statistics.median(times[side])
        result[f"{side}_cpu_p50"] = statistics.median(cpu[side])
    result["ratio"] = result["current_p50"] / result["base_p50"]
    result["cpu_ratio"] = result["current_cpu_p50"] / result["base_cpu_p50"]
    if cross is not None:
        measure = "p50" if split_by_wall else "cpu_p50"
        # Same store (this checkout's load of the files), other code: what the queries and library cost.
        result["code_ratio"] = result[f"current_{measure}"] / result[f"cross_{measure}"]
        # Same code (the baseline's), other store: what the data this checkout writes costs.
        result["data_ratio"] = result[f"cross_{measure}"] / result[f"base_{measure}"]
    return result


def _values_label(case: dict[str, Any]) -> str:
    values = case["values"]
    if not values:
        return case["label"]
    return ", ".join(f"{name}={str(value).rsplit('/', 1)[-1]}" for name, value in values.items())


def table(results: list[dict[str, Any]], limit: float) -> str:
    """The Markdown table: one row per case."""
    cross = any("code_ratio" in row for row in results)
    header = (
        "| query | parameters | rows current / baseline | p50 current (ms) | p50 baseline (ms) | ratio "
        "| CPU p50 current (ms) | CPU p50 baseline (ms) | CPU ratio |"
    )
    rule = "| :--- | :--- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    if cross:
        header += " code ratio | data ratio |"
        rule += " ---: | ---: |"
    lines = [header + " within |", rule + " :---: |"]
    for row in results:
        ratio = row["ratio"]
        line = (
            f"| {row['query']} | {_values_label(row)} | {row['rows'].get('current', '-')} / {row['rows'].get('base', '-')} "
            f"| {row['current_p50']:.1f} | {row['base_p50']:.1f} | {ratio:.2f} "
            f"| {row['current_cpu_p50']:.1f} | {row['base_cpu_p50']:.1f} | {row['cpu_ratio']:.2f} |"
        )
        if cross:
            line += f" {row['code_ratio']:.2f} | {row['data_ratio']:.2f} |"
        lines.append(line + f" {'yes' if ratio <= limit else 'NO'} |")
    return "\n".join(lines) + "\n"


def geomean(values: list[float]) -> float:
    """The geometric mean."""
    return math.exp(sum(math.log(value) for value in values) / len(values))


def main(argv: list[str] | None = None) -> int:
    """Run the comparison (or, with ``--worker``, one worker); see the module's description."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--store", help=argparse.SUPPRESS)
    parser.add_argument("--uri", help=argparse.SUPPRESS)
    parser.add_argument("--base-python", required=False, help="the baseline's interpreter (its virtualenv)")
    parser.add_argument(
        "--current-python", default=sys.executable, help="this checkout's interpreter (default: this one)"
    )
    parser.add_argument("--base-store", type=Path, help="the store loaded by the baseline")
    parser.add_argument("--current-store", type=Path, help="the store loaded by this checkout from the same files")
    parser.add_argument("--neo4j", action="store_true", help="answer from Neo4j (--base-uri, --current-uri)")
    parser.add_argument("--base-uri", help="Bolt URI of the baseline's Neo4j")
    parser.add_argument("--current-uri", help="Bolt URI of this checkout's Neo4j")
    parser.add_argument("--username", default=os.environ.get("NEO4J_USERNAME", "neo4j"), help="(NEO4J_USERNAME)")
    parser.add_argument("--password", default=os.environ.get("NEO4J_PASSWORD"), help="(NEO4J_PASSWORD)")
    parser.add_argument("--database", default=os.environ.get("NEO4J_DATABASE", "neo4j"), help="(NEO4J_DATABASE)")
    parser.add_argument("--push", action="store_true", help="with --neo4j: each version pushes its store first")
    parser.add_argument("--rounds", type=int, default=15, help="measured runs per case and version (default 15)")
    parser.add_argument("--warmup", type=int, default=2, help="unmeasured runs first (default 2)")
    parser.add_argument("--as-of", help="also a case at this date for each query taking as_of")
    parser.add_argument(
        "--cross", action="store_true", help="also time the baseline's code on the current store (code and data ratios)"
    )
    parser.add_argument("--only", nargs="*", default=None, help="only these queries")
    parser.add_argument("--limit", type=float, default=1.10, help="the ratio a case must stay within (default 1.10)")
    parser.add_argument("--json", type=Path, help="also write the measurements here")
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args)
    if not (args.base_python and args.base_store and args.current_store):
        parser.error("--base-python, --base-store and --current-store are required")

    load_at_start = list(os.getloadavg())
    base_uri = args.base_uri if args.neo4j else None
    current_uri = args.current_uri if args.neo4j else None
    base = Worker("baseline", args.base_python, args.base_store, args, base_uri)
    current = Worker("current", args.current_python, args.current_store, args, current_uri)
    cross = Worker("cross", args.base_python, args.current_store, args, current_uri) if args.cross else None
    try:
        if args.neo4j and args.push:
            for side in (base, current):
                log(f"pushing the {side.name} store: {side.ask(op='push')}")
        common = set(base.ask(op="names")) & set(current.ask(op="names"))
        cases = [
            case
            for case in base.ask(op="cases", as_of=args.as_of)
            if case["query"] in common and (not args.only or case["query"] in args.only)
        ]
        results = []
        started = time.perf_counter()
        for case in cases:
            result = compare(base, current, case, args.warmup, args.rounds, cross, split_by_wall=args.neo4j)
            results.append(result)
            log(
                f"{case['query']} ({_values_label(case)}): rows {result['rows']}, current {result['current_p50']:.1f} ms, "
                f"baseline {result['base_p50']:.1f} ms, ratio {result['ratio']:.2f} (CPU {result['cpu_ratio']:.2f})"
            )
        elapsed = time.perf_counter() - started
    finally:
        for worker_ in (base, current, cross):
            if worker_ is not None:
                worker_.close()
    ratios = [row["ratio"] for row in results if row["ratio"]]
    cpu_ratios = [row["cpu_ratio"] for row in results if row["cpu_ratio"]]
    summary = {
        "cases": len(results),
        "geomean_ratio": geomean(ratios),
        "median_ratio": statistics.median(ratios),
        "geomean_cpu_ratio": geomean(cpu_ratios),
        **(
            {
                "code_and_data_ratios_by": "wall time" if args.neo4j else "CPU time",
                "geomean_code_ratio": geomean([row["code_ratio"] for row in results]),
                "geomean_data_ratio": geomean([row["data_ratio"] for row in results]),
            }
            if args.cross
            else {}
        ),
        "cpu_over_limit": [
            f"{row['query']} ({_values_label(row)})" for row in results if row["cpu_ratio"] > args.limit
        ],
        "over_limit": [f"{row['query']} ({_values_label(row)})" for row in results if row["ratio"] > args.limit],
        "load_average_at_start": load_at_start,
        "load_average_at_end": list(os.getloadavg()),
        "measuring_s": elapsed,
    }
    print(table(results, args.limit))
    print(
        f"{len(results)} cases, {args.rounds} interleaved rounds after {args.warmup} warm-ups; geometric mean of the "
        f"ratios {summary['geomean_ratio']:.2f}, median {summary['median_ratio']:.2f}; over {args.limit:.2f}: "
        f"{', '.join(summary['over_limit']) or 'none'}. CPU time: geometric mean of the ratios "
        f"{summary['geomean_cpu_ratio']:.2f}; over {args.limit:.2f}: {', '.join(summary['cpu_over_limit']) or 'none'}"
        + (
            f"; by {summary['code_and_data_ratios_by']}, code ratio (both on the current store) "
            f"{summary['geomean_code_ratio']:.2f}, data ratio (the baseline's code on both stores) "
            f"{summary['geomean_data_ratio']:.2f}"
            if args.cross
            else ""
        )
        + f"; load average {load_at_start[0]:.1f} at start, "
        f"{summary['load_average_at_end'][0]:.1f} at end; {elapsed:.0f} s."
    )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps({"backend": "neo4j" if args.neo4j else "store", **summary, "results": results}, indent=2) + "\n",
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
