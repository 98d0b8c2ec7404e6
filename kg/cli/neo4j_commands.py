"""``ckg push``, ``ckg browser`` and ``ckg neo4j``: Neo4j, Neo4j Browser and a managed local server."""

from __future__ import annotations

import dataclasses
import logging
import shlex
import webbrowser
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ceasefire_kg import neo4j_server
from ceasefire_kg.cli.common import (
    StageProgress,
    echo_status,
    env_option,
    neo4j_connection_options,
    neo4j_home_option,
    neo4j_settings,
    progress_note,
    reports_errors,
    store_option,
)
from ceasefire_kg.defaults import (
    BROWSER_ASSETS_PORT,
    BULK_PUSH_MIN_TRIPLES,
    DEFAULT_BATCH_TRIPLES,
    PUSH_TRANSACTIONS,
)

if TYPE_CHECKING:
    from ceasefire_kg.browser import BrowserTarget
    from ceasefire_kg.connection import Connection

logger = logging.getLogger(__name__)


# --- ckg browser: Neo4j Browser's style and guided tour ------------------------


def _port_option(
    *param_decls: str, envvar: str, default: int, help_text: str
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A TCP port option (1–65535) read from ``envvar`` when not given."""
    return env_option(
        *param_decls, envvar=envvar, default=default, help_text=help_text, param_type=click.IntRange(1, 65535)
    )


def _browser_port_option(name: str, help_text: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return _port_option(
        name,
        "port" if name == "--port" else "browser_port",
        envvar="CKG_BROWSER_PORT",
        default=BROWSER_ASSETS_PORT,
        help_text=help_text,
    )


def _home_option(home: Path | None) -> str:
    """`` --home HOME`` for a command to print (quoted for the shell), or nothing."""
    return f" --home {shlex.quote(str(home))}" if home is not None else ""


def _echo_browser_target(target: BrowserTarget, port: int, home: Path | None) -> None:
    from ceasefire_kg import browser as browser_assets

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


@click.command("browser")
@_browser_port_option("--port", "Port on 127.0.0.1 to serve the style and the guide on.")
@env_option(
    "--uri",
    envvar="NEO4J_URI",
    help_text="Bolt URI of a Neo4j server that ckg does not manage. [default: the managed server]",
)
@click.option(
    "--browser-url",
    default=None,
    help="Where that server's Neo4j Browser is. [default: http://HOST:7474/browser/ for --uri's HOST]",
)
@env_option(
    "--database", envvar="NEO4J_DATABASE", help_text="Database to open in Browser. [default: the server's default]"
)
@neo4j_home_option("Home folder of the managed server (as for `ckg neo4j`).")
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
    from ceasefire_kg import browser as browser_assets

    if browser_url and not uri:
        raise click.UsageError("--browser-url is for a Neo4j of your own: give its --uri too.")
    if uri:
        target = browser_assets.external_target(uri, browser_url, database)
    else:
        settings = neo4j_settings(home)
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


@click.command()
@store_option
@neo4j_connection_options()
@click.option(
    "--rebuild",
    is_flag=True,
    help="Delete everything ckg pushed to the database before, then push every graph again (over Bolt).",
)
@click.option(
    "--bulk/--no-bulk",
    default=None,
    help="Use (or never use) Neo4j's offline importer for a first push into the managed server: "
    "it stops the server, imports and starts it again. [default: for an empty database of the managed "
    f"server and a store of {BULK_PUSH_MIN_TRIPLES:,} triples or more]",
)
@click.option(
    "--replace",
    is_flag=True,
    help="Overwrite the managed server's database, whatever it holds, with the store, through the offline importer.",
)
@neo4j_home_option("Home folder of the managed server (as for `ckg neo4j`), for the bulk path.")
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=None,
    help=(
        "Triples per transaction (whole articles only: a bigger article makes a bigger one). "
        f"[default: at least {DEFAULT_BATCH_TRIPLES:,}, and a push of many articles in about "
        f"{PUSH_TRANSACTIONS} transactions]"
    ),
)
@reports_errors
def push(
    store_path: Path,
    connection: Connection,
    rebuild: bool,
    bulk: bool | None,
    replace: bool,
    home: Path | None,
    batch_size: int | None,
) -> None:
    """Send the store to Neo4j, for querying and exploring there.

    Only articles added, changed or retracted since the last push are sent; each
    transaction holds whole articles, so an interrupted push leaves none half
    written, and running push again completes it. See docs/property-graph.md
    for the graph's shape.

    A first push of a big store into the Neo4j that `ckg neo4j` manages goes
    through Neo4j's offline importer (neo4j-admin database import full): the
    server is stopped for the import and started again. Later pushes are
    incremental, over Bolt.
    """
    from ceasefire_kg.errors import BulkPushUnavailable
    from ceasefire_kg.neo4j_client import connect
    from ceasefire_kg.push import push as push_to_neo4j
    from ceasefire_kg.push.bulk import bulk_push, check_bulk_target
    from ceasefire_kg.store import Store

    if replace and bulk is False:
        raise click.UsageError("--replace overwrites the database through the offline importer; drop --no-bulk.")
    if rebuild and (replace or bulk):
        raise click.UsageError(
            "--rebuild pushes everything again over Bolt; --replace (or --bulk) does it through the offline "
            "importer. Give one of them."
        )
    settings = neo4j_settings(home)
    if home is not None and connection.password is None:
        # The password that server keeps, rather than the default home's.
        connection = dataclasses.replace(connection, password=neo4j_server.stored_password(settings))
    progress = StageProgress(threshold=1)
    try:
        with Store.open_read_only(store_path) as store, connect(connection) as driver:
            use_bulk = replace or bool(bulk)
            if use_bulk:
                check_bulk_target(connection.uri, driver, connection.database, settings, replace=replace)
            elif bulk is None and not rebuild:
                try:
                    # The cheap checks first: an incremental push of a big store must stay quick.
                    check_bulk_target(connection.uri, driver, connection.database, settings, replace=False)
                    use_bulk = sum(store.graph_sizes().values()) >= BULK_PUSH_MIN_TRIPLES
                except BulkPushUnavailable as reason:
                    logger.info("Pushing over Bolt: %s", reason)
            if use_bulk:
                report = bulk_push(
                    store,
                    driver,
                    connection.database,
                    settings,
                    password=connection.password,
                    on_progress=progress,
                    on_note=progress_note,
                )
            else:
                report = push_to_neo4j(
                    store,
                    driver,
                    connection.database,
                    batch_triples=batch_size,
                    rebuild=rebuild,
                    on_progress=progress,
                )
    finally:
        progress.close()
    click.echo(report.describe())


@click.group("neo4j")
def neo4j_group() -> None:
    """Run a local Neo4j Community server with Neo4j Browser.

    The first start downloads Neo4j from Maven Central (needs Java 17+ and
    Maven); later starts run offline. The server listens on 127.0.0.1 only.
    """


@neo4j_group.command("start")
@neo4j_home_option()
@_port_option(
    "--bolt-port",
    envvar="CKG_NEO4J_BOLT_PORT",
    default=neo4j_server.DEFAULT_BOLT_PORT,
    help_text="Bolt port on 127.0.0.1.",
)
@_port_option(
    "--http-port",
    envvar="CKG_NEO4J_HTTP_PORT",
    default=neo4j_server.DEFAULT_HTTP_PORT,
    help_text="HTTP port on 127.0.0.1 (Neo4j Browser).",
)
@env_option(
    "--password",
    envvar="NEO4J_PASSWORD",
    help_text=(
        "Password of user neo4j, at least 8 characters. [default: the one kept in "
        "<home>/password, else a generated one]"
    ),
)
@env_option("--heap", envvar="CKG_NEO4J_HEAP", default=neo4j_server.DEFAULT_HEAP, help_text="JVM heap size.")
@env_option(
    "--page-cache",
    envvar="CKG_NEO4J_PAGE_CACHE",
    default=neo4j_server.DEFAULT_PAGE_CACHE,
    help_text="Neo4j page cache size.",
)
@env_option(
    "--maven-settings",
    envvar="CKG_MAVEN_SETTINGS",
    param_type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help_text="A Maven settings.xml (mirror, proxy) for the first-start download.",
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
    from ceasefire_kg import browser as browser_assets

    settings = neo4j_settings(
        home,
        bolt_port=bolt_port,
        http_port=http_port,
        heap=heap,
        page_cache=page_cache,
        maven_settings=maven_settings,
        browser_post_connect_cmd=(browser_assets.post_connect_command(browser_port) if browser_autoload else None),
    )
    result = neo4j_server.start(settings, password, timeout=timeout, on_progress=progress_note)
    state = result.status
    if result.already_running:
        click.echo(f"Neo4j was already running (pid {state.pid}).")
    else:
        click.echo(f"Neo4j {settings.neo4j_version} is running (pid {state.pid}).")
    echo_status(state)
    click.echo(f"User:        {neo4j_server.USERNAME}")
    if result.password_generated:
        # Shown this once; it stays in the password file for later starts.
        click.echo(f"Password:    {result.password}")
        click.echo(f"             (generated; kept in {settings.password_file})")
    if browser_autoload and browser_assets.managed_target(settings, browser_port).autoload:
        # The whole command, so that it serves the port this server loads from.
        port_option = "" if browser_port == BROWSER_ASSETS_PORT else f" --port {browser_port}"
        own_home = None if settings.home == neo4j_server.default_home() else settings.home
        click.echo(
            "For a styled graph and a guided tour in Neo4j Browser, run "
            f"`ckg browser{port_option}{_home_option(own_home)}`.",
            err=True,
        )


@neo4j_group.command("stop")
@neo4j_home_option()
@reports_errors
def neo4j_stop(home: Path | None) -> None:
    """Stop the server (no-op if it is not running)."""
    settings = neo4j_settings(home)
    pid = neo4j_server.stop(settings, on_progress=progress_note)
    if pid is None:
        click.echo(f"Neo4j is not running (home {settings.home}); nothing to stop.")
    else:
        click.echo(f"Neo4j stopped (pid {pid}).")


@neo4j_group.command("status")
@neo4j_home_option()
@reports_errors
def neo4j_status(home: Path | None) -> None:
    """Tell whether the server runs, and where."""
    settings = neo4j_settings(home)
    state = neo4j_server.status(settings)
    if not state.running:
        click.echo(f"Neo4j is not running (home {state.home}).")
    else:
        answering = "" if state.accepting_connections else ", not accepting connections yet"
        click.echo(f"Neo4j is running (pid {state.pid}{answering}).")
    click.echo(f"Bolt port:   {state.bolt_port}")
    click.echo(f"HTTP port:   {state.http_port}")
    if state.running:
        echo_status(state)
    else:
        click.echo(f"Data folder: {state.data_dir}")


@neo4j_group.command("reset")
@neo4j_home_option()
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@reports_errors
def neo4j_reset(home: Path | None, yes: bool) -> None:
    """Delete the server's data folder (every graph) and its stored password."""
    settings = neo4j_settings(home)
    if not yes:
        click.confirm(f"Delete {settings.data_dir} and every graph in it?", abort=True, err=True)
    removed = neo4j_server.reset(settings)
    if not removed:
        click.echo(f"Nothing to delete in {settings.home}.")
    for path in removed:
        click.echo(f"Deleted {path}")


#: The commands this module adds to ``ckg``.
COMMANDS: list[click.Command] = [browser_command, push, neo4j_group]
