"""Check what the JSON Schema cannot about an event: its fields against each other.

An event over several days ends on or after its first day; ``format`` belongs
to talks and meetings, and proximity talks name the mediators who carried the
messages; ``authorship`` says whether ``by`` is alleged, so it needs a ``by``.
Whether the dates are real dates, and whether ``according_to`` names known
actors, is checked with the other dates and references in
:mod:`ceasefire_kg.loaders.checks`.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import TYPE_CHECKING, Any

from ceasefire_kg.errors import Problem

if TYPE_CHECKING:
    # Only for annotations: checks.py runs these checks, so it imports this module.
    from ceasefire_kg.loaders.checks import ArticleFile

logger = logging.getLogger(__name__)

#: Event types that may say whether the sides met (``format``).
TALKS_TYPES = ("meeting", "talks")


def _real_date(value: object) -> date | None:
    """The date a field holds; None when absent or not a real date (the date checks report that)."""
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def check_events(article: ArticleFile) -> list[Problem]:
    """Check the well-formed fields of an article's events against each other.

    Args:
        article: The article; its malformed values are reported already and
            count as present, so that nothing is reported twice.

    Returns:
        A problem for each event whose fields do not fit together.
    """
    problems: list[Problem] = []
    for index, event in article.entries("events"):
        present = set(event) | {
            path[2] for path in article.malformed if path[:2] == ("events", index) and len(path) > 2
        }
        for name, message, hint in _mismatches(event, present):
            problems.append(article.source.problem(("events", index, name), message, hint, field_name=name))
    return problems


def _mismatches(event: dict[str, Any], present: set[Any]) -> list[tuple[str, str, str]]:
    """``(field, what is wrong, how to fix it)`` for each field of the event that does not fit the others."""
    found = []
    if "end_date" in event:
        start, end = _real_date(event.get("date")), _real_date(event["end_date"])
        if "date" not in present:
            found.append(
                (
                    "end_date",
                    f"end_date {event['end_date']} is given without a 'date'.",
                    "Add 'date:' with the event's first day.",
                )
            )
        elif start and end and end < start:
            found.append(
                (
                    "end_date",
                    f"end_date {end} is before date {start}.",
                    "An event over several days ends on or after its first day ('date'): swap or correct the dates.",
                )
            )
    event_type = event.get("type")
    if "format" in event and event_type is not None and event_type not in TALKS_TYPES:
        found.append(
            (
                "format",
                f"format is for talks and meetings, not for a '{event_type}'.",
                "Remove 'format:', or make the event talks or a meeting.",
            )
        )
    elif event.get("format") == "proximity" and "mediators" not in present:
        found.append(
            (
                "format",
                "proximity talks name no mediators.",
                "Add 'mediators:' with who carried the messages between the sides, "
                "or write 'format: direct' if the sides met.",
            )
        )
    if "authorship" in event and "by" not in present:
        found.append(
            (
                "authorship",
                f"authorship '{event['authorship']}' is given, but the event names no 'by'.",
                "Add 'by:' with whom the event is attributed to, or remove 'authorship:'.",
            )
        )
    return found
