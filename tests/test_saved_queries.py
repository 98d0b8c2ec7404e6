"""Saved queries: headers, parameters, answers on the examples, and the CLI.

Stores (built once per session): the two example articles, the seed article
alone, the edge cases in ``tests/queries/articles`` and a small generated
corpus. The answers asserted here by hand are also kept, for every query and
parameter set, as golden rows that both backends are checked against: see
tests/queries/test_query_answers.py.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import neo4j
import pyoxigraph as ox
import pytest

from ceasefire_kg import saved_queries as sq
from ceasefire_kg.backends import LocalBackend, Neo4jBackend
from ceasefire_kg.cli import tables
from ceasefire_kg.errors import (
    QueryBackendUnavailable,
    QueryNotReadOnly,
    QueryParameterError,
    SavedQueryFileError,
    UnknownSavedQuery,
)
from ceasefire_kg.store import Store
from tests.cli_helpers import run_ckg
from tests.paths import SEED_ARTICLE

LATER_ARTICLE = "2025-04-09-kremlin-conditional-ceasefire"
QUERY_NAMES = [
    "accusations",
    "agreements",
    "blocking-demands",
    "confidence-measures",
    "demands",
    "disputes",
    "evidence",
    "mediators",
    "position-history",
    "positions",
    "responses",
    "scope-disputes",
    "single-source",
    "talks",
    "timeline",
    "violations",
]
THREE_DEMANDS = [
    "Ukraine must halt mandatory military mobilization.",
    "Ukraine must stop rearming.",
    "Western aid to Ukraine must cease.",
]
US_PLAN = "U.S. plan for an unconditional 30-day ceasefire"
ENERGY_TRUCE = "Temporary truce on strikes against energy infrastructure"
#: A port nothing listens on, for "Neo4j unreachable".
DEAD_URI = "bolt://127.0.0.1:9"


# --- stores ------------------------------------------------------------------------


def run(store_path: Path, name: str, **given: str) -> sq.QueryResult:
    """Run a saved query on the embedded store."""
    query = sq.find_query(name)
    with Store.open_read_only(store_path) as store:
        return LocalBackend(store).run(query, query.bind(given))


def column(result: sq.QueryResult, name: str) -> list[Any]:
    """One column of a result."""
    return [record[name] for record in result.records()]


def pick(result: sq.QueryResult, *names: str) -> list[tuple[Any, ...]]:
    """Some columns of a result, as tuples."""
    return [tuple(record[name] for name in names) for record in result.records()]


# --- the query files ----------------------------------------------------------------


def test_every_saved_query_has_both_versions_and_a_complete_header() -> None:
    queries = sq.saved_queries()
    assert [query.name for query in queries] == QUERY_NAMES
    for query in queries:
        assert query.source == f"queries/{query.name}.cypher"
        assert query.sparql_source == f"queries/{query.name}.rq"
        assert query.title and query.description and query.columns
        assert query.cypher is not None and query.sparql is not None
        for parameter in query.parameters:
            assert parameter.description, f"{query.name}: parameter {parameter.name} has no description"


def test_saved_cypher_never_writes() -> None:
    writes = re.compile(
        r"\b(CREATE|MERGE|SET|DELETE|REMOVE|DETACH|LOAD\s+CSV|FOREACH)\b|\bIN\s+TRANSACTIONS\b", re.IGNORECASE
    )
    for query in sq.saved_queries():
        code = "\n".join(line for line in (query.cypher or "").splitlines() if not line.lstrip().startswith("//"))
        assert not writes.search(code), f"{query.name} has a write clause"


def test_header_format_is_parsed() -> None:
    text = (
        "// name: my-question\n"
        "// title: Something to know\n"
        "// description: First line,\n"
        "//   and its continuation.\n"
        "// param who: iri(actor) = putin — whose it is\n"
        "// param day: date = latest -- the day\n"
        "// param top: integer — how many (required)\n"
        "// param loud: boolean = no\n"
        "// param fact: fact-id = none\n"
        "// columns: a, b: list, c: date, d: integer, e: boolean\n"
        "//\n"
        "// A free comment: not part of the header.\n"
        "MATCH (n) WHERE n.uri = $who AND $day IS NULL AND $top > 0 AND $loud AND $fact IS NULL\n"
        "RETURN 1 AS a, [] AS b, null AS c, 1 AS d, true AS e\n"
    )
    query = sq.parse_query(text, source="mine.cypher", stem="mine")
    assert query.name == "my-question"
    assert query.title == "Something to know"
    assert query.description == "First line, and its continuation."
    assert [(p.name, p.type_text, p.default, p.description) for p in query.parameters] == [
        ("who", "iri(actor)", "putin", "whose it is"),
        ("day", "date", "latest", "the day"),
        ("top", "integer", None, "how many (required)"),
        ("loud", "boolean", "no", ""),
        ("fact", "fact-id", "none", ""),
    ]
    assert [(c.name, c.type) for c in query.columns] == [
        ("a", "string"),
        ("b", "list"),
        ("c", "date"),
        ("d", "integer"),
        ("e", "boolean"),
    ]
    assert query.parameter("top").required
    assert query.parameters[0].signature == "who: iri(actor) = putin"
    assert query.parameters[2].signature == "top: integer, required"


def test_name_defaults_to_the_file_name() -> None:
    query = sq.parse_query("// title: T\n// columns: a\nRETURN 1 AS a", source="x.cypher", stem="my-file")
    assert query.name == "my-file"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "// name: x\n// columns: a\nRETURN 1 AS a",
            "The query file f.cypher has a bad header:\n"
            "  - it has no '// title: ...' line; add one saying what the query answers\n"
            "See 'ckg queries blocking-demands' and queries/blocking-demands.cypher for the header format.",
        ),
        (
            "// title: T\nRETURN 1 AS a",
            "The query file f.cypher has a bad header:\n"
            "  - it has no '// columns: ...' line; list the result columns in order, such as "
            "'// columns: actor, date: date'\n"
            "See 'ckg queries blocking-demands' and queries/blocking-demands.cypher for the header format.",
        ),
        (
            "// title: T\n// param when: dat = latest\n// columns: a\nRETURN $when AS a",
            "The query file f.cypher has a bad header:\n"
            "  - line 2: parameter 'when' has unknown type 'dat' (did you mean 'date'?); use one of "
            "string, integer, boolean, date, iri, fact-id, enum\n"
            "See 'ckg queries blocking-demands' and queries/blocking-demands.cypher for the header format.",
        ),
        (
            "// title: T\n// param n: integer = many\n// columns: a\nRETURN $n AS a",
            "The query file f.cypher has a bad header:\n"
            "  - line 2: the default of parameter 'n' is not valid: Parameter 'n' must be a whole number "
            "such as 10, not 'many'.\n"
            "See 'ckg queries blocking-demands' and queries/blocking-demands.cypher for the header format.",
        ),
        (
            "// title: T\n// param s: enum(open|none|Open) = none\n// columns: a\nRETURN $s AS a",
            "The query file f.cypher has a bad header:\n"
            "  - line 2: parameter 's': write its values as enum(VALUE|VALUE|...), each of lower-case letters, "
            "digits, - and _, none twice, and not 'none' (it means unset); not 'enum(open|none|Open)'\n"
            "See 'ckg queries blocking-demands' and queries/blocking-demands.cypher for the header format.",
        ),
        (
            "// title: T\n// param s: enum(open|met) = none\n// param u: enum(up) = down\n"
            "// example: s=shut\n// example: t=1\n// columns: a\nRETURN $s AS a, $u AS b",
            "The query file f.cypher has a bad header:\n"
            "  - line 3: the default of parameter 'u' is not valid: Parameter 'u' must be up, not 'down'.\n"
            "  - line 4: the example's value is not valid: Parameter 's' must be one of open or met, not 'shut'.\n"
            "  - line 5: write 'example: NAME=VALUE ... — what it shows' with declared parameters, not 't=1'\n"
            "See 'ckg queries blocking-demands' and queries/blocking-demands.cypher for the header format.",
        ),
        (
            "// title: T\n// columns: a, a, b: float\nRETURN 1 AS a",
            "The query file f.cypher has a bad header:\n"
            "  - column 'a' is listed twice\n"
            "  - column 'b' has unknown type 'float'; use one of string, integer, boolean, date, list\n"
            "See 'ckg queries blocking-demands' and queries/blocking-demands.cypher for the header format.",
        ),
        (
            "// title: T\n// param x: string\n// param x: string\n// columns: a\nRETURN $x AS a, $y AS b",
            "The query file f.cypher has a bad header:\n"
            "  - parameter 'x' is declared twice\n"
            "  - the Cypher uses $y, which the header does not declare; add '// param y: string = none'\n"
            "See 'ckg queries blocking-demands' and queries/blocking-demands.cypher for the header format.",
        ),
    ],
)
def test_bad_headers_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(SavedQueryFileError) as caught:
        sq.parse_query(text, source="f.cypher", stem="f")
    assert str(caught.value) == message


def test_a_stray_header_line_is_reported_with_its_line() -> None:
    with pytest.raises(SavedQueryFileError) as caught:
        sq.parse_query("// title: T\n// author: me\n// columns: a\nRETURN 1 AS a", source="f.cypher", stem="f")
    assert str(caught.value).startswith("f.cypher:2: '// author: me' is not a header field.")


def test_sparql_parameters_must_be_declared() -> None:
    with pytest.raises(SavedQueryFileError) as caught:
        sq.parse_query(
            "// title: T\n// columns: a\nRETURN 1 AS a",
            source="f.cypher",
            stem="f",
            sparql="SELECT ?a WHERE { BIND(param:day() AS ?a) }",
            sparql_source="f.rq",
        )
    assert "  - the SPARQL in f.rq uses param:day(), which the header does not declare" in str(caught.value)


def test_set_parameters_become_escaped_terms_in_the_sparql() -> None:
    sparql = (
        "# param:who() in a comment\n"
        "SELECT * WHERE { BIND(param:who() AS ?w) BIND(param:text ( ) AS ?t) BIND(param:unset() AS ?u)\n"
        '  BIND("param:who()" AS ?s) BIND(<https://example.org/param:who()> AS ?i) FILTER(?d <= param:day()) }'
    )
    terms = {
        "who": ox.NamedNode("https://w3id.org/ceasefire-kg/id/actor/putin"),
        "text": ox.Literal('say "no" \\ }\n# not a comment'),
        "unset": None,
        "day": ox.Literal("2025-03-19", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")),
    }
    assert sq.substitute_parameters(sparql, terms) == (
        "# param:who() in a comment\n"
        "SELECT * WHERE { BIND(<https://w3id.org/ceasefire-kg/id/actor/putin> AS ?w) "
        'BIND("say \\"no\\" \\\\ }\\n# not a comment" AS ?t) BIND(param:unset() AS ?u)\n'
        '  BIND("param:who()" AS ?s) BIND(<https://example.org/param:who()> AS ?i) '
        'FILTER(?d <= "2025-03-19"^^<http://www.w3.org/2001/XMLSchema#date>) }'
    )


def test_a_string_parameter_cannot_change_the_query(tmp_path: Path, examples_store: Path) -> None:
    # A text written to break out of its string literal is compared as a whole, and matches nothing.
    query = sq.find_query(str(_write_user_query(tmp_path)))
    with Store.open_read_only(examples_store) as store:
        rows = LocalBackend(store).run(query, query.bind({"text": 'Zel")) } UNION { BIND("x'}))
    assert rows.rows == []


def test_an_enum_parameter_takes_only_its_values() -> None:
    demands = sq.find_query("demands")
    status = demands.parameter("status")
    assert status is not None and status.choices == ("open", "met", "withdrawn")
    assert status.signature == "status: enum(open|met|withdrawn) = none"
    assert demands.bind({"status": "Withdrawn"})["status"] == "withdrawn"
    assert demands.bind({})["status"] is None
    with pytest.raises(QueryParameterError) as caught:
        demands.bind({"status": "withdrawm"})
    assert str(caught.value) == (
        "Parameter 'status' of query 'demands' must be one of open, met or withdrawn, not 'withdrawm' "
        "(did you mean 'withdrawn'?)."
    )


def test_an_example_line_is_parsed_and_described() -> None:
    query = sq.find_query("blocking-demands")
    (example,) = query.examples
    assert example.values == (("as_of", "2025-03-19"),)
    assert example.description == "as of 19 March 2025, before the April article"
    assert (
        "Examples:\n  ckg query blocking-demands -p as_of=2025-03-19  (as of 19 March 2025, before the April article)\n"
    ) in tables.describe_query(query)


# --- parameters ---------------------------------------------------------------------


def test_parameter_values_are_converted() -> None:
    assert sq.Parameter("d", "date", default="latest").convert("2025-03-19") == dt.date(2025, 3, 19)
    assert sq.Parameter("d", "date", default="latest").convert("latest") is None
    assert sq.Parameter("n", "integer", default="1").convert("-12") == -12
    assert sq.Parameter("b", "boolean", default="no").convert("Yes") is True
    assert sq.Parameter("b", "boolean", default="no").convert("off") is False
    assert sq.Parameter("s", "string", default="none").convert("none") is None
    actor = sq.Parameter("a", "iri", kind="actor", default="none")
    assert actor.convert("putin") == "https://w3id.org/ceasefire-kg/id/actor/putin"
    assert actor.convert("actor:russia") == "https://w3id.org/ceasefire-kg/id/actor/russia"
    assert actor.convert("https://example.org/x") == "https://example.org/x"
    scope = sq.Parameter("s", "iri", kind="scope", default="comprehensive")
    assert scope.convert("energy-infrastructure") == "https://w3id.org/ceasefire-kg/scope/energy-infrastructure"
    fact = sq.Parameter("f", "fact-id")
    assert fact.convert("putin-rejects-full-ceasefire") == "putin-rejects-full-ceasefire"
    assert fact.convert("position:x") == "https://w3id.org/ceasefire-kg/id/position/x"
    assert fact.convert("urn:x:y") == "urn:x:y"


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (
            {"as_of": "19/03/2025"},
            "Parameter 'as_of' of query 'blocking-demands' must be a date written YYYY-MM-DD "
            "(such as 2025-03-19), or 'latest', not '19/03/2025'.",
        ),
        (
            {"as_of": "2025-02-30"},
            "Parameter 'as_of' of query 'blocking-demands' must be a date written YYYY-MM-DD "
            "(such as 2025-03-19), or 'latest', not '2025-02-30'.",
        ),
        (
            {"asof": "2025-03-19"},
            "Query 'blocking-demands' has no parameter 'asof' (did you mean 'as_of'?). "
            "Its parameters: scope, proposal, as_of. See 'ckg queries blocking-demands'.",
        ),
        (
            {"proposal": "not an id"},
            "Parameter 'proposal' of query 'blocking-demands' must be an id such as us-30-day-ceasefire, "
            "a prefixed name such as proposal:us-30-day-ceasefire or a full IRI such as "
            "https://w3id.org/ceasefire-kg/id/proposal/us-30-day-ceasefire, not 'not an id'.",
        ),
    ],
)
def test_bad_parameter_values_say_what_is_expected(given: dict[str, str], message: str) -> None:
    with pytest.raises(QueryParameterError) as caught:
        sq.find_query("blocking-demands").bind(given)
    assert str(caught.value) == message


def test_a_missing_required_parameter_is_named() -> None:
    with pytest.raises(QueryParameterError) as caught:
        sq.find_query("evidence").bind({})
    assert str(caught.value) == (
        "Query 'evidence' needs parameter 'fact' (fact-id: the fact's id (such as putin-rejects-full-ceasefire), "
        "a prefixed name (position:putin-rejects-full-ceasefire) or an IRI). Give it with -p fact=VALUE."
    )


def test_assignments_are_name_equals_value() -> None:
    assert sq.parse_assignments(["as-of=2025-03-19", "scope=a=b"]) == {"as_of": "2025-03-19", "scope": "a=b"}
    with pytest.raises(QueryParameterError) as caught:
        sq.parse_assignments(["as_of"])
    assert str(caught.value) == "-p takes NAME=VALUE (such as -p as_of=2025-03-19), not 'as_of'."
    with pytest.raises(QueryParameterError) as caught:
        sq.parse_assignments(["as_of=2025-03-19", "as-of=latest"])
    assert str(caught.value) == "Parameter 'as-of' is given twice; give each -p NAME=VALUE once."


def test_unknown_query_suggests_a_close_name() -> None:
    with pytest.raises(UnknownSavedQuery) as caught:
        sq.find_query("violatons")
    assert str(caught.value) == (
        "No saved query 'violatons'. Did you mean 'violations'? List them with 'ckg queries', "
        "or give the path of a .cypher file of your own."
    )
    with pytest.raises(UnknownSavedQuery) as caught:
        sq.find_query("zzz")
    assert str(caught.value) == (
        "No saved query 'zzz'. List them with 'ckg queries', or give the path of a .cypher file of your own."
    )


def test_a_missing_query_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(UnknownSavedQuery) as caught:
        sq.find_query(str(tmp_path / "nothing.cypher"))
    assert str(caught.value) == (
        f"No query file at {tmp_path / 'nothing.cypher'}. Check the path, or list the saved queries with 'ckg queries'."
    )


# --- answers on the examples (embedded store) ---------------------------------------------


#: The columns of blocking-demands, in order.
BLOCKING_COLUMNS = (
    "demand",
    "demanded_by",
    "side",
    "demanded_of",
    "proposal",
    "since",
    "quote",
    "article",
    "proposal_id",
    "demand_id",
)


def test_blocking_demands_on_the_seed_article_are_exactly_putins_three(seed_store: Path) -> None:
    result = run(seed_store, "blocking-demands")
    assert result.columns == BLOCKING_COLUMNS
    assert result.rows == [
        (
            "Ukraine must halt mandatory military mobilization.",
            "Vladimir Putin",
            "Russia",
            ["Ukraine"],
            US_PLAN,
            "2025-03-19",
            "and halt mandatory military mobilization",
            SEED_ARTICLE,
            "us-30-day-ceasefire",
            "putin-demands-halt-to-mobilization",
        ),
        (
            "Ukraine must stop rearming.",
            "Vladimir Putin",
            "Russia",
            ["Ukraine"],
            US_PLAN,
            "2025-03-19",
            "that Ukraine stop rearming",
            SEED_ARTICLE,
            "us-30-day-ceasefire",
            "putin-demands-ukraine-stop-rearming",
        ),
        (
            "Western aid to Ukraine must cease.",
            "Vladimir Putin",
            "Russia",
            ["Western backers of Ukraine"],
            US_PLAN,
            "2025-03-19",
            "demanding that Western aid to Ukraine cease",
            SEED_ARTICLE,
            "us-30-day-ceasefire",
            "putin-demands-end-of-western-aid",
        ),
    ]


def test_blocking_demands_as_of_the_seed_date_are_the_same_three_with_both_articles(
    examples_store: Path, seed_store: Path
) -> None:
    assert run(examples_store, "blocking-demands", as_of="2025-03-19").rows == run(seed_store, "blocking-demands").rows


def test_blocking_demands_by_default_reflect_the_later_article(examples_store: Path) -> None:
    # Russia now accepts conditionally, on two demands; the mobilization demand is withdrawn.
    for given in ({}, {"as_of": "2025-04-09"}, {"proposal": "us-30-day-ceasefire"}):
        result = run(examples_store, "blocking-demands", **given)
        assert column(result, "demand") == THREE_DEMANDS[1:], given
        assert set(column(result, "side")) == {"Russia"}
        assert column(result, "quote") == ["that Ukraine stop rearming", "demanding that Western aid to Ukraine cease"]
    # The day before Putin's shift all three still block; on the day of it too, as known then: the
    # shift (dated 8 April) and the withdrawal were first reported on 9 April.
    for as_of in ("2025-04-07", "2025-04-08"):
        assert column(run(examples_store, "blocking-demands", as_of=as_of), "demand") == THREE_DEMANDS, as_of


def test_blocking_demands_of_other_scopes(examples_store: Path) -> None:
    assert run(examples_store, "blocking-demands", scope="energy-infrastructure").rows == []
    assert run(examples_store, "blocking-demands", scope="partial").rows == []
    assert run(examples_store, "blocking-demands", as_of="2025-01-01").rows == []


def test_blocking_demands_edge_cases(edge_store: Path) -> None:
    # 2025-01-10: Ada North (for Northland) rejects on the withdrawal demand; Southland accepts
    # unconditionally, so its own demand does not block.
    early = run(edge_store, "blocking-demands", as_of="2025-01-15")
    assert pick(early, "demand_id", "demanded_by", "side") == [("north-wants-withdrawal", "Ada North", "Northland")]
    # The withdrawal demand was met on 2025-01-30, but only the article of 2025-02-01 says so: as
    # known on 2025-01-31 it still blocks.
    assert pick(run(edge_store, "blocking-demands", as_of="2025-01-31"), "demand_id") == [("north-wants-withdrawal",)]
    # 2025-02-01 Bo South's conditional acceptance supersedes Southland's acceptance.
    late = run(edge_store, "blocking-demands")
    assert pick(late, "demand_id", "side", "since") == [("south-wants-prisoners", "Southland", "2025-01-10")]
    # A maritime truce is a partial ceasefire: asked about partial scopes, Northland's port demand blocks it.
    partial = run(edge_store, "blocking-demands", scope="partial")
    assert pick(partial, "demand_id", "proposal") == [("north-wants-port-access", "Truce at sea")]
    assert run(edge_store, "blocking-demands", scope="geographic").rows == []


def test_positions_now_and_as_of_the_seed(examples_store: Path) -> None:
    names = ("actor", "held_by", "proposal", "stance", "conditions", "since", "position_id")
    assert pick(run(examples_store, "positions"), *names) == [
        ("Russia", "Russia", ENERGY_TRUCE, "supports", [], "2025-03-19", "russia-supports-energy-truce"),
        (
            "Russia",
            "Vladimir Putin",
            US_PLAN,
            "conditionally-accepts",
            THREE_DEMANDS[1:],
            "2025-04-08",
            "putin-conditionally-accepts-30-day-ceasefire",
        ),
        (
            "Ukraine",
            "Volodymyr Zelensky",
            "Deal granting the U.S. preferential access to Ukraine's mineral resources",
            "accepts",
            [],
            "2025-03-19",
            "zelensky-accepts-minerals-deal",
        ),
        ("Ukraine", "Ukraine", ENERGY_TRUCE, "supports", [], "2025-03-19", "ukraine-supports-energy-truce"),
        (
            "Ukraine",
            "Volodymyr Zelensky",
            US_PLAN,
            "accepts",
            [],
            "2025-04-09",
            "zelensky-reaffirms-acceptance-of-30-day-ceasefire",
        ),
    ]
    seed = run(examples_store, "positions", as_of="2025-03-19", actor="russia", proposal="us-30-day-ceasefire")
    assert pick(seed, *names) == [
        ("Russia", "Vladimir Putin", US_PLAN, "rejects", THREE_DEMANDS, "2025-03-19", "putin-rejects-full-ceasefire"),
    ]
    assert pick(seed, "quote", "article") == [
        (
            "Putin refused to agree to a full ceasefire, demanding that Western aid to Ukraine cease, that Ukraine stop "
            "rearming, and halt mandatory military mobilization.",
            SEED_ARTICLE,
        )
    ]
    # A person's own positions, by the person's id.
    assert column(run(examples_store, "positions", actor="putin"), "position_id") == [
        "putin-conditionally-accepts-30-day-ceasefire"
    ]


def test_position_history_of_russia(examples_store: Path) -> None:
    result = run(examples_store, "position-history", actor="russia")
    assert pick(result, "since", "held_by", "stance", "superseded_by", "position_id") == [
        ("2025-03-19", "Russia", "supports", [], "russia-supports-energy-truce"),
        (
            "2025-03-19",
            "Vladimir Putin",
            "rejects",
            ["putin-conditionally-accepts-30-day-ceasefire"],
            "putin-rejects-full-ceasefire",
        ),
        ("2025-04-08", "Vladimir Putin", "conditionally-accepts", [], "putin-conditionally-accepts-30-day-ceasefire"),
    ]
    assert len(run(examples_store, "position-history", proposal="us-30-day-ceasefire").rows) == 4


def test_scope_disputes_show_the_energy_only_reading_against_the_wider_one(examples_store: Path) -> None:
    result = run(examples_store, "scope-disputes")
    assert pick(result, "proposal", "actor", "scopes", "reading", "proposal_scope") == [
        (
            ENERGY_TRUCE,
            "Russia",
            ["energy-infrastructure"],
            "The truce only pertains to energy infrastructure.",
            ["energy-infrastructure"],
        ),
        (
            ENERGY_TRUCE,
            "United States",
            ["critical-infrastructure", "energy-infrastructure"],
            "The truce covers other critical infrastructure as well as energy infrastructure.",
            ["energy-infrastructure"],
        ),
    ]
    assert column(result, "quote") == [
        "with Moscow insisting it only pertains to energy infrastructure",
        "while U.S. officials maintain it covers other critical infrastructure as well",
    ]
    assert run(examples_store, "scope-disputes", as_of="2025-03-18").rows == []


def test_scope_disputes_need_two_sides(edge_store: Path) -> None:
    result = run(edge_store, "scope-disputes")
    assert pick(result, "actor", "claimed_by", "scopes") == [
        ("Northland", "Ada North", ["maritime"]),
        ("Southland", "Southland", ["geographic", "maritime"]),
    ]


def test_violations_flag_the_mutual_accusations(examples_store: Path) -> None:
    result = run(examples_store, "violations")
    assert pick(result, "accuser", "stated_by", "accused", "event", "claimed_on", "mutual", "denied_by") == [
        ("Russia", "Russia", "Ukraine", "Attack on an oil depot in southern Russia", "2025-03-19", True, []),
        ("Ukraine", "Ukraine", "Russia", "Overnight Russian missile and drone strikes", "2025-03-19", True, []),
        (
            "Ukraine",
            "Ukraine",
            "Russia",
            "Russian missile strikes on railway energy infrastructure",
            "2025-03-19",
            True,
            [],
        ),
        ("Russia", "Russia", "Ukraine", None, "2025-04-08", True, []),
        (
            "Russia",
            "Ministry of Defence of the Russian Federation",
            "Ukraine",
            "Drone attack on an electrical substation in the Belgorod region",
            "2025-04-09",
            True,
            ["Ukraine"],
        ),
        (
            "Ukraine",
            "Ukraine",
            "Russia",
            "Russian missile strike on a thermal power plant in the Kharkiv region",
            "2025-04-09",
            True,
            [],
        ),
    ]
    assert set(column(result, "proposal")) == {ENERGY_TRUCE}
    assert column(result, "event_date")[-1] == "2025-04-07"


def test_violations_are_mutual_only_when_both_sides_accuse(edge_store: Path) -> None:
    early = run(edge_store, "violations", as_of="2025-01-15")
    assert pick(early, "accuser", "accused", "event", "mutual") == [
        ("Northland", "Southland", "Attack on a fishing boat", False)
    ]
    late = run(edge_store, "violations")
    assert pick(late, "accuser", "stated_by", "accused", "mutual") == [
        ("Northland", "Northland", "Southland", True),
        ("Southland", "Bo South", "Northland", True),
    ]


def test_demands_with_their_status(examples_store: Path) -> None:
    names = ("actor", "demanded_by", "demand", "status", "status_since", "since")
    assert pick(run(examples_store, "demands"), *names) == [
        ("Russia", "Vladimir Putin", THREE_DEMANDS[0], "withdrawn", "2025-04-08", "2025-03-19"),
        ("Russia", "Vladimir Putin", THREE_DEMANDS[1], "open", "2025-04-08", "2025-03-19"),
        ("Russia", "Vladimir Putin", THREE_DEMANDS[2], "open", "2025-04-08", "2025-03-19"),
    ]
    seed = run(examples_store, "demands", as_of="2025-03-19")
    assert column(seed, "status") == ["open", "open", "open"]
    assert column(seed, "precondition_for") == [[US_PLAN]] * 3
    assert column(seed, "issue") == ["mobilization", "rearmament", "western-military-aid"]
    assert column(run(examples_store, "demands", status="withdrawn"), "demand_id") == [
        "putin-demands-halt-to-mobilization"
    ]
    assert run(examples_store, "demands", actor="ukraine").rows == []


def test_agreements_say_who_agreed_to_what_with_whom(examples_store: Path) -> None:
    names = ("party", "proposal_id", "kind", "status", "stance", "held_by", "counterparts")
    assert pick(run(examples_store, "agreements"), *names) == [
        ("Russia", "energy-infrastructure-truce", "truce", "collapsed", "supports", "Russia", ["Ukraine"]),
        (
            "Russia",
            "us-30-day-ceasefire",
            "ceasefire",
            "proposed",
            "conditionally-accepts",
            "Vladimir Putin",
            ["Ukraine", "United States"],
        ),
        (
            "Ukraine",
            "us-ukraine-minerals-deal",
            "agreement",
            "agreed",
            "accepts",
            "Volodymyr Zelensky",
            ["United States"],
        ),
        ("Ukraine", "energy-infrastructure-truce", "truce", "collapsed", "supports", "Ukraine", ["Russia"]),
        (
            "Ukraine",
            "us-30-day-ceasefire",
            "ceasefire",
            "proposed",
            "accepts",
            "Volodymyr Zelensky",
            ["Russia", "United States"],
        ),
        ("United States", "us-ukraine-minerals-deal", "agreement", "agreed", None, None, ["Ukraine"]),
    ]
    seed = run(examples_store, "agreements", as_of="2025-03-19")
    assert ("Russia", "us-30-day-ceasefire") not in pick(seed, "party", "proposal_id")
    assert pick(seed, "party", "proposal_id", "status")[0] == ("Russia", "energy-infrastructure-truce", "agreed")


def test_confidence_measures_count_prisoners(examples_store: Path) -> None:
    names = ("event_id", "date", "reported", "status", "participants", "mediators", "prisoners")
    assert pick(run(examples_store, "confidence-measures"), *names) == [
        ("prisoner-exchange-march-2025", None, "2025-03-19", "held", ["Russia", "Ukraine"], [], 372),
        (
            "prisoner-exchange-april-2025",
            "2025-04-05",
            "2025-04-09",
            "held",
            ["Russia", "Ukraine"],
            ["United Arab Emirates"],
            246,
        ),
    ]
    assert column(run(examples_store, "confidence-measures", as_of="2025-03-19"), "prisoners") == [372]
    assert column(run(examples_store, "confidence-measures", actor="united-arab-emirates"), "prisoners") == [246]


def test_talks_planned_then_held(examples_store: Path) -> None:
    now = run(examples_store, "talks")
    assert pick(now, "event_id", "status", "date", "place", "venue", "mediators") == [
        ("oval-office-dispute", "held", None, "Washington", "Oval Office", []),
        ("trump-putin-saudi-meeting", "planned", None, "Saudi Arabia", None, []),
        ("trump-putin-talks-march-2025", "held", None, None, None, []),
        ("trump-zelensky-call-2025-03-19", "held", "2025-03-19", None, None, []),
        ("saudi-technical-talks", "held", "2025-03-24", "Saudi Arabia", "Riyadh", ["Saudi Arabia", "United States"]),
    ]
    then = run(examples_store, "talks", as_of="2025-03-19", status="planned")
    # As known on March 19: the technical talks' participants, mediators and venue came with the April 9 article.
    assert pick(then, "event_id", "participants", "mediators", "venue") == [
        ("trump-putin-saudi-meeting", ["Donald Trump", "Vladimir Putin"], [], None),
        ("saudi-technical-talks", [], [], None),
    ]


def test_mediators_per_track(examples_store: Path) -> None:
    assert pick(run(examples_store, "mediators"), "mediator", "track_id", "kind") == [
        ("Saudi Arabia", "saudi-technical-talks", "talks"),
        ("United Arab Emirates", "prisoner-exchange-april-2025", "prisoner-exchange"),
        ("United States", "deal-to-end-the-war", "agreement"),
        ("United States", "saudi-technical-talks", "talks"),
        ("United States", "us-30-day-ceasefire", "ceasefire"),
    ]


def test_timeline_of_russia_on_the_30_day_ceasefire(examples_store: Path) -> None:
    result = run(examples_store, "timeline", actor="russia", proposal="us-30-day-ceasefire")
    assert pick(result, "date", "kind", "status", "id") == [
        ("2025-03-19", "call", None, "trump-putin-talks-march-2025"),
        ("2025-03-19", "demand", "open", "putin-demands-end-of-western-aid"),
        ("2025-03-19", "demand", "open", "putin-demands-halt-to-mobilization"),
        ("2025-03-19", "demand", "open", "putin-demands-ukraine-stop-rearming"),
        ("2025-03-19", "position", "rejects", "putin-rejects-full-ceasefire"),
        ("2025-03-19", "proposal", "proposed", "us-30-day-ceasefire"),
        ("2025-03-24", "talks", None, "saudi-technical-talks"),
        ("2025-04-08", "demand", "open", "putin-demands-end-of-western-aid"),
        ("2025-04-08", "demand", "withdrawn", "putin-demands-halt-to-mobilization"),
        ("2025-04-08", "demand", "open", "putin-demands-ukraine-stop-rearming"),
        ("2025-04-08", "position", "conditionally-accepts", "putin-conditionally-accepts-30-day-ceasefire"),
        ("2025-04-08", "statement", None, "putin-says-weapons-must-stop"),
        ("2025-04-09", "proposal", "proposed", "us-30-day-ceasefire"),
    ]
    withdrawn = result.records()[8]
    assert withdrawn["quote"].startswith("Putin dropped the third of those conditions")
    assert withdrawn["article"] == LATER_ARTICLE
    dates = column(run(examples_store, "timeline"), "date")
    assert dates == sorted(dates)
    # What happened from April 5 to 8 was first reported on April 9: until then it was not known.
    assert column(run(examples_store, "timeline", since="2025-04-01", until="2025-04-08"), "date") == []
    assert set(column(run(examples_store, "timeline", since="2025-04-01", until="2025-04-09"), "date")) == {
        "2025-04-05",
        "2025-04-07",
        "2025-04-08",
        "2025-04-09",
    }


def test_evidence_lists_every_source_and_quote(examples_store: Path) -> None:
    expected = [
        (
            "2025-03-19",
            "Daily Times Online",
            SEED_ARTICLE,
            "Putin refused to agree to a full ceasefire, demanding that Western aid to Ukraine cease, that Ukraine stop "
            "rearming, and halt mandatory military mobilization.",
        ),
        (
            "2025-04-09",
            "Example Wire",
            LATER_ARTICLE,
            "Moscow, which last month refused a full ceasefire and set three conditions for any halt in the fighting",
        ),
    ]
    for fact in (
        "putin-rejects-full-ceasefire",
        "position:putin-rejects-full-ceasefire",
        "https://w3id.org/ceasefire-kg/id/position/putin-rejects-full-ceasefire",
    ):
        result = run(examples_store, "evidence", fact=fact)
        assert pick(result, "published", "outlet", "article_id", "quote") == expected
        assert set(column(result, "kind")) == {"position"}
    actor = run(examples_store, "evidence", fact="united-arab-emirates")
    assert pick(actor, "kind", "article_id", "quote") == [("actor", LATER_ARTICLE, None)]
    assert run(examples_store, "evidence", fact="no-such-fact").rows == []


def test_single_source_claims(examples_store: Path, edge_store: Path) -> None:
    result = run(examples_store, "single-source")
    assert len(result.rows) == 18
    assert set(column(result, "articles")) == {1}
    assert set(column(result, "reason")) == {"one article, one side"}
    # Ukraine's accusation and its defence ministry's report share an event: still one side.
    ukrainian = {r["claim_id"]: r["sides"] for r in result.records()}
    assert ukrainian["ukraine-accuses-russia-of-energy-truce-violations"] == ["Ukraine"]
    edge = run(edge_store, "single-source")
    assert pick(edge, "claim_id", "claimed_by", "reason") == [
        ("north-accuses-south", ["Northland"], "one article, one side"),
        ("north-reads-sea-truce", ["Ada North"], "one article, one side"),
        ("south-reads-sea-truce", ["Southland"], "one article, one side"),
        ("south-accuses-north", ["Bo South"], "one article, one side"),
    ]


#: Queries about kinds of fact the examples do not hold, and the store that holds them.
ANSWERED_ELSEWHERE = {"responses": "demands_store"}


@pytest.mark.parametrize("name", QUERY_NAMES)
def test_every_query_runs_with_its_defaults_and_orders_its_rows(
    name: str, examples_store: Path, queries_generated_store: Path, request: pytest.FixtureRequest
) -> None:
    given = {"fact": "putin-rejects-full-ceasefire"} if name == "evidence" else {}
    answering = request.getfixturevalue(ANSWERED_ELSEWHERE.get(name, "examples_store"))
    for store_path in (examples_store, queries_generated_store, answering):
        first = run(store_path, name, **given)
        assert first.rows == run(store_path, name, **given).rows
        assert all(len(row) == len(first.columns) for row in first.rows)
    assert run(answering, name, **given).rows, f"{name} answers nothing on {answering.parent.name}"


def test_responses_are_each_sides_current_one(demands_store: Path) -> None:
    # The bloc's "will study" (by its spokesperson, two represents hops below it) is superseded by
    # its commission's rejection; actor= matches anyone up the responder's chain.
    relief = "bank-sanctions-relief"
    assert pick(run(demands_store, "responses", demand=relief), "side", "responded_by", "stance") == [
        ("Northern Union", "Northern Commission", "rejects"),
        ("Ostland", "Ostland", "conditionally-accepts"),
        ("Verenia", "Mira Soll", "rejects"),
    ]
    early = run(demands_store, "responses", as_of="2031-03-28", actor="northern-union")
    assert pick(early, "responded_by", "stance", "as_of") == [("Lena Maris", "considers", "2031-03-27")]
    ostland = run(demands_store, "responses", actor="ostland")
    assert pick(ostland, "conditions", "according_to") == [
        (["Caldoran troops must withdraw from the Aster coast."], ["Caldora"])
    ]


# --- output formats ---------------------------------------------------------------


def test_json_csv_and_table_output(examples_store: Path) -> None:
    result = run(examples_store, "demands", status="withdrawn")
    records = json.loads(tables.format_json(result))
    assert records == [
        {
            "actor": "Russia",
            "demanded_by": "Vladimir Putin",
            "demand": "Ukraine must halt mandatory military mobilization.",
            "demanded_of": ["Ukraine"],
            "issue": "mobilization",
            "precondition_for": [US_PLAN],
            "status": "withdrawn",
            "status_since": "2025-04-08",
            "since": "2025-03-19",
            "quote": "and halt mandatory military mobilization",
            "article": SEED_ARTICLE,
            "demand_id": "putin-demands-halt-to-mobilization",
            "about": [],
        }
    ]
    assert tables.format_csv(result) == (
        "actor,demanded_by,demand,demanded_of,issue,precondition_for,status,status_since,since,quote,article,demand_id,about\n"
        "Russia,Vladimir Putin,Ukraine must halt mandatory military mobilization.,Ukraine,mobilization,"
        f"{US_PLAN},withdrawn,2025-04-08,2025-03-19,and halt mandatory military mobilization,{SEED_ARTICLE},"
        "putin-demands-halt-to-mobilization,\n"
    )
    violations = run(examples_store, "violations", as_of="2025-03-19")
    assert tables.format_csv(violations).splitlines()[1].split(",")[7] == "true"
    table = tables.format_table(run(examples_store, "blocking-demands"), width=200)
    lines = table.splitlines()
    assert all(len(line) <= 200 for line in lines)
    assert tuple(lines[0].split()) == BLOCKING_COLUMNS
    assert set(lines[1]) == {"-", " "}
    assert lines[2].startswith("Ukraine must stop") and "  Vladimir Putin  Russia  Ukraine  " in lines[2]
    # Too narrow for ten columns: one block per row.
    narrow = tables.format_table(run(examples_store, "blocking-demands"), width=80).splitlines()
    assert all(len(line) <= 80 for line in narrow)
    assert narrow[:3] == [
        "demand:      Ukraine must stop rearming.",
        "demanded_by: Vladimir Putin",
        "side:        Russia",
    ]
    assert narrow[10] == ""


def test_an_empty_table_is_its_header(examples_store: Path) -> None:
    result = run(examples_store, "blocking-demands", as_of="2024-01-01")
    assert tables.format_table(result, width=200).splitlines()[1:] == [
        "------  -----------  ----  -----------  --------  -----  -----  -------  -----------  ---------"
    ]
    assert tables.format_json(result) == "[]\n"


# --- user query files ------------------------------------------------------------------


def _write_user_query(folder: Path, with_sparql: bool = True) -> Path:
    path = folder / "actors-named.cypher"
    path.write_text(
        "// title: Actors whose name contains a text\n"
        "// param text: string = Zel — part of the name\n"
        "// columns: actor, id\n"
        "MATCH (a:Actor) WHERE a.label CONTAINS $text\n"
        "RETURN a.label AS actor, a.factId AS id ORDER BY actor\n",
        encoding="utf-8",
    )
    if with_sparql:
        (folder / "actors-named.rq").write_text(
            "PREFIX param: <https://w3id.org/ceasefire-kg/param#>\n"
            "SELECT DISTINCT ?actor ?id WHERE {\n"
            "  GRAPH ?g { ?a a cf:Actor ; rdfs:label ?actor ; cf:factId ?id }\n"
            "  FILTER(CONTAINS(?actor, param:text()))\n"
            "} ORDER BY ?actor\n",
            encoding="utf-8",
        )
    return path


def test_a_users_query_file_runs_on_the_store(tmp_path: Path, examples_store: Path) -> None:
    query = sq.find_query(str(_write_user_query(tmp_path)))
    assert query.name == "actors-named"
    with Store.open_read_only(examples_store) as store:
        assert LocalBackend(store).run(query, query.bind({"text": "Vla"})).rows == [("Vladimir Putin", "putin")]


def test_a_users_cypher_without_sparql_cannot_run_on_the_store(tmp_path: Path, examples_store: Path) -> None:
    query = sq.find_query(str(_write_user_query(tmp_path, with_sparql=False)))
    with Store.open_read_only(examples_store) as store, pytest.raises(QueryBackendUnavailable) as caught:
        LocalBackend(store).run(query, query.bind({}))
    assert str(caught.value) == (
        f"Query 'actors-named' has no version for the embedded store: put the SPARQL version in "
        f"{tmp_path / 'actors-named.rq'}, or run it on Neo4j with --backend neo4j (and --uri or NEO4J_URI)."
    )


def test_columns_that_disagree_with_the_header_are_reported(tmp_path: Path, examples_store: Path) -> None:
    path = _write_user_query(tmp_path)
    (tmp_path / "actors-named.rq").write_text("SELECT ?id ?actor WHERE { ?x cf:factId ?id ; rdfs:label ?actor }")
    query = sq.find_query(str(path))
    with Store.open_read_only(examples_store) as store, pytest.raises(SavedQueryFileError) as caught:
        LocalBackend(store).run(query, query.bind({}))
    assert str(caught.value) == (
        f"Query 'actors-named' ({tmp_path / 'actors-named.rq'}) returns the columns id, actor, but its header "
        "declares actor, id. Make the SELECT and the '// columns:' line agree, in the same order."
    )


# --- the CLI -------------------------------------------------------------------------


def test_cli_lists_the_queries() -> None:
    result = run_ckg("queries")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    for query in sq.saved_queries():
        assert any(line.startswith(query.name + " ") and line.endswith(query.title) for line in lines)
    assert "                       -p as_of: date = latest" in lines
    detail = run_ckg("queries", "evidence")
    assert detail.exit_code == 0
    assert detail.stdout.startswith("evidence: Every source and quote behind a fact\n")
    assert "  -p fact: fact-id, required\n" in detail.stdout


def test_cli_answers_on_the_store_and_says_so(examples_store: Path) -> None:
    result = run_ckg("query", "blocking-demands", "-p", "as_of=2025-03-19", "--store", str(examples_store))
    assert result.exit_code == 0, result.output
    assert result.stderr == f"Backend: the embedded store at {examples_store} (NEO4J_URI is not set).\n3 rows.\n"
    for demand in THREE_DEMANDS:
        assert demand in result.stdout
    as_json = run_ckg(
        "query", "blocking-demands", "--format", "json", "--backend", "local", "--store", str(examples_store)
    )
    assert [row["demand"] for row in json.loads(as_json.stdout)] == THREE_DEMANDS[1:]
    assert as_json.stderr == f"Backend: the embedded store at {examples_store}.\n2 rows.\n"
    as_csv = run_ckg("query", "scope-disputes", "-f", "csv", env={"CKG_STORE": str(examples_store)})
    assert as_csv.stdout.splitlines()[1].startswith(f"{ENERGY_TRUCE},Russia,Russia,energy-infrastructure,")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["query", "violatons"],
            "Error: No saved query 'violatons'. Did you mean 'violations'? List them with 'ckg queries', "
            "or give the path of a .cypher file of your own.\n",
        ),
        (
            ["query", "positions", "-p", "when=2025-03-19"],
            "Error: Query 'positions' has no parameter 'when'. Its parameters: as_of, actor, proposal. "
            "See 'ckg queries positions'.\n",
        ),
        (
            ["query", "positions", "-p", "as_of=yesterday"],
            "Error: Parameter 'as_of' of query 'positions' must be a date written YYYY-MM-DD (such as 2025-03-19), "
            "or 'latest', not 'yesterday'.\n",
        ),
        (
            ["query", "positions", "-p", "as_of"],
            "Error: -p takes NAME=VALUE (such as -p as_of=2025-03-19), not 'as_of'.\n",
        ),
        (
            ["query", "demands", "-p", "status=bogus"],
            "Error: Parameter 'status' of query 'demands' must be one of open, met or withdrawn, not 'bogus'.\n",
        ),
        (
            ["query", "talks", "-p", "status=hled"],
            "Error: Parameter 'status' of query 'talks' must be one of planned or held, not 'hled' "
            "(did you mean 'held'?).\n",
        ),
        (
            ["query", "positions", "--backend", "neo4j"],
            "Error: --backend neo4j needs the server's address: give --uri or set NEO4J_URI "
            "(such as neo4j://127.0.0.1:7687, as 'ckg neo4j start' prints it).\n",
        ),
    ],
)
def test_cli_bad_input_exits_1_with_a_clear_message(args: list[str], message: str) -> None:
    result = run_ckg(*args)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == message


def test_cli_without_a_store_says_how_to_make_one(tmp_path: Path) -> None:
    # No "Backend: the embedded store at ..." first: a store that does not open answers nothing.
    result = run_ckg("query", "positions", "--store", str(tmp_path / "none"))
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: No ceasefire-kg store at {tmp_path / 'none'}. Load article files first with 'ckg load PATH', "
        "or point at an existing store with --store / CKG_STORE.\n"
    )


def test_cli_neo4j_unreachable(tmp_path: Path, examples_store: Path) -> None:
    refused = run_ckg("query", "positions", "--backend", "neo4j", "--uri", DEAD_URI, "--password", "x")
    assert refused.exit_code == 1
    assert refused.stderr.startswith(f"Error: Cannot reach Neo4j at {DEAD_URI}: ")
    assert refused.stderr.endswith(
        "Start the server ('ckg neo4j start') or check --uri (NEO4J_URI); use --backend local for the embedded store.\n"
    )
    # auto falls back to the embedded store, and says why in a few words.
    fallback = run_ckg(
        "query", "positions", "--store", str(examples_store), env={"NEO4J_URI": DEAD_URI, "NEO4J_PASSWORD": "x"}
    )
    assert fallback.exit_code == 0, fallback.output
    assert fallback.stderr == (
        f"Neo4j at {DEAD_URI} does not answer; answering from the embedded store at {examples_store}.\n5 rows.\n"
    )
    # Without a password: the advice, as one sentence ending in one period.
    no_password = run_ckg(
        "query",
        "positions",
        "--store",
        str(examples_store),
        env={"NEO4J_URI": DEAD_URI, "CKG_NEO4J_HOME": str(tmp_path / "no-home")},
    )
    assert no_password.exit_code == 0, no_password.output
    assert no_password.stderr == (
        "No Neo4j password: give it with --password or NEO4J_PASSWORD (for the managed server it is kept in "
        f"{tmp_path / 'no-home' / 'password'} once `ckg neo4j start` ran); answering from the embedded store "
        f"at {examples_store}.\n5 rows.\n"
    )
    # A URI that is not a Bolt URI is named before any missing password.
    not_bolt = run_ckg(
        "query",
        "positions",
        "--backend",
        "neo4j",
        "--uri",
        "notauri",
        env={"CKG_NEO4J_HOME": str(tmp_path / "no-home")},
    )
    assert not_bolt.exit_code == 1
    assert not_bolt.stderr.startswith("Error: 'notauri' is not a Bolt URI")
    assert len(json.loads(run_ckg("query", "positions", "-f", "json", "--store", str(examples_store)).stdout)) == 5


class _RefusingDriver:
    """A driver to a server that refuses the password, as the Neo4j 5 driver reports it."""

    def __init__(self, *_: object, **__: object) -> None:
        pass

    def __enter__(self) -> _RefusingDriver:
        return self

    def __exit__(self, *_: object) -> None:
        return None

    def verify_connectivity(self) -> None:
        raise neo4j.exceptions.Neo4jError._hydrate_neo4j(
            code="Neo.ClientError.Security.Unauthorized",
            message="The client is unauthorized due to authentication failure.",
        )


def test_cli_wrong_password_says_so_in_a_few_words(examples_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(neo4j.GraphDatabase, "driver", _RefusingDriver)
    uri = "neo4j://127.0.0.1:7687"
    env = {"NEO4J_URI": uri, "NEO4J_PASSWORD": "wrong-password"}
    # auto: a short note, without the driver's words, and the store answers.
    fallback = run_ckg("query", "positions", "--store", str(examples_store), env=env)
    assert fallback.exit_code == 0, fallback.output
    assert fallback.stderr == (
        f"Neo4j at {uri} refused the user name or password; answering from the embedded store at {examples_store}.\n"
        "5 rows.\n"
    )
    # neo4j: the error, its sentences ending in one period each.
    refused = run_ckg("query", "positions", "--backend", "neo4j", env=env)
    assert refused.exit_code == 1
    assert refused.stdout == ""
    assert refused.stderr == (
        f"Error: Neo4j at {uri} refused the user name or password: The client is unauthorized due to "
        "authentication failure. Check --username/--password (NEO4J_USERNAME/NEO4J_PASSWORD).\n"
    )


@pytest.mark.parametrize(
    ("args", "warning"),
    [
        (
            ["positions", "-p", "proposal=no-such-proposal"],
            "Warning: No proposal with the id or IRI 'no-such-proposal' exists in the embedded store (-p proposal).\n",
        ),
        (
            ["positions", "-p", "actor=rusia"],
            "Warning: No actor with the id or IRI 'rusia' exists in the embedded store (-p actor). "
            "Did you mean 'russia'?\n",
        ),
        (
            ["evidence", "-p", "fact=putin-rejects-full-ceasfire"],
            "Warning: No fact with the id or IRI 'putin-rejects-full-ceasfire' exists in the embedded store "
            "(-p fact). Did you mean 'putin-rejects-full-ceasefire' or "
            "'zelensky-says-putin-rejected-full-ceasefire'?\n",
        ),
        (
            ["evidence", "-p", "fact=nope"],
            "Warning: No fact with the id or IRI 'nope' exists in the embedded store (-p fact).\n",
        ),
    ],
)
def test_cli_warns_when_a_parameter_names_nothing(examples_store: Path, args: list[str], warning: str) -> None:
    result = run_ckg("query", *args, "--backend", "local", "--store", str(examples_store))
    assert result.exit_code == 0, result.output
    assert result.stderr == f"Backend: the embedded store at {examples_store}.\n0 rows.\n{warning}"


def test_cli_does_not_warn_about_ids_that_exist(examples_store: Path) -> None:
    # Ukraine exists and demands nothing: an empty answer, and nothing to warn about.
    result = run_ckg("query", "demands", "-p", "actor=ukraine", "--backend", "local", "--store", str(examples_store))
    assert result.exit_code == 0, result.output
    assert result.stderr == f"Backend: the embedded store at {examples_store}.\n0 rows.\n"


def test_cli_runs_a_users_file(tmp_path: Path, examples_store: Path) -> None:
    path = _write_user_query(tmp_path)
    result = run_ckg("query", str(path), "-p", "text=Zel", "-f", "csv", "--store", str(examples_store))
    assert result.exit_code == 0, result.output
    assert result.stdout == "actor,id\nVolodymyr Zelensky,zelensky\n"


# --- on Neo4j --------------------------------------------------------------


def _push(store_path: Path, driver: neo4j.Driver, database: str) -> None:
    from ceasefire_kg.push import push

    with Store.open_read_only(store_path) as store:
        push(store, driver, database)


@pytest.mark.neo4j
def test_a_query_that_writes_fails_and_writes_nothing(
    tmp_path: Path, neo4j_driver: neo4j.Driver, neo4j_database: str
) -> None:
    path = tmp_path / "sneaky.cypher"
    path.write_text("// title: Tries to write\n// columns: n: integer\nCREATE (x:Sneaky) RETURN 1 AS n\n")
    query = sq.find_query(str(path))
    with pytest.raises(QueryNotReadOnly) as caught:
        Neo4jBackend(neo4j_driver, neo4j_database).run(query, {})
    assert str(caught.value).startswith(
        f"Query 'sneaky' ({path}) tried to write to Neo4j, and saved queries may only read: "
    )
    assert str(caught.value).endswith("Remove CREATE, MERGE, SET, DELETE, REMOVE and write procedures from it.")
    records, _, _ = neo4j_driver.execute_query("MATCH (x:Sneaky) RETURN count(x) AS n", database_=neo4j_database)
    assert records[0]["n"] == 0


@pytest.mark.neo4j
def test_cli_on_neo4j(
    examples_store: Path, neo4j_driver: neo4j.Driver, neo4j_database: str, neo4j_server: Any, tmp_path: Path
) -> None:
    _push(examples_store, neo4j_driver, neo4j_database)
    env = {
        "NEO4J_URI": neo4j_server.uri,
        "NEO4J_USERNAME": neo4j_server.username,
        "NEO4J_PASSWORD": neo4j_server.password,
        "NEO4J_DATABASE": neo4j_server.database,
    }
    result = run_ckg("query", "violations", "-f", "json", "--store", str(tmp_path / "no-store"), env=env)
    assert result.exit_code == 0, result.output
    assert result.stderr == f"Backend: Neo4j at {neo4j_server.uri} (database {neo4j_server.database}).\n6 rows.\n"
    assert all(row["mutual"] for row in json.loads(result.stdout))
    local = run_ckg("query", "violations", "-f", "json", "--backend", "local", "--store", str(examples_store), env=env)
    assert local.stdout == result.stdout
    typo = run_ckg("query", "positions", "-p", "actor=rusia", "--store", str(tmp_path / "no-store"), env=env)
    assert typo.exit_code == 0, typo.output
    assert typo.stderr == (
        f"Backend: Neo4j at {neo4j_server.uri} (database {neo4j_server.database}).\n0 rows.\n"
        "Warning: No actor with the id or IRI 'rusia' exists in the Neo4j database (-p actor). Did you mean 'russia'?\n"
    )
    nothing = run_ckg("query", "evidence", "-p", "fact=nope", "--store", str(tmp_path / "no-store"), env=env)
    assert nothing.stderr.endswith(
        "0 rows.\nWarning: No fact with the id or IRI 'nope' exists in the Neo4j database (-p fact).\n"
    )
    wrong = run_ckg(
        "query", "violations", "--store", str(examples_store), env={**env, "NEO4J_PASSWORD": "wrong-password"}
    )
    assert wrong.exit_code == 0, wrong.output
    assert wrong.stderr == (
        f"Neo4j at {neo4j_server.uri} refused the user name or password; answering from the embedded store "
        f"at {examples_store}.\n6 rows.\n"
    )
    path = tmp_path / "sneaky.cypher"
    path.write_text("// title: Tries to write\n// columns: n: integer\nCREATE (x:Sneaky) RETURN 1 AS n\n")
    refused = run_ckg("query", str(path), env=env)
    assert refused.exit_code == 1
    assert refused.stderr.startswith(
        f"Backend: Neo4j at {neo4j_server.uri} (database {neo4j_server.database}).\n"
        f"Error: Query 'sneaky' ({path}) tried to write to Neo4j, and saved queries may only read: "
    )
