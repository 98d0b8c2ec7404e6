"""The Serrin-war examples, as answered by hand in tests/queries/hand_answers_new_examples.md.

examples/serrin-war holds four fictional articles (published 2026-09-08, -14, -19 and -28) and
their registry. Each case below is one answer of the hand-written file: the saved query, its
parameters, the columns a user reads first (ids, statuses, dates) and the rows they must show,
in the query's order. The expected rows were written from the articles, not taken from a run.
They are checked on the embedded store in the fast suite and on Neo4j under the ``neo4j``
marker; the golden files (tests/queries/golden/serrin) hold the full rows.

The dates: M = 2026-09-18, the day between the truce taking effect (2026-09-17) and the article
that reports it (2026-09-19); L = 2026-09-30, after the last article.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import neo4j
import pytest

from ceasefire_kg import saved_queries as sq
from tests.conftest import Neo4jConnection
from tests.corpus import serrin_store
from tests.queries.golden import answer_locally, answer_on_neo4j, case_id

MID = "2026-09-18"
LAST = "2026-09-30"

A1 = "2026-09-08-lisk-shuttle-talks"
A2 = "2026-09-14-humanitarian-truce-agreed"
A3 = "2026-09-19-truce-holds-amid-accusations"
A4 = "2026-09-28-calvet-blockade-lifted"

FULL_CEASEFIRE = "union-ceasefire-plan"
TRUCE = "serrin-humanitarian-truce"
SEA_LANE = "calvet-sea-lane-arrangement"

HEIGHTS = "kesaria-demands-heights-withdrawal"
HOME_GUARD = "kesaria-demands-home-guard-disbanded"
BLOCKADE = "halvoria-demands-calvet-blockade-lifted"
ARTILLERY = "kesaria-demands-artillery-pullback"
UNION_BLOCKADE = "union-demands-end-of-calvet-blockade"
BANK_SANCTIONS = "kesaria-demands-bank-sanctions-lifted"

BRISA_VIOLATION = "halvoria-accuses-kesaria-of-brisa-truce-violation"
MORTARS_VIOLATION = "kesaria-accuses-halvoria-of-moving-mortars"
ESCALATION = "halvoria-accuses-kesaria-of-escalation"
DECEPTION = "kesaria-accuses-halvoria-of-deceiving-mediator"

PROXIMITY_TALKS = "lisk-proximity-talks"

#: The two Kesarian demands that block the full ceasefire on every date from the first article
#: on: still open at L (re-stated on 2026-09-25), and Kesaria's yes of 2026-09-25 is conditional.
FULL_CEASEFIRE_BLOCKED = [
    (HOME_GUARD, "Kesaria", "Yaro Belin", FULL_CEASEFIRE, "2026-09-08", A1),
    (HEIGHTS, "Kesaria", "Yaro Belin", FULL_CEASEFIRE, "2026-09-08", A1),
]
BLOCKING_COLUMNS = ("demand_id", "side", "demanded_by", "proposal_id", "since", "article")
DEMAND_STATUS_COLUMNS = ("demand_id", "actor", "status", "status_since", "since")

#: The Union's own demand, voiced by Odile Marsant two hops down the represents chain
#: (Marsant -> Lakes Union Commission -> Southern Lakes Union): the side is the chain's end.
DEMAND_COLUMNS = ("demand_id", "actor", "demanded_by", "status", "status_since", "since", "article")
UNION_DEMAND_MID = [
    (UNION_BLOCKADE, "Southern Lakes Union", "Odile Marsant", "open", "2026-09-14", "2026-09-14", A2),
]

TALKS_COLUMNS = ("event_id", "status", "date", "reported", "participants", "mediators", "article")
TIMELINE_COLUMNS = ("date", "reported", "kind", "status", "id")
ACCUSATION_COLUMNS = ("claim_id", "accuser", "made_by", "accused", "charge", "date", "denied_by", "mutual")
RESPONSE_COLUMNS = ("response_id", "side", "responded_by", "demand_id", "stance", "conditions", "as_of")
DISPUTE_COLUMNS = ("claim_id", "proposal", "kind", "side", "scopes", "includes", "excludes", "differs_from", "date")

Case = tuple[str, dict[str, str], Sequence[str], list[tuple[Any, ...]]]

#: (query, parameters, columns shown, expected rows in the query's order).
CASES: list[Case] = [
    # --- §1 blocking-demands ------------------------------------------------------------
    ("blocking-demands", {"as_of": MID}, BLOCKING_COLUMNS, FULL_CEASEFIRE_BLOCKED),
    ("blocking-demands", {"as_of": LAST}, BLOCKING_COLUMNS, FULL_CEASEFIRE_BLOCKED),
    # The artillery pull-back was met on 2026-09-17, which only the article of the 19th says:
    # as known on the 17th (and the 18th) it still blocks the truce; from the 19th it does not.
    (
        "blocking-demands",
        {"proposal": TRUCE, "as_of": "2026-09-17"},
        BLOCKING_COLUMNS,
        [(ARTILLERY, "Kesaria", "Yaro Belin", TRUCE, "2026-09-13", A2)],
    ),
    (
        "blocking-demands",
        {"proposal": TRUCE, "as_of": MID},
        BLOCKING_COLUMNS,
        [(ARTILLERY, "Kesaria", "Yaro Belin", TRUCE, "2026-09-13", A2)],
    ),
    ("blocking-demands", {"proposal": TRUCE, "as_of": "2026-09-19"}, BLOCKING_COLUMNS, []),
    ("blocking-demands", {"proposal": SEA_LANE, "as_of": LAST}, BLOCKING_COLUMNS, []),
    # --- §3 demands by the union, through the represents chain ----------------------------
    ("demands", {"actor": "lakes-union", "as_of": MID}, DEMAND_COLUMNS, UNION_DEMAND_MID),
    ("demands", {"actor": "lakes-union-commission", "as_of": MID}, DEMAND_COLUMNS, UNION_DEMAND_MID),
    ("demands", {"actor": "odile-marsant", "as_of": MID}, DEMAND_COLUMNS, UNION_DEMAND_MID),
    ("demands", {"actor": "lakes-union", "as_of": "2026-09-13"}, DEMAND_COLUMNS, []),
    (
        "demands",
        {"actor": "lakes-union", "as_of": LAST},
        DEMAND_COLUMNS,
        [(UNION_BLOCKADE, "Southern Lakes Union", "Odile Marsant", "met", "2026-09-26", "2026-09-14", A2)],
    ),
    ("demands", {"actor": "norvale", "as_of": LAST}, DEMAND_COLUMNS, []),
    # The status of each demand, as known on M and at L (ordered by side, first record, text).
    (
        "demands",
        {"as_of": MID},
        DEMAND_STATUS_COLUMNS,
        [
            (BLOCKADE, "Halvoria", "open", "2026-09-13", "2026-09-08"),
            (HOME_GUARD, "Kesaria", "open", "2026-09-08", "2026-09-08"),
            (HEIGHTS, "Kesaria", "open", "2026-09-08", "2026-09-08"),
            (ARTILLERY, "Kesaria", "open", "2026-09-13", "2026-09-13"),
            (BANK_SANCTIONS, "Kesaria", "open", "2026-09-13", "2026-09-13"),
            (UNION_BLOCKADE, "Southern Lakes Union", "open", "2026-09-14", "2026-09-14"),
        ],
    ),
    # The condition chain: the full ceasefire <- the heights <- the blockade <- the bank
    # sanctions; the Union's demand is a precondition for a planned event.
    (
        "demands",
        {"as_of": MID},
        ("demand_id", "precondition_for"),
        [
            (BLOCKADE, ["Halvorian forces must withdraw from the Vardin Heights."]),
            (HOME_GUARD, ["Southern Lakes Union plan for a full ceasefire along the Serrin front"]),
            (HEIGHTS, ["Southern Lakes Union plan for a full ceasefire along the Serrin front"]),
            (ARTILLERY, ["72-hour humanitarian truce on the Serrin front"]),
            (BANK_SANCTIONS, ["Kesaria must lift its naval blockade of Port Calvet."]),
            (UNION_BLOCKADE, ["Union lifts its sanctions on Kesar Maritime Bank"]),
        ],
    ),
    (
        "demands",
        {"as_of": LAST},
        DEMAND_STATUS_COLUMNS,
        [
            (BLOCKADE, "Halvoria", "met", "2026-09-26", "2026-09-08"),
            (HOME_GUARD, "Kesaria", "open", "2026-09-25", "2026-09-08"),
            (HEIGHTS, "Kesaria", "open", "2026-09-25", "2026-09-08"),
            (ARTILLERY, "Kesaria", "met", "2026-09-17", "2026-09-13"),
            (BANK_SANCTIONS, "Kesaria", "met", "2026-09-27", "2026-09-13"),
            (UNION_BLOCKADE, "Southern Lakes Union", "met", "2026-09-26", "2026-09-14"),
        ],
    ),
    # --- §4 talks known on M: Norvale's part is told only on the 19th ---------------------
    (
        "talks",
        {"as_of": MID},
        TALKS_COLUMNS,
        [
            (
                PROXIMITY_TALKS,
                "held",
                "2026-09-05",
                "2026-09-08",
                ["Halvoria", "Kesaria"],
                ["Southern Lakes Union"],
                A1,
            )
        ],
    ),
    ("talks", {"actor": "norvale", "as_of": MID}, TALKS_COLUMNS, []),
    (
        "talks",
        {"actor": "norvale", "as_of": "2026-09-19"},
        TALKS_COLUMNS,
        [
            (
                PROXIMITY_TALKS,
                "held",
                "2026-09-05",
                "2026-09-08",
                ["Halvoria", "Kesaria"],
                ["Norvale", "Southern Lakes Union"],
                A1,
            )
        ],
    ),
    (
        "talks",
        {"as_of": LAST},
        ("event_id", "status", "date", "reported", "mediators"),
        [
            (PROXIMITY_TALKS, "held", "2026-09-05", "2026-09-08", ["Norvale", "Southern Lakes Union"]),
            ("lisk-direct-talks", "held", "2026-09-25", "2026-09-28", ["Henrik Aalvik", "Sefa Orun"]),
            ("lisk-ceasefire-talks-october", "planned", "2026-10-05", "2026-09-28", ["Southern Lakes Union"]),
        ],
    ),
    # --- §6 timeline: the truce takes effect (17th) before the alleged violation (18th) ---
    (
        "timeline",
        {"proposal": TRUCE, "until": LAST},
        TIMELINE_COLUMNS,
        [
            ("2026-09-13", "2026-09-14", "demand", "open", ARTILLERY),
            ("2026-09-13", "2026-09-14", "position", "accepts", "halvoria-accepts-humanitarian-truce"),
            (
                "2026-09-13",
                "2026-09-14",
                "position",
                "conditionally-accepts",
                "kesaria-conditionally-accepts-humanitarian-truce",
            ),
            ("2026-09-13", "2026-09-14", "proposal", "agreed", TRUCE),
            ("2026-09-17", "2026-09-19", "demand", "met", ARTILLERY),
            ("2026-09-17", "2026-09-19", "proposal", "in-force", TRUCE),
            ("2026-09-18", "2026-09-19", "violation-accusation", None, BRISA_VIOLATION),
            ("2026-09-19", "2026-09-19", "scope-interpretation", None, "halvoria-truce-scope"),
            ("2026-09-19", "2026-09-19", "scope-interpretation", None, "kesaria-truce-scope"),
            ("2026-09-19", "2026-09-19", "violation-accusation", None, MORTARS_VIOLATION),
            ("2026-09-20", "2026-09-28", "proposal", "lapsed", TRUCE),
        ],
    ),
    # Until M only the first two articles are known: neither the truce taking effect nor the
    # violation dated the 18th is there.
    (
        "timeline",
        {"proposal": TRUCE, "until": MID},
        TIMELINE_COLUMNS,
        [
            ("2026-09-13", "2026-09-14", "demand", "open", ARTILLERY),
            ("2026-09-13", "2026-09-14", "position", "accepts", "halvoria-accepts-humanitarian-truce"),
            (
                "2026-09-13",
                "2026-09-14",
                "position",
                "conditionally-accepts",
                "kesaria-conditionally-accepts-humanitarian-truce",
            ),
            ("2026-09-13", "2026-09-14", "proposal", "agreed", TRUCE),
        ],
    ),
    # Around the truce taking effect, as known on the 24th: the lapse (20th, told on the 28th)
    # is not known yet.
    (
        "timeline",
        {"since": "2026-09-16", "until": "2026-09-24"},
        TIMELINE_COLUMNS,
        [
            ("2026-09-17", "2026-09-19", "demand", "met", ARTILLERY),
            ("2026-09-17", "2026-09-19", "proposal", "in-force", TRUCE),
            ("2026-09-18", "2026-09-19", "demand", "open", BLOCKADE),
            ("2026-09-18", "2026-09-19", "demand", "open", BANK_SANCTIONS),
            ("2026-09-18", "2026-09-19", "statement", None, "orun-confirms-norvale-co-mediated-lisk-talks"),
            ("2026-09-18", "2026-09-19", "strike", None, "brisa-pumping-station-strike"),
            ("2026-09-18", "2026-09-19", "violation-accusation", None, BRISA_VIOLATION),
            ("2026-09-19", "2026-09-19", "denial", None, "kesaria-denies-brisa-drone-strike"),
            ("2026-09-19", "2026-09-19", "scope-interpretation", None, "halvoria-truce-scope"),
            ("2026-09-19", "2026-09-19", "scope-interpretation", None, "kesaria-truce-scope"),
            ("2026-09-19", "2026-09-19", "violation-accusation", None, MORTARS_VIOLATION),
        ],
    ),
    # --- §7 accusations of either type ----------------------------------------------------
    # On the 12th Kesaria has accused nobody yet: Halvoria's accusation is not mutual.
    (
        "accusations",
        {"as_of": "2026-09-12"},
        ACCUSATION_COLUMNS,
        [
            (
                ESCALATION,
                "Halvoria",
                "Halvoria",
                ["Kesaria"],
                "escalation",
                "2026-09-08",
                ["Ministry of Defence of Kesaria"],
                False,
            )
        ],
    ),
    (
        "accusations",
        {"as_of": MID},
        ACCUSATION_COLUMNS,
        [
            (
                ESCALATION,
                "Halvoria",
                "Halvoria",
                ["Kesaria"],
                "escalation",
                "2026-09-08",
                ["Ministry of Defence of Kesaria"],
                True,
            ),
            (
                DECEPTION,
                "Kesaria",
                "Yaro Belin",
                ["Halvoria"],
                "deception",
                "2026-09-13",
                ["Ministry of Foreign Affairs of Halvoria"],
                True,
            ),
        ],
    ),
    (
        "accusations",
        {"as_of": LAST},
        ("claim_id", "charge", "proposal", "date", "denied_by", "mutual"),
        [
            (
                ESCALATION,
                "escalation",
                "Southern Lakes Union plan for a full ceasefire along the Serrin front",
                "2026-09-08",
                ["Ministry of Defence of Kesaria"],
                True,
            ),
            (DECEPTION, "deception", None, "2026-09-13", ["Ministry of Foreign Affairs of Halvoria"], True),
            (
                BRISA_VIOLATION,
                "violation",
                "72-hour humanitarian truce on the Serrin front",
                "2026-09-18",
                ["Ministry of Defence of Kesaria"],
                True,
            ),
            (MORTARS_VIOLATION, "violation", "72-hour humanitarian truce on the Serrin front", "2026-09-19", [], True),
        ],
    ),
    # The violation alleged for the 18th is told on the 19th: not known on M.
    ("violations", {"as_of": MID}, ("claim_id",), []),
    # --- §8 responses, current per side and demand ----------------------------------------
    # Kesaria's conditional yes is dated the 18th but told on the 19th: on M it still "considers".
    (
        "responses",
        {"as_of": MID},
        RESPONSE_COLUMNS,
        [
            ("starvik-rejects-home-guard-demand", "Halvoria", "Lena Starvik", HOME_GUARD, "rejects", [], "2026-09-08"),
            (
                "halvoria-conditionally-accepts-heights-withdrawal",
                "Halvoria",
                "Pavel Ondre",
                HEIGHTS,
                "conditionally-accepts",
                ["Kesaria must lift its naval blockade of Port Calvet."],
                "2026-09-08",
            ),
            ("kesaria-considers-blockade-demand", "Kesaria", "Yaro Belin", BLOCKADE, "considers", [], "2026-09-13"),
        ],
    ),
    (
        "responses",
        {"as_of": LAST},
        RESPONSE_COLUMNS,
        [
            ("starvik-rejects-home-guard-demand", "Halvoria", "Lena Starvik", HOME_GUARD, "rejects", [], "2026-09-08"),
            ("halvoria-accepts-heights-withdrawal", "Halvoria", "Halvoria", HEIGHTS, "accepts", [], "2026-09-28"),
            (
                "kesaria-conditionally-accepts-blockade-demand",
                "Kesaria",
                "Yaro Belin",
                BLOCKADE,
                "conditionally-accepts",
                ["The Southern Lakes Union must lift its sanctions on Kesar Maritime Bank."],
                "2026-09-18",
            ),
        ],
    ),
    # --- §9 disputes: scope readings of the truce, terms readings of the sea-lane deal -----
    ("disputes", {"as_of": MID}, DISPUTE_COLUMNS, []),
    # Halvoria's terms reading is dated the 27th but told on the 28th.
    (
        "disputes",
        {"as_of": "2026-09-27"},
        ("claim_id", "kind", "side", "differs_from"),
        [
            ("halvoria-truce-scope", "scope", "Halvoria", ["Kesaria"]),
            ("kesaria-truce-scope", "scope", "Kesaria", ["Halvoria"]),
        ],
    ),
    (
        "disputes",
        {"as_of": LAST},
        DISPUTE_COLUMNS,
        [
            (
                "halvoria-truce-scope",
                "72-hour humanitarian truce on the Serrin front",
                "scope",
                "Halvoria",
                ["serrin-front"],
                [],
                [],
                ["Kesaria"],
                "2026-09-19",
            ),
            (
                "kesaria-truce-scope",
                "72-hour humanitarian truce on the Serrin front",
                "scope",
                "Kesaria",
                ["calvet-sea-lane", "kelno-aid-corridor"],
                [],
                [],
                ["Halvoria"],
                "2026-09-19",
            ),
            (
                "halvoria-calvet-arrangement-terms",
                "Lisk arrangement on the Port Calvet sea lane",
                "terms",
                "Halvoria",
                [],
                ["free passage for merchant ships to and from Port Calvet"],
                ["Kesarian naval inspection of outbound vessels for weapons"],
                ["Kesaria"],
                "2026-09-27",
            ),
            (
                "kesaria-calvet-arrangement-terms",
                "Lisk arrangement on the Port Calvet sea lane",
                "terms",
                "Kesaria",
                [],
                [
                    "Kesarian naval inspection of outbound vessels for weapons",
                    "lifting of Union sanctions on Kesar Maritime Bank",
                ],
                [],
                ["Halvoria"],
                "2026-09-28",
            ),
        ],
    ),
]


def shown(query_name: str, rows: list[list[Any]], columns: Sequence[str]) -> list[tuple[Any, ...]]:
    """The named columns of each row, in the rows' order.

    Args:
        query_name: The saved query that gave the rows.
        rows: Its rows, each in column order.
        columns: The columns to keep.

    Returns:
        One tuple per row holding the named columns' values.
    """
    names = sq.find_query(query_name).column_names
    positions = [names.index(column) for column in columns]
    return [tuple(row[position] for position in positions) for row in rows]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Serrin-war data set, loaded once."""
    return serrin_store(tmp_path_factory.mktemp("serrin-truth"))


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_the_embedded_store_gives_the_hand_answers(case: Case, store: Path) -> None:
    query, parameters, columns, expected = case
    assert shown(query, answer_locally(store, query, parameters), columns) == expected


@pytest.mark.neo4j
@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_neo4j_gives_the_hand_answers(case: Case, pushed: neo4j.Driver, neo4j_server: Neo4jConnection) -> None:
    query, parameters, columns, expected = case
    rows = answer_on_neo4j(pushed, neo4j_server.database, query, parameters)
    assert shown(query, rows, columns) == expected
