"""Whether ``ckg brief`` takes the same time in every process: the brief and each question it asks, in fresh processes.

    python benchmarks/brief_spread.py --store /tmp/store-300k --processes 5 --timeout 120
    python benchmarks/brief_spread.py --store /tmp/store-1m --as-of 2024-09-28 --since 2024-09-01 --queries

The embedded store's query planner (Oxigraph) breaks ties between join orders
differently from one process to the next, so one process can answer a query
in half a second and the next one not within minutes. One process says
nothing about that; this script runs the brief (``write_brief``, as
``brief_benchmark.py`` does, for the proposal with the most positions or
``--proposal``) in ``--processes`` fresh processes one after the other, each
stopped after ``--timeout`` seconds, and reports the minimum, median and
maximum of the whole brief and of each saved query and graph read inside it.
With ``--queries``, each saved query the brief asked is then also run on its
own in that many fresh processes. A plan that goes wrong in some processes
shows as a maximum far above the median (or as processes stopped at the
timeout, counted in the table and taken as the timeout for the figures).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))

from brief_benchmark import busiest_proposal  # noqa: E402

from ceasefire_kg import brief  # noqa: E402
from ceasefire_kg.api import ask  # noqa: E402
from ceasefire_kg.backends import LocalBackend  # noqa: E402
from ceasefire_kg.store import Store  # noqa: E402

#: What a child process prints, one JSON object a line: a step started or done.
_START, _DONE = "start", "done"
_WHOLE = "whole brief"


class ReportingBackend:
    """A back end that prints each saved query and graph read as it starts and ends (the parent reads the lines)."""

    def __init__(self, inner: LocalBackend) -> None:
        self.inner = inner
        self.name = inner.name
        self.description = inner.description

    def __getattr__(self, name: str) -> Any:
        # Every other method (look-ups, sessions) is the store's own.
        return getattr(self.inner, name)

    def run(self, query: Any, parameters: Any, page: Any = None) -> Any:
        shown = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in parameters.items() if v is not None}
        with _Step(f"query {query.name}", {"query": query.name, "parameters": shown}):
            return self.inner.run(query, parameters, page)

    def missing_references(self, query: Any, values: Any) -> Any:
        return self.inner.missing_references(query, values)

    def triples(self, predicates: Any, on_progress: Any = None, known_by: Any = None) -> Any:
        with _Step("reading triples", {}):
            return list(self.inner.triples(predicates, known_by=known_by))

    def triples_about(self, subjects: Any, predicates: Any, known_by: Any = None) -> Any:
        with _Step("reading triples about nodes", {}):
            return list(self.inner.triples_about(subjects, predicates, known_by=known_by))


class _Step:
    """Prints a start line, and a done line with the seconds taken."""

    def __init__(self, name: str, extra: dict[str, Any]) -> None:
        self.name = name
        self.extra = extra

    def __enter__(self) -> None:
        self.started = time.perf_counter()
        _say({"event": _START, "step": self.name, **self.extra})

    def __exit__(self, *exc: object) -> None:
        _say({"event": _DONE, "step": self.name, "seconds": time.perf_counter() - self.started})


def _say(line: dict[str, Any]) -> None:
    print(json.dumps(line), flush=True)


def child(args: argparse.Namespace) -> int:
    """One process: the whole brief, or one saved query (``--query`` with ``--parameters``)."""
    with Store.open_read_only(args.store) as store:
        local = LocalBackend(store)
        if args.query:
            with _Step(f"query {args.query}", {}):
                ask(local, args.query, json.loads(args.parameters))
            return 0
        with tempfile.TemporaryDirectory() as folder, _Step(_WHOLE, {}):
            brief.write_brief(
                ReportingBackend(local),  # type: ignore[arg-type]
                Path(folder) / "brief.html",
                proposal=args.proposal,
                as_of=args.as_of,
                since=args.since,
            )
    return 0


def _run_child(arguments: list[str], timeout: float) -> tuple[dict[str, list[float]], str | None, list[dict[str, Any]]]:
    """Seconds per step of one child, the step it was stopped in (None if it finished), and its queries."""
    command = [sys.executable, str(Path(__file__).resolve()), "--child", *arguments]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
        output, stopped = done.stdout, None
        if done.returncode != 0:
            raise SystemExit(f"a child process failed:\n{done.stderr[-2000:]}")
    except subprocess.TimeoutExpired as expired:
        raw = expired.stdout or b""
        output = raw.decode() if isinstance(raw, bytes) else raw
        stopped = "?"
    seconds: dict[str, list[float]] = defaultdict(list)
    asked: list[dict[str, Any]] = []
    running: list[str] = []
    for line in output.splitlines():
        event = json.loads(line)
        if event["event"] == _START:
            running.append(event["step"])
            if "query" in event:
                asked.append({"query": event["query"], "parameters": event["parameters"]})
        else:
            running.remove(event["step"])
            seconds[event["step"]].append(event["seconds"])
    if stopped is not None:
        # The innermost step running when the process was stopped is the one that hung.
        stopped = running[-1] if running else "starting"
    return {step: [sum(values)] for step, values in seconds.items()}, stopped, asked


def _row(name: str, values: list[float], stopped: int, timeout: float) -> str:
    figures = sorted(values + [timeout] * stopped)
    if not figures:
        return f"| {name} | – | – | – | – | {stopped} |"
    median = statistics.median(figures)
    ratio = figures[-1] / median if median > 0 else float("inf")
    return (
        f"| {name} | {figures[0]:.2f} s | {median:.2f} s | {figures[-1]:.2f} s"
        f"{'+' if stopped else ''} | {ratio:.1f} | {stopped} |"
    )


def parent(args: argparse.Namespace) -> int:
    with Store.open_read_only(args.store) as store:
        proposal = args.proposal or busiest_proposal(LocalBackend(store))
    dates = [*(["--as-of", args.as_of.isoformat()] if args.as_of else [])]
    dates += ["--since", args.since.isoformat()] if args.since else []
    common = ["--store", str(args.store)]
    per_step: dict[str, list[float]] = defaultdict(list)
    stopped_in: dict[str, int] = defaultdict(int)
    asked: dict[str, dict[str, Any]] = {}
    started = time.time()
    for number in range(args.processes):
        seconds, stopped, queries = _run_child([*common, "--proposal", proposal, *dates], args.timeout)
        for step, values in seconds.items():
            per_step[step].extend(values)
        if stopped is not None:
            stopped_in[stopped] += 1
            stopped_in[_WHOLE] += 1
        for item in queries:
            asked.setdefault(json.dumps(item, sort_keys=True), item)
        whole = f"{seconds[_WHOLE][0]:.2f} s" if _WHOLE in seconds else f"stopped in {stopped}"
        print(f"process {number + 1}: {whole}", file=sys.stderr, flush=True)
    print(f"store {args.store}; proposal {proposal}; {' '.join(dates) or 'as of the latest date'}")
    print(f"{args.processes} processes, each stopped after {args.timeout:.0f} s; load average {_load()}")
    print("\n| the brief, in fresh processes | min | median | max | max/median | stopped |")
    print("| :--- | ---: | ---: | ---: | ---: | ---: |")
    steps = sorted(set(per_step) | set(stopped_in), key=lambda s: (s != _WHOLE, s))
    for step in steps:
        print(_row(step, per_step.get(step, []), stopped_in.get(step, 0), args.timeout))
    if args.queries:
        print("\n| each question alone, in fresh processes | min | median | max | max/median | stopped |")
        print("| :--- | ---: | ---: | ---: | ---: | ---: |")
        for item in sorted(asked.values(), key=lambda i: (i["query"], json.dumps(i["parameters"]))):
            values: list[float] = []
            stopped_count = 0
            for _ in range(args.processes):
                seconds, stopped, _queries = _run_child(
                    [*common, "--query", item["query"], "--parameters", json.dumps(item["parameters"])],
                    args.timeout,
                )
                if stopped is not None:
                    stopped_count += 1
                else:
                    values.extend(seconds[f"query {item['query']}"])
            # Ids rather than whole IRIs, so that the table stays readable.
            shown = " ".join(f"{k}={str(v).rsplit('/', 1)[-1]}" for k, v in item["parameters"].items())
            print(_row(f"{item['query']} {shown}".strip(), values, stopped_count, args.timeout), flush=True)
    print(f"\n{time.time() - started:.0f} s in all; load average at the end {_load()}")
    return 0


def _load() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--proposal", help="the proposal's id  [default: the one with the most positions]")
    parser.add_argument("--as-of", type=dt.date.fromisoformat, help="the brief's date  [default: the latest]")
    parser.add_argument("--since", type=dt.date.fromisoformat, help="the start of what changed")
    parser.add_argument("--processes", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds before a process is stopped")
    parser.add_argument("--queries", action="store_true", help="also run each saved query alone")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--query", help=argparse.SUPPRESS)
    parser.add_argument("--parameters", default="{}", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    return child(args) if args.child else parent(args)


if __name__ == "__main__":
    raise SystemExit(main())
