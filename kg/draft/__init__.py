"""Drafting fact files from article texts: what ``ckg draft`` does.

:func:`draft_article` reads an article's text and drafts its fact file, offline
(deterministic, from a cue lexicon) or with a language model behind an
OpenAI-compatible endpoint. Every drafted fact is marked ``reviewed: false``,
its quote is the text's own span (checked by the loader's quote matching), and
it satisfies the fact format's JSON Schema; the loader refuses unreviewed
facts, so a draft becomes data only once an analyst has checked it.
"""

from __future__ import annotations

from ceasefire_kg.draft.api import LlmSettings, draft_article, read_text, render_draft
from ceasefire_kg.draft.model import Draft, DraftFact

__all__ = ["Draft", "DraftFact", "LlmSettings", "draft_article", "read_text", "render_draft"]
