"""``ckg draft``: a fact file drafted from an article's text, for an analyst to review."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from ceasefire_kg.cli.common import reports_errors
from ceasefire_kg.files import write_text_atomically

logger = logging.getLogger(__name__)


@click.command()
@click.argument("article", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--registry",
    "registries",
    type=click.Path(path_type=Path, dir_okay=False),
    multiple=True,
    help="Actor registry whose actors the facts may name (repeatable); unknown people are proposed as new actors.",
)
@click.option("--published", metavar="DATE", help="Publication date, YYYY-MM-DD (default: from a dated file name).")
@click.option("--id", "article_id", metavar="ID", help="The article's id (default: made from the file name).")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the fact file here instead of standard output; its paths to the text and registries are relative to it.",
)
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
@click.option(
    "--llm",
    "llm_url",
    metavar="URL",
    help="Draft with a language model at this OpenAI-compatible endpoint (e.g. http://127.0.0.1:11434/v1). "
    "Without it nothing leaves the machine.",
)
@click.option("--model", metavar="NAME", help="The model to ask (with --llm).")
@click.option(
    "--api-key-env",
    default="CKG_LLM_API_KEY",
    show_default=True,
    metavar="VAR",
    help="Environment variable holding the endpoint's API key, if it needs one (the key is never printed).",
)
@click.option("--timeout", type=click.FloatRange(min=1), default=120.0, show_default=True, help="Seconds per answer.")
@click.option(
    "--repair-rounds",
    type=click.IntRange(min=0, max=5),
    default=2,
    show_default=True,
    help="Times the validator's errors are sent back to the model for a corrected answer.",
)
@reports_errors
def draft(
    article: Path,
    registries: tuple[Path, ...],
    published: str | None,
    article_id: str | None,
    output: Path | None,
    force: bool,
    llm_url: str | None,
    model: str | None,
    api_key_env: str,
    timeout: float,
    repair_rounds: int,
) -> None:
    """Draft the fact file of ARTICLE (its full text, UTF-8) for an analyst to review.

    Every fact is marked 'reviewed: false', quotes the text exactly, and names
    actors by their registry ids; `ckg load` refuses the file until each fact is
    reviewed (or --allow-unreviewed is given). Offline by default.
    """
    from ceasefire_kg.draft import LlmSettings, draft_article, render_draft

    if (llm_url is None) != (model is None):
        raise click.UsageError("--llm and --model go together: give the endpoint's URL and the model's name.")
    if output is not None and output.exists() and not force:
        raise click.ClickException(f"{output} exists. Give --force to replace it, or another -o path.")
    settings = None
    if llm_url is not None and model is not None:
        settings = LlmSettings(llm_url, model, api_key_env, timeout, repair_rounds)
    drafted = draft_article(
        article, registries=registries, published=published, article_id=article_id, output=output, llm=settings
    )
    result = render_draft(drafted, article.name)
    if output is None:
        click.echo(result, nl=False)
    else:
        write_text_atomically(output, result, mode=0o644)
    counts = ", ".join(
        f"{len(drafted.section(section))} {section}"
        for section in drafted.article_sections()
        if drafted.section(section)
    )
    where = f" to {output}" if output is not None else ""
    click.echo(
        f"Drafted {len(drafted.facts)} facts ({counts or 'none'}){where}; each is marked 'reviewed: false'.", err=True
    )
    for note in drafted.notes:
        click.echo(f"Note: {note}.", err=True)


#: The commands this module adds to ``ckg``.
COMMANDS: list[click.Command] = [draft]
