"""Check the quotes of an article-fact file against the article's full text.

Each fact quotes the span of the article that supports it; when the article's
text is at hand, every quote must occur in it, up to quote-mark style and
whitespace.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ceasefire_kg.errors import Problem
from ceasefire_kg.loaders.reader import SECTION_KINDS, is_file

if TYPE_CHECKING:
    # Only for annotations: checks.py runs these checks, so it imports this module.
    from ceasefire_kg.loaders.checks import ArticleFile

logger = logging.getLogger(__name__)

_QUOTE_MARKS = str.maketrans(
    {
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
    }
)
_WHITESPACE = re.compile(r"\s+")


def normalise_quote_text(text: str) -> str:
    """Fold quote-mark styles and runs of whitespace, for matching quotes to texts."""
    return _WHITESPACE.sub(" ", text.translate(_QUOTE_MARKS)).strip()


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
    """Check that each quote of an article occurs in its full text, when the text is found.

    The text is the file the article names under ``text:``, or else
    ``<article id>.txt`` beside the article file or in one of ``text_dirs``.
    Sets the article's ``text_path`` and ``quotes_checked``.

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
        text = text_path.read_bytes().decode("utf-8")
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
    haystack = normalise_quote_text(text)
    article.text_path = text_path
    for section in SECTION_KINDS:
        for index, entry in article.entries(section):
            quote = entry.get("quote")
            if quote is None:
                continue
            needle = normalise_quote_text(quote)
            if needle in haystack:
                article.quotes_checked += 1
            else:
                problems.append(
                    source.problem(
                        (section, index, "quote"),
                        f"quote not found in the article text {text_path}: {_where_quote_differs(needle, haystack)}.",
                        "Copy the span exactly from the text (whitespace and quote-mark style may differ; "
                        "words and punctuation may not).",
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
