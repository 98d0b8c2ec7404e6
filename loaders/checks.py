"""Check article-fact files: structure (JSON Schema), references, ids, dates, quotes.

Every check runs over every file of a load and all problems are reported
together, each with its file, line, fact and field, and how to fix it. The
JSON Schema part is :mod:`ceasefire_kg.loaders.schema_check`, the quotes part
:mod:`ceasefire_kg.loaders.quotes`, how an event's fields fit together
:mod:`ceasefire_kg.loaders.event_checks`, actors' represents chains
:mod:`ceasefire_kg.loaders.actor_checks`; this module runs them with the
checks of references, ids and dates.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from jsonschema.exceptions import ValidationError

from ceasefire_kg.errors import InputError, Problem
from ceasefire_kg.loaders.actor_checks import StoredLinks, check_represents_chains, no_stored_links
from ceasefire_kg.loaders.demand_checks import (
    check_precondition_cycles,
    check_precondition_targets,
    check_supersessions,
)
from ceasefire_kg.loaders.event_checks import check_events
from ceasefire_kg.loaders.fact_rules import check_fact_rules
from ceasefire_kg.loaders.fields import DATE_FIELDS, REFERENCE_FIELDS
from ceasefire_kg.loaders.quotes import QuoteSpan, check_quotes
from ceasefire_kg.loaders.reader import (
    FACT_FILE_SUFFIXES,
    MAX_FILE_BYTES,
    SECTION_KINDS,
    JsonPath,
    SourceFile,
    find_fact_files,
    is_file,
    read_sources,
)
from ceasefire_kg.loaders.review import unreviewed_problems
from ceasefire_kg.loaders.schema_check import did_you_mean, malformed_paths, structure_errors
from ceasefire_kg.loaders.valid_time import future_status_problem
from ceasefire_kg.namespaces import BUILTIN_SCOPE_IDS

logger = logging.getLogger(__name__)


BUILTIN_SCOPES = frozenset(BUILTIN_SCOPE_IDS)


@dataclass
class RegistryFile:
    """A shared actor registry."""

    source: SourceFile
    registry_id: str
    actors: list[dict[str, Any]]


@dataclass
class ArticleFile:
    """One article's facts, checked and ready to turn into RDF.

    Attributes:
        source: The parsed file.
        registries: The registries it references, resolved.
        text_path: The full text its quotes were checked against, if any.
        quotes_checked: How many quotes were found in that text.
        quote_spans: Each quote found in that text, as typed, with its span of the text.
        malformed: Where the file failed the JSON Schema: the values that did,
            and the fields that are missing or unknown. Already reported, so
            the other checks pass over them, and only them.
        sound: The file's content without the malformed values (the content
            itself when there are none): what the other checks look at.
    """

    source: SourceFile
    registries: list[RegistryFile] = field(default_factory=list)
    text_path: Path | None = None
    quotes_checked: int = 0
    quote_spans: dict[str, QuoteSpan] = field(default_factory=dict)
    malformed: frozenset[JsonPath] = frozenset()
    sound: dict[str, Any] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.sound = _without(self.data, self.malformed)

    @property
    def data(self) -> dict[str, Any]:
        """The file's content."""
        return self.source.data

    @property
    def article_id(self) -> str:
        """The article's id."""
        return self.data["article"]["id"]

    @property
    def meta(self) -> dict[str, Any]:
        """The well-formed fields of the ``article:`` section."""
        return self.sound.get("article", {})

    def facts(self, section: str) -> list[dict[str, Any]]:
        """Return the entries of one section (empty when absent)."""
        return self.data.get(section, [])

    def entries(self, section: str) -> list[tuple[int, dict[str, Any]]]:
        """The entries of one section that are mappings, with their index in the file.

        Each holds only its well-formed fields, and a list field holds None in
        place of each malformed item.
        """
        return [(index, entry) for index, entry in enumerate(self.sound.get(section, [])) if isinstance(entry, dict)]

    def declared_ids(self, section: str) -> set[str]:
        """Every id the section declares, including those of malformed entries."""
        entries = self.data.get(section) if (section,) not in self.malformed else None
        if not isinstance(entries, list):
            return set()
        return {entry["id"] for entry in entries if isinstance(entry, dict) and isinstance(entry.get("id"), str)}

    def all_ids_readable(self, section: str) -> bool:
        """Whether every entry of the section is a mapping with an id, so that what it declares is known."""
        entries = self.data.get(section, [])
        return (
            (section,) not in self.malformed
            and isinstance(entries, list)
            and all(isinstance(entry, dict) and isinstance(entry.get("id"), str) for entry in entries)
        )

    def actor_names(self) -> dict[str, str]:
        """Names of every actor this article can refer to, by id."""
        names = {actor["id"]: actor["name"] for registry in self.registries for actor in registry.actors}
        names.update({actor["id"]: actor["name"] for actor in self.facts("actors")})
        return names


def _without(data: dict[str, Any], malformed: frozenset[JsonPath]) -> dict[str, Any]:
    """A copy of ``data`` without the values at ``malformed`` (``data`` itself when there are none).

    A malformed list item becomes None rather than disappearing, so that the
    items after it keep their index, which locates them in the file.
    """
    if not malformed:
        return data
    if () in malformed:
        return {}
    holding = {path[:end] for path in malformed for end in range(len(path))}

    def part(path: JsonPath, value: Any) -> Any:
        if path not in holding:
            return value
        if isinstance(value, dict):
            return {key: part((*path, key), item) for key, item in value.items() if (*path, key) not in malformed}
        if isinstance(value, list):
            return [
                None if (*path, index) in malformed else part((*path, index), item) for index, item in enumerate(value)
            ]
        return value

    return part((), data)


@dataclass
class CheckedCorpus:
    """Everything one validate or load run read, all checks passed."""

    articles: list[ArticleFile]
    registries: list[RegistryFile]

    @property
    def fact_count(self) -> int:
        """How many entries (actors, proposals, demands …) the articles hold."""
        return sum(len(article.facts(section)) for article in self.articles for section in SECTION_KINDS)


def check_paths(
    paths: Iterable[Path],
    *,
    text_dirs: Iterable[Path] = (),
    known_positions: Callable[[], set[str]] = set,
    max_bytes: int = MAX_FILE_BYTES,
    known_responses: Callable[[], set[str]] = set,
    stored_represents: StoredLinks = no_stored_links,
    allow_unreviewed: bool = False,
) -> CheckedCorpus:
    """Read and check fact files and folders; raise with every problem found.

    Args:
        paths: Fact files, registry files or folders of them.
        text_dirs: Folders where ``<article id>.txt`` full texts are looked up.
        known_positions: Ids of positions already stored, which ``supersedes`` may name.
        known_responses: Ids of responses already stored, which a response's ``supersedes`` may name.
        stored_represents: The ``represents`` links already stored outside the graphs the load replaces,
            which its chains may run through.
        max_bytes: Refuse files larger than this.
        allow_unreviewed: Accept entries marked ``reviewed: false`` (drafts); else each is a problem.

    Returns:
        The checked articles and registries.

    Raises:
        InputError: With every problem of every file; nothing was checked half.
    """
    files, problems = find_fact_files(paths)
    sources, read_problems = read_sources(files, max_bytes)
    problems.extend(read_problems)
    checker = _Checker(list(text_dirs), max_bytes, problems, stored_represents)
    read = {source.path.resolve() for source in sources}
    stored = {"positions": known_positions, "responses": known_responses}
    corpus = checker.run(sources, stored, unreadable=[file for file in files if file.resolve() not in read])
    if not allow_unreviewed:
        problems.extend(unreviewed_problems(corpus))
    if problems:
        # A file that is both given and listed as a registry is read twice; its problems count once.
        raise InputError(list({problem.describe(): problem for problem in problems}.values()))
    return corpus


class _Checker:
    """One run of checks over a set of sources; appends to ``problems``."""

    def __init__(
        self, text_dirs: list[Path], max_bytes: int, problems: list[Problem], stored_represents: StoredLinks
    ) -> None:
        self.text_dirs = text_dirs
        self.stored_represents = stored_represents
        self.max_bytes = max_bytes
        self.problems = problems
        self.registries: dict[Path, RegistryFile] = {}
        #: Registry files already found unreadable or invalid (their problems are reported once).
        self.bad_registries: set[Path] = set()

    def run(
        self, sources: list[SourceFile], stored: dict[str, Callable[[], set[str]]], unreadable: Iterable[Path] = ()
    ) -> CheckedCorpus:
        """Check every source; ``stored`` gives, by section, the ids the store holds (asked only when needed)."""
        self.bad_registries.update(path.resolve() for path in unreadable)
        articles: list[ArticleFile] = []
        for source in sources:
            if isinstance(source.data, dict) and "registry" in source.data and "article" not in source.data:
                self._registry(source)
            else:
                article = self._article(source)
                if article is not None:
                    articles.append(article)
        self._check_article_ids(articles)
        # What supersedes may name: the positions (responses) of the run, and of the store when it must be asked.
        supersedable = {section: {i for a in articles for i in a.declared_ids(section)} for section in stored}
        asked: set[str] = set()
        for article in articles:
            article.registries, registries_read = self._article_registries(article)
            for section, known in stored.items():
                earlier = {entry.get("supersedes") for _, entry in article.entries(section)} - {None}
                if section not in asked and not earlier <= supersedable[section]:
                    asked.add(section)
                    supersedable[section] |= known()
            self._check_article(article, supersedable, registries_read)
        self.problems.extend(check_precondition_cycles(articles))
        self.problems.extend(check_supersessions(articles))
        self.problems.extend(check_represents_chains(articles, self.registries.values(), self.stored_represents))
        return CheckedCorpus(articles, list(self.registries.values()))

    # -- structure -----------------------------------------------------

    def _structure_ok(self, source: SourceFile, definition: str | None) -> bool:
        # None: not even a mapping (reported), which is no better than having errors.
        return self._structure_errors(source, definition) == []

    def _structure_errors(self, source: SourceFile, definition: str | None) -> list[ValidationError] | None:
        """Report the file's JSON Schema errors; None when it is not even a mapping."""
        return structure_errors(source, definition, self.problems)

    def _article(self, source: SourceFile) -> ArticleFile | None:
        """An article file with its values that fail the JSON Schema marked; None if it is not a mapping.

        Those values are reported once, here, and left out of the other
        checks, which still run on everything else, down to the other fields
        of the same entry, so that one run reports every problem of the file.
        """
        errors = self._structure_errors(source, None)
        if errors is None:
            return None
        return ArticleFile(source, malformed=frozenset(path for error in errors for path in malformed_paths(error)))

    def _registry(self, source: SourceFile) -> RegistryFile | None:
        key = source.path.resolve()
        if key in self.registries:
            return self.registries[key]
        if not self._structure_ok(source, "registry"):
            self.bad_registries.add(key)
            return None
        registry = RegistryFile(source, source.data["registry"], source.data["actors"])
        self._check_unique(source, "actors", ((index, actor["id"]) for index, actor in enumerate(registry.actors)))
        ids = {actor["id"] for actor in registry.actors}
        for index, actor in enumerate(registry.actors):
            for name in ("represents", "member_of"):
                self._check_refs(
                    source,
                    ("actors", index, name),
                    actor.get(name),
                    ids,
                    "actor",
                    "Declare that actor in this registry too.",
                    own_id=actor["id"],
                )
        self.registries[key] = registry
        return registry

    def _article_registries(self, article: ArticleFile) -> tuple[list[RegistryFile], bool]:
        """The registries an article lists that could be read, and whether that is all of them."""
        if ("registries",) in article.malformed:
            return [], False
        found: list[RegistryFile] = []
        base = article.source.path.parent
        listed = article.sound.get("registries", [])
        for index, relative in enumerate(listed):
            if relative is None:
                continue  # Malformed, already reported.
            path = base / relative
            if path.suffix not in FACT_FILE_SUFFIXES:
                # Only YAML files are read as registries: a path such as ../../etc/passwd is not opened.
                self._add(
                    article.source,
                    ("registries", index),
                    f"registry file '{relative}' is not a .yaml or .yml file.",
                    "Give the path of an actor registry file, relative to this file.",
                    field_name="registries",
                )
                continue
            if not is_file(path):
                self._add(
                    article.source,
                    ("registries", index),
                    f"registry file '{relative}' not found (looked for {path}).",
                    "Give its path relative to this file.",
                    field_name="registries",
                )
                continue
            if path.resolve() in self.bad_registries:
                continue  # Its problems are already reported.
            if path.resolve() not in self.registries:
                sources, problems = read_sources([path], self.max_bytes)
                self.problems.extend(problems)
                if not sources:
                    self.bad_registries.add(path.resolve())
                    continue
                if self._registry(sources[0]) is None:
                    continue
            registry = self.registries[path.resolve()]
            found.append(registry)
        return found, len(found) == len(listed)

    # -- articles ------------------------------------------------------

    def _check_article_ids(self, articles: list[ArticleFile]) -> None:
        first: dict[str, ArticleFile] = {}
        for article in articles:
            article_id = article.meta.get("id")
            if article_id is None:
                continue
            other = first.setdefault(article_id, article)
            if other is not article:
                self._add(
                    article.source,
                    ("article", "id"),
                    f"article id '{article_id}' is also used by {other.source.name}.",
                    "Each article needs its own id.",
                    field_name="id",
                )

    def _check_article(self, article: ArticleFile, supersedable: dict[str, set[str]], registries_read: bool) -> None:
        """Check references, dates and quotes of the well-formed values of an article.

        Args:
            article: The article.
            supersedable: Ids of the positions and responses of the whole run and of the store, by section.
            registries_read: Whether every registry it lists could be read; if
                not, its actors are unknown and references to actors are not checked.
        """
        source = article.source
        ids: dict[str, set[str]] = {}
        for section, kind in SECTION_KINDS.items():
            declared = ((index, entry["id"]) for index, entry in article.entries(section) if "id" in entry)
            ids[kind] = self._check_unique(source, section, declared) | article.declared_ids(section)
        registry_actors = {actor["id"]: registry for registry in article.registries for actor in registry.actors}
        for index, actor in article.entries("actors"):
            if actor.get("id") in registry_actors:
                self._add(
                    source,
                    ("actors", index, "id"),
                    f"actor '{actor['id']}' is already declared in registry {registry_actors[actor['id']].source.name}.",
                    "Remove it here, or give this actor another id.",
                    field_name="id",
                )
        resolvable = {
            "actor": ids["actor"] | set(registry_actors),
            "scope": ids["scope"] | BUILTIN_SCOPES,
            "proposal": ids["proposal"],
            "demand": ids["demand"],
            "event": ids["event"],
            "claim": ids["claim"],
            "position": ids["position"] | supersedable["positions"],
            "response": ids["response"] | supersedable["responses"],
        }
        hints = {
            "actor": "Declare it under 'actors:' or in a registry listed under 'registries:'.",
            "scope": f"Use a built-in scope ({', '.join(sorted(BUILTIN_SCOPES))}) or add it under 'scopes:'.",
            "position": "Name a position of this file, of another file in this load, or already stored.",
            "response": "Name a response of this file, of another file in this load, or already stored.",
        }
        # A registry that could not be read, or an entry without a readable id,
        # is already reported; what it declares would be reported again as unknown.
        all_known = {kind: article.all_ids_readable(section) for section, kind in SECTION_KINDS.items()}
        all_known["actor"] = all_known["actor"] and registries_read
        for (section, field_name), kind in REFERENCE_FIELDS.items():
            if not all_known[kind]:
                continue
            for index, entry in article.entries(section):
                self._check_refs(
                    source,
                    (section, index, field_name),
                    entry.get(field_name),
                    resolvable[kind],
                    kind,
                    hints.get(kind, f"Declare that {kind} under '{kind}s:' in this file."),
                    own_id=entry.get("id") if SECTION_KINDS[section] == kind else None,
                )
        self.problems.extend(check_precondition_targets(article))
        self._check_dates(article)
        self.problems.extend(check_events(article))
        self.problems.extend(check_fact_rules(article))
        self._check_quotes(article)

    def _check_quotes(self, article: ArticleFile) -> None:
        self.problems.extend(check_quotes(article, self.text_dirs))

    def _check_unique(self, source: SourceFile, section: str, ids: Iterable[tuple[int, str]]) -> set[str]:
        """Report each id declared twice in a section; ``ids`` are ``(index of the entry, its id)``."""
        seen: dict[str, int] = {}
        for index, fact_id in ids:
            if fact_id in seen:
                first_line = source.line_of((section, seen[fact_id]))
                self._add(
                    source,
                    (section, index, "id"),
                    f"duplicate id '{fact_id}' in '{section}' (first declared on line {first_line}).",
                    "Give each entry its own id, or merge the two.",
                    field_name="id",
                )
            else:
                seen[fact_id] = index
        return set(seen)

    def _check_refs(
        self,
        source: SourceFile,
        path: JsonPath,
        value: str | list[str | None] | None,
        known: set[str],
        kind: str,
        hint: str,
        *,
        own_id: str | None = None,
    ) -> None:
        """Report each id in ``value`` that names no known thing, or (``own_id``) the entry itself.

        None in a list stands for a malformed item, already reported.
        """
        if value is None:
            return
        values = [value] if isinstance(value, str) else value
        others = known - {own_id}
        for position, target in enumerate(values):
            if target is None:
                continue
            at = path if isinstance(value, str) else (*path, position)
            if target == own_id:
                self._add(
                    source,
                    at,
                    f"'{target}' is this {kind} itself.",
                    f"Name another {kind}, or remove it.",
                    field_name=str(path[-1]),
                )
            elif target not in known:
                self._add(
                    source,
                    at,
                    f"unknown {kind} '{target}'.{did_you_mean(target, others)}",
                    hint,
                    field_name=str(path[-1]),
                )

    def _check_dates(self, article: ArticleFile) -> None:
        source = article.source
        written = article.meta.get("published")
        published = None if written is None else self._parse_date(source, ("article", "published"), written)
        for section, names in DATE_FIELDS.items():
            for index, entry in article.entries(section):
                parsed = {
                    name: self._parse_date(source, (section, index, name), entry[name])
                    for name in names
                    if name in entry
                }
                as_of = parsed.get("as_of")
                if as_of and published and as_of > published:
                    self._add(
                        source,
                        (section, index, "as_of"),
                        f"as_of {as_of} is after the article was published ({published}).",
                        "An article can only report stances and demands up to its own date.",
                        field_name="as_of",
                    )
                problem = future_status_problem(section, entry, parsed, published) if "status" in entry else None
                if problem is not None:
                    field_name, message, hint = problem
                    self._add(source, (section, index, field_name), message, hint, field_name=field_name)
                start, end = parsed.get("effective_from"), parsed.get("ended_on")
                if start and end and end < start:
                    self._add(
                        source,
                        (section, index, "ended_on"),
                        f"ended_on {end} is before effective_from {start}.",
                        "Swap or correct the dates.",
                        field_name="ended_on",
                    )

    def _parse_date(self, source: SourceFile, path: JsonPath, value: str) -> date | None:
        try:
            return date.fromisoformat(value)
        except ValueError as error:
            self._add(
                source,
                path,
                f"'{value}' is not a real date ({error}).",
                "Write an existing calendar date as YYYY-MM-DD.",
                field_name=str(path[-1]),
            )
            return None

    def _add(
        self, source: SourceFile, path: JsonPath, message: str, hint: str, *, field_name: str | None = None
    ) -> None:
        self.problems.append(source.problem(path, message, hint, field_name=field_name))
