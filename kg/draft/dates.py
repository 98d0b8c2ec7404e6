"""Dates in a sentence, resolved against the article's publication date.

News reports date things relative to the day they appear: "on Tuesday" is the
last Tuesday on or before publication, "overnight" the night before, "April 9"
the nearest April 9 not more than two months ahead. The standard library is
enough for these few forms; a general parser (python-dateutil) reads "Tuesday"
as the next Tuesday and knows nothing of "overnight", so it would add a
dependency without doing the part that matters here.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date, timedelta

logger = logging.getLogger(__name__)

_WEEKDAYS = {
    name: number
    for number, name in enumerate(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])
}
_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH_NAME = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
#: "March 24", "Sept. 5-7", "May 9 and 10", "9 April", "on Monday night", "last Sunday", "overnight".
_DATE = re.compile(
    rf"\b(?P<month>{_MONTH_NAME}) (?P<day>\d{{1,2}})(?:(?:-| and | to )(?P<day_end>\d{{1,2}}))?\b(?:, (?P<year>\d{{4}}))?"
    rf"|\b(?P<day2>\d{{1,2}})(?:-(?P<day2_end>\d{{1,2}}))? (?P<month2>{_MONTH_NAME})(?: (?P<year2>\d{{4}}))?\b"
    r"|\b(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
    r"|\b(?P<relative>overnight|yesterday|today|tonight|tomorrow|this morning|earlier this week)\b"
    r"|\b(?P<iso>\d{4}-\d{2}-\d{2})\b"
)


@dataclass(frozen=True)
class DateMention:
    """A date the text gives.

    Attributes:
        start: Offset of the expression within the sentence.
        end: Offset just past it.
        day: The (first) day it names.
        last_day: The last day of a range ("Sept. 5-7"), else None.
    """

    start: int
    end: int
    day: date
    last_day: date | None = None


def find_dates(sentence: str, published: date) -> list[DateMention]:
    """The dates a (folded) sentence gives, resolved against the publication date, in order."""
    found: list[DateMention] = []
    for match in _DATE.finditer(sentence):
        mention = _resolve(match, published)
        if mention is not None:
            found.append(mention)
    return found


def _resolve(match: re.Match[str], published: date) -> DateMention | None:
    groups = match.groupdict()
    start, end = match.start(), match.end()
    try:
        if groups["iso"]:
            return DateMention(start, end, date.fromisoformat(groups["iso"]))
        if groups["month"] or groups["month2"]:
            month = _MONTHS[(groups["month"] or groups["month2"]).rstrip(".").lower()[:3]]
            day = int(groups["day"] or groups["day2"])
            last = groups["day_end"] or groups["day2_end"]
            year_text = groups["year"] or groups["year2"]
            year = int(year_text) if year_text else _nearest_year(published, month, day)
            first = date(year, month, day)
            last_day = date(year, month, int(last)) if last and int(last) > day else None
            return DateMention(start, end, first, last_day)
    except (ValueError, KeyError):
        return None  # "Feb. 30": no such day; the analyst dates the fact.
    if groups["weekday"]:
        weekday = _WEEKDAYS[groups["weekday"].lower()]
        back = (published.weekday() - weekday) % 7
        return DateMention(start, end, published - timedelta(days=back))
    relative = groups["relative"]
    offsets = {"overnight": -1, "yesterday": -1, "today": 0, "tonight": 0, "this morning": 0, "tomorrow": 1}
    if relative in offsets:
        return DateMention(start, end, published + timedelta(days=offsets[relative]))
    return None


def _nearest_year(published: date, month: int, day: int) -> int:
    """The year that puts month/day nearest the publication, not more than two months ahead (reports look back)."""
    try:
        candidate = date(published.year, month, day)
    except ValueError:
        return published.year
    return published.year - 1 if (candidate - published).days > 60 else published.year


def parse_publication_date(value: str) -> date:
    """A publication date written YYYY-MM-DD.

    Raises:
        ValueError: With a message saying what is wrong.
    """
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError(f"'{value}' is not written YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise ValueError(f"'{value}' is not a real date ({error})") from None
