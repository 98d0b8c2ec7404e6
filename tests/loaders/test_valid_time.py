"""Valid time of statuses (docs/time.md): the date a status holds from, and the date it was reported on."""

from __future__ import annotations

from pathlib import Path

from ceasefire_kg.loaders.load import load_into_folder
from ceasefire_kg.store import Store
from tests.loaders.conftest import ARTICLE, article_with

_EVENTS = (
    "events:\n"
    '  - id: talks-held-on-a-date\n    type: talks\n    status: held\n    date: "2025-03-18"\n'
    '    quote: "proposed a 30-day ceasefire"\n'
    '  - id: talks-held-since\n    type: talks\n    status: held\n    date: "2025-03-17"\n'
    '    status_since: "2025-03-19"\n    quote: "proposed a 30-day ceasefire"\n'
    '  - id: talks-planned\n    type: talks\n    status: planned\n    date: "2025-03-30"\n'
    '    quote: "proposed a 30-day ceasefire"\n'
    "  - id: talks-held-undated\n    type: talks\n    status: held\n"
    '    quote: "proposed a 30-day ceasefire"\n'
)
_PROPOSALS = (
    "  - id: in-force-from\n    name: A truce in force\n    type: truce\n    status: in-force\n"
    '    effective_from: "2025-03-10"\n    declared_on: "2025-03-08"\n    quote: "proposed a 30-day ceasefire"\n'
    "  - id: agreed-on\n    name: A deal agreed\n    type: agreement\n    status: agreed\n"
    '    declared_on: "2025-03-12"\n    effective_from: "2025-04-01"\n    quote: "proposed a 30-day ceasefire"\n'
    "  - id: collapsed-on\n    name: A truce that collapsed\n    type: truce\n    status: collapsed\n"
    '    ended_on: "2025-03-15"\n    quote: "proposed a 30-day ceasefire"\n'
    "  - id: proposed-on\n    name: A proposal\n    type: ceasefire\n    status: proposed\n"
    '    proposed_on: "2025-03-01"\n    quote: "proposed a 30-day ceasefire"\n'
    "  - id: status-since-wins\n    name: A truce in force since\n    type: truce\n    status: in-force\n"
    '    effective_from: "2025-03-10"\n    status_since: "2025-03-11"\n    quote: "proposed a 30-day ceasefire"\n'
    "  - id: lapsed-undated\n    name: A lapsed truce\n    type: truce\n    status: lapsed\n"
    '    quote: "proposed a 30-day ceasefire"\n'
)


def _records(store_path: Path) -> dict[str, tuple[str, str]]:
    """(asOf, reportedOn) of every status record, by the id of the fact it belongs to."""
    with Store.open_read_only(store_path) as store:
        rows = store.query(
            "SELECT ?id ?as_of ?reported WHERE { ?fact cf:factId ?id ; cf:statusRecord ?r . "
            "?r cf:asOf ?as_of ; cf:reportedOn ?reported }"
        )
        return {row["id"].value: (row["as_of"].value, row["reported"].value) for row in rows}


def test_a_status_holds_from_the_date_the_article_gives(fact_dir: Path, tmp_path: Path) -> None:
    content = article_with("demands:\n", _PROPOSALS + "demands:\n") + _EVENTS
    (fact_dir / "dated.yaml").write_text(content, encoding="utf-8")
    load_into_folder(tmp_path / "store", [fact_dir / "dated.yaml"])
    published = "2025-03-20"
    assert _records(tmp_path / "store") == {
        "in-force-from": ("2025-03-10", published),  # effective_from
        "agreed-on": ("2025-03-12", published),  # declared_on
        "collapsed-on": ("2025-03-15", published),  # ended_on
        "proposed-on": ("2025-03-01", published),  # proposed_on
        "status-since-wins": ("2025-03-11", published),
        "lapsed-undated": (published, published),  # no date given: the publication
        "talks-held-on-a-date": ("2025-03-18", published),  # the event's date
        "talks-held-since": ("2025-03-19", published),
        "talks-planned": (published, published),  # planned: as of the publication
        "talks-held-undated": (published, published),
        "test-demand": ("2025-03-19", published),  # demands keep as_of
    }


def test_the_test_article_without_dates_reports_as_of_its_publication(fact_dir: Path, tmp_path: Path) -> None:
    (fact_dir / "plain.yaml").write_text(
        article_with("    duration_days: 30\n", "    duration_days: 30\n    status: proposed\n", ARTICLE),
        encoding="utf-8",
    )
    load_into_folder(tmp_path / "store", [fact_dir / "plain.yaml"])
    assert _records(tmp_path / "store")["test-ceasefire"] == ("2025-03-20", "2025-03-20")
