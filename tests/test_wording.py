"""Counts in ckg's sentences agree with their nouns."""

from __future__ import annotations

import pytest

from ceasefire_kg.wording import counted


@pytest.mark.parametrize(
    ("count", "expected"),
    [(0, "0 demands"), (1, "1 demand"), (2, "2 demands"), (1000, "1000 demands")],
)
def test_a_count_takes_the_noun_in_its_number(count: int, expected: str) -> None:
    assert counted(count, "demand") == expected


def test_an_irregular_plural_is_used_as_given() -> None:
    assert counted(3, "party", "parties") == "3 parties"
    assert counted(1, "party", "parties") == "1 party"
