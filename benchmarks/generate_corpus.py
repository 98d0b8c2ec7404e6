"""Generate a deterministic, realistic corpus of article-fact files for benchmarks.

The corpus follows several FICTIONAL ceasefire negotiations over time. Each
negotiation has its own actor registry (two warring states with their leaders,
ministers, negotiators, ministries, railway and grid operators; a mediating
state and its envoy; shared international organisations and an alliance), and
articles that report, day after day:

* proposals (ceasefires, truces, agreements) with built-in and custom scopes,
  whose status moves from proposed to agreed, in force, lapsed or collapsed;
* demands set as preconditions, re-declared with identical text in later
  articles while their status changes (open, met, withdrawn);
* positions of the parties that change over time, each new one superseding
  the previous one, possibly declared in an earlier file;
* claims: (mostly mutual) violation accusations with the strikes and attacks
  they are about, denials, diverging scope interpretations, forecasts and
  statements;
* events: calls, talks planned and later held, strikes, attacks, prisoner
  exchanges with counts, aid suspensions, ceasefire declarations.

Every fact carries a quote, and each article has its full text in
``<article id>.txt`` beside its YAML file, composed of sentences that contain
the quotes verbatim (direct speech uses typographic quote marks in the text
and straight ones in the YAML, which the checks treat as equal). The files
pass ``ckg validate``.

The same seed and size always give byte-identical files. The size is given in
triples as ``ckg load`` counts them (the sum over the named graphs of the
registries and articles); the generator counts the triples each file will
produce and stops once the target is reached.

Layout of a generated corpus::

    OUT/corpus.json                          manifest (seed, size, files)
    OUT/<negotiation>/actors.yaml            the negotiation's actor registry
    OUT/<negotiation>/articles/<id>.yaml     one article's facts
    OUT/<negotiation>/articles/<id>.txt      its full text

Library use::

    from generate_corpus import generate_corpus, generate_new_article
    corpus = generate_corpus(out_dir, target_triples=100_000, seed=1)
    extra = generate_new_article(out_dir, index=0)   # one more, later article

Command line::

    python benchmarks/generate_corpus.py --triples 1000000 --seed 1 --out DIR
    python benchmarks/generate_corpus.py --new-article --index 0 --out DIR

All names, places and events are invented. No text is taken from elsewhere.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import shutil
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

#: Bump when the output for a given seed and size changes.
GENERATOR_VERSION = 1
MANIFEST = "corpus.json"
START_DATE = date(2023, 1, 9)

# --- name pools (all invented) ---------------------------------------------------

_STATE_NAMES = (
    "Arvenia",
    "Dostria",
    "Kelmaria",
    "Orrinia",
    "Valdara",
    "Ishkaria",
    "Tesmaria",
    "Bruvania",
    "Lorekhia",
    "Sanvaya",
    "Quessia",
    "Zentoria",
    "Palluria",
    "Ostravia",
    "Merovia",
    "Galdonia",
    "Teveria",
    "Korvathia",
    "Lunesia",
    "Eskaria",
    "Nordavia",
    "Hesperia",
    "Vardonia",
    "Caldria",
)
_MEDIATOR_NAMES = ("Solmera", "Marvessa", "Halvenia", "Corvessa", "Aurandia", "Tiberra")
_FIRST_NAMES = (
    "Teodor",
    "Mirela",
    "Anton",
    "Ilse",
    "Kasimir",
    "Dorota",
    "Emil",
    "Vesna",
    "Lukas",
    "Rada",
    "Stefan",
    "Ivana",
    "Marek",
    "Helga",
    "Pavel",
    "Yara",
    "Oskar",
    "Lena",
    "Bogdan",
    "Nadia",
    "Viktor",
    "Sabine",
    "Goran",
    "Elin",
    "Rafael",
    "Tamsin",
    "Jurek",
    "Alma",
    "Dario",
    "Katrin",
    "Milos",
    "Selma",
    "Ruben",
    "Zora",
    "Felix",
    "Agnes",
    "Nikolai",
    "Petra",
    "Arvid",
    "Ines",
    "Tobias",
    "Mira",
    "Leon",
    "Greta",
    "Henrik",
    "Vera",
    "Oren",
    "Liesel",
)
_LAST_NAMES = (
    "Valen",
    "Korvath",
    "Draven",
    "Istrel",
    "Malkor",
    "Tessing",
    "Orlow",
    "Brenik",
    "Castellan",
    "Dumora",
    "Estrava",
    "Fenwick",
    "Galanis",
    "Harrow",
    "Ilvane",
    "Jarosz",
    "Kestrel",
    "Lorand",
    "Mirov",
    "Navarre",
    "Pelaro",
    "Quill",
    "Rostova",
    "Savard",
    "Tarnow",
    "Ulmar",
    "Varga",
    "Wendt",
    "Yarrow",
    "Zelinka",
    "Abernay",
    "Belcourt",
    "Corwin",
    "Dalmar",
    "Everly",
    "Grellan",
    "Holloway",
    "Ingram",
    "Karev",
    "Lindqvist",
    "Maddox",
    "Norcross",
    "Ostrander",
    "Prescott",
    "Renner",
    "Thorne",
    "Underhill",
    "Whitlock",
    "Amsel",
    "Brodsky",
    "Caravel",
    "Delmont",
    "Eskel",
    "Farrant",
    "Gorsky",
    "Hallam",
    "Iversen",
    "Kovach",
)
_PLACE_HEADS = (
    "Vel",
    "Kor",
    "Mar",
    "Tes",
    "Bran",
    "Ost",
    "Lun",
    "Sar",
    "Dur",
    "Hal",
    "Ilm",
    "Ves",
    "Zar",
    "Pol",
    "Gran",
    "Tor",
    "Nev",
    "Rud",
    "Sol",
    "Kam",
    "Bel",
    "Dra",
    "Fen",
    "Gor",
    "Kel",
    "Lor",
    "Mor",
    "Pet",
)
_PLACE_TAILS = ("ka", "ovo", "ets", "ara", "heim", "mar", "ora", "in", "ava", "os", "enne", "dor", "ich", "avsk", "ost")
_SEAS = (
    "Varn Sea",
    "Ostral Sea",
    "Tessarine Sea",
    "Gulf of Kell",
    "Morrow Sound",
    "Bay of Lune",
    "Dravic Sea",
    "Sea of Orm",
)
_HOLIDAYS = ("Midwinter", "Harvest Festival", "Founders' Day", "New Year", "Spring Equinox", "Remembrance Day")
_OUTLETS = (
    "Northern Ledger",
    "Capital Wire",
    "Daily Meridian",
    "The Frontline Review",
    "Harbor Post",
    "Continental Times",
    "Evening Dispatch",
    "Regional Observer",
)
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_NUMBER_WORDS = {
    1: "one",
    2: "two",
    3: "three",
    4: "four",
    5: "five",
    6: "six",
    7: "seven",
    8: "eight",
    9: "nine",
    10: "ten",
}


def slug(text: str) -> str:
    """A lowercase id from a name: 'Founders' Day' -> 'founders-day'."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower().replace("'", "")).strip("-")


def demonym(name: str) -> str:
    """An adjective for an invented state name."""
    if name.endswith("a"):
        return name + "n"
    return name + "ian"


def iso(day: date) -> str:
    return day.isoformat()


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def a_or_an(word: str) -> str:
    return ("an " if word[:1].lower() in "aeiou" else "a ") + word


_SMALL_WORDS = {"a", "an", "the", "of", "on", "in", "for", "to", "and", "over", "with", "as", "at", "by"}


def title_case(text: str) -> str:
    words = text.split(" ")
    return " ".join(w if (i and w in _SMALL_WORDS) else cap(w) for i, w in enumerate(words))


def count_words(n: int) -> str:
    return _NUMBER_WORDS.get(n, str(n))


def since_day(day: date, published: date) -> str:
    """'Saturday' within the last week, else '3 May'."""
    if 0 <= (published - day).days < 7:
        return _WEEKDAYS[day.weekday()]
    return f"{day.day} {day.strftime('%B')}"


def on_day(day: date, published: date) -> str:
    """'on Tuesday' for a day in the week before publication, else 'on 3 May'."""
    delta = (published - day).days
    if delta == 0:
        return "on " + _WEEKDAYS[day.weekday()]
    if 0 < delta < 7:
        return "on " + _WEEKDAYS[day.weekday()]
    if -7 < delta < 0:
        return "next " + _WEEKDAYS[day.weekday()]
    return f"on {day.day} {day.strftime('%B')}"


# --- the world -------------------------------------------------------------------


@dataclass
class Actor:
    """An actor as it is declared (identically) in every file that declares it."""

    id: str
    name: str
    type: str
    role: str | None = None
    represents: str | None = None
    member_of: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    #: How the text refers to it (first alias if any, else the name).
    short: str = ""

    def __post_init__(self) -> None:
        if not self.short:
            self.short = self.name

    def to_yaml(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "name": self.name, "type": self.type}
        if self.role:
            data["role"] = self.role
        if self.represents:
            data["represents"] = self.represents
        if self.member_of:
            data["member_of"] = list(self.member_of)
        if self.aliases:
            data["aliases"] = list(self.aliases)
        return data


@dataclass
class Side:
    """One warring party and the people and organisations that act for it."""

    state: Actor
    adjective: str
    leader: Actor
    foreign_minister: Actor
    defence_minister: Actor
    negotiator: Actor
    defence_ministry: Actor
    railway: Actor
    grid: Actor
    capital: str
    regions: list[str]
    cities: list[str]
    governors: list[Actor]  # declared in articles, not in the registry


@dataclass
class Scope:
    id: str
    label: str
    broader: str
    definition: str

    def to_yaml(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "broader": self.broader, "definition": self.definition}


@dataclass
class Proposal:
    id: str
    name: str
    short: str  # how sentences refer to it: "the 30-day ceasefire"
    type: str
    kind: str
    proposed_by: list[str]
    parties: list[str]
    mediators: list[str]
    scope: list[str]
    custom_scopes: list[Scope]
    proposed_on: date
    duration_days: int | None = None
    conditional: bool | None = None
    form: str | None = None
    status: str = "proposed"
    declared_on: date | None = None
    effective_from: date | None = None
    ended_on: date | None = None
    #: Narrow and broad readings of its scope, for scope disputes.
    narrow_scopes: list[str] = field(default_factory=list)
    broad_scopes: list[str] = field(default_factory=list)

    @property
    def active(self) -> bool:
        return self.status in ("proposed", "agreed", "in-force")


@dataclass
class Demand:
    id: str
    by: Actor
    of: list[str]
    text: str
    speech: str  # the clause used in sentences: "that Dostria withdraw its troops from Velka"
    issue: str
    precondition_for: list[str]
    created: date
    status: str = "open"
    as_of: date | None = None


@dataclass
class Position:
    id: str
    actor: Actor
    proposal: str
    stance: str
    as_of: date
    conditions: list[str]
    supersedes: str | None = None


@dataclass
class Event:
    id: str
    type: str
    name: str
    day: date | None
    status: str
    place: str | None = None
    venue: str | None = None
    by: list[str] = field(default_factory=list)
    participants: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    mediators: list[str] = field(default_factory=list)
    concerns: list[str] = field(default_factory=list)
    prisoners: int | None = None
    fatalities: int | None = None


class IdRegistry:
    """Hands out ids that are unique per kind across the whole corpus."""

    def __init__(self) -> None:
        self.used: dict[str, set[str]] = {}

    def take(self, kind: str, wanted: str) -> str:
        used = self.used.setdefault(kind, set())
        wanted = wanted[:112].rstrip("-")  # room for a suffix within the schema's 120 characters
        candidate, n = wanted, 2
        while candidate in used:
            candidate = f"{wanted}-{n}"
            n += 1
        used.add(candidate)
        return candidate


class World:
    """All negotiations, their actors and their state as the timeline advances."""

    def __init__(self, seed: int, negotiations: int) -> None:
        self.rng = random.Random(f"ckg-world:{seed}")
        self.ids = IdRegistry()
        rng = self.rng
        names = list(_FIRST_NAMES)
        lasts = list(_LAST_NAMES)
        rng.shuffle(names)
        rng.shuffle(lasts)
        pairs = [(first, last) for first in names for last in lasts]
        rng.shuffle(pairs)
        self._people = iter(pairs)
        self._places = self._place_names()
        states = list(_STATE_NAMES)
        rng.shuffle(states)
        count = min(negotiations, len(states) // 2)
        # Shared actors: every registry that lists them declares them identically.
        self.concord = Actor(
            "concord-of-nations",
            "Concord of Nations",
            "organization",
            role="intergovernmental organisation",
            aliases=("the Concord", "CoN"),
            short="the Concord of Nations",
        )
        first, last = self.person_name()
        self.concord_head = Actor(
            self.ids.take("actor", slug(f"{first} {last}")),
            f"{first} {last}",
            "person",
            role="Secretary-General of the Concord of Nations",
            represents="concord-of-nations",
            aliases=(f"Secretary-General {last}", last),
            short=f"Concord Secretary-General {first} {last}",
        )
        self.relief = Actor(
            "international-relief-committee",
            "International Relief Committee",
            "organization",
            role="humanitarian organisation",
            aliases=("the IRC", "the Relief Committee"),
            short="the International Relief Committee",
        )
        self.alliance = Actor(
            "northern-compact",
            "Northern Compact",
            "alliance",
            role="defence alliance",
            aliases=("the Compact",),
            short="the Northern Compact",
        )
        self.ids.used.setdefault("actor", set()).update(
            {"concord-of-nations", "international-relief-committee", "northern-compact"}
        )
        self.mediators: list[tuple[Actor, Actor, str]] = []
        for name in _MEDIATOR_NAMES:
            capital = next(self._places)
            state = Actor(
                self.ids.take("actor", slug(name)),
                name,
                "state",
                member_of=("northern-compact",),
                aliases=(capital, f"the {demonym(name)} government"),
            )
            first, last = self.person_name()
            head = Actor(
                self.ids.take("actor", slug(f"{first} {last}")),
                f"{first} {last}",
                "person",
                role=f"President of {name}",
                represents=state.id,
                aliases=(f"President {last}", last),
                short=f"{demonym(name)} President {first} {last}",
            )
            self.mediators.append((state, head, capital))
        self.negotiations = [Negotiation(self, states[2 * i], states[2 * i + 1], i) for i in range(count)]

    def person_name(self) -> tuple[str, str]:
        return next(self._people)

    def place(self) -> str:
        return next(self._places)

    def _place_names(self) -> Iterator[str]:
        names = [head + tail for head in _PLACE_HEADS for tail in _PLACE_TAILS]
        self.rng.shuffle(names)
        return iter(names)


_KINDS = (
    "ceasefire",
    "energy-truce",
    "critical-truce",
    "rail-truce",
    "maritime",
    "humanitarian-pause",
    "local-ceasefire",
    "holiday-truce",
    "prisoner-deal",
    "framework",
)


class Negotiation:
    """One conflict's actors and the state of its talks."""

    def __init__(self, world: World, a_name: str, b_name: str, index: int) -> None:
        self.world = world
        self.index = index
        self.sides = [self._side(a_name), self._side(b_name)]
        a, b = self.sides
        self.slug = f"{a.state.id}-{b.state.id}"
        self.name = f"{a.state.name}-{b.state.name} war"
        self.mediator, self.mediator_head, self.venue_city = world.mediators[index % len(world.mediators)]
        first, last = world.person_name()
        self.envoy = Actor(
            world.ids.take("actor", slug(f"{first} {last}")),
            f"{first} {last}",
            "person",
            role=f"special envoy of {self.mediator.name} for the {a.state.name}-{b.state.name} talks",
            represents=self.mediator.id,
            aliases=(f"envoy {first} {last}", last),
            short=f"{demonym(self.mediator.name)} envoy {first} {last}",
        )
        #: A backer of side a, member of the alliance with the mediator.
        self.backer = world.mediators[(index + 1) % len(world.mediators)][0]
        self._registry: list[Actor] | None = None
        self.proposals: list[Proposal] = []
        self.demands: list[Demand] = []
        self.positions: dict[tuple[str, str], Position] = {}
        self.planned: list[Event] = []
        self.kind_count: dict[str, int] = {}
        self.articles = 0

    def _side(self, name: str) -> Side:
        world = self.world
        adjective = demonym(name)
        state_id = world.ids.take("actor", slug(name))
        capital = world.place()
        regions = [world.place() for _ in range(4)]
        cities = [world.place() for _ in range(4)]

        def person(role: str, title: str) -> Actor:
            first, last = world.person_name()
            return Actor(
                world.ids.take("actor", slug(f"{first} {last}")),
                f"{first} {last}",
                "person",
                role=role,
                represents=state_id,
                aliases=(f"{title} {last}", last),
                short=f"{adjective} {title} {first} {last}",
            )

        state = Actor(state_id, name, "state", aliases=(capital, f"the {adjective} government", f"Republic of {name}"))
        leader = person(f"President of {name}", "President")
        foreign = person(f"Foreign Minister of {name}", "Foreign Minister")
        defence = person(f"Defence Minister of {name}", "Defence Minister")
        negotiator = person(f"chief negotiator of {name}", "chief negotiator")
        ministry = Actor(
            world.ids.take("actor", f"{state_id}-defence-ministry"),
            f"Ministry of Defence of {name}",
            "organization",
            role="government ministry",
            represents=state_id,
            aliases=(f"{name}'s defence ministry", f"the {adjective} defence ministry"),
            short=f"{name}'s defence ministry",
        )
        railway = Actor(
            world.ids.take("actor", f"{state_id}-railways"),
            f"{adjective} Railways",
            "organization",
            role="state-owned national railway operator",
            represents=state_id,
            aliases=(f"{name}'s national railway",),
            short=f"{name}'s national railway operator",
        )
        grid = Actor(
            world.ids.take("actor", f"{state_id}-grid"),
            f"{adjective} Grid Company",
            "organization",
            role="national electricity transmission operator",
            represents=state_id,
            aliases=(f"{name}'s grid operator",),
            short=f"{name}'s grid operator",
        )
        governors = []
        for region in regions:
            first, last = world.person_name()
            governors.append(
                Actor(
                    world.ids.take("actor", slug(f"{first} {last}")),
                    f"{first} {last}",
                    "person",
                    role=f"Governor of the {region} region",
                    represents=state_id,
                    aliases=(f"Governor {last}",),
                    short=f"{region} regional governor {first} {last}",
                )
            )
        return Side(
            state,
            adjective,
            leader,
            foreign,
            defence,
            negotiator,
            ministry,
            railway,
            grid,
            capital,
            regions,
            cities,
            governors,
        )

    def registry_actors(self) -> list[Actor]:
        if self._registry is not None:
            return self._registry
        w = self.world
        actors: list[Actor] = []
        for side in self.sides:
            actors += [
                side.state,
                side.leader,
                side.foreign_minister,
                side.defence_minister,
                side.negotiator,
                side.defence_ministry,
                side.railway,
                side.grid,
            ]
        mediator_states = [self.mediator] + ([self.backer] if self.backer.id != self.mediator.id else [])
        heads = [head for state, head, _ in w.mediators if state in mediator_states]
        actors += mediator_states + heads + [self.envoy, w.alliance, w.concord, w.concord_head, w.relief]
        self._registry = actors
        return actors

    def principals(self) -> list[Actor]:
        a, b = self.sides
        return [a.leader, b.leader, a.state, b.state, a.negotiator, b.negotiator, self.mediator]

    def active_proposals(self) -> list[Proposal]:
        return [p for p in self.proposals if p.active]


# --- one article being written -------------------------------------------------------


class Draft:
    """Facts and sentences of one article; facts are snapshotted when it is finished."""

    def __init__(self, neg: Negotiation, published: date, rng: random.Random) -> None:
        self.neg = neg
        self.published = published
        self.rng = rng
        self.lead: list[str] = []  # sentences of the developments
        self.background: list[str] = []  # sentences of the context
        self.quotes: dict[tuple[str, str], str] = {}  # (section, id) -> quote
        self.order: dict[str, list[Any]] = {
            s: [] for s in ("actors", "scopes", "proposals", "demands", "positions", "claims", "events")
        }
        self.claims: list[dict[str, Any]] = []
        self.headline = ""
        self.topic = ""

    # -- sentences -----------------------------------------------------------

    def say(self, before: str, quote: str, after: str = ".", *, background: bool = False) -> str:
        sentence = cap(before + quote + after) if before else quote + after
        (self.background if background else self.lead).append(sentence)
        return quote

    def speech(self, speaker: Actor, words: str, after: str = "") -> str:
        """Direct speech: typographic marks in the text; the quote keeps straight ones."""
        verb = self.rng.choice(("said", "told reporters", "said in a statement", "wrote on social media"))
        who = speaker.short if speaker.type == "person" else f"a spokesperson for {speaker.short}"
        sentence = f"\u201c{words},\u201d {who} {verb}{after}."
        self.lead.append(sentence)
        return f'"{words}," {who} {verb}'

    # -- declaring facts -------------------------------------------------------

    def has(self, section: str, fact_id: str) -> bool:
        return (section, fact_id) in self.quotes

    def _declare(self, section: str, thing: Any, quote: str) -> None:
        key = (section, thing.id)
        if key in self.quotes:
            return
        self.quotes[key] = quote
        self.order[section].append(thing)

    def actor(self, actor: Actor) -> None:
        """Declare an actor that is not in the registry (a regional governor)."""
        if all(a.id != actor.id for a in self.order["actors"]):
            self.order["actors"].append(actor)

    def scope(self, scope: Scope) -> None:
        if all(s.id != scope.id for s in self.order["scopes"]):
            self.order["scopes"].append(scope)

    def proposal(self, proposal: Proposal, quote: str | None = None) -> None:
        if self.has("proposals", proposal.id):
            return
        if quote is None:
            quote = self._proposal_context(proposal)
        for scope in proposal.custom_scopes:
            self.scope(scope)
        self._declare("proposals", proposal, quote)

    def _proposal_context(self, p: Proposal) -> str:
        proposer = self._name(p.proposed_by[0]) if p.proposed_by else "the mediators"
        status = {
            "proposed": self.rng.choice(
                ("remains on the table", "is still under discussion", "has yet to be accepted by both sides")
            ),
            "agreed": self.rng.choice(("was agreed by both sides", "has been agreed but is not yet in force")),
            "in-force": self.rng.choice(
                (
                    "has been in force since "
                    + (since_day(p.effective_from, self.published) if p.effective_from else "it was declared"),
                    "is formally in force",
                )
            ),
            "lapsed": "has since lapsed",
            "collapsed": "has since collapsed",
        }[p.status]
        quote = f"{p.short}, first put forward by {proposer}, {status}"
        return self.say("", cap(quote), ".", background=True)

    def demand(self, demand: Demand, quote: str | None = None) -> None:
        if self.has("demands", demand.id):
            return
        for proposal_id in demand.precondition_for:
            self.proposal(self._proposal(proposal_id))
        if quote is None:
            status = {"open": "still insists", "met": "had insisted", "withdrawn": "had at one point insisted"}[
                demand.status
            ]
            quote = self.say(f"{demand.by.short} ", f"{status} {demand.speech}", background=True)
        self._declare("demands", demand, quote)

    def position(self, position: Position, quote: str) -> None:
        if self.has("positions", position.id):
            return
        self.proposal(self._proposal(position.proposal))
        for demand_id in position.conditions:
            self.demand(self._demand(demand_id))
        self._declare("positions", position, quote)

    def event(self, event: Event, quote: str) -> None:
        if self.has("events", event.id):
            return
        for proposal_id in event.concerns:
            self.proposal(self._proposal(proposal_id))
        self._declare("events", event, quote)

    def claim(self, claim: dict[str, Any], quote: str) -> dict[str, Any]:
        claim["quote"] = quote
        if "proposal" in claim:
            self.proposal(self._proposal(claim["proposal"]))
        self.claims.append(claim)
        return claim

    def new_claim_id(self, wanted: str) -> str:
        return self.neg.world.ids.take("claim", wanted)

    def _proposal(self, proposal_id: str) -> Proposal:
        return next(p for p in self.neg.proposals if p.id == proposal_id)

    def _demand(self, demand_id: str) -> Demand:
        return next(d for d in self.neg.demands if d.id == demand_id)

    def _name(self, actor_id: str) -> str:
        for actor in self.neg.registry_actors():
            if actor.id == actor_id:
                return actor.short
        return actor_id

    # -- snapshot ------------------------------------------------------------

    def facts(self) -> dict[str, list[dict[str, Any]]]:
        rng = self.rng
        out: dict[str, list[dict[str, Any]]] = {}
        out["actors"] = [a.to_yaml() for a in self.order["actors"]]
        out["scopes"] = [s.to_yaml() for s in self.order["scopes"]]
        proposals = []
        for p in self.order["proposals"]:
            first = p.proposed_on == self.published
            data: dict[str, Any] = {"id": p.id, "name": p.name, "type": p.type}
            if p.proposed_by and (first or rng.random() < 0.5):
                data["proposed_by"] = p.proposed_by
            data["parties"] = p.parties
            if p.mediators and (first or rng.random() < 0.6):
                data["mediators"] = p.mediators
            if first or rng.random() < 0.7:
                data["scope"] = p.scope
            data["status"] = p.status
            if first or rng.random() < 0.5:
                data["proposed_on"] = iso(p.proposed_on)
            for name in ("declared_on", "effective_from", "ended_on"):
                value = getattr(p, name)
                if value is not None:
                    data[name] = iso(value)
            if p.duration_days is not None:
                data["duration_days"] = p.duration_days
            if p.conditional is not None and (first or rng.random() < 0.5):
                data["conditional"] = p.conditional
            if p.form is not None:
                data["form"] = p.form
            data["quote"] = self.quotes[("proposals", p.id)]
            proposals.append(data)
        out["proposals"] = proposals
        demands = []
        for d in self.order["demands"]:
            data = {
                "id": d.id,
                "by": d.by.id,
                "of": d.of,
                "text": d.text,
                "issue": d.issue,
                "precondition_for": d.precondition_for,
                "status": d.status,
            }
            if d.as_of is not None:
                data["as_of"] = iso(d.as_of)
            data["quote"] = self.quotes[("demands", d.id)]
            demands.append(data)
        out["demands"] = demands
        positions = []
        for pos in self.order["positions"]:
            data = {
                "id": pos.id,
                "actor": pos.actor.id,
                "proposal": pos.proposal,
                "stance": pos.stance,
                "as_of": iso(pos.as_of),
            }
            if pos.conditions:
                data["conditions"] = pos.conditions
            if pos.supersedes:
                data["supersedes"] = pos.supersedes
            data["quote"] = self.quotes[("positions", pos.id)]
            positions.append(data)
        out["positions"] = positions
        out["claims"] = self.claims
        events = []
        for e in self.order["events"]:
            data = {"id": e.id, "type": e.type, "name": e.name}
            if e.day is not None:
                data["date"] = iso(e.day)
            data["status"] = e.status
            for name in ("place", "venue"):
                if getattr(e, name):
                    data[name] = getattr(e, name)
            for name in ("by", "participants", "targets", "mediators", "concerns"):
                if getattr(e, name):
                    data[name] = getattr(e, name)
            if e.prisoners is not None:
                data["prisoners"] = e.prisoners
            if e.fatalities is not None:
                data["fatalities"] = e.fatalities
            data["description"] = self._event_description(e)
            data["quote"] = self.quotes[("events", e.id)]
            events.append(data)
        out["events"] = events
        return {k: v for k, v in out.items() if v}

    def _event_description(self, e: Event) -> str:
        if e.status == "planned":
            return f"Announced as planned; as of {iso(self.published)} it had not yet taken place."
        if e.type == "prisoner-exchange":
            return f"{e.prisoners} prisoners in total, {e.prisoners // 2} from each side."
        if e.fatalities is not None:
            return f"Reported {e.fatalities} killed; damage was still being assessed as of {iso(self.published)}."
        return f"Reported as held as of {iso(self.published)}."


# --- what happens: the moves of the story ------------------------------------------------


class Story:
    """Advance one negotiation by one article: pick developments and write them."""

    def __init__(self, draft: Draft) -> None:
        self.d = draft
        self.neg = draft.neg
        self.rng = draft.rng
        self.today = draft.published
        self.world = draft.neg.world

    # -- helpers ---------------------------------------------------------------

    def pick(self, items: list[Any]) -> Any:
        return self.rng.choice(items)

    def day_before(self, max_days: int = 2) -> date:
        return self.today - timedelta(days=self.rng.randint(0, max_days))

    def new_id(self, kind: str, wanted: str) -> str:
        return self.world.ids.take(kind, wanted)

    def event_statement(
        self, claim_id: str, by: str, text: str, event: Event, quote: str, proposal: str | None = None
    ) -> None:
        """A statement made today about ``event`` (and ``proposal``, when given)."""
        claim: dict[str, Any] = {"id": claim_id, "type": "statement", "by": by, "date": iso(self.today), "text": text}
        if proposal is not None:
            claim["proposal"] = proposal
        claim["events"] = [event.id]  # last, as the fact files list it
        self.d.claim(claim, quote)

    def side_of(self, actor: Actor) -> int | None:
        for index, side in enumerate(self.neg.sides):
            if actor.id == side.state.id or actor.represents == side.state.id:
                return index
        return None

    def set_position(
        self, actor: Actor, proposal: Proposal, stance: str, conditions: list[str], quote: str
    ) -> Position:
        """A new position of ``actor`` on ``proposal``, superseding the current one."""
        previous = self.neg.positions.get((actor.id, proposal.id))
        verb = {
            "accepts": "accepts",
            "conditionally-accepts": "conditionally-accepts",
            "supports": "supports",
            "rejects": "rejects",
            "ambiguous": "is-ambiguous-on",
        }[stance]
        pos = Position(
            self.new_id("position", f"{actor.id}-{verb}-{proposal.id}"),
            actor,
            proposal.id,
            stance,
            self.today,
            list(conditions),
            previous.id if previous else None,
        )
        self.neg.positions[(actor.id, proposal.id)] = pos
        if previous is not None and self.rng.random() < 0.35 and not self.d.has("positions", previous.id):
            # Re-declare the superseded position as the article recalls it (same as_of and label).
            was = {
                "accepts": "had accepted",
                "conditionally-accepts": "had conditionally accepted",
                "supports": "had backed",
                "rejects": "had rejected",
                "ambiguous": "had been noncommittal on",
            }[previous.stance]
            recall = self.d.say(
                f"{actor.short} ", f"{was} {proposal.short} {on_day(previous.as_of, self.today)}", background=True
            )
            self.d.position(previous, recall)
        self.d.position(pos, quote)
        return pos

    def demand_for(self, actor: Actor, proposal: Proposal) -> Demand:
        """A new demand of ``actor`` set as a precondition for ``proposal``."""
        side = self.side_of(actor)
        mine = self.neg.sides[side if side is not None else 0]
        other = self.neg.sides[1 - (side if side is not None else 0)]
        region = self.pick(other.regions + mine.regions)
        options = [
            (
                "troop-withdrawal",
                f"{other.state.name} must withdraw its troops from the {region} region.",
                f"that {other.state.name} withdraw its troops from the {region} region",
            ),
            (
                "foreign-military-aid",
                f"Foreign military aid to {other.state.name} must be frozen.",
                f"that foreign military aid to {other.state.name} be frozen",
            ),
            (
                "rearmament",
                f"{other.state.name} must not use a pause in the fighting to rearm.",
                f"that {other.state.name} not use any pause to rearm",
            ),
            (
                "mobilization",
                f"{other.state.name} must halt its military mobilisation.",
                f"that {other.state.name} halt its military mobilisation",
            ),
            (
                "prisoner-release",
                f"All detained {mine.adjective} civilians must be released first.",
                f"that all detained {mine.adjective} civilians be released first",
            ),
            (
                "monitoring-mission",
                f"An international monitoring mission must be deployed along the {region} front.",
                f"that an international monitoring mission be deployed along the {region} front",
            ),
            (
                "buffer-zone",
                f"A demilitarised buffer zone must be created around {region}.",
                f"that a demilitarised buffer zone be created around {region}",
            ),
            (
                "sanctions-relief",
                f"Sanctions on {mine.state.name}'s banks must be lifted.",
                f"that sanctions on {mine.state.name}'s banks be lifted",
            ),
            (
                "port-access",
                f"{mine.adjective} ships must have free access to the port of {other.cities[0]}.",
                f"that {mine.adjective} ships be given free access to the port of {other.cities[0]}",
            ),
            (
                "elections",
                f"Elections must be held in the {region} region under international supervision.",
                f"that elections be held in the {region} region under international supervision",
            ),
        ]
        issue, text, speech = self.pick(options)
        demand = Demand(
            self.new_id("demand", f"{actor.id}-demands-{issue}"),
            actor,
            [other.state.id],
            text,
            speech,
            issue,
            [proposal.id],
            self.today,
        )
        self.neg.demands.append(demand)
        return demand

    def open_demands(self, actor: Actor, proposal: Proposal) -> list[Demand]:
        return [
            d
            for d in self.neg.demands
            if d.by.id == actor.id and proposal.id in d.precondition_for and d.status == "open"
        ]

    # -- proposals -------------------------------------------------------------

    def new_proposal(self) -> None:
        neg, rng = self.neg, self.rng
        a, b = neg.sides
        active_kinds = {p.kind for p in neg.active_proposals()}
        kinds = [k for k in _KINDS if k not in active_kinds] or list(_KINDS)
        if not neg.proposals:
            kinds = ["ceasefire", "energy-truce"]
        kind = self.pick(kinds)
        neg.kind_count[kind] = neg.kind_count.get(kind, 0) + 1
        parties = [a.state.id, b.state.id]
        mediators = [neg.mediator.id] + ([self.world.concord.id] if rng.random() < 0.3 else [])
        proposer: Actor = neg.mediator
        duration = conditional = form = None
        custom: list[Scope] = []
        narrow: list[str] = []
        broad: list[str] = []
        if kind == "ceasefire":
            duration = self.pick([14, 30, 60, 90])
            conditional = rng.random() < 0.3
            name = f"{neg.mediator.name}'s plan for {'a conditional' if conditional else 'an unconditional'} {duration}-day ceasefire"
            short, type_, scope = f"the {duration}-day ceasefire plan", "ceasefire", ["comprehensive"]
        elif kind == "energy-truce":
            name, short, type_ = "Truce on strikes against energy infrastructure", "the energy truce", "truce"
            scope, narrow, broad = (
                ["energy-infrastructure"],
                ["energy-infrastructure"],
                ["energy-infrastructure", "critical-infrastructure"],
            )
            proposer = self.pick([neg.mediator, a.leader, b.leader])
        elif kind == "critical-truce":
            name, short, type_ = (
                "Moratorium on strikes against critical infrastructure",
                "the infrastructure moratorium",
                "truce",
            )
            scope, narrow, broad = (
                ["critical-infrastructure"],
                ["critical-infrastructure"],
                ["critical-infrastructure", "infrastructure"],
            )
        elif kind == "rail-truce":
            name, short, type_ = "Truce on strikes against railway infrastructure", "the railway truce", "truce"
            scope, narrow, broad = (
                ["railway-infrastructure"],
                ["railway-infrastructure"],
                ["railway-infrastructure", "energy-infrastructure"],
            )
        elif kind == "maritime":
            sea = _SEAS[(neg.index + neg.kind_count[kind]) % len(_SEAS)]
            scope_id = slug(sea) + "-shipping-lanes"
            custom = [
                Scope(
                    scope_id,
                    f"Shipping lanes of the {sea}",
                    "maritime",
                    f"Commercial shipping routes through the {sea} and the ports on its coast.",
                )
            ]
            name, short, type_ = (
                f"Safe passage agreement for merchant ships in the {sea}",
                f"the {sea} shipping deal",
                "agreement",
            )
            scope, narrow, broad = ["maritime", scope_id], [scope_id], ["maritime"]
            form = "written"
        elif kind == "humanitarian-pause":
            city = self.pick(a.cities + b.cities)
            duration = self.pick([3, 5, 7])
            scope_id = slug(city) + "-evacuation-corridor"
            custom = [
                Scope(
                    scope_id,
                    f"Evacuation corridor from {city}",
                    "humanitarian",
                    f"Roads out of {city} used to evacuate civilians and bring in aid.",
                )
            ]
            name, short, type_ = (
                f"Humanitarian pause for the evacuation of {city}",
                f"the humanitarian pause in {city}",
                "truce",
            )
            scope, narrow, broad = ["humanitarian", scope_id], [scope_id], ["humanitarian", "geographic"]
            proposer = self.world.relief if rng.random() < 0.5 else neg.mediator
        elif kind == "local-ceasefire":
            region = self.pick(a.regions + b.regions)
            scope_id = slug(region) + "-front"
            custom = [
                Scope(scope_id, f"{region} front", "geographic", f"The front line in and around the {region} region.")
            ]
            name, short, type_ = f"Local ceasefire along the {region} front", f"the {region} ceasefire", "ceasefire"
            scope, narrow, broad = ["geographic", scope_id], [scope_id], ["geographic"]
        elif kind == "holiday-truce":
            holiday = _HOLIDAYS[(neg.index + neg.kind_count[kind]) % len(_HOLIDAYS)]
            duration = self.pick([1, 2, 3])
            name, short, type_ = f"{holiday} truce", f"the {holiday} truce", "truce"
            scope = ["partial"]
            proposer = self.pick([a.leader, b.leader])
        elif kind == "prisoner-deal":
            name, short, type_ = (
                "Agreement on an all-for-all prisoner exchange",
                "the prisoner exchange deal",
                "agreement",
            )
            scope = ["humanitarian"]
            form = "written"
        else:
            name, short, type_ = (
                f"{neg.venue_city} framework for a settlement of the {neg.name}",
                f"the {neg.venue_city} framework",
                "agreement",
            )
            scope = ["comprehensive"]
            form = self.pick(["written", "verbal"])
        if neg.kind_count[kind] > 1:
            n = neg.kind_count[kind]
            name = f"{name} (round {n})"
            ordinal = {2: "second", 3: "third", 4: "fourth", 5: "fifth"}.get(n, f"{n}th")
            short = f"the {ordinal} {short[4:]}"
        pid = self.new_id(
            "proposal", f"{neg.slug}-{slug(kind if kind != 'ceasefire' else f'{duration}-day-ceasefire')}"
        )
        proposal = Proposal(
            pid,
            name,
            short,
            type_,
            kind,
            [proposer.id],
            parties,
            mediators,
            scope,
            custom,
            self.today,
            duration,
            conditional,
            form,
            narrow_scopes=narrow,
            broad_scopes=broad,
        )
        neg.proposals.append(proposal)
        verb = self.pick(["put forward", "proposed", "unveiled", "circulated"])
        quote = self.d.say(
            f"{proposer.short} {on_day(self.today, self.today)} ",
            f"{verb} {short}",
            f", covering {self._scope_words(proposal)}.",
        )
        self.d.proposal(proposal, quote)
        if proposer.type == "state" or proposer.id == self.world.relief.id:
            q = self.d.say(f"{proposer.short} said it ", "strongly supports the initiative")
            self.set_position(proposer, proposal, "supports", [], q)
        self.d.headline = f"{cap(proposer.short)} {verb.title()} {cap(short[4:])}"
        self.d.topic = f"{slug(short[4:])}-proposed"
        # First reactions of the parties.
        for side in rng.sample(neg.sides, k=rng.choice([1, 2])):
            self.react(side.leader, proposal)

    def scope_phrase(self, p: Proposal, scope_id: str) -> str:
        for scope in p.custom_scopes:
            if scope.id == scope_id:
                return scope.label[:1].lower() + scope.label[1:]
        return {
            "comprehensive": "all hostilities",
            "partial": "some of the fighting",
            "infrastructure": "all civilian infrastructure",
            "energy-infrastructure": "energy infrastructure",
            "critical-infrastructure": "other critical infrastructure",
            "railway-infrastructure": "railway infrastructure",
            "maritime": "all shipping at sea",
            "geographic": "the whole front line",
            "humanitarian": "all humanitarian operations",
        }[scope_id]

    def _scope_words(self, p: Proposal) -> str:
        words = {
            "comprehensive": "all fronts on land, in the air and at sea",
            "partial": "only part of the fighting",
            "energy-infrastructure": "power plants and the electricity grid",
            "critical-infrastructure": "water, heating and other critical facilities",
            "railway-infrastructure": "railway lines, stations and depots",
            "maritime": "shipping at sea",
            "geographic": "one stretch of the front",
            "humanitarian": "the delivery of aid and the evacuation of civilians",
            "infrastructure": "civilian infrastructure",
        }
        return words.get(p.scope[0], "a limited area")

    def react(self, actor: Actor, proposal: Proposal) -> None:
        """``actor`` takes a (new) stance on ``proposal``."""
        rng = self.rng
        current = self.neg.positions.get((actor.id, proposal.id))
        choices = ["accepts", "conditionally-accepts", "rejects", "ambiguous", "supports"]
        if self.side_of(actor) is None:  # a mediator: no conditions of its own
            choices = ["accepts", "supports", "ambiguous"]
        if current is not None and current.stance in choices:
            choices.remove(current.stance)
        stance = rng.choice(choices)
        conditions: list[str] = []
        if stance in ("conditionally-accepts", "rejects"):
            demands = self.open_demands(actor, proposal)
            while len(demands) < (1 if stance == "conditionally-accepts" else rng.choice([1, 2, 3])):
                demands.append(self.demand_for(actor, proposal))
            conditions = [d.id for d in demands]
            for demand in demands:
                if not self.d.has("demands", demand.id):
                    if demand.created == self.today:
                        q = self.d.say(f"{actor.short} demanded ", demand.speech)
                    else:
                        q = self.d.say(
                            f"{actor.short} repeated {'his' if actor.type == 'person' else 'its'} demand ",
                            demand.speech,
                        )
                    self.d.demand(demand, q)
        if stance == "accepts":
            quote = self.d.say(
                f"{actor.short} said ",
                f"{'he' if actor.type == 'person' else 'it'} was ready to sign {proposal.short} as it stands",
            )
        elif stance == "supports":
            quote = self.d.say(f"{actor.short} ", f"voiced support for {proposal.short}")
        elif stance == "conditionally-accepts":
            quote = self.d.say(f"{actor.short} ", f"would accept {proposal.short} on conditions")
        elif stance == "rejects":
            quote = self.d.say(
                f"{actor.short} ",
                f"refused to agree to {proposal.short}",
                ", setting conditions for any halt in the fighting.",
            )
        else:
            quote = self.d.speech(
                actor,
                f"We are studying {proposal.short} and will answer in due course",
                ", without saying whether it would be accepted",
            )
        self.set_position(actor, proposal, stance, conditions, quote)

    def supersede_existing(self) -> None:
        """A party changes a stance it took in an earlier article (the new position supersedes it)."""
        held = [
            (actor_id, proposal_id)
            for (actor_id, proposal_id), pos in self.neg.positions.items()
            if pos.as_of < self.today and any(p.id == proposal_id and p.active for p in self.neg.proposals)
        ]
        held = held or [key for key, pos in self.neg.positions.items() if pos.as_of < self.today]
        if not held:
            return self.reaction()
        actor_id, proposal_id = self.pick(sorted(held))
        position = self.neg.positions[(actor_id, proposal_id)]
        proposal = self.d._proposal(proposal_id)
        self.react(position.actor, proposal)
        if not self.d.headline:
            self.d.headline = f"{cap(position.actor.short)} Shifts Stance on {cap(proposal.short[4:])}"
            self.d.topic = f"{slug(position.actor.name)}-shifts-on-{slug(proposal.short[4:])}"

    def reaction(self) -> None:
        active = self.neg.active_proposals()
        if not active:
            return self.new_proposal()
        proposal = self.pick(active)
        actor = self.pick(self.neg.principals())
        self.react(actor, proposal)
        if not self.d.headline:
            self.d.headline = f"{cap(actor.short)} Shifts Stance on {cap(proposal.short[4:])}"
            self.d.topic = f"{slug(actor.name)}-shifts-on-{slug(proposal.short[4:])}"

    def demand_change(self) -> None:
        open_demands = [d for d in self.neg.demands if d.status == "open"]
        if not open_demands:
            return self.reaction()
        demand = self.pick(open_demands)
        demand.status = self.pick(["met", "withdrawn", "withdrawn"])
        demand.as_of = self.day_before(1)
        if demand.as_of < demand.created:
            demand.as_of = demand.created
        if demand.status == "withdrawn":
            q = self.d.say(
                f"{demand.by.short} dropped one condition, saying ",
                f"there was no longer any insistence {demand.speech}",
            )
        else:
            q = self.d.say(f"{demand.by.short} said ", f"the condition {demand.speech} had now been met")
        self.d.demand(demand, q)
        proposal = self.d._proposal(demand.precondition_for[0])
        current = self.neg.positions.get((demand.by.id, proposal.id))
        if current is not None and demand.id in current.conditions:
            remaining = [c for c in current.conditions if c != demand.id]
            stance = "conditionally-accepts" if remaining else "accepts"
            words = "with the remaining conditions" if remaining else "now without conditions"
            q = self.d.say(
                f"{demand.by.short} said ",
                f"{'he' if demand.by.type == 'person' else 'it'} was ready to accept {proposal.short} {words}",
            )
            self.set_position(demand.by, proposal, stance, remaining, q)
        if not self.d.headline:
            verb = "Drops Demand" if demand.status == "withdrawn" else "Says Demand Met"
            self.d.headline = f"{cap(demand.by.short)} {verb} on {cap(demand.issue.replace('-', ' '))}"
            self.d.topic = (
                f"{slug(demand.by.name)}-{'drops' if demand.status == 'withdrawn' else 'says-met'}-{demand.issue}"
            )

    def progress(self) -> None:
        """Move a proposal along: agreed, in force, lapsed or collapsed."""
        neg, rng = self.neg, self.rng
        active = neg.active_proposals()
        if not active:
            return self.new_proposal()
        p = self.pick(active)
        a, b = neg.sides
        if p.status == "proposed" and rng.random() < 0.25 and (self.today - p.proposed_on).days > 10:
            p.status = "collapsed"
            p.ended_on = self.today
            q = self.d.say("Diplomats said ", f"{p.short} was dead after weeks without agreement")
            self.d.proposal(p, q)
            headline = f"{cap(p.short[4:])} Collapses Before Taking Effect"
        elif p.status == "proposed":
            p.status = "agreed"
            p.declared_on = self.today
            q = self.d.say(
                f"{a.state.short} and {b.state.short} ",
                f"agreed to {p.short}",
                f" after mediation by {neg.mediator.short}.",
            )
            self.d.proposal(p, q)
            for side in neg.sides:
                current = neg.positions.get((side.leader.id, p.id))
                if current is None or current.stance != "accepts":
                    q = self.d.say(f"{side.leader.short} ", f"signed off on {p.short}")
                    self.set_position(side.leader, p, "accepts", [], q)
            headline = f"{a.state.name} and {b.state.name} Agree to {cap(p.short[4:])}"
        elif p.status == "agreed":
            p.status = "in-force"
            p.effective_from = self.today
            q = self.d.say("", cap(f"{p.short} took effect at midnight"), f" in {a.state.short} and {b.state.short}.")
            self.d.proposal(p, q)
            event = Event(
                self.new_id("event", f"{p.id}-declaration"),
                "ceasefire-declaration",
                f"Declaration bringing {p.short} into force",
                self.today,
                "held",
                by=[neg.mediator.id],
                concerns=[p.id],
                participants=[a.state.id, b.state.id],
            )
            q = self.d.say(f"{neg.mediator.short} ", f"formally declared {p.short} in force")
            self.d.event(event, q)
            headline = f"{cap(p.short[4:])} Takes Effect"
        else:
            ended = self.today - timedelta(days=rng.randint(0, 2))
            if p.effective_from and ended < p.effective_from:
                ended = p.effective_from
            if p.duration_days and p.effective_from and (self.today - p.effective_from).days >= p.duration_days:
                p.status = "lapsed"
                p.ended_on = p.effective_from + timedelta(days=p.duration_days - 1)
                q = self.d.say("", cap(f"{p.short} expired"), " without being extended.")
                headline = f"{cap(p.short[4:])} Expires"
            else:
                p.status = "collapsed"
                p.ended_on = ended
                q = self.d.say("", cap(f"{p.short} fell apart"), ", with each side blaming the other.")
                headline = f"{cap(p.short[4:])} Falls Apart"
            self.d.proposal(p, q)
            if p.status == "collapsed" and rng.random() < 0.6:
                self.accusations(p)
        if not self.d.headline:
            self.d.headline = headline
            self.d.topic = slug(headline)

    # -- claims and events --------------------------------------------------------

    def accusations(self, proposal: Proposal | None = None) -> None:
        """Mutual violation accusations, the strikes they are about, reports and often a denial."""
        neg, rng, d = self.neg, self.rng, self.d
        candidates = [p for p in neg.proposals if p.status in ("agreed", "in-force", "collapsed")] or neg.proposals
        if not candidates:
            return self.new_proposal()
        p = proposal or self.pick(candidates)
        d.proposal(p)
        first, second = rng.sample(neg.sides, k=2)
        accusations = []
        for accuser, accused in ((first, second), (second, first)):
            region = self.pick(accuser.regions)
            target = self.pick([accuser.state, accuser.grid, accuser.railway])
            kind = self.pick(["strike", "attack"])
            weapon = self.pick(["missile", "drone", "artillery"])
            day = self.day_before(2)
            fatalities = self.pick([0, 0, 1, 2, 3, 5, 8])
            thing = {"strike": f"{weapon} strike", "attack": f"{weapon} attack"}[kind]
            obj = {
                "state": f"residential areas in the {region} region",
                "organization": f"facilities of {target.short} in the {region} region",
            }[target.type]
            event = Event(
                self.new_id("event", f"{accused.state.id}-{kind}-{slug(region)}-{iso(day)}"),
                kind,
                f"{accused.adjective} {thing} on {obj}",
                day,
                "held",
                place=f"{region} region, {accuser.state.name}",
                by=[accused.state.id],
                targets=[target.id],
                fatalities=fatalities,
            )
            q = d.say(
                f"{accuser.defence_ministry.short} reported ",
                f"{a_or_an(accused.adjective)} {thing} {on_day(day, self.today)} on {obj}",
                f", killing {count_words(fatalities)} {'person' if fatalities == 1 else 'people'}."
                if fatalities
                else ", causing no casualties.",
            )
            d.event(event, q)
            reporter = self.pick([accuser.defence_ministry, accuser.governors[accuser.regions.index(region)]])
            if reporter in accuser.governors:
                d.actor(reporter)
            cid = d.new_claim_id(f"{reporter.id}-reports-{event.id}")
            q = d.say(f"{reporter.short} said ", f"the {thing} had hit {obj}")
            self.event_statement(cid, reporter.id, f"{cap(a_or_an(accused.adjective))} {thing} hit {obj}.", event, q)
            speaker = self.pick([accuser.state, accuser.leader, accuser.foreign_minister])
            cid = d.new_claim_id(f"{speaker.id}-accuses-{accused.state.id}-{iso(self.today)}")
            q = d.say(f"{speaker.short} ", f"accused {accused.state.short} of violating {p.short}")
            accusations.append(
                d.claim(
                    {
                        "id": cid,
                        "type": "violation-accusation",
                        "by": speaker.id,
                        "date": iso(self.today),
                        "text": f"{accused.state.name} violated {p.short} with {a_or_an(thing)} in the {region} region.",
                        "accused": [accused.state.id],
                        "proposal": p.id,
                        "events": [event.id],
                    },
                    q,
                )
            )
        if rng.random() < 0.6:
            denied = self.pick(accusations)
            denier = neg.sides[0] if denied["accused"][0] == neg.sides[0].state.id else neg.sides[1]
            cid = d.new_claim_id(f"{denier.state.id}-denies-{denied['id']}")
            q = d.say(f"{denier.state.short} ", "denied carrying out the attack")
            d.claim(
                {
                    "id": cid,
                    "type": "denial",
                    "by": denier.state.id,
                    "date": iso(self.today),
                    "text": "The accusation is false; no such attack was carried out.",
                    "denies": denied["id"],
                    "events": denied["events"],
                },
                q,
            )
        if not d.headline:
            d.headline = f"{first.state.name} and {second.state.name} Trade Accusations Over {cap(p.short[4:])}"
            d.topic = f"accusations-over-{slug(p.short[4:])}"

    def scope_dispute(self) -> None:
        neg, d = self.neg, self.d
        truces = [p for p in neg.active_proposals() if p.narrow_scopes]
        if not truces:
            return self.statement()
        p = self.pick(truces)
        d.proposal(p)
        narrow_side, broad_side = self.rng.sample(neg.sides, k=2)
        for side, scopes, words in (
            (narrow_side, p.narrow_scopes, "only pertains to"),
            (broad_side, p.broad_scopes, "also covers"),
        ):
            speaker = self.pick([side.state, side.foreign_minister, side.negotiator])
            described = " and ".join(self.scope_phrase(p, s) for s in scopes)
            cid = d.new_claim_id(f"{speaker.id}-reads-{p.id}-{iso(self.today)}")
            q = d.say(f"{speaker.short} insisted that ", f"{p.short} {words} {described}")
            d.claim(
                {
                    "id": cid,
                    "type": "scope-interpretation",
                    "by": speaker.id,
                    "date": iso(self.today),
                    "text": f"{cap(p.short)} {words} {described}.",
                    "proposal": p.id,
                    "scopes": list(scopes),
                },
                q,
            )
        if not d.headline:
            d.headline = f"Sides Differ Over What {cap(p.short[4:])} Covers"
            d.topic = f"scope-dispute-{slug(p.short[4:])}"

    def talks_planned(self) -> None:
        neg, d, rng = self.neg, self.d, self.rng
        a, b = neg.sides
        concerns = [p.id for p in neg.active_proposals()][:2]
        day = self.today + timedelta(days=rng.randint(2, 12))
        event = Event(
            self.new_id("event", f"{neg.slug}-talks-{slug(neg.venue_city)}-{iso(day)}"),
            "talks",
            f"Talks in {neg.venue_city} between {a.state.name} and {b.state.name}",
            day,
            "planned",
            place=neg.mediator.name,
            venue=neg.venue_city,
            mediators=[neg.mediator.id],
            concerns=concerns,
        )
        neg.planned.append(event)
        q = d.say(
            f"{neg.envoy.short} announced that ",
            f"talks between {a.state.short} and {b.state.short} would open in {neg.venue_city} {on_day(day, self.today)}",
        )
        d.event(event, q)
        cid = d.new_claim_id(f"{neg.envoy.id}-announces-{event.id}")
        self.event_statement(
            cid, neg.envoy.id, f"Talks between the two sides will open in {neg.venue_city} on {iso(day)}.", event, q
        )
        if concerns and rng.random() < 0.7:
            p = d._proposal(concerns[0])
            weeks = self.pick(["two", "three", "a couple of", "several"])
            cid = d.new_claim_id(f"{neg.envoy.id}-forecasts-{p.id}-{iso(self.today)}")
            q = d.speech(neg.envoy, f"I expect {p.short} to be agreed within {weeks} weeks")
            d.claim(
                {
                    "id": cid,
                    "type": "forecast",
                    "by": neg.envoy.id,
                    "date": iso(self.today),
                    "text": f"{cap(p.short)} could be agreed within {weeks} weeks.",
                    "proposal": p.id,
                },
                q,
            )
        if not d.headline:
            d.headline = f"Talks on the {neg.name.title()} to Open in {neg.venue_city}"
            d.topic = f"talks-planned-in-{slug(neg.venue_city)}"

    def talks_held(self) -> None:
        neg, d = self.neg, self.d
        due = [e for e in neg.planned if e.day is not None and e.day <= self.today]
        if not due:
            pending = list(neg.planned)
            if pending and self.rng.random() < 0.5:
                e = pending[0]
                q = self.d.say(
                    "No date change was announced for ",
                    f"the talks in {e.venue} {on_day(e.day, self.today)}",
                    background=True,
                )
                for proposal_id in e.concerns:
                    d.proposal(d._proposal(proposal_id))
                d.event(e, q)
            return self.talks_planned()
        event = due[0]
        neg.planned.remove(event)
        a, b = neg.sides
        event.status = "held"
        event.participants = [a.state.id, b.state.id]
        rounds = self.pick([2, 3, 4])
        q = d.say(
            "",
            cap(f"the talks in {event.venue} ended after {_NUMBER_WORDS[rounds]} days"),
            f", with {neg.mediator.short} shuttling between the delegations.",
        )
        d.event(event, q)
        for side in neg.sides:
            cid = d.new_claim_id(f"{side.negotiator.id}-on-{event.id}")
            words = self.pick(
                [
                    "The talks were difficult but useful",
                    "We made progress on the humanitarian questions",
                    "The other side came without a mandate",
                    "There will be another round",
                ]
            )
            q = d.speech(side.negotiator, words)
            self.event_statement(cid, side.negotiator.id, words + ".", event, q)
        if not d.headline:
            d.headline = f"Talks in {event.venue} End After {cap(_NUMBER_WORDS[rounds])} Days"
            d.topic = f"talks-in-{slug(event.venue or '')}-end"

    def call(self) -> None:
        neg, d = self.neg, self.d
        side = self.pick(neg.sides)
        other = self.pick([neg.mediator_head, neg.envoy, self.world.concord_head])
        day = self.day_before(1)
        concerns = [p.id for p in neg.active_proposals()][:1]
        event = Event(
            self.new_id("event", f"{side.leader.id}-{other.id}-call-{iso(day)}"),
            "call",
            f"Phone call between {side.leader.name} and {other.name}",
            day,
            "held",
            participants=[side.leader.id, other.id],
            concerns=concerns,
        )
        adjective = self.pick(["very good", "productive", "frank", "long"])
        q = d.say(
            f"{side.leader.short} said ",
            f"he had a \u201c{adjective}\u201d phone call with {other.short} {on_day(day, self.today)}",
        )
        d.event(event, q.replace("\u201c", '"').replace("\u201d", '"'))  # straight marks in the YAML
        if concerns:
            p = d._proposal(concerns[0])
            cid = d.new_claim_id(f"{side.leader.id}-after-call-{iso(self.today)}")
            q = d.say(f"{side.leader.short} said ", f"efforts to secure {p.short} were still on track")
            self.event_statement(
                cid, side.leader.id, f"Efforts to secure {p.short} are still on track.", event, q, proposal=p.id
            )
        if not d.headline:
            d.headline = f"{side.leader.name} and {other.name} Discuss Ceasefire Efforts"
            d.topic = f"{slug(side.leader.name)}-{slug(other.name)}-call"

    def prisoner_exchange(self) -> None:
        neg, d, rng = self.neg, self.d, self.rng
        a, b = neg.sides
        each = rng.randint(10, 200)
        mediator = self.pick([neg.mediator, self.world.relief])
        day = self.day_before(3)
        event = Event(
            self.new_id("event", f"{neg.slug}-prisoner-exchange-{iso(day)}"),
            "prisoner-exchange",
            f"{a.state.name}-{b.state.name} exchange of {2 * each} prisoners",
            day,
            "held",
            participants=[a.state.id, b.state.id],
            mediators=[mediator.id],
            prisoners=2 * each,
        )
        q = d.say(
            "",
            cap(f"the two sides swapped {2 * each} prisoners, {each} from each side"),
            f", {on_day(day, self.today)} in an exchange mediated by {mediator.short}.",
        )
        d.event(event, q)
        speaker = self.pick([a.leader, b.leader])
        cid = d.new_claim_id(f"{speaker.id}-welcomes-{event.id}")
        q = d.say(f"{speaker.short} ", "welcomed the exchange as a goodwill gesture")
        self.event_statement(cid, speaker.id, "The exchange is a goodwill gesture.", event, q)
        if not d.headline:
            d.headline = f"{a.state.name} and {b.state.name} Swap {2 * each} Prisoners"
            d.topic = f"prisoner-exchange-{2 * each}"

    def aid_suspension(self) -> None:
        neg, d = self.neg, self.d
        a = neg.sides[0]
        backer = neg.backer
        day = self.day_before(2)
        event = Event(
            self.new_id("event", f"{backer.id}-suspends-aid-to-{a.state.id}-{iso(day)}"),
            "aid-suspension",
            f"Suspension of {demonym(backer.name)} military aid to {a.state.name}",
            day,
            "held",
            by=[backer.id],
            targets=[a.state.id],
        )
        q = d.say(f"{backer.short} ", f"temporarily halted military aid to {a.state.short}", " to press for talks.")
        d.event(event, q)
        cid = d.new_claim_id(f"{a.leader.id}-on-{event.id}")
        q = d.say(f"{a.leader.short} called the move ", "a gift to the aggressor")
        self.event_statement(cid, a.leader.id, "The suspension of aid rewards the aggressor.", event, q)
        if not d.headline:
            d.headline = f"{backer.name} Halts Military Aid to {a.state.name}"
            d.topic = f"{backer.id}-halts-aid"

    def statement(self) -> None:
        neg, d = self.neg, self.d
        active = neg.active_proposals()
        if not active:
            return self.new_proposal()
        p = self.pick(active)
        speaker = self.pick([a for a in neg.principals() if a.type == "person"] + [neg.envoy, self.world.concord_head])
        words = self.pick(
            [
                f"Nobody wants {p.short} more than we do",
                f"The door to {p.short} remains open",
                f"We will not be rushed into {p.short}",
                f"Time is running out for {p.short}",
            ]
        )
        cid = d.new_claim_id(f"{speaker.id}-on-{p.id}-{iso(self.today)}")
        q = d.speech(speaker, words)
        d.claim(
            {
                "id": cid,
                "type": self.pick(["statement", "statement", "forecast"]),
                "by": speaker.id,
                "date": iso(self.today),
                "text": words + ".",
                "proposal": p.id,
            },
            q,
        )
        if not d.headline:
            d.headline = f"{cap(speaker.short)} Speaks Out on {cap(p.short[4:])}"
            d.topic = f"{slug(speaker.name)}-on-{slug(p.short[4:])}"

    # -- an article ------------------------------------------------------------

    def write(self, *, must_supersede: bool = False) -> None:
        neg, rng = self.neg, self.rng
        if not neg.proposals:
            self.new_proposal()
        elif must_supersede:
            self.supersede_existing()
        moves = [
            self.progress,
            self.reaction,
            self.demand_change,
            self.accusations,
            self.scope_dispute,
            self.talks_planned,
            self.talks_held,
            self.call,
            self.prisoner_exchange,
            self.new_proposal,
            self.statement,
            self.aid_suspension,
        ]
        weights = [10, 12, 8, 12, 6, 5, 8, 5, 4, 3, 6, 2]
        for move in rng.choices(moves, weights=weights, k=rng.choice([4, 5, 5, 6, 7])):
            move()
        # Background: where the talks stand on the other open proposals, and the demands still open.
        active = neg.active_proposals()
        for p in rng.sample(active, k=min(len(active), rng.choice([1, 2, 3]))):
            self.d.proposal(p)
        open_demands = [d for d in neg.demands if d.status == "open" and self.d.has("proposals", d.precondition_for[0])]
        for demand in rng.sample(open_demands, k=min(len(open_demands), rng.choice([0, 1, 2]))):
            self.d.demand(demand)
        for _ in range(rng.choice([0, 1, 2])):
            self.statement()


# --- counting triples as ckg load will -----------------------------------------------------

_ACTOR_CLASS_COUNT = 2  # cf:Actor and the specific class
#: Every quote is found in the article's text: its oa:TextPositionSelector (hasSelector, type, start, end).
_SELECTOR = 4


def _actor_triples(actor: dict[str, Any], in_article: bool) -> int:
    return (
        _ACTOR_CLASS_COUNT
        + 2
        + len(actor.get("aliases", []))
        + ("role" in actor)
        + ("represents" in actor)
        + len(actor.get("member_of", []))
        + (1 if in_article else 0)
    )


#: A status record: the link, type, status, asOf, reportedOn, wasDerivedFrom, label.
STATUS_RECORD_TRIPLES = 7


def count_triples(doc: dict[str, Any]) -> int:
    """Triples of the named graph ``ckg load`` builds from one article file (see loaders/rdf.py)."""
    meta = doc["article"]
    total = 6 + ("url" in meta) + ("language" in meta)
    total += sum(_actor_triples(a, True) for a in doc.get("actors", []))
    total += sum(5 + ("definition" in s) for s in doc.get("scopes", []))

    def refs(entry: dict[str, Any], *names: str) -> int:
        n = 0
        for name in names:
            value = entry.get(name)
            n += 0 if value is None else (1 if isinstance(value, str) else len(value))
        return n

    for p in doc.get("proposals", []):
        total += 10 + _SELECTOR + refs(p, "proposed_by", "parties", "mediators", "scope")
        total += sum(
            name in p
            for name in (
                "proposed_on",
                "declared_on",
                "effective_from",
                "ended_on",
                "duration_days",
                "conditional",
                "form",
            )
        )
        total += STATUS_RECORD_TRIPLES if "status" in p else 0
    issues: set[str] = set()
    for d in doc.get("demands", []):
        total += 9 + 1 + _SELECTOR + refs(d, "by", "of", "precondition_for") + STATUS_RECORD_TRIPLES
        if "issue" in d:
            total += 1 + (3 if d["issue"] not in issues else 0)
            issues.add(d["issue"])
    for pos in doc.get("positions", []):
        total += 9 + 4 + _SELECTOR + refs(pos, "conditions", "supersedes")
    for c in doc.get("claims", []):
        total += 10 + 1 + 1 + _SELECTOR + ("text" in c) + refs(c, "accused", "proposal", "events", "scopes", "denies")
    for e in doc.get("events", []):
        total += 9 + 1 + _SELECTOR + ("date" in e) + (STATUS_RECORD_TRIPLES if "status" in e else 0)
        total += sum(name in e for name in ("place", "venue", "description", "prisoners", "fatalities"))
        total += refs(e, "by", "participants", "targets", "mediators", "concerns")
    return total


def count_registry_triples(actors: list[Actor]) -> int:
    return sum(_actor_triples(a.to_yaml(), False) for a in actors)


# --- writing YAML and text ------------------------------------------------------------

_PLAIN_ID = re.compile(r"[a-z][a-z0-9-]*")
_PLAIN_TEXT = re.compile(r"[A-Za-z][A-Za-z0-9 .,'()/-]*[A-Za-z0-9.)]")
_RESERVED = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}


def _scalar(value: Any, *, flow: bool = False) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if text.lower() not in _RESERVED and (
        _PLAIN_ID.fullmatch(text)
        or (not flow and _PLAIN_TEXT.fullmatch(text) and ": " not in text and " #" not in text)
    ):
        return text
    return json.dumps(text, ensure_ascii=False)


def _entry_lines(entry: dict[str, Any]) -> list[str]:
    lines = []
    for index, (key, value) in enumerate(entry.items()):
        lead = "  - " if index == 0 else "    "
        if isinstance(value, list):
            lines.append(f"{lead}{key}: [{', '.join(_scalar(v, flow=True) for v in value)}]")
        else:
            lines.append(f"{lead}{key}: {_scalar(value)}")
    return lines


def article_yaml(doc: dict[str, Any], header: str) -> str:
    lines = [f"# {line}" if line else "#" for line in header.splitlines()]
    lines.append("article:")
    for key, value in doc["article"].items():
        lines.append(f"  {key}: {_scalar(value)}")
    lines.append("")
    lines.append(f"registries: [{', '.join(doc['registries'])}]")
    for section in ("actors", "scopes", "proposals", "demands", "positions", "claims", "events"):
        if doc.get(section):
            lines.append("")
            lines.append(f"{section}:")
            for entry in doc[section]:
                lines.extend(_entry_lines(entry))
    return "\n".join(lines) + "\n"


def registry_yaml(registry_id: str, actors: list[Actor], header: str) -> str:
    lines = [f"# {line}" for line in header.splitlines()]
    lines.append(f"registry: {registry_id}")
    lines.append("actors:")
    for actor in actors:
        lines.extend(_entry_lines(actor.to_yaml()))
    return "\n".join(lines) + "\n"


def article_text(title: str, dateline: str, lead: list[str], background: list[str], rng: random.Random) -> str:
    paragraphs = [
        "[FICTIONAL: generated test data for ceasefire-kg benchmarks. It does not report real events "
        "or real statements.]",
        title,
    ]
    sentences = list(lead)
    if sentences:
        sentences[0] = f"{dateline}: {sentences[0]}"
    body: list[str] = []
    i = 0
    while i < len(sentences):
        n = rng.choice([1, 2, 2, 3])
        body.append(" ".join(sentences[i : i + n]))
        i += n
    if background:
        body.append(" ".join(background))
    paragraphs.extend(body)
    return "\n\n".join(paragraphs) + "\n"


# --- the generator ---------------------------------------------------------------------


@dataclass
class GeneratedArticle:
    """One written article file and its text."""

    article_id: str
    negotiation: str
    published: str
    yaml_path: Path
    text_path: Path
    triples: int
    facts: int


@dataclass
class GeneratedCorpus:
    """What :func:`generate_corpus` wrote.

    Attributes:
        root: The corpus folder (pass it to ``ckg load``).
        seed: The seed it was generated from.
        target_triples: The size asked for.
        estimated_triples: Triples ``ckg load`` will report (sum over the named graphs of the
            registries and articles); computed from the files, exact for the current loader.
        negotiations: Slugs of the negotiations, one folder each.
        registry_paths: The actor registries.
        article_paths: The article YAML files, in publication order.
        text_paths: Their texts, in the same order.
        facts: Entries (actors, scopes, proposals, demands, positions, claims, events) in the articles.
        bytes: Size of all files written.
        seconds: Time the generation took.
    """

    root: Path
    seed: int
    target_triples: int
    estimated_triples: int
    negotiations: list[str]
    registry_paths: list[Path]
    article_paths: list[Path]
    text_paths: list[Path]
    facts: int
    bytes: int
    seconds: float

    @property
    def articles(self) -> int:
        return len(self.article_paths)

    @property
    def paths(self) -> list[Path]:
        """Every fact file (registries and articles)."""
        return [*self.registry_paths, *self.article_paths]


def negotiation_count(target_triples: int) -> int:
    """Several negotiations, more for larger corpora (2 for the examples' size, 12 for 1M triples)."""
    return max(2, min(12, round(math.sqrt(target_triples / 2500))))


class _Timeline:
    """The sequence of articles of one corpus; deterministic from the seed and the number of negotiations."""

    def __init__(self, seed: int, negotiations: int) -> None:
        self.seed = seed
        self.world = World(seed, negotiations)
        self.rng = random.Random(f"ckg-timeline:{seed}")
        self.day = START_DATE
        self.count = 0
        self.weights = [1 / math.sqrt(i + 1) for i in range(len(self.world.negotiations))]
        self.article_ids = IdRegistry()

    def next_article(
        self, rng: random.Random | None = None, *, must_supersede: bool = False, day: date | None = None
    ) -> tuple[Negotiation, dict[str, Any], str, str]:
        """Write the next article: (negotiation, YAML document, YAML text, article text)."""
        timeline_rng = rng or self.rng
        if day is None:
            self.day += timedelta(days=timeline_rng.choice([0, 0, 0, 1, 1]))
            day = self.day
        negotiations = self.world.negotiations
        if must_supersede:
            negotiations = [n for n in negotiations if n.positions] or negotiations
            neg = timeline_rng.choice(negotiations)
        else:
            neg = timeline_rng.choices(negotiations, weights=self.weights)[0]
        article_rng = random.Random(f"ckg-article:{self.seed}:{timeline_rng.random()}")
        draft = Draft(neg, day, article_rng)
        Story(draft).write(must_supersede=must_supersede)
        neg.articles += 1
        self.count += 1
        topic = draft.topic or "update"
        article_id = self.article_ids.take("article", f"{iso(day)}-{neg.slug}-{topic}"[:110].rstrip("-"))
        outlet = article_rng.choice(_OUTLETS)
        dateline = f"{neg.sides[0].capital.upper()}/{neg.sides[1].capital.upper()}"
        meta = {
            "id": article_id,
            "title": title_case(draft.headline or f"Update on the {neg.name}"),
            "outlet": outlet,
            "published": iso(day),
            "url": f"https://news.example.org/{slug(outlet)}/{day.year}/{day.month:02d}/{day.day:02d}/{article_id[11:]}",
            "language": "en",
        }
        doc: dict[str, Any] = {"article": meta, "registries": ["../actors.yaml"], **draft.facts()}
        header = (
            f"Generated by benchmarks/generate_corpus.py (seed {self.seed}): FICTIONAL test data.\n"
            f"Negotiation: {neg.name}. Full text: {article_id}.txt beside this file."
        )
        text = article_text(meta["title"], dateline, draft.lead, draft.background, article_rng)
        return neg, doc, article_yaml(doc, header), text


def _registry_header(neg: Negotiation, seed: int) -> str:
    return (
        f"Actor registry of the FICTIONAL {neg.name} (generated by benchmarks/generate_corpus.py, seed {seed}).\n"
        "Articles about this negotiation list it under `registries:`."
    )


def _fact_count(doc: dict[str, Any]) -> int:
    return sum(
        len(doc.get(s, [])) for s in ("actors", "scopes", "proposals", "demands", "positions", "claims", "events")
    )


def _write(path: Path, text: str) -> int:
    data = text.encode("utf-8")
    path.write_bytes(data)
    return len(data)


def _clear_previous(out_dir: Path) -> None:
    """Remove a corpus generated earlier in ``out_dir`` (only what its manifest lists)."""
    manifest = out_dir / MANIFEST
    if not out_dir.exists():
        return
    if not manifest.is_file():
        if any(out_dir.iterdir()):
            raise ValueError(
                f"{out_dir} is not empty and holds no generated corpus ({MANIFEST}); choose an empty folder."
            )
        return
    previous = json.loads(manifest.read_text("utf-8"))
    for name in previous.get("negotiations", []):
        folder = out_dir / name
        if folder.is_dir() and folder.parent == out_dir:
            shutil.rmtree(folder)
    manifest.unlink()


def generate_corpus(out_dir: Path, *, target_triples: int, seed: int = 0) -> GeneratedCorpus:
    """Write a corpus of about ``target_triples`` triples (as ``ckg load`` counts them) into ``out_dir``.

    Args:
        out_dir: An empty (or missing) folder, or one holding an earlier generated corpus, which is replaced.
        target_triples: Stop once the files hold at least this many triples.
        seed: Same seed and size give byte-identical files.

    Returns:
        What was written.
    """
    started = time.perf_counter()
    out_dir = Path(out_dir)
    _clear_previous(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    timeline = _Timeline(seed, negotiation_count(target_triples))
    total_bytes = 0
    registries: list[Path] = []
    registry_triples = 0
    for neg in timeline.world.negotiations:
        (out_dir / neg.slug / "articles").mkdir(parents=True, exist_ok=True)
        path = out_dir / neg.slug / "actors.yaml"
        actors = neg.registry_actors()
        total_bytes += _write(path, registry_yaml(f"{neg.slug}-actors", actors, _registry_header(neg, seed)))
        registry_triples += count_registry_triples(actors)
        registries.append(path)
    triples = registry_triples
    articles: list[Path] = []
    texts: list[Path] = []
    facts = 0
    while triples < target_triples:
        neg, doc, yaml_text, text = timeline.next_article()
        folder = out_dir / neg.slug / "articles"
        article_id = doc["article"]["id"]
        total_bytes += _write(folder / f"{article_id}.yaml", yaml_text)
        total_bytes += _write(folder / f"{article_id}.txt", text)
        articles.append(folder / f"{article_id}.yaml")
        texts.append(folder / f"{article_id}.txt")
        triples += count_triples(doc)
        facts += _fact_count(doc)
    used = [neg.slug for neg in timeline.world.negotiations]
    manifest = {
        "generator": "benchmarks/generate_corpus.py",
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "target_triples": target_triples,
        "estimated_triples": triples,
        "registry_triples": registry_triples,
        "articles": len(articles),
        "facts": facts,
        "negotiations": used,
        "registries": [str(p.relative_to(out_dir)) for p in registries],
        "first_published": articles and _published(articles[0].name),
        "last_published": articles and _published(articles[-1].name),
    }
    total_bytes += _write(out_dir / MANIFEST, json.dumps(manifest, indent=2) + "\n")
    return GeneratedCorpus(
        out_dir,
        seed,
        target_triples,
        triples,
        used,
        registries,
        articles,
        texts,
        facts,
        total_bytes,
        time.perf_counter() - started,
    )


def _published(file_name: str) -> str:
    return file_name[:10]


def generate_new_article(corpus_dir: Path, *, index: int = 0) -> GeneratedArticle:
    """Write one more article into a generated corpus, published after all of its articles.

    The article belongs to one of the corpus's negotiations; it re-declares
    proposals, demands and events stated in earlier files (with their status
    as of its date) and has at least one position that supersedes a position
    declared in an earlier file, so that loading it alone into a store that
    holds the corpus exercises the checks against the store. Different
    ``index`` values give different articles (each valid on its own against
    the corpus, published ``index + 1`` days after the last one); the same
    ``index`` gives the same bytes.

    Args:
        corpus_dir: A folder written by :func:`generate_corpus`.
        index: Which of the possible next articles.

    Returns:
        The article written (its YAML and text are in the negotiation's ``articles`` folder).
    """
    corpus_dir = Path(corpus_dir)
    manifest = json.loads((corpus_dir / MANIFEST).read_text("utf-8"))
    if manifest.get("generator_version") != GENERATOR_VERSION:
        raise ValueError(f"{corpus_dir} was generated by another version of the generator; generate it again.")
    seed = manifest["seed"]
    timeline = _Timeline(seed, negotiation_count(manifest["target_triples"]))
    for _ in range(manifest["articles"]):  # replay the timeline to the corpus's end state
        timeline.next_article()
    rng = random.Random(f"ckg-new-article:{seed}:{index}")
    day = timeline.day + timedelta(days=index + 1)
    neg, doc, yaml_text, text = timeline.next_article(rng, must_supersede=True, day=day)
    folder = corpus_dir / neg.slug / "articles"
    article_id = doc["article"]["id"]
    _write(folder / f"{article_id}.yaml", yaml_text)
    _write(folder / f"{article_id}.txt", text)
    return GeneratedArticle(
        article_id,
        neg.slug,
        iso(day),
        folder / f"{article_id}.yaml",
        folder / f"{article_id}.txt",
        count_triples(doc),
        _fact_count(doc),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--triples", type=int, default=10_000, help="target size in triples (default 10000)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--out", type=Path, required=True, help="output folder (empty, or an earlier generated corpus)")
    parser.add_argument(
        "--new-article",
        action="store_true",
        help="instead of a corpus, write one more article into the corpus at --out",
    )
    parser.add_argument("--index", type=int, default=0, help="with --new-article: which next article (default 0)")
    parser.add_argument(
        "--validate",
        action="store_true",
        help="then run ceasefire_kg's validate on the corpus and print its triple count",
    )
    args = parser.parse_args(argv)
    if args.new_article:
        article = generate_new_article(args.out, index=args.index)
        print(
            f"Wrote {article.yaml_path} ({article.facts} facts, {article.triples} triples) and {article.text_path.name}."
        )
        return 0
    corpus = generate_corpus(args.out, target_triples=args.triples, seed=args.seed)
    print(
        f"Wrote {corpus.articles} articles about {len(corpus.negotiations)} negotiations to {corpus.root}: "
        f"{corpus.facts} facts, {corpus.estimated_triples} triples (target {corpus.target_triples}), "
        f"{corpus.bytes / 1e6:.1f} MB in {corpus.seconds:.1f} s."
    )
    if args.validate:
        from ceasefire_kg.loaders.load import validate_paths

        started = time.perf_counter()
        _, _, report = validate_paths([corpus.root])
        print(f"Valid: {report.triples} triples by the loader's count, in {time.perf_counter() - started:.1f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
