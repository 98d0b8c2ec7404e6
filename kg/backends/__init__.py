"""Where answers come from: the embedded store or Neo4j, behind one interface.

:class:`Backend` is what the saved queries and the analyses are written
against; :func:`open_backend` picks one by the user's choice (``auto``,
``local``, ``neo4j``).

The two back ends are imported on first use: answering from the embedded store
never loads the Neo4j driver.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ceasefire_kg.backends.base import Backend, Progress, no_progress
from ceasefire_kg.backends.selection import Selected, open_backend
from ceasefire_kg.defaults import BACKEND_CHOICES

if TYPE_CHECKING:
    from ceasefire_kg.backends.local import LocalBackend
    from ceasefire_kg.backends.neo4j import Neo4jBackend

#: The back ends, by the module that holds each.
_LAZY = {"LocalBackend": "ceasefire_kg.backends.local", "Neo4jBackend": "ceasefire_kg.backends.neo4j"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "BACKEND_CHOICES",
    "Backend",
    "LocalBackend",
    "Neo4jBackend",
    "Progress",
    "Selected",
    "no_progress",
    "open_backend",
]
