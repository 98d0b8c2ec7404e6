"""A small HTTP server that gives Neo4j Browser the stylesheet and the guide.

Browser fetches both from a host on the server's remote-content allowlist
(``browser.remote_content_hostname_whitelist``), with CORS headers. Neo4j
serves Browser from one jar and has no place for extra static files, so the
assets come from this separate server rather than from Neo4j itself. It
listens on 127.0.0.1 and answers requests for ``localhost`` or ``127.0.0.1``
only (others get 403: a guard against DNS rebinding).

It expects hostile or clumsy clients too: one that goes away mid-answer is
logged at debug level only, one that stays silent is closed after
:data:`CONNECTION_TIMEOUT_SECONDS`, and at most :data:`MAX_CONNECTIONS` are
served at once (more are closed at once), so no client can hold the server.
"""

from __future__ import annotations

import errno
import http.server
import logging
import sys
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from ceasefire_kg.browser.guide import guide
from ceasefire_kg.browser.style import stylesheet
from ceasefire_kg.browser.urls import (
    ALLOWED_HOSTS,
    BIND_HOST,
    DEFAULT_PORT,
    GUIDE_PATH,
    STYLE_PATH,
    browser_commands,
    guide_url,
    style_url,
)
from ceasefire_kg.errors import BrowserAssetPortInUse, BrowserAssetsError
from ceasefire_kg.saved_queries import SavedQuery, or_list

logger = logging.getLogger(__name__)

#: How long a connection may stay silent (no byte of a request, or an answer
#: not read) before the server closes it.
CONNECTION_TIMEOUT_SECONDS = 10.0
#: How many connections are served at once; one more is closed at once.
MAX_CONNECTIONS = 16


@dataclass(frozen=True)
class Asset:
    """One file the server serves."""

    body: bytes
    content_type: str


class _HTTPServer(http.server.ThreadingHTTPServer):
    """Serves each connection in a thread, up to ``max_connections`` at once."""

    daemon_threads = True
    allow_reuse_address = True
    #: What it serves, by path (set by :class:`AssetServer`).
    assets: dict[str, Asset]

    def __init__(self, address: tuple[str, int], connection_timeout: float, max_connections: int) -> None:
        self.connection_timeout = connection_timeout
        self.max_connections = max_connections
        self.connections = 0
        self._connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        # Counted here, in the accepting thread, so the bound holds before a thread starts.
        with self._connections_lock:
            full = self.connections >= self.max_connections
            if not full:
                self.connections += 1
        if full:
            logger.debug("%s: closed at once, %d connections are served already", client_address, self.connections)
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            # No thread was started to give the slot back.
            self._release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._release()

    def _release(self) -> None:
        with self._connections_lock:
            self.connections -= 1

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that goes away or stalls is normal; anything else is a bug
        # and keeps socketserver's traceback.
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, TimeoutError)):
            logger.debug("%s: the client went away or stalled (%s)", client_address, error)
        else:
            super().handle_error(request, client_address)


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _HTTPServer
    server_version = "ckg-browser"
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        # Per server rather than the class-wide ``timeout``, so tests can shorten
        # it. A read or write that waits longer ends the connection quietly:
        # handle_one_request closes it on TimeoutError.
        self.connection.settimeout(self.server.connection_timeout)

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
        port = self.server.server_port
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
        port = self.server.server_port
        names = or_list([f"{name}:{port}" for name in ALLOWED_HOSTS])
        body = f"Forbidden: this server answers only requests for {names}.\n".encode()
        self._send(403, body, "text/plain; charset=utf-8", send_body)

    def _respond(self, send_body: bool) -> None:
        if not self._host_allowed():
            self._refuse_host(send_body)
            return
        path = urlsplit(self.path).path
        assets = self.server.assets
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
        connection_timeout: Seconds a connection may stay silent before it is closed.
        max_connections: How many connections are served at once; more are closed at once.

    Raises:
        BrowserAssetPortInUse: The port is taken.
        BrowserAssetsError: The port cannot be bound for another reason.
        ValueError: ``connection_timeout`` is not positive or ``max_connections`` is below 1.
    """

    def __init__(
        self,
        port: int = DEFAULT_PORT,
        queries: Iterable[SavedQuery] | None = None,
        *,
        connection_timeout: float = CONNECTION_TIMEOUT_SECONDS,
        max_connections: int = MAX_CONNECTIONS,
    ) -> None:
        # 0 would make the sockets non-blocking, and a bound of 0 would serve nothing.
        if connection_timeout <= 0:
            raise ValueError(f"connection_timeout must be positive, not {connection_timeout}")
        if max_connections < 1:
            raise ValueError(f"max_connections must be at least 1, not {max_connections}")
        try:
            self._server = _HTTPServer((BIND_HOST, port), connection_timeout, max_connections)
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
        self._server.assets = assets(self.port, queries)
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        """The port the server listens on."""
        return int(self._server.server_address[1])

    @property
    def connections(self) -> int:
        """How many connections are being served now."""
        return self._server.connections

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
