"""``ckg validate``, ``load``, ``retract``, ``articles``, ``export``: the embedded store."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ceasefire_kg.cli.common import (
    choice_option,
    fact_paths_argument,
    neo4j_connection_options,
    progress_note,
    reports_errors,
    store_option,
    text_dir_option,
)
from ceasefire_kg.files import write_atomically
from ceasefire_kg.rdf_output import EXPORT_FORMATS

if TYPE_CHECKING:
    from ceasefire_kg.connection import Connection

logger = logging.getLogger(__name__)

allow_unreviewed_option = click.option(
    "--allow-unreviewed",
    is_flag=True,
    help="Accept facts marked 'reviewed: false' (drafts from `ckg draft`) as they are.",
)


def _fact_files_command(command: Callable[..., Any]) -> click.Command:
    """A command on fact files (validate, load): the paths, --text-dir, --store, --allow-unreviewed; errors reported."""
    decorated = reports_errors(command)
    for option in (allow_unreviewed_option, store_option, text_dir_option, fact_paths_argument):
        decorated = option(decorated)
    return click.command()(decorated)


@_fact_files_command
def validate(paths: tuple[Path, ...], text_dirs: tuple[Path, ...], store_path: Path, allow_unreviewed: bool) -> None:
    """Check article-fact files (or folders of them) without storing anything.

    Positions already in the store (if there is one) may be superseded.
    """
    from ceasefire_kg.loaders.load import validate_against_folder

    report = validate_against_folder(
        store_path, paths, text_dirs=text_dirs, on_progress=progress_note, allow_unreviewed=allow_unreviewed
    )
    click.echo(report.describe())


@_fact_files_command
def load(paths: tuple[Path, ...], text_dirs: tuple[Path, ...], store_path: Path, allow_unreviewed: bool) -> None:
    """Validate article-fact files (or folders) and store them.

    A file whose article is already stored replaces it. If any file has a
    problem, nothing is stored.
    """
    from ceasefire_kg.loaders.load import load_into_folder

    report, total = load_into_folder(
        store_path, paths, text_dirs=text_dirs, on_progress=progress_note, allow_unreviewed=allow_unreviewed
    )
    click.echo(report.describe())
    click.echo(f"The store at {store_path} now holds {total} triples.")


@click.command()
@click.argument("article_ids", nargs=-1, required=True)
@store_option
@reports_errors
def retract(article_ids: tuple[str, ...], store_path: Path) -> None:
    """Remove articles' facts from the store.

    Facts that other articles also assert stay.
    """
    from ceasefire_kg.store import Store

    with Store.open(store_path) as store:
        store.drop_articles(article_ids)
        total = store.count_triples()
    click.echo(f"Retracted {', '.join(article_ids)}. The store now holds {total} triples.")


@click.command()
@store_option
@reports_errors
def articles(store_path: Path) -> None:
    """List the stored articles with their number of triples."""
    from ceasefire_kg.namespaces import article_graph_iri
    from ceasefire_kg.store import Store

    with Store.open_read_only(store_path) as store:
        sizes = store.graph_sizes()
        ids = store.article_ids()
    for article_id in ids:
        click.echo(f"{article_id}\t{sizes.get(str(article_graph_iri(article_id)), 0)} triples")
    if not ids:
        click.echo("No articles stored yet. Load some with 'ckg load PATH'.", err=True)


@click.command()
@choice_option(
    "-f",
    "--format",
    "format_name",
    choices=sorted(EXPORT_FORMATS),
    default="turtle",
    help_text="RDF format. turtle and ntriples merge the article graphs; nquads, trig and jsonld keep them "
    "(from Neo4j they get the merged graph as their default graph).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write to this file (replaced only once complete) instead of standard output.",
)
@choice_option(
    "--from",
    "source",
    choices=["store", "neo4j"],
    default="store",
    help_text="Read the embedded store, or read back over Bolt the graph `ckg push` wrote to Neo4j.",
)
@store_option
@neo4j_connection_options()
@reports_errors
def export(
    format_name: str,
    output: Path | None,
    source: str,
    store_path: Path,
    connection: Connection,
) -> None:
    """Write the stored graph as RDF, in a stable order that diffs well."""
    from ceasefire_kg.neo4j_client import connect
    from ceasefire_kg.neo4j_read import export_neo4j
    from ceasefire_kg.store import Store

    if source == "neo4j":
        database = connection.database
        with connect(connection) as driver:
            if output is None:
                export_neo4j(driver, database, sys.stdout.buffer, format_name)
                return
            count = write_atomically(output, lambda stream: export_neo4j(driver, database, stream, format_name))
        click.echo(f"Wrote {count} triples read from Neo4j to {output}.", err=True)
        return
    with Store.open_read_only(store_path) as store:
        if output is None:
            store.export(sys.stdout.buffer, format_name)
            return
        count = write_atomically(output, lambda stream: store.export(stream, format_name))
    click.echo(
        f"Wrote {count} {'quads' if EXPORT_FORMATS[format_name].supports_datasets else 'triples'} to {output}.",
        err=True,
    )


#: The commands this module adds to ``ckg``.
COMMANDS: list[click.Command] = [validate, load, retract, articles, export]
