"""The Neo4j Browser stylesheet that ships with ckg, ``schema/neo4j-browser.grass``.

A colour and size per node label and the node's ``name`` as its caption (see
docs/property-graph.md), relationship types as relationship captions.
"""

from __future__ import annotations

from importlib import resources

from ceasefire_kg.errors import BrowserAssetsError

STYLESHEET_RESOURCE = "neo4j-browser.grass"


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
