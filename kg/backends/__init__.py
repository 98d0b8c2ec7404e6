"""Where answers come from: the embedded store or Neo4j, behind one interface.

:class:`Backend` is what the saved queries and the analyses are written
against; :func:`open_backend` picks one by the user's choice (``auto``,
``local``, ``neo4j``).
"""

from __future__ import annotations

from ceasefire_kg.backends.base import Backend, Progress, no_progress
from ceasefire_kg.backends.local import LocalBackend
from ceasefire_kg.backends.neo4j import Neo4jBackend
from ceasefire_kg.backends.selection import BACKEND_CHOICES, Selected, open_backend

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
