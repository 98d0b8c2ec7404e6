"""Turn checked article-fact files into RDF, one named graph per article.

IRIs are derived from the readable ids only, so the same files always give the
same triples, and the same id in two articles names the same resource: the
union of the article graphs merges what they say, and dropping one article's
graph removes exactly what only that article asserted.

The triples are made of pyoxigraph terms, as the store holds them: their
N-Triples text, and so the graph hashes, is what Oxigraph writes.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from ceasefire_kg.loaders.checks import ArticleFile, CheckedCorpus, RegistryFile
from ceasefire_kg.loaders.demand_checks import precondition_kinds
from ceasefire_kg.loaders.valid_time import status_date_field
from ceasefire_kg.namespaces import (
    CF,
    CHARGE,
    ETYPE,
    OA,
    SCHEMA,
    STANCE,
    STATUS,
    Nodes,
    article_graph_iri,
    entity_iri,
    iri,
    issue_iri,
    quote_iri,
    quote_selector_iri,
    registry_graph_iri,
    scope_iri,
    status_record_iri,
)
from ceasefire_kg.store import TermTriple

Term = ox.NamedNode | ox.Literal

_CF, _RDF, _RDFS, _SKOS, _PROV, _OA = Nodes(CF), Nodes(RDF), Nodes(RDFS), Nodes(SKOS), Nodes(PROV), Nodes(OA)
_DCTERMS, _SCHEMA = Nodes(DCTERMS), Nodes(SCHEMA)
_STANCE, _STATUS, _ETYPE, _CHARGE = Nodes(STANCE), Nodes(STATUS), Nodes(ETYPE), Nodes(CHARGE)
_DATE, _INTEGER, _ANY_URI = iri(XSD.date), iri(XSD.integer), iri(XSD.anyURI)

ACTOR_CLASSES = {"person": _CF.Person, "state": _CF.State, "organization": _CF.Organization, "alliance": _CF.Alliance}
PROPOSAL_CLASSES = {"ceasefire": _CF.Ceasefire, "truce": _CF.Truce, "agreement": _CF.Agreement}
CLAIM_CLASSES = {
    "violation-accusation": _CF.ViolationAccusation,
    "accusation": _CF.Accusation,
    "scope-interpretation": _CF.ScopeInterpretation,
    "terms-interpretation": _CF.TermsInterpretation,
    "forecast": _CF.Forecast,
    "denial": _CF.Denial,
    "statement": _CF.Statement,
}


def _date(value: str) -> ox.Literal:
    return ox.Literal(value, datatype=_DATE)


def _text(value: str) -> ox.Literal:
    return ox.Literal(value)


def _integer(value: int) -> ox.Literal:
    # str(): the lexical form rdflib wrote, also for a whole float such as 3.0, which JSON Schema calls an integer.
    return ox.Literal(str(value), datatype=_INTEGER)


def _boolean(value: bool) -> ox.Literal:
    return ox.Literal(value)


def _is_written(form: str) -> ox.Literal:
    return ox.Literal(form == "written")


def _url(value: str) -> ox.Literal:
    return ox.Literal(value, datatype=_ANY_URI)


@functools.lru_cache(maxsize=1 << 16)
def _entity_node(kind: str, slug: str) -> ox.NamedNode:
    # The same actors, proposals and demands are named over and over: each term is made once
    # (and shared by the triples that name it), not once per mention.
    return iri(entity_iri(kind, slug))


def _ref(kind: str) -> Callable[[str], ox.NamedNode]:
    return lambda ref: _entity_node(kind, ref)


def _kind_ref(target: tuple[str, str]) -> ox.NamedNode:
    # A (kind, id) pair: a field whose ids may name things of several kinds, resolved by the builder.
    return _entity_node(*target)


@functools.lru_cache(maxsize=1 << 12)
def _scope_node(slug: str) -> ox.NamedNode:
    return iri(scope_iri(slug))


@functools.lru_cache(maxsize=1 << 12)
def _issue_node(slug: str) -> ox.NamedNode:
    return iri(issue_iri(slug))


#: How the YAML fields of each kind of fact become properties of its resource:
#: ``(field, predicate, value -> RDF term)``, a list giving one triple per item.
#: The builders below write these triples from it; messages about a property
#: name the field it came from through :func:`yaml_field`. Labels made of
#: several fields, types, statuses and quotes are written by the builders, and
#: so is a proposal's ``according_to``, which attributes the status this
#: article gives it (on the status record), not the proposal.
FIELD_PREDICATES: dict[str, tuple[tuple[str, ox.NamedNode, Callable[[Any], Term]], ...]] = {
    "article": (
        ("title", _RDFS.label, _text),
        ("title", _DCTERMS.title, _text),
        ("outlet", _CF.outlet, _text),
        ("published", _DCTERMS.issued, _date),
        ("url", _SCHEMA.url, _url),
        ("language", _DCTERMS.language, _text),
    ),
    "actor": (
        ("name", _RDFS.label, _text),
        ("aliases", _SKOS.altLabel, _text),
        ("role", _CF.role, _text),
        ("represents", _CF.represents, _ref("actor")),
        ("member_of", _CF.memberOf, _ref("actor")),
    ),
    "scope": (
        ("label", _SKOS.prefLabel, _text),
        ("broader", _SKOS.broader, _scope_node),
        ("definition", _SKOS.definition, _text),
    ),
    "proposal": (
        ("name", _RDFS.label, _text),
        ("proposed_by", _CF.proposedBy, _ref("actor")),
        ("parties", _CF.party, _ref("actor")),
        ("mediators", _CF.mediator, _ref("actor")),
        ("scope", _CF.scope, _scope_node),
        ("proposed_on", _CF.proposedOn, _date),
        ("declared_on", _CF.declaredOn, _date),
        ("effective_from", _CF.effectiveFrom, _date),
        ("ended_on", _CF.endedOn, _date),
        ("duration_days", _CF.durationDays, _integer),
        ("conditional", _CF.isConditional, _boolean),
        ("form", _CF.isWritten, _is_written),
    ),
    "demand": (
        ("text", _RDFS.label, _text),
        ("text", _CF.text, _text),
        ("by", _CF.demandedBy, _ref("actor")),
        ("of", _CF.demandedOf, _ref("actor")),
        ("precondition_for", _CF.preconditionFor, _kind_ref),
        ("issue", _CF.issue, _issue_node),
        ("about", _CF.about, _ref("actor")),
    ),
    "position": (
        ("actor", _CF.holder, _ref("actor")),
        ("proposal", _CF.onProposal, _ref("proposal")),
        ("stance", _CF.stance, lambda stance: _STANCE[stance]),
        ("as_of", _CF.asOf, _date),
        ("conditions", _CF.conditionedOn, _ref("demand")),
        ("supersedes", _CF.supersedes, _ref("position")),
        ("according_to", _CF.accordingTo, _ref("actor")),
    ),
    "response": (
        ("actor", _CF.responder, _ref("actor")),
        ("demand", _CF.toDemand, _ref("demand")),
        ("stance", _CF.stance, lambda stance: _STANCE[stance]),
        ("as_of", _CF.asOf, _date),
        ("conditions", _CF.conditionedOn, _ref("demand")),
        ("supersedes", _CF.supersedes, _ref("response")),
        ("according_to", _CF.accordingTo, _ref("actor")),
    ),
    "claim": (
        ("by", _CF.claimant, _ref("actor")),
        ("date", _CF.date, _date),
        ("text", _CF.text, _text),
        ("accused", _CF.accused, _ref("actor")),
        ("proposal", _CF.aboutProposal, _ref("proposal")),
        ("events", _CF.allegedEvent, _ref("event")),
        ("scopes", _CF.claimedScope, _scope_node),
        ("denies", _CF.denies, _ref("claim")),
        ("charge", _CF.charge, lambda charge: _CHARGE[charge]),
        ("includes", _CF.includesTerm, _text),
        ("excludes", _CF.excludesTerm, _text),
        ("according_to", _CF.accordingTo, _ref("actor")),
    ),
    "event": (
        ("type", _CF.eventType, lambda event_type: _ETYPE[event_type]),
        ("date", _CF.date, _date),
        ("place", _CF.place, _text),
        ("venue", _CF.venue, _text),
        ("description", _DCTERMS.description, _text),
        ("by", _CF.initiator, _ref("actor")),
        ("participants", _CF.participant, _ref("actor")),
        ("targets", _CF.target, _ref("actor")),
        ("mediators", _CF.mediator, _ref("actor")),
        ("concerns", _CF.concerns, _ref("proposal")),
        ("prisoners", _CF.prisoners, _integer),
        ("fatalities", _CF.fatalities, _integer),
        ("wounded", _CF.wounded, _integer),
        ("end_date", _CF.endDate, _date),
        ("format", _CF.talksFormat, _text),
        ("authorship", _CF.authorship, _text),
        ("according_to", _CF.accordingTo, _ref("actor")),
    ),
}

_FIELD_OF: dict[tuple[str, str], str] = {
    (kind, predicate.value): name for kind, fields in FIELD_PREDICATES.items() for name, predicate, _ in fields
}


def yaml_field(kind: str, predicate: str) -> str | None:
    """The YAML field a property of a fact comes from, for messages.

    Args:
        kind: The kind of fact, such as ``proposal``.
        predicate: The property's IRI.

    Returns:
        The field, such as ``duration_days``; None for a property no single
        field gives (a label made of several fields, a type, a quote).
    """
    return _FIELD_OF.get((kind, predicate))


@dataclass
class NamedGraph:
    """The triples one source (an article or a registry) asserts.

    Attributes:
        iri: The named graph.
        source: The file it came from, for messages.
        triples: Its triples, without duplicates, in a stable order.
        ntriples: Their N-Triples text (:func:`ceasefire_kg.store.ntriples_bytes`) once written for
            the shape checks, kept so that the store need not write it again; empty until then.
    """

    iri: ox.NamedNode
    source: str
    triples: list[TermTriple] = field(default_factory=list)
    ntriples: bytes = field(default=b"", repr=False)

    def content(self) -> list[TermTriple] | bytes:
        """What the store writes of it: the N-Triples text if already written, else the triples."""
        return self.ntriples if self.ntriples else self.triples


def corpus_graphs(corpus: CheckedCorpus) -> list[NamedGraph]:
    """Build the named graphs of every registry and article of a checked load."""
    graphs = [registry_graph(registry) for registry in corpus.registries]
    graphs.extend(article_graph(article) for article in corpus.articles)
    return graphs


def registry_graph(registry: RegistryFile) -> NamedGraph:
    """Build the graph of a shared actor registry."""
    builder = _Builder()
    for actor in registry.actors:
        builder.actor(actor)
    return NamedGraph(iri(registry_graph_iri(registry.registry_id)), registry.source.name, builder.finish())


def article_graph(article: ArticleFile) -> NamedGraph:
    """Build the graph of everything one article asserts."""
    return NamedGraph(iri(article_graph_iri(article.article_id)), article.source.name, _ArticleBuilder(article).build())


class _Builder:
    def __init__(self) -> None:
        # Tuples, not ox.Triple: they share their terms (see TermTriple), and are cheaper to make and hash.
        self._triples: dict[TermTriple, None] = {}

    def add(self, subject: ox.NamedNode, predicate: ox.NamedNode, obj: Term) -> None:
        self._triples[(subject, predicate, obj)] = None

    def add_all(self, subject: ox.NamedNode, predicate: ox.NamedNode, objects: Iterable[Term]) -> None:
        for obj in objects:
            self.add(subject, predicate, obj)

    def finish(self) -> list[TermTriple]:
        return list(self._triples)

    def fields(self, kind: str, subject: ox.NamedNode, fact: dict[str, Any]) -> None:
        """Add the properties :data:`FIELD_PREDICATES` makes of a fact's fields."""
        for name, predicate, convert in FIELD_PREDICATES[kind]:
            value = fact.get(name)
            if value is None:
                continue
            for item in value if isinstance(value, list) else [value]:
                self.add(subject, predicate, convert(item))

    def actor(self, actor: dict[str, Any]) -> ox.NamedNode:
        node = _entity_node("actor", actor["id"])
        self.add_all(node, _RDF.type, (_CF.Actor, ACTOR_CLASSES[actor["type"]]))
        self.add(node, _CF.factId, _text(actor["id"]))
        self.fields("actor", node, actor)
        return node


class _ArticleBuilder(_Builder):
    def __init__(self, article: ArticleFile) -> None:
        super().__init__()
        self.article = article
        self.meta = article.data["article"]
        self.article_iri = _entity_node("article", article.article_id)
        self.actor_names = article.actor_names()
        self.proposal_names = {p["id"]: p["name"] for p in article.facts("proposals")}
        self.demand_texts = {d["id"]: d["text"] for d in article.facts("demands")}
        self.precondition_kinds = precondition_kinds(article)

    def build(self) -> list[TermTriple]:
        self._article()
        for actor in self.article.facts("actors"):
            self.add(self.actor(actor), _PROV.wasDerivedFrom, self.article_iri)
        for scope in self.article.facts("scopes"):
            self._scope(scope)
        for proposal in self.article.facts("proposals"):
            self._proposal(proposal)
        for demand in self.article.facts("demands"):
            self._demand(demand)
        for position in self.article.facts("positions"):
            self._position(position)
        for response in self.article.facts("responses"):
            self._response(response)
        for claim in self.article.facts("claims"):
            self._claim(claim)
        for event in self.article.facts("events"):
            self._event(event)
        return self.finish()

    # -- shared pieces -------------------------------------------------

    def _article(self) -> None:
        node, meta = self.article_iri, self.meta
        self.add(node, _RDF.type, _CF.Article)
        self.add(node, _CF.factId, _text(meta["id"]))
        self.fields("article", node, meta)

    def _fact(
        self, kind: str, fact: dict[str, Any], classes: Iterable[ox.NamedNode], label: str | None = None
    ) -> ox.NamedNode:
        """Add what every fact has, and its fields; ``label`` when no field gives it."""
        node = _entity_node(kind, fact["id"])
        self.add_all(node, _RDF.type, classes)
        if label is not None:
            self.add(node, _RDFS.label, _text(label))
        self.fields(kind, node, fact)
        self.add(node, _CF.factId, _text(fact["id"]))
        self.add(node, _PROV.wasDerivedFrom, self.article_iri)
        quote = iri(quote_iri(self.article.article_id, kind, fact["id"]))
        self.add(node, _CF.evidence, quote)
        self.add(quote, _RDF.type, _CF.Quote)
        # The article's own characters where its text was at hand, with where they are; else the quote as typed.
        span = self.article.quote_spans.get(fact["quote"])
        exact = fact["quote"] if span is None else span.exact
        self.add(quote, _OA.exact, _text(exact))
        self.add(quote, _CF.inArticle, self.article_iri)
        self.add(quote, _RDFS.label, _text(_shorten(exact)))
        if span is not None:
            selector = iri(quote_selector_iri(self.article.article_id, kind, fact["id"]))
            self.add(quote, _OA.hasSelector, selector)
            self.add(selector, _RDF.type, _OA.TextPositionSelector)
            # xsd:integer, not the vocabulary's xsd:nonNegativeInteger: Oxigraph stores that as xsd:integer.
            self.add(selector, _OA.start, _integer(span.start))
            self.add(selector, _OA.end, _integer(span.end))
        return node

    def _status(self, kind: str, subject: ox.NamedNode, fact: dict[str, Any], status: str, as_of: str) -> ox.NamedNode:
        """A status record: the status holds from ``as_of`` (valid time), reported on the article's date."""
        record = iri(status_record_iri(self.article.article_id, kind, fact["id"]))
        self.add(subject, _CF.statusRecord, record)
        self.add(record, _RDF.type, _CF.StatusRecord)
        self.add(record, _CF.status, _STATUS[status])
        self.add(record, _CF.asOf, _date(as_of))
        self.add(record, _CF.reportedOn, _date(self.meta["published"]))
        self.add(record, _PROV.wasDerivedFrom, self.article_iri)
        self.add(record, _RDFS.label, _text(f"{status} as of {as_of}"))
        return record

    def _status_since(self, section: str, fact: dict[str, Any]) -> str:
        """The date a proposal's or event's status holds from (docs/time.md), else the publication date."""
        field_name = status_date_field(section, fact)
        return fact[field_name] if field_name is not None else self.meta["published"]

    def _actor_name(self, ref: str) -> str:
        return self.actor_names.get(ref, ref)

    # -- facts ---------------------------------------------------------

    def _scope(self, scope: dict[str, Any]) -> None:
        node = _scope_node(scope["id"])
        self.add(node, _RDF.type, _SKOS.Concept)
        self.add(node, _SKOS.inScheme, _CF.ScopeScheme)
        self.fields("scope", node, scope)
        self.add(node, _PROV.wasDerivedFrom, self.article_iri)

    def _proposal(self, proposal: dict[str, Any]) -> None:
        node = self._fact("proposal", proposal, (_CF.Proposal, PROPOSAL_CLASSES[proposal["type"]]))
        if "status" in proposal:
            record = self._status(
                "proposal", node, proposal, proposal["status"], self._status_since("proposals", proposal)
            )
            # Whose account the status is: this article's record of it, not the proposal, which other articles share.
            self.add_all(record, _CF.accordingTo, map(_ref("actor"), proposal.get("according_to", ())))

    def _demand(self, demand: dict[str, Any]) -> None:
        if "precondition_for" in demand:
            targets = [(self.precondition_kinds[ref], ref) for ref in demand["precondition_for"]]
            demand = {**demand, "precondition_for": targets}
        node = self._fact("demand", demand, (_CF.Demand,))
        if "issue" in demand:
            issue = _issue_node(demand["issue"])
            self.add(issue, _RDF.type, _SKOS.Concept)
            self.add(issue, _SKOS.inScheme, _CF.IssueScheme)
            self.add(issue, _SKOS.prefLabel, _text(demand["issue"].replace("-", " ")))
        self._status("demand", node, demand, demand.get("status", "open"), demand.get("as_of", self.meta["published"]))

    def _position(self, position: dict[str, Any]) -> None:
        # A position without as_of holds as of the article's date.
        position = {"as_of": self.meta["published"], **position}
        proposal = self.proposal_names.get(position["proposal"], position["proposal"])
        label = (
            f"{self._actor_name(position['actor'])} {position['stance'].replace('-', ' ')} {proposal} "
            f"({position['as_of']})"
        )
        self._fact("position", position, (_CF.Position,), label)

    def _response(self, response: dict[str, Any]) -> None:
        # A response without as_of holds as of the article's date.
        response = {"as_of": self.meta["published"], **response}
        demand = _shorten(self.demand_texts.get(response["demand"], response["demand"]), 60)
        label = (
            f"{self._actor_name(response['actor'])} {response['stance'].replace('-', ' ')} “{demand}” "
            f"({response['as_of']})"
        )
        self._fact("response", response, (_CF.Response,), label)

    def _claim(self, claim: dict[str, Any]) -> None:
        # A claim without a date is made on the article's date.
        claim = {"date": self.meta["published"], **claim}
        label = claim.get("text") or _shorten(claim["quote"])
        self._fact("claim", claim, (_CF.Claim, CLAIM_CLASSES[claim["type"]]), label)

    def _event(self, event: dict[str, Any]) -> None:
        # An event over several days is labelled with both ends: "talks 2025-04-09 to 2025-04-10".
        days = " to ".join(event[name] for name in ("date", "end_date") if name in event)
        label = event.get("name") or f"{event['type'].replace('-', ' ')} {days}".strip()
        node = self._fact("event", event, (_CF.Event,), label)
        if "status" in event:
            self._status("event", node, event, event["status"], self._status_since("events", event))


def _shorten(text: str, limit: int = 80) -> str:
    """A caption-length version of a long text, cut at a word boundary."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0] + "…"
