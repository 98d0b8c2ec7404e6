"""Running the ``ckg`` command line in-process, the same way in every test."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from click.testing import CliRunner, Result

from ceasefire_kg.cli import cli

#: Settings ckg reads from the environment, unset so that no test depends on the
#: shell it runs in (a developer's NEO4J_URI or CKG_STORE), and a wide terminal so
#: that tables are laid out the same everywhere.
HERMETIC_ENV: Mapping[str, str | None] = {
    "NEO4J_URI": None,
    "NEO4J_USERNAME": None,
    "NEO4J_PASSWORD": None,
    "NEO4J_DATABASE": None,
    "CKG_STORE": None,
    "COLUMNS": "400",
}


def run_ckg(*args: str | Path, env: Mapping[str, str | None] | None = None) -> Result:
    """Run the ``ckg`` command line in-process; never raises.

    Args:
        *args: The command line after ``ckg``; paths are passed as text.
        env: Environment variables to set (a value of None unsets one), on top of
            :data:`HERMETIC_ENV`.

    Returns:
        click's result: exit code, stdout and stderr apart.
    """
    return CliRunner().invoke(cli, [str(arg) for arg in args], env={**HERMETIC_ENV, **(env or {})})
