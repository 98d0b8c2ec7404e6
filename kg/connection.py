"""Where and as whom to connect to Neo4j.

Kept apart from the driver code (:mod:`ceasefire_kg.neo4j_client`) so that the
command line can read its options into a :class:`Connection` without loading
the Neo4j driver, which a command answering from the embedded store never needs.
"""

from __future__ import annotations

from dataclasses import dataclass

from ceasefire_kg.neo4j_server.settings import USERNAME


@dataclass(frozen=True)
class Connection:
    """Where and as whom to connect to Neo4j.

    Attributes:
        uri: The Bolt URI (``neo4j://``, ``neo4j+s://``, ``bolt://`` ...).
        username: The user.
        password: The password; None for the managed server's stored one (see :func:`ceasefire_kg.neo4j_client.connect`).
        database: The database; None for the server's default.
    """

    uri: str | None
    username: str = USERNAME
    password: str | None = None
    database: str | None = None
