"""Accusations without an arrangement, readings of a deal's terms, and attribution (according_to).

Each bad case changes one thing in :data:`CLAIMS_ARTICLE`, the small test
article of conftest.py with a ``claims:`` section added (lines 31-49), and
expects the exact messages of ``ckg load``.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib.namespace import RDF

from ceasefire_kg.loaders.checks import check_paths
from ceasefire_kg.loaders.rdf import article_graph
from ceasefire_kg.namespaces import CF, CHARGE, Nodes, entity_iri, iri, status_record_iri
from tests.loaders.conftest import ARTICLE, article_with
from tests.loaders.test_bad_input import assert_file_refused, load

CLAIMS_ARTICLE = (
    ARTICLE
    + """\
claims:
  - id: putin-accuses-kyiv
    type: accusation
    by: putin
    accused: [ukraine]
    charge: escalation
    quote: "Ukraine must stop rearming"
  - id: putin-reads-terms
    type: terms-interpretation
    by: putin
    proposal: test-ceasefire
    includes: [an end to rearming]
    excludes: [a halt at sea]
    quote: "would accept"
  - id: ukraine-denies
    type: denial
    by: ukraine
    denies: putin-accuses-kyiv
    quote: "he added"
"""
)

_CF, _CHARGE, _RDF = Nodes(CF), Nodes(CHARGE), Nodes(RDF)


def _node(kind: str, slug: str) -> ox.NamedNode:
    return iri(entity_iri(kind, slug))


def test_an_accusation_a_terms_reading_a_denial_and_attributions_load(
    fact_dir: Path, ckg_store: tuple[Path, bytes]
) -> None:
    attributed = article_with("    duration_days: 30\n", "    duration_days: 30\n    status: agreed\n", CLAIMS_ARTICLE)
    attributed = article_with(
        "    status: agreed\n", "    status: agreed\n    according_to: [united-states]\n", attributed
    )
    attributed = article_with(
        "    conditions: [test-demand]\n", "    conditions: [test-demand]\n    according_to: [ukraine]\n", attributed
    )
    (fact_dir / "claims.yaml").write_text(attributed, encoding="utf-8")
    result = load("claims.yaml", store=ckg_store)
    assert result.exit_code == 0, result.output

    (article,) = check_paths([fact_dir / "claims.yaml"]).articles
    triples = set(article_graph(article).triples)
    accusation, reading = _node("claim", "putin-accuses-kyiv"), _node("claim", "putin-reads-terms")
    assert {
        (accusation, _RDF.type, _CF.Accusation),
        (accusation, _CF.charge, _CHARGE.escalation),
        (accusation, _CF.accused, _node("actor", "ukraine")),
        (reading, _CF.aboutProposal, _node("proposal", "test-ceasefire")),
        (reading, _CF.includesTerm, ox.Literal("an end to rearming")),
        (reading, _CF.excludesTerm, ox.Literal("a halt at sea")),
        (_node("claim", "ukraine-denies"), _CF.denies, accusation),
        (_node("position", "test-position"), _CF.accordingTo, _node("actor", "ukraine")),
        # A proposal's attribution is of the status this article gives it, not of the proposal.
        (
            iri(status_record_iri("test-article", "proposal", "test-ceasefire")),
            _CF.accordingTo,
            _node("actor", "united-states"),
        ),
    } <= triples
    assert not any(s == _node("proposal", "test-ceasefire") and p == _CF.accordingTo for s, p, _ in triples)


BROKEN_CLAIMS = [
    pytest.param(
        article_with("    charge: escalation\n", "", CLAIMS_ARTICLE),
        [
            "bad.yaml:32: claim 'putin-accuses-kyiv', field 'charge': missing required field 'charge'. "
            "Add 'charge:' to this entry."
        ],
        id="accusation-without-charge",
    ),
    pytest.param(
        article_with("charge: escalation", "charge: escalaton", CLAIMS_ARTICLE),
        [
            "bad.yaml:36: claim 'putin-accuses-kyiv', field 'charge': unknown value 'escalaton'. "
            "Use one of: escalation, deception, violation, attack-on-civilians, bad-faith, other. "
            "Did you mean 'escalation'?"
        ],
        id="unknown-charge",
    ),
    pytest.param(
        article_with("    accused: [ukraine]\n", "", CLAIMS_ARTICLE),
        [
            "bad.yaml:32: claim 'putin-accuses-kyiv', field 'accused': missing required field 'accused'. "
            "Add 'accused:' to this entry."
        ],
        id="accusation-without-accused",
    ),
    pytest.param(
        article_with(
            "    type: accusation\n", "    type: violation-accusation\n    proposal: test-ceasefire\n", CLAIMS_ARTICLE
        ),
        [
            "bad.yaml:37: claim 'putin-accuses-kyiv', field 'charge': 'charge' applies only to claims of type "
            "'accusation', not to a violation-accusation. "
            "A violation-accusation always charges a violation: remove 'charge:'."
        ],
        id="charge-on-a-violation-accusation",
    ),
    pytest.param(
        article_with(
            "    type: terms-interpretation\n",
            "    type: scope-interpretation\n    scopes: [partial]\n",
            CLAIMS_ARTICLE,
        ),
        [
            "bad.yaml:43: claim 'putin-reads-terms', field 'includes': 'includes' applies only to claims of type "
            "'terms-interpretation', not to a scope-interpretation. "
            "Remove 'includes:', or change the claim's type to 'terms-interpretation'.",
            "bad.yaml:44: claim 'putin-reads-terms', field 'excludes': 'excludes' applies only to claims of type "
            "'terms-interpretation', not to a scope-interpretation. "
            "Remove 'excludes:', or change the claim's type to 'terms-interpretation'.",
        ],
        id="terms-on-a-scope-reading",
    ),
    pytest.param(
        article_with("    proposal: test-ceasefire\n    includes", "    includes", CLAIMS_ARTICLE),
        [
            "bad.yaml:38: claim 'putin-reads-terms', field 'proposal': missing required field 'proposal'. "
            "Add 'proposal:' to this entry."
        ],
        id="terms-reading-without-proposal",
    ),
    pytest.param(
        article_with("    includes: [an end to rearming]\n    excludes: [a halt at sea]\n", "", CLAIMS_ARTICLE),
        [
            "bad.yaml:38: claim 'putin-reads-terms', field 'includes': a terms-interpretation names no term: "
            "it needs 'includes:' or 'excludes:' (or both), with at least one term. "
            "List the terms the claimant reads the deal as including under 'includes:', "
            "and those it reads as left out under 'excludes:'."
        ],
        id="terms-reading-without-terms",
    ),
    pytest.param(
        article_with(
            "    includes: [an end to rearming]\n    excludes: [a halt at sea]\n", "    excludes: []\n", CLAIMS_ARTICLE
        ),
        [
            "bad.yaml:42: claim 'putin-reads-terms', field 'excludes': a terms-interpretation names no term: "
            "it needs 'includes:' or 'excludes:' (or both), with at least one term. "
            "List the terms the claimant reads the deal as including under 'includes:', "
            "and those it reads as left out under 'excludes:'."
        ],
        id="terms-reading-with-an-empty-list",
    ),
    pytest.param(
        article_with(
            "    duration_days: 30\n", "    duration_days: 30\n    according_to: [united-states]\n", CLAIMS_ARTICLE
        ),
        [
            "bad.yaml:15: proposal 'test-ceasefire', field 'according_to': 'according_to' says whose account "
            "the proposal's status is, but the proposal has no 'status:'. "
            "Add the 'status:' that account gives, or remove 'according_to:'."
        ],
        id="attributed-proposal-without-status",
    ),
    pytest.param(
        article_with(
            "    conditions: [test-demand]\n",
            "    conditions: [test-demand]\n    according_to: [ukrane]\n",
            CLAIMS_ARTICLE,
        ),
        [
            "bad.yaml:30: position 'test-position', field 'according_to': unknown actor 'ukrane'. "
            "Did you mean 'ukraine'? Declare it under 'actors:' or in a registry listed under 'registries:'."
        ],
        id="attributed-to-an-unknown-actor",
    ),
]


@pytest.mark.parametrize(("content", "expected"), BROKEN_CLAIMS)
def test_a_broken_claim_is_refused_with_exact_messages(
    content: str, expected: list[str], fact_dir: Path, ckg_store: tuple[Path, bytes]
) -> None:
    assert_file_refused(fact_dir, content, expected, ckg_store)
