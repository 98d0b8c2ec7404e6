"""Writing the analyses' networks as files for Gephi, yEd or networkx."""

from __future__ import annotations

from typing import IO

import networkx as nx

from ceasefire_kg.defaults import GRAPH_FORMATS
from ceasefire_kg.errors import AnalysisError


def write_network(network: nx.Graph, stream: IO[bytes], format_name: str) -> None:
    """Write a network as GraphML or GEXF, for Gephi, yEd or networkx.

    Raises:
        AnalysisError: For a format other than those of :data:`GRAPH_FORMATS`.
    """
    if format_name == "graphml":
        nx.write_graphml(network, stream, encoding="utf-8", prettyprint=True)
    elif format_name == "gexf":
        nx.write_gexf(network, stream, encoding="utf-8", prettyprint=True)
    else:
        raise AnalysisError(f"Unknown network format {format_name!r}: use one of {', '.join(GRAPH_FORMATS)}.")
