"""The state of a negotiation on one page: ``ckg brief``.

:func:`build_brief` gathers, as known on a date, what the saved queries and
analyses say about a full ceasefire (or another scope, or one proposal): the
demands that block it, each side's position, the timeline, what changed, the
disputes, accusations and confidence measures, the alignment of the sides and
the sources. :func:`render_html` lays that out as one self-contained HTML page
with pictures drawn by matplotlib; :func:`write_brief` does both and writes the
file. Both back ends give the same page for the same data.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ceasefire_kg.backends.base import Backend, Progress, no_progress
from ceasefire_kg.brief.changes import CHANGE_KINDS, Change, changes_between
from ceasefire_kg.brief.content import DEFAULT_SCOPE, DEFAULT_SINCE_DAYS, Article, Brief, Selection, build_brief
from ceasefire_kg.brief.render import SECTIONS, render_html
from ceasefire_kg.files import write_text_atomically

__all__ = [
    "CHANGE_KINDS",
    "DEFAULT_SCOPE",
    "DEFAULT_SINCE_DAYS",
    "SECTIONS",
    "Article",
    "Brief",
    "Change",
    "Selection",
    "build_brief",
    "changes_between",
    "render_html",
    "write_brief",
]


def write_brief(
    backend: Backend,
    output: str | Path,
    *,
    as_of: dt.date | None = None,
    since: dt.date | None = None,
    proposal: str | None = None,
    scope: str | None = None,
    on_progress: Progress = no_progress,
) -> Brief:
    """Build the brief (see :func:`build_brief`) and write it as one HTML file.

    The file is written only once the whole page is made, and replaced in one
    step: a failure leaves no file, or the previous one, behind.

    Returns:
        What the brief says.

    Raises:
        BriefError: The brief cannot be made as asked (no articles, a date before them, an unknown id).
        CkgError: The back end cannot answer, or the file cannot be written.
    """
    brief = build_brief(backend, as_of=as_of, since=since, proposal=proposal, scope=scope, on_progress=on_progress)
    # Readable by others: a brief is made to be passed on.
    write_text_atomically(Path(output), render_html(brief), mode=0o644)
    return brief
