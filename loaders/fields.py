"""Which fields of a fact file name other facts, and which hold dates: the tables the checks read."""

from __future__ import annotations

#: Fields that refer to other things: (section, field) -> kind referred to.
REFERENCE_FIELDS: dict[tuple[str, str], str] = {
    ("actors", "represents"): "actor",
    ("actors", "member_of"): "actor",
    ("scopes", "broader"): "scope",
    ("proposals", "proposed_by"): "actor",
    ("proposals", "parties"): "actor",
    ("proposals", "mediators"): "actor",
    ("proposals", "scope"): "scope",
    ("proposals", "according_to"): "actor",
    ("demands", "by"): "actor",
    ("demands", "of"): "actor",
    ("demands", "about"): "actor",
    ("positions", "actor"): "actor",
    ("positions", "proposal"): "proposal",
    ("positions", "conditions"): "demand",
    ("positions", "supersedes"): "position",
    ("positions", "according_to"): "actor",
    ("claims", "by"): "actor",
    ("claims", "accused"): "actor",
    ("claims", "proposal"): "proposal",
    ("claims", "events"): "event",
    ("claims", "scopes"): "scope",
    ("claims", "denies"): "claim",
    ("claims", "according_to"): "actor",
    ("events", "by"): "actor",
    ("events", "participants"): "actor",
    ("events", "targets"): "actor",
    ("events", "mediators"): "actor",
    ("events", "concerns"): "proposal",
    ("events", "according_to"): "actor",
    ("responses", "actor"): "actor",
    ("responses", "demand"): "demand",
    ("responses", "conditions"): "demand",
    ("responses", "supersedes"): "response",
    ("responses", "according_to"): "actor",
}  # demands' precondition_for names a proposal, a demand or an event: see demand_checks.

DATE_FIELDS: dict[str, tuple[str, ...]] = {
    "proposals": ("status_since", "proposed_on", "declared_on", "effective_from", "ended_on"),
    "demands": ("as_of",),
    "positions": ("as_of",),
    "claims": ("date",),
    "events": ("status_since", "date", "end_date"),
    "responses": ("as_of",),
}
