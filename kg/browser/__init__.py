"""Neo4j Browser, made readable: a stylesheet, a guided tour and a small server for both.

Neo4j Browser loads a GraSS stylesheet with ``:style URL`` and a guide with
``:guide URL`` (a Markdown guide is split into slides on ``---`` lines, and its
``cypher`` code blocks can be clicked to run). Both must come from a host on the
server's remote-content allowlist (``browser.remote_content_hostname_whitelist``),
with CORS headers. This package provides

* :func:`stylesheet` (:mod:`.style`) — the shipped stylesheet, ``schema/neo4j-browser.grass``:
  a colour and size per node label and the node's ``name`` as its caption
  (see docs/property-graph.md), relationship types as relationship captions;
* :func:`guide` (:mod:`.guide`) — the guide, generated from the saved queries' headers (read by
  :mod:`ceasefire_kg.saved_queries`): the actors, the proposals and their scopes,
  then every saved query with its parameters as ``:param`` blocks
  (:mod:`.query_blocks` builds each query's Cypher blocks);
* :class:`AssetServer` (:mod:`.assets_server`) — serves both on 127.0.0.1, to requests for
  ``localhost`` or ``127.0.0.1`` only (others get 403: a guard against DNS rebinding);
* :func:`post_connect_command` (:mod:`.urls`), :func:`managed_target`, :func:`external_target`
  (:mod:`.targets`) — how ``ckg neo4j start`` and ``ckg browser`` meet: the managed server is
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

from ceasefire_kg.browser.assets_server import Asset, AssetServer, assets
from ceasefire_kg.browser.guide import GUIDE_TITLE, guide, guide_blocks, guide_slides
from ceasefire_kg.browser.query_blocks import (
    CONTEXT_LABELS,
    cypher_literal,
    graph_block,
    id_column,
    param_block,
    query_body,
)
from ceasefire_kg.browser.style import STYLESHEET_RESOURCE, stylesheet
from ceasefire_kg.browser.targets import BrowserTarget, browser_link, external_target, managed_target
from ceasefire_kg.browser.urls import (
    ALLOWED_HOSTS,
    BIND_HOST,
    DEFAULT_PORT,
    GUIDE_PATH,
    STYLE_PATH,
    URL_HOST,
    base_url,
    browser_commands,
    guide_url,
    post_connect_command,
    style_url,
)

__all__ = [
    "ALLOWED_HOSTS",
    "BIND_HOST",
    "CONTEXT_LABELS",
    "DEFAULT_PORT",
    "GUIDE_PATH",
    "GUIDE_TITLE",
    "STYLESHEET_RESOURCE",
    "STYLE_PATH",
    "URL_HOST",
    "Asset",
    "AssetServer",
    "BrowserTarget",
    "assets",
    "base_url",
    "browser_commands",
    "browser_link",
    "cypher_literal",
    "external_target",
    "graph_block",
    "guide",
    "guide_blocks",
    "guide_slides",
    "guide_url",
    "id_column",
    "managed_target",
    "param_block",
    "post_connect_command",
    "query_body",
    "style_url",
    "stylesheet",
]
