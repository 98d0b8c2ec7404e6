"""The `ckg` command line: a thin layer over the library.

Each command turns its options into one library call and turns the library's
known errors (:class:`ceasefire_kg.errors.CkgError`) into a clear message and
exit code 1.
"""

from __future__ import annotations

import functools
import logging
import sys
from pathlib import Path
from typing import Any, Callable

import click

from ceasefire_kg import __version__, neo4j_server
from ceasefire_kg.errors import CkgError
from ceasefire_kg.files import write_atomically
from ceasefire_kg.loaders.load import load_into_folder, validate_against_folder
from ceasefire_kg.namespaces import article_graph_iri
from ceasefire_kg.store import DEFAULT_STORE, EXPORT_FORMATS, Store

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


# --- the embedded store: validate, load, retract, articles, export ----------

_store_option = click.option(
    "--store",
    "store_path",
    type=click.Path(path_type=Path, file_okay=False),
    default=DEFAULT_STORE,
    envvar="CKG_STORE",
    show_envvar=True,
    show_default=True,
    help="Folder of the embedded store.",
)

_text_dir_option = click.option(
    "--text-dir",
    "text_dirs",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    multiple=True,
    envvar="CKG_TEXT_DIRS",
    show_envvar=True,
    help="Folder of article texts named <article id>.txt, to check quotes against (repeatable).",
)

_fact_paths_argument = click.argument(
    "paths", nargs=-1, required=True, type=click.Path(path_type=Path)
)


def _progress(message: str) -> None:
    # Progress goes to stderr so that stdout carries only the results.
    click.echo(message, err=True)


@cli.command()
@_fact_paths_argument
@_text_dir_option
@_store_option
@reports_errors
def validate(paths: tuple[Path, ...], text_dirs: tuple[Path, ...], store_path: Path) -> None:
    """Check article-fact files (or folders of them) without storing anything.

    Positions already in the store (if there is one) may be superseded.
    """
    report = validate_against_folder(store_path, paths, text_dirs=text_dirs, on_progress=_progress)
    click.echo(report.describe())


@cli.command()
@_fact_paths_argument
@_text_dir_option
@_store_option
@reports_errors
def load(paths: tuple[Path, ...], text_dirs: tuple[Path, ...], store_path: Path) -> None:
    """Validate article-fact files (or folders) and store them.

    A file whose article is already stored replaces it. If any file has a
    problem, nothing is stored.
    """
    report, total = load_into_folder(store_path, paths, text_dirs=text_dirs, on_progress=_progress)
    click.echo(report.describe())
    click.echo(f"The store at {store_path} now holds {total} triples.")


@cli.command()
@click.argument("article_ids", nargs=-1, required=True)
@_store_option
@reports_errors
def retract(article_ids: tuple[str, ...], store_path: Path) -> None:
    """Remove articles' facts from the store.

    Facts that other articles also assert stay.
    """
    with Store.open(store_path) as store:
        store.drop_articles(article_ids)
        total = store.count_triples()
    click.echo(f"Retracted {', '.join(article_ids)}. The store now holds {total} triples.")


@cli.command()
@_store_option
@reports_errors
def articles(store_path: Path) -> None:
    """List the stored articles with their number of triples."""
    with Store.open_read_only(store_path) as store:
        sizes = store.graph_sizes()
        ids = store.article_ids()
    for article_id in ids:
        click.echo(f"{article_id}\t{sizes.get(str(article_graph_iri(article_id)), 0)} triples")
    if not ids:
        click.echo("No articles stored yet. Load some with 'ckg load PATH'.", err=True)


@cli.command()
@click.option(
    "-f",
    "--format",
    "format_name",
    type=click.Choice(sorted(EXPORT_FORMATS)),
    default="turtle",
    show_default=True,
    help="RDF format. turtle and ntriples merge the article graphs; nquads, trig and jsonld keep them.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write to this file (replaced only once complete) instead of standard output.",
)
@_store_option
@reports_errors
def export(format_name: str, output: Path | None, store_path: Path) -> None:
    """Write the stored graph as RDF, in a stable order that diffs well."""
    with Store.open_read_only(store_path) as store:
        if output is None:
            store.export(sys.stdout.buffer, format_name)
            return
        count = write_atomically(output, lambda stream: store.export(stream, format_name))
    click.echo(f"Wrote {count} {'quads' if EXPORT_FORMATS[format_name].supports_datasets else 'triples'} to {output}.", err=True)


# --- ckg neo4j: a managed local Neo4j server ----------------------------------


def _neo4j_home_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--home",
        type=click.Path(file_okay=False, path_type=Path),
        envvar="CKG_NEO4J_HOME",
        show_envvar=True,
        default=None,
        help=(
            "Folder for the server's jars, configuration, data and logs. "
            f"[default: {neo4j_server.default_home()}]"
        ),
    )(command)


def _neo4j_settings(home: Path | None, **overrides: Any) -> neo4j_server.Neo4jSettings:
    if home is not None:
        overrides["home"] = home
    return neo4j_server.Neo4jSettings(**overrides)


def _echo_status(state: neo4j_server.ServerStatus) -> None:
    click.echo(f"Bolt URI:    {state.bolt_uri}")
    click.echo(f"Browser URL: {state.browser_url}")
    click.echo(f"Data folder: {state.data_dir}")


@cli.group("neo4j")
def neo4j_group() -> None:
    """Run a local Neo4j Community server with Neo4j Browser.

    The first start downloads Neo4j from Maven Central (needs Java 17+ and
    Maven); later starts run offline. The server listens on 127.0.0.1 only.
    """


@neo4j_group.command("start")
@_neo4j_home_option
@click.option(
    "--bolt-port",
    type=click.IntRange(1, 65535),
    default=neo4j_server.DEFAULT_BOLT_PORT,
    envvar="CKG_NEO4J_BOLT_PORT",
    show_envvar=True,
    show_default=True,
    help="Bolt port on 127.0.0.1.",
)
@click.option(
    "--http-port",
    type=click.IntRange(1, 65535),
    default=neo4j_server.DEFAULT_HTTP_PORT,
    envvar="CKG_NEO4J_HTTP_PORT",
    show_envvar=True,
    show_default=True,
    help="HTTP port on 127.0.0.1 (Neo4j Browser).",
)
@click.option(
    "--password",
    envvar="NEO4J_PASSWORD",
    show_envvar=True,
    default=None,
    help=(
        "Password of user neo4j, at least 8 characters. [default: the one kept in "
        "<home>/password, else a generated one]"
    ),
)
@click.option(
    "--heap",
    default=neo4j_server.DEFAULT_HEAP,
    envvar="CKG_NEO4J_HEAP",
    show_envvar=True,
    show_default=True,
    help="JVM heap size.",
)
@click.option(
    "--page-cache",
    default=neo4j_server.DEFAULT_PAGE_CACHE,
    envvar="CKG_NEO4J_PAGE_CACHE",
    show_envvar=True,
    show_default=True,
    help="Neo4j page cache size.",
)
@click.option(
    "--maven-settings",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    envvar="CKG_MAVEN_SETTINGS",
    show_envvar=True,
    default=None,
    help="A Maven settings.xml (mirror, proxy) for the first-start download.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=1),
    default=neo4j_server.DEFAULT_START_TIMEOUT,
    show_default=True,
    help="Seconds to wait for the server to answer.",
)
@reports_errors
def neo4j_start(
    home: Path | None,
    bolt_port: int,
    http_port: int,
    password: str | None,
    heap: str,
    page_cache: str,
    maven_settings: Path | None,
    timeout: float,
) -> None:
    """Start the server in the background (no-op if it already runs)."""
    settings = _neo4j_settings(
        home,
        bolt_port=bolt_port,
        http_port=http_port,
        heap=heap,
        page_cache=page_cache,
        maven_settings=maven_settings,
    )
    result = neo4j_server.start(
        settings, password, timeout=timeout, on_progress=_progress
    )
    state = result.status
    if result.already_running:
        click.echo(f"Neo4j was already running (pid {state.pid}).")
    else:
        click.echo(f"Neo4j {settings.neo4j_version} is running (pid {state.pid}).")
    _echo_status(state)
    click.echo(f"User:        {neo4j_server.USERNAME}")
    if result.password_generated:
        # Shown this once; it stays in the password file for later starts.
        click.echo(f"Password:    {result.password}")
        click.echo(f"             (generated; kept in {settings.password_file})")


@neo4j_group.command("stop")
@_neo4j_home_option
@reports_errors
def neo4j_stop(home: Path | None) -> None:
    """Stop the server (no-op if it is not running)."""
    settings = _neo4j_settings(home)
    pid = neo4j_server.stop(settings, on_progress=_progress)
    if pid is None:
        click.echo(f"Neo4j is not running (home {settings.home}); nothing to stop.")
    else:
        click.echo(f"Neo4j stopped (pid {pid}).")


@neo4j_group.command("status")
@_neo4j_home_option
@reports_errors
def neo4j_status(home: Path | None) -> None:
    """Tell whether the server runs, and where."""
    settings = _neo4j_settings(home)
    state = neo4j_server.status(settings)
    if not state.running:
        click.echo(f"Neo4j is not running (home {state.home}).")
        click.echo(f"Data folder: {state.data_dir}")
        return
    answering = "" if state.accepting_connections else ", not accepting connections yet"
    click.echo(f"Neo4j is running (pid {state.pid}{answering}).")
    click.echo(f"Bolt port:   {state.bolt_port}")
    click.echo(f"HTTP port:   {state.http_port}")
    _echo_status(state)


@neo4j_group.command("reset")
@_neo4j_home_option
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@reports_errors
def neo4j_reset(home: Path | None, yes: bool) -> None:
    """Delete the server's data folder (every graph) and its stored password."""
    settings = _neo4j_settings(home)
    if not yes:
        click.confirm(
            f"Delete {settings.data_dir} and every graph in it?", abort=True, err=True
        )
    removed = neo4j_server.reset(settings)
    if not removed:
        click.echo(f"Nothing to delete in {settings.home}.")
    for path in removed:
        click.echo(f"Deleted {path}")


def main() -> None:
    """Console-script entry point."""
    cli()
