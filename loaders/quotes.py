"""Find the quotes of an article-fact file in the article's full text.

Each fact quotes the span of the article that supports it; when the article's
text is at hand, every quote must occur in it, up to the style of quote marks
and dashes and up to whitespace (:func:`normalise_quote_text`). That
normalised form serves only to match: what is kept is the text's own span
(:class:`QuoteSpan`), its exact characters and where they are.

Offsets count characters as the Web Annotation ``TextPositionSelector`` does:
Unicode code points, that is indices into the Python ``str`` of the text
file's content, ``end`` exclusive, so ``content[start:end] == exact``. The
content (:func:`read_article_text`) is the file decoded as UTF-8, without a
leading byte-order mark (an encoding signature, not text, which every
BOM-aware reader drops) and with line ends as they are in the file: a CRLF is
two characters. Reading the file in Python's default text mode translates
CRLF to LF and would shift the offsets; ``path.read_bytes().decode("utf-8-sig")``
or ``open(path, encoding="utf-8-sig", newline="")`` gives the content.

A quote that occurs several times in the text is located at its first
occurrence.
"""

from __future__ import annotations

import bisect
import functools
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ceasefire_kg.errors import Problem
from ceasefire_kg.loaders.reader import SECTION_KINDS, is_file

if TYPE_CHECKING:
    # Only for annotations: checks.py runs these checks, so it imports this module.
    from ceasefire_kg.loaders.checks import ArticleFile

logger = logging.getLogger(__name__)

#: Characters that match the character they fold to: typographic quote marks and dashes.
_FOLDED: dict[str, str] = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u2033": '"',
    "\u00ab": '"',
    "\u00bb": '"',
    "\u2010": "-",  # hyphen
    "\u2011": "-",  # non-breaking hyphen
    "\u2012": "-",  # figure dash
    "\u2013": "-",  # en dash
    "\u2014": "-",  # em dash
    "\u2015": "-",  # horizontal bar
    "\u2212": "-",  # minus sign
}
_WHITESPACE = re.compile(r"\s+")
_TRAILING_WHITESPACE = re.compile(r"\s+\Z")
_BYTE_ORDER_MARK = "\ufeff"


@dataclass(frozen=True)
class QuoteSpan:
    """Where a quote is in its article's text.

    Attributes:
        exact: The text's own characters (``content[start:end]``).
        start: The offset of its first character in the text's content.
        end: The offset just past its last character.
    """

    exact: str
    start: int
    end: int


def normalise_quote_text(text: str) -> str:
    """Fold quote-mark and dash styles and runs of whitespace, for matching quotes to texts."""
    return _WHITESPACE.sub(" ", _fold(text)).strip()


def _fold(text: str) -> str:
    """Each character of :data:`_FOLDED` replaced by the one it folds to.

    As ``str.translate`` would, much faster: that looks every character of a
    non-ASCII text up in its table, where a text holds few of these characters.
    """
    for character, folded in _FOLDED.items():
        if character in text:
            text = text.replace(character, folded)
    return text


def read_article_text(path: Path) -> str:
    """The content of an article's text file, which quote offsets count in.

    Raises:
        OSError: If the file cannot be read.
        UnicodeDecodeError: If it is not UTF-8 (the error's offset counts bytes of the file).
    """
    content = path.read_bytes().decode("utf-8")
    return content[1:] if content.startswith(_BYTE_ORDER_MARK) else content


def find_quote(quote: str, text: str) -> QuoteSpan | None:
    """Find a quote in an article's text content, up to quote marks, dashes and whitespace.

    Args:
        quote: The quote as the analyst typed it.
        text: The content of the article's text (see :func:`read_article_text`).

    Returns:
        The first span of ``text`` that matches, or None when there is none, or
        when the quote holds no characters but whitespace (it matches anywhere).
    """
    needle = normalise_quote_text(quote)
    if not needle:
        return None
    normalised, offsets = _normalised_text(text)
    found = normalised.find(needle)
    if found < 0:
        return None
    start, end = offsets.origin(found), offsets.origin(found + len(needle) - 1) + 1
    return QuoteSpan(text[start:end], start, end)


@dataclass(frozen=True)
class _Offsets:
    """Where each character of a normalised text comes from in the text, piece by piece.

    The normalised text is the text's pieces between its irregular runs of
    whitespace (anything but one space), each such run written as one space
    that stands at the run's first character. Within a piece, a character sits
    at its own offset plus a fixed shift; ``starts`` holds where each piece
    starts in the normalised text and ``origins`` where it starts in the text.
    """

    starts: list[int]
    origins: list[int]

    def origin(self, position: int) -> int:
        """The offset in the text of the normalised text's character at ``position``."""
        piece = bisect.bisect_right(self.starts, position) - 1
        return self.origins[piece] + position - self.starts[piece]


#: A run of whitespace other than one space: it becomes one space (or, at either end, nothing).
_IRREGULAR_WHITESPACE = re.compile(r"\s\s+|[^\S ]")


@functools.lru_cache(maxsize=8)
def _normalised_text(text: str) -> tuple[str, _Offsets]:
    """The text normalised as quotes are, and where each of its characters comes from.

    Folding maps one character to one, and a run of whitespace becomes one space standing at the
    run's first character, so a match of a normalised quote maps back to the text's own span. Most
    whitespace is one space already, so the text is cut only at the other runs, and offsets are
    kept per piece, not per character. Kept for the few texts in use: an article's quotes are all
    looked up in the same text.
    """
    leading = _WHITESPACE.match(text)
    begin = leading.end() if leading else 0
    trailing = _TRAILING_WHITESPACE.search(text, begin)
    finish = trailing.start() if trailing else len(text)
    parts: list[str] = []
    starts: list[int] = []
    origins: list[int] = []
    length, piece = 0, begin
    for run in _IRREGULAR_WHITESPACE.finditer(text, begin, finish):
        starts.append(length)
        origins.append(piece)
        parts.append(text[piece : run.start()])
        parts.append(" ")
        length += run.start() - piece + 1
        piece = run.end()
    starts.append(length)
    origins.append(piece)
    parts.append(text[piece:finish])
    return _fold("".join(parts)), _Offsets(starts, origins)


def _matched_start(quote: str, text: str) -> int:
    """Length of the longest start of ``quote`` that occurs somewhere in ``text``."""
    low, high = 0, len(quote)
    while low < high:
        middle = (low + high + 1) // 2
        if quote[:middle] in text:
            low = middle
        else:
            high = middle - 1
    return low


def _where_quote_differs(quote: str, text: str) -> str:
    """Say how far a quote that is not in ``text`` matches it (both normalised), for messages."""
    matched = _matched_start(quote, text)
    if " " not in quote[:matched]:
        return f"not even its first word ('{quote.split(' ', 1)[0][:40]}') is there"
    head = quote[:matched]
    tail = head if len(head) <= 40 else "…" + head[-39:]
    rest = quote[matched:]
    rest = rest if len(rest) <= 40 else rest[:39] + "…"
    return f"the text has '{tail}' but then differs at '{rest}'"


def check_quotes(article: ArticleFile, text_dirs: Sequence[Path]) -> list[Problem]:
    """Find each quote of an article in its full text, when the text is found.

    The text is the file the article names under ``text:``, or else
    ``<article id>.txt`` beside the article file or in one of ``text_dirs``.
    Sets the article's ``text_path``, ``quotes_checked`` and ``quote_spans``
    (each quote found, as typed, with its span of the text).

    Args:
        article: The article, its malformed values marked.
        text_dirs: Folders where ``<article id>.txt`` texts are looked up.

    Returns:
        A problem for each quote not in the text, or for a text that cannot be read.
    """
    problems: list[Problem] = []
    text_path = _find_text(article, text_dirs, problems)
    if text_path is None:
        return problems
    source = article.source
    try:
        text = read_article_text(text_path)
    except OSError as error:
        problems.append(
            source.problem(
                ("article", "text"),
                f"cannot read the article text {text_path}: {error.strerror}.",
                "Check that the file is readable.",
                field_name="text",
            )
        )
        return problems
    except UnicodeDecodeError as error:
        problems.append(
            source.problem(
                ("article", "text"),
                f"the article text {text_path} is not valid UTF-8 (offset {error.start}).",
                "Save the text as UTF-8.",
                field_name="text",
            )
        )
        return problems
    article.text_path = text_path
    haystack: str | None = None  # the normalised text, made only for messages
    for section in SECTION_KINDS:
        for index, entry in article.entries(section):
            quote = entry.get("quote")
            if quote is None:
                continue
            span = article.quote_spans.get(quote) or find_quote(quote, text)
            if span is not None or not normalise_quote_text(quote):
                article.quotes_checked += 1
                if span is not None:
                    article.quote_spans[quote] = span
                continue
            if haystack is None:
                haystack = normalise_quote_text(text)
            problems.append(
                source.problem(
                    (section, index, "quote"),
                    f"quote not found in the article text {text_path}: "
                    f"{_where_quote_differs(normalise_quote_text(quote), haystack)}.",
                    "Copy the span exactly from the text (whitespace and the style of quote marks and dashes "
                    "may differ; words and punctuation may not).",
                    field_name="quote",
                )
            )
    return problems


def _find_text(article: ArticleFile, text_dirs: Sequence[Path], problems: list[Problem]) -> Path | None:
    if ("article", "text") in article.malformed:
        return None  # Already reported; a text found by the article's id could be another one.
    meta = article.meta
    base = article.source.path.parent
    if "text" in meta:
        path = base / meta["text"]
        if not is_file(path):
            problems.append(
                article.source.problem(
                    ("article", "text"),
                    f"text file '{meta['text']}' not found (looked for {path}).",
                    "Give the article's full text path relative to this file, or remove 'text:'.",
                    field_name="text",
                )
            )
            return None
        return path
    if "id" not in meta:
        return None
    for folder in (base, *text_dirs):
        candidate = folder / f"{meta['id']}.txt"
        if is_file(candidate):
            return candidate
    return None
