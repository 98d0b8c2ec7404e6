"""Events of a sentence for the offline drafter: type, who, when, where, and how many.

An event is cued by the lexicon's ``events`` table (talks, calls, strikes,
releases, exchanges, blockades, sanctions …). Who carried it out is the
actor named just before the cue, as subject or as adjective ("a Kesarian
drone"); its date is the date expression nearest the cue, resolved against
the publication date; counts of prisoners, dead and wounded come from the
numbers around the cue. A later mention of the same event (same type, no
other date) is not drafted again.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

from ceasefire_kg.draft.actors import Mention
from ceasefire_kg.draft.dates import find_dates
from ceasefire_kg.draft.model import DraftFact
from ceasefire_kg.draft.text import Sentence

if TYPE_CHECKING:
    from ceasefire_kg.draft.extract import OfflineDrafter

logger = logging.getLogger(__name__)

_NUMBERS = {
    word: number
    for number, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen twenty".split()
    )
}
#: Events between sides (participants), rather than done by one to another (by, targets).
_BETWEEN = frozenset({"talks", "meeting", "call", "prisoner-exchange"})
_BOTH_SIDES = re.compile(r"\b(?:the two sides|both sides|the two delegations|both capitals)\b", re.IGNORECASE)
_AFTER_PREPOSITION = re.compile(r"(?:\bon|\bagainst)\s+$")


def _number(text: str | None) -> int | None:
    if text is None:
        return None
    if text.isdigit():
        return int(text)
    return _NUMBERS.get(text.lower())


class EventDrafter:
    """Drafts events for an :class:`~ceasefire_kg.draft.extract.OfflineDrafter`."""

    def __init__(self, drafter: OfflineDrafter) -> None:
        self.drafter = drafter

    def draft(
        self, sentence: Sentence, mentions: list[Mention], speaker: str | None, proposal: DraftFact | None
    ) -> list[DraftFact]:
        """The new events a sentence reports (events it mentions again are not drafted twice)."""
        lex = self.drafter.lex
        folded = sentence.folded
        drafted: list[DraftFact] = []
        for event_type, pattern in lex.choices("events").items():
            cue = pattern.search(folded)
            if cue is None or _AFTER_PREPOSITION.search(folded[: cue.start()]):
                continue
            negation = lex["event_negation"].search(folded)
            if negation is not None and abs(negation.start() - cue.start()) < 60:
                continue
            if event_type == "strike" and any(fact.data["type"] == "attack" for fact in drafted):
                continue
            if event_type == "attack" and any(fact.data["type"] == "strike" for fact in drafted):
                continue
            data = self._event(sentence, mentions, speaker, proposal, event_type, cue)
            if data is not None and not self._seen(data):
                drafted.append(self.drafter.add("events", data, sentence))
        return drafted

    def _seen(self, data: dict[str, Any]) -> bool:
        for fact in self.drafter.facts:
            if fact.section != "events" or fact.data["type"] != data["type"]:
                continue
            if fact.data.get("date") is None or data.get("date") is None or fact.data.get("date") == data.get("date"):
                return True
        return False

    def _event(
        self,
        sentence: Sentence,
        mentions: list[Mention],
        speaker: str | None,
        proposal: DraftFact | None,
        event_type: str,
        cue: re.Match[str],
    ) -> dict[str, Any] | None:
        drafter = self.drafter
        folded = sentence.folded
        data: dict[str, Any] = {"id": "", "reviewed": False, "type": event_type}
        dates = find_dates(folded, drafter.published)
        when = min(dates, key=lambda d: min(abs(d.start - cue.start()), abs(d.end - cue.end())), default=None)
        planned = drafter.lex["planned"].search(folded) is not None and (when is None or when.day > drafter.published)
        if when is not None and (when.day <= drafter.published or planned):
            data["date"] = when.day.isoformat()
            if when.last_day is not None:
                data["end_date"] = when.last_day.isoformat()
        data["status"] = "planned" if planned else "held"
        if event_type in _BETWEEN:
            mediation = drafter.lex["mediation"].search(folded)
            mediators = (
                [m.actor.id for m in mentions if m.start >= mediation.start() and not m.adjective][:2]
                if mediation
                else []
            )
            mediators += [
                m.actor.id
                for m in mentions
                if m.actor.role and re.search(r"envoy|mediator", m.actor.role) and m.actor.id not in mediators
            ]
            sides = [
                s
                for s in dict.fromkeys(drafter.side(m.actor.id) for m in mentions)
                if drafter.index.actors.get(s) is not None
                and drafter.index.actors[s].type == "state"
                and s not in {drafter.side(x) for x in mediators}
            ]
            if (len(sides) < 2 and (_BOTH_SIDES.search(folded) or not sides)) or (
                len(sides) < 2 and event_type == "talks"
            ):
                sides = list(dict.fromkeys([*sides, *drafter.main_states]))
            if event_type in ("meeting", "call"):
                people = [m.actor.id for m in mentions if m.actor.type == "person" and m.actor.id not in mediators]
                sides = list(dict.fromkeys(people)) if len(set(people)) >= 2 else sides
            if sides:
                data["participants"] = sides[:4]
            if mediators:
                data["mediators"] = list(dict.fromkeys(mediators))
            if proposal is not None and event_type == "talks":
                data["concerns"] = [proposal.id]
        else:
            by = self._by(folded, mentions, cue, speaker, event_type)
            if by:
                data["by"] = [by]
            targets = [
                drafter.side(m.actor.id) if m.adjective else m.actor.id
                for m in mentions
                if m.start >= cue.start() and drafter.side(m.actor.id) != (drafter.side(by) if by else None)
            ]
            if targets:
                data["targets"] = list(dict.fromkeys(targets))[:2]
        self._counts(folded, event_type, data)
        data["id"] = drafter.ids.make(
            event_type, *(data.get("by", []) or data.get("participants", [])[:1]), day=data.get("date", drafter.day)
        )
        return data

    def _by(
        self, folded: str, mentions: list[Mention], cue: re.Match[str], speaker: str | None, event_type: str
    ) -> str | None:
        drafter = self.drafter
        adjectives = [m for m in mentions if m.adjective and m.end <= cue.start() and cue.start() - m.end <= 25]
        if adjectives:
            return drafter.side(adjectives[-1].actor.id)
        subjects = [
            m
            for m in mentions
            if m.end <= cue.start()
            and cue.start() - m.end <= 40
            and drafter.is_subject(m, folded)
            and m.actor.id != speaker
        ]
        if subjects:
            return drafter.side(subjects[-1].actor.id)
        if (
            event_type
            in ("detainee-release", "sanctions-imposed", "sanctions-lifted", "blockade-lifted", "mine-laying")
            and speaker
        ):
            before = [m for m in mentions if m.end <= cue.start() and drafter.is_subject(m, folded)]
            return drafter.side(before[-1].actor.id) if before else None
        return None

    def _counts(self, folded: str, event_type: str, data: dict[str, Any]) -> None:
        counts = self.drafter.lex.choices("counts")
        wanted = ["prisoners"] if event_type in ("prisoner-exchange", "detainee-release") else []
        if event_type in ("strike", "attack"):
            wanted = ["fatalities", "wounded"]
        for name in wanted:
            match = counts[name].search(folded)
            if match is None:
                continue
            number = next((_number(value) for value in match.groupdict().values() if value), None)
            if number is not None:
                data[name] = number
