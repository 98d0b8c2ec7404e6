"""Dates as the Neo4j driver sends them, made once per date.

The driver turns every ``date`` parameter into a PackStream structure (tag
``D``, days since 1970-01-01) with a hook written in Python that builds the
driver's own ``Date`` for 1970-01-01 on each call: for a first push, which
sends a ``known`` date with most nodes and relationships, that was a third of
the time spent packing the rows. A push uses few distinct dates (the
articles' publication dates, the dates in the data), so :class:`WireDates`
makes each one's structure once and the rows carry it; the driver packs a
structure as it stands. Should the driver no longer offer that structure, the
rows carry the dates themselves, as before.
"""

from __future__ import annotations

import datetime
from typing import Any

try:  # the driver's PackStream structure: not a public name, hence the fallback
    from neo4j._codec.packstream import Structure
except ImportError:  # pragma: no cover - depends on the driver's version
    Structure = None

_EPOCH_ORDINAL = datetime.date(1970, 1, 1).toordinal()
_DATE_TAG = b"D"


class WireDates:
    """Turns dates into what the driver packs for them; each distinct date once."""

    def __init__(self) -> None:
        self._made: dict[Any, Any] = {}

    def __call__(self, value: Any) -> Any:
        """The value to put in a row for a date (``datetime.date`` or the driver's ``Date``)."""
        made = self._made.get(value)
        if made is None:
            if Structure is None:
                return value
            # One key per type: a datetime.date and the driver's Date of one day hash apart.
            made = self._made[value] = Structure(_DATE_TAG, value.toordinal() - _EPOCH_ORDINAL)
        return made
