"""Every namespace and IRI pattern of ceasefire-kg, defined once.

The vocabulary namespaces are :class:`rdflib.namespace.DefinedNamespace`
subclasses with ``_fail = True``, so a misspelt term raises at import or call
time instead of minting a new IRI silently. ``tests/test_namespaces.py`` checks
them against ``schema/ontology.ttl`` in both directions.

The data written to the store, from the loader on, is made of pyoxigraph terms;
:func:`iri` is where an IRI of this module becomes one.
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD, DefinedNamespace

BASE = "https://w3id.org/ceasefire-kg/"

#: Scope concepts every store has; article files may add narrower ones.
BUILTIN_SCOPE_IDS = (
    "comprehensive",
    "partial",
    "infrastructure",
    "energy-infrastructure",
    "critical-infrastructure",
    "railway-infrastructure",
    "maritime",
    "geographic",
    "humanitarian",
)


class CF(DefinedNamespace):
    """The ceasefire-kg ontology: classes, properties and concept schemes."""

    _NS = Namespace(BASE + "ontology#")
    _fail = True

    # Classes
    Actor: URIRef
    Person: URIRef
    State: URIRef
    Organization: URIRef
    Alliance: URIRef
    Proposal: URIRef
    Ceasefire: URIRef
    Truce: URIRef
    Agreement: URIRef
    Demand: URIRef
    Position: URIRef
    Response: URIRef
    Claim: URIRef
    ViolationAccusation: URIRef
    Accusation: URIRef
    ScopeInterpretation: URIRef
    TermsInterpretation: URIRef
    Forecast: URIRef
    Denial: URIRef
    Statement: URIRef
    Event: URIRef
    Article: URIRef
    Quote: URIRef
    StatusRecord: URIRef

    # Concept schemes
    ScopeScheme: URIRef
    StanceScheme: URIRef
    ProposalStatusScheme: URIRef
    DemandStatusScheme: URIRef
    IssueScheme: URIRef
    EventStatusScheme: URIRef
    EventTypeScheme: URIRef
    CameoScheme: URIRef
    PloverScheme: URIRef
    ChargeScheme: URIRef

    # Properties
    represents: URIRef
    memberOf: URIRef
    role: URIRef
    proposedBy: URIRef
    party: URIRef
    mediator: URIRef
    scope: URIRef
    statusRecord: URIRef
    status: URIRef
    asOf: URIRef
    reportedOn: URIRef
    proposedOn: URIRef
    declaredOn: URIRef
    effectiveFrom: URIRef
    endedOn: URIRef
    durationDays: URIRef
    isConditional: URIRef
    isWritten: URIRef
    demandedBy: URIRef
    demandedOf: URIRef
    issue: URIRef
    preconditionFor: URIRef
    text: URIRef
    holder: URIRef
    onProposal: URIRef
    stance: URIRef
    conditionedOn: URIRef
    supersedes: URIRef
    # responses to demands; what a demand is about
    responder: URIRef
    toDemand: URIRef
    accordingTo: URIRef
    about: URIRef
    claimant: URIRef
    accused: URIRef
    aboutProposal: URIRef
    allegedEvent: URIRef
    claimedScope: URIRef
    denies: URIRef
    charge: URIRef
    includesTerm: URIRef
    excludesTerm: URIRef
    date: URIRef
    eventType: URIRef
    initiator: URIRef
    participant: URIRef
    target: URIRef
    concerns: URIRef
    place: URIRef
    venue: URIRef
    prisoners: URIRef
    fatalities: URIRef
    wounded: URIRef
    endDate: URIRef
    talksFormat: URIRef
    authorship: URIRef
    evidence: URIRef
    inArticle: URIRef
    factId: URIRef
    outlet: URIRef


class SCOPE(DefinedNamespace):
    """The built-in scope concepts. Article files may add narrower ones."""

    _NS = Namespace(BASE + "scope/")
    _fail = True
    _extras = list(BUILTIN_SCOPE_IDS)


class STANCE(DefinedNamespace):
    """Stances an actor can take on a proposal, or in response to a demand (``considers``)."""

    _NS = Namespace(BASE + "stance/")
    _fail = True
    _extras = ["accepts", "conditionally-accepts", "supports", "rejects", "ambiguous", "considers"]


class STATUS(DefinedNamespace):
    """Statuses of proposals, demands and events."""

    _NS = Namespace(BASE + "status/")
    _fail = True
    _extras = [
        "proposed",
        "agreed",
        "in-force",
        "lapsed",
        "collapsed",
        "open",
        "met",
        "withdrawn",
        "planned",
        "held",
    ]


class ETYPE(DefinedNamespace):
    """Event types, each mapped to CAMEO and PLOVER in the ontology."""

    _NS = Namespace(BASE + "event-type/")
    _fail = True
    _extras = [
        "call",
        "meeting",
        "talks",
        "strike",
        "attack",
        "prisoner-exchange",
        "aid-suspension",
        "ceasefire-declaration",
        "detainee-release",
        "blockade",
        "blockade-lifted",
        "mine-laying",
        "sanctions-imposed",
        "sanctions-lifted",
    ]


class OA(DefinedNamespace):
    """The W3C Web Annotation terms ckg uses (https://www.w3.org/TR/annotation-vocab/).

    A quote is an ``oa:TextQuoteSelector`` holding the article's characters in
    ``oa:exact``; when the text was at hand, it also has an ``oa:hasSelector``
    to an ``oa:TextPositionSelector`` with ``oa:start`` and ``oa:end``
    (character offsets, end exclusive; ``xsd:integer``, as Oxigraph stores the
    vocabulary's ``xsd:nonNegativeInteger``).
    """

    _NS = Namespace("http://www.w3.org/ns/oa#")
    _fail = True

    TextQuoteSelector: URIRef
    TextPositionSelector: URIRef
    ResourceSelection: URIRef
    hasSelector: URIRef
    exact: URIRef
    prefix: URIRef
    suffix: URIRef
    start: URIRef
    end: URIRef


class CHARGE(DefinedNamespace):
    """What an accusation charges the accused with."""

    _NS = Namespace(BASE + "charge/")
    _fail = True
    _extras = ["escalation", "deception", "violation", "attack-on-civilians", "bad-faith", "other"]


SCHEMA = Namespace("http://schema.org/")
SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
TIME = Namespace("http://www.w3.org/2006/time#")

#: Instance data: ``ID[kind/slug]``, built by :func:`entity_iri`.
ID = Namespace(BASE + "id/")
#: Named graphs: one per article, one per actor registry, one for the ontology.
GRAPH = Namespace(BASE + "graph/")
ISSUE = Namespace(BASE + "issue/")
SCHEMA_GRAPH = GRAPH["schema"]

#: Kinds of entity with an IRI ``{ID}{kind}/{slug}``; the set the loader uses.
ENTITY_KINDS = ("actor", "proposal", "demand", "position", "claim", "event", "article", "response")

#: Prefixes written by every serialization, so exports read and diff well.
PREFIXES: dict[str, str] = {
    "cf": str(CF._NS),
    "scope": str(SCOPE._NS),
    "stance": str(STANCE._NS),
    "status": str(STATUS._NS),
    "etype": str(ETYPE._NS),
    "charge": str(CHARGE._NS),
    "issue": str(ISSUE),
    **{kind: f"{ID}{kind}/" for kind in ENTITY_KINDS},
    "quote": f"{ID}quote/",
    "record": f"{ID}status-record/",
    "graph": str(GRAPH),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "prov": str(PROV),
    "dcterms": str(DCTERMS),
    "schema": str(SCHEMA),
    "oa": str(OA._NS),
    "sem": str(SEM),
    "time": str(TIME),
}


def iri(value: str) -> ox.NamedNode:
    """The pyoxigraph term of an IRI: a vocabulary term such as ``CF.Actor``, or one the functions below build.

    Raises:
        ValueError: If ``value`` is not a valid IRI.
    """
    return ox.NamedNode(value)


class Nodes:
    """The terms of a namespace as pyoxigraph terms, each made once: ``Nodes(CF).Actor``, ``Nodes(STANCE)["rejects"]``.

    A term is looked up in the namespace on first use, so a misspelt term of a
    :class:`DefinedNamespace` still raises; later uses cost an attribute lookup.

    Args:
        namespace: A namespace of this module or of :mod:`rdflib.namespace`.
    """

    def __init__(self, namespace: type[DefinedNamespace] | Namespace) -> None:
        self._namespace = namespace
        self._items: dict[str, ox.NamedNode] = {}

    def __getattr__(self, name: str) -> ox.NamedNode:
        if name.startswith("_"):
            raise AttributeError(name)
        node = iri(getattr(self._namespace, name))
        setattr(self, name, node)  # found as an attribute from now on, without this method
        return node

    def __getitem__(self, name: str) -> ox.NamedNode:
        node = self._items.get(name)
        if node is None:
            node = self._items[name] = iri(self._namespace[name])
        return node


def entity_iri(kind: str, slug: str) -> URIRef:
    """Return the IRI of an actor, proposal, demand, position, claim, event, article or response.

    Args:
        kind: One of :data:`ENTITY_KINDS`.
        slug: The readable id from the article file.

    Raises:
        ValueError: If ``kind`` is not a known kind.
    """
    if kind not in ENTITY_KINDS:
        raise ValueError(f"unknown entity kind {kind!r}")
    return URIRef(f"{ID}{kind}/{slug}")


def scope_iri(slug: str) -> URIRef:
    """Return the IRI of a scope concept, built-in or added by an article file."""
    return URIRef(f"{SCOPE._NS}{slug}")


def issue_iri(slug: str) -> URIRef:
    """Return the IRI of a negotiation issue concept."""
    return ISSUE[slug]


def quote_iri(article_slug: str, kind: str, fact_slug: str) -> URIRef:
    """Return the IRI of the quote that supports one fact in one article."""
    return URIRef(f"{ID}quote/{article_slug}.{kind}.{fact_slug}")


def quote_selector_iri(article_slug: str, kind: str, fact_slug: str) -> URIRef:
    """Return the IRI of where a quote is in its article's text (its ``oa:TextPositionSelector``)."""
    return URIRef(f"{quote_iri(article_slug, kind, fact_slug)}/selector")


def status_record_iri(article_slug: str, kind: str, fact_slug: str) -> URIRef:
    """Return the IRI of the status one article gives a proposal or demand."""
    return URIRef(f"{ID}status-record/{article_slug}.{kind}.{fact_slug}")


def article_graph_iri(article_slug: str) -> URIRef:
    """Return the named graph that holds everything one article asserts."""
    return GRAPH[f"article/{article_slug}"]


def registry_graph_iri(registry_slug: str) -> URIRef:
    """Return the named graph that holds one actor registry."""
    return GRAPH[f"registry/{registry_slug}"]
