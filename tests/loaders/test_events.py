"""Issue 13's event fields (end_date, format, wounded, authorship, according_to, six new types): RDF and bad input.

``data/2031-05-12-harbour-talks.yaml`` (with its text) uses every one of them;
the bad-input cases break it one thing at a time and check the exact line
``ckg load`` prints, and that the store is left as it was.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from ceasefire_kg.loaders.checks import check_paths
from ceasefire_kg.loaders.rdf import article_graph
from ceasefire_kg.namespaces import CF, ETYPE, Nodes, entity_iri, iri
from tests.cli_helpers import run_ckg
from tests.loaders.conftest import article_with
from tests.loaders.test_bad_input import HINT_ACTOR, assert_file_refused, assert_refused, assert_unchanged, load

DATA = Path(__file__).parent / "data"
HARBOUR = "2031-05-12-harbour-talks"
HARBOUR_FILE = f"{HARBOUR}.yaml"
HARBOUR_ARTICLE = (DATA / HARBOUR_FILE).read_text(encoding="utf-8")

_CF, _ETYPE = Nodes(CF), Nodes(ETYPE)
XSD = "http://www.w3.org/2001/XMLSchema#"


def event(slug: str) -> ox.NamedNode:
    return iri(entity_iri("event", slug))


def actor(slug: str) -> ox.NamedNode:
    return iri(entity_iri("actor", slug))


def typed(value: str, datatype: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype))


@pytest.fixture
def harbour_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder holding the harbour article's text; the working directory, so messages name the file alone."""
    folder = tmp_path / "harbour"
    folder.mkdir()
    shutil.copy(DATA / f"{HARBOUR}.txt", folder / f"{HARBOUR}.txt")
    monkeypatch.chdir(folder)
    return folder


# --- the fixture: every field becomes its triple -------------------------------------


def test_every_new_event_field_becomes_its_triple() -> None:
    corpus = check_paths([DATA / HARBOUR_FILE])
    (article,) = corpus.articles
    assert article.quotes_checked == 9
    triples = set(article_graph(article).triples)
    talks, strike = event("harbour-truce-talks-round-1"), event("amber-harbour-drone-strike")
    expected = {
        (talks, _CF.date, typed("2031-05-09", "date")),
        (talks, _CF.endDate, typed("2031-05-10", "date")),
        (talks, _CF.talksFormat, ox.Literal("proximity")),
        (event("corvia-belmar-preparatory-meeting"), _CF.talksFormat, ox.Literal("direct")),
        (strike, _CF.wounded, typed("14", "integer")),
        (strike, _CF.fatalities, typed("2", "integer")),
        (strike, _CF.authorship, ox.Literal("alleged")),
        (strike, _CF.accordingTo, actor("belmar")),
        (event("amber-port-blockade"), _CF.authorship, ox.Literal("established")),
        (event("amber-port-blockade-lifted"), _CF.accordingTo, actor("ardenia")),
        (event("amber-approaches-mined"), _CF.accordingTo, actor("corvia")),
        (event("belmar-releases-40-detainees"), _CF.prisoners, typed("40", "integer")),
    }
    assert expected - triples == set()
    types = {(s, o) for s, p, o in triples if p == _CF.eventType}
    for slug, event_type in [
        ("belmar-releases-40-detainees", "detainee-release"),
        ("amber-port-blockade", "blockade"),
        ("amber-port-blockade-lifted", "blockade-lifted"),
        ("amber-approaches-mined", "mine-laying"),
        ("delmont-sanctions-ardenian-shipping", "sanctions-imposed"),
        ("delmont-lifts-shipping-sanctions", "sanctions-lifted"),
    ]:
        assert (event(slug), _ETYPE[event_type]) in types
    # Old files say none of it: an event without the new fields gets none of their triples.
    new_predicates = {_CF.endDate, _CF.talksFormat, _CF.wounded, _CF.authorship, _CF.accordingTo}
    release = event("belmar-releases-40-detainees")
    assert not {p for s, p, _ in triples if s == release} & new_predicates


def test_an_unnamed_event_over_several_days_is_labelled_with_both_days(harbour_dir: Path) -> None:
    (harbour_dir / HARBOUR_FILE).write_text(
        article_with("    name: Harbour truce talks, first round\n", "", HARBOUR_ARTICLE), encoding="utf-8"
    )
    (article,) = check_paths([Path(HARBOUR_FILE)]).articles
    labels = {o for s, p, o in article_graph(article).triples if p.value.endswith("#label")}
    assert ox.Literal("talks 2031-05-09 to 2031-05-10") in labels
    assert ox.Literal("meeting 2031-05-11") in labels


def test_the_harbour_article_loads(harbour_dir: Path, ckg_store: tuple[Path, bytes]) -> None:
    """The control: each case below fails only because of what it breaks."""
    (harbour_dir / HARBOUR_FILE).write_text(HARBOUR_ARTICLE, encoding="utf-8")
    result = load(HARBOUR_FILE, store=ckg_store)
    assert result.exit_code == 0, result.output
    assert f"  {HARBOUR}: 13 facts, 202 triples; 9 quotes found in {HARBOUR}.txt" in result.output.splitlines()


# --- one broken thing at a time ------------------------------------------------------

TALKS = f"{HARBOUR_FILE}:{{line}}: event 'harbour-truce-talks-round-1', field "
STRIKE = f"{HARBOUR_FILE}:{{line}}: event 'amber-harbour-drone-strike', field "

BROKEN_EVENTS = [
    pytest.param(
        '    end_date: "2031-05-10"',
        '    end_date: "2031-05-08"',
        TALKS.format(line=17) + "'end_date': end_date 2031-05-08 is before date 2031-05-09. "
        "An event over several days ends on or after its first day ('date'): swap or correct the dates.",
        id="end-date-before-date",
    ),
    pytest.param(
        '    date: "2031-05-09"\n    end_date',
        "    end_date",
        TALKS.format(line=16) + "'end_date': end_date 2031-05-10 is given without a 'date'. "
        "Add 'date:' with the event's first day.",
        id="end-date-without-date",
    ),
    pytest.param(
        '    end_date: "2031-05-10"',
        '    end_date: "2031-05-32"',
        TALKS.format(line=17) + "'end_date': '2031-05-32' is not a real date (day is out of range for month). "
        "Write an existing calendar date as YYYY-MM-DD.",
        id="end-date-not-a-real-date",
    ),
    pytest.param(
        '    end_date: "2031-05-10"',
        '    end_date: "May 10"',
        TALKS.format(line=17) + "'end_date': 'May 10' is not valid here. Expected: A calendar date written YYYY-MM-DD.",
        id="end-date-not-a-date",
    ),
    pytest.param(
        "    format: proximity",
        "    format: shuttle",
        TALKS.format(line=18) + "'format': unknown value 'shuttle'. Use one of: direct, proximity.",
        id="unknown-format",
    ),
    pytest.param(
        "    mediators: [corvia]\n",
        "",
        TALKS.format(line=18) + "'format': proximity talks name no mediators. Add 'mediators:' with who carried "
        "the messages between the sides, or write 'format: direct' if the sides met.",
        id="proximity-talks-without-mediators",
    ),
    pytest.param(
        "    authorship: alleged\n",
        "    authorship: alleged\n    format: direct\n",
        STRIKE.format(line=35) + "'format': format is for talks and meetings, not for a 'strike'. "
        "Remove 'format:', or make the event talks or a meeting.",
        id="format-of-a-strike",
    ),
    pytest.param(
        "    authorship: alleged",
        "    authorship: alledged",
        STRIKE.format(line=34) + "'authorship': unknown value 'alledged'. Use one of: alleged, established. "
        "Did you mean 'alleged'?",
        id="unknown-authorship",
    ),
    pytest.param(
        '    type: blockade\n    date: "2031-04-02"\n    by: [ardenia]\n',
        '    type: blockade\n    date: "2031-04-02"\n',
        f"{HARBOUR_FILE}:49: event 'amber-port-blockade', field 'authorship': authorship 'established' is given, "
        "but the event names no 'by'. Add 'by:' with whom the event is attributed to, or remove 'authorship:'.",
        id="authorship-without-by",
    ),
    pytest.param(
        "    according_to: [belmar]",
        "    according_to: [belmarr]",
        STRIKE.format(line=35) + f"'according_to': unknown actor 'belmarr'. Did you mean 'belmar'? {HINT_ACTOR}",
        id="according-to-an-unknown-actor",
    ),
    pytest.param(
        "    wounded: 14",
        "    wounded: -14",
        STRIKE.format(line=38) + "'wounded': -14 is less than the minimum of 0. Correct the value.",
        id="negative-wounded",
    ),
    pytest.param(
        "    type: blockade-lifted",
        "    type: blockade-lift",
        f"{HARBOUR_FILE}:54: event 'amber-port-blockade-lifted', field 'type': unknown value 'blockade-lift'. "
        "Use one of: call, meeting, talks, strike, attack, prisoner-exchange, aid-suspension, ceasefire-declaration, "
        "detainee-release, blockade, blockade-lifted, mine-laying, sanctions-imposed, sanctions-lifted. "
        "Did you mean 'blockade-lifted'?",
        id="unknown-event-type",
    ),
    pytest.param(
        "    mediators: [corvia]",
        "    mediators: corvia",
        # Reported once, as malformed: not again as proximity talks without mediators.
        TALKS.format(line=22) + "'mediators': expected a list, got text ('corvia'). Write a list here.",
        id="malformed-mediators-reported-once",
    ),
]


@pytest.mark.parametrize(("old", "new", "expected"), BROKEN_EVENTS)
def test_a_broken_event_is_named_exactly_and_nothing_is_stored(
    old: str, new: str, expected: str, harbour_dir: Path, ckg_store: tuple[Path, bytes]
) -> None:
    assert_file_refused(harbour_dir, article_with(old, new, HARBOUR_ARTICLE), [expected], ckg_store, HARBOUR_FILE)


LATER_REPORT = """\
article:
  id: 2031-05-14-later-report
  title: Investigators name Ardenia; delegations say they met
  outlet: Test Wire
  published: "2031-05-14"
actors:
  - {id: ardenia, name: Ardenia, type: state}
  - {id: belmar, name: Belmar, type: state}
events:
  - id: harbour-truce-talks-round-1
    name: Harbour truce talks, first round
    type: talks
    format: direct
    participants: [ardenia, belmar]
    quote: "the two delegations met face to face"
  - id: amber-harbour-drone-strike
    type: strike
    date: "2031-05-09"
    by: [ardenia]
    authorship: established
    quote: "the strike was Ardenian, investigators found"
"""


def test_another_article_giving_the_same_event_another_format_or_authorship_is_refused(
    harbour_dir: Path, ckg_store: tuple[Path, bytes]
) -> None:
    (harbour_dir / HARBOUR_FILE).write_text(HARBOUR_ARTICLE, encoding="utf-8")
    assert load(HARBOUR_FILE, store=ckg_store).exit_code == 0
    loaded = (ckg_store[0], run_ckg("export", "-f", "nquads", "--store", ckg_store[0]).stdout_bytes)
    (harbour_dir / "later.yaml").write_text(LATER_REPORT, encoding="utf-8")
    same_id = (
        "across the files and the store. The same id names the same thing everywhere: keep the value identical "
        "in every file, or give this fact its own id."
    )
    assert_refused(
        load("later.yaml", store=ckg_store),
        [
            f"later.yaml:13: event 'harbour-truce-talks-round-1', field 'format': "
            f"has more than one value for 'format' {same_id}",
            f"later.yaml:20: event 'amber-harbour-drone-strike', field 'authorship': "
            f"has more than one value for 'authorship' {same_id}",
        ],
    )
    assert_unchanged(loaded)
