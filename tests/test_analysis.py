"""Negotiation analytics: blocs, brokers, why a demand blocks, gaps; on both backends and from the CLI."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import neo4j
import networkx as nx
import pyoxigraph as ox
import pytest

from ceasefire_kg import analysis
from ceasefire_kg import saved_queries as sq
from ceasefire_kg.analysis.negotiation import PROPERTY_KEYS
from ceasefire_kg.backends import Backend, LocalBackend, Neo4jBackend
from ceasefire_kg.errors import UnknownFact
from ceasefire_kg.known_time import known_graphs
from ceasefire_kg.namespaces import CF, SCOPE, entity_iri
from ceasefire_kg.push import push
from ceasefire_kg.store import Store
from tests.cli_helpers import run_ckg
from tests.corpus import generated_store

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"
US_PLAN = "U.S. plan for an unconditional 30-day ceasefire"
SEED_DATE = dt.date(2025, 3, 19)
THREE_DEMANDS = {
    "putin-demands-end-of-western-aid": "demanding that Western aid to Ukraine cease",
    "putin-demands-ukraine-stop-rearming": "that Ukraine stop rearming",
    "putin-demands-halt-to-mobilization": "and halt mandatory military mobilization",
}
RUSSIA, UKRAINE, UNITED_STATES = (str(entity_iri("actor", slug)) for slug in ("russia", "ukraine", "united-states"))


@pytest.fixture(scope="module")
def examples(examples_store: Path) -> analysis.NegotiationGraph:
    with Store.open_read_only(examples_store) as store:
        return analysis.NegotiationGraph.read(LocalBackend(store))


@pytest.fixture(scope="module")
def examples_backend(examples_store: Path) -> Iterator[LocalBackend]:
    """The examples' store, open, for the analyses that run the blocking-demands query."""
    with Store.open_read_only(examples_store) as store:
        yield LocalBackend(store)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Several negotiations with changing positions and demand statuses."""
    # 40 articles, each quote with the selector its text gives it.
    return generated_store(tmp_path_factory.mktemp("generated"), target_triples=14_800, seed=11)


# --- the multigraph ------------------------------------------------------------------


def test_the_graph_holds_the_negotiation_facts_as_nodes_and_keyed_edges(examples: analysis.NegotiationGraph) -> None:
    graph = examples.graph
    putin = str(entity_iri("actor", "putin"))
    rejection = str(entity_iri("position", "putin-rejects-full-ceasefire"))
    assert graph.has_edge(putin, RUSSIA, key="represents")
    assert graph.has_edge(rejection, str(entity_iri("proposal", "us-30-day-ceasefire")), key="onProposal")
    assert graph.nodes[rejection]["asOf"] == [SEED_DATE]
    assert examples.label(putin) == "Vladimir Putin"
    assert examples.side(putin) == RUSSIA
    # Only the facts the analyses read: no aliases, roles or outlets.
    assert "altLabel" not in graph.nodes[putin] and "role" not in graph.nodes[putin]


def test_an_unknown_demand_suggests_close_ids(
    examples: analysis.NegotiationGraph, examples_backend: LocalBackend
) -> None:
    with pytest.raises(UnknownFact) as caught:
        analysis.explain(examples, examples_backend, "putin-demands-halt-mobilization")
    assert str(caught.value) == (
        "No demand with the id or IRI 'putin-demands-halt-mobilization' in the graph. Did you mean "
        "'putin-demands-halt-to-mobilization', 'putin-demands-ukraine-stop-rearming'? "
        "'ckg query demands' lists them with their ids."
    )


# --- alignment -------------------------------------------------------------------------


def bloc_labels(result: analysis.Alignment, negotiation: analysis.NegotiationGraph) -> list[set[str]]:
    return [{negotiation.label(member) for member in bloc} for bloc in result.blocs]


@pytest.mark.parametrize("as_of", [None, SEED_DATE])
def test_alignment_separates_ukraine_and_the_us_from_russia_on_the_30_day_ceasefire(
    examples: analysis.NegotiationGraph, as_of: dt.date | None
) -> None:
    result = analysis.alignment(examples, as_of, proposal="us-30-day-ceasefire")
    assert bloc_labels(result, examples) == [{"Ukraine", "United States"}, {"Russia"}]
    network = result.network
    assert network.edges[UKRAINE, UNITED_STATES]["weight"] == 1
    assert network.edges[RUSSIA, UKRAINE]["disagreements"] == 1
    assert network.edges[RUSSIA, UNITED_STATES]["weight"] == -1
    russia = {row[0]: row[2] for row in result.stances.rows}["Russia"]
    assert russia == ("rejects" if as_of else "conditionally accepts")


def test_alignment_over_all_proposals_counts_the_shared_energy_truce(examples: analysis.NegotiationGraph) -> None:
    result = analysis.alignment(examples)
    pairs = {(row[0], row[1]): row[2:5] for row in result.pairs().rows}
    # Russia and Ukraine both support the energy truce and split on the 30-day plan.
    assert pairs[("Russia", "Ukraine")] == (1, 1, 0)
    assert pairs[("Ukraine", "United States")] == (1, 0, 1)
    assert bloc_labels(result, examples) == [{"Ukraine", "United States"}, {"Russia"}]


def test_alignment_before_any_position_is_empty(examples: analysis.NegotiationGraph) -> None:
    result = analysis.alignment(examples, dt.date(2025, 1, 1))
    assert result.network.number_of_nodes() == 0 and result.blocs == ()


@pytest.mark.parametrize("suffix", ["graphml", "gexf"])
def test_the_network_file_opens_in_networkx_with_the_counts_reported(
    examples_store: Path, tmp_path: Path, suffix: str
) -> None:
    output = tmp_path / f"alignment.{suffix}"
    result = run_ckg("analyze", "alignment", "--store", str(examples_store), "-o", str(output))
    assert result.exit_code == 0, result.output
    reported = re.search(r"Wrote the alignment network \((\d+) nodes, (\d+) edges\) to ", result.stderr)
    assert reported is not None, result.stderr
    network = nx.read_graphml(output) if suffix == "graphml" else nx.read_gexf(output)
    assert (network.number_of_nodes(), network.number_of_edges()) == (int(reported[1]), int(reported[2])) == (3, 3)
    labels = {data["label"]: data["bloc"] for _, data in network.nodes(data=True)}
    assert labels["Ukraine"] == labels["United States"] != labels["Russia"]


def test_alignment_table_and_json(examples_store: Path) -> None:
    table = run_ckg("analyze", "alignment", "--store", str(examples_store))
    assert table.exit_code == 0, table.output
    assert (
        "Blocs\n\nbloc  members\n----  ----------------------\n1     Ukraine; United States\n2     Russia\n"
        in table.stdout
    )
    assert table.stderr == f"Backend: the embedded store at {examples_store} (NEO4J_URI is not set).\n"
    as_json = json.loads(run_ckg("analyze", "alignment", "--store", str(examples_store), "-f", "json").stdout)
    assert as_json["blocs"] == [
        {"bloc": 1, "members": ["Ukraine", "United States"]},
        {"bloc": 2, "members": ["Russia"]},
    ]
    assert {"side": "United States", "proposal": US_PLAN, "stance": "supports", "from": "proposer"} in as_json[
        "stances"
    ]


def test_a_network_file_needs_a_known_suffix(examples_store: Path, tmp_path: Path) -> None:
    result = run_ckg("analyze", "alignment", "--store", str(examples_store), "-o", str(tmp_path / "net.txt"))
    assert result.exit_code == 2
    assert result.stderr.endswith(
        f"Error: Invalid value for '-o' / '--output': {tmp_path / 'net.txt'} should end in .graphml or .gexf: "
        "the suffix chooses the format.\n"
    )
    assert not (tmp_path / "net.txt").exists()


# --- brokers ---------------------------------------------------------------------------


def test_trump_brokers_between_putin_and_zelensky(examples: analysis.NegotiationGraph) -> None:
    result = analysis.brokers(examples)
    rows = {row[0]: row for row in result.table.rows}
    assert rows["Donald Trump"][2] > 0
    assert rows["Donald Trump"][4] == ["Russia", "Ukraine"]
    # Putin and Zelensky only talk through Trump, so neither brokers for anyone.
    assert rows["Vladimir Putin"][2] < rows["Donald Trump"][2]
    top = result.table.rows[0][2]
    assert rows["Donald Trump"][2] == top
    kinds = result.network.edges[str(entity_iri("actor", "trump")), str(entity_iri("actor", "putin"))]["kinds"]
    assert "call" in kinds.split("; ")


def test_brokers_network_file_keeps_the_scores(examples_store: Path, tmp_path: Path) -> None:
    output = tmp_path / "contacts.gexf"
    result = run_ckg("analyze", "brokers", "--store", str(examples_store), "-o", str(output), "-f", "json")
    assert result.exit_code == 0, result.output
    network = nx.read_gexf(output)
    assert f"({network.number_of_nodes()} nodes, {network.number_of_edges()} edges)" in result.stderr
    scores = {data["label"]: data["betweenness"] for _, data in network.nodes(data=True)}
    assert scores == {row["actor"]: row["betweenness"] for row in json.loads(result.stdout)}


def test_brokers_before_any_contact_are_none(examples: analysis.NegotiationGraph) -> None:
    result = analysis.brokers(examples, dt.date(2025, 1, 1))
    assert result.table.rows == [] and result.network.number_of_nodes() == 0


# --- explain ---------------------------------------------------------------------------


@pytest.mark.parametrize("demand_id", sorted(THREE_DEMANDS))
def test_explain_prints_each_demands_chain_with_quotes(examples_store: Path, demand_id: str) -> None:
    result = run_ckg("analyze", "explain", demand_id, "--as-of", "2025-03-19", "--store", str(examples_store))
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.startswith(f"Demand {demand_id}, as of 2025-03-19\n\n")
    assert f"\u201c{THREE_DEMANDS[demand_id]}\u201d \u2014 2025-03-19-trump-zelensky-call" in text
    assert "demanded by: Vladimir Putin (for Russia)  [putin]" in text
    assert f"BLOCKS {US_PLAN}: Russia set it as a precondition and does not accept unconditionally" in text
    assert "position: Vladimir Putin's current position (rejects, as of 2025-03-19) is conditioned on it" in text
    assert "\u201cPutin refused to agree to a full ceasefire, demanding that Western aid to Ukraine cease" in text
    assert "proposal: U.S. plan for an unconditional 30-day ceasefire (scope: comprehensive ceasefire)" in text


def test_explain_says_why_a_withdrawn_demand_no_longer_blocks(
    examples: analysis.NegotiationGraph, examples_backend: LocalBackend
) -> None:
    explanation = analysis.explain(examples, examples_backend, "putin-demands-halt-to-mobilization")
    assert not explanation.on_the_table
    [verdict] = explanation.verdicts
    assert (verdict.blocking, verdict.reason) == (False, "the demand is not on the table")
    status = next(link for link in explanation.links if link.relation == "status")
    assert status.statement.startswith("withdrawn on 2025-04-08 (off the table")
    assert status.evidence is not None and status.evidence.article == "2025-04-09-kremlin-conditional-ceasefire"


def test_explain_as_json(examples_store: Path) -> None:
    result = run_ckg(
        "analyze", "explain", "demand:putin-demands-ukraine-stop-rearming", "-f", "json", "--store", str(examples_store)
    )
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["demand_id"] == "putin-demands-ukraine-stop-rearming" and record["on_the_table"]
    [proposal] = record["proposals"]
    assert proposal["proposal_id"] == "us-30-day-ceasefire" and proposal["blocking"]
    quotes = [link["quote"] for link in proposal["chain"] if link["quote"]]
    assert any("provided that Western military aid to Ukraine is frozen" in quote for quote in quotes)


def test_explain_of_an_unknown_demand_fails_with_a_hint(examples_store: Path) -> None:
    result = run_ckg("analyze", "explain", "no-such-demand", "--store", str(examples_store))
    assert result.exit_code == 1
    assert result.stderr.endswith(
        "Error: No demand with the id or IRI 'no-such-demand' in the graph. Known demands: "
        "putin-demands-end-of-western-aid, putin-demands-halt-to-mobilization, putin-demands-ukraine-stop-rearming. "
        "'ckg query demands' lists them with their ids.\n"
    )


def test_a_bad_date_is_refused_before_reading(examples_store: Path) -> None:
    result = run_ckg("analyze", "gaps", "--as-of", "19/03/2025", "--store", str(examples_store))
    assert result.exit_code == 2
    assert result.stderr.endswith(
        "Error: Invalid value for '--as-of': must be a date written YYYY-MM-DD (such as 2025-03-19), "
        "or 'latest', not '19/03/2025'.\n"
    )


def test_a_missing_store_is_reported(tmp_path: Path) -> None:
    result = run_ckg("analyze", "brokers", "--store", str(tmp_path / "none"))
    assert result.exit_code == 1
    assert result.stderr.endswith(
        f"Error: No ceasefire-kg store at {tmp_path / 'none'}. Load article files first with 'ckg load PATH', "
        "or point at an existing store with --store / CKG_STORE.\n"
    )
    assert not (tmp_path / "none").exists()


# --- explain takes its verdicts from the blocking-demands saved query -------------------------
#
# "A demand blocks a proposal" is defined once, by the query. explain takes its verdicts from
# the query's rows and words them from the chain of facts it reads in the multigraph; these
# tests check that every verdict is the query's and that the chain explains each one.


def _query_pairs(backend: Backend, as_of: dt.date | None, scope: str) -> set[tuple[str, str]]:
    """The (demand_id, proposal_id) rows of blocking-demands, run as 'ckg query' runs it."""
    query = sq.find_query("blocking-demands")
    given = {"scope": scope, **({"as_of": as_of.isoformat()} if as_of else {})}
    return {(row["demand_id"], row["proposal_id"]) for row in backend.run(query, query.bind(given)).records()}


def _explanations(
    negotiation: analysis.NegotiationGraph, backend: Backend, as_of: dt.date | None
) -> list[analysis.Explanation]:
    return [analysis.explain(negotiation, backend, demand, as_of) for demand in negotiation.nodes_of(str(CF.Demand))]


def _explained_pairs(
    negotiation: analysis.NegotiationGraph, explanations: list[analysis.Explanation], scope: str
) -> set[tuple[str, str]]:
    """The blocking verdicts of the proposals of a scope, each checked against its chain of facts."""
    found = set()
    for explanation in explanations:
        for verdict in explanation.verdicts:
            if not negotiation.in_scope(verdict.proposal, str(SCOPE[scope])):
                continue
            # The chain reads the same as the query: no verdict is left unexplained.
            assert verdict.reason not in (analysis.UNEXPLAINED_BLOCKING, analysis.UNEXPLAINED_NOT_BLOCKING)
            refusing = sorted(
                link.statement.split(" does not accept ")[0]
                for link in verdict.links
                if link.relation == "side" and " does not accept " in link.statement
            )
            if verdict.blocking:
                # Blocking: on the table, and the reason names the sides the chain shows refusing.
                assert explanation.on_the_table and refusing, verdict
                assert verdict.reason.startswith(f"{' and '.join(refusing)} set it as a precondition"), verdict
                found.add((explanation.demand_id, verdict.proposal_id))
            elif explanation.on_the_table:
                assert not refusing and verdict.reason.startswith("every side that set it accepts"), verdict
            else:
                assert verdict.reason == "the demand is not on the table", verdict
    return found


def _dates(negotiation: analysis.NegotiationGraph) -> list[dt.date | None]:
    """Latest, and a spread of the dates positions and demand statuses change on."""
    dates = sorted({d for _, values in negotiation.graph.nodes(data="asOf") for d in values or ()})
    return [None, dates[0] - dt.timedelta(days=1), *dates[:: max(1, len(dates) // 6)]]


def _as_known_on(backend: LocalBackend, as_of: dt.date | None) -> analysis.NegotiationGraph:
    """The graph of what was known on the date: the triples of the graphs known then (docs/time.md).

    blocking-demands answers as known on its as_of; the analysis is given the same knowledge here.
    """
    if as_of is None:
        return analysis.NegotiationGraph.read(backend)
    predicates = " ".join(f"<{iri}>" for iri in sorted(PROPERTY_KEYS))
    solutions = backend.store.query(
        f"SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?p {{ {predicates} }} GRAPH ?g {{ ?s ?p ?o }} }}",
        known_graphs(backend.store, as_of),
    )
    return analysis.NegotiationGraph.from_triples(tuple(row) for row in solutions)


def _assert_explain_agrees_with_the_query(
    negotiation: analysis.NegotiationGraph, backend: Backend, scopes: tuple[str, ...]
) -> int:
    """On each date of the negotiation and each scope, explain's blocking pairs are the query's; how many there were."""
    compared = 0
    for as_of in _dates(negotiation):
        known = _as_known_on(backend, as_of)
        explanations = _explanations(known, backend, as_of)
        for scope in scopes:
            expected = _query_pairs(backend, as_of, str(SCOPE[scope]))
            assert _explained_pairs(known, explanations, scope) == expected, (scope, as_of)
            compared += len(expected)
    return compared


def test_explain_gives_the_verdicts_of_blocking_demands_on_the_examples(
    examples: analysis.NegotiationGraph, examples_backend: LocalBackend
) -> None:
    _assert_explain_agrees_with_the_query(examples, examples_backend, ("comprehensive", "partial", "infrastructure"))
    seed = _explanations(examples, examples_backend, SEED_DATE)
    assert _explained_pairs(examples, seed, "comprehensive") == {(d, "us-30-day-ceasefire") for d in THREE_DEMANDS}


def test_explain_gives_the_verdicts_of_blocking_demands_on_generated_data(generated: Path) -> None:
    with Store.open_read_only(generated) as store:
        backend = LocalBackend(store)
        negotiation = analysis.NegotiationGraph.read(backend)
        compared = _assert_explain_agrees_with_the_query(negotiation, backend, ("comprehensive", "partial", "maritime"))
    # The generated negotiations do have blocking demands (fewer at the sampled dates since
    # proposal statuses hold from the dates their articles give, which spread the sample earlier).
    assert compared > 5, compared


class _RowsLeftOut:
    """A back end that answers blocking-demands without the rows of one demand."""

    def __init__(self, backend: Backend, demand_id: str) -> None:
        self.backend, self.demand_id = backend, demand_id
        self.name, self.description = backend.name, backend.description

    def run(self, query: sq.SavedQuery, parameters: Mapping[str, Any], page: sq.Page | None = None) -> sq.QueryResult:
        result = self.backend.run(query, parameters, page)
        index = result.columns.index("demand_id")
        rows = [row for row in result.rows if row[index] != self.demand_id]
        return sq.QueryResult(result.query, result.backend, result.parameters, rows)

    def missing_references(self, query: sq.SavedQuery, values: Mapping[str, Any]) -> list[sq.MissingReference]:
        return self.backend.missing_references(query, values)

    def triples(self, predicates: Any, on_progress: Any = None) -> Any:
        return self.backend.triples(predicates)


def test_the_verdict_is_the_querys_even_when_the_chain_disagrees(
    examples: analysis.NegotiationGraph, examples_backend: LocalBackend, caplog: pytest.LogCaptureFixture
) -> None:
    demand = "putin-demands-ukraine-stop-rearming"
    assert analysis.explain(examples, examples_backend, demand).verdicts[0].blocking
    [verdict] = analysis.explain(examples, _RowsLeftOut(examples_backend, demand), demand).verdicts
    assert (verdict.blocking, verdict.reason) == (False, analysis.UNEXPLAINED_NOT_BLOCKING)
    assert "The blocking-demands query says putin-demands-ukraine-stop-rearming does not block" in caplog.text
    # gaps too take the pairs from the query.
    rows = analysis.gaps(examples, _RowsLeftOut(examples_backend, demand)).rows
    assert [row[8] for row in rows] == ["putin-demands-end-of-western-aid"]


def test_blocking_pairs_of_every_proposal_join_the_broadest_scopes(
    examples: analysis.NegotiationGraph, examples_backend: LocalBackend
) -> None:
    for as_of in (None, SEED_DATE):
        every = analysis.blocking_in(examples, examples_backend, as_of)
        expected = {
            analysis.BlockingPair(d, p)
            for scope in ("comprehensive", "partial")
            for d, p in _query_pairs(examples_backend, as_of, str(SCOPE[scope]))
        }
        assert every.pairs == expected and every.as_of == as_of
    assert list(analysis.blocking(examples_backend, SEED_DATE)) == [
        analysis.BlockingPair(d, "us-30-day-ceasefire") for d in sorted(THREE_DEMANDS)
    ]


# --- gaps ------------------------------------------------------------------------------


def test_gaps_pair_russias_conditions_with_ukraines_acceptance(
    examples: analysis.NegotiationGraph, examples_backend: LocalBackend
) -> None:
    latest = analysis.gaps(examples, examples_backend)
    assert [(r[8], r[3], r[4], r[5]) for r in latest.rows] == [
        ("putin-demands-ukraine-stop-rearming", "Ukraine", "zelensky-reaffirms-acceptance-of-30-day-ceasefire", True),
        ("putin-demands-end-of-western-aid", "Ukraine", "zelensky-reaffirms-acceptance-of-30-day-ceasefire", False),
    ]
    seed = analysis.gaps(examples, examples_backend, SEED_DATE, scope=str(SCOPE["comprehensive"]))
    assert {(r[8], r[4]) for r in seed.rows} == {(d, "zelensky-accepts-30-day-ceasefire") for d in THREE_DEMANDS}
    assert analysis.gaps(examples, examples_backend, SEED_DATE, scope=str(SCOPE["energy-infrastructure"])).rows == []


def test_gaps_from_the_cli_as_csv(examples_store: Path) -> None:
    result = run_ckg(
        "analyze", "gaps", "--proposal", "us-30-day-ceasefire", "-f", "csv", "--store", str(examples_store)
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert (
        lines[0]
        == "proposal,demand,demanded_by,accepting_side,position,addressed,demand_quote,position_quote,demand_id"
    )
    assert len(lines) == 3 and lines[1].startswith(f"{US_PLAN},Ukraine must stop rearming.,Russia,Ukraine,")


# --- determinism and the Neo4j backend -----------------------------------------------------


def test_a_large_graph_shows_progress(generated: Path) -> None:
    result = run_ckg("analyze", "gaps", "--store", str(generated))
    assert result.exit_code == 0, result.output
    assert re.search(r"^Reading the graph: \d{1,3}(,\d{3})+$", result.stderr, re.MULTILINE), result.stderr


def test_results_are_the_same_run_after_run(generated: Path) -> None:
    outputs = []
    for _ in range(2):
        with Store.open_read_only(generated) as store:
            backend = LocalBackend(store)
            negotiation = analysis.NegotiationGraph.read(backend)
            alignment = analysis.alignment(negotiation)
            outputs.append(
                (
                    alignment.blocs,
                    alignment.pairs().rows,
                    analysis.brokers(negotiation).table.rows,
                    analysis.gaps(negotiation, backend).rows,
                    nx.to_dict_of_dicts(alignment.network),
                )
            )
    assert outputs[0] == outputs[1]
    assert outputs[0][0] and outputs[0][2]


@pytest.mark.neo4j
def test_neo4j_gives_the_same_answers(
    generated: Path, neo4j_driver: neo4j.Driver, neo4j_database: str, neo4j_server: object, tmp_path: Path
) -> None:
    with Store.open_read_only(generated) as store:
        push(store, neo4j_driver, neo4j_database)
        local_backend = LocalBackend(store)
        local = analysis.NegotiationGraph.read(local_backend)
        local_blocking = analysis.blocking_in(local, local_backend)
    neo4j_backend = Neo4jBackend(neo4j_driver, neo4j_database)
    remote = analysis.NegotiationGraph.read(neo4j_backend)
    assert nx.utils.graphs_equal(local.graph, remote.graph)
    assert analysis.blocking_in(remote, neo4j_backend) == local_blocking and local_blocking.pairs
    blocking_demand = min(local_blocking).demand_id
    env = {
        "NEO4J_URI": neo4j_server.uri,  # type: ignore[attr-defined]
        "NEO4J_USERNAME": neo4j_server.username,  # type: ignore[attr-defined]
        "NEO4J_PASSWORD": neo4j_server.password,  # type: ignore[attr-defined]
        "NEO4J_DATABASE": neo4j_database,
    }
    for command in (
        ["alignment", "-f", "json"],
        ["brokers", "-f", "json"],
        ["gaps", "-f", "json"],
        ["explain", blocking_demand, "-f", "json"],
    ):
        on_neo4j = run_ckg("analyze", *command, "--store", str(tmp_path / "no-store"), env=env)
        assert on_neo4j.exit_code == 0, on_neo4j.output
        assert on_neo4j.stderr.startswith(f"Backend: Neo4j at {neo4j_server.uri}")  # type: ignore[attr-defined]
        on_store = run_ckg("analyze", *command, "--backend", "local", "--store", str(generated))
        assert on_neo4j.stdout == on_store.stdout, command


# --- explain follows chains of conditions ----------------------------------------------------


@pytest.fixture(scope="module")
def demand_kinds(demands_store: Path) -> Iterator[tuple[analysis.NegotiationGraph, LocalBackend]]:
    with Store.open_read_only(demands_store) as store:
        backend = LocalBackend(store)
        yield analysis.NegotiationGraph.read(backend), backend


def test_explain_a_blocked_proposal_lists_its_demands_their_conditions_and_responses(demands_store: Path) -> None:
    result = run_ckg("analyze", "explain", "aster-sea-truce", "--store", str(demands_store))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:3] == [
        "Proposal aster-sea-truce, as of the latest facts",
        "",
        "Truce on the Aster Sea is blocked by 1 open demand:",
    ]
    statements = [line for line in lines if not line.lstrip().startswith("\u201c")]
    assert statements[4:] == [
        "blocking demand: Sanctions on Caldora Agrarian Bank must be lifted. (demanded by Ivo Brandt)  "
        "[bank-sanctions-relief]",
        "  response: accepted on conditions by Ostland on 2031-03-28, on condition that: Caldoran troops must "
        "withdraw from the Aster coast. (according to Caldora)  [ostland-backs-relief]",
        "  response: rejected by Northern Union (Northern Commission) on 2031-04-01 (according to Northern "
        "Commission)  [commission-rejects-relief]",
        "  response: rejected by Verenia (Mira Soll) on 2031-04-02  [verenia-rejects-relief]",
        "  conditional on: Caldoran troops must withdraw from the Aster coast. (demanded by Lena Maris)  "
        "[coast-withdrawal]",
        "    response: rejected by Caldora (Ivo Brandt) on 2031-04-02  [caldora-rejects-withdrawal]",
    ]
    # The blocking demands are the blocking-demands query's rows for the proposal.
    query = run_ckg(
        "query", "blocking-demands", "-p", "proposal=aster-sea-truce", "-f", "csv", "--store", str(demands_store)
    )
    assert query.stdout.count("bank-sanctions-relief") == 1 and "coast-withdrawal" not in query.stdout


def test_explain_as_of_a_date_shows_the_responses_current_then(
    demand_kinds: tuple[analysis.NegotiationGraph, LocalBackend], demands_store: Path
) -> None:
    negotiation, backend = demand_kinds
    explanation = analysis.explain(negotiation, backend, "bank-sanctions-relief", dt.date(2031, 3, 28))
    assert [link.statement for link in explanation.responses] == [
        "accepted on conditions by Ostland on 2031-03-28, on condition that: Caldoran troops must withdraw "
        "from the Aster coast. (according to Caldora)",
        "under consideration (will study it) by Northern Union (Lena Maris) on 2031-03-27",
    ]
    [condition] = explanation.conditions
    assert (condition.demand_id, condition.responses, condition.conditions) == ("coast-withdrawal", (), ())
    record = json.loads(
        run_ckg("analyze", "explain", "aster-sea-truce", "-f", "json", "--store", str(demands_store)).stdout
    )
    [blocking] = record["blocking"]
    assert [inner["demand_id"] for inner in blocking["conditions"]] == ["coast-withdrawal"]


def test_explain_follows_a_cycle_of_conditions_once() -> None:
    # The loader refuses such a cycle, but a graph read from elsewhere may hold one.
    def demand(slug: str) -> str:
        return str(entity_iri("demand", slug))

    triples = []
    for slug, condition_for in (("a", "b"), ("b", "a")):
        node = ox.NamedNode(demand(slug))
        record = ox.NamedNode(demand(slug) + "-record")
        triples += [
            (node, ox.NamedNode(RDF_TYPE), ox.NamedNode(str(CF.Demand))),
            (node, ox.NamedNode(str(CF.text)), ox.Literal(f"Demand {slug}")),
            (node, ox.NamedNode(str(CF.preconditionFor)), ox.NamedNode(demand(condition_for))),
            (node, ox.NamedNode(str(CF.statusRecord)), record),
            (record, ox.NamedNode(str(CF.asOf)), ox.Literal("2031-01-01", datatype=ox.NamedNode(XSD_DATE))),
        ]
    negotiation = analysis.NegotiationGraph.from_triples(triples)
    [b] = analysis.conditions_of(negotiation, demand("a"), None)
    [a_again] = b.conditions
    assert (b.demand_id, a_again.demand_id, a_again.repeated, a_again.conditions) == (
        demand("b"),
        demand("a"),
        True,
        (),
    )
