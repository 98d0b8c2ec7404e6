"""The rules of the module layout (docs/architecture.md), read from the code's own imports."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.corpus import examples_store
from tests.paths import REPO

#: The installed package's modules by the folders setup.cfg maps them from.
PACKAGE_FOLDERS = {"ceasefire_kg": REPO / "kg", "ceasefire_kg.loaders": REPO / "loaders"}
MAX_LINES = 600


def _modules() -> dict[str, Path]:
    modules: dict[str, Path] = {}
    for package, folder in PACKAGE_FOLDERS.items():
        for path in sorted(folder.rglob("*.py")):
            parts = path.relative_to(folder).with_suffix("").parts
            name = ".".join((package, *parts)).removesuffix(".__init__")
            modules[name] = path
    return modules


MODULES = _modules()


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _imports_any(path: Path, prefixes: tuple[str, ...]) -> list[str]:
    return sorted(name for name in _imports(path) if name.startswith(prefixes))


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_is_longer_than_the_limit(name: str) -> None:
    lines = MODULES[name].read_text("utf-8").count("\n")
    assert lines <= MAX_LINES, f"{name} has {lines} lines; split it by job (docs/architecture.md)"


def test_only_the_cli_imports_click() -> None:
    offenders = {
        name: found
        for name, path in MODULES.items()
        if not name.startswith("ceasefire_kg.cli") and (found := _imports_any(path, ("click",)))
    }
    assert offenders == {}


def test_the_cli_has_no_neo4j_session_code_and_no_backend_policy() -> None:
    for name, path in MODULES.items():
        if name.startswith("ceasefire_kg.cli"):
            assert _imports_any(path, ("neo4j",)) == [], name
            text = path.read_text("utf-8")
            assert ".session(" not in text and "GraphDatabase.driver" not in text, name
            assert "neo4j_problem" not in text, f"{name} decides the back end itself"


def test_reading_neo4j_never_imports_the_writer() -> None:
    readers = ["ceasefire_kg.neo4j_read", "ceasefire_kg.backends.neo4j", "ceasefire_kg.backends.selection"]
    for name in readers:
        assert _imports_any(MODULES[name], ("ceasefire_kg.push",)) == [], name


def test_only_the_client_module_builds_drivers() -> None:
    builders = sorted(name for name, path in MODULES.items() if "GraphDatabase.driver(" in path.read_text("utf-8"))
    assert builders == ["ceasefire_kg.neo4j_client"]


def test_library_code_never_prints_or_exits() -> None:
    for name, path in MODULES.items():
        if name.startswith("ceasefire_kg.cli"):
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in ("print", "exit", "quit"), f"{name} line {node.lineno}"
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                assert (node.value.id, node.attr) != ("sys", "exit"), f"{name} line {node.lineno}"


#: Libraries that take a noticeable part of a second to import.
HEAVY_LIBRARIES = ("rdflib", "neo4j", "networkx", "jsonschema", "yaml")

_LOADED_AFTER = """
import sys
from ceasefire_kg.cli import cli
{run}
print("loaded:", *sorted({{name.split(".")[0] for name in sys.modules}} & set(sys.argv[1:])))
"""


def _heavy_libraries_loaded(run: str, cwd: Path) -> list[str]:
    # A fresh interpreter: this test process has imported everything already.
    completed = subprocess.run(
        [sys.executable, "-c", _LOADED_AFTER.format(run=run), *HEAVY_LIBRARIES],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    return completed.stdout.splitlines()[-1].split()[1:]


def test_ckg_help_loads_no_heavy_library(tmp_path: Path) -> None:
    # `ckg --help` and option parsing must answer at once.
    assert _heavy_libraries_loaded("cli(['--help'], standalone_mode=False)", tmp_path) == []


def test_a_saved_query_on_the_embedded_store_loads_neither_the_driver_nor_networkx(tmp_path: Path) -> None:
    store = examples_store(tmp_path / "examples")
    run = f"cli(['query', 'blocking-demands', '--backend', 'local', '--store', {str(store)!r}], standalone_mode=False)"
    assert _heavy_libraries_loaded(run, tmp_path) == ["rdflib"]
