"""Fuzzing ckg's inputs: mutated fact files and registries, query parameters and Neo4j URIs.

Every mutation must end in exit code 0, 1 or 2 (click's usage errors) with a
message, never a traceback; and a refused load must leave the store byte for
byte as it was. The seed is fixed, so a failure reproduces: the test id names
the case. A short run is part of the fast suite; the long one is marked slow.
"""

from __future__ import annotations

import hashlib
import io
import random
import shutil
from collections.abc import Callable
from pathlib import Path

import neo4j
import pytest
from click.testing import Result

from ceasefire_kg.loaders.load import load_into_folder
from ceasefire_kg.push import push
from ceasefire_kg.saved_queries import saved_queries
from ceasefire_kg.store import Store
from tests.cli_helpers import run_ckg
from tests.conftest import Neo4jConnection
from tests.paths import EXAMPLES

SEED = 20251203
QUICK_CASES = 24
LONG_CASES = 400

#: Values that have broken parsers before: wrong types, escapes YAML accepts but UTF-8 does not,
#: dates that do not exist, nesting deeper than a recursive reader goes, tags and aliases.
NASTY_SCALARS = [
    '""',
    "null",
    "~",
    "[]",
    "{}",
    '"\\ud800"',
    '"\\x00\\x1b\\x08\\x0e"',
    '"\\u202e\\u0000"',
    "2025-02-30",
    "0000-00-00",
    "99999999999999999999999999",
    "-1",
    "3.5",
    "true",
    ".nan",
    "!!python/object:os.system ls",
    "!!binary aGVsbG8=",
    "&anchor x",
    "*nowhere",
    "x" * 5000,
    "'" + "é" * 300 + "'",
    "[" * 600 + "]" * 600,
    "{a: " * 1000 + "1" + "}" * 1000,
    "../../../../etc/passwd",
    "http://[::1",
    "<script>",
    "$(rm -rf /)",
    '"line\\nbreak"',
]

Mutation = Callable[[random.Random, str], str]


def _replace_a_value(rng: random.Random, text: str) -> str:
    lines = text.splitlines(keepends=True)
    candidates = [i for i, line in enumerate(lines) if ":" in line and not line.lstrip().startswith("#")]
    index = rng.choice(candidates)
    key, _, _ = lines[index].partition(":")
    lines[index] = f"{key}: {rng.choice(NASTY_SCALARS)}\n"
    return "".join(lines)


def _replace_a_list_item(rng: random.Random, text: str) -> str:
    lines = text.splitlines(keepends=True)
    candidates = [i for i, line in enumerate(lines) if line.lstrip().startswith("- ")]
    index = rng.choice(candidates)
    indent = lines[index][: len(lines[index]) - len(lines[index].lstrip())]
    lines[index] = f"{indent}- {rng.choice(NASTY_SCALARS)}\n"
    return "".join(lines)


def _delete_a_line(rng: random.Random, text: str) -> str:
    lines = text.splitlines(keepends=True)
    del lines[rng.randrange(len(lines))]
    return "".join(lines)


def _duplicate_a_line(rng: random.Random, text: str) -> str:
    lines = text.splitlines(keepends=True)
    index = rng.randrange(len(lines))
    lines.insert(index, lines[index])
    return "".join(lines)


def _shift_indentation(rng: random.Random, text: str) -> str:
    lines = text.splitlines(keepends=True)
    index = rng.randrange(len(lines))
    lines[index] = rng.choice([" ", "   ", "\t", ""]) + lines[index].lstrip(" ")
    return "".join(lines)


def _truncate(rng: random.Random, text: str) -> str:
    return text[: rng.randrange(len(text))]


def _insert_control_characters(rng: random.Random, text: str) -> str:
    at = rng.randrange(len(text))
    return text[:at] + rng.choice(["\x00", "\x1b[31m", "\x08", "\x0e", "\ufeff", "\r", "\u2028"]) + text[at:]


MUTATIONS: list[Mutation] = [
    _replace_a_value,
    _replace_a_value,
    _replace_a_list_item,
    _delete_a_line,
    _duplicate_a_line,
    _shift_indentation,
    _truncate,
    _insert_control_characters,
]

#: Whole-file replacements, as bytes: other encodings, other document kinds.
WHOLE_FILES: list[bytes] = [
    b"",
    b"just a scalar\n",
    b"- a\n- list\n",
    "article:\n  id: x\n".encode("utf-16-le"),
    "article:\n  id: x\n".encode("utf-16"),
    b"\xff\xfe\x00garbage",
    b"registry: r\nactors: 7\n",
    b"registry: r\nactors:\n  - 5\n",
    b"---\na: 1\n---\nb: 2\n",
]


def _store_digest(folder: Path) -> str:
    """What a store holds: every quad, in the export's stable order, and the recorded graph hashes.

    The database's own files are not compared: opening it rotates its logs and manifest.
    """
    digest = hashlib.sha256()
    with Store.open_read_only(folder) as store:
        buffer = io.BytesIO()
        store.export(buffer, "nquads")
        digest.update(buffer.getvalue())
    for path in sorted(p for p in folder.iterdir() if p.is_file()):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _no_traceback(result: Result, what: str) -> None:
    assert result.exit_code in (0, 1, 2), f"{what}: exit code {result.exit_code}\n{result.output}"
    crashed = result.exception is not None and not isinstance(result.exception, SystemExit)
    assert not crashed, f"{what}: {result.exception!r}\n{result.output}"
    assert "Traceback" not in result.output, f"{what}:\n{result.output}"
    if result.exit_code:
        assert result.output.strip(), f"{what}: exit code {result.exit_code} without a message"


def _mutated_corpus(rng: random.Random, folder: Path) -> str:
    """Copy the examples into ``folder`` and spoil one file; say how."""
    shutil.copytree(EXAMPLES, folder)
    files = sorted(folder.glob("*.yaml"))
    target = rng.choice(files)
    if rng.random() < 0.15:
        data = rng.choice(WHOLE_FILES)
        target.write_bytes(data)
        return f"{target.name} replaced by {data[:40]!r}"
    text = target.read_text(encoding="utf-8")
    mutation = rng.choice(MUTATIONS)
    for _ in range(rng.choice([1, 1, 2, 3])):
        text = mutation(rng, text)
    target.write_text(text, encoding="utf-8", errors="surrogatepass")
    return f"{target.name} after {mutation.__name__}"


@pytest.fixture(scope="module")
def pristine_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("fuzz") / "store"
    load_into_folder(path, [EXAMPLES])
    return path


def _fuzz_fact_files(cases: int, pristine_store: Path, work: Path) -> None:
    rng = random.Random(SEED)
    before = _store_digest(pristine_store)
    for case in range(cases):
        corpus = work / f"case-{case}"
        how = _mutated_corpus(rng, corpus)
        what = f"case {case} (seed {SEED}): {how}"
        store = work / f"store-{case}"
        shutil.copytree(pristine_store, store)
        result = run_ckg("load", "--store", store, corpus)
        _no_traceback(result, f"load, {what}")
        if result.exit_code != 0:
            assert _store_digest(store) == before, f"a refused load changed the store: {what}"
        # Into a new store: the first load takes another path (a bulk write beside the folder).
        fresh = work / f"fresh-{case}"
        result = run_ckg("load", "--store", fresh, corpus)
        _no_traceback(result, f"first load, {what}")
        if result.exit_code != 0:
            assert not fresh.exists(), f"a refused first load left {fresh}: {what}"
            assert not list(work.glob(f".{fresh.name}*")), f"a refused first load left files beside it: {what}"
        shutil.rmtree(corpus)
        shutil.rmtree(store)
        shutil.rmtree(fresh, ignore_errors=True)


def test_mutated_fact_files_never_crash_and_never_half_write(pristine_store: Path, tmp_path: Path) -> None:
    _fuzz_fact_files(QUICK_CASES, pristine_store, tmp_path)


@pytest.mark.slow
def test_many_mutated_fact_files(pristine_store: Path, tmp_path: Path) -> None:
    _fuzz_fact_files(LONG_CASES, pristine_store, tmp_path)


NASTY_PARAMETERS = [
    "",
    " ",
    "none",
    "latest",
    "2025-02-30",
    "2025-13-01",
    "20250319",
    "-1",
    "9" * 40,
    "true",
    "yes",
    "russia",
    "RUSSIA",
    "actor:russia",
    "actor:%",
    "urn:a%zz",
    "http://[::1",
    "http://example.org/a b",
    "x:y:z",
    "é" * 50,
    "'; DROP",
    '") } UNION { ?s ?p ?o',
    "$as_of",
    "param:as_of()",
    "<http://x>",
    "\x00",
    "\u202e",
    "a" * 3000,
]


def _fuzz_parameters(cases: int, store: Path, neo4j: Neo4jConnection | None = None) -> None:
    """Run saved queries with mutated parameters on the store, or on Neo4j when a connection is given."""
    backend = "local" if neo4j is None else "neo4j"
    env: dict[str, str | None] = {"COLUMNS": "100"}
    if neo4j is not None:
        env |= {"NEO4J_URI": neo4j.uri, "NEO4J_USERNAME": neo4j.username, "NEO4J_PASSWORD": neo4j.password}
        env |= {"NEO4J_DATABASE": neo4j.database}
    rng = random.Random(SEED)
    queries = saved_queries()
    for case in range(cases):
        query = rng.choice(queries)
        options: list[str] = []
        for parameter in query.parameters:
            if rng.random() < 0.7:
                options += ["-p", f"{parameter.name}={rng.choice(NASTY_PARAMETERS)}"]
        if rng.random() < 0.1:
            options += ["-p", f"{rng.choice(['nope', '', '=', 'as_of'])}={rng.choice(NASTY_PARAMETERS)}"]
        args = ["query", query.name, "--store", str(store), "--backend", backend, "-f", rng.choice(["table", "json"])]
        result = run_ckg(*args, *options, env=env)
        _no_traceback(result, f"case {case}: ckg {' '.join(args + options)!r}")


def test_mutated_query_parameters_never_crash(pristine_store: Path) -> None:
    _fuzz_parameters(60, pristine_store)


@pytest.mark.neo4j
def test_mutated_query_parameters_never_crash_on_neo4j(
    pristine_store: Path, neo4j_server: Neo4jConnection, neo4j_driver: neo4j.Driver
) -> None:
    with Store.open_read_only(pristine_store) as store:
        push(store, neo4j_driver, neo4j_server.database)
    _fuzz_parameters(60, pristine_store, neo4j_server)


@pytest.mark.slow
def test_many_mutated_query_parameters(pristine_store: Path) -> None:
    _fuzz_parameters(1500, pristine_store)


NASTY_URIS = [
    "",
    "neo4j",
    "neo4j://",
    "neo4j://:",
    "bolt://127.0.0.1:notaport",
    "bolt://127.0.0.1:99999",
    "bolt://127.0.0.1:-1",
    "bolt://127.0.0.1:1",
    "bolt://[::1",
    "bolt://[::1]:1",
    "neo4j+s://127.0.0.1:1",
    "http://127.0.0.1:1",
    "file:///etc/passwd",
    "bolt://user:pass@127.0.0.1:1",
    "bolt://127.0.0.1:1/db?x=1",
    "bolt://127.0.0.1:1?routing=%zz",
    "neo4j://127.0.0.1:1?policy=" + "x" * 500,
    "bolt://%00",
    "bolt://é.invalid:1",
]


@pytest.mark.parametrize("uri", NASTY_URIS, ids=[f"uri-{i}" for i in range(len(NASTY_URIS))])
@pytest.mark.parametrize("command", ["query", "push", "export"])
def test_mutated_neo4j_uris_never_crash(pristine_store: Path, tmp_path: Path, uri: str, command: str) -> None:
    args = {
        "query": ["query", "talks", "--backend", "neo4j"],
        "push": ["push"],
        "export": ["export", "--from", "neo4j", "-o", str(tmp_path / "out.ttl")],
    }[command]
    result = run_ckg(*args, "--store", pristine_store, env={"NEO4J_URI": uri, "NEO4J_PASSWORD": "secret"})
    _no_traceback(result, f"ckg {command} with NEO4J_URI={uri!r}")
    assert result.exit_code != 0
    assert not (tmp_path / "out.ttl").exists()
