"""Rules a fact of one kind must follow that the JSON Schema does not say.

What each type of claim requires is in the schema (``charge`` for an
accusation, ``proposal`` for a terms-interpretation); this module checks what
the schema cannot say clearly: fields a type of claim does not take, a reading
of terms that names no term, and an attribution of a status that is not given.
Each problem names its file, line, fact and field and says how to fix it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ceasefire_kg.errors import Problem

if TYPE_CHECKING:
    # Only for annotations: checks.py runs these rules, so it imports this module.
    from ceasefire_kg.loaders.checks import ArticleFile

logger = logging.getLogger(__name__)

#: Claim fields that only some types of claim take: field -> those types.
#: A violation-accusation's charge is always a violation, so it takes no ``charge``.
CLAIM_TYPE_FIELDS: dict[str, tuple[str, ...]] = {
    "charge": ("accusation",),
    "includes": ("terms-interpretation",),
    "excludes": ("terms-interpretation",),
}


def check_fact_rules(article: ArticleFile) -> list[Problem]:
    """Check the well-formed facts of an article against the rules of their kind.

    Args:
        article: The article, its malformed values marked (they are already
            reported, so the rules pass over them).

    Returns:
        A problem for each broken rule, in the order of the file's sections.
    """
    return [*_claim_type_problems(article), *_attributed_status_problems(article)]


def _claim_type_problems(article: ArticleFile) -> Iterator[Problem]:
    """Claim fields that the claim's type does not take, and readings of terms that name no term."""
    source = article.source
    for index, claim in article.entries("claims"):
        claim_type = claim.get("type")
        if claim_type is None:
            continue  # Missing or malformed, already reported.
        for name, types in CLAIM_TYPE_FIELDS.items():
            if name not in claim or claim_type in types:
                continue
            kinds = " or ".join(f"'{kind}'" for kind in types)
            hint = (
                "A violation-accusation always charges a violation: remove 'charge:'."
                if (name, claim_type) == ("charge", "violation-accusation")
                else f"Remove '{name}:', or change the claim's type to {kinds}."
            )
            yield source.problem(
                ("claims", index, name),
                f"'{name}' applies only to claims of type {kinds}, not to a {claim_type}.",
                hint,
                field_name=name,
            )
        if claim_type != "terms-interpretation" or claim.get("includes") or claim.get("excludes"):
            continue
        written = article.facts("claims")[index]
        if any(name in written and name not in claim for name in ("includes", "excludes")):
            continue  # A malformed list, already reported.
        given = next((name for name in ("includes", "excludes") if name in claim), None)
        yield source.problem(
            ("claims", index) if given is None else ("claims", index, given),
            "a terms-interpretation names no term: it needs 'includes:' or 'excludes:' (or both), "
            "with at least one term.",
            "List the terms the claimant reads the deal as including under 'includes:', "
            "and those it reads as left out under 'excludes:'.",
            field_name=given or "includes",
        )


def _attributed_status_problems(article: ArticleFile) -> Iterator[Problem]:
    """A proposal's ``according_to`` without a status: it says whose account the status is."""
    for index, proposal in article.entries("proposals"):
        # A malformed status (already reported) is still given.
        if proposal.get("according_to") and "status" not in article.facts("proposals")[index]:
            yield article.source.problem(
                ("proposals", index, "according_to"),
                "'according_to' says whose account the proposal's status is, but the proposal has no 'status:'.",
                "Add the 'status:' that account gives, or remove 'according_to:'.",
                field_name="according_to",
            )
