"""Who a sentence names: registry actors by name, alias, surname or adjective, and new ones proposed.

A registry's actors are found by their name and aliases (the longest match
wins, so "Kesaria's defence ministry" is the ministry, not Kesaria), a
person also by the last word of their name ("Belin"), and a state also by
its adjective ("Kesarian", "Halvoria's"). A person the registry lacks is
proposed as a new actor when the text introduces them by a title
("Foreign Minister Sefa Orun"): the draft declares them under ``actors:``
for the analyst to check.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ceasefire_kg.draft.text import fold
from ceasefire_kg.errors import DraftError, Problem

logger = logging.getLogger(__name__)

#: Titles that introduce a person ("Foreign Minister Sefa Orun", "envoy Omar Sallis").
_TITLE = (
    r"(?:(?:[A-Z][a-z]+ )?(?:President|Prime Minister|Foreign Minister|Defen[cs]e Minister|Minister|"
    r"Chancellor|King|General|Commander|envoy|Envoy|spokeswoman|spokesman|spokesperson|Spokesperson|"
    r"negotiator|mediator|ambassador|Ambassador|Secretary-General|Secretary))"
)
_NAME = r"[A-Z][a-z]+(?:-[A-Z][a-z]+)?(?: [A-Z][a-z]+(?:-[A-Z][a-z]+)?){1,2}"
_TITLED_PERSON = re.compile(rf"(?P<title>{_TITLE}),? (?P<name>{_NAME})\b")
#: Appositions: "Kesaria's chief negotiator, Yaro Belin," name the person after the comma.
_APPOSED_PERSON = re.compile(rf"(?P<title>{_TITLE}), (?P<name>{_NAME}),")


@dataclass(frozen=True)
class Actor:
    """An actor the draft may name: from a registry, or proposed from the text."""

    id: str
    name: str
    type: str
    represents: str | None = None
    role: str | None = None
    proposed: bool = False


@dataclass(frozen=True)
class Mention:
    """Where a sentence names an actor (offsets within the sentence)."""

    start: int
    end: int
    actor: Actor
    adjective: bool = False  # "Kesarian drone": the actor qualifies a thing, it does not act or speak


@dataclass
class ActorIndex:
    """The actors a draft can name, and the surface forms that name them."""

    actors: dict[str, Actor] = field(default_factory=dict)
    forms: dict[str, tuple[str, bool]] = field(default_factory=dict)  # folded form -> (actor id, adjective)
    registry_paths: list[Path] = field(default_factory=list)
    _pattern: re.Pattern[str] | None = None

    def add(self, actor: Actor, names: Iterable[str], adjectives: Iterable[str] = ()) -> None:
        """Add an actor with the forms that name it; a form already taken keeps its first actor."""
        self.actors.setdefault(actor.id, actor)
        for name in names:
            if len(name) >= 2:
                self.forms.setdefault(fold(name), (actor.id, False))
        for adjective in adjectives:
            self.forms.setdefault(fold(adjective), (actor.id, True))
        self._pattern = None

    def mentions(self, folded: str) -> list[Mention]:
        """The actors a folded sentence names, longest forms first, without overlaps, in order."""
        if self._pattern is None:
            if not self.forms:
                return []
            alternatives = sorted(self.forms, key=len, reverse=True)
            self._pattern = re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, alternatives)) + r")(?![\w-])")
        found = []
        for match in self._pattern.finditer(folded):
            actor_id, adjective = self.forms[match.group()]
            found.append(Mention(match.start(), match.end(), self.actors[actor_id], adjective))
        return found

    def side(self, actor_id: str) -> str:
        """The end of an actor's ``represents`` chain (at most 5 links), the side it counts for."""
        current = actor_id
        for _ in range(5):
            actor = self.actors.get(current)
            if actor is None or actor.represents is None:
                break
            current = actor.represents
        return current


def _adjectives(name: str) -> list[str]:
    """Likely adjectives and possessives of a state's name ("Halvorian", "Norvalese", "Belmari")."""
    forms = [f"{name}'s"]
    if name.endswith("a"):
        forms += [f"{name}n"]
    elif name.endswith("e"):
        forms += [f"{name[:-1]}ian", f"{name}se"]
    else:
        forms += [f"{name}i", f"{name}ian", f"{name}ese", f"{name}ish"]
    return forms


def _registry_actor(entry: dict[str, Any]) -> tuple[Actor, list[str], list[str]]:
    actor = Actor(entry["id"], entry["name"], entry["type"], entry.get("represents"), entry.get("role"))
    names = [entry["name"], *entry.get("aliases", [])]
    adjectives: list[str] = []
    if entry["type"] == "person":
        surname = entry["name"].split()[-1]
        names.append(surname)
        names.append(f"{surname}'s")
    elif entry["type"] == "state":
        for name in names:
            if " " not in name and name[:1].isupper() and name.isalpha():
                adjectives += _adjectives(name)
    else:
        names += [f"{name}'s" for name in list(names)]
    return actor, names, adjectives


def read_registries(paths: Iterable[Path]) -> ActorIndex:
    """Read actor registry files into an index.

    Raises:
        DraftError: A file cannot be read, is not YAML, or is not a registry
            (the message gives the file, line and what to fix).
    """
    # Imported here: the loaders' reader and schema check are only needed when registries are given.
    from ceasefire_kg.loaders.reader import read_sources
    from ceasefire_kg.loaders.schema_check import structure_errors

    index = ActorIndex()
    for path in paths:
        sources, problems = read_sources([path])
        if not problems and sources:
            source = sources[0]
            if not (isinstance(source.data, dict) and "registry" in source.data):
                problems.append(
                    Problem(
                        str(path),
                        "not an actor registry (no 'registry:' at the top level).",
                        "Give a registry file: 'registry: ID' and 'actors:'.",
                        line=1,
                    )
                )
            else:
                structure_errors(source, "registry", problems)
        if problems:
            raise DraftError("cannot use the registry:\n" + "\n".join(problem.describe() for problem in problems))
        for entry in sources[0].data["actors"]:
            actor, names, adjectives = _registry_actor(entry)
            index.add(actor, names, adjectives)
        index.registry_paths.append(path)
    return index


def slug(text: str) -> str:
    """A lowercase id made of a text's letters and digits."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text).lower().replace("'", "")).strip("-")[:80] or "x"


def propose_new_actors(index: ActorIndex, folded_sentences: Iterable[str]) -> list[Actor]:
    """Add to the index the people the text introduces by a title but the registries lack.

    Returns:
        The proposed actors, in the order the text introduces them.
    """
    proposed: list[Actor] = []
    for folded in folded_sentences:
        for pattern in (_APPOSED_PERSON, _TITLED_PERSON):
            for match in pattern.finditer(folded):
                name = match.group("name")
                if fold(name) in index.forms or name.split()[-1] in index.forms:
                    continue
                title = match.group("title")
                represents = None
                before = [m for m in index.mentions(folded[: match.start()]) if m.actor.type == "state"]
                inside = [m for m in index.mentions(title) if m.actor.type == "state"]
                if inside:
                    represents = inside[0].actor.id
                elif before and before[-1].end >= match.start() - 2:
                    represents = before[-1].actor.id
                actor_id = slug(name)
                if actor_id in index.actors:
                    continue
                actor = Actor(actor_id, name, "person", represents, title, proposed=True)
                index.add(actor, [name, name.split()[-1], f"{name.split()[-1]}'s"])
                proposed.append(actor)
    return proposed
