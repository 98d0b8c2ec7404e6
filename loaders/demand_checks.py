"""Checks of demands' precondition chains and of responses to demands.

A demand's ``precondition_for`` may name a proposal, another demand (a chain:
this demand must be met before that one) or an event of the same file; which
one an id names is decided here, once, for the checks and for the RDF. A demand
may not be, directly or through other demands, a precondition for itself,
across every file of a load. A response's ``supersedes`` must name a response
to the same demand.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ceasefire_kg.errors import Problem
from ceasefire_kg.loaders.schema_check import did_you_mean

if TYPE_CHECKING:
    from ceasefire_kg.loaders.checks import ArticleFile

logger = logging.getLogger(__name__)

#: The kinds ``precondition_for`` may name, in the order an id is looked up, with their sections.
PRECONDITION_KINDS: tuple[tuple[str, str], ...] = (
    ("proposal", "proposals"),
    ("demand", "demands"),
    ("event", "events"),
)


def precondition_kinds(article: ArticleFile) -> dict[str, str]:
    """The kind of thing each id a demand's ``precondition_for`` may name is, in one article.

    Args:
        article: The article (checked: no id names two kinds).

    Returns:
        Each declared proposal, demand and event id with its kind; an id
        declared in several sections (refused by the checks) keeps the first.
    """
    kinds: dict[str, str] = {}
    for kind, section in PRECONDITION_KINDS:
        for fact_id in article.declared_ids(section):
            kinds.setdefault(fact_id, kind)
    return kinds


def check_precondition_targets(article: ArticleFile) -> list[Problem]:
    """Each ``precondition_for`` id names exactly one proposal, demand or event of the file, not the demand itself."""
    if not all(article.all_ids_readable(section) for _, section in PRECONDITION_KINDS):
        return []  # What an unreadable entry declares is unknown; that entry is reported already.
    declared = {kind: article.declared_ids(section) for kind, section in PRECONDITION_KINDS}
    every_id = set().union(*declared.values())
    problems = []
    for index, demand in article.entries("demands"):
        for position, target in enumerate(demand.get("precondition_for") or ()):
            if target is None:
                continue  # Malformed, already reported.
            path = ("demands", index, "precondition_for", position)
            kinds = [kind for kind, _ in PRECONDITION_KINDS if target in declared[kind]]
            if target == demand.get("id"):
                message, hint = f"'{target}' is this demand itself.", "Name another demand, or remove it."
            elif not kinds:
                message = f"unknown proposal, demand or event '{target}'.{did_you_mean(target, every_id)}"
                hint = "Declare it under 'proposals:', 'demands:' or 'events:' in this file."
            elif len(kinds) > 1:
                message = f"'{target}' names both a {' and an '.join(kinds)} in this file.".replace(
                    "a event", "an event"
                )
                hint = "Give one of them another id, so that precondition_for names one thing."
            else:
                continue
            problems.append(article.source.problem(path, message, hint, field_name="precondition_for"))
    return problems


@dataclass(frozen=True)
class _Link:
    """A demand that is a precondition for another demand, and where a file says so."""

    demand: str
    for_demand: str
    article: ArticleFile
    index: int
    position: int


def _demand_links(articles: Iterable[ArticleFile]) -> Iterator[_Link]:
    for article in articles:
        demands = article.declared_ids("demands")
        for index, demand in article.entries("demands"):
            for position, target in enumerate(demand.get("precondition_for") or ()):
                if target in demands and target != demand.get("id") and isinstance(demand.get("id"), str):
                    yield _Link(demand["id"], target, article, index, position)


def check_precondition_cycles(articles: Iterable[ArticleFile]) -> list[Problem]:
    """Refuse every chain of demands that leads back to where it started, across the files of a load.

    Each group of demands that lead to one another is reported once, with one
    of its cycles, at the link from its smallest demand id.
    """
    links: dict[str, dict[str, _Link]] = {}
    for link in _demand_links(articles):
        links.setdefault(link.demand, {}).setdefault(link.for_demand, link)
    if not links:
        return []
    import networkx as nx  # only when a file chains demands: loads without chains need not import it

    graph: nx.DiGraph[str] = nx.DiGraph()
    graph.add_edges_from((demand, target) for demand, targets in links.items() for target in targets)
    problems = []
    for component in sorted(sorted(c) for c in nx.strongly_connected_components(graph) if len(c) > 1):
        start = component[0]
        within = graph.subgraph(component)
        # The shortest way back to the start, through its least successor in the group first.
        cycle = min(
            ([start, *nx.shortest_path(within, target, start)[:-1]] for target in sorted(within.successors(start))),
            key=len,
        )
        link = links[cycle[0]][cycle[1]]
        chain = " → ".join([*cycle, cycle[0]])
        problems.append(
            link.article.source.problem(
                ("demands", link.index, "precondition_for", link.position),
                f"demand '{cycle[0]}' is, through demand '{cycle[1]}', a precondition for itself ({chain}).",
                "A chain of preconditions cannot lead back to its start: remove one link of it "
                "(a precondition_for naming the next demand).",
                field_name="precondition_for",
            )
        )
    return problems


def check_supersessions(articles: Iterable[ArticleFile]) -> list[Problem]:
    """A response supersedes a response to the same demand (when both are in this load)."""
    articles = list(articles)
    demand_of = {
        response["id"]: response["demand"]
        for article in articles
        for _, response in article.entries("responses")
        if isinstance(response.get("id"), str) and isinstance(response.get("demand"), str)
    }
    problems = []
    for article in articles:
        for index, response in article.entries("responses"):
            earlier, demand = response.get("supersedes"), response.get("demand")
            if not isinstance(earlier, str) or not isinstance(demand, str) or demand_of.get(earlier, demand) == demand:
                continue
            problems.append(
                article.source.problem(
                    ("responses", index, "supersedes"),
                    f"response '{earlier}' is a response to demand '{demand_of[earlier]}', not to '{demand}'.",
                    "A response supersedes an earlier response of the same actor to the same demand: name that one.",
                    field_name="supersedes",
                )
            )
    return problems
