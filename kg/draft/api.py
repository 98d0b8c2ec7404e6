"""Draft a fact file from an article's text: the library call behind ``ckg draft``."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ceasefire_kg.draft.actors import ActorIndex, propose_new_actors, read_registries, slug
from ceasefire_kg.draft.dates import parse_publication_date
from ceasefire_kg.draft.extract import OfflineDrafter
from ceasefire_kg.draft.model import Draft
from ceasefire_kg.draft.output import render, settle
from ceasefire_kg.draft.text import ArticleText, split_article
from ceasefire_kg.errors import DraftError
from ceasefire_kg.loaders.quotes import read_article_text

logger = logging.getLogger(__name__)

_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
#: Largest article text drafted: a long report is a few tens of kilobytes; more is not one article.
MAX_TEXT_BYTES = 1_000_000
_DATED_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})-")


@dataclass(frozen=True)
class LlmSettings:
    """Where and how to ask a language model (an OpenAI-compatible chat-completions endpoint).

    Attributes:
        url: The endpoint's base URL (``http://127.0.0.1:11434/v1``) or its full chat-completions URL.
        model: The model's name.
        api_key_env: The environment variable holding the API key, if the endpoint needs one.
        timeout: Seconds to wait for one answer.
        repair_rounds: How many times the validator's errors are sent back for a corrected answer.
    """

    url: str
    model: str
    api_key_env: str = "CKG_LLM_API_KEY"
    timeout: float = 120.0
    repair_rounds: int = 2


def read_text(path: Path) -> str:
    """The article's text as the loader reads it.

    Raises:
        DraftError: The file is missing, unreadable, too large, not UTF-8 or empty.
    """
    if not path.is_file():
        raise DraftError(f"article text {path} not found. Give the path of the article's text file (UTF-8).")
    try:
        size = path.stat().st_size
        if size > MAX_TEXT_BYTES:
            raise DraftError(
                f"the article text {path} is {size} bytes, over the limit of {MAX_TEXT_BYTES} for one article. "
                "Draft one article at a time."
            )
        content = read_article_text(path)
    except OSError as error:
        raise DraftError(f"cannot read the article text {path}: {error.strerror}. Check that it is readable.") from None
    except UnicodeDecodeError as error:
        raise DraftError(
            f"the article text {path} is not valid UTF-8 (byte {error.start}). Save it as UTF-8."
        ) from None
    if not content.strip():
        raise DraftError(f"the article text {path} is empty. Give the file holding the article's full text.")
    return content


def _publication(text_path: Path, published: str | None) -> date:
    if published is not None:
        try:
            return parse_publication_date(published)
        except ValueError as error:
            raise DraftError(
                f"bad publication date: {error}. Give --published as YYYY-MM-DD, e.g. 2025-04-09."
            ) from None
    dated = _DATED_NAME.match(text_path.name)
    if dated is not None:
        try:
            return parse_publication_date(dated.group(1))
        except ValueError:
            pass
    raise DraftError(
        f"no publication date for {text_path.name}: its name does not start with one (YYYY-MM-DD-…). "
        "Give --published YYYY-MM-DD; dates such as 'on Tuesday' are resolved against it."
    )


def _article_id(text_path: Path, article_id: str | None) -> str:
    if article_id is None:
        return slug(text_path.stem)
    if not _ID.match(article_id) or len(article_id) > 120:
        raise DraftError(
            f"bad article id '{article_id}': use lowercase letters, digits and hyphens, starting with a letter "
            "or digit (at most 120 characters), e.g. 2025-04-09-kremlin-conditional-ceasefire."
        )
    return article_id


def _relative(path: Path, base: Path) -> str:
    return Path(os.path.relpath(path.resolve(), base.resolve())).as_posix()


def draft_article(
    text_path: Path,
    *,
    registries: Sequence[Path] = (),
    published: str | None = None,
    article_id: str | None = None,
    output: Path | None = None,
    llm: LlmSettings | None = None,
) -> Draft:
    """Draft the fact file of an article from its text.

    Args:
        text_path: The article's full text (UTF-8).
        registries: Actor registry files whose actors the facts may name.
        published: The publication date, YYYY-MM-DD; else taken from a file
            name that starts with one.
        article_id: The article's id; else made from the file name.
        output: Where the fact file will be written; the paths it gives to the
            text and the registries are relative to its folder (else to the text's).
        llm: Draft with this language model instead of offline.

    Returns:
        The draft, every fact marked ``reviewed: false``; facts whose quote is
        not in the text, that break the format or name missing facts are dropped
        and listed in its notes.

    Raises:
        DraftError: A bad input (missing or empty text, bad date or id, unusable
            registry) or, with ``llm``, an endpoint that fails.
    """
    content = read_text(text_path)
    day = _publication(text_path, published)
    identifier = _article_id(text_path, article_id)
    index = read_registries(registries) if registries else ActorIndex()
    registry_ids = set(index.actors)
    article = split_article(content)
    proposed = propose_new_actors(index, (sentence.folded for sentence in article.sentences))
    base = (output.parent if output is not None else text_path.parent) or Path(".")
    meta = _metadata(article, identifier, day, _relative(text_path, base))
    draft = Draft(
        meta,
        [_relative(path, base) for path in registries],
        proposed,
        content=content,
        registry_actor_ids=registry_ids,
    )
    if llm is None:
        draft.facts, draft.candidates = OfflineDrafter(article, index, day).run()
        if not article.outlet:
            draft.notes.append("no outlet found in a dateline: 'outlet' says unknown, correct it")
    else:
        from ceasefire_kg.draft.llm import draft_with_model

        draft_with_model(draft, article, index, llm)
    used = {a for fact in draft.facts for a in _actor_refs(fact.data)}
    draft.actors = [actor for actor in draft.actors if actor.id in used or (llm is None and actor.proposed)]
    settle(draft, content)
    if llm is not None:
        draft.candidates = sorted((fact.start, fact.end) for fact in draft.facts)
    logger.info("drafted %d facts from %s", len(draft.facts), text_path)
    return draft


def _actor_refs(data: dict[str, object]) -> list[str]:
    found: list[str] = []
    for name in ("by", "actor", "of", "accused", "participants", "targets", "mediators", "proposed_by", "parties"):
        value = data.get(name)
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, list):
            found += [item for item in value if isinstance(item, str)]
    return found


def _metadata(article: ArticleText, identifier: str, day: date, text: str) -> dict[str, object]:
    title = article.title or (article.sentences[0].text if article.sentences else identifier)
    return {
        "id": identifier,
        "title": " ".join(title.split())[:2000],
        "outlet": article.outlet or "unknown",
        "published": day.isoformat(),
        "text": text,
    }


def render_draft(draft: Draft, source_name: str) -> str:
    """The draft as the text of its YAML fact file."""
    return render(draft, source_name)
