"""Refuse drafted facts that no analyst has reviewed yet.

``ckg draft`` writes every fact (and every actor it proposes) with
``reviewed: false``. A draft must never silently become data: a load or a
validation refuses each such entry, naming its file, line and fact, unless
the caller allows unreviewed facts. A fact without the field counts as
reviewed, so files written by hand need nothing.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from ceasefire_kg.errors import Problem
from ceasefire_kg.loaders.reader import SECTION_KINDS

if TYPE_CHECKING:
    # Only for annotations: checks.py runs this check, so it imports this module.
    from ceasefire_kg.loaders.checks import CheckedCorpus

logger = logging.getLogger(__name__)

_HINT = (
    "Check the fact against the article text, then delete its 'reviewed: false' line (or set it to true); "
    "or load the draft as it is with --allow-unreviewed."
)


def unreviewed_problems(corpus: CheckedCorpus) -> list[Problem]:
    """A problem for each entry of the corpus marked ``reviewed: false``.

    Args:
        corpus: The checked articles and registries.

    Returns:
        The problems, in the order of the files and their entries.
    """
    problems: list[Problem] = []
    for registry in corpus.registries:
        for index, actor in enumerate(registry.actors):
            if actor.get("reviewed") is False:
                problems.append(
                    registry.source.problem(
                        ("actors", index, "reviewed"), "drafted, not reviewed yet.", _HINT, field_name="reviewed"
                    )
                )
    for article in corpus.articles:
        for section in SECTION_KINDS:
            for index, entry in article.entries(section):
                if entry.get("reviewed") is False:
                    problems.append(
                        article.source.problem(
                            (section, index, "reviewed"), "drafted, not reviewed yet.", _HINT, field_name="reviewed"
                        )
                    )
    return problems
