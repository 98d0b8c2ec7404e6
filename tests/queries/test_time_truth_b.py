"""Time-true answers and transitive ``represents``, written by hand: talks, mediators, timeline, violations,
single-source, scope-disputes and evidence on the ``time`` data set (tests/queries/time).

The data set: an article of 2031-04-02 (border talks held on April 1, without their
mediator; a border truce proposed on April 1; a full ceasefire proposed; two open
demands, one voiced by Mira Vale, who speaks for the Harbor Union Commission, which
represents the Harbor Union) and one of 2031-04-12 (Lakeland mediated the talks, which
also concerned the full ceasefire; the truce took effect on April 10; the prisoners
demand was met on April 10; Ostland shelled a border village on April 11 and Westria
accused it of violating the truce). Each case is one defect of issue 13: answers as of a
date must not use what only a later article reports, statuses and events are placed on
the date they happened, and an actor counts for every actor up its represents chain.

The same rows are expected from the SPARQL versions on the embedded store and from the
Cypher versions on Neo4j (``neo4j`` marker).
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import neo4j
import networkx as nx
import pytest

from ceasefire_kg import analysis
from ceasefire_kg.analysis.negotiation import MAX_REPRESENTS_DEPTH
from ceasefire_kg.backends import LocalBackend
from ceasefire_kg.namespaces import entity_iri
from ceasefire_kg.store import Store
from tests.conftest import Neo4jConnection
from tests.corpus import time_store
from tests.queries.golden import answer_locally, answer_on_neo4j, assert_same_rows, case_id

FIRST = "2031-04-02-talks-open"
SECOND = "2031-04-12-truce-in-force"
BORDER_TRUCE = "Truce along the border"
FULL_CEASEFIRE = "Full ceasefire between Westria and Ostland"
PRISONERS = "Westria must return all prisoners."
CORRIDOR = "A humanitarian corridor must open."
SHELLING = "Shelling of a border village"
ACCUSATION = "Ostland shelled a border village on April 11."

TALKS_KNOWN_ON_APRIL_5: list[Any] = [
    "Talks on a border truce", "talks", "held", "2031-04-01", "2031-04-02", None, None,
    ["Ostland", "Westria"], [], [BORDER_TRUCE],
    "delegations of Westria and Ostland met on Tuesday", FIRST, "border-talks", None, None,
]  # fmt: skip
TALKS_KNOWN_ON_APRIL_12: list[Any] = [
    "Talks on a border truce", "talks", "held", "2031-04-01", "2031-04-02", None, None,
    ["Ostland", "Westria"], ["Lakeland"], [FULL_CEASEFIRE, BORDER_TRUCE],
    "delegations of Westria and Ostland met on Tuesday", FIRST, "border-talks", None, None,
]  # fmt: skip
MEDIATORS_KNOWN_ON_APRIL_12: list[list[Any]] = [
    ["Lakeland", "Talks on a border truce", "talks", ["Ostland", "Westria"], [FULL_CEASEFIRE, BORDER_TRUCE],
     "2031-04-02", "delegations of Westria and Ostland met on Tuesday", FIRST, "border-talks"],
    ["Lakeland", BORDER_TRUCE, "truce", ["Ostland", "Westria"], [], "2031-04-02",
     "a truce along the border was proposed on Tuesday", FIRST, "border-truce"],
]  # fmt: skip

# timeline: date (valid), reported, kind, what, status, actors, proposals, quote, article, id.
POSITION_OSTLAND = "Oren Ostrowski conditionally accepts Full ceasefire between Westria and Ostland (2031-04-02)"
POSITION_WESTRIA = "Ines Westerholt accepts Truce along the border (2031-04-02)"
CORRIDOR_OPEN_APRIL_2: list[Any] = [
    "2031-04-02", "2031-04-02", "demand", CORRIDOR, "open", ["Mira Vale", "Westria"], [FULL_CEASEFIRE],
    "Mira Vale said a humanitarian corridor must open first", FIRST, "union-wants-corridor",
]  # fmt: skip
CORRIDOR_OPEN_APRIL_12: list[Any] = [
    "2031-04-12", "2031-04-12", "demand", CORRIDOR, "open", ["Mira Vale", "Westria"], [FULL_CEASEFIRE],
    "the corridor Westria has yet to open", SECOND, "union-wants-corridor",
]  # fmt: skip
TIMELINE: list[list[Any]] = [
    ["2031-04-01", "2031-04-02", "proposal", BORDER_TRUCE, "proposed", ["Lakeland", "Ostland", "Westria"],
     [BORDER_TRUCE], "a truce along the border was proposed on Tuesday", FIRST, "border-truce"],
    ["2031-04-01", "2031-04-02", "talks", "Talks on a border truce", None, ["Lakeland", "Ostland", "Westria"],
     [FULL_CEASEFIRE, BORDER_TRUCE], "delegations of Westria and Ostland met on Tuesday", FIRST, "border-talks"],
    ["2031-04-02", "2031-04-02", "demand", PRISONERS, "open", ["Oren Ostrowski", "Westria"], [FULL_CEASEFIRE],
     "Oren Ostrowski demanded that Westria return all prisoners", FIRST, "ostland-wants-prisoners-back"],
    CORRIDOR_OPEN_APRIL_2,
    ["2031-04-02", "2031-04-02", "position", POSITION_OSTLAND, "conditionally-accepts", ["Oren Ostrowski"],
     [FULL_CEASEFIRE], "Ostland would accept a full ceasefire once its prisoners are back", FIRST,
     "ostland-conditionally-accepts-full-ceasefire"],
    ["2031-04-02", "2031-04-02", "position", POSITION_WESTRIA, "accepts", ["Ines Westerholt"], [BORDER_TRUCE],
     "Ines Westerholt accepted the border truce", FIRST, "westria-accepts-border-truce"],
    ["2031-04-02", "2031-04-02", "proposal", FULL_CEASEFIRE, "proposed", ["Ostland", "Westria"], [FULL_CEASEFIRE],
     "a full ceasefire remained the goal", FIRST, "full-ceasefire"],
    # The truce took effect on April 10 and the prisoners came back that day: both before the shelling.
    ["2031-04-10", "2031-04-12", "demand", PRISONERS, "met", ["Oren Ostrowski", "Westria"], [FULL_CEASEFIRE],
     "Westria returned the last prisoners on April 10", SECOND, "ostland-wants-prisoners-back"],
    ["2031-04-10", "2031-04-12", "proposal", BORDER_TRUCE, "in-force", ["Lakeland", "Ostland", "Westria"],
     [BORDER_TRUCE], "The truce, which took effect on April 10", SECOND, "border-truce"],
    ["2031-04-11", "2031-04-12", "strike", SHELLING, None, ["Ostland", "Westria"], [],
     "shelling a border village on Friday", SECOND, "april-11-shelling"],
    ["2031-04-11", "2031-04-12", "violation-accusation", ACCUSATION, None, ["Ines Westerholt", "Ostland"],
     [BORDER_TRUCE], "Westerholt accused Ostland of shelling a border village on Friday", SECOND,
     "westria-accuses-ostland-of-shelling"],
    CORRIDOR_OPEN_APRIL_12,
]  # fmt: skip
# Until April 11 only the first article is known: no mediator, no second concern, no whom-of for the corridor.
TIMELINE_UNTIL_APRIL_11: list[list[Any]] = [
    ["2031-04-01", "2031-04-02", "proposal", BORDER_TRUCE, "proposed", ["Ostland", "Westria"], [BORDER_TRUCE],
     "a truce along the border was proposed on Tuesday", FIRST, "border-truce"],
    ["2031-04-01", "2031-04-02", "talks", "Talks on a border truce", None, ["Ostland", "Westria"], [BORDER_TRUCE],
     "delegations of Westria and Ostland met on Tuesday", FIRST, "border-talks"],
    ["2031-04-02", "2031-04-02", "demand", PRISONERS, "open", ["Oren Ostrowski", "Westria"], [FULL_CEASEFIRE],
     "Oren Ostrowski demanded that Westria return all prisoners", FIRST, "ostland-wants-prisoners-back"],
    ["2031-04-02", "2031-04-02", "demand", CORRIDOR, "open", ["Mira Vale"], [FULL_CEASEFIRE],
     "Mira Vale said a humanitarian corridor must open first", FIRST, "union-wants-corridor"],
    TIMELINE[4],
    TIMELINE[5],
    TIMELINE[6],
]  # fmt: skip
VIOLATION: list[Any] = [
    BORDER_TRUCE, "Westria", "Ines Westerholt", "Ostland", SHELLING, "2031-04-11", "2031-04-11", False, [],
    "Westerholt accused Ostland of shelling a border village on Friday", SECOND,
    "westria-accuses-ostland-of-shelling", None, None, None,
]  # fmt: skip
SINGLE_SOURCE: list[Any] = [
    ACCUSATION, "violation-accusation", ["Ines Westerholt"], 1, ["Westria"], "one article, one side",
    "Westerholt accused Ostland of shelling a border village on Friday", SECOND,
    "westria-accuses-ostland-of-shelling",
]  # fmt: skip
EVIDENCE_APRIL_2: list[Any] = [
    "border-truce", "proposal", BORDER_TRUCE, "2031-04-02", "Test Wire",
    "Westria and Ostland hold first talks on a border truce", None,
    "a truce along the border was proposed on Tuesday", FIRST,
]  # fmt: skip
EVIDENCE_APRIL_12: list[Any] = [
    "border-truce", "proposal", BORDER_TRUCE, "2031-04-12", "Test Wire", "Border truce holds after shaky first days",
    None, "The truce, which took effect on April 10", SECOND,
]  # fmt: skip

#: (query, parameters, expected rows, in order).
CASES: list[tuple[str, dict[str, str], list[list[Any]]]] = [
    # As known on April 5, the talks had no mediator and concerned the border truce only.
    ("talks", {"as_of": "2031-04-05"}, [TALKS_KNOWN_ON_APRIL_5]),
    ("talks", {"as_of": "2031-04-12"}, [TALKS_KNOWN_ON_APRIL_12]),
    ("talks", {}, [TALKS_KNOWN_ON_APRIL_12]),
    # Before any article, nothing is known, not even talks dated before the date.
    ("talks", {"as_of": "2031-04-01"}, []),
    ("talks", {"as_of": "2031-04-05", "actor": "lakeland"}, []),
    ("talks", {"as_of": "2031-04-12", "actor": "lakeland"}, [TALKS_KNOWN_ON_APRIL_12]),
    ("mediators", {"as_of": "2031-04-05"}, []),
    ("mediators", {"as_of": "2031-04-12"}, MEDIATORS_KNOWN_ON_APRIL_12),
    ("timeline", {}, TIMELINE),
    ("timeline", {"until": "2031-04-11"}, TIMELINE_UNTIL_APRIL_11),
    ("timeline", {"since": "2031-04-10"}, TIMELINE[7:]),
    # As known on April 10, nothing of the April 12 article is: not even what it dates April 10.
    ("timeline", {"since": "2031-04-10", "until": "2031-04-10"}, []),
    # Mira Vale -> Harbor Union Commission -> Harbor Union: her demand is the union's.
    ("timeline", {"actor": "harbor-union"}, [CORRIDOR_OPEN_APRIL_2, CORRIDOR_OPEN_APRIL_12]),
    ("timeline", {"actor": "union-commission"}, [CORRIDOR_OPEN_APRIL_2, CORRIDOR_OPEN_APRIL_12]),
    ("timeline", {"actor": "harbor-union", "until": "2031-04-11"}, [TIMELINE_UNTIL_APRIL_11[3]]),
    ("timeline", {"actor": "lakeland", "until": "2031-04-11"}, []),
    # The accusation of April 11 was first reported on April 12.
    ("violations", {"as_of": "2031-04-11"}, []),
    ("violations", {"as_of": "2031-04-12"}, [VIOLATION]),
    ("violations", {"actor": "westria-president"}, [VIOLATION]),
    ("violations", {"actor": "harbor-union"}, []),
    ("single-source", {"as_of": "2031-04-11"}, []),
    ("single-source", {"as_of": "2031-04-12"}, [SINGLE_SOURCE]),
    ("evidence", {"fact": "border-truce", "as_of": "2031-04-05"}, [EVIDENCE_APRIL_2]),
    ("evidence", {"fact": "border-truce"}, [EVIDENCE_APRIL_2, EVIDENCE_APRIL_12]),
    ("evidence", {"fact": "april-11-shelling", "as_of": "2031-04-11"}, []),
    ("scope-disputes", {"as_of": "2031-04-12"}, []),
]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return time_store(tmp_path_factory.mktemp("time-truth-b"))


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_sparql_answers_as_known_on_the_date(case: tuple[str, dict[str, str], list[list[Any]]], store: Path) -> None:
    query, parameters, expected = case
    assert_same_rows(expected, answer_locally(store, query, parameters), case_id(case))


@pytest.mark.neo4j
@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_cypher_answers_as_known_on_the_date(
    case: tuple[str, dict[str, str], list[list[Any]]], pushed: neo4j.Driver, neo4j_server: Neo4jConnection
) -> None:
    query, parameters, expected = case
    assert_same_rows(expected, answer_on_neo4j(pushed, neo4j_server.database, query, parameters), case_id(case))


# --- the analyses follow the represents chain ----------------------------------------------


def actor(slug: str) -> str:
    return str(entity_iri("actor", slug))


def test_a_side_is_the_end_of_the_represents_chain(store: Path) -> None:
    with Store.open_read_only(store) as opened:
        negotiation = analysis.NegotiationGraph.read(LocalBackend(opened))
    mira_vale, commission, union = actor("mira-vale"), actor("union-commission"), actor("harbor-union")
    assert negotiation.represents_chain(mira_vale) == [mira_vale, commission, union]
    assert negotiation.side(mira_vale) == union
    assert negotiation.side(commission) == union
    assert negotiation.side(union) == union
    assert negotiation.side(actor("westria-president")) == actor("westria")
    assert negotiation.speaks_for(mira_vale, union)
    assert negotiation.speaks_for(mira_vale, commission)
    assert not negotiation.speaks_for(commission, mira_vale)
    assert not negotiation.speaks_for(mira_vale, actor("westria"))


def test_a_represents_cycle_or_an_overlong_chain_ends_within_the_depth() -> None:
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    graph.add_edge("a", "b", key="represents")
    graph.add_edge("b", "a", key="represents")
    long_chain = [f"link-{number}" for number in range(MAX_REPRESENTS_DEPTH + 3)]
    for lower, upper in itertools.pairwise(long_chain):
        graph.add_edge(lower, upper, key="represents")
    negotiation = analysis.NegotiationGraph(graph)
    assert negotiation.represents_chain("a") == ["a", "b"]
    assert negotiation.represents_chain(long_chain[0]) == long_chain[: MAX_REPRESENTS_DEPTH + 1]
