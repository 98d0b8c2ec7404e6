"""The ``ckg`` command line: a thin layer over the library.

Each command turns its options into one library call and turns the library's
known errors (:class:`ceasefire_kg.errors.CkgError`) into a clear message and
exit code 1. Only this package imports click.
"""

from __future__ import annotations

from ceasefire_kg.cli import (
    analyze_commands,
    brief_commands,
    draft_commands,
    neo4j_commands,
    query_commands,
    store_commands,
)
from ceasefire_kg.cli.app import cli, main

for _module in (store_commands, query_commands, analyze_commands, brief_commands, neo4j_commands, draft_commands):
    for _command in _module.COMMANDS:
        cli.add_command(_command)

__all__ = ["cli", "main"]
