"""Claims of a sentence for the offline drafter: accusations, denials, forecasts, readings, statements.

An accusation names the accused after its cue ("accused Tolvane of …") or as
an adjective ("a Kesarian drone"); with a violation cue and a proposal it is
a violation-accusation, else its charge comes from the lexicon's
``charges``. A speaker reporting the other side's strike is an accusation
too. A denial answers the latest accusation aimed at the speaker's side. A
direct quotation that adds no other fact becomes a statement, unless it only
elaborates what the same speaker said in the sentence before.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

from ceasefire_kg.draft.actors import Mention, slug
from ceasefire_kg.draft.dates import find_dates
from ceasefire_kg.draft.model import DraftFact
from ceasefire_kg.draft.text import Sentence, first_words, sentence_text

if TYPE_CHECKING:
    from ceasefire_kg.draft.extract import OfflineDrafter

logger = logging.getLogger(__name__)


class ClaimDrafter:
    """Drafts claims for an :class:`~ceasefire_kg.draft.extract.OfflineDrafter`."""

    def __init__(self, drafter: OfflineDrafter) -> None:
        self.drafter = drafter

    def draft(
        self,
        sentence: Sentence,
        mentions: list[Mention],
        speaker: str | None,
        proposal: DraftFact | None,
        events: list[DraftFact],
        *,
        drafted: bool,
    ) -> None:
        folded = sentence.folded
        if speaker is None:
            return
        made = False
        claim_date = self._claim_date(folded)
        denial = self.drafter.lex["denial"].search(folded)
        if denial is not None:
            made |= self._denial(sentence, speaker, claim_date)
        accusation = self.drafter.lex["accusation"].search(folded, denial.end() if denial else 0)
        reported = [
            fact
            for fact in events
            if fact.data["type"] in ("strike", "attack")
            and self.drafter.side(speaker) not in fact.data.get("by", [])
            and fact.data.get("by")
        ]
        if accusation is None and reported and denial is None and self.drafter.lex["speech"].search(folded):
            accusation = self.drafter.lex["speech"].search(
                folded
            )  # "Kyiv said a Russian missile strike …": an accusation
        if accusation is not None:
            made |= self._accusation(sentence, mentions, speaker, proposal, events, accusation, claim_date)
        forecast = self.drafter.lex["forecast"].search(folded)
        if forecast is not None and not made:
            data = self._claim_data("forecast", speaker, claim_date, sentence_text(folded[forecast.start() :]))
            if proposal is not None:
                data["proposal"] = proposal.id
            self.drafter.add("claims", data, sentence)
            made = True
        scope = self.drafter.lex["scope"].search(folded)
        if scope is not None and proposal is not None and not made:
            made = self._scope(sentence, speaker, proposal, scope, claim_date)
        quoted = self.drafter.lex["statement"].search(folded)
        elaborates = any(
            fact.data.get("by", fact.data.get("actor")) == speaker
            for fact in self.drafter.facts
            if fact.start >= self._previous_start(sentence) and fact.start < sentence.start
        )
        if (
            quoted is not None
            and not made
            and not drafted
            and not elaborates
            and self.drafter.lex["speech"].search(folded)
        ):
            data = self._claim_data("statement", speaker, claim_date, sentence_text(quoted.group().strip('"')))
            if proposal is not None:
                data["proposal"] = proposal.id
            self.drafter.add("claims", data, sentence)

    def _previous_start(self, sentence: Sentence) -> int:
        sentences = self.drafter.article.sentences
        return sentences[sentence.index - 1].start if sentence.index > 0 else sentence.start

    def _claim_date(self, folded: str) -> str | None:
        dates = [d.day for d in find_dates(folded, self.drafter.published) if d.day <= self.drafter.published]
        return dates[0].isoformat() if dates else None

    def _claim_data(self, claim_type: str, speaker: str, claim_date: str | None, text: str | None) -> dict[str, Any]:
        words = slug(first_words(text or "", 4)) if text else ""
        data: dict[str, Any] = {
            "id": self.drafter.ids.make(speaker, claim_type, words, day=self.drafter.day),
            "reviewed": False,
            "type": claim_type,
            "by": speaker,
        }
        if claim_date:
            data["date"] = claim_date
        if text:
            data["text"] = text
        return data

    def _denial(self, sentence: Sentence, speaker: str, claim_date: str | None) -> bool:
        own = self.drafter.side(speaker)
        accusations = [
            fact
            for fact in self.drafter.facts
            if fact.section == "claims" and "accused" in fact.data and self.drafter.side(fact.data["by"]) != own
        ]
        aimed = [fact for fact in accusations if own in fact.data["accused"]]
        if not (aimed or accusations):
            return False
        target = (aimed or accusations)[-1]
        data = self._claim_data("denial", speaker, claim_date, None)
        data["denies"] = target.id
        if target.data.get("events"):
            data["events"] = list(target.data["events"])
        self.drafter.add("claims", data, sentence)
        return True

    def _accusation(
        self,
        sentence: Sentence,
        mentions: list[Mention],
        speaker: str,
        proposal: DraftFact | None,
        events: list[DraftFact],
        cue: re.Match[str],
        claim_date: str | None,
    ) -> bool:
        folded = sentence.folded
        own = self.drafter.side(speaker)
        accused = self.drafter.sides_after(mentions, cue.start(), speaker)
        accused += [
            self.drafter.side(m.actor.id)
            for m in mentions
            if m.adjective and self.drafter.side(m.actor.id) not in (own, *accused)
        ]
        accused = [a for a in dict.fromkeys(accused) if self.drafter._is_state(a) or a in self.drafter.index.actors][:2]
        if not accused:
            return False
        violation = self.drafter.lex["violation"].search(folded)
        target = proposal or self.drafter.last_proposal
        if violation is not None and target is not None:
            data = self._claim_data("violation-accusation", speaker, claim_date, None)
            data["accused"] = accused
            data["proposal"] = target.id
        else:
            data = self._claim_data("accusation", speaker, claim_date, None)
            data["accused"] = accused
            charges = self.drafter.lex.choices("charges")
            data["charge"] = next((name for name, pattern in charges.items() if pattern.search(folded)), "other")
        if events:
            data["events"] = [fact.id for fact in events]
        self.drafter.add("claims", data, sentence)
        return True

    def _scope(
        self, sentence: Sentence, speaker: str, proposal: DraftFact, cue: re.Match[str], claim_date: str | None
    ) -> bool:
        clause = sentence.folded[cue.end() :]
        included, _, excluded = clause.partition("but not")
        if excluded:
            data = self._claim_data("terms-interpretation", speaker, claim_date, None)
            data["proposal"] = proposal.id
            data["includes"] = [sentence_text(included).rstrip(".")]
            data["excludes"] = [sentence_text(excluded).rstrip(".")]
        else:
            scopes = [
                name for name, pattern in self.drafter.lex.choices("scope_words").items() if pattern.search(clause)
            ]
            if not scopes:
                return False
            data = self._claim_data("scope-interpretation", speaker, claim_date, None)
            data["proposal"] = proposal.id
            data["scopes"] = scopes
        self.drafter.add("claims", data, sentence)
        return True
