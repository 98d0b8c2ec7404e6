"""Helpers shared by the benchmark scripts: machine info, timing, child processes, results.

Import from a script in ``benchmarks/`` with ``from common import ...`` (the
script's folder is on ``sys.path`` when it is run as ``python benchmarks/x.py``).

* :func:`machine_info` records the cores, memory, CPU, OS, Python and package
  versions, and the repository commit, to store with every result.
* :func:`run_child` runs a command in a child process and measures its wall
  time, its own peak RSS (from ``wait4``, so it is the child's and not the
  benchmark's), an RSS timeline sampled from ``/proc`` and the time at which
  each line of its standard error appeared (``ckg`` writes its progress there,
  which gives the duration of each stage of a load for free).
* :func:`write_json` and :func:`replace_marked_section` write results: JSON to
  ``benchmarks/out/`` and a Markdown section of ``docs/benchmarks.md``
  between ``<!-- begin: NAME -->`` and ``<!-- end: NAME -->`` markers, so that
  each benchmark rewrites only its own table.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
OUT_DIR = REPO / "benchmarks" / "out"
DOC = REPO / "docs" / "benchmarks.md"

#: Packages whose versions are recorded with every result.
PACKAGES = (
    "ceasefire-kg",
    "rdflib",
    "pyoxigraph",
    "pyshacl",
    "PyYAML",
    "jsonschema",
    "neo4j",
    "neo4j-rust-ext",
    "networkx",
)


# --- the machine -------------------------------------------------------------------------


def _read(path: str) -> str:
    try:
        return Path(path).read_text("utf-8", errors="replace")
    except OSError:
        return ""


def total_memory_bytes() -> int | None:
    for line in _read("/proc/meminfo").splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) * 1024
    return None


def cpu_model() -> str:
    for line in _read("/proc/cpuinfo").splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def package_versions(names: Sequence[str] = PACKAGES) -> dict[str, str | None]:
    versions: dict[str, str | None] = {}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    try:
        import yaml

        versions["PyYAML libyaml"] = "yes" if getattr(yaml, "__with_libyaml__", False) else "no"
    except ImportError:
        pass
    return versions


def git_revision() -> dict[str, Any]:
    def git(*args: str) -> str | None:
        try:
            return subprocess.run(
                ["git", *args], cwd=REPO, capture_output=True, text=True, timeout=10, check=True
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return None

    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": git("rev-parse", "HEAD"), "dirty": bool(status) if status is not None else None}


def source_digest(folders: Sequence[str] = ("kg", "loaders", "schema")) -> str:
    """SHA-256 over the product's source files, naming exactly the code measured (the tree may be uncommitted)."""
    import hashlib

    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted((REPO / folder).rglob("*")):
            if path.is_file() and path.suffix in (".py", ".ttl", ".json"):
                digest.update(str(path.relative_to(REPO)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def machine_info() -> dict[str, Any]:
    """Cores, memory, CPU, OS, Python and package versions, and the repository's commit."""
    memory = total_memory_bytes()
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    return {
        "cores": os.cpu_count(),
        "usable_cores": usable,
        "memory_bytes": memory,
        "memory_gib": round(memory / 2**30, 1) if memory else None,
        "cpu": cpu_model(),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "python_implementation": platform.python_implementation(),
        "packages": package_versions(),
        "git": {**git_revision(), "source_digest": source_digest()},
        "load_average_at_start": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
    }


def describe_machine(info: dict[str, Any]) -> str:
    """One line for a Markdown note."""
    packages = info["packages"]
    versions = ", ".join(
        f"{name} {version}" for name, version in packages.items() if version and name != "PyYAML libyaml"
    )
    return (
        f"{info['cores']} cores ({info['cpu']}), {info['memory_gib']} GiB, {info['os']}, "
        f"Python {info['python']}; {versions}"
    )


# --- timing and memory ----------------------------------------------------------------------


@contextmanager
def timer() -> Iterator[dict[str, float]]:
    """``with timer() as t: ...`` then ``t["seconds"]``."""
    result: dict[str, float] = {}
    started = time.perf_counter()
    try:
        yield result
    finally:
        result["seconds"] = time.perf_counter() - started


def timed(function: Callable[[], Any]) -> tuple[Any, float]:
    """Call ``function`` and return its result and the seconds it took."""
    started = time.perf_counter()
    value = function()
    return value, time.perf_counter() - started


def self_peak_rss_bytes() -> int:
    """Peak RSS of this process so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def current_rss_bytes(pid: int | str = "self") -> int | None:
    """Current RSS of a process from ``/proc/<pid>/status``; None once it is gone."""
    for line in _read(f"/proc/{pid}/status").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return None


def cpu_seconds(pid: int | str = "self") -> float | None:
    """User plus system CPU seconds of a process, all its threads, from ``/proc/<pid>/stat``; None once gone."""
    text = _read(f"/proc/{pid}/stat")
    if not text:
        return None
    # The command name in parentheses may hold spaces; the fields after it are fixed.
    fields = text.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class ChildResult:
    """How a child process ran.

    Attributes:
        command: What was run.
        returncode: Its exit code (negative: killed by that signal).
        seconds: Wall time from start to exit.
        peak_rss_bytes: The child's own peak RSS (``ru_maxrss`` from ``wait4``).
        user_seconds / system_seconds: CPU time of the child.
        stdout: Its standard output.
        stderr_lines: ``(seconds since start, line)`` of each line of standard error.
        rss_samples: ``(seconds since start, RSS bytes)`` sampled every ``sample_interval``.
        timed_out: True if it was killed after ``timeout`` seconds.
    """

    command: list[str]
    returncode: int
    seconds: float
    peak_rss_bytes: int
    user_seconds: float
    system_seconds: float
    stdout: str
    stderr_lines: list[tuple[float, str]] = field(default_factory=list)
    rss_samples: list[tuple[float, int]] = field(default_factory=list)
    timed_out: bool = False

    @property
    def stderr(self) -> str:
        return "\n".join(line for _, line in self.stderr_lines)

    def stages(self, names: Sequence[str]) -> list[dict[str, Any]]:
        """Split the run at the stderr lines that start with one of ``names``.

        Returns one entry per stage reached: its name, start, seconds and the
        peak of the sampled RSS during it. The time before the first marker is
        the stage ``startup`` (interpreter start and imports).
        """
        marks = [(0.0, "startup")]
        for at, line in self.stderr_lines:
            for name in names:
                if line.startswith(name):
                    marks.append((at, name))
                    break
        stages = []
        for index, (start, name) in enumerate(marks):
            end = marks[index + 1][0] if index + 1 < len(marks) else self.seconds
            rss = [value for at, value in self.rss_samples if start <= at <= end]
            stages.append(
                {
                    "stage": name,
                    "start": round(start, 3),
                    "seconds": round(end - start, 3),
                    "peak_sampled_rss_bytes": max(rss) if rss else None,
                }
            )
        return stages


def run_child(
    command: Sequence[str],
    *,
    timeout: float | None = None,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    sample_interval: float = 0.05,
) -> ChildResult:
    """Run ``command`` and measure it (see :class:`ChildResult`); never raises on a non-zero exit."""
    started = time.perf_counter()
    process = subprocess.Popen(list(command), stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=cwd)
    stdout_chunks: list[bytes] = []
    stderr_lines: list[tuple[float, str]] = []
    samples: list[tuple[float, int]] = []
    done = threading.Event()

    def read_stdout() -> None:
        assert process.stdout is not None
        for chunk in iter(lambda: process.stdout.read(65536), b""):
            stdout_chunks.append(chunk)

    def read_stderr() -> None:
        assert process.stderr is not None
        for raw in process.stderr:
            stderr_lines.append((time.perf_counter() - started, raw.decode("utf-8", "replace").rstrip("\n")))

    def sample() -> None:
        while not done.is_set():
            rss = current_rss_bytes(process.pid)
            if rss is not None:
                samples.append((time.perf_counter() - started, rss))
            done.wait(sample_interval)

    threads = [threading.Thread(target=f, daemon=True) for f in (read_stdout, read_stderr, sample)]
    for thread in threads:
        thread.start()
    timed_out = threading.Event()

    def kill() -> None:
        timed_out.set()
        process.kill()  # only the child started here, by its pid

    watchdog = threading.Timer(timeout, kill) if timeout else None
    if watchdog:
        watchdog.start()
    try:
        _, status, usage = os.wait4(process.pid, 0)
    finally:
        if watchdog:
            watchdog.cancel()
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    done.set()
    for thread in threads:
        thread.join(timeout=10)
    return ChildResult(
        command=list(command),
        returncode=process.returncode,
        seconds=seconds,
        peak_rss_bytes=usage.ru_maxrss * 1024,
        user_seconds=usage.ru_utime,
        system_seconds=usage.ru_stime,
        stdout=b"".join(stdout_chunks).decode("utf-8", "replace"),
        stderr_lines=stderr_lines,
        rss_samples=samples,
        timed_out=timed_out.is_set(),
    )


# --- results ---------------------------------------------------------------------------------


def write_json(path: Path, data: Any) -> None:
    """Write ``data`` as indented JSON, replacing ``path`` only once complete."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(json.dumps(data, indent=2, default=str) + "\n", "utf-8")
    os.replace(temporary, path)


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], align: str | None = None) -> str:
    """A GitHub Markdown table; ``align`` is one letter per column (l, r, c)."""
    align = align or "l" + "r" * (len(headers) - 1)
    rule = {"l": ":---", "r": "---:", "c": ":---:"}
    lines = ["| " + " | ".join(headers) + " |", "| " + " | ".join(rule[a] for a in align) + " |"]
    lines += ["| " + " | ".join("" if cell is None else str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def replace_marked_section(path: Path, name: str, content: str) -> None:
    """Put ``content`` between ``<!-- begin: name -->`` and ``<!-- end: name -->`` in ``path``.

    The section is appended when the markers are not there yet; the rest of
    the file is left as it is.
    """
    begin, end = f"<!-- begin: {name} -->", f"<!-- end: {name} -->"
    text = path.read_text("utf-8") if path.exists() else ""
    block = f"{begin}\n{content.rstrip()}\n{end}"
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        _, tail = rest.split(end, 1)
        text = head + block + tail
    else:
        text = (text.rstrip() + "\n\n" if text.strip() else "") + block + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")


def fmt_seconds(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    return f"{seconds:.2f} s" if seconds < 10 else f"{seconds:.1f} s"


def fmt_bytes(size: int | None) -> str:
    if size is None:
        return "–"
    return f"{size / 2**20:.0f} MiB" if size < 2**30 else f"{size / 2**30:.2f} GiB"


def fmt_rate(count: float | None, seconds: float | None) -> str:
    if not count or not seconds:
        return "–"
    rate = count / seconds
    return f"{rate / 1000:.1f} k/s" if rate < 1e6 else f"{rate / 1e6:.2f} M/s"


def python_command() -> list[str]:
    """The interpreter running the benchmark (the project's virtualenv)."""
    return [sys.executable]


def log(message: str) -> None:
    """Progress on standard error, with the time of day."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def start_managed_neo4j(
    home: Path, password: str, *, bolt_port: int, http_port: int, heap: str, page_cache: str
) -> Any:
    """Start (or reuse) a managed Neo4j in ``home`` for a benchmark; its settings.

    The jars are copied from ckg's own caches (the user's and the test
    session's) when they are there, so that a benchmark needs no download.
    """
    import shutil

    from ceasefire_kg import neo4j_server as n4j

    settings = n4j.Neo4jSettings(home=home, bolt_port=bolt_port, http_port=http_port, heap=heap, page_cache=page_cache)
    if not n4j.lib_is_complete(settings):
        for cached in (n4j.default_home(), n4j.default_home().parent / f"test-neo4j-{n4j.NEO4J_VERSION}"):
            source = n4j.Neo4jSettings(home=cached)
            if n4j.lib_is_complete(source):
                log(f"copying Neo4j's jars from {source.lib_dir}")
                shutil.rmtree(settings.lib_dir, ignore_errors=True)
                shutil.copytree(source.lib_dir, settings.lib_dir)
                break
    log(f"starting Neo4j in {home} (Bolt 127.0.0.1:{bolt_port}, heap {heap}, page cache {page_cache})")
    n4j.start(settings, password, on_progress=log)
    return settings


def run_measuring_script(script: str, arguments: list[str], source: str | Path | None, what: str) -> dict[str, Any]:
    """Run ``script`` (``python -c``) in a fresh process and return the JSON of its last ``RESULT`` line.

    Args:
        script: The script's text; it prints ``RESULT {json}``.
        arguments: Its command-line arguments.
        source: A folder holding a ``ceasefire_kg`` package to put first on ``PYTHONPATH`` (one version
            of the code), or None for the installed one.
        what: What is measured, for the message when the process fails.
    """
    env = dict(os.environ)
    if source is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(Path(source).resolve()), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    completed = subprocess.run(
        [sys.executable, "-c", script, *arguments], env=env, capture_output=True, text=True, check=False
    )
    lines = [line for line in completed.stdout.splitlines() if line.startswith("RESULT ")]
    if completed.returncode != 0 or not lines:
        raise SystemExit(f"{what} failed:\n{completed.stderr[-3000:]}")
    return json.loads(lines[-1][len("RESULT ") :])
