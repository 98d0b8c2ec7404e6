"""``ckg brief`` from Neo4j gives the same page as from the embedded store."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import neo4j
import pytest

from ceasefire_kg import brief
from ceasefire_kg.backends import LocalBackend, Neo4jBackend
from ceasefire_kg.push import push
from ceasefire_kg.store import Store
from tests.corpus import load_store
from tests.paths import EXAMPLES

pytestmark = pytest.mark.neo4j

SERRIN = EXAMPLES.parent / "serrin-war"


@pytest.mark.parametrize(
    "options",
    [
        {"as_of": dt.date(2025, 3, 19)},
        {},
        {"as_of": dt.date(2026, 9, 18), "since": dt.date(2026, 9, 1)},
        {"proposal": "energy-infrastructure-truce"},
        {"scope": "https://w3id.org/ceasefire-kg/scope/maritime"},
    ],
    ids=["2025-03-19", "latest", "serrin-2026-09-18", "energy-truce", "maritime"],
)
def test_neo4j_and_the_store_give_the_same_brief(
    tmp_path: Path, neo4j_driver: neo4j.Driver, neo4j_database: str, options: dict[str, object]
) -> None:
    store_path = load_store(tmp_path / "store", [EXAMPLES, SERRIN])
    with Store.open_read_only(store_path) as store:
        push(store, neo4j_driver, neo4j_database)
        local = brief.build_brief(LocalBackend(store), **options)  # type: ignore[arg-type]
    remote = brief.build_brief(Neo4jBackend(neo4j_driver, neo4j_database), **options)  # type: ignore[arg-type]
    assert remote.blocking == local.blocking
    assert remote.positions == local.positions
    assert remote.changes == local.changes
    assert brief.render_html(remote) == brief.render_html(local)
    assert local.positions  # there is something to compare
