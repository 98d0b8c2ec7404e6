"""Mutated article texts never crash the drafter, and what it drafts from them loads (as a draft).

A fixed seed, so a failure reproduces: the examples' texts with characters
inserted, deleted and repeated (quote marks, dashes, digits, dates, cue words,
control and invisible characters).
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from ceasefire_kg.draft import draft_article, render_draft
from ceasefire_kg.errors import CkgError
from ceasefire_kg.loaders.load import validate_paths
from tests.paths import REPO

TEXTS = sorted((REPO / "examples").rglob("*.txt"))
REGISTRIES = [REPO / "examples" / "serrin-war" / "serrin-actors.yaml", REPO / "examples" / "articles" / "actors.yaml"]
PIECES = [
    *'abc XYZ.,;:!?"“”‘’–—-()[]\n\t0123456789',
    " said ",
    " accused ",
    " denied ",
    " ceasefire ",
    " truce ",
    " on Tuesday ",
    " Sept. 5-7 ",
    " killed 12 and wounded ",
    " only if ",
    "\x00",
    "\u200b",
    "\ufeff",
    "\U0001f600",
]


def _mutated(rng: random.Random) -> str:
    chars = list(rng.choice(TEXTS).read_text("utf-8"))
    for _ in range(rng.randint(1, 60)):
        where = rng.randrange(len(chars) + 1)
        roll = rng.random()
        if roll < 0.4:
            chars[where:where] = list(rng.choice(PIECES))
        elif roll < 0.7 and chars:
            del chars[min(where, len(chars) - 1)]
        else:
            start = rng.randrange(len(chars))
            chars[where:where] = chars[start : start + rng.randint(1, 200)]
    return "".join(chars)


@pytest.mark.parametrize("seed", range(40))
def test_mutated_texts_draft_without_crashing_and_load_as_drafts(seed: int, tmp_path: Path) -> None:
    text = tmp_path / "2026-09-20-mutated.txt"
    text.write_text(_mutated(random.Random(seed)), "utf-8")
    output = tmp_path / "draft.yaml"
    try:
        draft = draft_article(text, registries=REGISTRIES, output=output)
    except CkgError:
        return  # refused with a message (an empty text): not a crash
    output.write_text(render_draft(draft, text.name), "utf-8")

    report = validate_paths([output], allow_unreviewed=True, on_progress=lambda _: None)[2]
    assert report.articles[0].quotes_checked == len(draft.facts)
