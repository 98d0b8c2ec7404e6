"""The brief as one self-contained HTML page: styles and pictures inline, nothing fetched when it is opened.

Every text that comes from the data is escaped (:func:`html.escape`), and only
``http`` and ``https`` links become links. Every statement carries its quote
and a reference to its article in the sources section, which links the article.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from html import escape
from importlib import resources
from string import Template
from typing import Any

from ceasefire_kg.brief import charts
from ceasefire_kg.brief.changes import Change
from ceasefire_kg.brief.content import Article, Brief
from ceasefire_kg.wording import counted

logger = logging.getLogger(__name__)

#: The sections of every brief, in order: (anchor, heading).
SECTIONS = (
    ("headline", "What blocks it"),
    ("positions", "Positions"),
    ("timeline", "Timeline"),
    ("changes", "What changed"),
    ("disputes", "Disputes, accusations and confidence measures"),
    ("alignment", "Alignment"),
    ("sources", "Sources"),
)


def _text(value: Any) -> str:
    """Escaped text of a cell: lists joined, None empty, dates in ISO form."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return escape("; ".join(str(v) for v in value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.date):
        return value.isoformat()
    return escape(str(value))


def _date(value: dt.date | None) -> str:
    return value.strftime("%-d %B %Y") if value else ""


def _link(url: str, text: str) -> str:
    """A link to an article; only http(s) addresses become links, others stay text."""
    if url.lower().startswith(("https://", "http://")):
        return f'<a href="{escape(url, quote=True)}" rel="noreferrer">{text}</a>'
    return text


class _Page:
    """Builds the page's body, numbering the sources as they are cited."""

    def __init__(self, brief: Brief) -> None:
        self.brief = brief
        self.numbers = {article.id: n for n, article in enumerate(brief.cited_articles(), start=1)}

    def cite(self, row: dict[str, Any] | Change, with_quote: bool = True) -> str:
        """A statement's quote and a reference to its article in the sources."""
        quote = row.quote if isinstance(row, Change) else row.get("quote")
        article_id = row.article if isinstance(row, Change) else row.get("article")
        parts = []
        if with_quote and quote:
            parts.append(f"<q>{_text(quote)}</q>")
        if article_id:
            number = self.numbers.get(article_id)
            label = f"[{number}]" if number else f"[{_text(article_id)}]"
            parts.append(f'<a class="src" href="#src-{escape(article_id, quote=True)}">{label}</a>')
        return " ".join(parts)

    def article(self, article_id: str) -> Article | None:
        return self.brief.articles.get(article_id)

    def table(self, headers: Iterable[str], rows: Iterable[Iterable[str]], empty: str) -> str:
        """A table of already-escaped cells, or a sentence when there are no rows."""
        body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
        if not body:
            return f'<p class="note">{escape(empty)}</p>'
        head = "".join(f"<th>{escape(h)}</th>" for h in headers)
        return f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'

    # -- sections -------------------------------------------------------------------

    def header(self) -> str:
        brief = self.brief
        proposals = ", ".join(escape(name) for name in brief.selection.proposals.values()) or "none known"
        return (
            f"<header><h1>Brief: {escape(brief.selection.title)}</h1>"
            f'<p>As of <strong><time datetime="{brief.as_of.isoformat()}">{_date(brief.as_of)}</time></strong>, '
            "as known on that date (only articles published by then).</p>"
            f"<p>Proposals covered: {proposals}.</p>"
            f"<p>Changes since {_date(brief.since)}; {len(brief.articles)} articles cited.</p></header>"
            "<nav><ol>"
            + "".join(f'<li><a href="#{anchor}">{escape(title)}</a></li>' for anchor, title in SECTIONS)
            + "</ol></nav>"
        )

    def headline(self) -> str:
        brief = self.brief
        rows = brief.blocking
        title = escape(brief.selection.title)
        if not rows:
            summary = f"No open demand blocks {title} as of {_date(brief.as_of)}."
            return f'<p class="headline-summary">{summary}</p>'
        sides = sorted({row["side"] for row in rows})
        count = counted(len(rows), "open demand")
        summary = (
            f"As of {_date(brief.as_of)}, {count} by {escape(', '.join(sides))} "
            f"block{'s' if len(rows) == 1 else ''} {title}."
        )
        items = []
        for row in sorted(rows, key=lambda r: (r["proposal"], r["side"], r["since"] or dt.date.min, r["demand"])):
            article = self.article(row["article"])
            source = ""
            if article is not None:
                source = (
                    _link(article.url, escape(article.title))
                    + f", {escape(article.outlet)}, {_date(article.published)}"
                )
            voiced = "" if row["demanded_by"] == row["side"] else f" ({_text(row['demanded_by'])})"
            items.append(
                f"<li><strong>{_text(row['side'])}{voiced}</strong> demands of <strong>{_text(row['demanded_of'])}</strong>: "
                f"{_text(row['demand'])} <small>— a precondition for {_text(row['proposal'])}, "
                f"on the table since {_date(row['since'])}</small>"
                f"<blockquote>{_text(row['quote'])}</blockquote>"
                f"<small>{source} {self.cite(row, with_quote=False)}</small></li>"
            )
        return f'<p class="headline-summary">{summary}</p><ul class="blocking">{"".join(items)}</ul>'

    def positions(self) -> str:
        brief = self.brief
        # Every proposal the brief covers is a column, a proposal no side took a position on too.
        proposals = sorted(set(brief.selection.proposals.values()) | {row["proposal"] for row in brief.positions})
        sides = sorted({row["actor"] for row in brief.positions})
        if not brief.positions:
            return f'<p class="note">No side had taken a position on these proposals by {_date(brief.as_of)}.</p>'
        cells: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for row in brief.positions:
            cells.setdefault((row["actor"], row["proposal"]), []).append(row)
        head = "<th>Side</th>" + "".join(f"<th>{escape(p)}</th>" for p in proposals)
        body = []
        for side in sides:
            tds = [f"<th>{escape(side)}</th>"]
            for proposal in proposals:
                found = sorted(cells.get((side, proposal), []), key=lambda r: (r["held_by"], r["position_id"]))
                if not found:
                    tds.append('<td class="stance"><small>no position</small></td>')
                    continue
                stance = str(found[0]["stance"])
                parts = []
                for row in found:
                    held = "" if row["held_by"] == side else f"<small>stated by {_text(row['held_by'])}</small>"
                    conditions = (
                        "<small>if: " + "</small><small>".join(_text(c) for c in row["conditions"]) + "</small>"
                        if row["conditions"]
                        else ""
                    )
                    account = f"<small>according to {_text(row['according_to'])}</small>" if row["according_to"] else ""
                    parts.append(
                        f'<span class="label">{_text(row["stance"])}</span>{held}{conditions}{account}'
                        f"<small>since {_date(row['since'])}</small><small>{self.cite(row)}</small>"
                    )
                tds.append(f'<td class="stance stance-{escape(stance, quote=True)}">{"".join(parts)}</td>')
            body.append("<tr>" + "".join(tds) + "</tr>")
        key = "".join(f'<span class="stance-{escape(s, quote=True)}">{escape(s)}</span>' for s in charts.STANCE_COLOURS)
        return (
            f'<div class="key">{key}</div><div class="scroll"><table class="matrix"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table></div>"
        )

    def timeline(self) -> str:
        brief = self.brief
        picture = charts.timeline_svg(brief.history, brief.timeline, brief.accusations, brief.as_of)
        figure = (
            "<figure>"
            + picture
            + "<figcaption>Bars: each side's stance on each proposal from the day it was taken (a diamond marks "
            "a change of stance); below, demand and proposal statuses, talks and accusations. The dotted line is "
            "the brief's date.</figcaption></figure>"
            if picture
            else '<p class="note">Nothing dated to draw.</p>'
        )
        shown = [
            row
            for row in brief.timeline
            if row["kind"] in ("demand", "proposal", "talks", "meeting", "call", "position")
            or row["kind"].endswith("accusation")
        ]
        rows = [
            (
                _text(row["date"]),
                _text(row["kind"]),
                _text(row["what"]),
                _text(row["status"]),
                self.cite(row),
            )
            for row in sorted(shown, key=lambda r: (r["date"] or dt.date.min, r["kind"], r["id"]))
        ]
        return (
            figure
            + "<h3>Dated facts</h3>"
            + self.table(
                ("date", "kind", "what", "status", "quote and source"), rows, "Nothing dated about these proposals."
            )
        )

    def changes(self) -> str:
        brief = self.brief
        intro = (
            f'<p class="note">Changes dated after {_date(brief.since)} and on or before {_date(brief.as_of)}, '
            "as known on the brief's date.</p>"
        )
        rows = [
            (
                _text(change.date),
                f'<span class="badge badge-{escape(change.kind, quote=True)}">{escape(change.kind)}</span>',
                _text(change.subject),
                _text(change.what),
                _text(change.detail),
                self.cite(change),
            )
            for change in brief.changes
        ]
        return intro + self.table(
            ("date", "change", "of", "what", "now (before → after)", "quote and source"),
            rows,
            f"Nothing changed between {_date(brief.since)} and {_date(brief.as_of)}.",
        )

    def disputes(self) -> str:
        brief = self.brief
        readings = [
            (
                _text(row["proposal"]),
                _text(row["kind"]),
                _text(row["side"])
                + (f"<small>by {_text(row['claimed_by'])}</small>" if row["claimed_by"] != row["side"] else ""),
                _text(row["scopes"] or ""),
                _text(row["includes"]),
                _text(row["excludes"]),
                _text(row["differs_from"]),
                self.cite(row),
            )
            for row in brief.disputes
        ]
        accusations = [
            (
                _text(row["date"]),
                _text(row["accuser"])
                + (f"<small>by {_text(row['made_by'])}</small>" if row["made_by"] != row["accuser"] else ""),
                _text(row["accused"]),
                _text(row["charge"]),
                _text(row["proposal"]),
                _text(row["events"]),
                _text(row["denied_by"]),
                _text(row["mutual"]),
                self.cite(row),
            )
            for row in sorted(brief.accusations, key=lambda r: (r["date"] or dt.date.min, r["accuser"], r["claim_id"]))
        ]
        measures = [
            (
                _text(row["date"]),
                _text(row["event"]),
                _text(row["type"]),
                _text(row["status"]),
                _text(row["participants"]),
                _text(row["mediators"]),
                _text(row["prisoners"]),
                self.cite(row),
            )
            for row in sorted(brief.confidence, key=lambda r: (r["date"] or dt.date.min, r["event_id"]))
        ]
        return (
            "<h3>Readings of scope and terms</h3>"
            + self.table(
                (
                    "proposal",
                    "reading",
                    "side",
                    "scopes",
                    "includes",
                    "excludes",
                    "read differently by",
                    "quote and source",
                ),
                readings,
                "No side's reading of these proposals' scope or terms was reported.",
            )
            + "<h3>Accusations</h3>"
            + self.table(
                (
                    "date",
                    "accuser",
                    "accused",
                    "charge",
                    "proposal",
                    "events",
                    "denied by",
                    "both ways",
                    "quote and source",
                ),
                accusations,
                "No accusation by or against these sides was reported.",
            )
            + "<h3>Confidence measures</h3>"
            + self.table(
                ("date", "step", "type", "status", "participants", "mediators", "prisoners", "quote and source"),
                measures,
                "No prisoner exchange or other goodwill step by these sides was reported.",
            )
        )

    def alignment(self) -> str:
        result = self.brief.alignment
        picture = charts.alignment_svg(result)
        figure = (
            '<figure class="network">'
            + picture
            + "<figcaption>Sides that took stances on the same proposals (people count for the side they "
            "represent; a proposer counts as supporting its proposal). A line's number is agreements minus "
            "disagreements; colours are the blocs (Louvain communities of the pairs that agree more than they "
            "disagree), as in <code>ckg analyze alignment</code>.</figcaption></figure>"
            if picture
            else '<p class="note">Fewer than two sides took stances on these proposals: no alignment to draw.</p>'
        )
        blocs = [(_text(row[0]), _text(row[1])) for row in result.bloc_table().rows]
        pairs = [tuple(_text(cell) for cell in row) for row in result.pairs().rows]
        return (
            figure
            + "<h3>Blocs</h3>"
            + self.table(("bloc", "members"), blocs, "No blocs.")
            + "<h3>Pairs of sides</h3>"
            + self.table(
                ("side", "other side", "agreements", "disagreements", "weight", "blocs", "proposals"),
                pairs,
                "No two sides took stances on the same proposal.",
            )
        )

    def sources(self) -> str:
        items = []
        for article in self.brief.cited_articles():
            items.append(
                f'<li id="src-{escape(article.id, quote=True)}">{_link(article.url, escape(article.title))}. '
                f"{escape(article.outlet)}, {_date(article.published)}. "
                f"<small>{escape(article.url)} · id {escape(article.id)}</small></li>"
            )
        if not items:
            return '<p class="note">No article is cited.</p>'
        return (
            '<p class="note">Every article the brief cites; each quote above links here by its number.</p>'
            f'<ol class="sources">{"".join(items)}</ol>'
        )


def render_html(brief: Brief) -> str:
    """The brief as one self-contained HTML page (UTF-8 text).

    Raises:
        BriefError: matplotlib is not installed.
    """
    page = _Page(brief)
    parts = [page.header()]
    for anchor, title in SECTIONS:
        content = getattr(page, anchor)()
        parts.append(f'<section id="{anchor}"><h2>{escape(title)}</h2>{content}</section>')
    parts.append(
        f"<footer>Made by ckg brief from the saved queries and analyses of ceasefire-kg, "
        f"as known on {brief.as_of.isoformat()}.</footer>"
    )
    package = resources.files("ceasefire_kg.brief")
    template = Template(package.joinpath("brief.html").read_text(encoding="utf-8"))
    style = package.joinpath("brief.css").read_text(encoding="utf-8")
    title = f"Brief: {brief.selection.title}, as of {brief.as_of.isoformat()}"
    return template.substitute(title=escape(title), style=style, body="\n".join(parts))
