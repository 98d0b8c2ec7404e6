"""What the query tests share: a driver to the test database holding the module's data set."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import neo4j
import pytest

from tests.conftest import Neo4jConnection, driver_to_pushed_store


@pytest.fixture(scope="module")
def pushed(neo4j_server: Neo4jConnection, pytestconfig: pytest.Config, store: Path) -> Iterator[neo4j.Driver]:
    """A driver to the test database holding what ``ckg push`` sends of the module's ``store`` fixture."""
    with driver_to_pushed_store(neo4j_server, pytestconfig, store) as driver:
        yield driver
