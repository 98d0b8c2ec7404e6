"""Turn checked article-fact files into RDF, one named graph per article.

IRIs are derived from the readable ids only, so the same files always give the
same triples, and the same id in two articles names the same resource: the
union of the article graphs merges what they say, and dropping one article's
graph removes exactly what only that article asserted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from ceasefire_kg.loaders.checks import ArticleFile, CheckedCorpus, RegistryFile
from ceasefire_kg.namespaces import (
    CF,
    ETYPE,
    OA,
    SCHEMA,
    STANCE,
    STATUS,
    article_graph_iri,
    entity_iri,
    issue_iri,
    quote_iri,
    registry_graph_iri,
    scope_iri,
    status_record_iri,
)

Triple = tuple[URIRef, URIRef, URIRef | Literal]

ACTOR_CLASSES = {"person": CF.Person, "state": CF.State, "organization": CF.Organization, "alliance": CF.Alliance}
PROPOSAL_CLASSES = {"ceasefire": CF.Ceasefire, "truce": CF.Truce, "agreement": CF.Agreement}
CLAIM_CLASSES = {
    "violation-accusation": CF.ViolationAccusation,
    "scope-interpretation": CF.ScopeInterpretation,
    "forecast": CF.Forecast,
    "denial": CF.Denial,
    "statement": CF.Statement,
}


@dataclass
class NamedGraph:
    """The triples one source (an article or a registry) asserts.

    Attributes:
        iri: The named graph.
        source: The file it came from, for messages.
        triples: Its triples, without duplicates, in a stable order.
    """

    iri: URIRef
    source: str
    triples: list[Triple] = field(default_factory=list)


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
    return NamedGraph(registry_graph_iri(registry.registry_id), registry.source.name, builder.finish())


def article_graph(article: ArticleFile) -> NamedGraph:
    """Build the graph of everything one article asserts."""
    return NamedGraph(
        article_graph_iri(article.article_id), article.source.name, _ArticleBuilder(article).build()
    )


def _date(value: str) -> Literal:
    return Literal(value, datatype=XSD.date)


def _text(value: str) -> Literal:
    return Literal(value)


class _Builder:
    def __init__(self) -> None:
        self._triples: dict[Triple, None] = {}

    def add(self, subject: URIRef, predicate: URIRef, obj: URIRef | Literal) -> None:
        self._triples[(subject, predicate, obj)] = None

    def add_all(self, subject: URIRef, predicate: URIRef, objects: Iterable[URIRef | Literal]) -> None:
        for obj in objects:
            self.add(subject, predicate, obj)

    def finish(self) -> list[Triple]:
        return list(self._triples)

    def actor(self, actor: dict[str, Any]) -> URIRef:
        iri = entity_iri("actor", actor["id"])
        self.add_all(iri, RDF.type, (CF.Actor, ACTOR_CLASSES[actor["type"]]))
        self.add(iri, RDFS.label, _text(actor["name"]))
        self.add(iri, CF.factId, _text(actor["id"]))
        self.add_all(iri, SKOS.altLabel, map(_text, actor.get("aliases", [])))
        if "role" in actor:
            self.add(iri, CF.role, _text(actor["role"]))
        if "represents" in actor:
            self.add(iri, CF.represents, entity_iri("actor", actor["represents"]))
        self.add_all(iri, CF.memberOf, (entity_iri("actor", ref) for ref in actor.get("member_of", [])))
        return iri


class _ArticleBuilder(_Builder):
    def __init__(self, article: ArticleFile) -> None:
        super().__init__()
        self.article = article
        self.meta = article.data["article"]
        self.article_iri = entity_iri("article", article.article_id)
        self.actor_names = article.actor_names()
        self.proposal_names = {p["id"]: p["name"] for p in article.facts("proposals")}

    def build(self) -> list[Triple]:
        self._article()
        for actor in self.article.facts("actors"):
            self.add(self.actor(actor), PROV.wasDerivedFrom, self.article_iri)
        for scope in self.article.facts("scopes"):
            self._scope(scope)
        for proposal in self.article.facts("proposals"):
            self._proposal(proposal)
        for demand in self.article.facts("demands"):
            self._demand(demand)
        for position in self.article.facts("positions"):
            self._position(position)
        for claim in self.article.facts("claims"):
            self._claim(claim)
        for event in self.article.facts("events"):
            self._event(event)
        return self.finish()

    # -- shared pieces -------------------------------------------------

    def _article(self) -> None:
        iri, meta = self.article_iri, self.meta
        self.add(iri, RDF.type, CF.Article)
        self.add(iri, RDFS.label, _text(meta["title"]))
        self.add(iri, CF.factId, _text(meta["id"]))
        self.add(iri, DCTERMS.title, _text(meta["title"]))
        self.add(iri, CF.outlet, _text(meta["outlet"]))
        self.add(iri, DCTERMS.issued, _date(meta["published"]))
        if "url" in meta:
            self.add(iri, SCHEMA.url, Literal(meta["url"], datatype=XSD.anyURI))
        if "language" in meta:
            self.add(iri, DCTERMS.language, _text(meta["language"]))

    def _fact(self, kind: str, fact: dict[str, Any], classes: Iterable[URIRef], label: str) -> URIRef:
        iri = entity_iri(kind, fact["id"])
        self.add_all(iri, RDF.type, classes)
        self.add(iri, RDFS.label, _text(label))
        self.add(iri, CF.factId, _text(fact["id"]))
        self.add(iri, PROV.wasDerivedFrom, self.article_iri)
        quote = quote_iri(self.article.article_id, kind, fact["id"])
        self.add(iri, CF.evidence, quote)
        self.add(quote, RDF.type, CF.Quote)
        self.add(quote, OA.exact, _text(fact["quote"]))
        self.add(quote, CF.inArticle, self.article_iri)
        self.add(quote, RDFS.label, _text(_shorten(fact["quote"])))
        return iri

    def _refs(self, subject: URIRef, predicate: URIRef, kind: str, refs: str | list[str] | None) -> None:
        if refs is None:
            return
        for ref in [refs] if isinstance(refs, str) else refs:
            self.add(subject, predicate, entity_iri(kind, ref))

    def _status(self, kind: str, subject: URIRef, fact: dict[str, Any], status: str, as_of: str) -> None:
        record = status_record_iri(self.article.article_id, kind, fact["id"])
        self.add(subject, CF.statusRecord, record)
        self.add(record, RDF.type, CF.StatusRecord)
        self.add(record, CF.status, STATUS[status])
        self.add(record, CF.asOf, _date(as_of))
        self.add(record, PROV.wasDerivedFrom, self.article_iri)
        self.add(record, RDFS.label, _text(f"{status} as of {as_of}"))

    def _actor_name(self, ref: str) -> str:
        return self.actor_names.get(ref, ref)

    # -- facts ---------------------------------------------------------

    def _scope(self, scope: dict[str, Any]) -> None:
        iri = scope_iri(scope["id"])
        self.add(iri, RDF.type, SKOS.Concept)
        self.add(iri, SKOS.inScheme, CF.ScopeScheme)
        self.add(iri, SKOS.prefLabel, _text(scope["label"]))
        self.add(iri, SKOS.broader, scope_iri(scope["broader"]))
        if "definition" in scope:
            self.add(iri, SKOS.definition, _text(scope["definition"]))
        self.add(iri, PROV.wasDerivedFrom, self.article_iri)

    def _proposal(self, proposal: dict[str, Any]) -> None:
        iri = self._fact("proposal", proposal, (CF.Proposal, PROPOSAL_CLASSES[proposal["type"]]), proposal["name"])
        self._refs(iri, CF.proposedBy, "actor", proposal.get("proposed_by"))
        self._refs(iri, CF.party, "actor", proposal.get("parties"))
        self._refs(iri, CF.mediator, "actor", proposal.get("mediators"))
        self.add_all(iri, CF.scope, map(scope_iri, proposal.get("scope", [])))
        for name, predicate in (("proposed_on", CF.proposedOn), ("declared_on", CF.declaredOn),
                                ("effective_from", CF.effectiveFrom), ("ended_on", CF.endedOn)):
            if name in proposal:
                self.add(iri, predicate, _date(proposal[name]))
        if "duration_days" in proposal:
            self.add(iri, CF.durationDays, Literal(proposal["duration_days"], datatype=XSD.integer))
        if "conditional" in proposal:
            self.add(iri, CF.isConditional, Literal(proposal["conditional"]))
        if "form" in proposal:
            self.add(iri, CF.isWritten, Literal(proposal["form"] == "written"))
        if "status" in proposal:
            self._status("proposal", iri, proposal, proposal["status"], self.meta["published"])

    def _demand(self, demand: dict[str, Any]) -> None:
        iri = self._fact("demand", demand, (CF.Demand,), demand["text"])
        self.add(iri, CF.text, _text(demand["text"]))
        self._refs(iri, CF.demandedBy, "actor", demand["by"])
        self._refs(iri, CF.demandedOf, "actor", demand.get("of"))
        self._refs(iri, CF.preconditionFor, "proposal", demand.get("precondition_for"))
        if "issue" in demand:
            issue = issue_iri(demand["issue"])
            self.add(iri, CF.issue, issue)
            self.add(issue, RDF.type, SKOS.Concept)
            self.add(issue, SKOS.inScheme, CF.IssueScheme)
            self.add(issue, SKOS.prefLabel, _text(demand["issue"].replace("-", " ")))
        self._status("demand", iri, demand, demand.get("status", "open"), demand.get("as_of", self.meta["published"]))

    def _position(self, position: dict[str, Any]) -> None:
        as_of = position.get("as_of", self.meta["published"])
        proposal = self.proposal_names.get(position["proposal"], position["proposal"])
        label = f"{self._actor_name(position['actor'])} {position['stance'].replace('-', ' ')} {proposal} ({as_of})"
        iri = self._fact("position", position, (CF.Position,), label)
        self._refs(iri, CF.holder, "actor", position["actor"])
        self._refs(iri, CF.onProposal, "proposal", position["proposal"])
        self.add(iri, CF.stance, STANCE[position["stance"]])
        self.add(iri, CF.asOf, _date(as_of))
        self._refs(iri, CF.conditionedOn, "demand", position.get("conditions"))
        self._refs(iri, CF.supersedes, "position", position.get("supersedes"))

    def _claim(self, claim: dict[str, Any]) -> None:
        label = claim.get("text") or _shorten(claim["quote"])
        iri = self._fact("claim", claim, (CF.Claim, CLAIM_CLASSES[claim["type"]]), label)
        self._refs(iri, CF.claimant, "actor", claim["by"])
        self.add(iri, CF.date, _date(claim.get("date", self.meta["published"])))
        if "text" in claim:
            self.add(iri, CF.text, _text(claim["text"]))
        self._refs(iri, CF.accused, "actor", claim.get("accused"))
        self._refs(iri, CF.aboutProposal, "proposal", claim.get("proposal"))
        self._refs(iri, CF.allegedEvent, "event", claim.get("events"))
        self.add_all(iri, CF.claimedScope, map(scope_iri, claim.get("scopes", [])))
        self._refs(iri, CF.denies, "claim", claim.get("denies"))

    def _event(self, event: dict[str, Any]) -> None:
        label = event.get("name") or f"{event['type'].replace('-', ' ')} {event.get('date', '')}".strip()
        iri = self._fact("event", event, (CF.Event,), label)
        self.add(iri, CF.eventType, ETYPE[event["type"]])
        if "date" in event:
            self.add(iri, CF.date, _date(event["date"]))
        if "status" in event:
            self._status("event", iri, event, event["status"], self.meta["published"])
        for name, predicate in (("place", CF.place), ("venue", CF.venue), ("description", DCTERMS.description)):
            if name in event:
                self.add(iri, predicate, _text(event[name]))
        self._refs(iri, CF.initiator, "actor", event.get("by"))
        self._refs(iri, CF.participant, "actor", event.get("participants"))
        self._refs(iri, CF.target, "actor", event.get("targets"))
        self._refs(iri, CF.mediator, "actor", event.get("mediators"))
        self._refs(iri, CF.concerns, "proposal", event.get("concerns"))
        for name, predicate in (("prisoners", CF.prisoners), ("fatalities", CF.fatalities)):
            if name in event:
                self.add(iri, predicate, Literal(event[name], datatype=XSD.integer))


def _shorten(text: str, limit: int = 80) -> str:
    """A caption-length version of a long text, cut at a word boundary."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0] + "…"
