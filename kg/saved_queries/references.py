"""Parameters that name nothing: the ids a question was asked about that the data does not hold."""

from __future__ import annotations

import difflib
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from ceasefire_kg.errors import CkgError
from ceasefire_kg.saved_queries.definitions import IRI_KINDS, Parameter, SavedQuery, or_list

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class MissingReference:
    """A parameter that names an actor, proposal, fact, ... the data does not hold.

    Attributes:
        parameter: The parameter's name.
        given: The id as given (the IRI when it is not in the kind's namespace).
        kind: What it should name: an IRI kind such as ``actor``, ``fact`` or ``resource``.
        closest: The known ids closest to it, best first; empty when none is close.
    """

    parameter: str
    given: str
    kind: str
    closest: tuple[str, ...] = ()

    def describe(self, backend: str) -> str:
        """Say what is missing where, and what may have been meant.

        Args:
            backend: ``local`` or ``neo4j``, as in :attr:`QueryResult.backend`.
        """
        where = "the embedded store" if backend == "local" else "the Neo4j database"
        text = f"No {self.kind} with the id or IRI '{self.given}' exists in {where} (-p {self.parameter})."
        if self.closest:
            text += f" Did you mean {or_list([repr(known) for known in self.closest])}?"
        return text


class Lookup(Protocol):
    """What the existence check needs of a backend: cheap lookups by IRI and by fact id."""

    def has_iri(self, iri: str) -> bool: ...

    def has_fact_id(self, fact_id: str) -> bool: ...

    def iris_in(self, namespace: str) -> list[str]: ...

    def fact_ids(self) -> list[str]: ...


def missing_references(query: SavedQuery, values: Mapping[str, Any], lookup: Lookup) -> list[MissingReference]:
    """The parameters among ``values`` that name an IRI or fact id the backend does not hold.

    Meant for an empty answer: it tells a typo in an id from a question with no answer.

    Args:
        query: The query.
        values: Values from :meth:`SavedQuery.bind`, of the parameters to check.
        lookup: The backend's lookups.
    """
    missing: list[MissingReference] = []
    try:
        for parameter in query.parameters:
            value = values.get(parameter.name)
            if value is None or parameter.type not in ("iri", "fact-id"):
                continue
            reference = _missing_reference(parameter, str(value), lookup)
            if reference is not None:
                missing.append(reference)
    except (CkgError, OSError, RuntimeError, ValueError) as error:
        # Only a hint about an answer already given: a backend that fails now goes without it.
        logger.info("Could not check whether the parameters name known resources: %s", error)
        return []
    return missing


def _missing_reference(parameter: Parameter, value: str, lookup: Lookup) -> MissingReference | None:
    if parameter.type == "fact-id" and ":" not in value:
        if lookup.has_fact_id(value):
            return None
        return MissingReference(parameter.name, value, "fact", _closest(value, lookup.fact_ids()))
    if lookup.has_iri(value):
        return None
    if parameter.type == "fact-id":
        # An IRI given for a fact: suggest fact ids close to its last segment.
        given = value.rstrip("/").rsplit("/", 1)[-1]
        return MissingReference(parameter.name, value, "fact", _closest(given, lookup.fact_ids()))
    if parameter.kind is None:
        return MissingReference(parameter.name, value, "resource")
    namespace = IRI_KINDS[parameter.kind]("")
    if not value.startswith(namespace):
        return MissingReference(parameter.name, value, parameter.kind)
    known = [iri[len(namespace) :] for iri in lookup.iris_in(namespace)]
    given = value[len(namespace) :]
    return MissingReference(parameter.name, given, parameter.kind, _closest(given, known))


def _closest(given: str, known: Iterable[str]) -> tuple[str, ...]:
    return tuple(difflib.get_close_matches(given, sorted(set(known)), n=3, cutoff=0.6))
