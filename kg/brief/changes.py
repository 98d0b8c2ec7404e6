"""What changed between two dates: new and changed positions, demands and proposals, from rows already read.

A change is dated by when it happened (its valid date, as the articles give it),
as known on the brief's date: a withdrawal reported late still shows, on the
day it happened. The rows are the brief's ``position-history`` and ``timeline``
rows, so nothing more is asked of the back end.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

#: The kinds of change, in the order the brief lists them.
CHANGE_KINDS = ("new", "changed", "withdrawn", "met")


@dataclass(frozen=True)
class Change:
    """One change between ``since`` (excluded) and the brief's date (included).

    Attributes:
        date: When it happened.
        kind: ``new``, ``changed``, ``withdrawn`` or ``met``.
        subject: ``position``, ``demand`` or ``proposal``.
        what: The demand's text, the proposal's name, or ``side on proposal``.
        detail: What it is now, and what it was before (``rejects → conditionally-accepts``).
        quote: The quote that reports it.
        article: The article id of the quote.
    """

    date: dt.date
    kind: str
    subject: str
    what: str
    detail: str
    quote: str
    article: str


def changes_between(
    history: list[dict[str, Any]], timeline: list[dict[str, Any]], since: dt.date, until: dt.date
) -> list[Change]:
    """The changes dated after ``since`` and on or before ``until``, oldest first.

    Args:
        history: ``position-history`` rows (columns since, actor, proposal, stance, conditions, quote, article).
        timeline: ``timeline`` rows (columns date, kind, what, status, quote, article, id).
        since: Changes dated on or before it are not listed.
        until: Nor those dated after it.
    """
    found = _position_changes(history, since, until) + _status_changes(timeline, since, until)
    return sorted(found, key=lambda c: (c.date, CHANGE_KINDS.index(c.kind), c.subject, c.what, c.detail))


def _in_window(date: dt.date | None, since: dt.date, until: dt.date) -> bool:
    return date is not None and since < date <= until


def _position_changes(history: list[dict[str, Any]], since: dt.date, until: dt.date) -> list[Change]:
    by_pair: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for row in history:
        by_pair[(row["actor"], row["proposal"])].append(row)
    found = []
    for (side, proposal), rows in by_pair.items():
        rows.sort(key=lambda r: (r["since"] or dt.date.min, r["position_id"]))
        for number, row in enumerate(rows):
            if not _in_window(row["since"], since, until):
                continue
            earlier = [r for r in rows[:number] if r["since"] is not None and r["since"] < row["since"]]
            now = _stance(row)
            what = f"{side} on {proposal}"
            if not earlier:
                found.append(Change(row["since"], "new", "position", what, now, row["quote"], row["article"]))
                continue
            before = _stance(earlier[-1])
            if before != now:
                found.append(
                    Change(row["since"], "changed", "position", what, f"{before} → {now}", row["quote"], row["article"])
                )
    return found


def _stance(row: dict[str, Any]) -> str:
    conditions = row.get("conditions") or []
    return f"{row['stance']} (if: {'; '.join(conditions)})" if conditions else str(row["stance"])


def _status_changes(timeline: list[dict[str, Any]], since: dt.date, until: dt.date) -> list[Change]:
    by_fact: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for row in timeline:
        if row["kind"] in ("demand", "proposal") and row["status"]:
            by_fact[(row["kind"], row["id"])].append(row)
    found = []
    for (kind, _), rows in by_fact.items():
        rows.sort(key=lambda r: (r["date"] or dt.date.min, r["status"]))
        for number, row in enumerate(rows):
            if not _in_window(row["date"], since, until):
                continue
            earlier = [r for r in rows[:number] if r["date"] is not None and r["date"] < row["date"]]
            status = str(row["status"])
            before = str(earlier[-1]["status"]) if earlier else None
            if status == before:
                continue
            if kind == "demand" and status in ("withdrawn", "met"):
                change_kind = status
            elif before is None:
                change_kind = "new"
            else:
                change_kind = "changed"
            detail = status if before is None else f"{before} → {status}"
            found.append(Change(row["date"], change_kind, kind, str(row["what"]), detail, row["quote"], row["article"]))
    return found
