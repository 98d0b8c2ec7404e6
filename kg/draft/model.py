"""What a draft is made of: facts with their quote's place in the text, candidate sentences, notes."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

from ceasefire_kg.draft.actors import Actor

logger = logging.getLogger(__name__)

#: Sections of a fact file in the order a draft writes them.
DRAFT_SECTIONS = ("proposals", "demands", "positions", "responses", "claims", "events")


@dataclass
class DraftFact:
    """One drafted fact.

    Attributes:
        section: The section of the fact file it goes in (``demands`` …).
        data: Its fields, in the order they are written (``quote`` last).
        start: Offset of its quote in the article's content.
        end: Offset just past its quote.
    """

    section: str
    data: dict[str, Any]
    start: int
    end: int

    @property
    def id(self) -> str:
        """The fact's id."""
        return str(self.data["id"])


@dataclass
class Draft:
    """A drafted fact file, before it is written.

    Attributes:
        article: The ``article:`` section.
        registries: The registry paths, as the fact file lists them.
        actors: Actors proposed from the text (not in any registry).
        facts: The drafted facts, in the order of the text within each section.
        candidates: Spans of the text (sentences) the drafter found a cue in:
            where facts are likely, drafted or not.
        notes: What the analyst should know (facts dropped and why).
        drafter: ``offline`` or the model's name.
        content: The article's text, which the quotes are spans of.
        registry_actor_ids: The ids of the registries' actors, which facts may name.
    """

    article: dict[str, Any]
    registries: list[str] = field(default_factory=list)
    actors: list[Actor] = field(default_factory=list)
    facts: list[DraftFact] = field(default_factory=list)
    candidates: list[tuple[int, int]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    drafter: str = "offline"
    content: str = ""
    registry_actor_ids: set[str] = field(default_factory=set)

    @staticmethod
    def article_sections() -> tuple[str, ...]:
        """The sections of facts, in the order they are written."""
        return DRAFT_SECTIONS

    def section(self, name: str) -> list[DraftFact]:
        """The facts of one section."""
        return [fact for fact in self.facts if fact.section == name]


class IdMaker:
    """Readable, unique fact ids made of slugs."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def make(self, *parts: str, day: str = "") -> str:
        """An id joining ``parts`` (and ``day`` last, kept whole), shortened to fit, with ``-2`` … when taken.

        What an actor says or does on a day gets that day in its id, so that drafts of different
        articles do not give the same id to different facts (the same id names the same thing everywhere).
        """
        room = 100 - (len(day) + 1 if day else 0)
        base = re.sub(r"-+", "-", "-".join(part for part in parts if part)).strip("-")[:room].strip("-") or "fact"
        base = f"{base}-{day}" if day else base
        candidate, number = base, 2
        while candidate in self.used:
            candidate = f"{base}-{number}"
            number += 1
        self.used.add(candidate)
        return candidate
