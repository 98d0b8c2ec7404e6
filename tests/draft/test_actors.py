"""Actor mentions resolved to registry ids, and new actors proposed."""

from __future__ import annotations

from pathlib import Path

import pytest

from ceasefire_kg.draft.actors import propose_new_actors, read_registries
from ceasefire_kg.draft.text import fold
from ceasefire_kg.errors import DraftError
from tests.paths import REPO

SERRIN = REPO / "examples" / "serrin-war" / "serrin-actors.yaml"


def _named(sentence: str) -> list[tuple[str, str, bool]]:
    index = read_registries([SERRIN])
    folded = fold(sentence)
    return [(folded[m.start : m.end], m.actor.id, m.adjective) for m in index.mentions(folded)]


def test_the_longest_alias_wins_and_adjectives_are_marked() -> None:
    assert _named("Kesaria’s defence ministry said a Halvorian drone hit Brisa, Belin said.") == [
        ("Kesaria's defence ministry", "kesaria-defence-ministry", False),
        ("Halvorian", "halvoria", True),
        ("Belin", "yaro-belin", False),
    ]


def test_sides_follow_represents_chains() -> None:
    index = read_registries([SERRIN])

    assert index.side("odile-marsant") == "lakes-union"
    assert index.side("halvoria") == "halvoria"


def test_a_titled_person_missing_from_the_registry_is_proposed() -> None:
    index = read_registries([SERRIN])
    proposed = propose_new_actors(index, [fold("Halvorian Defence Minister Tomas Rell said the guns were moved.")])

    assert [(a.id, a.name, a.type, a.represents, a.role) for a in proposed] == [
        ("tomas-rell", "Tomas Rell", "person", "halvoria", "Halvorian Defence Minister")
    ]
    assert [m.actor.id for m in index.mentions("Rell said so.")] == ["tomas-rell"]


def test_a_registry_that_is_not_one_is_refused(tmp_path: Path) -> None:
    article = REPO / "examples" / "serrin-war" / "2026-09-19-truce-holds-amid-accusations.yaml"
    with pytest.raises(DraftError) as error:
        read_registries([article])

    assert str(error.value) == (
        f"cannot use the registry:\n{article}:1: not an actor registry (no 'registry:' at the top level). "
        "Give a registry file: 'registry: ID' and 'actors:'."
    )


def test_a_registry_with_a_bad_actor_is_refused(tmp_path: Path) -> None:
    registry = tmp_path / "bad.yaml"
    registry.write_text("registry: bad\nactors:\n  - id: x\n    name: X\n    type: country\n", "utf-8")
    with pytest.raises(DraftError) as error:
        read_registries([registry])

    assert str(error.value) == (
        f"cannot use the registry:\n{registry}:5: actor 'x', field 'type': unknown value 'country'. "
        "Use one of: person, state, organization, alliance."
    )
