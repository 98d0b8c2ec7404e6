"""What the commands share: error reporting, progress on stderr, and the options of the store, Neo4j and back ends."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import logging
import shutil
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ceasefire_kg import neo4j_server
from ceasefire_kg.cli.tables import OUTPUT_FORMATS, format_result
from ceasefire_kg.defaults import BACKEND_CHOICES, DEFAULT_STORE, GRAPH_FORMATS
from ceasefire_kg.errors import (
    CkgError,
    QueryParameterError,
)
from ceasefire_kg.files import write_atomically

# The command line imports the library's heavy parts (rdflib, the Neo4j driver,
# networkx) only in the commands that use them, so that it starts at once.
if TYPE_CHECKING:
    from ceasefire_kg.analysis import NegotiationGraph, Table
    from ceasefire_kg.backends import Backend
    from ceasefire_kg.connection import Connection
    from ceasefire_kg.saved_queries import Parameter

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


def env_option(
    *decls: str, envvar: str, help_text: str, default: Any = None, param_type: Any = None
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """An option read from the environment variable ``envvar`` when not given.

    --help shows the variable, and the default unless it is None (the help
    text then says what happens without the option).
    """
    return click.option(
        *decls, type=param_type, default=default, envvar=envvar, show_envvar=True, show_default=True, help=help_text
    )


def choice_option(
    *param_decls: str, choices: Sequence[str], default: str, help_text: str
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """An option that takes one of ``choices``, with its default shown in --help."""
    return click.option(*param_decls, type=click.Choice(choices), default=default, show_default=True, help=help_text)


# --- the embedded store: validate, load, retract, articles, export ----------

store_option = env_option(
    "--store",
    "store_path",
    envvar="CKG_STORE",
    default=DEFAULT_STORE,
    param_type=click.Path(path_type=Path, file_okay=False),
    help_text="Folder of the embedded store.",
)

text_dir_option = click.option(
    "--text-dir",
    "text_dirs",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    multiple=True,
    envvar="CKG_TEXT_DIRS",
    show_envvar=True,
    help="Folder of article texts named <article id>.txt, to check quotes against (repeatable).",
)

fact_paths_argument = click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))


def progress_note(message: str) -> None:
    # Progress goes to stderr so that stdout carries only the results.
    click.echo(message, err=True)


class StageProgress:
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


def neo4j_connection_options(*, backend_choice: bool = False) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Add --uri, --username, --password and --database (NEO4J_* variables) to a command.

    Args:
        backend_choice: For commands that can also answer from the embedded
            store (--backend auto): no default URI, so that an unset NEO4J_URI
            means "use the store", and the server's default database.
    """
    if backend_choice:
        uri = env_option(
            "--uri",
            envvar="NEO4J_URI",
            help_text="Bolt URI of the Neo4j server, such as neo4j://127.0.0.1:7687. "
            "Without it, --backend auto uses the embedded store.",
        )
        database = env_option(
            "--database",
            envvar="NEO4J_DATABASE",
            help_text="Neo4j database. [default: the server's default database]",
        )
    else:
        uri = env_option(
            "--uri",
            envvar="NEO4J_URI",
            default=f"neo4j://{neo4j_server.HOST}:{neo4j_server.DEFAULT_BOLT_PORT}",
            help_text="Bolt URI of the Neo4j server (neo4j://, neo4j+s:// for a cluster or Aura, bolt://).",
        )
        database = env_option(
            "--database", envvar="NEO4J_DATABASE", default=neo4j_server.DEFAULT_DATABASE, help_text="Neo4j database."
        )
    options = [
        uri,
        env_option("--username", envvar="NEO4J_USERNAME", default=neo4j_server.USERNAME, help_text="Neo4j user."),
        env_option(
            "--password",
            envvar="NEO4J_PASSWORD",
            help_text="Neo4j password. [default: the managed server's, kept by 'ckg neo4j start']",
        ),
        database,
    ]

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        # The command receives one Connection instead of the four values.
        @functools.wraps(command)
        def with_connection(
            *args: Any, uri: str | None, username: str, password: str | None, database: str | None, **kwargs: Any
        ) -> Any:
            from ceasefire_kg.connection import Connection

            return command(*args, connection=Connection(uri, username, password, database), **kwargs)

        for option in reversed(options):
            with_connection = option(with_connection)
        return with_connection

    return decorate


# --- ckg queries, ckg query: the saved questions ---------------------------------


table_format_option = choice_option(
    "-f",
    "--format",
    "output_format",
    choices=OUTPUT_FORMATS,
    default="table",
    help_text="table for reading; json (an array of objects) and csv for programs.",
)

backend_option = choice_option(
    "--backend",
    choices=BACKEND_CHOICES,
    default="auto",
    help_text="Where to answer: neo4j, the embedded store (local), or auto: Neo4j when NEO4J_URI "
    "(--uri) is set and the server answers, else the embedded store.",
)


@contextlib.contextmanager
def chosen_backend(
    choice: str, store_path: Path, connection: Connection, *, neo4j_can_answer: bool = True
) -> Iterator[Backend]:
    """The back end ``--backend`` chose, said on stderr once it works (see :func:`open_backend`)."""
    from ceasefire_kg.backends import open_backend

    with open_backend(choice, store_path, connection, neo4j_can_answer=neo4j_can_answer) as selected:
        progress_note(selected.note)
        yield selected.backend


# --- ckg analyze: negotiation analytics with networkx --------------------------------


class FactOption(click.ParamType):
    """An option value converted as a saved-query parameter of the same type is."""

    def __init__(self, type_name: str, kind: str | None = None) -> None:
        self.type_name, self.kind = type_name, kind
        self.name = kind or type_name  # shown in help as PROPOSAL, SCOPE, DATE

    @functools.cached_property
    def parameter(self) -> Parameter:
        # Built on first use: the saved queries' module loads rdflib, which --help does not need.
        from ceasefire_kg.saved_queries import Parameter

        return Parameter("value", self.type_name, self.kind)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if not isinstance(value, str):
            return value
        try:
            return self.parameter.convert(value)
        except QueryParameterError as error:
            self.fail(str(error).removeprefix("Parameter 'value' "), param, ctx)


def analysis_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options every `ckg analyze` command shares: the date, the backend and its connection."""
    options: list[Callable[[Callable[..., Any]], Callable[..., Any]]] = [
        click.option(
            "--as-of",
            type=FactOption("date"),
            default=None,
            help="Answer as of this date (YYYY-MM-DD).  [default: latest, everything known]",
        ),
        backend_option,
        store_option,
        neo4j_connection_options(backend_choice=True),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@contextlib.contextmanager
def read_negotiation(
    choice: str, store_path: Path, connection: Connection, as_of: dt.date | None = None
) -> Iterator[tuple[NegotiationGraph, Backend]]:
    """The negotiation graph from the back end asked for (progress on stderr), and that back end, open.

    With ``as_of``, the graph holds only what was known on that date.

    The back end stays open inside the ``with`` block, for analyses that also
    run a saved query (explain, gaps).
    """
    from ceasefire_kg.analysis import NegotiationGraph

    with chosen_backend(choice, store_path, connection) as backend:
        progress = StageProgress()
        try:
            negotiation = NegotiationGraph.read(backend, progress, as_of)
        finally:
            progress.close()
        yield negotiation, backend


def echo_table(table: Table, output_format: str, title: str | None = None) -> None:
    if title and output_format == "table":
        click.echo(f"{title}\n")
    width = shutil.get_terminal_size((120, 24)).columns
    click.echo(format_result(table, output_format, width=width), nl=False)


def network_file(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    """Check the --output suffix before any work is done."""
    if value is not None and value.suffix.lower().lstrip(".") not in GRAPH_FORMATS:
        raise click.BadParameter(f"{value} should end in .graphml or .gexf: the suffix chooses the format.")
    return value


def write_network_file(network: Any, output: Path, what: str) -> None:
    """Write a network as GraphML or GEXF (by the file's suffix), replacing the file only once complete."""
    from ceasefire_kg.analysis import write_network

    format_name = output.suffix.lower().lstrip(".")
    write_atomically(output, lambda stream: write_network(network, stream, format_name))
    progress_note(
        f"Wrote the {what} network ({network.number_of_nodes()} nodes, {network.number_of_edges()} edges) to {output}."
    )


network_output_option = click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    callback=network_file,
    help="Also write the network to this file, as GraphML (.graphml) or GEXF (.gexf) for Gephi.",
)


def proposal_option(what: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return click.option(
        "--proposal",
        type=FactOption("iri", "proposal"),
        default=None,
        help=f"{what} (an id such as us-30-day-ceasefire, or an IRI).",
    )


# --- ckg neo4j: a managed local Neo4j server ----------------------------------


def neo4j_home_option(
    help_text: str = "Folder for the server's jars, configuration, data and logs.",
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The managed server's --home (CKG_NEO4J_HOME); read into settings by :func:`neo4j_settings`."""
    return env_option(
        "--home",
        envvar=neo4j_server.HOME_ENV,
        param_type=click.Path(file_okay=False, path_type=Path),
        help_text=f"{help_text} [default: {neo4j_server.default_home()}]",
    )


def neo4j_settings(home: Path | None, **overrides: Any) -> neo4j_server.Neo4jSettings:
    """The managed server's settings for --home (else CKG_NEO4J_HOME, else the default home)."""
    return neo4j_server.Neo4jSettings.for_home(home, **overrides)


def echo_status(state: neo4j_server.ServerStatus) -> None:
    click.echo(f"Bolt URI:    {state.bolt_uri}")
    click.echo(f"Browser URL: {state.browser_url}")
    click.echo(f"Data folder: {state.data_dir}")
