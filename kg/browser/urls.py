"""Where ``ckg browser`` serves the stylesheet and the guide, and the Browser commands that load them.

URLs given to Browser name the host ``localhost`` (:data:`URL_HOST`): it is on
the default allowlist of every Neo4j 5 server (``guides.neo4j.com, localhost``),
so the same commands work with a server that ckg did not configure. The server
itself listens on 127.0.0.1 only.
"""

from __future__ import annotations

from ceasefire_kg.defaults import BROWSER_ASSETS_PORT

#: Where ``ckg browser`` serves the stylesheet and the guide unless told otherwise;
#: the managed server's ``browser.post_connect_cmd`` names it.
DEFAULT_PORT = BROWSER_ASSETS_PORT
#: The only address the server listens on.
BIND_HOST = "127.0.0.1"
#: The host named in URLs given to Neo4j Browser (on every server's default allowlist).
URL_HOST = "localhost"
#: The only host names the server answers to (with its port): a page whose own name
#: merely resolves to 127.0.0.1 (DNS rebinding) is refused.
ALLOWED_HOSTS = (URL_HOST, BIND_HOST)
STYLE_PATH = "/style.grass"
GUIDE_PATH = "/guide.md"


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
