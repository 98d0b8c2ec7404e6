"""The client's CPU in a first Bolt push, without a server: stage by stage, versions alternated.

A first push (``ckg push`` into an empty database) spends its client CPU on
reading the store's graphs (a second process from 100 graphs on), parsing
them, planning each batch (each subject's state, its node properties, the
relationship rows) and packing the rows for the driver. This script does
exactly that work for a store, with no server: the stages of
:func:`ceasefire_kg.push.push` between the hashes it compares and the
transactions it sends, the batches as a push into an empty database cuts
them (:data:`~ceasefire_kg.push.DEFAULT_BATCH_TRIPLES`), each plan's rows
packed with the driver's PackStream packer (its Rust codec when installed)
and then dropped. It prints the CPU seconds of each stage.

Each measurement runs in a fresh process; with several ``--version NAME=SRC``
(SRC a folder holding a ``ceasefire_kg`` package, put first on ``PYTHONPATH``;
``.`` for this checkout) the versions alternate, round by round, so that the
ratios come from one run. The store is opened read only.

Run:  python benchmarks/push_planning.py --store STORE [--store STORE ...]
      --version before=/path/with/old/ceasefire_kg --version after=. [--rounds 2]
      [--profile after] [--out benchmarks/out/push-planning.json]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common import OUT_DIR, log, machine_info, run_measuring_script, write_json

# What each measuring process runs: argv = store, batch triples, profile ("" or a file).
_MEASURE = r"""
import cProfile, gc, hashlib, io, json, os, resource, sys, time
from pathlib import Path
store_path, batch_triples, profile_to = sys.argv[1], int(sys.argv[2]), sys.argv[3]
import neo4j
from neo4j._codec.packstream.v1 import Packer
from neo4j._codec.hydration.bolt.v2 import HydrationHandler
import ceasefire_kg
from ceasefire_kg.mapping import default_mapping
from ceasefire_kg.push.changes import GraphChange, changed_graphs, check_terms, stream_batches
from ceasefire_kg.push.planner import Planner
from ceasefire_kg.push.report import PushReport
from ceasefire_kg.store import Store

cpu = time.process_time
stages = dict.fromkeys(("hashes", "terms", "read+parse", "plan", "pack"), 0.0)
hooks = HydrationHandler().new_hydration_scope().dehydration_hooks

class Sink:
    size = 0
    digest = hashlib.sha256()
    def write(self, data):
        Sink.size += len(data)
        Sink.digest.update(data)

packer = Packer(Sink())

def pack(plan):
    for name in ("new_nodes", "nodes", "new_objects", "objects", "deletes", "creates", "updates", "graphs"):
        packer.pack({"rows": getattr(plan, name)}, dehydration_hooks=hooks)
    packer.pack({"uris": plan.garbage, "iris": plan.dropped_graphs}, dehydration_hooks=hooks)

def rows(plan):
    return sum(len(getattr(plan, name)) for name in ("new_nodes", "nodes", "new_objects", "objects", "creates", "updates"))

profiler = cProfile.Profile() if profile_to else None
wall = time.monotonic()
started = cpu()
gc.disable()  # as push does while it plans
with Store.open_read_only(Path(store_path)) as store:
    if profiler:
        profiler.enable()
    mark = cpu()
    mapping = default_mapping()
    local = store.graph_hashes()
    stages["hashes"] += cpu() - mark
    mark = cpu()
    candidates = changed_graphs(local, {})
    check_terms(store, mapping, candidates)
    stages["terms"] += cpu() - mark
    changes = [GraphChange(iri) for iri in candidates]
    report = PushReport()
    planner = Planner(store, mapping, changes, unchanged=False, fresh=True)
    batches = stream_batches(store, local, {}, changes, batch_triples, report)
    transactions = total_rows = 0
    while True:
        mark = cpu()
        batch = next(batches, None)
        stages["read+parse"] += cpu() - mark
        if batch is None:
            break
        mark = cpu()
        plan = planner.plan(batch[0], f"token-{transactions}", transactions)
        for change in batch[0]:  # as push does once a batch is planned
            change.old = change.new = None
            change.new_content = None
        stages["plan"] += cpu() - mark
        mark = cpu()
        pack(plan)
        stages["pack"] += cpu() - mark
        total_rows += rows(plan)
        transactions += 1
        del plan
    if profiler:
        profiler.disable()
own = cpu() - started
children = resource.getrusage(resource.RUSAGE_CHILDREN)
if profiler:
    profiler.dump_stats(profile_to)
result = {
    "load": os.getloadavg()[0],
    "wall_s": time.monotonic() - wall,
    "stages_cpu_s": stages,
    "process_cpu_s": own,
    "reader_cpu_s": children.ru_utime + children.ru_stime,
    "transactions": transactions,
    "rows": total_rows,
    "packed_bytes": Sink.size,
    # Equal digests: both versions packed byte for byte the same rows.
    "packed_sha256": Sink.digest.hexdigest(),
    "triples": report.triples,
    "graphs": len(report.added),
    "package": str(Path(ceasefire_kg.__file__).resolve().parent),
}
print("RESULT " + json.dumps(result))
"""


def measure(source: str, store: Path, batch_triples: int, profile_to: Path | None) -> dict[str, Any]:
    """One measurement of the version in ``source``, in a fresh process."""
    arguments = [str(store), str(batch_triples), str(profile_to or "")]
    return run_measuring_script(_MEASURE, arguments, source, f"measuring {source}")


def _line(name: str, figures: dict[str, Any]) -> str:
    stages = "  ".join(f"{stage} {seconds:5.2f}" for stage, seconds in figures["stages_cpu_s"].items())
    return (
        f"  {name:>8}: {stages}  | process {figures['process_cpu_s']:5.2f} + reader {figures['reader_cpu_s']:5.2f}"
        f" s CPU, wall {figures['wall_s']:5.2f} s, load {figures['load']:.1f}"
    )


def main() -> int:
    """Measure every version on every store, alternating, and print the CPU per stage."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, action="append", required=True)
    parser.add_argument("--version", action="append", required=True, help="NAME=SRC (repeatable)")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--batch-triples", type=int, default=None, help="the push's default when not given")
    parser.add_argument("--profile", metavar="NAME", help="also write a cProfile of this version's first round")
    parser.add_argument("--out", type=Path, default=OUT_DIR / "push-planning.json")
    args = parser.parse_args()
    if args.batch_triples is None:
        from ceasefire_kg.defaults import DEFAULT_BATCH_TRIPLES

        args.batch_triples = DEFAULT_BATCH_TRIPLES
    versions = [tuple(v.split("=", 1)) for v in args.version]
    results: list[dict[str, Any]] = []
    for store in args.store:
        for round_number in range(1, args.rounds + 1):
            for name, source in versions:
                profile_to = None
                if args.profile == name and round_number == 1:
                    profile_to = args.out.parent / f"push-planning-{store.name}-{name}.prof"
                    profile_to.parent.mkdir(parents=True, exist_ok=True)
                figures = measure(source, store, args.batch_triples, profile_to)
                figures.update(store=store.name, round=round_number, version=name, profile=str(profile_to or ""))
                log(f"{store.name} round {round_number}\n{_line(name, figures)}")
                results.append(figures)
                write_json(args.out, {"machine": machine_info(), "results": results, "when": time.time()})
    for store in args.store:
        log(f"{store.name}: median CPU seconds over {args.rounds} round(s)")
        for name, _ in versions:
            mine = [r for r in results if r["store"] == store.name and r["version"] == name]
            medians = {stage: _median([r["stages_cpu_s"][stage] for r in mine]) for stage in mine[0]["stages_cpu_s"]}
            log(
                f"  {name:>8}: "
                + "  ".join(f"{stage} {seconds:5.2f}" for stage, seconds in medians.items())
                + f"  | process {_median([r['process_cpu_s'] for r in mine]):5.2f}"
                + f" + reader {_median([r['reader_cpu_s'] for r in mine]):5.2f}"
            )
    return 0


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


if __name__ == "__main__":
    sys.exit(main())
