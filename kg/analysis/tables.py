"""The analyses' tabular results, formatted by the CLI like a saved query's."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Table:
    """Rows with named columns, formatted like a saved query's result."""

    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]] = field(default_factory=list)

    def records(self) -> list[dict[str, Any]]:
        """The rows as dictionaries keyed by column, in column order."""
        return [dict(zip(self.columns, row)) for row in self.rows]
