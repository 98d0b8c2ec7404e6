"""The `ckg` command line: a thin layer over the library.

Each command turns its options into one library call and turns the library's
known errors (:class:`ceasefire_kg.errors.CkgError`) into a clear message and
exit code 1.
"""

from __future__ import annotations

import functools
import logging
from typing import Any, Callable

import click

from ceasefire_kg import __version__
from ceasefire_kg.errors import CkgError

logger = logging.getLogger(__name__)


def reports_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the library's known errors into a clean message and exit code 1."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except CkgError as error:
            raise click.ClickException(str(error)) from error

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ckg")
@click.option("-v", "--verbose", count=True, help="Log more (-v info, -vv debug).")
def cli(verbose: int) -> None:
    """ceasefire-kg: a knowledge graph of ceasefire negotiations."""
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


def main() -> None:
    """Console-script entry point."""
    cli()
