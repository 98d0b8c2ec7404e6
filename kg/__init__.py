"""ceasefire-kg: a knowledge graph of ceasefire negotiations.

The public API (see :mod:`ceasefire_kg.api`)::

    from ceasefire_kg import KnowledgeGraph
    kg = KnowledgeGraph(".ckg")
    kg.load(["examples/articles"])
    kg.query("blocking-demands", as_of="2025-03-19").records()
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from ceasefire_kg.api import KnowledgeGraph, Neo4jGraph, ask
    from ceasefire_kg.connection import Connection
    from ceasefire_kg.neo4j_client import connect
    from ceasefire_kg.saved_queries.paging import Page

# Imported on first use, so that `ckg --version` and other light commands do not load rdflib, pyoxigraph,
# networkx and the Neo4j driver.
_PUBLIC = {
    "KnowledgeGraph": "ceasefire_kg.api",
    "Neo4jGraph": "ceasefire_kg.api",
    "ask": "ceasefire_kg.api",
    "Connection": "ceasefire_kg.connection",
    "connect": "ceasefire_kg.neo4j_client",
    "Page": "ceasefire_kg.saved_queries.paging",
}

__all__ = ["Connection", "KnowledgeGraph", "Neo4jGraph", "Page", "__version__", "ask", "connect"]


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'ceasefire_kg' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
