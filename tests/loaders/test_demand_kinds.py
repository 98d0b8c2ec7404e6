"""Responses to demands, precondition chains and what a demand is about: loaded, and refused with exact messages.

:data:`CHAIN_ARTICLE` is valid; each bad case changes one thing in it. Lines:

* 22-28: demand 'relief' (26 about, 27 precondition_for);
* 29-34: demand 'withdrawal' (33 precondition_for: [relief, riyadh-talks]);
* 36-41: response 'putin-rejects-withdrawal' (38 demand, 39 stance, 40 as_of);
* 42-47: response 'us-considers-relief' (44 demand, 46 according_to).
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib.namespace import RDFS, XSD

from ceasefire_kg.loaders.checks import check_paths
from ceasefire_kg.loaders.rdf import corpus_graphs
from ceasefire_kg.namespaces import CF, STANCE, Nodes, entity_iri, iri, quote_iri
from tests.loaders.conftest import article_with
from tests.loaders.test_bad_input import HINT_ACTOR, assert_file_refused, assert_refused, assert_unchanged, load

CHAIN_ARTICLE = """\
article:
  id: chain-article
  title: Sanctions relief tied to a withdrawal
  outlet: Test Wire
  published: "2025-03-25"
registries: [actors.yaml]
actors:
  - id: rosselkhozbank
    name: Rosselkhozbank
    type: organization
proposals:
  - id: black-sea-truce
    name: A Black Sea truce
    type: truce
    quote: "a Black Sea truce"
events:
  - id: riyadh-talks
    type: talks
    status: planned
    quote: "planned talks in Riyadh"
demands:
  - id: relief
    by: russia
    of: [united-states]
    text: Sanctions on Rosselkhozbank must be lifted.
    about: [rosselkhozbank]
    precondition_for: [black-sea-truce]
    quote: "wants sanctions on Rosselkhozbank lifted"
  - id: withdrawal
    by: united-states
    of: [russia]
    text: Russia must withdraw first.
    precondition_for: [relief, riyadh-talks]
    quote: "Russia must withdraw first"
responses:
  - id: putin-rejects-withdrawal
    actor: putin
    demand: withdrawal
    stance: rejects
    as_of: "2025-03-24"
    quote: "Putin rejected that outright"
  - id: us-considers-relief
    actor: united-states
    demand: relief
    stance: considers
    according_to: [russia]
    quote: "will study the request"
"""

CHAIN_TEXT = "Moscow wants sanctions on Rosselkhozbank lifted before a Black Sea truce.\nWashington said Russia must withdraw first, before planned talks in Riyadh.\nPutin rejected that outright on Monday. The White House will study the request, the Kremlin said.\n"

HINT_PRECONDITION = "Declare it under 'proposals:', 'demands:' or 'events:' in this file."
HINT_CYCLE = (
    "A chain of preconditions cannot lead back to its start: remove one link of it "
    "(a precondition_for naming the next demand)."
)

_CF, _STANCE = Nodes(CF), Nodes(STANCE)


def _date(value: str) -> ox.Literal:
    return ox.Literal(value, datatype=iri(XSD.date))


def _node(kind: str, slug: str) -> ox.NamedNode:
    return iri(entity_iri(kind, slug))


@pytest.fixture
def chain_dir(fact_dir: Path) -> Path:
    """The loader tests' folder, with the text of :data:`CHAIN_ARTICLE`."""
    (fact_dir / "chain-article.txt").write_text(CHAIN_TEXT, encoding="utf-8")
    return fact_dir


def chain_article_with(old: str, new: str) -> str:
    return article_with(old, new, CHAIN_ARTICLE)


def test_responses_chains_and_about_become_triples(chain_dir: Path) -> None:
    (chain_dir / "chain-article.yaml").write_text(CHAIN_ARTICLE, encoding="utf-8")
    (graph,) = corpus_graphs(check_paths([chain_dir / "chain-article.yaml"]))[1:]
    triples = set(graph.triples)
    withdrawal, relief = _node("demand", "withdrawal"), _node("demand", "relief")
    # precondition_for names a demand (a chain), an event and a proposal, each by its own kind.
    assert (withdrawal, _CF.preconditionFor, relief) in triples
    assert (withdrawal, _CF.preconditionFor, _node("event", "riyadh-talks")) in triples
    assert (relief, _CF.preconditionFor, _node("proposal", "black-sea-truce")) in triples
    assert (relief, _CF.about, _node("actor", "rosselkhozbank")) in triples
    rejects = _node("response", "putin-rejects-withdrawal")
    assert {(p, o) for s, p, o in triples if s == rejects} >= {
        (_CF.responder, _node("actor", "putin")),
        (_CF.toDemand, withdrawal),
        (_CF.stance, _STANCE["rejects"]),
        (_CF.asOf, _date("2025-03-24")),
        (_CF.evidence, iri(quote_iri("chain-article", "response", "putin-rejects-withdrawal"))),
    }
    considers = _node("response", "us-considers-relief")
    # Without as_of, a response holds as of the article's date; according_to names whose account it is.
    assert (considers, _CF.asOf, _date("2025-03-25")) in triples
    assert (considers, _CF.stance, _STANCE["considers"]) in triples
    assert (considers, _CF.accordingTo, _node("actor", "russia")) in triples
    assert (
        considers,
        Nodes(RDFS).label,
        ox.Literal("United States considers \u201cSanctions on Rosselkhozbank must be lifted.\u201d (2025-03-25)"),
    ) in triples


def test_the_chain_article_loads_into_a_store(chain_dir: Path, ckg_store: tuple[Path, bytes]) -> None:
    (chain_dir / "chain-article.yaml").write_text(CHAIN_ARTICLE, encoding="utf-8")
    result = load("chain-article.yaml", store=ckg_store)
    assert result.exit_code == 0, result.output
    assert "chain-article: 7 facts" in result.output and "6 quotes found in chain-article.txt" in result.output


# --- one broken thing per file -------------------------------------------------

BROKEN = [
    pytest.param(
        chain_article_with("precondition_for: [relief, riyadh-talks]", "precondition_for: [relif, riyadh-talks]"),
        [
            "bad.yaml:33: demand 'withdrawal', field 'precondition_for': unknown proposal, demand or event 'relif'. "
            f"Did you mean 'relief'? {HINT_PRECONDITION}"
        ],
        id="precondition-unknown",
    ),
    pytest.param(
        chain_article_with("precondition_for: [relief, riyadh-talks]", "precondition_for: [withdrawal]"),
        [
            "bad.yaml:33: demand 'withdrawal', field 'precondition_for': 'withdrawal' is this demand itself. "
            "Name another demand, or remove it."
        ],
        id="precondition-itself",
    ),
    pytest.param(
        chain_article_with("  - id: riyadh-talks\n", "  - id: relief\n"),
        [
            "bad.yaml:33: demand 'withdrawal', field 'precondition_for': 'relief' names both a demand and an event "
            "in this file. Give one of them another id, so that precondition_for names one thing.",
            "bad.yaml:33: demand 'withdrawal', field 'precondition_for': unknown proposal, demand or event "
            f"'riyadh-talks'. {HINT_PRECONDITION}",
        ],
        id="precondition-ambiguous",
    ),
    pytest.param(
        chain_article_with("precondition_for: [black-sea-truce]", "precondition_for: [black-sea-truce, withdrawal]"),
        [
            "bad.yaml:27: demand 'relief', field 'precondition_for': demand 'relief' is, through demand "
            f"'withdrawal', a precondition for itself (relief → withdrawal → relief). {HINT_CYCLE}"
        ],
        id="precondition-cycle",
    ),
    pytest.param(
        chain_article_with("about: [rosselkhozbank]", "about: [roselkhozbank]"),
        [
            "bad.yaml:26: demand 'relief', field 'about': unknown actor 'roselkhozbank'. "
            f"Did you mean 'rosselkhozbank'? {HINT_ACTOR}"
        ],
        id="about-unknown-actor",
    ),
    pytest.param(
        chain_article_with("    demand: withdrawal\n", "    demand: black-sea-truce\n"),
        [
            "bad.yaml:38: response 'putin-rejects-withdrawal', field 'demand': unknown demand 'black-sea-truce'. "
            "Declare that demand under 'demands:' in this file."
        ],
        id="response-to-a-proposal",
    ),
    pytest.param(
        chain_article_with("    stance: rejects\n", "    stance: supports\n"),
        [
            "bad.yaml:39: response 'putin-rejects-withdrawal', field 'stance': unknown value 'supports'. "
            "Use one of: accepts, conditionally-accepts, rejects, considers."
        ],
        id="response-stance",
    ),
    pytest.param(
        chain_article_with('    as_of: "2025-03-24"\n', '    as_of: "2025-03-26"\n'),
        [
            "bad.yaml:40: response 'putin-rejects-withdrawal', field 'as_of': as_of 2025-03-26 is after the article "
            "was published (2025-03-25). An article can only report stances and demands up to its own date."
        ],
        id="response-as-of-after-published",
    ),
    pytest.param(
        chain_article_with("according_to: [russia]", "according_to: [rusia]"),
        [
            "bad.yaml:46: response 'us-considers-relief', field 'according_to': unknown actor 'rusia'. "
            f"Did you mean 'russia'? {HINT_ACTOR}"
        ],
        id="according-to-unknown-actor",
    ),
    pytest.param(
        chain_article_with("    according_to: [russia]\n", "    supersedes: earlier-response\n"),
        [
            "bad.yaml:46: response 'us-considers-relief', field 'supersedes': unknown response 'earlier-response'. "
            "Name a response of this file, of another file in this load, or already stored."
        ],
        id="supersedes-unknown",
    ),
    pytest.param(
        chain_article_with("    according_to: [russia]\n", "    supersedes: putin-rejects-withdrawal\n"),
        [
            "bad.yaml:46: response 'us-considers-relief', field 'supersedes': response 'putin-rejects-withdrawal' "
            "is a response to demand 'withdrawal', not to 'relief'. A response supersedes an earlier response of "
            "the same actor to the same demand: name that one."
        ],
        id="supersedes-another-demand",
    ),
]


@pytest.mark.parametrize(("content", "expected"), BROKEN)
def test_a_broken_chain_article_is_refused_with_exact_messages(
    content: str, expected: list[str], chain_dir: Path, ckg_store: tuple[Path, bytes]
) -> None:
    (chain_dir / "bad.txt").write_text(CHAIN_TEXT, encoding="utf-8")
    assert_file_refused(chain_dir, content, expected, ckg_store)


def test_a_cycle_across_two_files_is_refused_once(chain_dir: Path, ckg_store: tuple[Path, bytes]) -> None:
    # The second file says relief is a precondition for withdrawal; the first, the reverse.
    (chain_dir / "chain-article.yaml").write_text(CHAIN_ARTICLE, encoding="utf-8")
    later = chain_article_with("precondition_for: [black-sea-truce]", "precondition_for: [withdrawal]")
    later = later.replace("id: chain-article", "id: later-article").replace('"2025-03-25"', '"2025-03-27"')
    (chain_dir / "later-article.yaml").write_text(later, encoding="utf-8")
    (chain_dir / "later-article.txt").write_text(CHAIN_TEXT, encoding="utf-8")
    assert_refused(
        load("chain-article.yaml", "later-article.yaml", store=ckg_store),
        [
            "later-article.yaml:27: demand 'relief', field 'precondition_for': demand 'relief' is, through demand "
            f"'withdrawal', a precondition for itself (relief → withdrawal → relief). {HINT_CYCLE}"
        ],
        files=1,
    )
    assert_unchanged(ckg_store)


def test_a_later_response_may_supersede_a_stored_one(chain_dir: Path, ckg_store: tuple[Path, bytes]) -> None:
    (chain_dir / "chain-article.yaml").write_text(CHAIN_ARTICLE, encoding="utf-8")
    assert load("chain-article.yaml", store=ckg_store).exit_code == 0
    later = """\
article:
  id: later-article
  title: Washington accepts
  outlet: Test Wire
  published: "2025-03-28"
registries: [actors.yaml]
demands:
  - id: relief
    by: russia
    text: Sanctions on Rosselkhozbank must be lifted.
    quote: "wants sanctions on Rosselkhozbank lifted"
responses:
  - id: us-accepts-relief
    actor: united-states
    demand: relief
    stance: accepts
    supersedes: us-considers-relief
    quote: "will study the request"
"""
    (chain_dir / "later-article.yaml").write_text(later, encoding="utf-8")
    (chain_dir / "later-article.txt").write_text(CHAIN_TEXT, encoding="utf-8")
    assert load("later-article.yaml", store=ckg_store).exit_code == 0
    (chain_dir / "later-article.yaml").write_text(
        later.replace("supersedes: us-considers-relief", "supersedes: us-considers-reliefs"), encoding="utf-8"
    )
    assert_refused(
        load("later-article.yaml", store=ckg_store),
        [
            "later-article.yaml:17: response 'us-accepts-relief', field 'supersedes': unknown response "
            "'us-considers-reliefs'. Did you mean 'us-considers-relief'? "
            "Name a response of this file, of another file in this load, or already stored."
        ],
    )
