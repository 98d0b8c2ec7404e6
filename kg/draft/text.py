"""An article's text as the drafter reads it: its title, dateline and sentences, with their offsets.

Every offset is an index into the text's content as the loader reads it
(:func:`ceasefire_kg.loaders.quotes.read_article_text`), so a sentence's
characters, ``content[start:end]``, are a quote the loader finds. Matching
works on a folded copy of the content (typographic quote marks and dashes
replaced one character for one), which keeps every offset valid.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

logger = logging.getLogger(__name__)

#: Typographic characters folded to their plain form, one character for one.
_FOLD = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u00a0": " ",
    }
)

#: Words after which a full stop does not end a sentence.
_ABBREVIATIONS = frozenset(
    "Mr Mrs Ms Dr Gen Lt Col Maj Capt Sgt Adm Sen Rep Gov Prof St Jan Feb Mar Apr Jun Jul Aug Sep Sept "
    "Oct Nov Dec No vs etc Inc Ltd Co Corp a.m p.m U.S U.K U.N E.U".split()
)
_SENTENCE_END = re.compile(r"[.!?][\"')\]]*(?=\s+[\"'(\[]?[A-Z0-9])")
_NOTE = re.compile(r"^\s*\[[^\]]*\]\s*$")
#: "BRENN, Sept 19 (Example Wire) – " or "SOREL, March 3 (Test Wire) - ": the dateline of a wire report.
_DATELINE = re.compile(
    r"(?P<place>[A-Z][A-Z.'/-]+(?: [A-Z][A-Z.'/-]*)*)(?:, [A-Z][A-Za-z]+)*"
    r"(?:,? (?P<date>[A-Z][a-z]+\.? \d{1,2}))?(?: \((?P<outlet>[^)]+)\))?\s*[-:]\s+"
)


def fold(text: str) -> str:
    """The text with typographic quote marks and dashes made plain, each one character for one."""
    return text.translate(_FOLD)


@dataclass(frozen=True)
class Sentence:
    """One sentence of the article.

    Attributes:
        index: Its place among the article's sentences, from 0.
        start: Offset of its first character in the content.
        end: Offset just past its last character.
        text: The content's own characters, ``content[start:end]``.
        folded: The same, folded for matching (same length, same offsets).
    """

    index: int
    start: int
    end: int
    text: str
    folded: str


@dataclass(frozen=True)
class ArticleText:
    """An article's content split for drafting.

    Attributes:
        content: The text as the loader reads it.
        title: The headline (the first line that is not a bracketed note), or None.
        outlet: The outlet named in the dateline, or None.
        dateline_date: The date the dateline gives ("Sept 19"), as written, or None.
        sentences: The body's sentences, in order.
    """

    content: str
    title: str | None
    outlet: str | None
    dateline_date: str | None
    sentences: list[Sentence]


def split_article(content: str) -> ArticleText:
    """Split an article's content into its title, dateline and body sentences.

    A first paragraph in square brackets (an editor's note) is skipped; the
    first remaining line is the title when it is a line of its own without a
    final full stop; a wire dateline at the start of the body gives the outlet.
    """
    folded = fold(content)
    title: str | None = None
    outlet: str | None = None
    dateline_date: str | None = None
    body_start = 0
    lines = [(match.start(), match.group()) for match in re.finditer(r"[^\n]+", content)]
    position = 0
    while position < len(lines) and (not lines[position][1].strip() or _NOTE.match(lines[position][1])):
        position += 1
    if position < len(lines):
        start, line = lines[position]
        following = lines[position + 1][0] if position + 1 < len(lines) else len(content)
        blank_after = "\n\n" in content[start : following + 1] or position + 1 == len(lines)
        if blank_after and not line.rstrip().endswith((".", "!", "?")) and len(line) < 200:
            title = line.strip()
            body_start = start + len(line)
        else:
            body_start = start
    dateline = _DATELINE.match(folded, _skip_space(folded, body_start))
    if dateline is not None:
        outlet = dateline.group("outlet")
        dateline_date = dateline.group("date")
        body_start = dateline.end()
    return ArticleText(content, title, outlet, dateline_date, list(_sentences(content, folded, body_start)))


def _skip_space(text: str, start: int) -> int:
    while start < len(text) and text[start].isspace():
        start += 1
    return start


def _sentences(content: str, folded: str, body_start: int) -> list[Sentence]:
    """The sentences of the body, each within one paragraph."""
    found: list[Sentence] = []
    for paragraph in re.finditer(r"[^\n]+", folded[body_start:]):
        offset = body_start + paragraph.start()
        if _NOTE.match(paragraph.group()):
            continue
        text = paragraph.group()
        start = 0
        for end_match in _SENTENCE_END.finditer(text):
            end = end_match.end()
            if _is_abbreviation(text, end_match.start()) or text.count('"', start, end) % 2 == 1:
                continue  # an abbreviation, or a full stop inside a quotation that goes on
            _append(found, content, folded, offset + start, offset + end)
            start = end
        _append(found, content, folded, offset + start, offset + len(text))
    return found


def _is_abbreviation(text: str, dot: int) -> bool:
    if text[dot] != ".":
        return False
    word = re.search(r"([A-Za-z.]+)$", text[:dot])
    if word is None:
        return False
    token = word.group(1)
    return token in _ABBREVIATIONS or token.rstrip(".") in _ABBREVIATIONS or (len(token) == 1 and token.isupper())


def _append(found: list[Sentence], content: str, folded: str, start: int, end: int) -> None:
    while start < end and folded[start].isspace():
        start += 1
    while end > start and folded[end - 1].isspace():
        end -= 1
    if end - start >= 3:
        found.append(Sentence(len(found), start, end, content[start:end], folded[start:end]))


def first_words(text: str, limit: int) -> str:
    """The first ``limit`` words of a text."""
    return " ".join(text.split()[:limit])


def sentence_text(text: str) -> str:
    """A clause made a short sentence of its own, for a fact's ``text`` (at most 300 characters)."""
    text = text.strip(" ,;:-\"'")
    text = text[:1].upper() + text[1:] if text else text
    if len(text) > 300:
        text = text[:299].rsplit(" ", 1)[0]
    return text if text.endswith((".", "!", "?")) else text + "."
