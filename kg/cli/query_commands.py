"""``ckg queries`` and ``ckg query``: the saved questions."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ceasefire_kg.cli.common import (
    backend_option,
    chosen_backend,
    neo4j_connection_options,
    progress_note,
    reports_errors,
    store_option,
    table_format_option,
)
from ceasefire_kg.cli.tables import describe_page, describe_query, format_result
from ceasefire_kg.defaults import TABLE_PAGE_ROWS

if TYPE_CHECKING:
    from ceasefire_kg.connection import Connection

logger = logging.getLogger(__name__)


@click.command("queries")
@click.argument("name", required=False)
@reports_errors
def queries_command(name: str | None) -> None:
    """List the saved queries with their titles and parameters; with NAME, describe one."""
    from ceasefire_kg import saved_queries

    if name is not None:
        click.echo(describe_query(saved_queries.find_query(name)), nl=False)
        return
    queries = saved_queries.saved_queries()
    width = max(len(query.name) for query in queries) + 2
    for query in queries:
        click.echo(f"{query.name:<{width}}{query.title}")
        for parameter in query.parameters:
            click.echo(f"{'':<{width}}  -p {parameter.signature}")
    click.echo("\nRun one with 'ckg query NAME -p NAME=VALUE ...'; 'ckg queries NAME' describes it.", err=True)


@click.command("query")
@click.argument("name")
@click.option(
    "-p",
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="A parameter of the query (repeatable); see 'ckg queries NAME'.",
)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=None,
    help=f"Show at most this many rows. [default: {TABLE_PAGE_ROWS} for tables, every row for json and csv]",
)
@click.option("--offset", type=click.IntRange(min=0), default=0, show_default=True, help="Skip this many rows first.")
@click.option("--all", "all_rows", is_flag=True, help="Show every row, also as a table.")
@click.option(
    "--allow-service",
    is_flag=True,
    help="Let your own .rq file use SPARQL SERVICE, which sends requests to the addresses it names.",
)
@table_format_option
@backend_option
@store_option
@neo4j_connection_options(backend_choice=True)
@reports_errors
def query_command(
    name: str,
    params: tuple[str, ...],
    limit: int | None,
    offset: int,
    all_rows: bool,
    allow_service: bool,
    output_format: str,
    backend: str,
    store_path: Path,
    connection: Connection,
) -> None:
    """Answer a saved question, or your own .cypher file with the same header.

    NAME is a saved query (list them with 'ckg queries') or the path of a
    .cypher file; a .rq file of the same name beside it answers on the
    embedded store. Which backend answered is said on stderr.

    A table shows the first rows and says how to see the rest (--offset,
    --all); --limit and --offset page any format, and the engine then
    computes only what the page needs.
    """
    from ceasefire_kg import saved_queries
    from ceasefire_kg.backends.base import has_cypher

    if all_rows and limit is not None:
        raise click.UsageError("Give --limit or --all, not both.")
    if limit is None and not all_rows and output_format == "table":
        limit = TABLE_PAGE_ROWS
    page = saved_queries.Page(limit, offset)
    query = saved_queries.find_query(name, allow_service=allow_service)
    given = saved_queries.parse_assignments(params)
    values = query.bind(given)
    # Only ids the user typed can be typos; the defaults are the query's own.
    typed = {key: value for key, value in values.items() if key in given}
    with chosen_backend(backend, store_path, connection, neo4j_can_answer=has_cypher(query)) as answering:
        result = answering.run(query, values, page)
        missing = [] if result.rows or offset else answering.missing_references(query, typed)
    width = shutil.get_terminal_size((120, 24)).columns
    click.echo(format_result(result, output_format, width=width), nl=False)
    progress_note(describe_page(result))
    for reference in missing:
        # A warning, not an error: an empty answer can be right, and the exit code stays 0.
        progress_note(f"Warning: {reference.describe(result.backend)}")


#: The commands this module adds to ``ckg``.
COMMANDS: list[click.Command] = [queries_command, query_command]
