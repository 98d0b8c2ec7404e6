"""Dates resolved against the publication date."""

from __future__ import annotations

from datetime import date

import pytest

from ceasefire_kg.draft.dates import find_dates, parse_publication_date

PUBLISHED = date(2026, 9, 19)  # a Saturday


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("took effect on Thursday", date(2026, 9, 17), None),
        ("said on Saturday", date(2026, 9, 19), None),  # the day of publication
        ("He had said last Sunday", date(2026, 9, 13), None),
        ("after overnight shelling", date(2026, 9, 18), None),
        ("yesterday", date(2026, 9, 18), None),
        ("talks in Lisk on Sept. 5-7", date(2026, 9, 5), date(2026, 9, 7)),
        ("on May 9 and 10", date(2026, 5, 9), date(2026, 5, 10)),
        ("on 9 April 2025", date(2025, 4, 9), None),
        ("since Dec. 24", date(2025, 12, 24), None),  # more than half a year ahead: the year before
        ("due to end on Oct. 2", date(2026, 10, 2), None),  # a little ahead: this year
    ],
)
def test_dates_resolve_against_publication(text: str, first: date, last: date | None) -> None:
    (found,) = find_dates(text, PUBLISHED)

    assert (found.day, found.last_day) == (first, last)
    assert text[found.start : found.end]


def test_an_impossible_date_is_left_out() -> None:
    assert find_dates("on Feb. 30", PUBLISHED) == []


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("19/09/2026", "'19/09/2026' is not written YYYY-MM-DD"),
        ("2026-13-01", "'2026-13-01' is not a real date (month must be in 1..12)"),
    ],
)
def test_a_bad_publication_date_says_what_is_wrong(value: str, message: str) -> None:
    with pytest.raises(ValueError) as error:
        parse_publication_date(value)

    assert str(error.value) == message
