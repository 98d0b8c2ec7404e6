"""Message helpers shared by every error."""

from __future__ import annotations

from ceasefire_kg.errors import clause


def test_clause_drops_closing_periods() -> None:
    assert clause("authentication failure.") == "authentication failure"
    assert clause(" ran). \n") == "ran)"
    assert clause("no period") == "no period"
