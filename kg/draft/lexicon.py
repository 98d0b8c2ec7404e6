"""The offline drafter's cue lexicon, read from ``lexicon.json`` beside this module."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Lexicon:
    """Compiled cues: one pattern, or a mapping of a value (a stance, a type) to its pattern."""

    single: dict[str, re.Pattern[str]]
    by_value: dict[str, dict[str, re.Pattern[str]]]

    def __getitem__(self, name: str) -> re.Pattern[str]:
        return self.single[name]

    def choices(self, name: str) -> dict[str, re.Pattern[str]]:
        """The patterns of a table (``position``, ``events`` …), by the value each cues, in the file's order."""
        return self.by_value[name]


@cache
def lexicon() -> Lexicon:
    """The cue lexicon (compiled once)."""
    raw = json.loads(resources.files("ceasefire_kg.draft").joinpath("lexicon.json").read_text("utf-8"))
    single: dict[str, re.Pattern[str]] = {}
    by_value: dict[str, dict[str, re.Pattern[str]]] = {}
    for name, value in raw.items():
        if name.startswith("_"):
            continue
        if isinstance(value, str):
            single[name] = re.compile(value, re.IGNORECASE)
        else:
            by_value[name] = {key: re.compile(pattern, re.IGNORECASE) for key, pattern in value.items()}
    return Lexicon(single, by_value)
