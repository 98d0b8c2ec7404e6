"""Pages of an answer: a window of rows, pushed down into the query where its text allows.

A page is ``limit`` rows after skipping ``offset``. The back ends ask the engine
for one row more than the page holds, so that they can tell whether more rows
follow without counting them all (counting costs as much as answering). The
limit goes into the query text itself (Cypher ``SKIP``/``LIMIT``, SPARQL
``LIMIT``/``OFFSET``) when the query ends with its own top-level ``ORDER BY``,
as every saved query does: the engine then sorts only what the page needs.
Any other query (a file of the user's that already limits itself, or ends in
``VALUES``) is answered whole and cut in Python, with the same rows.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ceasefire_kg.errors import QueryParameterError

#: Cypher parameters that carry the page; no saved query may use these names.
OFFSET_PARAMETER = "ckgPageOffset"
LIMIT_PARAMETER = "ckgPageLimit"

_ORDER_BY = re.compile(r"\bORDER\s+BY\b", re.IGNORECASE)
# After the last ORDER BY, any of these means the query's end is not a plain ORDER BY clause.
_NOT_A_PLAIN_END = re.compile(r"\b(LIMIT|SKIP|OFFSET|VALUES|UNION|RETURN|WITH|CALL|MATCH)\b|[{}]", re.IGNORECASE)
_COMMENT_LINE = {"cypher": re.compile(r"^\s*//.*$", re.MULTILINE), "sparql": re.compile(r"^\s*#.*$", re.MULTILINE)}


@dataclass(frozen=True)
class Page:
    """A window of an answer's rows.

    Attributes:
        limit: How many rows at most; None for every row from ``offset`` on.
        offset: How many rows to skip first.
    """

    limit: int | None = None
    offset: int = 0

    def __post_init__(self) -> None:
        if self.limit is not None and self.limit < 1:
            raise QueryParameterError(f"A page holds at least one row: --limit {self.limit} is too small.")
        if self.offset < 0:
            raise QueryParameterError(f"--offset {self.offset} is negative: give 0 or more rows to skip.")

    @property
    def whole(self) -> bool:
        """Whether the page is the whole answer."""
        return self.limit is None and self.offset == 0


def limited_text(text: str, page: Page, language: Literal["cypher", "sparql"]) -> str | None:
    """The query with the page as its last modifiers, asking one row more than the page holds.

    Args:
        text: The Cypher or SPARQL text.
        page: The page; not the whole answer.
        language: ``cypher`` (the limit as the parameters :data:`OFFSET_PARAMETER`
            and :data:`LIMIT_PARAMETER`) or ``sparql`` (integers written into the text).

    Returns:
        The limited text, or None when the query does not end with its own
        top-level ``ORDER BY`` clause and must be cut after it runs.
    """
    code = _COMMENT_LINE[language].sub("", text)
    orders = list(_ORDER_BY.finditer(code))
    if not orders or _NOT_A_PLAIN_END.search(code, orders[-1].end()):
        return None
    if language == "cypher":
        modifiers = f"SKIP ${OFFSET_PARAMETER}" + ("" if page.limit is None else f" LIMIT ${LIMIT_PARAMETER}")
    else:
        modifiers = ("" if page.limit is None else f"LIMIT {int(page.limit) + 1} ") + f"OFFSET {int(page.offset)}"
    return f"{text.rstrip()}\n{modifiers}\n"


def cypher_page_parameters(page: Page) -> dict[str, int]:
    """The values of the page's Cypher parameters (one row more than the page, to tell whether more follow)."""
    values = {OFFSET_PARAMETER: page.offset}
    if page.limit is not None:
        values[LIMIT_PARAMETER] = page.limit + 1
    return values


def cut(rows: Sequence[Any], page: Page, limited_by_engine: bool) -> tuple[list[Any], bool]:
    """The page's rows, and whether more rows follow.

    Args:
        rows: What the engine returned: the page plus at most one row when it
            ran the limited text, else the whole answer.
        page: The page.
        limited_by_engine: Whether the engine ran :func:`limited_text`.
    """
    window = list(rows) if limited_by_engine else list(rows[page.offset :])
    if page.limit is None or len(window) <= page.limit:
        return window, False
    return window[: page.limit], True
