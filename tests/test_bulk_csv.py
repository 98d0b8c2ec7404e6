"""The bulk push without a server: its CSV files, the importer's command line, and the targets it refuses."""

from __future__ import annotations

from pathlib import Path

import pytest
from neo4j.time import Date

from ceasefire_kg import neo4j_server as n4j
from ceasefire_kg.neo4j_server.admin_import import ImportInput, _follow, import_command, is_managed_uri
from ceasefire_kg.progress import no_progress
from ceasefire_kg.push.bulk_csv import ARRAY_DELIMITER, PropertyGraph, csv_type, write_csv
from ceasefire_kg.store import Store
from tests.cli_helpers import run_ckg

D = ARRAY_DELIMITER


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("text", "string"),
        ("", "string"),
        ("two\nlines", "string"),
        ("carriage\rreturn", None),
        (f"a{D}b", None),
        (True, "boolean"),
        (7, "long"),
        (2.5, "double"),
        (float("inf"), None),
        (Date(2025, 3, 19), "date"),
        (["a", ""], "string[]"),
        ([""], None),
        ([], None),
        ([1, 2], "long[]"),
        ([Date(2025, 3, 19), None], None),
        ([1, "a"], None),
    ],
)
def test_csv_carries_exactly_what_the_importer_reads_back(value: object, kind: str | None) -> None:
    assert csv_type(value) == kind


def test_the_csv_files_hold_typed_columns_and_leave_the_rest_to_bolt(tmp_path: Path) -> None:
    graph = PropertyGraph()
    graph.nodes["http://x/a"] = (
        {"Actor"},
        {
            "uri": "http://x/a",
            "name": 'say "hi", then go',
            "graphs": ["g1", "g2"],
            "articles": [],
            "known": Date(2025, 3, 19),
        },
    )
    graph.nodes["http://x/b"] = (set(), {"uri": "http://x/b", "name": "b\nc", "graphs": [], "articles": []})
    graph.nodes["http://x/c"] = (set(), {"uri": "http://x/c", "name": 5, "graphs": ["g1"], "articles": ["a1"]})
    graph.relationships[("http://x/a", "MEMBER_OF", "http://x/c")] = {"graphs": ["g1"], "articles": []}
    files = write_csv(graph, tmp_path, no_progress)

    assert files.nodes == [
        ["nodes-1-header.csv", "nodes-1.csv"],
        ["nodes-2-header.csv", "nodes-2.csv"],
        ["nodes-3-header.csv", "nodes-3.csv"],
        ["meta-header.csv", "meta.csv"],
    ]
    assert files.multiline == ["nodes-2.csv"]
    read = {name: (tmp_path / name).read_text(encoding="utf-8") for name in [n for group in files.nodes for n in group]}
    assert read["nodes-1-header.csv"] == "uri:ID(Resource),:LABEL,name:string,graphs:string[],known:date\n"
    assert read["nodes-1.csv"] == f'"http://x/a","Actor{D}Resource","say ""hi"", then go","g1{D}g2",2025-03-19\n'
    assert read["nodes-2.csv"] == '"http://x/b","Resource","b\nc"\n'
    # A name of another type cannot share the first header.
    assert read["nodes-3-header.csv"] == "uri:ID(Resource),:LABEL,name:long,graphs:string[],articles:string[]\n"
    assert read["meta.csv"] == '"ckg",CkgMeta,0,true\n'
    assert (tmp_path / "relationships-1.csv").read_text() == '"http://x/a","http://x/c","MEMBER_OF","g1"\n'
    assert files.node_patches == {"http://x/a": {"articles": []}, "http://x/b": {"graphs": [], "articles": []}}
    assert files.relationship_patches == {("http://x/a", "MEMBER_OF", "http://x/c"): {"articles": []}}


def test_the_importer_overwrites_the_named_database_from_the_files(tmp_path: Path) -> None:
    settings = n4j.Neo4jSettings(home=tmp_path / "home")
    files = ImportInput(tmp_path, [["h.csv", "n.csv"]], [["rh.csv", "r.csv"]], ["n.csv"], D)
    command = import_command(settings, Path("/usr/bin/java"), "neo4j", files)
    assert command[command.index("full") + 1] == "neo4j"  # before the options that take every argument after them
    assert "--overwrite-destination=true" in command and "--array-delimiter=U+001F" in command
    assert command[-4:] == [
        "--multiline-fields-format=v2",
        "--multiline-fields=n.csv",
        "--nodes=h.csv,n.csv",
        "--relationships=rh.csv,r.csv",
    ]
    seen: list[tuple[str, int]] = []
    stage = _follow("(1/4) Node import 2025-05-01 10:00:00.000+0000\n", "", lambda s, p: seen.append((s, p)))
    _follow(
        ".......... .......... .......... .......... ..........  45% ∆1s [2s]\n",
        stage,
        lambda s, p: seen.append((s, p)),
    )
    assert seen == [("Node import", 0), ("Node import", 45)]


def test_only_a_local_uri_on_the_managed_servers_bolt_port_is_the_managed_server(tmp_path: Path) -> None:
    settings = n4j.Neo4jSettings(home=tmp_path, bolt_port=7999, http_port=7998)
    assert is_managed_uri("neo4j://127.0.0.1:7999", settings)
    assert is_managed_uri("bolt://localhost:7999", settings)
    assert not is_managed_uri("neo4j://127.0.0.1:7687", settings)
    assert not is_managed_uri("neo4j+s://abc.databases.neo4j.io", settings)
    assert not is_managed_uri(None, settings)


@pytest.fixture
def empty_store(tmp_path: Path) -> Path:
    path = tmp_path / "store"
    Store.create(path, [])
    return path


def _push(store: Path, home: Path, *options: str) -> tuple[int, str]:
    result = run_ckg("push", "--store", store, "--password", "not-needed", "--home", home, *options)
    return result.exit_code, result.stderr


def test_bulk_into_a_server_ckg_does_not_manage_is_refused(empty_store: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    code, err = _push(empty_store, home, "--uri", "neo4j+s://abc.databases.neo4j.io", "--replace")
    assert code == 1
    assert err == (
        f"Error: A bulk push (--bulk, --replace) writes the database files of the Neo4j that `ckg neo4j` manages "
        f"(home {home}, Bolt port 7687), and neo4j+s://abc.databases.neo4j.io is not that server. Push over Bolt "
        "instead (without --bulk and --replace; `ckg push --rebuild` starts afresh), or give the managed server's "
        "home with --home / CKG_NEO4J_HOME.\n"
    )


def test_bulk_into_a_managed_server_that_is_not_running_is_refused(empty_store: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    code, err = _push(empty_store, home, "--uri", "neo4j://127.0.0.1:7687", "--bulk")
    assert code == 1
    assert err == (
        f"Error: The managed Neo4j (home {home}) is not running. Start it with `ckg neo4j start --home {home}` "
        "and push again.\n"
    )


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--replace", "--no-bulk"], "--replace overwrites the database through the offline importer; drop --no-bulk."),
        (["--rebuild", "--bulk"], "--rebuild pushes everything again over Bolt; --replace (or --bulk) does it"),
    ],
)
def test_contradictory_push_options_are_refused(
    empty_store: Path, tmp_path: Path, options: list[str], message: str
) -> None:
    code, err = _push(empty_store, tmp_path / "home", *options)
    assert code == 2
    assert message in err
