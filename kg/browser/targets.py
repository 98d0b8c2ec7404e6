"""The Neo4j Browser a user is sent to: its link, and whether it loads the style and guide by itself.

``ckg neo4j start`` configures the managed server (``browser.post_connect_cmd``)
to load the style and the guide from ``ckg browser``'s fixed port
(:data:`~ceasefire_kg.browser.urls.DEFAULT_PORT`) after every connect; these
helpers tell whether a server does, and build the link to its Browser.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

from ceasefire_kg import neo4j_server
from ceasefire_kg.browser.urls import DEFAULT_PORT, post_connect_command
from ceasefire_kg.errors import BrowserAssetsError


def browser_link(browser_url: str, bolt_uri: str, database: str | None = None) -> str:
    """Neo4j Browser's URL with the connection form filled in.

    Args:
        browser_url: Where Browser is served, e.g. ``http://127.0.0.1:7474/browser/``.
        bolt_uri: The server's Bolt URI, e.g. ``neo4j://127.0.0.1:7687``.
        database: The database to use after connecting; None for the default.

    Returns:
        The URL with ``dbms`` (the Bolt URI), ``preselectAuthMethod=NATIVE``
        (user name and password) and, when given, ``db``.
    """
    link = f"{browser_url}?dbms={quote(bolt_uri, safe='')}&preselectAuthMethod=NATIVE"
    if database:
        link += f"&db={quote(database, safe='')}"
    return link


@dataclass(frozen=True)
class BrowserTarget:
    """The Neo4j Browser a user is sent to, and what it does by itself.

    Attributes:
        link: Browser's URL with the connection preselected.
        managed: Whether the server is the one ``ckg neo4j start`` runs.
        running: For the managed server, whether it runs; None for another server.
        autoload: Whether Browser loads the style and the guide by itself after
            connecting (the managed server's post-connect command names this port).
        password_file: Where the managed server's password is kept; None otherwise.
        configured_command: The managed server's post-connect command as configured
            (None when it has none, or for another server).
    """

    link: str
    managed: bool
    running: bool | None
    autoload: bool
    password_file: Path | None = None
    configured_command: str | None = None


def managed_target(
    settings: neo4j_server.Neo4jSettings, port: int = DEFAULT_PORT, database: str | None = None
) -> BrowserTarget:
    """Describe Browser on the managed server of ``settings``.

    Args:
        settings: The managed server's settings (its home folder is what counts).
        port: The port the assets are served on.
        database: The database to open; None for the server's default.

    Returns:
        The target; when the server runs, its ports and post-connect command are
        read from the configuration it was started with.
    """
    state = neo4j_server.status(settings)
    configured: str | None = None
    if state.running:
        configured = neo4j_server.read_config(settings).get("browser.post_connect_cmd")
    return BrowserTarget(
        link=browser_link(state.browser_url, state.bolt_uri, database),
        managed=True,
        running=state.running,
        autoload=bool(state.running and configured == post_connect_command(port)),
        password_file=settings.password_file,
        configured_command=configured,
    )


def external_target(uri: str, browser_url: str | None = None, database: str | None = None) -> BrowserTarget:
    """Describe Browser for a Neo4j server that ckg does not manage.

    Args:
        uri: The server's Bolt URI (``neo4j://host:7687``, ``bolt://…``, ``neo4j+s://…``).
        browser_url: Where its Browser is; by default ``http://HOST:7474/browser/``.
        database: The database to open; None for the server's default.

    Raises:
        BrowserAssetsError: If the URI has no host.
    """
    parts = urlsplit(uri)
    if not parts.hostname or "://" not in uri:
        raise BrowserAssetsError(
            f"'{uri}' is not a Bolt URI such as neo4j://localhost:7687. Give the server's URI with --uri (NEO4J_URI)."
        )
    if browser_url is None:
        host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
        browser_url = f"http://{host}:{neo4j_server.DEFAULT_HTTP_PORT}/browser/"
    return BrowserTarget(link=browser_link(browser_url, uri, database), managed=False, running=None, autoload=False)
