"""Checking a draft against the fact format and the text, and writing it as a fact file.

Whatever drafted it (the offline drafter or a language model), a fact reaches
the file only if its quote is found in the article's text by the loader's own
matching (:func:`ceasefire_kg.loaders.quotes.find_quote`), it satisfies the
JSON Schema, and every fact it names is in the draft too. Everything else is
dropped and reported in the draft's notes, never kept.
"""

from __future__ import annotations

import logging
from typing import Any

import yaml

from ceasefire_kg.draft.model import DRAFT_SECTIONS, Draft, DraftFact
from ceasefire_kg.loaders.fields import REFERENCE_FIELDS
from ceasefire_kg.loaders.quotes import find_quote
from ceasefire_kg.loaders.reader import SECTION_KINDS
from ceasefire_kg.loaders.schema_check import validator
from ceasefire_kg.namespaces import BUILTIN_SCOPE_IDS

logger = logging.getLogger(__name__)

#: Fields naming other facts that a fact cannot do without.
_REQUIRED_REFERENCES = {("positions", "proposal"), ("responses", "demand"), ("claims", "denies")}


def schema_errors(section: str, data: dict[str, Any]) -> list[str]:
    """What is wrong with one fact according to the JSON Schema, in short messages."""
    errors = validator(SECTION_KINDS[section]).iter_errors(data)
    return [f"{'/'.join(map(str, error.absolute_path)) or 'fact'}: {error.message}" for error in errors]


def settle(draft: Draft, content: str) -> None:
    """Keep only the facts whose quote is in the text, that satisfy the schema and whose references resolve.

    Each fact dropped is reported in ``draft.notes``; the quote kept is the
    text's own span (so a quote typed with other quote marks is written as the text has it).
    """
    kept: list[DraftFact] = []
    for fact in draft.facts:
        quote = fact.data.get("quote")
        span = find_quote(quote, content) if isinstance(quote, str) else None
        if span is None:
            draft.notes.append(f"dropped {fact.section[:-1]} '{fact.data.get('id')}': its quote is not in the text")
            continue
        fact.data["quote"], fact.start, fact.end = span.exact, span.start, span.end
        errors = schema_errors(fact.section, fact.data)
        if errors:
            draft.notes.append(f"dropped {fact.section[:-1]} '{fact.data.get('id')}': {errors[0]}")
            continue
        kept.append(fact)
    draft.facts = _resolved(kept, draft)


def _resolved(facts: list[DraftFact], draft: Draft) -> list[DraftFact]:
    """The facts whose references resolve, dropping (and noting) those that need a missing one."""
    actor_ids = {actor.id for actor in draft.actors} | draft.registry_actor_ids
    while True:
        known = {kind: {f.id for f in facts if SECTION_KINDS[f.section] == kind} for kind in SECTION_KINDS.values()}
        known["actor"] |= actor_ids
        known["scope"] |= set(BUILTIN_SCOPE_IDS)
        kept: list[DraftFact] = []
        for fact in facts:
            if _prune_references(fact, known, draft):
                kept.append(fact)
        if len(kept) == len(facts):
            return kept
        facts = kept


def _prune_references(fact: DraftFact, known: dict[str, set[str]], draft: Draft) -> bool:
    """Remove references that name nothing; False when the fact needs one of them."""
    for (section, name), kind in REFERENCE_FIELDS.items():
        if section != fact.section or name not in fact.data:
            continue
        value = fact.data[name]
        if isinstance(value, str):
            if value not in known[kind]:
                if (section, name) in _REQUIRED_REFERENCES or name in ("by", "actor"):
                    draft.notes.append(f"dropped {section[:-1]} '{fact.id}': its {name} '{value}' is not in the draft")
                    return False
                del fact.data[name]
        else:
            fact.data[name] = [item for item in value if item in known[kind]]
            if not fact.data[name]:
                del fact.data[name]
                if (fact.section, name) == ("claims", "accused"):
                    draft.notes.append(f"dropped claim '{fact.id}': none of its accused is known")
                    return False
    if fact.section == "demands" and "precondition_for" in fact.data:
        targets = known["proposal"] | known["demand"] | known["event"]
        fact.data["precondition_for"] = [t for t in fact.data["precondition_for"] if t in targets and t != fact.id]
        if not fact.data["precondition_for"]:
            del fact.data["precondition_for"]
    return not schema_errors(fact.section, fact.data)


def as_document(draft: Draft) -> dict[str, Any]:
    """The fact file's content: article, registries, proposed actors, then the facts by section."""
    document: dict[str, Any] = {"article": dict(draft.article)}
    if draft.registries:
        document["registries"] = list(draft.registries)
    if draft.actors:
        document["actors"] = [
            {
                key: value
                for key, value in (
                    ("id", actor.id),
                    ("reviewed", False),
                    ("name", actor.name),
                    ("type", actor.type),
                    ("role", actor.role),
                    ("represents", actor.represents),
                )
                if value is not None
            }
            for actor in draft.actors
        ]
    for section in DRAFT_SECTIONS:
        facts = sorted(draft.section(section), key=lambda fact: fact.start)
        if facts:
            document[section] = [fact.data for fact in facts]
    return document


def render(draft: Draft, source_name: str) -> str:
    """The draft as the text of a YAML fact file, with a header saying what to do with it."""
    counts = ", ".join(f"{len(draft.section(s))} {s}" for s in DRAFT_SECTIONS if draft.section(s))
    header = [
        f"# Drafted by `ckg draft` ({draft.drafter}) from {source_name}: {counts or 'no facts'}.",
        "# Every entry is marked 'reviewed: false' and `ckg load` refuses it until an analyst has checked it",
        "# against the text and deleted that line. Ids, names and texts are suggestions; the quotes are the text's own.",
    ]
    if draft.actors:
        header.append(
            "# Actors under 'actors:' are not in the registries given: check them, or move them to a registry."
        )
    header += [f"# Note: {note}." for note in draft.notes]
    body = yaml.dump(as_document(draft), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=110)
    footer = []
    drafted = [(fact.start, fact.end) for fact in draft.facts]
    missed = [
        (start, end)
        for start, end in draft.candidates
        if not any(start < fact_end and fact_start < end for fact_start, fact_end in drafted)
    ]
    if missed:
        footer.append("\n# Sentences with a cue but no fact drafted (they may state one):")
        footer += [f"#   {_one_line(draft.content, start, end)}" for start, end in missed]
    return "\n".join(header) + "\n" + body + "\n".join(footer) + ("\n" if footer else "")


class _Dumper(yaml.SafeDumper):
    """Block style, except lists of ids and short texts, which stay on one line: ``by: [kesaria]``."""


def _list(dumper: yaml.SafeDumper, items: list[Any]) -> yaml.Node:
    short = all(isinstance(item, str) and len(item) <= 60 for item in items)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", items, flow_style=short)


_Dumper.add_representer(list, _list)


def _one_line(content: str, start: int, end: int) -> str:
    """A sentence for a comment line: one line, printable characters only (a comment cannot escape a NUL)."""
    text = " ".join("".join(ch if ch.isprintable() else " " for ch in content[start:end]).split())
    return text if len(text) <= 200 else text[:199] + "…"
