"""A brief asks narrow questions (one proposal's graph, accusations and confidence measures per side) and says what the whole store says."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import neo4j
import pytest

from ceasefire_kg import brief
from ceasefire_kg.analysis import PROPERTY_KEYS
from ceasefire_kg.backends import LocalBackend, Neo4jBackend
from ceasefire_kg.brief import content, graph
from ceasefire_kg.push import push
from ceasefire_kg.store import Store
from tests.corpus import load_store
from tests.paths import EXAMPLES

SERRIN = EXAMPLES.parent / "serrin-war"
_IRI_OF = {key: iri for iri, key in PROPERTY_KEYS.items()}
PUTIN = "https://w3id.org/ceasefire-kg/id/actor/putin"
TRUCE = "https://w3id.org/ceasefire-kg/id/proposal/energy-infrastructure-truce"


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return load_store(tmp_path_factory.mktemp("focus") / "store", [EXAMPLES, SERRIN])


@pytest.fixture(scope="module")
def backend(store_path: Path) -> Iterator[LocalBackend]:
    with Store.open_read_only(store_path) as store:
        yield LocalBackend(store)


class _Counting:
    """The store's back end, counting the saved queries asked."""

    def __init__(self, inner: LocalBackend) -> None:
        self.inner = inner
        self.name = inner.name
        self.description = inner.description
        self.asked: list[tuple[str, dict[str, Any]]] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def run(self, query: Any, parameters: Any, page: Any = None) -> Any:
        self.asked.append((query.name, {k: v for k, v in parameters.items() if v is not None}))
        return self.inner.run(query, parameters, page)


def _whole_store_brief(backend: LocalBackend, monkeypatch: pytest.MonkeyPatch, **options: Any) -> brief.Brief:
    """The brief as it was made before it asked narrow questions: the whole graph, whole answers filtered."""
    whole_graph = graph.read_brief_graph
    with monkeypatch.context() as patched:
        patched.setattr(content, "MAX_FOCUSED_QUESTIONS", 0)
        patched.setattr(
            content, "read_brief_graph", lambda b, known_by, progress, proposal=None: whole_graph(b, known_by, progress)
        )
        return brief.build_brief(backend, **options)


@pytest.mark.parametrize(
    "options",
    [
        {"proposal": "energy-infrastructure-truce"},
        {"proposal": "us-30-day-ceasefire", "as_of": dt.date(2025, 3, 19)},
        {"proposal": "us-30-day-ceasefire"},
        {},
        {"as_of": dt.date(2026, 9, 18), "since": dt.date(2026, 9, 1)},
        {"scope": "https://w3id.org/ceasefire-kg/scope/maritime"},
    ],
    ids=["energy-truce", "us-plan-2025-03-19", "us-plan", "full-ceasefire", "serrin-2026-09-18", "maritime"],
)
def test_the_narrow_questions_give_the_brief_the_whole_store_gives(
    backend: LocalBackend, monkeypatch: pytest.MonkeyPatch, options: dict[str, Any]
) -> None:
    counting = _Counting(backend)
    narrow = brief.build_brief(counting, **options)  # type: ignore[arg-type]
    whole = _whole_store_brief(backend, monkeypatch, **options)
    for name in ("blocking", "positions", "history", "timeline", "changes", "disputes", "sides", "articles"):
        assert getattr(narrow, name) == getattr(whole, name), name
    assert narrow.accusations == whole.accusations
    assert narrow.confidence == whole.confidence
    assert narrow.alignment.stances.rows == whole.alignment.stances.rows
    assert narrow.alignment.blocs == whole.alignment.blocs
    assert brief.render_html(narrow) == brief.render_html(whole)
    # Accusations and confidence measures were asked about proposals and sides, never about the whole store.
    for name, parameters in counting.asked:
        if name in ("accusations", "confidence-measures"):
            assert set(parameters) & {"proposal", "actor"}, (name, parameters)


def test_a_proposal_brief_asks_about_that_proposal_and_each_side(backend: LocalBackend) -> None:
    counting = _Counting(backend)
    made = brief.build_brief(counting, proposal="energy-infrastructure-truce")  # type: ignore[arg-type]
    accusations = [p for name, p in counting.asked if name == "accusations"]
    assert accusations[0] == {"proposal": TRUCE, "without_proposal": False}
    sides = sorted(p["actor"].rsplit("/", 1)[1] for p in accusations[1:])
    assert made.sides == ["Russia", "Ukraine"]
    assert sides == ["russia", "ukraine"]
    assert all(p["without_proposal"] is True for p in accusations[1:])
    assert [name for name, _ in counting.asked].count("confidence-measures") == 2
    assert len(made.accusations) == 5


def test_triples_about_some_nodes_are_those_the_whole_read_gives_for_them(backend: LocalBackend) -> None:
    predicates = [_IRI_OF[key] for key in ("label", "represents", "type", "evidence")]
    subjects = [PUTIN, TRUCE, "https://w3id.org/ceasefire-kg/id/actor/no-such-actor"]
    with backend.unchanging():
        for known_by in (None, dt.date(2025, 3, 19)):
            every = {tuple(t) for t in backend.triples(predicates, known_by=known_by)}
            some = {tuple(t) for t in backend.triples_about(subjects, predicates, known_by)}
            assert some == {t for t in every if t[0].value in subjects}
            assert {t[0].value for t in some} == {PUTIN, TRUCE}


def _as_text(triples: Any) -> set[tuple[str, str, str]]:
    return {(str(t[0]), str(t[1]), str(t[2])) for t in triples}


@pytest.mark.neo4j
def test_neo4j_reads_the_same_triples_about_some_nodes(
    store_path: Path, neo4j_driver: neo4j.Driver, neo4j_database: str
) -> None:
    predicates = [_IRI_OF[key] for key in ("label", "represents", "type", "evidence", "onProposal", "holder")]
    subjects = [PUTIN, TRUCE, "https://w3id.org/ceasefire-kg/id/actor/no-such-actor"]
    with Store.open_read_only(store_path) as store:
        push(store, neo4j_driver, neo4j_database)
        local = LocalBackend(store)
        remote = Neo4jBackend(neo4j_driver, neo4j_database)
        for known_by in (None, dt.date(2025, 3, 19)):
            here = _as_text(local.triples_about(subjects, predicates, known_by))
            there = _as_text(remote.triples_about(subjects, predicates, known_by))
            assert there == here
            assert {s for s, _, _ in here} == {f"<{PUTIN}>", f"<{TRUCE}>"}
