"""The offline drafter: facts from cues in sentences, with actors and dates resolved.

Deterministic and local. Each sentence is read once, in order: who speaks
(the actor before a speech verb, after a closing quotation, or the person
last named for "he said"), which proposals it names, then the cues of the
lexicon (``lexicon.json``) for demands, positions, responses, claims and
events. Facts in one sentence are linked to each other and to what came
before: a demand's condition to the proposal it names, a denial to the
accusation it answers, a response to the other side's latest demand, an
accusation to the event of the same sentence. Every quote is the text's own
span (a sentence or, for several demands in one sentence, a clause of it).
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from datetime import date
from typing import Any

from ceasefire_kg.draft.actors import ActorIndex, Mention, slug
from ceasefire_kg.draft.claims import ClaimDrafter
from ceasefire_kg.draft.events import EventDrafter
from ceasefire_kg.draft.lexicon import Lexicon, lexicon
from ceasefire_kg.draft.model import DraftFact, IdMaker
from ceasefire_kg.draft.text import ArticleText, Sentence, first_words, sentence_text

logger = logging.getLogger(__name__)

#: Nouns after an adjective ("Kesarian officials") that make it a subject that speaks or acts.
_PEOPLE = re.compile(
    r"\s*(?:officials?|diplomats?|government|ministry|delegat\w*|forces|troops|units|army|navy|president|"
    r"monitors|envoys?|engineers|negotiators?|spokes\w+|leaders?)\b",
    re.IGNORECASE,
)
_PRONOUN_SPEECH = re.compile(r"\b(?P<pronoun>[Hh]e|[Ss]he|[Ii]t|[Tt]hey)(?:,[^,]{0,30},)? (?:said|told|added|says)\b")
_WITHDRAWN = re.compile(r"\b(?:dropped|no longer insist\w*|withdr[ae]w|abandoned)\b", re.IGNORECASE)
_MET = re.compile(r"\b(?:had pulled|had withdrawn|was met|has been met|complied)\b", re.IGNORECASE)
_CONDITION = re.compile(
    r"\b(?:only if|only once|only after|provided that|on condition that|once|as long as|would sign only)\b",
    re.IGNORECASE,
)
_ACCORDING_TO = re.compile(r"\baccording to\b", re.IGNORECASE)
_NAMES_ANOTHER = re.compile(r"\s+(?:on|for)\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,2}(?:ceasefire|truce)\b", re.IGNORECASE)
_DEFINITE = re.compile(r"\bthe\s+$", re.IGNORECASE)
_PRESENTS = re.compile(r"\b(?:propos\w*|plan|put forward|agreed to)\b", re.IGNORECASE)
_PLAIN = str.maketrans({"\u2019": "'", "\u201c": '"', "\u201d": '"'})
_BOTH = re.compile(r"\b(?:both sides|the two sides|both capitals|both governments)\b", re.IGNORECASE)
_NOUN_DEMAND = re.compile(r"^(?:demand (?:to|that)|call for|request)", re.IGNORECASE)


def _content_words(text: str) -> set[str]:
    """The longer words of a text, lowercased, for telling whether two texts speak of the same thing."""
    return {word for word in re.findall(r"[a-z]{5,}", text.lower()) if word not in _COMMON}


_COMMON = frozenset("would could should their there which about after before while other first ready said".split())


class OfflineDrafter:
    """Drafts the facts of one article from its sentences.

    Args:
        article: The article's text, split.
        index: The actors it may name.
        published: Its publication date (what relative dates resolve against).
    """

    def __init__(self, article: ArticleText, index: ActorIndex, published: date) -> None:
        self.article = article
        self.index = index
        self.published = published
        self.day = published.isoformat()
        self.lex: Lexicon = lexicon()
        self.ids = IdMaker()
        self.facts: list[DraftFact] = []
        self.candidates: list[tuple[int, int]] = []
        self.proposals: dict[str, DraftFact] = {}  # key (ceasefire, truce, agreement) -> proposal
        self.last_proposal: DraftFact | None = None
        self.last_person: str | None = None
        self.last_speaker: str | None = None
        self.main_states = self._main_states()
        self.events = EventDrafter(self)
        self.claims = ClaimDrafter(self)

    # -- helpers the event drafter shares --------------------------------

    def add(
        self, section: str, data: dict[str, Any], sentence: Sentence, span: tuple[int, int] | None = None
    ) -> DraftFact:
        """Add a fact quoting the sentence (or ``span`` of it, offsets within the sentence)."""
        start, end = (
            (sentence.start, sentence.end) if span is None else (sentence.start + span[0], sentence.start + span[1])
        )
        data["quote"] = self.article.content[start:end]
        fact = DraftFact(section, data, start, end)
        self.facts.append(fact)
        return fact

    def side(self, actor_id: str) -> str:
        """The side an actor counts for."""
        return self.index.side(actor_id)

    def _main_states(self) -> list[str]:
        counts: Counter[str] = Counter()
        for sentence in self.article.sentences:
            for mention in self.index.mentions(sentence.folded):
                side = self.side(mention.actor.id)
                if self.index.actors.get(side) is not None and self.index.actors[side].type == "state":
                    counts[side] += 1
        return [side for side, _ in counts.most_common(2)]

    @staticmethod
    def is_subject(mention: Mention, folded: str) -> bool:
        """Whether a mention can speak or act: a name, or an adjective before "officials", "forces" …"""
        return not mention.adjective or _PEOPLE.match(folded, mention.end) is not None

    # -- the sentences -----------------------------------------------------

    def run(self) -> tuple[list[DraftFact], list[tuple[int, int]]]:
        """Draft every sentence; returns the facts and the candidate sentences' spans."""
        for sentence in self.article.sentences:
            before = len(self.facts)
            cued = self._sentence(sentence)
            if cued or len(self.facts) > before:
                self.candidates.append((sentence.start, sentence.end))
        return self.facts, self.candidates

    def _sentence(self, sentence: Sentence) -> bool:
        folded = sentence.folded
        mentions = self.index.mentions(folded)
        speaker = self._speaker(folded, mentions)
        proposal = self._proposals(sentence, mentions, speaker)
        demands = self._demands(sentence, mentions, speaker, proposal)
        self._position(sentence, mentions, speaker, proposal, demands)
        self._response(sentence, mentions, speaker, demands)
        events = self.events.draft(sentence, mentions, speaker, proposal)
        self.claims.draft(sentence, mentions, speaker, proposal, events, drafted=bool(demands))
        if speaker is not None:
            self.last_speaker = speaker
            if self.index.actors[speaker].type == "person":
                self.last_person = speaker
        cues = ("demand", "accusation", "denial", "forecast", "scope", "statement", "proposal")
        return any(self.lex[name].search(folded) for name in cues) or any(
            pattern.search(folded) for table in ("position", "events") for pattern in self.lex.choices(table).values()
        )

    def _speaker(self, folded: str, mentions: list[Mention]) -> str | None:
        """Who the sentence reports as speaking (or acting): an actor id, or None."""
        according = _ACCORDING_TO.search(folded)
        for verb in self.lex["speech"].finditer(folded):
            before = [m for m in mentions if m.end <= verb.start() and self.is_subject(m, folded)]
            if before and verb.start() - before[-1].end <= 60 and '"' not in folded[before[-1].end : verb.start()]:
                return before[-1].actor.id
            after = [m for m in mentions if 0 <= m.start - verb.end() <= 3 and not m.adjective]
            if after:
                return after[0].actor.id
            if verb.start() >= 2 and folded[: verb.start()].rstrip().endswith(('"', ',"')):
                closing = [m for m in mentions if m.start > verb.end() and not m.adjective]
                if closing:
                    return closing[0].actor.id
        pronoun = _PRONOUN_SPEECH.search(folded)
        if pronoun is not None:
            return self.last_person if pronoun.group("pronoun").lower() in ("he", "she") else self.last_speaker
        if according is not None:
            after = [m for m in mentions if m.start > according.end() and not m.adjective]
            if after:
                return after[0].actor.id
        first = [m for m in mentions if m.start <= 40 and self.is_subject(m, folded)]
        return first[0].actor.id if first else None

    def sides_after(self, mentions: list[Mention], position: int, speaker: str | None) -> list[str]:
        """The sides named after ``position``, without the speaker's own, in order."""
        own = self.side(speaker) if speaker else None
        found: list[str] = []
        for mention in mentions:
            side = self.side(mention.actor.id)
            if mention.start >= position and side != own and side not in found:
                found.append(side)
        return found

    # -- proposals ---------------------------------------------------------

    def _proposals(self, sentence: Sentence, mentions: list[Mention], speaker: str | None) -> DraftFact | None:
        folded = sentence.folded
        current: DraftFact | None = None
        for match in self.lex["proposal"].finditer(folded):
            key = next(name for name, value in match.groupdict().items() if value)
            previous_word = folded[: match.start()].rstrip().rsplit(" ", 1)[-1].lower()
            if previous_word in ("ceasefire", "truce", "deal"):
                continue  # "a ceasefire deal" is the ceasefire
            if key == "agreement" and _NAMES_ANOTHER.match(folded, match.end()):
                continue  # "agreement on a full ceasefire" is the ceasefire
            fact = self.proposals.get(key)
            if (
                fact is None
                and key == "agreement"
                and self.last_proposal is not None
                and _DEFINITE.search(folded[: match.start()])
            ):
                fact = self.last_proposal  # "the deal": the one the article is about
            if fact is None:
                fact = self._new_proposal(sentence, mentions, match, key, speaker)
                self.proposals[key] = fact
            else:
                self._proposal_status(fact, folded)
                self._better_quote(fact, sentence)
            current = current or fact
        if current is None and self.lex["proposal_refs"].search(folded) and self.last_proposal is not None:
            current = self.last_proposal
        if current is not None:
            self.last_proposal = current
        return current

    def _new_proposal(
        self, sentence: Sentence, mentions: list[Mention], match: re.Match[str], key: str, speaker: str | None
    ) -> DraftFact:
        folded = sentence.folded
        head = folded[: match.start()]
        determiner = None
        for found in re.finditer(r"\b(?:a|an|the|its|their)\s", head):
            if match.start() - found.start() <= 50:
                determiner = found
                break
        start = determiner.end() if determiner else match.start()
        tail = re.match(
            r"(?:\s+(?:on|for|to|of|along|between|in)\s+[\w'.-]+(?:\s+[\w'.-]+){0,4})?", folded[match.end() :]
        )
        end = match.end() + (tail.end() if tail else 0)
        phrase = re.split(r"[,;:\"]", folded[start:end])[0].strip()
        inside = [m for m in mentions if start - 12 <= m.start and m.end <= end]
        parties = [s for s in dict.fromkeys(self.side(m.actor.id) for m in mentions) if self._is_state(s)]
        proposed_by = [self.side(m.actor.id) for m in inside][:1]
        if not proposed_by and re.search(r"\bpropos", folded, re.IGNORECASE) and speaker:
            proposed_by = [self.side(speaker)]
        data: dict[str, Any] = {
            "id": self.ids.make(slug(first_words(phrase, 7))),
            "reviewed": False,
            "name": sentence_text(phrase).rstrip("."),
            "type": key,
        }
        if proposed_by:
            data["proposed_by"] = proposed_by
        others = [p for p in parties if p not in proposed_by]
        data["parties"] = others if len(others) >= 2 else list(self.main_states)
        if not data["parties"]:
            del data["parties"]
        duration = re.search(r"\b(\d+)-(day|hour)\b", phrase)
        if duration:
            number = int(duration.group(1))
            days = number if duration.group(2) == "day" else number // 24 if number % 24 == 0 else 0
            if days:
                data["duration_days"] = days
        fact = self.add("proposals", data, sentence)
        self._proposal_status(fact, folded)
        return fact

    def _better_quote(self, fact: DraftFact, sentence: Sentence) -> None:
        """Quote the sentence that presents a proposal ("a plan, put forward …") rather than one that only names it."""
        if _PRESENTS.search(sentence.folded) and not _PRESENTS.search(fact.data["quote"].translate(_PLAIN)):
            fact.start, fact.end = sentence.start, sentence.end
            fact.data["quote"] = sentence.text

    def _is_state(self, actor_id: str) -> bool:
        actor = self.index.actors.get(actor_id)
        return actor is not None and actor.type == "state"

    def _proposal_status(self, fact: DraftFact, folded: str) -> None:
        if "status" in fact.data and fact.data["status"] != "proposed":
            return
        status = next((name for name, cue in self.lex.choices("proposal_status").items() if cue.search(folded)), None)
        fact.data["status"] = status or fact.data.get("status", "proposed")
        fact.data["quote"] = fact.data.pop("quote")  # the quote stays last

    # -- demands, positions, responses ------------------------------------

    def _demands(
        self, sentence: Sentence, mentions: list[Mention], speaker: str | None, proposal: DraftFact | None
    ) -> list[DraftFact]:
        folded = sentence.folded
        cues = list(self.lex["demand"].finditer(folded))
        if not cues or speaker is None:
            return []
        splits = [m.start() for m in self.lex["demand_split"].finditer(folded)]
        if splits:
            bounds = [(cues[0].start(), splits[0])] + [
                (at, splits[i + 1] if i + 1 < len(splits) else len(folded)) for i, at in enumerate(splits)
            ]
        else:
            bounds = [(0, len(folded))]
        drafted = []
        for start, end in bounds:
            clause = folded[start:end]
            cue = self.lex["demand"].search(folded, start) if splits else cues[0]
            text_start = cue.end() if cue is not None and cue.start() < end else start
            text = folded[text_start:end]
            if len(text.split()) < 3:
                text = clause
            by = speaker
            if cue is not None and _NOUN_DEMAND.match(cue.group()):
                # "Halvoria's demand to reopen the port", "the Union call for a withdrawal": whose demand it is.
                owner = [m for m in mentions if 0 <= cue.start() - m.end <= 2]
                if owner:
                    by = owner[-1].actor.id
            data: dict[str, Any] = {
                "id": "",
                "reviewed": False,
                "by": by,
            }
            of = self.sides_after(mentions, text_start, by)[:2]
            if of:
                data["of"] = of
            data["text"] = sentence_text(re.sub(r"\s+", " ", text))
            data["id"] = self.ids.make(
                by, "demands", slug(first_words(re.sub(r"^(?:that|the|a|an) ", "", text.strip()), 5))
            )
            if proposal is not None and (_CONDITION.search(folded) or "condition" in folded):
                data["precondition_for"] = [proposal.id]  # a condition set for the proposal the sentence names
            status = "withdrawn" if _WITHDRAWN.search(folded) else "met" if _MET.search(folded) else "open"
            data["status"] = status
            span = None if not splits else (start + (2 if folded[start] == "," else 0), end)
            drafted.append(self.add("demands", data, sentence, span))
        return drafted

    def _position(
        self,
        sentence: Sentence,
        mentions: list[Mention],
        speaker: str | None,
        proposal: DraftFact | None,
        demands: list[DraftFact],
    ) -> None:
        folded = sentence.folded
        if proposal is None or speaker is None:
            return
        stances = self.lex.choices("position")
        order = ("conditionally-accepts", "rejects", "accepts", "supports")
        stance = next((name for name in order if stances[name].search(folded)), None)
        if stance is None:
            return
        cue = stances[stance].search(folded)
        assert cue is not None
        response_object = self.lex["response_object"].search(folded, cue.start())
        if (
            response_object is not None
            and response_object.start() - cue.end() < 30
            and not self.lex["proposal"].search(folded[cue.end() : response_object.start()])
        ):
            return  # a response to a demand, not a position on a proposal
        if self.lex["denial"].search(folded) or self.lex["accusation"].search(folded[: cue.start()]):
            return  # "rejected the charge": a denial
        actor = speaker
        according = _ACCORDING_TO.search(folded)
        data: dict[str, Any] = {"id": "", "reviewed": False, "actor": actor, "proposal": proposal.id, "stance": stance}
        if according is not None:
            subjects = [m for m in mentions if m.end <= cue.start() and self.is_subject(m, folded)]
            if subjects and subjects[0].actor.id != speaker:
                data["actor"] = subjects[0].actor.id
                data["according_to"] = [speaker]
        else:
            actor, according_to = self._attributed(folded, mentions, cue.start(), speaker)
            if according_to:
                data["actor"], data["according_to"] = actor, according_to
        actor = data["actor"]
        both = _BOTH.search(folded[: cue.start()])
        if both is not None and self.main_states:
            for state in self.main_states:
                each = (
                    {**data, "actor": state, "according_to": [speaker]}
                    if speaker != state
                    else {**data, "actor": state}
                )
                each["id"] = self.ids.make(state, stance, proposal.id, day=self.day)
                self.add("positions", each, sentence)
            return
        data["id"] = self.ids.make(data["actor"], stance, proposal.id, day=self.day)
        own = [fact.id for fact in demands if fact.data["by"] == actor]
        if stance == "conditionally-accepts" and own:
            data["conditions"] = own
        self.add("positions", data, sentence)

    def _attributed(self, folded: str, mentions: list[Mention], cue: int, speaker: str) -> tuple[str, list[str]]:
        """Whose stance a cue gives, and on whose account.

        "Ostland backs the request, Caldoran officials said": the subject before the
        cue holds the stance, known from the speaker named after it.
        """
        spoken = [m for m in mentions if m.actor.id == speaker]
        subjects = [m for m in mentions if m.end <= cue and self.is_subject(m, folded)]
        if spoken and subjects and all(m.start > cue for m in spoken):
            subject = subjects[-1].actor.id
            if self.side(subject) != self.side(speaker):
                return subject, [speaker]
        return speaker, []

    def _response(
        self, sentence: Sentence, mentions: list[Mention], speaker: str | None, demands: list[DraftFact]
    ) -> None:
        folded = sentence.folded
        if speaker is None:
            return
        if not self.lex["response_object"].search(folded) and not any(
            len(_content_words(folded) & _content_words(fact.data["text"])) >= 2
            for fact in self.facts
            if fact.section == "demands" and fact not in demands
        ):
            return
        stances = self.lex.choices("response")
        stance = next(
            (
                name
                for name in ("conditionally-accepts", "considers", "rejects", "accepts")
                if stances[name].search(folded)
            ),
            None,
        )
        if stance is None:
            return
        cue = stances[stance].search(folded)
        assert cue is not None
        actor, according_to = self._attributed(folded, mentions, cue.start(), speaker)
        own_side = self.side(actor)
        others = [fact for fact in self.facts if fact.section == "demands" and self.side(fact.data["by"]) != own_side]
        if not others:
            return
        words = _content_words(folded)
        here = [fact for fact in others if fact in demands]
        overlapping = [fact for fact in others if len(words & _content_words(fact.data["text"])) >= 2]
        demand = (here or overlapping or others)[-1]
        data: dict[str, Any] = {
            "id": self.ids.make(actor, stance, demand.id, day=self.day),
            "reviewed": False,
            "actor": actor,
            "demand": demand.id,
            "stance": stance,
        }
        if according_to:
            data["according_to"] = according_to
        own = [fact.id for fact in demands if fact.data["by"] == actor]
        if stance == "conditionally-accepts" and own:
            data["conditions"] = own
        self.add("responses", data, sentence)
