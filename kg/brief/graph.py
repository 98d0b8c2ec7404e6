"""The part of the negotiation graph a brief needs: the proposals, the positions on them, and who holds them.

The analyses (:func:`ceasefire_kg.analysis.alignment`) read a
:class:`~ceasefire_kg.analysis.NegotiationGraph`. Reading all of it takes
about 40 s on a million triples, most of it building networkx nodes for facts
a brief never looks at. A brief only needs the proposals and what hangs off
them, so this module reads the graph's structure first (a few small
predicates), finds the proposals (or the one proposal asked about), their
positions, holders, proposers, scopes and the ``represents`` chains, and then
reads, of the bulky predicates (types, labels, ids, quotes), only the triples
about those nodes (:meth:`Backend.triples_about`, a look-up per node). The
alignment of a proposal on this graph is the alignment of that proposal on the
whole graph: it reads nothing else.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import pyoxigraph as ox

from ceasefire_kg.analysis import PROPERTY_KEYS, NegotiationGraph
from ceasefire_kg.backends.base import Backend, Progress, no_progress

logger = logging.getLogger(__name__)

#: Small predicates that say how proposals, positions, actors and scopes hang together.
STRUCTURE_KEYS = (
    "onProposal",
    "holder",
    "stance",
    "supersedes",
    "conditionedOn",
    "represents",
    "proposedBy",
    "proposedOn",
    "party",
    "scope",
    "broader",
    "asOf",
    "prefLabel",
)
#: Predicates about every node: kept only for the nodes the brief needs.
DETAIL_KEYS = ("type", "label", "factId", "evidence")
#: Predicates of quotes and articles, kept for the quotes of the nodes the brief needs.
QUOTE_KEYS = ("inArticle", "exact", "issued")

_IRI_OF = {key: iri for iri, key in PROPERTY_KEYS.items()}
# Edges whose target a brief follows from a node it needs.
_FOLLOWED = ("holder", "stance", "supersedes", "conditionedOn", "proposedBy", "party", "scope", "onProposal")


def read_brief_graph(
    backend: Backend,
    known_by: dt.date | None = None,
    on_progress: Progress = no_progress,
    proposal: str | None = None,
) -> NegotiationGraph:
    """The proposals, their positions, holders, proposers, parties and scopes, with labels, ids and quotes.

    Args:
        backend: Where the graph is.
        known_by: Only what was known on this date (``docs/time.md``); None for everything.
        on_progress: Told how the reading goes.
        proposal: Only this proposal (an IRI or fact id), with its positions, holders, proposers,
            parties and scopes, and every ``represents`` link; None, or a proposal the graph does
            not hold, for every proposal.
    """
    structure = list(backend.triples([_IRI_OF[key] for key in STRUCTURE_KEYS], on_progress, known_by))
    by_key: dict[str, list[Sequence[Any]]] = defaultdict(list)
    for triple in structure:
        by_key[PROPERTY_KEYS[triple[1].value]].append(triple)
    chosen = _proposal_nodes(by_key, proposal) if proposal is not None else set()
    needed = _one_proposal(by_key, chosen) if chosen else _every_proposal(by_key)
    kept = [triple for triple in structure if triple[0].value in needed]
    # The bulky predicates are read for the needed nodes only (a look-up per node, not a scan of
    # every label and quote in the store), then for their quotes, then for the quotes' articles.
    on_progress("Reading the brief's nodes", 0, None)
    detail = list(backend.triples_about(sorted(_named(needed)), _iris(DETAIL_KEYS), known_by))
    kept.extend(detail)
    quotes = {t[2].value for t in detail if PROPERTY_KEYS[t[1].value] == "evidence" and isinstance(t[2], ox.NamedNode)}
    quote_triples = list(backend.triples_about(sorted(quotes), _iris(QUOTE_KEYS), known_by))
    articles = {
        t[2].value for t in quote_triples if PROPERTY_KEYS[t[1].value] == "inArticle" and isinstance(t[2], ox.NamedNode)
    }
    quote_triples.extend(backend.triples_about(sorted(articles - quotes), _iris(QUOTE_KEYS), known_by))
    kept.extend(quote_triples)
    logger.debug("Brief graph: %d of %d structure triples, %d in all", len(structure), len(kept), len(kept))
    return NegotiationGraph.from_triples(kept)


def _proposal_nodes(by_key: dict[str, list[Sequence[Any]]], proposal: str) -> set[str]:
    """The nodes that may be the proposal: its IRI, or an IRI ending in its id (checked by type later)."""
    tail = proposal.rstrip("/").rsplit("/", 1)[-1]
    candidates = {t[2].value for t in by_key["onProposal"]}
    for key in ("proposedBy", "party", "scope", "proposedOn"):
        candidates.update(t[0].value for t in by_key[key])
    return {node for node in candidates if node == proposal or node.rstrip("/").rsplit("/", 1)[-1] == tail}


def _one_proposal(by_key: dict[str, list[Sequence[Any]]], chosen: set[str]) -> set[str]:
    """The proposal, its positions and what hangs off them, and both ends of every represents link."""
    needed = set(chosen)
    needed.update(t[0].value for t in by_key["onProposal"] if t[2].value in chosen)
    # Positions that supersede a needed one, and those it supersedes, whatever they are on.
    superseding: dict[str, set[str]] = defaultdict(set)
    for t in by_key["supersedes"]:
        superseding[t[2].value].add(t[0].value)
    frontier = list(needed)
    while frontier:
        for newer in superseding.get(frontier.pop(), ()):
            if newer not in needed:
                needed.add(newer)
                frontier.append(newer)
    for triple in by_key["represents"]:
        needed.update((triple[0].value, triple[2].value))
    for key in _FOLLOWED:
        needed.update(triple[2].value for triple in by_key[key] if triple[0].value in needed)
    needed.update(_broader_closure(by_key["broader"], needed))
    return needed


def _every_proposal(by_key: dict[str, list[Sequence[Any]]]) -> set[str]:
    """Every proposal and what hangs off them, every represents link and every scope concept."""
    # Proposals: what positions are on, what has proposers, parties or scopes (checked by type below).
    needed: set[str] = set()
    for key in ("proposedBy", "party", "scope", "proposedOn"):
        needed.update(triple[0].value for triple in by_key[key])
    needed.update(triple[2].value for triple in by_key["onProposal"])
    needed.update(triple[0].value for triple in by_key["onProposal"])
    # Every represents link: the sides of everyone the brief names, by their chains.
    for triple in by_key["represents"]:
        needed.update((triple[0].value, triple[2].value))
    # Every scope concept of the scheme, so that a scope no proposal names yet is still known.
    needed.update(triple[0].value for triple in by_key["prefLabel"])
    for key in _FOLLOWED:
        needed.update(triple[2].value for triple in by_key[key] if triple[0].value in needed)
    needed.update(_broader_closure(by_key["broader"], needed))
    return needed


def _iris(keys: Iterable[str]) -> list[str]:
    return [_IRI_OF[key] for key in keys]


def _named(values: Iterable[str]) -> set[str]:
    """The values that are IRIs (a node the brief needs is named; literals and blank nodes are not looked up)."""
    return {value for value in values if _is_iri(value)}


def _is_iri(value: str) -> bool:
    try:
        ox.NamedNode(value)
    except ValueError:
        return False
    return True


def _broader_closure(broader: Iterable[Sequence[Any]], start: set[str]) -> set[str]:
    """The scopes above the ones in ``start``."""
    up: dict[str, list[str]] = defaultdict(list)
    for triple in broader:
        up[triple[0].value].append(triple[2].value)
    found: set[str] = set()
    frontier = [node for node in start if node in up]
    while frontier:
        for parent in up[frontier.pop()]:
            if parent not in found:
                found.add(parent)
                frontier.append(parent)
    return found
