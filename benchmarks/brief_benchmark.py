"""How long ``ckg brief`` takes for one negotiation's proposal on a generated corpus, and where the time goes.

    python benchmarks/brief_benchmark.py --store /tmp/store-200k --generate 200000
    python benchmarks/brief_benchmark.py --store /tmp/store-1m --generate 1000000 --proposal ID
    python benchmarks/brief_benchmark.py --store /tmp/store-1m --as-of 2024-09-28 --since 2024-09-01

The store is a folder made by ``ckg load``; with ``--generate N`` a corpus of
about N triples (``benchmarks/generate_corpus.py``, seed ``--seed``) is
generated beside it and loaded first, unless the folder already holds a store.
The brief is built as of the latest date, or as of ``--as-of`` (and with
``--since``), (``write_brief``: gathering and the HTML page with its pictures)
``--runs`` times; the median is kept. Each saved
query the brief asks and the graph reading are timed on their own through a
back end that wraps the store's, and the baseline is the cheapest useful
question of the same run: ``blocking-demands`` for the proposal alone, so the
brief is also given as a multiple of it. Target: 10 s at 1,000,000 triples.
Whether the time holds from one process to the next (the store's planner
does not always pick the same plan) is what ``brief_spread.py`` measures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from rdflib.namespace import RDFS

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))

from query_benchmark import generate_and_load  # noqa: E402

from ceasefire_kg import brief  # noqa: E402
from ceasefire_kg.api import ask  # noqa: E402
from ceasefire_kg.backends import LocalBackend  # noqa: E402
from ceasefire_kg.namespaces import CF  # noqa: E402
from ceasefire_kg.store import Store  # noqa: E402

TARGET_SECONDS = 10.0


class TimedBackend:
    """A back end that passes everything on and adds up the time each saved query and graph read takes."""

    def __init__(self, inner: LocalBackend) -> None:
        self.inner = inner
        self.name = inner.name
        self.description = inner.description
        self.seconds: dict[str, float] = defaultdict(float)

    def run(self, query: Any, parameters: Any, page: Any = None) -> Any:
        started = time.perf_counter()
        try:
            return self.inner.run(query, parameters, page)
        finally:
            self.seconds[f"query {query.name}"] += time.perf_counter() - started

    def missing_references(self, query: Any, values: Any) -> Any:
        return self.inner.missing_references(query, values)

    def triples(self, predicates: Any, on_progress: Any = None, known_by: Any = None) -> Any:
        started = time.perf_counter()
        found = list(self.inner.triples(predicates, known_by=known_by))
        self.seconds["reading triples"] += time.perf_counter() - started
        return found

    def triples_about(self, subjects: Any, predicates: Any, known_by: Any = None) -> Any:
        started = time.perf_counter()
        found = list(self.inner.triples_about(subjects, predicates, known_by=known_by))
        self.seconds["reading triples about nodes"] += time.perf_counter() - started
        return found

    def unchanging(self) -> Any:
        return self.inner.unchanging()


def busiest_proposal(backend: LocalBackend) -> str:
    """The proposal with the most positions: the hardest single-negotiation brief.

    Counted from the ``onProposal`` triples and named by the proposal's ``factId`` (read by
    look-ups, not by a saved query over the whole store: those can take minutes in some processes).
    """
    counts: dict[str, int] = defaultdict(int)
    for triple in backend.triples([str(CF.onProposal)]):
        counts[triple[2].value] += 1
    labels: dict[str, str] = {}
    ids: dict[str, str] = {}
    for subject, predicate, obj in backend.triples_about(counts, [str(RDFS.label), str(CF.factId)]):
        (labels if predicate.value == str(RDFS.label) else ids)[subject.value] = obj.value
    # The most positions, ties broken by the name, as the saved queries print it.
    chosen = max((node for node in counts if node in ids), key=lambda n: (counts[n], labels.get(n, "")))
    return ids[chosen]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--generate", type=int, metavar="TRIPLES")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--proposal", help="the proposal's id  [default: the one with the most positions]")
    parser.add_argument("--as-of", type=dt.date.fromisoformat, help="the brief's date  [default: the latest]")
    parser.add_argument(
        "--since", type=dt.date.fromisoformat, help="the start of what changed  [default: a week before]"
    )
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    if args.generate:
        generate_and_load(args.store, args.generate, args.seed)
    with Store.open_read_only(args.store) as store:
        local = LocalBackend(store)
        triples = store.count_triples()
        proposal = args.proposal or busiest_proposal(local)
        started = time.perf_counter()
        ask(local, "blocking-demands", {"proposal": proposal, **({"as_of": args.as_of} if args.as_of else {})})
        baseline = time.perf_counter() - started
        totals = []
        stages: dict[str, list[float]] = defaultdict(list)
        with tempfile.TemporaryDirectory() as folder:
            for _ in range(args.runs):
                timed = TimedBackend(local)
                started = time.perf_counter()
                made = brief.write_brief(
                    timed, Path(folder) / "brief.html", proposal=proposal, as_of=args.as_of, since=args.since
                )
                totals.append(time.perf_counter() - started)
                for stage, seconds in timed.seconds.items():
                    stages[stage].append(seconds)
                size = (Path(folder) / "brief.html").stat().st_size
    total = statistics.median(totals)
    print(f"store: {args.store} ({triples:,} triples in the union graph); proposal {proposal}")
    print(f"as of {made.as_of.isoformat()}, since {made.since.isoformat()}")
    print(
        f"brief: {len(made.blocking)} blocking demands, {len(made.history)} positions over time, "
        f"{len(made.timeline)} dated facts, {len(made.accusations)} accusations, {len(made.articles)} articles; "
        f"page {size / 1024:.0f} KiB"
    )
    print(f"| stage | median of {args.runs} |")
    print("| :--- | ---: |")
    for stage, values in sorted(stages.items(), key=lambda item: -statistics.median(item[1])):
        print(f"| {stage} | {statistics.median(values):.2f} s |")
    rest = total - sum(statistics.median(v) for v in stages.values())
    print(f"| the rest (analysis, pictures, HTML) | {rest:.2f} s |")
    print(f"| **whole brief** | **{total:.2f} s** |")
    print(f"baseline blocking-demands for the proposal: {baseline:.2f} s; brief = {total / baseline:.1f}x baseline")
    verdict = "pass" if total <= TARGET_SECONDS else "short"
    print(f"target {TARGET_SECONDS:.0f} s: {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
