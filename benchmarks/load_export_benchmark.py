"""Benchmark `ckg load` (fact files -> embedded store) and the Turtle / N-Triples export.

For each size (default 10k, 100k and 1M triples) the script

1. generates a corpus with ``generate_corpus.py`` (seeded, so every run loads
   the same files);
2. runs ``ckg load CORPUS --store NEW_STORE`` in a child process and measures
   its wall time, triples/s and its own peak RSS (``wait4``), plus the time of
   each stage from the progress lines ``ckg`` writes to stderr (reading and
   checking files, building RDF, SHACL shapes, writing);
3. optionally (``--stages``) repeats the load in a child that wraps the
   library's stage functions with timers (wall and process CPU time), for a finer split (YAML, JSON
   Schema, quotes, RDF terms, N-Triples lines, shape checks in Oxigraph,
   bulk load or update with graph hashes, count); ``--skip-shacl`` there
   measures everything but the shape checks;
4. exports the stored graph with ``Store.export`` (what ``ckg export`` runs)
   as Turtle and N-Triples in one child, and in another child parses that
   N-Triples file into an rdflib ``Graph`` and times rdflib's own Turtle and
   N-Triples serializers on it; the two Turtle outputs are parsed back and
   compared, so both sides wrote the same triples;
5. optionally (``--profile``) runs the load once more under cProfile and
   summarises where the time went;
6. optionally (``--baseline REV``) loads and exports with the library of an
   earlier git revision as well, in the same run, so that the two can be
   compared under the same conditions (CPU time ratio, byte-identical export).

Results go to ``benchmarks/out/load_export.json`` (with the machine and
versions) and to the marked section of ``docs/benchmarks.md``. The targets
are printed as pass / short:

* load 1M triples in under 60 s with under 2 GB peak RSS;
* Turtle export at least 5x faster than rdflib's serializer on the same graph.

Triples are counted as ``ckg load`` reports them: the sum over the named
graphs of the articles and registries it writes (what the store holds as
quads). The export writes the union graph, each distinct triple once, so it
writes fewer triples than the load; export rates use the exported count.

Run:  python benchmarks/load_export_benchmark.py [--sizes 10000,100000,1000000]
      [--seed 1] [--stages] [--profile] [--baseline REV] [--timeout 900]
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    DOC,
    OUT_DIR,
    ChildResult,
    current_rss_bytes,
    describe_machine,
    fmt_bytes,
    fmt_rate,
    fmt_seconds,
    machine_info,
    markdown_table,
    replace_marked_section,
    run_child,
    self_peak_rss_bytes,
    write_json,
)
from generate_corpus import generate_corpus

SCRIPT = Path(__file__).resolve()
REPO = SCRIPT.parents[1]
#: Progress lines of `ckg load` that start each stage.
LOAD_STAGES = ("Reading and checking files", "Building RDF", "Checking SHACL shapes", "Writing")

TARGET_LOAD_TRIPLES = 1_000_000
TARGET_LOAD_SECONDS = 60.0
TARGET_LOAD_RSS = 2 * 10**9  # 2 GB
TARGET_TURTLE_RATIO = 5.0


def ckg_command() -> list[str]:
    """The ``ckg`` console script of the interpreter running this script."""
    script = Path(sys.executable).with_name("ckg")
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-c", "from ceasefire_kg.cli import main; main()"]


# --- baseline: the library at an earlier commit, measured in the same run ---------------------


def prepare_baseline(revision: str, work: Path) -> Path:
    """Lay out the library of ``revision`` as an importable ``ceasefire_kg`` package; return its sys.path entry.

    setup.cfg maps ``kg/`` to ``ceasefire_kg`` and ``loaders/``, ``schema/``, ``queries/`` to its
    subpackages; the same layout in a folder put first on PYTHONPATH runs that code instead of
    the installed (editable) one, with the same interpreter and packages.
    """
    root = work / f"baseline-{revision}"
    package = root / "ceasefire_kg"
    if package.is_dir():
        return root
    source = work / f"baseline-{revision}-source"
    source.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", revision, "kg", "loaders", "schema", "queries"],
        check=True,
        capture_output=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(source)], input=archive, check=True)
    root.mkdir(parents=True, exist_ok=True)
    shutil.move(str(source / "kg"), str(package))
    for sub in ("loaders", "schema", "queries"):
        shutil.move(str(source / sub), str(package / sub))
    shutil.rmtree(source, ignore_errors=True)
    check = subprocess.run(
        [sys.executable, "-c", "import ceasefire_kg.store as m; print(m.__file__)"],
        env=baseline_env(root),
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    if not check.startswith(str(root)):
        raise SystemExit(f"the baseline package is not the one imported ({check})")
    return root


def baseline_env(root: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(root)}


# --- load ------------------------------------------------------------------------------------


def _parse_load_output(stdout: str) -> dict[str, int | None]:
    loaded = re.search(r"Loaded (\d+) articles? and (\d+) registr(?:y|ies) \((\d+) triples\)", stdout)
    total = re.search(r"now holds (\d+) triples", stdout)
    return {
        "articles": int(loaded.group(1)) if loaded else None,
        "registries": int(loaded.group(2)) if loaded else None,
        "triples": int(loaded.group(3)) if loaded else None,
        "store_triples": int(total.group(1)) if total else None,
    }


def bench_load(corpus: Path, store: Path, timeout: float, baseline: Path | None = None) -> dict[str, Any]:
    """One `ckg load` into a new store, in a child process (with the baseline's library if given)."""
    if store.exists():
        shutil.rmtree(store)
    load_before = os.getloadavg()[0]
    if baseline is None:
        child = run_child([*ckg_command(), "load", str(corpus), "--store", str(store)], timeout=timeout)
    else:
        command = [
            sys.executable,
            "-c",
            "from ceasefire_kg.cli import main; main()",
            "load",
            str(corpus),
            "--store",
            str(store),
        ]
        child = run_child(command, timeout=timeout, env=baseline_env(baseline))
    result = _child_summary(child)
    # Other work on the machine stretches wall time but hardly CPU time: keep both, and the load average.
    result["load_average_1min"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    result.update(_parse_load_output(child.stdout))
    result["stages"] = child.stages(LOAD_STAGES)
    if child.returncode != 0:
        result["error"] = "timed out" if child.timed_out else child.stderr[-2000:]
    return result


def _child_summary(child: ChildResult) -> dict[str, Any]:
    return {
        "returncode": child.returncode,
        "timed_out": child.timed_out,
        "seconds": round(child.seconds, 3),
        "peak_rss_bytes": child.peak_rss_bytes,
        "user_seconds": round(child.user_seconds, 2),
        "system_seconds": round(child.system_seconds, 2),
    }


# --- load, stage by stage (child worker) -------------------------------------------------------


def stage_worker(corpus: Path, store: Path, skip_shacl: bool) -> dict[str, Any]:
    """Run the library's load with timers around each stage function; print JSON."""
    from ceasefire_kg import store as store_module
    from ceasefire_kg.loaders import checks, load
    from ceasefire_kg.store import Store

    times: dict[str, float] = {}
    # CPU time of the whole process (Oxigraph's loader threads included): what other work on the machine
    # hardly stretches, unlike the wall time.
    cpu: dict[str, float] = {}
    rss: dict[str, int | None] = {}

    def wrap(owner: Any, name: str, label: str, replacement: Any = None) -> None:
        original = getattr(owner, name, None)
        if original is None:
            times[label] = float("nan")  # the library changed; that stage is not split out
            return

        def timed(*args: Any, **kwargs: Any) -> Any:
            started, started_cpu = time.perf_counter(), time.process_time()
            try:
                return (replacement or original)(*args, **kwargs)
            finally:
                times[label] = times.get(label, 0.0) + time.perf_counter() - started
                cpu[label] = cpu.get(label, 0.0) + time.process_time() - started_cpu
                rss[label] = current_rss_bytes()

        setattr(owner, name, timed)

    wrap(checks, "read_sources", "yaml: read and parse files")
    # The JSON Schema check has been ``_structure_ok`` and then ``_structure_errors``: time whichever exists.
    schema_check = "_structure_errors" if hasattr(checks._Checker, "_structure_errors") else "_structure_ok"
    wrap(checks._Checker, schema_check, "checks: JSON Schema")
    wrap(checks._Checker, "_check_quotes", "checks: quotes in texts")
    wrap(load, "check_paths", "checks: total (incl. YAML)")
    wrap(load, "corpus_graphs", "rdf: build article graphs")
    # The loader's own names (imported into loaders/load.py) and the store's are wrapped apart.
    wrap(load, "ntriples_bytes", "shacl: N-Triples lines")
    wrap(
        load,
        "ntriples_violations",
        "shacl: Oxigraph in-memory load + SPARQL checks",
        (lambda data: []) if skip_shacl else None,
    )
    wrap(load, "_shape_problems", "shacl: total")
    wrap(store_module, "ntriples_lines", "write: N-Triples lines")
    wrap(Store, "_bulk_write", "write: N-Quads file, bulk load, hashes")
    wrap(Store, "_update", "write: Oxigraph SPARQL update")
    wrap(Store, "_record_hashes", "write: record graph hashes")
    wrap(Store, "create", "write: total (new store)")
    wrap(Store, "replace_graphs", "write: total (transaction)")
    wrap(Store, "count_triples", "count: store.count_triples")
    started, started_cpu = time.perf_counter(), time.process_time()
    report, total = load.load_into_folder(store, [corpus])
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - started_cpu

    def get(label: str, source: dict[str, float] = times) -> float:
        value = source.get(label, 0.0)
        return 0.0 if value != value else value  # NaN: a stage this version of the library lacks

    def derived(source: dict[str, float]) -> dict[str, float]:
        write_total = get("write: total (new store)", source) + get("write: total (transaction)", source)
        return {
            "checks: references, ids, dates (rest)": get("checks: total (incl. YAML)", source)
            - get("yaml: read and parse files", source)
            - get("checks: JSON Schema", source)
            - get("checks: quotes in texts", source),
            "shacl: rest": get("shacl: total", source)
            - get("shacl: N-Triples lines", source)
            - get("shacl: Oxigraph in-memory load + SPARQL checks", source),
            # The store's N-Triples lines are made inside both write paths.
            "write: bulk load or update, hashes (without N-Triples lines)": write_total
            - get("write: N-Triples lines", source),
        }

    write_total = get("write: total (new store)") + get("write: total (transaction)")
    accounted = (
        get("checks: total (incl. YAML)")
        + get("rdf: build article graphs")
        + get("shacl: total")
        + write_total
        + get("count: store.count_triples")
    )
    return {
        "seconds": round(seconds, 3),
        "triples": report.triples,
        "store_triples": total,
        "skip_shacl": skip_shacl,
        "cpu_seconds": round(cpu_seconds, 3),
        "times": {k: round(v, 3) for k, v in {**times, **derived(times)}.items()},
        "cpu_times": {k: round(v, 3) for k, v in {**cpu, **derived(cpu)}.items()},
        "unaccounted_seconds": round(seconds - accounted, 3),
        "rss_after": rss,
        "peak_rss_bytes": self_peak_rss_bytes(),
    }


def bench_stages(corpus: Path, store: Path, timeout: float, skip_shacl: bool) -> dict[str, Any]:
    if store.exists():
        shutil.rmtree(store)
    command = [sys.executable, str(SCRIPT), "--stage-worker", str(corpus), str(store)]
    if skip_shacl:
        command.append("--skip-shacl")
    child = run_child(command, timeout=timeout)
    result = _child_summary(child)
    if child.returncode == 0:
        result.update(json.loads(child.stdout))
        result["peak_rss_bytes"] = child.peak_rss_bytes
    else:
        result["error"] = "timed out" if child.timed_out else child.stderr[-2000:]
    return result


# --- profile ------------------------------------------------------------------------------------

#: (label, file suffix, function) of the calls the profile summary reports, cumulative.
PROFILE_FUNCTIONS = (
    ("yaml: PyYAML compose (pure-Python parser)", "yaml/composer.py", "get_single_node"),
    ("yaml: nodes to data, with line map", "loaders/reader.py", "convert"),
    ("yaml: read_sources total", "loaders/reader.py", "read_sources"),
    ("checks: JSON Schema", "loaders/checks.py", "_structure_ok"),
    ("checks: JSON Schema", "loaders/checks.py", "_structure_errors"),
    ("checks: per-article checks", "loaders/checks.py", "_check_article"),
    ("checks: check_paths total", "loaders/checks.py", "check_paths"),
    ("rdf: corpus_graphs", "loaders/rdf.py", "corpus_graphs"),
    ("N-Triples lines (write)", "kg/store.py", "ntriples_lines"),
    ("N-Triples text (shape checks)", "kg/store.py", "ntriples_bytes"),
    ("shacl: SPARQL checks in Oxigraph", "kg/shacl_sparql.py", "run_checks"),
    ("shacl: _shape_problems total", "loaders/load.py", "_shape_problems"),
    ("write: bulk load into a new store", "kg/store.py", "_bulk_write"),
    ("write: Oxigraph update", "kg/store.py", "_update"),
    ("write: replace_graphs total", "kg/store.py", "replace_graphs"),
    ("count: count_triples", "kg/store.py", "count_triples"),
)


def profile_worker(corpus: Path, store: Path, output: Path) -> None:
    from ceasefire_kg.loaders.load import load_into_folder

    profiler = cProfile.Profile()
    profiler.enable()
    load_into_folder(store, [corpus])
    profiler.disable()
    profiler.dump_stats(str(output))


def summarise_profile(path: Path, top: int = 25) -> dict[str, Any]:
    stats = pstats.Stats(str(path))
    table: dict[tuple[str, int, str], Any] = stats.stats  # type: ignore[attr-defined]
    total = max(entry[3] for entry in table.values())
    named: dict[str, float] = {}
    for label, suffix, function in PROFILE_FUNCTIONS:
        cumulative = [
            entry[3] for (file, _, name), entry in table.items() if name == function and file.endswith(suffix)
        ]
        if cumulative:
            named[label] = max(named.get(label, 0.0), round(max(cumulative), 3))
    own = sorted(
        (
            (entry[2], f"{Path(file).parent.name}/{Path(file).name}:{line}({name})", entry[1])
            for (file, line, name), entry in table.items()
        ),
        reverse=True,
    )[:top]
    return {
        "total_seconds": round(total, 3),
        "cumulative": named,
        "top_own_time": [{"function": where, "own_seconds": round(t, 3), "calls": calls} for t, where, calls in own],
    }


def bench_profile(corpus: Path, store: Path, output: Path, timeout: float) -> dict[str, Any]:
    if store.exists():
        shutil.rmtree(store)
    child = run_child(
        [sys.executable, str(SCRIPT), "--profile-worker", str(corpus), str(store), str(output)], timeout=timeout
    )
    result = _child_summary(child)
    if child.returncode == 0:
        result.update(summarise_profile(output))
        result["profile_file"] = str(output)
    else:
        result["error"] = "timed out" if child.timed_out else child.stderr[-2000:]
    return result


# --- export --------------------------------------------------------------------------------------


def export_ckg_worker(store: Path, folder: Path) -> dict[str, Any]:
    from ceasefire_kg.store import Store

    results: dict[str, Any] = {}
    with Store.open_read_only(store) as opened:
        for format_name, suffix in (("turtle", "ttl"), ("ntriples", "nt")):
            path = folder / f"ckg.{suffix}"
            started = time.perf_counter()
            with path.open("wb") as output:
                count = opened.export(output, format_name)
            results[format_name] = {
                "seconds": round(time.perf_counter() - started, 3),
                "triples": count,
                "bytes": path.stat().st_size,
                "file": str(path),
            }
    results["peak_rss_bytes"] = self_peak_rss_bytes()
    return results


def export_rdflib_worker(ntriples: Path, folder: Path, compare_with: Path | None) -> dict[str, Any]:
    import rdflib

    results: dict[str, Any] = {}
    graph = rdflib.Graph()
    started = time.perf_counter()
    graph.parse(str(ntriples), format="nt")
    results["parse_seconds"] = round(time.perf_counter() - started, 3)
    results["triples"] = len(graph)
    for format_name, rdflib_format, suffix in (("turtle", "turtle", "ttl"), ("ntriples", "nt", "nt")):
        path = folder / f"rdflib.{suffix}"
        started = time.perf_counter()
        graph.serialize(destination=str(path), format=rdflib_format, encoding="utf-8")
        results[format_name] = {
            "seconds": round(time.perf_counter() - started, 3),
            "triples": len(graph),
            "bytes": path.stat().st_size,
            "file": str(path),
        }
    results["peak_rss_bytes"] = self_peak_rss_bytes()
    del graph
    if compare_with is not None:
        # Same triples on both sides? Parse both Turtle files (with Oxigraph, quickly) and compare.
        import pyoxigraph as ox

        def triples(path: Path) -> set[Any]:
            with path.open("rb") as stream:
                return set(ox.parse(stream, format=ox.RdfFormat.TURTLE))

        ours, theirs = triples(compare_with), triples(folder / "rdflib.ttl")
        results["same_triples_in_both_turtle_files"] = ours == theirs
    return results


def bench_export(store: Path, folder: Path, timeout: float, baseline: Path | None = None) -> dict[str, Any]:
    folder.mkdir(parents=True, exist_ok=True)
    child = run_child([sys.executable, str(SCRIPT), "--export-ckg-worker", str(store), str(folder)], timeout=timeout)
    result: dict[str, Any] = {"ckg": _child_summary(child)}
    if child.returncode != 0:
        result["ckg"]["error"] = "timed out" if child.timed_out else child.stderr[-2000:]
        return result
    result["ckg"].update(json.loads(child.stdout))
    result["ckg"]["peak_rss_bytes"] = child.peak_rss_bytes
    child = run_child(
        [
            sys.executable,
            str(SCRIPT),
            "--export-rdflib-worker",
            result["ckg"]["ntriples"]["file"],
            str(folder),
            result["ckg"]["turtle"]["file"],
        ],
        timeout=timeout,
    )
    result["rdflib"] = _child_summary(child)
    if child.returncode != 0:
        result["rdflib"]["error"] = "timed out" if child.timed_out else child.stderr[-2000:]
        return result
    result["rdflib"].update(json.loads(child.stdout))
    result["rdflib"]["peak_rss_bytes"] = child.peak_rss_bytes
    for format_name in ("turtle", "ntriples"):
        result[f"{format_name}_speedup_vs_rdflib"] = round(
            result["rdflib"][format_name]["seconds"] / result["ckg"][format_name]["seconds"], 2
        )
    if baseline is not None:
        # The same store exported by the baseline's Store.export; its files must be byte-identical.
        base_folder = folder / "baseline"
        base_folder.mkdir(exist_ok=True)
        child = run_child(
            [sys.executable, str(SCRIPT), "--export-ckg-worker", str(store), str(base_folder)],
            timeout=timeout,
            env=baseline_env(baseline),
        )
        result["baseline"] = _child_summary(child)
        if child.returncode == 0:
            result["baseline"].update(json.loads(child.stdout))
            for format_name in ("turtle", "ntriples"):
                ours, theirs = result["ckg"][format_name], result["baseline"][format_name]
                theirs["identical_bytes"] = Path(ours["file"]).read_bytes() == Path(theirs["file"]).read_bytes()
                theirs["speedup_vs_rdflib"] = round(result["rdflib"][format_name]["seconds"] / theirs["seconds"], 2)
        else:
            result["baseline"]["error"] = "timed out" if child.timed_out else child.stderr[-2000:]
    return result


# --- the run -----------------------------------------------------------------------------------------


def run_size(size: int, args: argparse.Namespace, work: Path) -> dict[str, Any]:
    entry: dict[str, Any] = {"target_triples": size, "seed": args.seed}
    corpus_dir = work / f"corpus-{size}-seed{args.seed}"
    print(f"\n== {size:,} triples: generating corpus in {corpus_dir}", flush=True)
    corpus = generate_corpus(corpus_dir, target_triples=size, seed=args.seed)
    entry["corpus"] = {
        "articles": corpus.articles,
        "negotiations": len(corpus.negotiations),
        "facts": corpus.facts,
        "estimated_triples": corpus.estimated_triples,
        "bytes": corpus.bytes,
        "generate_seconds": round(corpus.seconds, 3),
    }
    print(
        f"   {corpus.articles} articles, {corpus.facts} facts, {corpus.estimated_triples:,} triples, "
        f"{corpus.bytes / 1e6:.1f} MB, generated in {corpus.seconds:.1f} s",
        flush=True,
    )
    store = work / f"store-{size}"
    repeats = args.repeat if size <= 200_000 else 1
    loads = []
    for attempt in range(repeats):
        result = bench_load(corpus_dir, store, args.timeout)
        loads.append(result)
        stages = ", ".join(f"{s['stage'].split()[0].lower()} {s['seconds']:.1f}s" for s in result["stages"])
        state = "ok" if result["returncode"] == 0 else f"FAILED ({result.get('error', '')[:200]})"
        print(
            f"   load #{attempt + 1}: {fmt_seconds(result['seconds'])} (CPU {result['user_seconds'] + result['system_seconds']:.1f} s, "
            f"load average {result['load_average_1min']}), peak RSS {fmt_bytes(result['peak_rss_bytes'])}; "
            f"{stages}; {state}",
            flush=True,
        )
        if result["returncode"] != 0:
            break
    entry["loads"] = loads
    entry["load"] = _median_load(loads)
    baseline = (
        args.baseline_package if args.baseline and (args.baseline_max is None or size <= args.baseline_max) else None
    )
    if baseline is not None:
        base_store = work / f"store-{size}-baseline"
        base_loads = []
        for attempt in range(repeats):
            result = bench_load(corpus_dir, base_store, args.timeout, baseline)
            base_loads.append(result)
            print(
                f"   baseline {args.baseline} load #{attempt + 1}: {fmt_seconds(result['seconds'])} "
                f"(CPU {result['user_seconds'] + result['system_seconds']:.1f} s), "
                f"peak RSS {fmt_bytes(result['peak_rss_bytes'])}; "
                f"{'ok' if result['returncode'] == 0 else 'FAILED ' + result.get('error', '')[:200]}",
                flush=True,
            )
            if result["returncode"] != 0:
                break
        shutil.rmtree(base_store, ignore_errors=True)
        entry["baseline_revision"] = args.baseline
        entry["baseline_loads"] = base_loads
        entry["baseline_load"] = _median_load(base_loads)
    if entry["load"] is None:
        del entry["load"]
    if args.stages:
        skip = args.skip_shacl_from is not None and size >= args.skip_shacl_from
        result = bench_stages(corpus_dir, work / f"store-{size}-stages", args.timeout, skip)
        entry["stage_split"] = result
        if result["returncode"] == 0:
            print(
                f"   stage split{' (pySHACL skipped)' if skip else ''}: "
                + ", ".join(f"{k} {v:.1f}s" for k, v in result["times"].items() if v == v),
                flush=True,
            )
            print(
                "   stage split, CPU: "
                + ", ".join(f"{k} {v:.1f}s" for k, v in result.get("cpu_times", {}).items() if v == v),
                flush=True,
            )
        else:
            print(f"   stage split FAILED: {result.get('error', '')[:300]}", flush=True)
        shutil.rmtree(work / f"store-{size}-stages", ignore_errors=True)
    if args.profile and (args.profile_max is None or size <= args.profile_max):
        output = OUT_DIR / f"load-{size}.prof"
        output.parent.mkdir(parents=True, exist_ok=True)
        result = bench_profile(corpus_dir, work / f"store-{size}-profile", output, args.timeout)
        entry["profile"] = result
        print(f"   profile: {result.get('cumulative') or result.get('error', '')}", flush=True)
        shutil.rmtree(work / f"store-{size}-profile", ignore_errors=True)
    if "load" in entry and not args.no_export:
        result = bench_export(store, work / f"export-{size}", args.timeout, baseline)
        entry["export"] = result
        if "turtle_speedup_vs_rdflib" in result:
            for format_name in ("turtle", "ntriples"):
                ours, theirs = result["ckg"][format_name], result["rdflib"][format_name]
                base = result.get("baseline", {}).get(format_name, {})
                print(
                    f"   export {format_name}: ckg {fmt_seconds(ours['seconds'])} "
                    f"({fmt_rate(ours['triples'], ours['seconds'])}), rdflib {fmt_seconds(theirs['seconds'])} "
                    f"({fmt_rate(theirs['triples'], theirs['seconds'])}): "
                    f"{result[f'{format_name}_speedup_vs_rdflib']}x; baseline {fmt_seconds(base.get('seconds'))}, "
                    f"identical bytes {base.get('identical_bytes')}: {base.get('speedup_vs_rdflib')}x",
                    flush=True,
                )
            print(f"   same triples in both Turtle files: {result['rdflib'].get('same_triples_in_both_turtle_files')}")
        else:
            print(f"   export FAILED: {result}", flush=True)
        shutil.rmtree(work / f"export-{size}", ignore_errors=True)
    if not args.keep:
        shutil.rmtree(store, ignore_errors=True)
        shutil.rmtree(corpus_dir, ignore_errors=True)
    return entry


def _median_load(loads: list[dict[str, Any]]) -> dict[str, Any] | None:
    good = [load for load in loads if load["returncode"] == 0]
    if not good:
        return None
    median = statistics.median(load["seconds"] for load in good)
    best = min(good, key=lambda load: abs(load["seconds"] - median))
    return {
        "seconds": best["seconds"],
        "triples": best["triples"],
        "store_triples": best["store_triples"],
        "triples_per_second": round(best["triples"] / best["seconds"]),
        "cpu_seconds": round(best["user_seconds"] + best["system_seconds"], 2),
        "load_average_1min": best["load_average_1min"],
        "peak_rss_bytes": max(load["peak_rss_bytes"] for load in good),
        "runs": len(good),
        "stages": best["stages"],
    }


def verdicts(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each target: pass / short / not measured, with the figures."""
    out = []
    big = [r for r in results if r["target_triples"] >= TARGET_LOAD_TRIPLES]
    if big:
        r = big[-1]
        load = r.get("load")
        if load:
            ok_time = load["seconds"] < TARGET_LOAD_SECONDS
            ok_rss = load["peak_rss_bytes"] < TARGET_LOAD_RSS
            out.append(
                {
                    "target": "load 1M triples < 60 s",
                    "verdict": "pass" if ok_time else "short",
                    "measured": f"{load['seconds']:.1f} s for {load['triples']:,} triples",
                }
            )
            out.append(
                {
                    "target": "load 1M triples < 2 GB peak RSS",
                    "verdict": "pass" if ok_rss else "short",
                    "measured": fmt_bytes(load["peak_rss_bytes"]),
                }
            )
        else:
            failed = r["loads"][-1] if r.get("loads") else {}
            measured = f"did not finish ({failed.get('error', 'not run')[:60]}) after {failed.get('seconds', 0):.0f} s"
            out.append({"target": "load 1M triples < 60 s", "verdict": "short", "measured": measured})
            out.append(
                {
                    "target": "load 1M triples < 2 GB peak RSS",
                    "verdict": "short" if failed.get("peak_rss_bytes", 0) >= TARGET_LOAD_RSS else "not measured",
                    "measured": f"{fmt_bytes(failed.get('peak_rss_bytes'))} when stopped",
                }
            )
    else:
        out.append({"target": "load 1M triples", "verdict": "not measured", "measured": "no size >= 1M run"})
    for r in results:
        ratio = r.get("export", {}).get("turtle_speedup_vs_rdflib")
        if ratio is not None:
            out.append(
                {
                    "target": f"Turtle export >= 5x rdflib ({r['target_triples']:,})",
                    "verdict": "pass" if ratio >= TARGET_TURTLE_RATIO else "short",
                    "measured": f"{ratio}x",
                }
            )
    return out


#: Columns of the stage-split table: (header, labels summed from the stage worker's times).
SPLIT_COLUMNS = (
    ("YAML", ("yaml: read and parse files",)),
    ("JSON Schema", ("checks: JSON Schema",)),
    ("other checks", ("checks: quotes in texts", "checks: references, ids, dates (rest)")),
    ("RDF terms", ("rdf: build article graphs",)),
    ("N-Triples lines (SHACL, write)", ("shacl: N-Triples lines", "write: N-Triples lines")),
    ("SHACL (Oxigraph)", ("shacl: Oxigraph in-memory load + SPARQL checks", "shacl: rest")),
    ("write: bulk load or update, hashes", ("write: bulk load or update, hashes (without N-Triples lines)",)),
    ("count", ("count: store.count_triples",)),
)


def _baseline_cell(export: dict[str, Any], format_name: str) -> str:
    base = export.get("baseline", {}).get(format_name)
    if not base:
        return "–"
    same = "" if base["identical_bytes"] else " (NOT identical)"
    return f"{fmt_seconds(base['seconds'])}: {base['speedup_vs_rdflib']}×{same}"


def markdown(run: dict[str, Any]) -> str:
    load_rows, split_rows, export_rows = [], [], []
    for r in run["results"]:
        size = f"{r['target_triples']:,}"
        load = r.get("load")
        if load:
            base = r.get("baseline_load")
            for code, one in (("this", load), (f"baseline {r.get('baseline_revision', '')}".strip(), base)):
                if not one:
                    continue
                ratio = (
                    f"{one['cpu_seconds'] / load['cpu_seconds']:.1f}×"
                    if base and one is base
                    else ("1×" if base else "–")
                )
                load_rows.append(
                    [
                        size,
                        code,
                        r["corpus"]["articles"],
                        f"{r['corpus']['bytes'] / 1e6:.1f} MB",
                        f"{one['triples']:,}",
                        fmt_seconds(one["seconds"]),
                        fmt_seconds(one["cpu_seconds"]),
                        ratio,
                        fmt_rate(one["triples"], one["seconds"]),
                        fmt_bytes(one["peak_rss_bytes"]),
                        " → ".join(str(x) for x in one["load_average_1min"]),
                    ]
                )
        elif r.get("loads"):
            failed = r["loads"][-1]
            load_rows.append(
                [
                    size,
                    "this",
                    r["corpus"]["articles"],
                    f"{r['corpus']['bytes'] / 1e6:.1f} MB",
                    f"{r['corpus']['estimated_triples']:,}",
                    f"stopped after {failed['seconds']:.0f} s",
                    "–",
                    "–",
                    "–",
                    f"≥ {fmt_bytes(failed['peak_rss_bytes'])}",
                    "–",
                ]
            )
        split = r.get("stage_split", {})
        if split.get("times"):
            times = split["times"]
            cells = [fmt_seconds(sum(times.get(label, 0.0) for label in labels)) for _, labels in SPLIT_COLUMNS]
            split_rows.append(
                [
                    size,
                    fmt_seconds(split["seconds"]),
                    *cells,
                    fmt_seconds(split.get("unaccounted_seconds")),
                    fmt_bytes(split.get("peak_rss_bytes")),
                    split.get("run_started", run["started"]),
                ]
            )
        export = r.get("export", {})
        ckg, lib = export.get("ckg", {}), export.get("rdflib", {})
        if "turtle_speedup_vs_rdflib" in export:
            export_rows.append(
                [
                    size,
                    f"{ckg['turtle']['triples']:,}",
                    f"{fmt_seconds(ckg['turtle']['seconds'])} ({fmt_rate(ckg['turtle']['triples'], ckg['turtle']['seconds'])})",
                    f"{fmt_seconds(lib['turtle']['seconds'])} ({fmt_rate(lib['turtle']['triples'], lib['turtle']['seconds'])})",
                    f"**{export['turtle_speedup_vs_rdflib']}×**",
                    _baseline_cell(export, "turtle"),
                    f"{fmt_seconds(ckg['ntriples']['seconds'])} ({fmt_rate(ckg['ntriples']['triples'], ckg['ntriples']['seconds'])})",
                    f"{fmt_seconds(lib['ntriples']['seconds'])} ({fmt_rate(lib['ntriples']['triples'], lib['ntriples']['seconds'])})",
                    f"{export['ntriples_speedup_vs_rdflib']}×",
                    _baseline_cell(export, "ntriples"),
                    "yes" if lib.get("same_triples_in_both_turtle_files") else "NO",
                ]
            )

    def provenance(one: dict[str, Any]) -> str:
        git = one["machine"]["git"]
        sizes = ", ".join(f"{r['target_triples']:,}" for r in one["results"])
        return (
            f"{sizes}: run {one['started']}, seed {one['seed']}, commit {str(git.get('commit'))[:10]}"
            f"{' + local changes' if git.get('dirty') else ''}, source digest {git.get('source_digest')}"
        )

    parts = [
        "Runs: " + "; ".join(provenance(one) for one in run.get("runs", [run])) + ".",
        f"Machine: {describe_machine(run['machine'])}.",
        "",
        "**Load** (`ckg load CORPUS --store NEW` in a child process; triples as `ckg load` reports them; "
        "peak RSS of that process; \"CPU ratio\": the baseline commit's CPU time over this version's, same run; "
        "load average before → after):",
        "",
        markdown_table(
            [
                "size",
                "code",
                "articles",
                "files",
                "triples",
                "wall",
                "CPU",
                "CPU ratio",
                "triples/s",
                "peak RSS",
                "load avg",
            ],
            load_rows,
            "ll" + "r" * 9,
        ),
    ]
    if split_rows:
        parts += [
            "",
            "**Where the load's time goes** (same load, library stage functions timed in-process; "
            '"rest" = stage total minus the parts named):',
            "",
            markdown_table(
                ["size", "total", *(name for name, _ in SPLIT_COLUMNS), "rest", "peak RSS", "run"],
                split_rows,
                "l" + "r" * (len(SPLIT_COLUMNS) + 3) + "l",
            ),
        ]
    if export_rows:
        parts += [
            "",
            "**Export** of the stored graph (`Store.export`, what `ckg export` runs) against rdflib's serializer "
            "on the same triples (parsed into an rdflib `Graph` beforehand, parse not timed), same run:",
            "",
            markdown_table(
                [
                    "size",
                    "triples",
                    "Turtle ckg",
                    "Turtle rdflib",
                    "ratio",
                    "baseline ckg: ratio",
                    "N-Triples ckg",
                    "N-Triples rdflib",
                    "ratio",
                    "baseline ckg: ratio",
                    "same triples",
                ],
                export_rows,
            ),
            "",
            '"Baseline ckg": `Store.export` of the baseline commit on the same store, same run; '
            "its files are checked byte for byte against this version's.",
        ]
    parts += [
        "",
        markdown_table(
            ["target", "verdict", "measured"],
            [[v["target"], f"**{v['verdict']}**", v["measured"]] for v in run["verdicts"]],
            "lll",
        ),
    ]
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="comma-separated target sizes in triples")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="load repetitions for sizes up to 200k (median kept)")
    parser.add_argument("--timeout", type=float, default=900, help="seconds before a child process is stopped")
    parser.add_argument("--stages", action="store_true", help="also run a stage-instrumented load")
    parser.add_argument(
        "--skip-shacl-from",
        type=int,
        default=None,
        help="in the stage-instrumented load, skip pySHACL from this size on",
    )
    parser.add_argument("--profile", action="store_true", help="also run the load under cProfile")
    parser.add_argument("--profile-max", type=int, default=None, help="profile only sizes up to this")
    parser.add_argument("--no-export", action="store_true")
    parser.add_argument(
        "--baseline",
        default=None,
        metavar="REVISION",
        help="also load (and export) with the library of this git revision, in the same run",
    )
    parser.add_argument("--baseline-max", type=int, default=None, help="run the baseline only for sizes up to this")
    parser.add_argument(
        "--work", type=Path, default=None, help="folder for corpora and stores (default: a temp folder)"
    )
    parser.add_argument("--keep", action="store_true", help="keep corpora and stores")
    parser.add_argument("--out", type=Path, default=OUT_DIR / "load_export.json")
    parser.add_argument("--doc", type=Path, default=DOC, help="Markdown file whose marked section gets the tables")
    parser.add_argument("--no-doc", action="store_true")
    parser.add_argument(
        "--render",
        nargs="+",
        type=Path,
        metavar="JSON",
        help="only rebuild the Markdown section from result files of earlier runs (sizes merged in order)",
    )
    parser.add_argument("--stage-worker", nargs=2, type=Path, metavar=("CORPUS", "STORE"), help=argparse.SUPPRESS)
    parser.add_argument("--skip-shacl", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--profile-worker", nargs=3, type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--export-ckg-worker", nargs=2, type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--export-rdflib-worker", nargs=3, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.stage_worker:
        print(json.dumps(stage_worker(*args.stage_worker, args.skip_shacl)))
        return 0
    if args.profile_worker:
        profile_worker(*args.profile_worker)
        return 0
    if args.export_ckg_worker:
        print(json.dumps(export_ckg_worker(*args.export_ckg_worker)))
        return 0
    if args.export_rdflib_worker:
        print(json.dumps(export_rdflib_worker(*args.export_rdflib_worker)))
        return 0

    if args.render:
        runs = [json.loads(path.read_text("utf-8")) for path in args.render]
        # Results of the same size are merged, later runs overriding (a stage split measured in
        # another run of that size is kept); each run's provenance is listed.
        by_size: dict[int, dict[str, Any]] = {}
        for one in runs:
            for result in one["results"]:
                if "stage_split" in result:
                    result["stage_split"]["run_started"] = one["started"]
                by_size[result["target_triples"]] = {**by_size.get(result["target_triples"], {}), **result}
        merged = {**runs[-1], "results": [by_size[size] for size in sorted(by_size)], "runs": runs}
        merged["verdicts"] = verdicts(merged["results"])
        replace_marked_section(args.doc, "load-export", markdown(merged))
        print(f"Tables: {args.doc}")
        return 0

    sizes = [int(size.replace("_", "")) for size in args.sizes.split(",")]
    machine = machine_info()
    started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    print(f"Machine: {describe_machine(machine)}", flush=True)
    temporary = None
    if args.work is None:
        temporary = tempfile.mkdtemp(prefix="ckg-bench-")
        work = Path(temporary)
    else:
        work = args.work
        work.mkdir(parents=True, exist_ok=True)
    args.baseline_package = prepare_baseline(args.baseline, work) if args.baseline else None
    results = []
    try:
        for size in sizes:
            results.append(run_size(size, args, work))
    finally:
        if temporary and not args.keep:
            shutil.rmtree(temporary, ignore_errors=True)
    run = {
        "benchmark": "load_export",
        "started": started,
        "seed": args.seed,
        "machine": machine,
        "targets": {
            "load_triples": TARGET_LOAD_TRIPLES,
            "load_seconds": TARGET_LOAD_SECONDS,
            "load_peak_rss_bytes": TARGET_LOAD_RSS,
            "turtle_speedup_vs_rdflib": TARGET_TURTLE_RATIO,
        },
        "results": results,
    }
    run["load_average_at_end"] = list(os.getloadavg())
    run["verdicts"] = verdicts(results)
    write_json(args.out, run)
    print(f"\nResults: {args.out}")
    for verdict in run["verdicts"]:
        print(f"  {verdict['verdict'].upper():>12}  {verdict['target']}: {verdict['measured']}")
    if not args.no_doc:
        replace_marked_section(args.doc, "load-export", markdown(run))
        print(f"Tables: {args.doc}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
