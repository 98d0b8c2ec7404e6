"""What a brief says: the answers of the saved queries and analyses for one date and one set of proposals.

Everything here comes through the :class:`~ceasefire_kg.backends.Backend`
interface (saved queries with :func:`~ceasefire_kg.api.ask`, the negotiation
graph the analyses read), so the embedded store and Neo4j give the same brief.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from rdflib.namespace import DCTERMS

from ceasefire_kg.analysis import Alignment, NegotiationGraph, alignment
from ceasefire_kg.api import ask
from ceasefire_kg.backends.base import Backend, Progress, no_progress
from ceasefire_kg.brief.changes import Change, changes_between
from ceasefire_kg.brief.graph import read_brief_graph
from ceasefire_kg.errors import BriefError, DateBeforeArticles, EmptyStore, UnknownSelection
from ceasefire_kg.namespaces import CF, SCHEMA, scope_iri
from ceasefire_kg.saved_queries import QueryResult

logger = logging.getLogger(__name__)

#: The scope a brief covers when neither a proposal nor a scope is given: a full ceasefire.
DEFAULT_SCOPE = "comprehensive"
#: How far back "what changed" looks when no --since is given.
DEFAULT_SINCE_DAYS = 7

_ARTICLE_PREDICATES = {
    str(DCTERMS.issued): "published",
    str(DCTERMS.title): "title",
    str(SCHEMA.url): "url",
    str(CF.outlet): "outlet",
}
#: Timeline kinds that are talks of some form.
TALKS_KINDS = frozenset({"talks", "meeting", "call"})
#: Timeline kinds that are accusations.
ACCUSATION_KINDS = frozenset({"violation-accusation", "accusation"})


@dataclass(frozen=True)
class Article:
    """A source article: where and when it was published."""

    id: str
    title: str
    outlet: str
    published: dt.date | None
    url: str


@dataclass(frozen=True)
class Selection:
    """Which proposals the brief is about.

    Attributes:
        title: Said in the headline: ``the full ceasefire (scope comprehensive)`` or the proposal's name.
        proposal_id: The proposal's fact id, when one was chosen.
        scope_id: The scope's id, when the brief covers a scope.
        proposals: The proposals' names by fact id, sorted by name.
    """

    title: str
    proposal_id: str | None
    scope_id: str | None
    proposals: dict[str, str]

    @property
    def names(self) -> frozenset[str]:
        """The proposals' names, as the saved queries print them."""
        return frozenset(self.proposals.values())


@dataclass
class Brief:
    """The content of a brief, as plain rows (dictionaries keyed by the saved queries' columns).

    Attributes:
        as_of: The date the brief speaks for (as known on it).
        since: The start of "what changed".
        selection: The proposals it covers.
        blocking: ``blocking-demands`` rows: the headline.
        positions: ``positions`` rows on the selected proposals.
        history: ``position-history`` rows on the selected proposals, oldest first.
        timeline: ``timeline`` rows about the selected proposals (statuses, talks, events).
        changes: What changed between ``since`` and ``as_of``.
        disputes: ``disputes`` rows (scope and terms readings).
        accusations: ``accusations`` rows by or against the sides, or about the proposals.
        confidence: ``confidence-measures`` rows the sides took part in.
        alignment: The alignment analysis (``ckg analyze alignment``).
        sides: The sides in the brief, by name.
        articles: Every article the brief cites, by id.
    """

    as_of: dt.date
    since: dt.date
    selection: Selection
    blocking: list[dict[str, Any]]
    positions: list[dict[str, Any]]
    history: list[dict[str, Any]]
    timeline: list[dict[str, Any]]
    changes: list[Change]
    disputes: list[dict[str, Any]]
    accusations: list[dict[str, Any]]
    confidence: list[dict[str, Any]]
    alignment: Alignment
    sides: list[str]
    articles: dict[str, Article] = field(default_factory=dict)

    def cited_articles(self) -> list[Article]:
        """The articles the brief cites, oldest first."""
        return sorted(self.articles.values(), key=lambda a: (a.published or dt.date.max, a.id))


def read_articles(backend: Backend) -> dict[str, Article]:
    """Every stored article's title, outlet, publication date and link, by article id."""
    values: dict[str, dict[str, Any]] = {}
    for subject, predicate, obj in backend.triples(_ARTICLE_PREDICATES):
        key = _ARTICLE_PREDICATES[predicate.value]
        node = subject.value
        if "/article/" not in node:
            continue
        values.setdefault(node, {})[key] = obj.value
    articles = {}
    for node, found in values.items():
        if "published" not in found:
            continue
        article_id = node.rsplit("/article/", 1)[1]
        articles[article_id] = Article(
            id=article_id,
            title=str(found.get("title", article_id)),
            outlet=str(found.get("outlet", "")),
            published=dt.date.fromisoformat(str(found["published"])),
            url=str(found.get("url", "")),
        )
    return articles


def build_brief(
    backend: Backend,
    *,
    as_of: dt.date | None = None,
    since: dt.date | None = None,
    proposal: str | None = None,
    scope: str | None = None,
    on_progress: Progress = no_progress,
) -> Brief:
    """Gather what a brief says, as known on ``as_of``.

    Args:
        backend: Where the graph is.
        as_of: The date; None for the latest article's date.
        since: The start of "what changed"; None for a week before ``as_of``.
        proposal: One proposal (a fact id or IRI); else ``scope``.
        scope: Proposals of this scope or a narrower one (an id or IRI); None and no
            proposal: ``comprehensive``, a full ceasefire.
        on_progress: Told how the reading of the graph goes.

    Raises:
        EmptyStore: The back end holds no article.
        DateBeforeArticles: ``as_of`` is before the first article.
        UnknownSelection: No proposal or scope has that id as of the date.
        BriefError: ``since`` is after ``as_of``, or both a proposal and a scope were given.
        CkgError: The back end cannot answer.
    """
    if proposal is not None and scope is not None:
        raise BriefError("Give either a proposal or a scope, not both.")
    # Every question of a brief is about the same date: the back end may keep what it works out for it.
    with backend.unchanging():
        return _gather(backend, as_of, since, proposal, scope, on_progress)


def _gather(
    backend: Backend,
    as_of: dt.date | None,
    since: dt.date | None,
    proposal: str | None,
    scope: str | None,
    on_progress: Progress,
) -> Brief:
    all_articles = read_articles(backend)
    if not all_articles:
        raise EmptyStore(
            f"There is nothing to brief on: {backend.description} holds no articles. "
            "Load some with 'ckg load PATH' (and, for Neo4j, 'ckg push') first."
        )
    first = min(a.published for a in all_articles.values() if a.published is not None)
    latest = max(a.published for a in all_articles.values() if a.published is not None)
    if as_of is not None and as_of < first:
        raise DateBeforeArticles(
            f"Nothing was known on {as_of.isoformat()}: the first article was published on {first.isoformat()}. "
            f"Give --as-of {first.isoformat()} or later."
        )
    date = as_of or latest
    # As of a date on which every article is known, the whole graph is read as it is (the fast path).
    known_by = None if date >= latest else date
    since = since or date - dt.timedelta(days=DEFAULT_SINCE_DAYS)
    if since > date:
        raise BriefError(
            f"--since {since.isoformat()} is after the brief's date {date.isoformat()}: give an earlier --since."
        )
    # For one proposal, only its part of the graph is read.
    negotiation = read_brief_graph(backend, known_by, on_progress, proposal)
    try:
        selection = _selection(negotiation, date, proposal, scope)
    except UnknownSelection:
        if proposal is None:
            raise
        # Said with every proposal the graph holds, as the message lists them.
        negotiation = read_brief_graph(backend, known_by, on_progress)
        selection = _selection(negotiation, date, proposal, scope)

    def run(name: str, **parameters: Any) -> list[dict[str, Any]]:
        return _records(ask(backend, name, {"as_of": known_by, **parameters} if known_by else parameters))

    only = {"proposal": proposal} if proposal else {}
    names = selection.names
    if proposal:
        blocking = run("blocking-demands", proposal=proposal)
    else:
        blocking = run("blocking-demands", scope=selection_scope_iri(selection))
    positions = [r for r in run("positions", **only) if r["proposal"] in names]
    history = [r for r in run("position-history", **only) if r["proposal"] in names]
    timeline_parameters: dict[str, Any] = {"until": known_by} if known_by else {}
    timeline = [
        r
        for r in _records(ask(backend, "timeline", {**timeline_parameters, **only}))
        if names.intersection(r["proposals"])
    ]
    sides = sorted({r["actor"] for r in positions} | {r["actor"] for r in history} | {r["side"] for r in blocking})
    side_of = _sides_by_label(negotiation)
    involved = set(sides)

    def touches_sides(actors: Iterable[str]) -> bool:
        return any(side_of.get(actor, actor) in involved for actor in actors)

    # Asked for the selected proposals and for each side, not for the whole store and filtered
    # here: each such question starts from a bound term, so its plan cannot blow up with the store.
    focus = _focus(negotiation, selection, involved)
    accusations = [
        r
        for r in _union(run, "accusations", focus, ("date", "claim_id", "accuser", "made_by"), with_proposals=True)
        if r["proposal"] in names or (not r["proposal"] and touches_sides([r["accuser"], *r["accused"]]))
    ]
    confidence = [
        r
        for r in _union(run, "confidence-measures", focus, ("date", "event_id", "status"), with_proposals=False)
        if touches_sides(r["participants"])
    ]
    disputes = [r for r in run("disputes", **only) if r["proposal"] in names]
    analysed = alignment(negotiation, known_by, proposal)
    brief = Brief(
        as_of=date,
        since=since,
        selection=selection,
        blocking=blocking,
        positions=positions,
        history=history,
        timeline=timeline,
        changes=changes_between(history, timeline, since, date),
        disputes=disputes,
        accusations=accusations,
        confidence=confidence,
        alignment=analysed,
        sides=sides,
    )
    cited = {row["article"] for row in _all_rows(brief) if row.get("article")}
    brief.articles = {
        article_id: all_articles[article_id] for article_id in sorted(cited) if article_id in all_articles
    }
    return brief


#: Beyond this many proposals and sides, a brief asks about the whole store once instead.
MAX_FOCUSED_QUESTIONS = 12


@dataclass(frozen=True)
class _Focus:
    """What the brief asks the accusations and confidence measures about: proposals and sides by IRI.

    None when a side cannot be told by its node (the brief then asks about the whole store).
    """

    proposals: tuple[str, ...]
    sides: tuple[str, ...]


def _focus(negotiation: NegotiationGraph, selection: Selection, involved: set[str]) -> _Focus | None:
    """The selected proposals' ids and the IRIs of the nodes named like the sides (a side is a chain's end)."""
    by_label: dict[str, set[str]] = defaultdict(set)
    for node in negotiation.graph.nodes:
        label = negotiation.label(node)
        if label in involved and negotiation.side(node) == node:
            by_label[label].add(node)
    if set(by_label) != involved:
        return None
    focus = _Focus(tuple(selection.proposals), tuple(sorted(n for nodes in by_label.values() for n in nodes)))
    if len(focus.proposals) + len(focus.sides) > MAX_FOCUSED_QUESTIONS:
        return None
    return focus


def _union(
    run: Callable[..., list[dict[str, Any]]],
    query: str,
    focus: _Focus | None,
    order: tuple[str, ...],
    *,
    with_proposals: bool,
) -> list[dict[str, Any]]:
    """The rows of ``query`` about each focused proposal and side, once each, in the query's order.

    ``order`` names the columns of the query's ORDER BY (``date`` stands for the date the query
    sorts by: for confidence measures, the event's date, else the date it was reported).
    Without a focus, the query's whole answer.
    """
    if focus is None:
        return run(query)
    if with_proposals:
        # About the proposals, and by or against the sides about no arrangement: all the brief keeps.
        asked: list[dict[str, Any]] = [{"proposal": p} for p in focus.proposals]
        asked += [{"actor": side, "without_proposal": True} for side in focus.sides]
    else:
        asked = [{"actor": side} for side in focus.sides]
    found: dict[tuple[Any, ...], dict[str, Any]] = {}
    for parameters in asked:
        for row in run(query, **parameters):
            found.setdefault(tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in row.items()), row)
    return sorted(found.values(), key=lambda row: _sort_key(row, order))


def _sort_key(row: dict[str, Any], order: tuple[str, ...]) -> tuple[Any, ...]:
    key: list[Any] = []
    for column in order:
        value = row.get(column)
        if column == "date" and value is None:
            value = row.get("reported")
        # Unbound sorts first, as in SPARQL (and as coalesce(x, '') does in the Cypher versions).
        key.extend((value is not None, value if value is not None else ""))
    return tuple(key)


def _records(result: QueryResult) -> list[dict[str, Any]]:
    """The rows as dictionaries, with the values of ``date`` columns as dates (the queries give ISO text)."""
    dates = [column.name for column in result.query.columns if column.type == "date"]
    records = result.records()
    for record in records:
        for name in dates:
            if isinstance(record[name], str):
                record[name] = dt.date.fromisoformat(record[name])
    return records


def _all_rows(brief: Brief) -> Iterable[dict[str, Any]]:
    for rows in (
        brief.blocking,
        brief.positions,
        brief.history,
        brief.timeline,
        brief.disputes,
        brief.accusations,
        brief.confidence,
    ):
        yield from rows


def selection_scope_iri(selection: Selection) -> str:
    """The IRI of the selection's scope, for the ``blocking-demands`` query."""
    return str(scope_iri(selection.scope_id or DEFAULT_SCOPE))


def _selection(negotiation: NegotiationGraph, date: dt.date, proposal: str | None, scope: str | None) -> Selection:
    proposal_class = str(CF.Proposal)
    proposals = negotiation.nodes_of(proposal_class)
    if proposal is not None:
        node = _find(negotiation, proposal, proposals)
        if node is None:
            raise UnknownSelection.for_reference(
                _tail(proposal), "proposal", sorted(negotiation.fact_id(p) for p in proposals), date
            )
        name = negotiation.label(node)
        return Selection(name, negotiation.fact_id(node), None, {negotiation.fact_id(node): name})
    chosen_scope = scope or str(scope_iri(DEFAULT_SCOPE))
    scopes = _scopes(negotiation)
    if chosen_scope not in scopes:
        raise UnknownSelection.for_reference(_tail(chosen_scope), "scope", sorted(_tail(s) for s in scopes), date)
    chosen = {negotiation.fact_id(p): negotiation.label(p) for p in proposals if negotiation.in_scope(p, chosen_scope)}
    scope_id = _tail(chosen_scope)
    scope_name = str(negotiation.value(chosen_scope, "prefLabel") or scope_id)
    title = "a full ceasefire" if scope_id == DEFAULT_SCOPE else f"the proposals of scope {scope_name}"
    return Selection(title, None, scope_id, dict(sorted(chosen.items(), key=lambda item: (item[1], item[0]))))


def _find(negotiation: NegotiationGraph, reference: str, proposals: list[str]) -> str | None:
    if reference in proposals:
        return reference
    tail = _tail(reference)
    for node in proposals:
        if negotiation.fact_id(node) == tail:
            return node
    return None


def _scopes(negotiation: NegotiationGraph) -> set[str]:
    """The scope concepts the graph knows: those proposals name, and the broader ones above them."""
    found: set[str] = set()
    frontier = [s for p in negotiation.nodes_of(str(CF.Proposal)) for s in negotiation.objects(p, "scope")]
    frontier += [node for node in negotiation.graph.nodes if node.startswith(str(scope_iri("")))]
    while frontier:
        concept = frontier.pop()
        if concept in found:
            continue
        found.add(concept)
        frontier.extend(negotiation.objects(concept, "broader"))
    return found


def _tail(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


def _sides_by_label(negotiation: NegotiationGraph) -> dict[str, str]:
    """Each actor's name, mapped to the name of the side it counts for."""
    found: dict[str, str] = {}
    # An actor that represents no one is its own side: only those that do need an entry.
    for node, _, key in negotiation.graph.edges(keys=True):
        if key == "represents":
            found.setdefault(negotiation.label(node), negotiation.label(negotiation.side(node)))
    return found


#: A function that turns the brief into a file's text; for tests and other outputs.
Renderer = Callable[[Brief], str]
