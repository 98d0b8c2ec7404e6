"""Neo4j Browser, made readable: a stylesheet, a guided tour and a small server for both.

Neo4j Browser loads a GraSS stylesheet with ``:style URL`` and a guide with
``:guide URL`` (a Markdown guide is split into slides on ``---`` lines, and its
``cypher`` code blocks can be clicked to run). Both must come from a host on the
server's remote-content allowlist (``browser.remote_content_hostname_whitelist``),
with CORS headers. This module provides

* :func:`stylesheet` — the shipped stylesheet, ``schema/neo4j-browser.grass``:
  a colour and size per node label and the node's ``name`` as its caption
  (see docs/property-graph.md), relationship types as relationship captions;
* :func:`guide` — the guide, generated from the saved queries' headers (read by
  :mod:`ceasefire_kg.saved_queries`): the actors, the proposals and their scopes,
  then every saved query with its parameters as ``:param`` blocks;
* :class:`AssetServer` — serves both on 127.0.0.1, to requests for
  ``localhost`` or ``127.0.0.1`` only (others get 403: a guard against DNS rebinding);
* :func:`post_connect_command`, :func:`managed_target`, :func:`external_target` —
  how ``ckg neo4j start`` and ``ckg browser`` meet: the managed server is
  configured (``browser.post_connect_cmd``) to load the style and the guide from
  ``ckg browser``'s fixed port (:data:`DEFAULT_PORT`) after every connect.

Neo4j serves Browser from one jar and has no place for extra static files, so
the assets come from this separate server rather than from Neo4j itself.

URLs given to Browser name the host ``localhost`` (:data:`URL_HOST`): it is on
the default allowlist of every Neo4j 5 server (``guides.neo4j.com, localhost``),
so the same commands work with a server that ckg did not configure. The server
itself listens on 127.0.0.1 only.

Nothing here prints or exits; errors are :class:`ceasefire_kg.errors.BrowserAssetsError`.
"""

from __future__ import annotations

import datetime as dt
import errno
import http.server
import logging
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from ceasefire_kg import neo4j_server
from ceasefire_kg.errors import BrowserAssetPortInUse, BrowserAssetsError
from ceasefire_kg.saved_queries import IRI_KINDS, Parameter, QueryExample, SavedQuery, or_list, saved_queries

logger = logging.getLogger(__name__)

#: Where ``ckg browser`` serves the stylesheet and the guide unless told otherwise;
#: the managed server's ``browser.post_connect_cmd`` names it.
DEFAULT_PORT = 7475
#: The only address the server listens on.
BIND_HOST = "127.0.0.1"
#: The host named in URLs given to Neo4j Browser (on every server's default allowlist).
URL_HOST = "localhost"
#: The only host names the server answers to (with its port): a page whose own name
#: merely resolves to 127.0.0.1 (DNS rebinding) is refused.
ALLOWED_HOSTS = (URL_HOST, BIND_HOST)
STYLE_PATH = "/style.grass"
GUIDE_PATH = "/guide.md"
STYLESHEET_RESOURCE = "neo4j-browser.grass"
GUIDE_TITLE = "Ceasefire negotiations in Neo4j"

#: Labels of the nodes a fact is shown with in a query's graph view; quotes,
#: articles and status records are left out (they are evidence, not the story).
CONTEXT_LABELS = ("Actor", "Proposal", "Demand", "Position", "Claim", "Event", "Concept")

_ID_COLUMN_SUFFIX = "_id"
_SLIDE_BREAK = "\n\n---\n\n"


# --- the stylesheet and the Browser commands -------------------------------------


def stylesheet() -> str:
    """The GraSS stylesheet for Neo4j Browser that ships with ckg.

    Raises:
        BrowserAssetsError: If the installed package lacks the file.
    """
    try:
        return resources.files("ceasefire_kg.schema").joinpath(STYLESHEET_RESOURCE).read_text(encoding="utf-8")
    except OSError as error:
        raise BrowserAssetsError(
            f"The Neo4j Browser stylesheet {STYLESHEET_RESOURCE} is missing from the installed "
            f"package ({error}). Reinstall ceasefire-kg (pip install --force-reinstall ceasefire-kg)."
        ) from error


def base_url(port: int = DEFAULT_PORT) -> str:
    """The address Browser fetches the assets from, e.g. ``http://localhost:7475``."""
    return f"http://{URL_HOST}:{port}"


def style_url(port: int = DEFAULT_PORT) -> str:
    """The stylesheet's URL."""
    return base_url(port) + STYLE_PATH


def guide_url(port: int = DEFAULT_PORT) -> str:
    """The guide's URL."""
    return base_url(port) + GUIDE_PATH


def browser_commands(port: int = DEFAULT_PORT) -> tuple[str, str]:
    """The two commands to type into Neo4j Browser: ``:style URL`` and ``:guide URL``."""
    return f":style {style_url(port)}", f":guide {guide_url(port)}"


def post_connect_command(port: int = DEFAULT_PORT) -> str:
    """The value of ``browser.post_connect_cmd`` that loads the style and opens the guide.

    Browser runs each ``;``-separated command, written without its colon, after
    every successful connect (unless the page was opened with ``?cmd=``).
    """
    return "; ".join(command.lstrip(":") for command in browser_commands(port))


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


# --- the guide ------------------------------------------------------------------


def cypher_literal(value: Any) -> str:
    """Write a parameter value as a Cypher expression, for a ``:param`` block.

    Args:
        value: None, a bool, int, float, str or ``datetime.date``.

    Raises:
        BrowserAssetsError: For a value of another type.
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, dt.date):
        return f"date('{value.isoformat()}')"
    if isinstance(value, str):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    raise BrowserAssetsError(f"Cannot write {value!r} ({type(value).__name__}) as a Cypher value for a :param block.")


def param_block(query: SavedQuery, example: QueryExample | None = None) -> str | None:
    """The ``:param`` commands that give a saved query its default parameters, or an example's.

    Args:
        query: The saved query.
        example: One of its examples: its values replace the defaults.

    Returns:
        One ``:param NAME => VALUE;`` line per parameter (Browser runs them as a
        script; each value is a Cypher expression, so dates stay dates), or None
        when the query has none. A required parameter without a default is set
        to null, to be edited before running. Every line ends in ``;``: Browser
        ignores a clicked block whose text ends in `` null``.
    """
    if not query.parameters:
        return None
    given = dict(example.values) if example is not None else {}
    lines = []
    for parameter in query.parameters:
        text = given.get(parameter.name, parameter.default)
        value = None if text is None else parameter.convert(text, query.name)
        lines.append(f":param {parameter.name} => {cypher_literal(value)};")
    return "\n".join(lines)


def query_body(query: SavedQuery) -> str:
    """A saved query's Cypher without its leading comment block (the header).

    The rest is the query exactly as ``ckg query`` runs it.

    Raises:
        BrowserAssetsError: If the query has no Cypher version.
    """
    if query.cypher is None:
        raise BrowserAssetsError(f"Saved query '{query.name}' has no Cypher version ({query.source}).")
    lines = query.cypher.strip("\n").splitlines()
    start = 0
    while start < len(lines) and (not lines[start].strip() or lines[start].lstrip().startswith("//")):
        start += 1
    return "\n".join(lines[start:]).strip()


def id_column(query: SavedQuery) -> str | None:
    """The result column holding the facts' ids (``factId``), by the ``…_id`` naming convention.

    Returns:
        The last column whose name ends in ``_id``, or None.
    """
    names = [name for name in query.column_names if name.endswith(_ID_COLUMN_SUFFIX)]
    return names[-1] if names else None


def graph_block(query: SavedQuery) -> str | None:
    """Cypher that shows a saved query's facts as a graph, with their context.

    The saved query runs unchanged as a subquery; its facts (by the id column,
    see :func:`id_column`) are returned with their neighbours among
    :data:`CONTEXT_LABELS`, so that Browser draws them.

    Returns:
        The Cypher, or None when the query names no facts.
    """
    column = id_column(query)
    if column is None:
        return None
    inner = "\n".join(("  " + line) if line.strip() else "" for line in query_body(query).splitlines())
    neighbour = " OR ".join(f"neighbour:{label}" for label in CONTEXT_LABELS)
    return (
        "CALL () {\n"
        f"{inner}\n"
        "}\n"
        f"WITH DISTINCT {column} AS fact_id\n"
        "MATCH (fact:Resource {factId: fact_id})\n"
        "OPTIONAL MATCH context = (fact)--(neighbour)\n"
        f"WHERE {neighbour}\n"
        "RETURN fact, collect(context) AS context"
    )


def _cypher_block(text: str) -> str:
    return f"```cypher\n{text}\n```"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _parameter_line(parameter: Parameter) -> str:
    kind = parameter.type_text
    default = "required" if parameter.required else f"default {parameter.default}"
    how = {
        "date": "a date such as `date('2025-04-01')`",
        "integer": "a whole number",
        "boolean": "`true` or `false`",
        "string": "a string in quotes",
        "fact-id": "a fact's id in quotes, such as `'putin-rejects-full-ceasefire'`",
        "enum": f"one of {or_list([f'`{cypher_literal(choice)}`' for choice in parameter.choices])}",
    }.get(parameter.type, "")
    if parameter.type == "iri":
        namespace = IRI_KINDS[parameter.kind]("") if parameter.kind in IRI_KINDS else None
        how = f"a full IRI in quotes, such as `'{namespace}ID'`" if namespace else "a full IRI in quotes"
    if parameter.default is not None and parameter.convert(parameter.default) is None:
        # null leaves the parameter unset, as its default 'none' (or 'latest') does. What that
        # means differs (the latest date, from the beginning, no restriction): the
        # description says it in the header's own words.
        how += f"; `null` for {parameter.default}"
    text = f"- `{parameter.name}` ({kind}, {default})"
    if parameter.description:
        text += f": {_one_line(parameter.description)}"
    if how:
        text += f". In Browser: {how}."
    return text


def _query_slide(query: SavedQuery) -> str:
    columns = ", ".join(f"`{name}`" for name in query.column_names)
    parts = [
        f"## {query.title}",
        f"Saved query `{query.name}` (the same answer as `ckg query {query.name}`).",
        _one_line(query.description) if query.description else "",
    ]
    block = param_block(query)
    if block is not None:
        parts.append("Parameters:")
        parts.append("\n".join(_parameter_line(parameter) for parameter in query.parameters))
        required = [f"`{parameter.name}`" for parameter in query.parameters if parameter.required]
        parts.append(
            "Set them first (these are the defaults; edit a value in the editor and run it again to change it"
            + (f"; {', '.join(required)} has no default: replace its null" if required else "")
            + "):"
        )
        parts.append(_cypher_block(block))
        for example in query.examples:
            # Set the same way (every parameter), so that one click gives a consistent set.
            parts.append(f"Or, {example.description or 'with ' + example.options}:")
            parts.append(_cypher_block(param_block(query, example) or ""))
    parts.append(f"Run `{query.name}` unchanged; it returns a table of {columns}:")
    parts.append(_cypher_block(query_body(query)))
    graph = graph_block(query)
    if graph is not None:
        parts.append(
            f"See the same answer as a graph: each {id_column(query)[: -len(_ID_COLUMN_SUFFIX)]} with who and what it involves:"
        )
        parts.append(_cypher_block(graph))
    return "\n\n".join(part for part in parts if part)


def _intro_slide(queries: Sequence[SavedQuery], port: int) -> str:
    listing = "\n".join(f"- `{query.name}`: {query.title}" for query in queries) or "- (none are installed)"
    style_command, guide_command = browser_commands(port)
    return "\n\n".join(
        [
            # Browser titles a remote guide by the first <title> in its text (else
            # by its URL); a Markdown link definition holds it without showing it.
            f"[//]: # (<title>{GUIDE_TITLE}</title>)\n\n# {GUIDE_TITLE}",
            "This guide walks through the negotiation graph that `ckg push` wrote: the actors, "
            "the proposals and their scopes, then each saved query. Click a code block to copy it "
            "into the editor, or its ▶ icon to run it. The arrows below move between slides.",
            "Every node is captioned with its `name` and coloured by its label. If the graph looks "
            "grey, load the style again:",
            _cypher_block(style_command),
            "What the graph holds, by label:",
            _cypher_block(
                "MATCH (n:Resource)\n"
                "UNWIND [label IN labels(n) WHERE label <> 'Resource'] AS label\n"
                "RETURN label, count(*) AS nodes\n"
                "ORDER BY nodes DESC, label"
            ),
            f"The saved queries, one slide each after the tour:\n\n{listing}",
            f"Reopen this guide any time with `{guide_command}`.",
        ]
    )


def _actors_slide() -> str:
    return "\n\n".join(
        [
            "## The actors",
            "States, the people who speak for them (`REPRESENTS`), organisations and alliances "
            "(`MEMBER_OF`). People count for the side they represent in the saved queries.",
            _cypher_block(
                "MATCH (actor:Actor)\n"
                "OPTIONAL MATCH link = (actor)-[:REPRESENTS|MEMBER_OF]->(:Actor)\n"
                "RETURN actor, link"
            ),
            "Who they are, as a table:",
            _cypher_block(
                "MATCH (actor:Actor)\n"
                "OPTIONAL MATCH (actor)-[:REPRESENTS]->(side:Actor)\n"
                "RETURN actor.name AS actor,\n"
                "       [label IN labels(actor) WHERE NOT label IN ['Resource', 'Actor']] AS kind,\n"
                "       side.name AS speaks_for\n"
                "ORDER BY kind, actor"
            ),
        ]
    )


def _proposals_slide() -> str:
    return "\n\n".join(
        [
            "## The proposals and their scopes",
            "Ceasefires, truces and agreements, who proposed them, who they bind and who mediates; "
            "each scope is drawn with the broader scopes it belongs to (`BROADER`).",
            _cypher_block(
                "MATCH (proposal:Proposal)\n"
                "OPTIONAL MATCH scope = (proposal)-[:SCOPE]->(:Concept)-[:BROADER*0..]->(:Concept)\n"
                "OPTIONAL MATCH actors = (proposal)-[:PROPOSED_BY|PARTY|MEDIATOR]->(:Actor)\n"
                "RETURN proposal, collect(scope) AS scopes, collect(actors) AS actors"
            ),
            "How the sides read a proposal's scope (scope interpretations):",
            _cypher_block(
                "MATCH reading = (:Actor)<-[:CLAIMANT]-(claim:ScopeInterpretation)-[:ABOUT_PROPOSAL]->(:Proposal)\n"
                "OPTIONAL MATCH claimed = (claim)-[:CLAIMED_SCOPE]->(:Concept)\n"
                "RETURN reading, collect(claimed) AS claimed"
            ),
            "Each proposal's latest status:",
            _cypher_block(
                "MATCH (proposal:Proposal)\n"
                "OPTIONAL MATCH (proposal)-[:SCOPE]->(scope:Concept)\n"
                "WITH proposal, collect(scope.name) AS scopes\n"
                "OPTIONAL MATCH (proposal)-[:STATUS_RECORD]->(record:StatusRecord)\n"
                "WITH proposal, scopes, record ORDER BY record.asOf DESC\n"
                "RETURN proposal.name AS proposal, scopes, collect(record.name)[0] AS latest_status\n"
                "ORDER BY proposal"
            ),
        ]
    )


def _closing_slide() -> str:
    return "\n\n".join(
        [
            "## Next",
            "The same questions run from the command line, on Neo4j or on the embedded store: "
            "`ckg queries` lists them and `ckg query NAME -p NAME=VALUE` runs one.",
            "Browser keeps the style in this web browser. To go back to Browser's own style:",
            _cypher_block(":style reset"),
            "To see the parameters that are set, and to clear the result frames:",
            _cypher_block(":params"),
            _cypher_block(":clear"),
        ]
    )


def guide(queries: Iterable[SavedQuery] | None = None, port: int = DEFAULT_PORT) -> str:
    """The Neo4j Browser guide, as Markdown for ``:guide``.

    Args:
        queries: The saved queries to present, in order; by default every shipped
            one (:func:`ceasefire_kg.saved_queries.saved_queries`). Queries
            without a Cypher version are left out.
        port: The port the assets are served on (named in the slides' commands).

    Returns:
        The slides, separated by ``---`` lines: an introduction listing the
        saved queries, the actors, the proposals and their scopes, one slide per
        saved query (its description, parameters as a ``:param`` block, the query
        and, when it names facts, a graph view of them), and a closing slide.

    Raises:
        SavedQueryFileError: If a shipped query file is malformed.
    """
    chosen = [query for query in (saved_queries() if queries is None else queries) if query.cypher is not None]
    slides = [_intro_slide(chosen, port), _actors_slide(), _proposals_slide()]
    slides += [_query_slide(query) for query in chosen]
    slides.append(_closing_slide())
    for slide in slides:
        # A line of three dashes inside a slide would split it in two.
        if re.search(r"^---\s*$", slide, flags=re.MULTILINE):
            raise BrowserAssetsError(
                "A guide slide contains a line of three dashes, which Browser reads as a slide break; "
                "rewrite that line of the saved query."
            )
    return _SLIDE_BREAK.join(slides) + "\n"


def guide_slides(text: str) -> list[str]:
    """Split a guide into slides the way Neo4j Browser does (on lines of ``---``), each stripped."""
    return [slide.strip() for slide in re.split(r"\r?\n---\r?\n", text)]


def guide_blocks(text: str) -> list[str]:
    """The contents of a guide's ``cypher`` blocks (the runnable ones), in order."""
    return [match.group(1) for match in re.finditer(r"```cypher\n(.*?)\n```", text, flags=re.DOTALL)]


# --- the server -----------------------------------------------------------------


@dataclass(frozen=True)
class Asset:
    """One file the server serves."""

    body: bytes
    content_type: str


class _Handler(http.server.BaseHTTPRequestHandler):
    server_version = "ckg-browser"
    protocol_version = "HTTP/1.1"

    def _cors(self) -> None:
        # Browser runs on another origin (Neo4j's HTTP port) and fetches with
        # custom headers, so preflights must pass; nothing here is private.
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
        requested = self.headers.get("Access-Control-Request-Headers")
        self.send_header("Access-Control-Allow-Headers", requested or "*")
        if self.headers.get("Access-Control-Request-Private-Network"):
            self.send_header("Access-Control-Allow-Private-Network", "true")
        self.send_header("Access-Control-Max-Age", "600")

    def _host_allowed(self) -> bool:
        """Whether the Host header names this server by a loopback name and its port."""
        host = (self.headers.get("Host") or "").strip().lower()
        port = self.server.server_address[1]
        return host in {f"{name}:{port}" for name in ALLOWED_HOSTS} or (port == 80 and host in ALLOWED_HOSTS)

    def _send(self, status: int, body: bytes, content_type: str, send_body: bool) -> None:
        self.send_response(status)
        self._cors()
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def _refuse_host(self, send_body: bool) -> None:
        port = self.server.server_address[1]
        names = or_list([f"{name}:{port}" for name in ALLOWED_HOSTS])
        body = f"Forbidden: this server answers only requests for {names}.\n".encode()
        self._send(403, body, "text/plain; charset=utf-8", send_body)

    def _respond(self, send_body: bool) -> None:
        if not self._host_allowed():
            self._refuse_host(send_body)
            return
        path = urlsplit(self.path).path
        assets: dict[str, Asset] = self.server.assets  # type: ignore[attr-defined]
        asset = assets.get(path)
        if asset is None:
            body = f"Not found. Served here: {', '.join(sorted(assets))}\n".encode()
            self._send(404, body, "text/plain; charset=utf-8", send_body)
        else:
            self._send(200, asset.body, asset.content_type, send_body)

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def do_OPTIONS(self) -> None:
        if not self._host_allowed():
            self._refuse_host(send_body=True)
            return
        self.send_response(204)
        self._cors()
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s %s", self.address_string(), format % args)


class _HTTPServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def assets(port: int = DEFAULT_PORT, queries: Iterable[SavedQuery] | None = None) -> dict[str, Asset]:
    """What the server serves, by path: the stylesheet, the guide and an index.

    Args:
        port: The port the assets are served on.
        queries: The saved queries for the guide; by default the shipped ones.
    """
    style_command, guide_command = browser_commands(port)
    index = f"ceasefire-kg assets for Neo4j Browser. In Browser, run:\n\n  {style_command}\n  {guide_command}\n"
    return {
        STYLE_PATH: Asset(stylesheet().encode("utf-8"), "text/plain; charset=utf-8"),
        GUIDE_PATH: Asset(guide(queries, port).encode("utf-8"), "text/markdown; charset=utf-8"),
        "/": Asset(index.encode("utf-8"), "text/plain; charset=utf-8"),
    }


class AssetServer:
    """Serves the stylesheet and the guide to Neo4j Browser on 127.0.0.1.

    The port is bound when the object is made; :meth:`start` serves in a
    background thread, :meth:`serve_forever` in the calling one. Use it as a
    context manager, or call :meth:`close`.

    Args:
        port: The port; 0 picks a free one (see :attr:`port`).
        queries: The saved queries for the guide; by default the shipped ones.

    Raises:
        BrowserAssetPortInUse: The port is taken.
        BrowserAssetsError: The port cannot be bound for another reason.
    """

    def __init__(self, port: int = DEFAULT_PORT, queries: Iterable[SavedQuery] | None = None) -> None:
        try:
            self._server = _HTTPServer((BIND_HOST, port), _Handler)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise BrowserAssetPortInUse(
                    f"Port {port} on {BIND_HOST} is already in use (is `ckg browser` already running?). "
                    "Stop that program, or serve on another port with `ckg browser --port N`; the "
                    "managed Neo4j loads the style and guide from the port given to "
                    "`ckg neo4j start --browser-port N`."
                ) from error
            raise BrowserAssetsError(
                f"Cannot listen on {BIND_HOST}:{port}: {error}. Choose another port with --port."
            ) from error
        self._server.assets = assets(self.port, queries)  # type: ignore[attr-defined]
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        """The port the server listens on."""
        return int(self._server.server_address[1])

    @property
    def style_url(self) -> str:
        """The stylesheet's URL, as Browser should fetch it."""
        return style_url(self.port)

    @property
    def guide_url(self) -> str:
        """The guide's URL, as Browser should fetch it."""
        return guide_url(self.port)

    def start(self) -> AssetServer:
        """Serve in a background (daemon) thread; returns self."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._server.serve_forever, name="ckg-browser-assets", daemon=True)
            self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in the calling thread until :meth:`close` is called from another thread, or an interrupt."""
        self._server.serve_forever()

    def close(self) -> None:
        """Stop serving and release the port."""
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join()
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> AssetServer:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
