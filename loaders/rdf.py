"""Turn checked article-fact files into RDF, one named graph per article.

IRIs are derived from the readable ids only, so the same files always give the
same triples, and the same id in two articles names the same resource: the
union of the article graphs merges what they say, and dropping one article's
graph removes exactly what only that article asserted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
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


Term = URIRef | Literal


def _date(value: str) -> Literal:
    return Literal(value, datatype=XSD.date)


def _text(value: str) -> Literal:
    return Literal(value)


def _integer(value: int) -> Literal:
    return Literal(value, datatype=XSD.integer)


def _boolean(value: bool) -> Literal:
    return Literal(value)


def _is_written(form: str) -> Literal:
    return Literal(form == "written")


def _ref(kind: str) -> Callable[[str], URIRef]:
    return lambda ref: entity_iri(kind, ref)


#: How the YAML fields of each kind of fact become properties of its resource:
#: ``(field, predicate, value -> RDF term)``, a list giving one triple per item.
#: The builders below write these triples from it; messages about a property
#: name the field it came from through :func:`yaml_field`. Labels made of
#: several fields, types, statuses and quotes are written by the builders.
FIELD_PREDICATES: dict[str, tuple[tuple[str, URIRef, Callable[[Any], Term]], ...]] = {
    "article": (
        ("title", RDFS.label, _text),
        ("title", DCTERMS.title, _text),
        ("outlet", CF.outlet, _text),
        ("published", DCTERMS.issued, _date),
        ("url", SCHEMA.url, lambda url: Literal(url, datatype=XSD.anyURI)),
        ("language", DCTERMS.language, _text),
    ),
    "actor": (
        ("name", RDFS.label, _text),
        ("aliases", SKOS.altLabel, _text),
        ("role", CF.role, _text),
        ("represents", CF.represents, _ref("actor")),
        ("member_of", CF.memberOf, _ref("actor")),
    ),
    "scope": (
        ("label", SKOS.prefLabel, _text),
        ("broader", SKOS.broader, scope_iri),
        ("definition", SKOS.definition, _text),
    ),
    "proposal": (
        ("name", RDFS.label, _text),
        ("proposed_by", CF.proposedBy, _ref("actor")),
        ("parties", CF.party, _ref("actor")),
        ("mediators", CF.mediator, _ref("actor")),
        ("scope", CF.scope, scope_iri),
        ("proposed_on", CF.proposedOn, _date),
        ("declared_on", CF.declaredOn, _date),
        ("effective_from", CF.effectiveFrom, _date),
        ("ended_on", CF.endedOn, _date),
        ("duration_days", CF.durationDays, _integer),
        ("conditional", CF.isConditional, _boolean),
        ("form", CF.isWritten, _is_written),
    ),
    "demand": (
        ("text", RDFS.label, _text),
        ("text", CF.text, _text),
        ("by", CF.demandedBy, _ref("actor")),
        ("of", CF.demandedOf, _ref("actor")),
        ("precondition_for", CF.preconditionFor, _ref("proposal")),
        ("issue", CF.issue, issue_iri),
    ),
    "position": (
        ("actor", CF.holder, _ref("actor")),
        ("proposal", CF.onProposal, _ref("proposal")),
        ("stance", CF.stance, lambda stance: STANCE[stance]),
        ("as_of", CF.asOf, _date),
        ("conditions", CF.conditionedOn, _ref("demand")),
        ("supersedes", CF.supersedes, _ref("position")),
    ),
    "claim": (
        ("by", CF.claimant, _ref("actor")),
        ("date", CF.date, _date),
        ("text", CF.text, _text),
        ("accused", CF.accused, _ref("actor")),
        ("proposal", CF.aboutProposal, _ref("proposal")),
        ("events", CF.allegedEvent, _ref("event")),
        ("scopes", CF.claimedScope, scope_iri),
        ("denies", CF.denies, _ref("claim")),
    ),
    "event": (
        ("type", CF.eventType, lambda event_type: ETYPE[event_type]),
        ("date", CF.date, _date),
        ("place", CF.place, _text),
        ("venue", CF.venue, _text),
        ("description", DCTERMS.description, _text),
        ("by", CF.initiator, _ref("actor")),
        ("participants", CF.participant, _ref("actor")),
        ("targets", CF.target, _ref("actor")),
        ("mediators", CF.mediator, _ref("actor")),
        ("concerns", CF.concerns, _ref("proposal")),
        ("prisoners", CF.prisoners, _integer),
        ("fatalities", CF.fatalities, _integer),
    ),
}

_FIELD_OF: dict[tuple[str, str], str] = {
    (kind, str(predicate)): name for kind, fields in FIELD_PREDICATES.items() for name, predicate, _ in fields
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
    return NamedGraph(article_graph_iri(article.article_id), article.source.name, _ArticleBuilder(article).build())


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

    def fields(self, kind: str, subject: URIRef, fact: dict[str, Any]) -> None:
        """Add the properties :data:`FIELD_PREDICATES` makes of a fact's fields."""
        for name, predicate, convert in FIELD_PREDICATES[kind]:
            value = fact.get(name)
            if value is None:
                continue
            for item in value if isinstance(value, list) else [value]:
                self.add(subject, predicate, convert(item))

    def actor(self, actor: dict[str, Any]) -> URIRef:
        iri = entity_iri("actor", actor["id"])
        self.add_all(iri, RDF.type, (CF.Actor, ACTOR_CLASSES[actor["type"]]))
        self.add(iri, CF.factId, _text(actor["id"]))
        self.fields("actor", iri, actor)
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
        self.add(iri, CF.factId, _text(meta["id"]))
        self.fields("article", iri, meta)

    def _fact(self, kind: str, fact: dict[str, Any], classes: Iterable[URIRef], label: str | None = None) -> URIRef:
        """Add what every fact has, and its fields; ``label`` when no field gives it."""
        iri = entity_iri(kind, fact["id"])
        self.add_all(iri, RDF.type, classes)
        if label is not None:
            self.add(iri, RDFS.label, _text(label))
        self.fields(kind, iri, fact)
        self.add(iri, CF.factId, _text(fact["id"]))
        self.add(iri, PROV.wasDerivedFrom, self.article_iri)
        quote = quote_iri(self.article.article_id, kind, fact["id"])
        self.add(iri, CF.evidence, quote)
        self.add(quote, RDF.type, CF.Quote)
        self.add(quote, OA.exact, _text(fact["quote"]))
        self.add(quote, CF.inArticle, self.article_iri)
        self.add(quote, RDFS.label, _text(_shorten(fact["quote"])))
        return iri

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
        self.fields("scope", iri, scope)
        self.add(iri, PROV.wasDerivedFrom, self.article_iri)

    def _proposal(self, proposal: dict[str, Any]) -> None:
        iri = self._fact("proposal", proposal, (CF.Proposal, PROPOSAL_CLASSES[proposal["type"]]))
        if "status" in proposal:
            self._status("proposal", iri, proposal, proposal["status"], self.meta["published"])

    def _demand(self, demand: dict[str, Any]) -> None:
        iri = self._fact("demand", demand, (CF.Demand,))
        if "issue" in demand:
            issue = issue_iri(demand["issue"])
            self.add(issue, RDF.type, SKOS.Concept)
            self.add(issue, SKOS.inScheme, CF.IssueScheme)
            self.add(issue, SKOS.prefLabel, _text(demand["issue"].replace("-", " ")))
        self._status("demand", iri, demand, demand.get("status", "open"), demand.get("as_of", self.meta["published"]))

    def _position(self, position: dict[str, Any]) -> None:
        # A position without as_of holds as of the article's date.
        position = {"as_of": self.meta["published"], **position}
        proposal = self.proposal_names.get(position["proposal"], position["proposal"])
        label = (
            f"{self._actor_name(position['actor'])} {position['stance'].replace('-', ' ')} {proposal} "
            f"({position['as_of']})"
        )
        self._fact("position", position, (CF.Position,), label)

    def _claim(self, claim: dict[str, Any]) -> None:
        # A claim without a date is made on the article's date.
        claim = {"date": self.meta["published"], **claim}
        label = claim.get("text") or _shorten(claim["quote"])
        self._fact("claim", claim, (CF.Claim, CLAIM_CLASSES[claim["type"]]), label)

    def _event(self, event: dict[str, Any]) -> None:
        label = event.get("name") or f"{event['type'].replace('-', ' ')} {event.get('date', '')}".strip()
        iri = self._fact("event", event, (CF.Event,), label)
        if "status" in event:
            self._status("event", iri, event, event["status"], self.meta["published"])


def _shorten(text: str, limit: int = 80) -> str:
    """A caption-length version of a long text, cut at a word boundary."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0] + "…"
