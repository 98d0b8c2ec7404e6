"""Checks of actors' ``represents`` chains across every file of a load and the store.

An actor's side is the end of its ``represents`` chain (a spokesperson, the
commission it speaks for, the union that commission serves). The analyses and
saved queries follow a chain up to :data:`MAX_REPRESENTS_DEPTH` links, so a
load may hold no chain that leads back to where it started and none longer
than that. A chain may run through registries, articles' ``actors:`` sections
and actors already stored: an actor's ``represents`` may be declared in a
registry and its target's in an article.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING

from ceasefire_kg.errors import Problem
from ceasefire_kg.loaders.reader import SourceFile
from ceasefire_kg.namespaces import article_graph_iri, registry_graph_iri

if TYPE_CHECKING:
    import networkx as nx

    from ceasefire_kg.loaders.checks import ArticleFile, RegistryFile

logger = logging.getLogger(__name__)

#: How many ``represents`` links an actor's side is followed through; the loader refuses longer chains.
MAX_REPRESENTS_DEPTH = 5

#: Given the IRIs of the graphs a load replaces, the ``(actor id, represented actor id)`` links stored in the others.
StoredLinks = Callable[[set[str]], set[tuple[str, str]]]

_CYCLE_HINT = (
    "A represents chain must end at the side it speaks for: remove one link of it (a represents naming the next actor)."
)


def no_stored_links(replaced: set[str]) -> set[tuple[str, str]]:
    """The stored links when there is no store: none."""
    return set()


@dataclass(frozen=True)
class _Declared:
    """Where a file says an actor represents another: the actor's entry under ``actors:``."""

    source: SourceFile
    index: int

    def problem(self, message: str, hint: str) -> Problem:
        return self.source.problem(("actors", self.index, "represents"), message, hint, field_name="represents")


def _declared_links(
    articles: Iterable[ArticleFile], registries: Iterable[RegistryFile]
) -> dict[str, dict[str, _Declared | None]]:
    """Each actor's ``represents`` target declared in the load, with the first place that declares it."""
    declared: list[tuple[SourceFile, list[tuple[int, dict[str, object]]]]] = [
        (registry.source, list(enumerate(registry.actors))) for registry in registries
    ]
    declared.extend((article.source, article.entries("actors")) for article in articles)
    links: dict[str, dict[str, _Declared | None]] = {}
    for source, actors in declared:
        for index, actor in actors:
            actor_id, target = actor.get("id"), actor.get("represents")
            # An actor naming itself is reported where its references are checked.
            if isinstance(actor_id, str) and isinstance(target, str) and target != actor_id:
                links.setdefault(actor_id, {}).setdefault(target, _Declared(source, index))
    return links


def _replaced_graphs(articles: Iterable[ArticleFile], registries: Iterable[RegistryFile]) -> set[str]:
    replaced = {str(registry_graph_iri(registry.registry_id)) for registry in registries}
    replaced.update(str(article_graph_iri(a.meta["id"])) for a in articles if isinstance(a.meta.get("id"), str))
    return replaced


def check_represents_chains(
    articles: Iterable[ArticleFile], registries: Iterable[RegistryFile], stored: StoredLinks = no_stored_links
) -> list[Problem]:
    """Refuse every ``represents`` cycle and every chain longer than :data:`MAX_REPRESENTS_DEPTH` links.

    A problem is reported only where this load takes part in it: at a link of
    the load on the cycle or chain (a stored chain is not reported again).

    Args:
        articles: The articles of the load.
        registries: The registries of the load (given, and listed by articles).
        stored: The links already stored outside the graphs the load replaces.

    Returns:
        One problem per cycle, and one per too long chain, at the link of the
        load nearest its start.
    """
    articles, registries = list(articles), list(registries)
    links = _declared_links(articles, registries)
    if not links:
        return []
    for actor, target in sorted(stored(_replaced_graphs(articles, registries))):
        if actor != target:
            links.setdefault(actor, {}).setdefault(target, None)
    import networkx as nx  # only when an actor represents another: most loads need not import it

    graph: nx.DiGraph[str] = nx.DiGraph()
    graph.add_edges_from((actor, target) for actor, targets in links.items() for target in targets)
    problems: dict[tuple[str, int | None], Problem] = {}
    looped: set[str] = set()
    for component in sorted(sorted(c) for c in nx.strongly_connected_components(graph) if len(c) > 1):
        looped.update(component)
        within = graph.subgraph(component)
        cycles = [
            [start, *nx.shortest_path(within, target, start)[:-1]]
            for start in component
            for target in sorted(within.successors(start))
            if links[start][target] is not None
        ]
        if not cycles:
            continue  # Only stored links: not this load's doing.
        cycle = min(cycles, key=len)  # The shortest, from the smallest actor id: cycles is in that order.
        declared = links[cycle[0]][cycle[1]]
        assert declared is not None
        shown = " → ".join([*cycle, cycle[0]])
        problem = declared.problem(
            f"actor '{cycle[0]}' represents, through actor '{cycle[1]}', itself ({shown}).", _CYCLE_HINT
        )
        problems.setdefault((problem.file, problem.line), problem)
    chains = graph.subgraph(node for node in graph if node not in looped)
    for start in sorted(node for node in chains if chains.in_degree(node) == 0):
        chain = _longest_chain(chains, start)
        if len(chain) - 1 <= MAX_REPRESENTS_DEPTH:
            continue
        first = next((links[a][b] for a, b in pairwise(chain) if links[a][b] is not None), None)
        if first is None:
            continue
        problem = first.problem(
            f"the represents chain from actor '{chain[0]}' has {len(chain) - 1} links ({' → '.join(chain)}); "
            f"at most {MAX_REPRESENTS_DEPTH} are followed to find an actor's side.",
            f"Shorten it: let an actor on it represent one further up the chain (the side itself, '{chain[-1]}', "
            "if need be).",
        )
        problems.setdefault((problem.file, problem.line), problem)
    return list(problems.values())


def _longest_chain(graph: nx.DiGraph[str], start: str) -> list[str]:
    """The longest path from ``start`` in an acyclic graph, preferring the smallest ids on a tie."""
    import networkx as nx

    longest: dict[str, list[str]] = {}
    for node in reversed(list(nx.topological_sort(graph.subgraph(nx.descendants(graph, start) | {start})))):
        ahead = [longest[target] for target in sorted(graph.successors(node))]
        longest[node] = [node, *max(ahead, key=len, default=[])]
    return longest[start]
