"""First pushes of two versions of ckg and of rdflib-neo4j into one Neo4j, alternated, in one run.

For each store (``--store``, built by ``push_benchmark.py``) and round, in turn:
rdflib-neo4j (batched, as ``push_benchmark.py`` runs it), then a Bolt first push
of each version (``--version NAME=SRC``: SRC is a folder holding a
``ceasefire_kg`` package, put first on ``PYTHONPATH``; ``.`` for this checkout),
each into the emptied database of the managed server ``--home``; with ``--bulk``,
then a bulk first push (``bulk_push``: plan, CSV, stop, import, start, indexes,
push state) of each version. Each round starts one run later than the one before
(the second round with the first version's Bolt push, and so on), so that no run
always comes right after the same one. Every measurement runs in a fresh process, which
reports its wall time, its CPU (with its child processes) and the server's CPU.
The load average (1 min) is recorded as each measurement starts.

Run:  python benchmarks/push_versions.py --home DIR --bolt-port N --password PW
      --version before=/path/with/old/ceasefire_kg --version after=. --store STORE [--store STORE ...]
      [--rounds 1] [--bulk] [--out benchmarks/out/push-versions.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common import OUT_DIR, log, machine_info, run_measuring_script, write_json

# What each measuring process runs: argv = kind, store, home, bolt port, password.
_MEASURE = r"""
import json, os, resource, sys, time
from pathlib import Path
import neo4j
kind, store_path, home, port, password = sys.argv[1:6]
uri = f"neo4j://127.0.0.1:{port}"
pid = int(Path(home, "run", "ckg-neo4j.pid").read_text().split()[0])

def server_cpu():
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

def client_cpu():
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime

driver = neo4j.GraphDatabase.driver(uri, auth=("neo4j", password))
with driver.session(database="neo4j") as session:
    session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()
    for record in list(session.run("SHOW CONSTRAINTS YIELD name")):
        session.run(f"DROP CONSTRAINT `{record['name']}` IF EXISTS").consume()
    for record in list(session.run("SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP'")):
        session.run(f"DROP INDEX `{record['name']}` IF EXISTS").consume()
result = {"load": os.getloadavg()[0]}
if kind == "rdflib-neo4j":
    from rdflib import Graph
    from rdflib_neo4j import HANDLE_VOCAB_URI_STRATEGY, Neo4jStore, Neo4jStoreConfig
    data = Path(store_path).read_bytes()
    config = Neo4jStoreConfig(
        auth_data={"uri": uri, "database": "neo4j", "user": "neo4j", "pwd": password},
        handle_vocab_uri_strategy=HANDLE_VOCAB_URI_STRATEGY.IGNORE,
        batching=True,
    )
    server, client, started = server_cpu(), client_cpu(), time.monotonic()
    graph = Graph(store=Neo4jStore(config=config))
    graph.parse(data=data, format="nt")
    graph.close(True)
else:
    from ceasefire_kg.store import Store
    server, client, started = server_cpu(), client_cpu(), time.monotonic()
    with Store.open_read_only(Path(store_path)) as store:
        if kind == "bolt":
            from ceasefire_kg.push import push
            report = push(store, driver, "neo4j")
        else:
            from ceasefire_kg import neo4j_server as n4j
            from ceasefire_kg.push.bulk import bulk_push
            settings = n4j.Neo4jSettings(home=Path(home), bolt_port=int(port))
            report = bulk_push(store, driver, "neo4j", settings, password=password)
            pid = int(Path(home, "run", "ckg-neo4j.pid").read_text().split()[0])
            server = None  # a new server process
    result["transactions"] = report.transactions
    result["steps"] = report.steps
result["wall_s"] = time.monotonic() - started
result["client_cpu_s"] = client_cpu() - client
result["server_cpu_s"] = None if server is None else server_cpu() - server
result["client_peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
with driver.session(database="neo4j") as session:
    result["nodes"] = session.run("MATCH (n:Resource) RETURN count(n) AS n").single()["n"]
    result["relationships"] = session.run("MATCH (:Resource)-[r]->() RETURN count(r) AS n").single()["n"]
driver.close()
print("RESULT " + json.dumps(result))
"""


def measure(kind: str, source: str | None, target: Path, args: argparse.Namespace) -> dict[str, Any]:
    arguments = [kind, str(target), str(args.home), str(args.bolt_port), args.password]
    return run_measuring_script(_MEASURE, arguments, source, kind)


def merged_ntriples(store: Path, work: Path) -> Path:
    """The store's merged graph as N-Triples, for rdflib-neo4j (written once per store)."""
    from ceasefire_kg.store import Store

    target = work / f"{store.name}.nt"
    if not target.exists():
        with Store.open_read_only(store) as opened, open(target, "wb") as out:
            opened.export(out, "ntriples")
    return target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", type=Path, required=True, help="the managed Neo4j's home (running)")
    parser.add_argument("--bolt-port", type=int, required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--version", action="append", required=True, help="NAME=SRC (repeatable)")
    parser.add_argument("--store", type=Path, action="append", required=True)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--bulk", action="store_true", help="also a bulk first push of each version")
    parser.add_argument("--skip-rdflib-neo4j", action="store_true")
    parser.add_argument("--out", type=Path, default=OUT_DIR / "push-versions.json")
    args = parser.parse_args()
    versions = [tuple(v.split("=", 1)) for v in args.version]
    results: list[dict[str, Any]] = []
    for store in args.store:
        nt = merged_ntriples(store, args.out.parent)
        for round_number in range(1, args.rounds + 1):
            runs: list[tuple[str, str, str | None, Path]] = []
            if not args.skip_rdflib_neo4j:
                runs.append(("rdflib-neo4j", "rdflib-neo4j", None, nt))
            runs += [(f"{name} bolt", "bolt", source, store) for name, source in versions]
            if args.bulk:
                runs += [(f"{name} bulk", "bulk", source, store) for name, source in versions]
            # Each round starts one run later, so that no run always follows the same one.
            shift = (round_number - 1) % len(runs)
            for label, kind, source, target in runs[shift:] + runs[:shift]:
                log(f"{store.name} round {round_number}: {label}")
                figures = measure(kind, source, target, args)
                figures.update(store=store.name, round=round_number, run=label)
                log(f"  {json.dumps(figures)}")
                results.append(figures)
                write_json(args.out, {"machine": machine_info(), "results": results, "when": time.time()})
    print(summary(results))
    return 0


def summary(results: list[dict[str, Any]]) -> str:
    """A Markdown table: per store and run, the median wall time, rdflib-neo4j's median over it, peak RSS."""
    lines = [
        "| store | run | rounds | median wall | rdflib-neo4j / it | client peak RSS |",
        "| :--- | :--- | ---: | ---: | ---: | ---: |",
    ]
    for store in dict.fromkeys(r["store"] for r in results):
        runs = [r for r in results if r["store"] == store]
        walls: dict[str, list[float]] = {}
        for r in runs:
            walls.setdefault(r["run"], []).append(r["wall_s"])
        rdflib = statistics.median(walls["rdflib-neo4j"]) if "rdflib-neo4j" in walls else None
        for run, times in walls.items():
            median = statistics.median(times)
            ratio = "" if rdflib is None else f"{rdflib / median:.2f}x"
            rss = max((r.get("client_peak_rss_mb") or 0) for r in runs if r["run"] == run)
            lines.append(f"| {store} | {run} | {len(times)} | {median:.2f} s | {ratio} | {rss} MB |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
