"""``ckg brief``: the state of a negotiation on one page, as one self-contained HTML file."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import click

from ceasefire_kg.cli.common import (
    FactOption,
    StageProgress,
    backend_option,
    chosen_backend,
    neo4j_connection_options,
    progress_note,
    reports_errors,
    store_option,
)
from ceasefire_kg.connection import Connection
from ceasefire_kg.wording import counted

logger = logging.getLogger(__name__)


@click.command("brief")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("brief.html"),
    show_default=True,
    help="The HTML file to write (replaced only once the brief is complete).",
)
@click.option(
    "--as-of",
    type=FactOption("date"),
    default=None,
    help="The brief as known on this date (YYYY-MM-DD).  [default: the latest article's date]",
)
@click.option(
    "--since",
    type=FactOption("date"),
    default=None,
    help="List what changed after this date (YYYY-MM-DD).  [default: a week before --as-of]",
)
@click.option(
    "--proposal",
    type=FactOption("iri", "proposal"),
    default=None,
    help="Brief on this proposal only (an id such as us-30-day-ceasefire).",
)
@click.option(
    "--scope",
    type=FactOption("iri", "scope"),
    default=None,
    help="Brief on the proposals of this scope or a narrower one (an id such as energy-infrastructure).  "
    "[default: comprehensive, a full ceasefire]",
)
@backend_option
@store_option
@neo4j_connection_options(backend_choice=True)
@reports_errors
def brief_command(
    output: Path,
    as_of: dt.date | None,
    since: dt.date | None,
    proposal: str | None,
    scope: str | None,
    backend: str,
    store_path: Path,
    connection: Connection,
) -> None:
    """Write the state of the negotiations on one page: an HTML file to open, print or send.

    As known on the date: which demands block a full ceasefire (or the
    proposal or scope given), by whom, of whom and since when, with quotes;
    each side's position on each proposal; a timeline; what changed since
    --since; disputes over scope and terms, accusations and denials,
    confidence measures; the alignment of the sides; and every source. The
    file needs nothing else when opened: styles and pictures are inside it.
    """
    if proposal is not None and scope is not None:
        raise click.UsageError("Give --proposal or --scope, not both: a proposal already has its scope.")
    # Imported here: matplotlib and the analyses are heavy, and 'ckg --help' must start fast.
    from ceasefire_kg import brief

    with chosen_backend(backend, store_path, connection) as answering:
        progress = StageProgress()
        try:
            made = brief.write_brief(
                answering, output, as_of=as_of, since=since, proposal=proposal, scope=scope, on_progress=progress
            )
        finally:
            progress.close()
    progress_note(
        f"Wrote the brief on {made.selection.title} as of {made.as_of.isoformat()} to {output}: "
        f"{counted(len(made.blocking), 'blocking demand')}, {counted(len(made.positions), 'position')}, "
        f"{counted(len(made.changes), 'change')} since {made.since.isoformat()}, "
        f"{counted(len(made.articles), 'article')} cited."
    )


#: The commands this module adds to ``ckg``.
COMMANDS: list[click.Command] = [brief_command]
