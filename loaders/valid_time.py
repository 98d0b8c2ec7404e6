"""Valid time of statuses: the date a proposal's or event's status holds from (see docs/time.md).

An article may say when a status took hold ("the truce took effect on April
10"): ``status_since`` says it outright; else the date field that goes with the
status (``effective_from`` for ``in-force``, ...); else the article's
publication date. That date can never be after the publication: an article
reports the past and the present.
"""

from __future__ import annotations

from datetime import date
from typing import Any

#: For a status without ``status_since``: the field that gives the date it holds from.
STATUS_DATE_FIELDS: dict[str, dict[str, str]] = {
    "proposals": {
        "in-force": "effective_from",
        "agreed": "declared_on",
        "collapsed": "ended_on",
        "lapsed": "ended_on",
        "proposed": "proposed_on",
    },
    "events": {"held": "date"},
}


def status_date_field(section: str, fact: dict[str, Any]) -> str | None:
    """The field giving the date a proposal's or event's status holds from; None: the publication date.

    Args:
        section: ``proposals`` or ``events``.
        fact: The fact, with a ``status``.
    """
    if "status_since" in fact:
        return "status_since"
    field_name = STATUS_DATE_FIELDS.get(section, {}).get(fact.get("status", ""))
    return field_name if field_name is not None and field_name in fact else None


def future_status_problem(
    section: str, fact: dict[str, Any], dates: dict[str, date | None], published: date | None
) -> tuple[str, str, str] | None:
    """Why a status cannot hold from the date it would, if it holds from after the publication.

    Args:
        section: ``proposals`` or ``events``.
        fact: The fact, with a ``status``.
        dates: Its date fields, parsed (None where not a real date).
        published: The article's publication date.

    Returns:
        ``(field, what is wrong, how to fix it)``, or None when the date is fine.
    """
    field_name = status_date_field(section, fact)
    since = dates.get(field_name) if field_name else None
    if field_name is None or since is None or published is None or since <= published:
        return None
    status = fact["status"]
    if field_name == "status_since":
        hint = (
            f"An article can only report a status that holds by its own date: give status_since on or "
            f"before {published}, or correct the status."
        )
    else:
        hint = (
            f"A status {status} without status_since holds from {field_name}, and an article can only report "
            f"a status that holds by its own date: give status_since (on or before {published}), correct "
            f"{field_name}, or correct the status."
        )
    message = f"the status {status} holds from {field_name} {since}, after the article was published ({published})."
    return field_name, message, hint
