"""The `ckg` command line: a thin layer over the library.

Each command turns its options into one library call and turns the library's
known errors (:class:`ceasefire_kg.errors.CkgError`) into a clear message and
exit code 1.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import logging
import os
import shlex
import shutil
import sys
import webbrowser
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import click
import neo4j

from ceasefire_kg import __version__, analysis, neo4j_server, saved_queries
from ceasefire_kg import browser as browser_assets
from ceasefire_kg.errors import (
    CkgError,
    GraphDatabaseError,
    QueryBackendUnavailable,
    QueryNeo4jUnreachable,
    QueryParameterError,
    clause,
)
from ceasefire_kg.files import write_atomically
from ceasefire_kg.loaders.load import load_into_folder, validate_against_folder
from ceasefire_kg.namespaces import article_graph_iri
from ceasefire_kg.neo4j_export import export_neo4j
from ceasefire_kg.push import DEFAULT_BATCH_TRIPLES
from ceasefire_kg.push import push as push_to_neo4j
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

_fact_paths_argument = click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))


def _progress(message: str) -> None:
    # Progress goes to stderr so that stdout carries only the results.
    click.echo(message, err=True)


class _StageProgress:
    """Progress on stderr for long work, once it is big enough to wait for.

    Called with (stage, done, total): a stage with a known size gets a bar;
    one without (reading the store's triples) gets a running count.
    """

    def __init__(self, threshold: int = 5_000) -> None:
        self.threshold = threshold
        self.stage = ""
        self.bar: Any = None
        self.counting = False
        self.shown = 0

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        if stage != self.stage:
            self.close()
            self.stage, self.shown = stage, 0
        if max(done, total or 0) < self.threshold:
            return
        if total is None:
            # A running count on a terminal; elsewhere (a log file) only the final one.
            if sys.stderr.isatty():
                click.echo(f"\r{stage}: {done:,}", nl=False, err=True)
            self.counting, self.shown = True, done
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label=stage, file=sys.stderr, show_pos=True)
            self.bar.__enter__()
        self.bar.update(done - self.shown)
        self.shown = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None
        if self.counting:
            if sys.stderr.isatty():
                click.echo(err=True)
            else:
                click.echo(f"{self.stage}: {self.shown:,}", err=True)
            self.counting = False


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


# --- Neo4j connection: one option set, one driver builder ------------------------

_BOLT_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
_URI_HINT = "Use neo4j://HOST:PORT, neo4j+s://HOST (cluster, Aura) or bolt://HOST:PORT (--uri / NEO4J_URI)."


def _neo4j_connection_options(*, backend_choice: bool = False) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Add --uri, --username, --password and --database (NEO4J_* variables) to a command.

    Args:
        backend_choice: For commands that can also answer from the embedded
            store (--backend auto): no default URI, so that an unset NEO4J_URI
            means "use the store", and the server's default database.
    """
    if backend_choice:
        uri = click.option(
            "--uri",
            envvar="NEO4J_URI",
            show_envvar=True,
            default=None,
            help="Bolt URI of the Neo4j server, such as neo4j://127.0.0.1:7687. "
            "Without it, --backend auto uses the embedded store.",
        )
        database = click.option(
            "--database",
            envvar="NEO4J_DATABASE",
            show_envvar=True,
            default=None,
            help="Neo4j database. [default: the server's default database]",
        )
    else:
        uri = click.option(
            "--uri",
            envvar="NEO4J_URI",
            show_envvar=True,
            default=f"neo4j://{neo4j_server.HOST}:{neo4j_server.DEFAULT_BOLT_PORT}",
            show_default=True,
            help="Bolt URI of the Neo4j server (neo4j://, neo4j+s:// for a cluster or Aura, bolt://).",
        )
        database = click.option(
            "--database",
            envvar="NEO4J_DATABASE",
            show_envvar=True,
            default=neo4j_server.DEFAULT_DATABASE,
            show_default=True,
            help="Neo4j database.",
        )
    options = [
        uri,
        click.option(
            "--username",
            envvar="NEO4J_USERNAME",
            show_envvar=True,
            default=neo4j_server.USERNAME,
            show_default=True,
            help="Neo4j user.",
        ),
        click.option(
            "--password",
            envvar="NEO4J_PASSWORD",
            show_envvar=True,
            default=None,
            help="Neo4j password. [default: the managed server's, kept by 'ckg neo4j start']",
        ),
        database,
    ]

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        for option in reversed(options):
            command = option(command)
        return command

    return decorate


@contextlib.contextmanager
def _neo4j_driver(
    uri: str, username: str, password: str | None, unusable: type[CkgError] = GraphDatabaseError
) -> Iterator[neo4j.Driver]:
    """Build the driver from the connection options (the only place that does).

    Args:
        uri: The Bolt URI.
        username: The user.
        password: The password; None for the managed server's stored one.
        unusable: The error to raise when the options cannot give a driver.
    """
    # A URI that is no Bolt URI at all is the first thing to fix, before any password.
    if uri.split("://", 1)[0].lower() not in _BOLT_SCHEMES:
        raise unusable(f"{uri!r} is not a Bolt URI. {_URI_HINT}")
    if password is None:
        home = os.environ.get("CKG_NEO4J_HOME")
        settings = neo4j_server.Neo4jSettings(home=Path(home)) if home else neo4j_server.Neo4jSettings()
        password = neo4j_server.stored_password(settings)
        if password is None:
            raise unusable(
                "No Neo4j password: give it with --password or NEO4J_PASSWORD "
                f"(for the managed server it is kept in {settings.password_file} once `ckg neo4j start` ran)."
            )
    if logging.getLogger().getEffectiveLevel() > logging.DEBUG:
        # The driver logs failed attempts itself; ckg's error message says it all (-vv shows them).
        logging.getLogger("neo4j").setLevel(logging.CRITICAL)
    try:
        driver = neo4j.GraphDatabase.driver(uri, auth=(username, password))
    except (ValueError, neo4j.exceptions.ConfigurationError) as error:
        raise unusable(f"Cannot use the Neo4j URI {uri!r}: {clause(str(error))}. {_URI_HINT}") from error
    with driver:
        yield driver


@cli.command()
@click.option(
    "-f",
    "--format",
    "format_name",
    type=click.Choice(sorted(EXPORT_FORMATS)),
    default="turtle",
    show_default=True,
    help="RDF format. turtle and ntriples merge the article graphs; nquads, trig and jsonld keep them "
    "(from Neo4j they get the merged graph as their default graph).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write to this file (replaced only once complete) instead of standard output.",
)
@click.option(
    "--from",
    "source",
    type=click.Choice(["store", "neo4j"]),
    default="store",
    show_default=True,
    help="Read the embedded store, or read back over Bolt the graph `ckg push` wrote to Neo4j.",
)
@_store_option
@_neo4j_connection_options()
@reports_errors
def export(
    format_name: str,
    output: Path | None,
    source: str,
    store_path: Path,
    uri: str,
    username: str,
    password: str | None,
    database: str,
) -> None:
    """Write the stored graph as RDF, in a stable order that diffs well."""
    if source == "neo4j":
        with _neo4j_driver(uri, username, password) as driver:
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


# --- ckg browser: Neo4j Browser's style and guided tour ------------------------


def _browser_port_option(name: str, help_text: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return click.option(
        name,
        "port" if name == "--port" else "browser_port",
        type=click.IntRange(1, 65535),
        default=browser_assets.DEFAULT_PORT,
        envvar="CKG_BROWSER_PORT",
        show_envvar=True,
        show_default=True,
        help=help_text,
    )


def _home_option(home: Path | None) -> str:
    """`` --home HOME`` for a command to print (quoted for the shell), or nothing."""
    return f" --home {shlex.quote(str(home))}" if home is not None else ""


def _echo_browser_target(target: browser_assets.BrowserTarget, port: int, home: Path | None) -> None:
    click.echo(f"Neo4j Browser: {target.link}")
    if target.managed and target.password_file is not None:
        click.echo(f"Log in as {neo4j_server.USERNAME}; the password is in {target.password_file}.")
    if target.autoload:
        click.echo("After you connect, Browser applies the style and opens the guide by itself.")
        click.echo("To load them again, run in Browser:")
    else:
        click.echo("In Neo4j Browser, run these two commands to style the graph and open the guide:")
    for command in browser_assets.browser_commands(port):
        click.echo(f"  {command}")
    home_option = _home_option(home)
    if target.managed and not target.running:
        click.echo(
            f"Note: the managed Neo4j is not running. Start it with `ckg neo4j start{home_option}`, "
            "or give --uri (NEO4J_URI) for a Neo4j of your own.",
            err=True,
        )
    elif target.managed and not target.autoload:
        configured = f"loads '{target.configured_command}'" if target.configured_command else "loads nothing"
        click.echo(
            f"Note: after connecting, the managed Neo4j {configured}. To have it load these by itself, "
            f"restart it: `ckg neo4j stop{home_option}`, then `ckg neo4j start{home_option} --browser-port {port}`.",
            err=True,
        )


@cli.command("browser")
@_browser_port_option("--port", "Port on 127.0.0.1 to serve the style and the guide on.")
@click.option(
    "--uri",
    envvar="NEO4J_URI",
    show_envvar=True,
    default=None,
    help="Bolt URI of a Neo4j server that ckg does not manage. [default: the managed server]",
)
@click.option(
    "--browser-url",
    default=None,
    help="Where that server's Neo4j Browser is. [default: http://HOST:7474/browser/ for --uri's HOST]",
)
@click.option(
    "--database",
    envvar="NEO4J_DATABASE",
    show_envvar=True,
    default=None,
    help="Database to open in Browser. [default: the server's default]",
)
@click.option(
    "--home",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="CKG_NEO4J_HOME",
    show_envvar=True,
    default=None,
    help="Home folder of the managed server (as for `ckg neo4j`).",
)
@click.option("--open", "open_page", is_flag=True, help="Open the Browser URL in your web browser.")
@click.option("--print-only", is_flag=True, help="Print the URL and the commands, and exit without serving.")
@reports_errors
def browser_command(
    port: int,
    uri: str | None,
    browser_url: str | None,
    database: str | None,
    home: Path | None,
    open_page: bool,
    print_only: bool,
) -> None:
    """Style the graph in Neo4j Browser and open a guided tour of the saved queries.

    Serves the stylesheet and the guide on 127.0.0.1 and prints Neo4j Browser's
    URL with the connection preselected. It runs in the foreground until Ctrl-C
    (unless --print-only): Browser fetches both from it.

    The managed server (`ckg neo4j start`) loads the style and the guide by
    itself after you connect. For a Neo4j of your own (--uri), paste the two
    printed commands into Browser.
    """
    if browser_url and not uri:
        raise click.UsageError("--browser-url is for a Neo4j of your own: give its --uri too.")
    if uri:
        target = browser_assets.external_target(uri, browser_url, database)
    else:
        settings = neo4j_server.Neo4jSettings() if home is None else neo4j_server.Neo4jSettings(home=home)
        target = browser_assets.managed_target(settings, port, database)
    server = None if print_only else browser_assets.AssetServer(port)
    try:
        _echo_browser_target(target, port, home)
        if open_page and not webbrowser.open(target.link):
            click.echo("Could not open a web browser here; open the URL above yourself.", err=True)
        if server is None:
            click.echo("These commands work while `ckg browser` serves them: run it without --print-only.", err=True)
            return
        click.echo(
            f"Serving the style and the guide on http://{browser_assets.BIND_HOST}:{port}/ until Ctrl-C.", err=True
        )
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("Stopped.", err=True)
    finally:
        if server is not None:
            server.close()


# --- ckg push: the store to Neo4j ------------------------------------------------


@cli.command()
@_store_option
@_neo4j_connection_options()
@click.option(
    "--rebuild",
    is_flag=True,
    help="Delete everything ckg pushed to the database before, then push every graph again.",
)
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=DEFAULT_BATCH_TRIPLES,
    show_default=True,
    help="Triples per transaction (whole articles only: a bigger article makes a bigger one).",
)
@reports_errors
def push(
    store_path: Path,
    uri: str,
    username: str,
    password: str | None,
    database: str,
    rebuild: bool,
    batch_size: int,
) -> None:
    """Send the store to Neo4j, for querying and exploring there.

    Only articles added, changed or retracted since the last push are sent; each
    transaction holds whole articles, so an interrupted push leaves none half
    written, and running push again completes it. See docs/property-graph.md
    for the graph's shape.
    """
    progress = _StageProgress(threshold=1)
    try:
        with Store.open_read_only(store_path) as store, _neo4j_driver(uri, username, password) as driver:
            report = push_to_neo4j(
                store,
                driver,
                database,
                batch_triples=batch_size,
                rebuild=rebuild,
                on_progress=lambda done, total: progress("Pushing graphs", done, total),
            )
    finally:
        progress.close()
    click.echo(report.describe())


# --- ckg queries, ckg query: the saved questions ---------------------------------

_BACKENDS = ("auto", "local", "neo4j")

_table_format_option = click.option(
    "-f",
    "--format",
    "output_format",
    type=click.Choice(saved_queries.OUTPUT_FORMATS),
    default="table",
    show_default=True,
    help="table for reading; json (an array of objects) and csv for programs.",
)
_Answer = TypeVar("_Answer")

_backend_option = click.option(
    "--backend",
    type=click.Choice(_BACKENDS),
    default="auto",
    show_default=True,
    help="Where to answer: neo4j, the embedded store (local), or auto: Neo4j when NEO4J_URI "
    "(--uri) is set and the server answers, else the embedded store.",
)


def _on_backend(
    backend: str,
    store_path: Path,
    connection: dict[str, Any],
    local: Callable[[Store], _Answer],
    remote: Callable[[neo4j.Driver, str | None], _Answer] | None,
) -> _Answer:
    """Answer with ``local`` on the store or ``remote`` on Neo4j, saying on stderr which.

    Args:
        backend: auto, local or neo4j.
        store_path: The embedded store.
        connection: The --uri, --username, --password and --database values.
        local: Answers from the store.
        remote: Answers from Neo4j; None when only the store can answer.
    """
    uri = connection["uri"]

    def on_store(announcement: str) -> _Answer:
        with Store.open_read_only(store_path) as store:
            # Said once the store has opened: a missing store is an error, not a backend.
            _progress(announcement)
            return local(store)

    if backend == "local" or (backend == "auto" and remote is None):
        return on_store(f"Backend: the embedded store at {store_path}.")
    if not uri:
        if backend == "neo4j":
            raise QueryBackendUnavailable(
                "--backend neo4j needs the server's address: give --uri or set NEO4J_URI "
                "(such as neo4j://127.0.0.1:7687, as 'ckg neo4j start' prints it)."
            )
        return on_store(f"Backend: the embedded store at {store_path} (NEO4J_URI is not set).")
    assert remote is not None
    database = connection["database"]
    try:
        with _neo4j_driver(uri, connection["username"], connection["password"], QueryNeo4jUnreachable) as driver:
            problem = saved_queries.neo4j_problem(driver, uri, database)
            if problem is None:
                _progress(f"Backend: Neo4j at {uri} ({f'database {database}' if database else 'default database'}).")
                return remote(driver, database)
    except QueryNeo4jUnreachable as error:
        # The options cannot make a driver (no password, not a Bolt URI).
        if backend == "neo4j":
            raise
        reason = clause(str(error))
    else:
        # Only a server that cannot be used sends --backend auto to the store;
        # a question that fails on a reachable server is reported.
        assert problem is not None  # the block returned otherwise
        if backend == "neo4j":
            raise problem.error()
        # The driver's own words are for -v; the note says what happened in a few.
        logger.info("%s", problem.message)
        reason = problem.summary
    return on_store(f"{reason}; answering from the embedded store at {store_path}.")


@cli.command("queries")
@click.argument("name", required=False)
@reports_errors
def queries_command(name: str | None) -> None:
    """List the saved queries with their titles and parameters; with NAME, describe one."""
    if name is not None:
        click.echo(saved_queries.describe_query(saved_queries.find_query(name)), nl=False)
        return
    queries = saved_queries.saved_queries()
    width = max(len(query.name) for query in queries) + 2
    for query in queries:
        click.echo(f"{query.name:<{width}}{query.title}")
        for parameter in query.parameters:
            click.echo(f"{'':<{width}}  -p {parameter.signature}")
    click.echo("\nRun one with 'ckg query NAME -p NAME=VALUE ...'; 'ckg queries NAME' describes it.", err=True)


@cli.command("query")
@click.argument("name")
@click.option(
    "-p",
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="A parameter of the query (repeatable); see 'ckg queries NAME'.",
)
@_table_format_option
@_backend_option
@_store_option
@_neo4j_connection_options(backend_choice=True)
@reports_errors
def query_command(
    name: str,
    params: tuple[str, ...],
    output_format: str,
    backend: str,
    store_path: Path,
    uri: str | None,
    username: str,
    password: str | None,
    database: str | None,
) -> None:
    """Answer a saved question, or your own .cypher file with the same header.

    NAME is a saved query (list them with 'ckg queries') or the path of a
    .cypher file; a .rq file of the same name beside it answers on the
    embedded store. Which backend answered is said on stderr.
    """
    query = saved_queries.find_query(name)
    given = saved_queries.parse_assignments(params)
    values = query.bind(given)
    # Only ids the user typed can be typos; the defaults are the query's own.
    typed = {key: value for key, value in values.items() if key in given}
    connection = {"uri": uri, "username": username, "password": password, "database": database}

    def on_store(store: Store) -> tuple[saved_queries.QueryResult, list[saved_queries.MissingReference]]:
        result = saved_queries.run_local(query, store, values)
        return result, [] if result.rows else saved_queries.missing_references_local(query, store, typed)

    def on_neo4j(
        driver: neo4j.Driver, database: str | None
    ) -> tuple[saved_queries.QueryResult, list[saved_queries.MissingReference]]:
        result = saved_queries.run_neo4j(query, driver, values, database)
        return result, [] if result.rows else saved_queries.missing_references_neo4j(query, driver, typed, database)

    result, missing = _on_backend(
        backend, store_path, connection, local=on_store, remote=None if query.cypher is None else on_neo4j
    )
    width = shutil.get_terminal_size((120, 24)).columns
    click.echo(saved_queries.format_result(result, output_format, width=width), nl=False)
    _progress(f"{len(result.rows)} row{'s' if len(result.rows) != 1 else ''}.")
    for reference in missing:
        # A warning, not an error: an empty answer can be right, and the exit code stays 0.
        _progress(f"Warning: {reference.describe(result.backend)}")


# --- ckg analyze: negotiation analytics with networkx --------------------------------


class _FactOption(click.ParamType):
    """An option value converted as a saved-query parameter of the same type is."""

    def __init__(self, type_name: str, kind: str | None = None) -> None:
        self.parameter = saved_queries.Parameter("value", type_name, kind)
        self.name = kind or type_name  # shown in help as PROPOSAL, SCOPE, DATE

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if not isinstance(value, str):
            return value
        try:
            return self.parameter.convert(value)
        except QueryParameterError as error:
            self.fail(str(error).removeprefix("Parameter 'value' "), param, ctx)


def _analysis_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options every `ckg analyze` command shares: the date, the backend and its connection."""
    options = [
        click.option(
            "--as-of",
            type=_FactOption("date"),
            default=None,
            help="Answer as of this date (YYYY-MM-DD).  [default: latest, everything known]",
        ),
        _backend_option,
        _store_option,
        _neo4j_connection_options(backend_choice=True),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _read_negotiation(backend: str, store_path: Path, connection: dict[str, Any]) -> analysis.NegotiationGraph:
    """The negotiation graph from the backend asked for, with progress on stderr."""
    progress = _StageProgress()
    try:
        return _on_backend(
            backend,
            store_path,
            connection,
            local=lambda store: analysis.NegotiationGraph.from_store(store, progress),
            remote=lambda driver, database: analysis.NegotiationGraph.from_neo4j(driver, database, progress),
        )
    finally:
        progress.close()


def _echo_table(table: analysis.Table, output_format: str, title: str | None = None) -> None:
    if title and output_format == "table":
        click.echo(f"{title}\n")
    width = shutil.get_terminal_size((120, 24)).columns
    click.echo(saved_queries.format_result(table, output_format, width=width), nl=False)


def _network_file(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    """Check the --output suffix before any work is done."""
    if value is not None and value.suffix.lower().lstrip(".") not in analysis.GRAPH_FORMATS:
        raise click.BadParameter(f"{value} should end in .graphml or .gexf: the suffix chooses the format.")
    return value


def _write_network(network: Any, output: Path, what: str) -> None:
    """Write a network as GraphML or GEXF (by the file's suffix), replacing the file only once complete."""
    format_name = output.suffix.lower().lstrip(".")
    write_atomically(output, lambda stream: analysis.write_network(network, stream, format_name))
    _progress(
        f"Wrote the {what} network ({network.number_of_nodes()} nodes, {network.number_of_edges()} edges) to {output}."
    )


_network_output_option = click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    callback=_network_file,
    help="Also write the network to this file, as GraphML (.graphml) or GEXF (.gexf) for Gephi.",
)


def _proposal_option(what: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return click.option(
        "--proposal",
        type=_FactOption("iri", "proposal"),
        default=None,
        help=f"{what} (an id such as us-30-day-ceasefire, or an IRI).",
    )


@cli.group("analyze")
def analyze_group() -> None:
    """The shape of the negotiation: blocs, brokers, why a demand blocks, gaps.

    Each command reads the graph from the embedded store or from Neo4j
    (--backend, as for 'ckg query') and answers the same on both.
    """


@analyze_group.command("alignment")
@_proposal_option("Compare stances on this proposal only")
@_network_output_option
@_table_format_option
@_analysis_options
@reports_errors
def analyze_alignment(
    proposal: str | None,
    output: Path | None,
    output_format: str,
    as_of: dt.date | None,
    backend: str,
    store_path: Path,
    **connection: Any,
) -> None:
    """Which sides stand together: pairs of sides weighted by shared and opposed stances, and blocs.

    Two sides agree on a proposal when their current stances fall in the same
    group (for: accepts, supports; conditional; against: rejects), and disagree
    otherwise; people count for the side they represent, and a proposer without
    a position counts as supporting its proposal. Blocs are the Louvain
    communities of the pairs that agree more than they disagree. With -f json
    the output holds the stances, the pairs and the blocs; with -f csv, the pairs.
    """
    negotiation = _read_negotiation(backend, store_path, connection)
    result = analysis.alignment(negotiation, as_of, proposal)
    if output is not None:
        _write_network(result.network, output, "alignment")
    if output_format == "json":
        click.echo(
            json.dumps(
                {
                    name: table.records()
                    for name, table in (
                        ("stances", result.stances),
                        ("pairs", result.pairs()),
                        ("blocs", result.bloc_table()),
                    )
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    if output_format == "csv":
        _echo_table(result.pairs(), output_format)
        return
    _echo_table(result.stances, output_format, "Stances compared")
    click.echo()
    _echo_table(result.pairs(), output_format, "Pairs of sides (weight: agreements minus disagreements)")
    click.echo()
    _echo_table(result.bloc_table(), output_format, "Blocs")


@analyze_group.command("brokers")
@_network_output_option
@_table_format_option
@_analysis_options
@reports_errors
def analyze_brokers(
    output: Path | None, output_format: str, as_of: dt.date | None, backend: str, store_path: Path, **connection: Any
) -> None:
    """Actors who connect otherwise separate sides: betweenness on the interaction network.

    Actors are in contact when they take part in the same call, meeting or
    talks, when one mediates between parties, or when one represents the
    other. betweenness is the share of shortest paths between other actors
    that pass through the actor; connects lists the other sides it is in
    contact with.
    """
    negotiation = _read_negotiation(backend, store_path, connection)
    result = analysis.brokers(negotiation, as_of)
    if output is not None:
        _write_network(result.network, output, "interaction")
    _echo_table(result.table, output_format)


@analyze_group.command("explain")
@click.argument("demand_id", type=_FactOption("fact-id"))
@click.option(
    "-f",
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for reading; json for programs.",
)
@_analysis_options
@reports_errors
def analyze_explain(
    demand_id: str, output_format: str, as_of: dt.date | None, backend: str, store_path: Path, **connection: Any
) -> None:
    """Why a demand blocks: the chain of facts, each with its quote.

    DEMAND_ID is the demand's id (as in 'ckg query demands') or IRI. The chain
    goes from the demand to who made it, its status, and for each proposal it
    is a precondition for: how it became one (directly, or through a
    conditional or rejecting position) and whether that side accepts the
    proposal unconditionally. The definition is that of the blocking-demands
    saved query.
    """
    negotiation = _read_negotiation(backend, store_path, connection)
    explanation = analysis.explain(negotiation, demand_id, as_of)
    if output_format == "json":
        click.echo(json.dumps(analysis.explanation_record(explanation), ensure_ascii=False, indent=2))
        return
    click.echo(analysis.format_explanation(explanation), nl=False)


@analyze_group.command("gaps")
@click.option(
    "--scope",
    type=_FactOption("iri", "scope"),
    default=None,
    help="Only proposals of this scope or a narrower one (an id such as comprehensive).  [default: every proposal]",
)
@_proposal_option("Only this proposal")
@_table_format_option
@_analysis_options
@reports_errors
def analyze_gaps(
    scope: str | None,
    proposal: str | None,
    output_format: str,
    as_of: dt.date | None,
    backend: str,
    store_path: Path,
    **connection: Any,
) -> None:
    """Demands and positions that cannot both hold: the points to negotiate.

    Each row pairs a blocking demand with another side's current unconditional
    acceptance of the same proposal. addressed says whether the demand is made
    of the accepting side (or of a bloc it belongs to).
    """
    negotiation = _read_negotiation(backend, store_path, connection)
    progress = _StageProgress(threshold=500)
    try:
        table = analysis.gaps(negotiation, as_of, scope, proposal, progress)
    finally:
        progress.close()
    _echo_table(table, output_format)


# --- ckg neo4j: a managed local Neo4j server ----------------------------------


def _neo4j_home_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--home",
        type=click.Path(file_okay=False, path_type=Path),
        envvar="CKG_NEO4J_HOME",
        show_envvar=True,
        default=None,
        help=(f"Folder for the server's jars, configuration, data and logs. [default: {neo4j_server.default_home()}]"),
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
@_browser_port_option(
    "--browser-port",
    "Port of `ckg browser`, from which Neo4j Browser loads the style and the guide after connecting.",
)
@click.option(
    "--browser-autoload/--no-browser-autoload",
    default=True,
    show_default=True,
    help="Have Neo4j Browser load ckg's style and guide after connecting (browser.post_connect_cmd).",
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
    browser_port: int,
    browser_autoload: bool,
) -> None:
    """Start the server in the background (no-op if it already runs).

    Neo4j Browser is set up to load ckg's style and guide after connecting;
    `ckg browser` serves them.
    """
    settings = _neo4j_settings(
        home,
        bolt_port=bolt_port,
        http_port=http_port,
        heap=heap,
        page_cache=page_cache,
        maven_settings=maven_settings,
        browser_post_connect_cmd=(browser_assets.post_connect_command(browser_port) if browser_autoload else None),
    )
    result = neo4j_server.start(settings, password, timeout=timeout, on_progress=_progress)
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
    if browser_autoload and browser_assets.managed_target(settings, browser_port).autoload:
        # The whole command, so that it serves the port this server loads from.
        port_option = "" if browser_port == browser_assets.DEFAULT_PORT else f" --port {browser_port}"
        own_home = None if settings.home == neo4j_server.Neo4jSettings().home else settings.home
        click.echo(
            "For a styled graph and a guided tour in Neo4j Browser, run "
            f"`ckg browser{port_option}{_home_option(own_home)}`.",
            err=True,
        )


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
    else:
        answering = "" if state.accepting_connections else ", not accepting connections yet"
        click.echo(f"Neo4j is running (pid {state.pid}{answering}).")
    click.echo(f"Bolt port:   {state.bolt_port}")
    click.echo(f"HTTP port:   {state.http_port}")
    if state.running:
        _echo_status(state)
    else:
        click.echo(f"Data folder: {state.data_dir}")


@neo4j_group.command("reset")
@_neo4j_home_option
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@reports_errors
def neo4j_reset(home: Path | None, yes: bool) -> None:
    """Delete the server's data folder (every graph) and its stored password."""
    settings = _neo4j_settings(home)
    if not yes:
        click.confirm(f"Delete {settings.data_dir} and every graph in it?", abort=True, err=True)
    removed = neo4j_server.reset(settings)
    if not removed:
        click.echo(f"Nothing to delete in {settings.home}.")
    for path in removed:
        click.echo(f"Deleted {path}")


def main() -> None:
    """Console-script entry point."""
    cli()
