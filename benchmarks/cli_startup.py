"""How long ``ckg`` takes before it answers: start-up of the command line against Python's own.

Times, as whole processes, ``python -c "import click"`` (the floor every click
program pays), ``ckg --version``, ``ckg --help`` and ``ckg query
blocking-demands`` on the two example articles in the embedded store, in turn
(one of each per round, so that the machine's drift hits all alike), and
reports each command's median wall and CPU time and how far it is above the
floor. With ``--baseline REVISION``, the same commands of that git revision
(installed into a virtualenv of its own in the work folder) run in the same
rounds.

    python benchmarks/cli_startup.py --runs 21
    python benchmarks/cli_startup.py --runs 21 --baseline da18833
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import REPO, describe_machine, log, machine_info, markdown_table, write_json

EXAMPLES = REPO / "examples" / "articles"


def _child_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed_run(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    cpu_before = _child_cpu_seconds()
    started = time.perf_counter()
    completed = subprocess.run(command, env=env, cwd=cwd, capture_output=True, check=False)
    wall = time.perf_counter() - started
    if completed.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{completed.stderr.decode(errors='replace')}")
    return wall, _child_cpu_seconds() - cpu_before


def _install_revision(revision: str, work: Path) -> Path:
    """A checkout of ``revision`` with a virtualenv of its own; return its ``ckg``."""
    checkout = work / f"ckg-{revision}"
    if not checkout.exists():
        subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", str(checkout), revision], check=True)
    venv = checkout / ".venv"
    if not (venv / "bin" / "ckg").exists():
        log(f"installing {revision} into {venv}")
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "-e", str(checkout)], check=True
        )
    return venv / "bin" / "ckg"


def _commands(ckg: Path, label: str) -> dict[str, list[str]]:
    return {
        f"{label} ckg --version": [str(ckg), "--version"],
        f"{label} ckg --help": [str(ckg), "--help"],
        f"{label} ckg query blocking-demands": [str(ckg), "query", "blocking-demands", "--backend", "local"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="rounds (each runs every command once)")
    parser.add_argument("--baseline", metavar="REVISION", help="also time this git revision's ckg, in the same rounds")
    parser.add_argument("--work", type=Path, default=None, help="folder for the stores and the baseline checkout")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    options = parser.parse_args()

    work = options.work or Path(tempfile.mkdtemp(prefix="ckg-startup-"))
    work.mkdir(parents=True, exist_ok=True)
    ckg = Path(sys.executable).with_name("ckg")
    commands = {"python -c 'import click'": [sys.executable, "-c", "import click"], **_commands(ckg, "current")}
    installs = {"current": ckg}
    if options.baseline:
        installs[options.baseline] = _install_revision(options.baseline, work)
        commands.update(_commands(installs[options.baseline], options.baseline))

    env = {key: value for key, value in os.environ.items() if not key.startswith("NEO4J_")}
    stores = {}
    for label, program in installs.items():
        # Each version loads the examples into a store of its own (the store layout may differ).
        store = work / f"store-{label}"
        if not store.exists():
            subprocess.run(
                [str(program), "load", str(EXAMPLES), "--store", str(store)], check=True, capture_output=True
            )
        stores[label] = store

    walls: dict[str, list[float]] = {name: [] for name in commands}
    cpus: dict[str, list[float]] = {name: [] for name in commands}
    log(f"{options.runs} rounds of {len(commands)} commands")
    for _ in range(options.runs + 1):  # the first round warms the file cache and is not counted
        for name, command in commands.items():
            label = name.split(" ", 1)[0]
            run_env = {**env, "CKG_STORE": str(stores.get(label, work))}
            wall, cpu = _timed_run(command, run_env, work)
            walls[name].append(wall)
            cpus[name].append(cpu)

    floor = statistics.median(walls["python -c 'import click'"][1:])
    rows = []
    results = {}
    for name in commands:
        wall = statistics.median(walls[name][1:])
        cpu = statistics.median(cpus[name][1:])
        results[name] = {"wall_median_s": wall, "cpu_median_s": cpu, "above_click_s": wall - floor}
        rows.append([name, f"{wall:.3f}", f"{cpu:.3f}", f"{wall - floor:+.3f}"])
    info = machine_info()
    print(describe_machine(info))
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")
    print(markdown_table(["command", "wall median (s)", "CPU median (s)", "above import click (s)"], rows, "lrrr"))
    if options.json:
        write_json(options.json, {"machine": info, "runs": options.runs, "results": results})


if __name__ == "__main__":
    main()
