"""Read one article-fact or registry YAML file safely, keeping line numbers.

The reader refuses what would make a load slow, ambiguous or unsafe: files
over a size limit, bytes that are not UTF-8, YAML aliases (which can expand
exponentially), duplicate keys (which YAML would silently overwrite), explicit
tags other than the plain YAML types, and implicit timestamps (dates stay
strings so that impossible dates get a clear message instead of a parser crash).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
import yaml.reader
from yaml.composer import Composer
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ceasefire_kg.errors import Problem

logger = logging.getLogger(__name__)

#: Largest fact file accepted, in bytes. A real article's facts fit in a few
#: dozen kilobytes; anything this size is almost certainly not a fact file.
MAX_FILE_BYTES = 4 * 1024 * 1024

#: The suffixes of fact and registry files.
FACT_FILE_SUFFIXES = (".yaml", ".yml")

#: Deepest nesting of lists and mappings a fact file may have. The format needs about 5
#: (article, section, fact, field, list); a limit far below Python's recursion limit keeps
#: a pathological file from crashing the reader.
MAX_NESTING = 20

JsonPath = tuple[str | int, ...]

#: Sections of an article file that hold things with ids, and the kind of each
#: (a registry file has an ``actors`` section too).
SECTION_KINDS: dict[str, str] = {
    "actors": "actor",
    "scopes": "scope",
    "proposals": "proposal",
    "demands": "demand",
    "positions": "position",
    "claims": "claim",
    "events": "event",
    "responses": "response",
}

_YAML_TAG = "tag:yaml.org,2002:"
#: The only tags a fact file may use (all of them implicit in plain YAML).
_PLAIN_TAGS = frozenset(_YAML_TAG + name for name in ("str", "int", "float", "bool", "null", "seq", "map"))


class _ReadError(Exception):
    def __init__(self, *problems: Problem) -> None:
        super().__init__(problems[0].message)
        self.problems = list(problems)


def fact_label(data: Any, path: JsonPath) -> str | None:
    """Name the fact that the value at ``path`` belongs to, for messages.

    Args:
        data: A file's parsed content.
        path: Where the value is in ``data``.

    Returns:
        ``kind 'id'`` (for example ``demand 'x'``), ``kind #n`` for an entry
        without a usable id, ``article 'id'`` for the article section, or None
        when the value is not part of a fact.
    """
    if not isinstance(data, dict) or not path:
        return None
    if len(path) >= 2 and path[0] in SECTION_KINDS and isinstance(path[1], int):
        entries = data.get(path[0])
        entry = entries[path[1]] if isinstance(entries, list) and path[1] < len(entries) else None
        fact_id = entry.get("id") if isinstance(entry, dict) else None
        kind = SECTION_KINDS[str(path[0])]
        return f"{kind} '{fact_id}'" if isinstance(fact_id, str) else f"{kind} #{path[1] + 1}"
    if path[0] == "article":
        article = data.get("article")
        article_id = article.get("id") if isinstance(article, dict) else None
        return f"article '{article_id}'" if isinstance(article_id, str) else "article"
    return None


@dataclass
class SourceFile:
    """A parsed YAML file and where each value came from.

    Attributes:
        path: The file as the user named it (used in messages).
        data: The parsed content.
        lines: 1-based line of each value, by its path in ``data``.
    """

    path: Path
    data: Any
    lines: dict[JsonPath, int] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The file name as shown in messages."""
        return str(self.path)

    def line_of(self, path: JsonPath) -> int | None:
        """Return the line of the value at ``path``, or of its nearest parent."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:end]))
            if line is not None:
                return line
        return None

    def problem(self, path: JsonPath, message: str, hint: str, *, field_name: str | None = None) -> Problem:
        """A problem with the value at ``path``, located by its line and the fact it belongs to."""
        return Problem(
            self.name, message, hint, line=self.line_of(path), fact=fact_label(self.data, path), field=field_name
        )


def is_file(path: Path) -> bool:
    """Whether ``path`` is a file; False, not an error, for a path the system cannot even look up (too long)."""
    try:
        return path.is_file()
    except OSError:
        return False


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader without aliases and without implicit timestamps."""

    depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if self.check_event(AliasEvent):
            event = self.peek_event()
            raise _AliasRefused(event.start_mark.line + 1)
        self.depth += 1
        try:
            if self.depth > MAX_NESTING:
                raise _TooDeep(self.peek_event().start_mark.line + 1)
            return Composer.compose_node(self, parent, index)
        finally:
            self.depth -= 1


class _TooDeep(Exception):
    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


def _too_deep(name: str, line: int) -> Problem:
    return Problem(
        name,
        f"lists and mappings are nested more than {MAX_NESTING} levels deep here.",
        "Fact files nest a few levels only (article, section, fact, field, list): check the brackets and indentation.",
        line=line,
    )


class _AliasRefused(Exception):
    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


# Dates stay strings: the checks parse them and explain what is wrong.
_StrictLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _SharedNode(Exception):
    """libyaml composed an alias: one node object reached twice."""


_FastLoader: type | None = None
if getattr(yaml, "__with_libyaml__", False):

    class _LibyamlLoader(yaml.CSafeLoader):
        """Composes with libyaml (C), resolving tags with the strict loader's resolvers.

        It yields the same node trees as :class:`_StrictLoader` for the files
        that loader accepts, several times faster. It cannot refuse an alias
        while composing, but composes one as the very node of its anchor, so
        nothing is expanded and the converter notices the node coming back.
        """

    _LibyamlLoader.yaml_implicit_resolvers = _StrictLoader.yaml_implicit_resolvers
    _FastLoader = _LibyamlLoader


def read_source(path: Path, max_bytes: int = MAX_FILE_BYTES) -> SourceFile:
    """Parse a fact or registry file into data plus a line map.

    Args:
        path: File to read.
        max_bytes: Refuse files larger than this.

    Returns:
        The parsed file.

    Raises:
        _ReadError: Turned into :class:`Problem` objects by :func:`read_sources`.
    """
    name = str(path)
    try:
        size = path.stat().st_size
    except OSError as error:
        raise _ReadError(Problem(name, f"cannot read the file: {error.strerror}.", "Check the path.")) from error
    if size > max_bytes:
        raise _ReadError(
            Problem(
                name,
                f"the file is {size:,} bytes, over the limit of {max_bytes:,} bytes.",
                "Split the article's facts or check that this is a fact file.",
            )
        )
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise _ReadError(
            Problem(name, f"cannot read the file: {error.strerror}.", "Check the path and that the file is readable.")
        ) from error
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise _ReadError(
            Problem(
                name,
                f"byte 0x{raw[error.start]:02x} at offset {error.start} is not valid UTF-8.",
                "Save the file as UTF-8.",
                line=line,
            )
        ) from error
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\x00" in text:
        # Valid UTF-8, but no text file holds NUL: UTF-16 without its byte-order mark, or binary data.
        raise _ReadError(
            Problem(
                name,
                "the file holds NUL bytes: it is not UTF-8 text (UTF-16 without a byte-order mark, or binary data).",
                "Save the file as UTF-8.",
                line=text[: text.index("\x00")].count("\n") + 1,
            )
        )
    # libyaml for the files that are fine; anything it would refuse (and any
    # alias) is read again by the pure-Python loader, whose messages the
    # problems report, so both give the same result.
    if _FastLoader is not None and not _NON_PRINTABLE.search(text):
        loader = _FastLoader(text)
        try:
            root = loader.get_single_node()
        except yaml.YAMLError:
            pass
        else:
            try:
                return _to_source(path, root)
            except _SharedNode:
                pass
        finally:
            loader.dispose()
    return _to_source(path, _compose_strictly(name, text))


def _compose_strictly(name: str, text: str) -> Node | None:
    loader: _StrictLoader | None = None
    try:
        # The constructor already checks for characters YAML does not allow.
        loader = _StrictLoader(text)
        return loader.get_single_node()
    except _TooDeep as deep:
        raise _ReadError(_too_deep(name, deep.line)) from deep
    except _AliasRefused as refused:
        raise _ReadError(
            Problem(
                name,
                "YAML aliases (*name) are not allowed in fact files.",
                "Write the value out in full instead of referring to an anchor.",
                line=refused.line,
            )
        ) from refused
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        if error.context == "expected a single document in the stream":
            raise _ReadError(
                Problem(
                    name,
                    "a second YAML document starts here ('---'); a fact file holds one document.",
                    "Remove the '---' line, or move the second document into a file of its own.",
                    line=line,
                )
            ) from error
        problem = (error.problem or error.context or "invalid YAML").strip()
        hint = "Check indentation, colons and quotes on this line or the one above."
        if "'\\t'" in problem:
            hint = "Indent with spaces: YAML does not allow tabs for indentation."
        raise _ReadError(Problem(name, f"YAML syntax error: {problem}.", hint, line=line)) from error
    except yaml.reader.ReaderError as error:
        line = text[: error.position].count("\n") + 1
        character = error.character if isinstance(error.character, str) else chr(error.character)
        raise _ReadError(
            Problem(
                name,
                f"the character U+{ord(character):04X} is not allowed in a YAML file.",
                "Remove it; to put a control character in a value, write it as an escape (\\x1b) in double quotes.",
                line=line,
            )
        ) from error
    except yaml.YAMLError as error:
        raise _ReadError(Problem(name, f"YAML error: {error}.", "Fix the YAML syntax.")) from error
    finally:
        if loader is not None:
            loader.dispose()


def _to_source(path: Path, root: Node | None) -> SourceFile:
    name = str(path)
    if root is None:
        raise _ReadError(
            Problem(
                name, "the file is empty.", "Write the article's facts, starting with an 'article:' section.", line=1
            )
        )
    source = SourceFile(path=path, data=None)
    converter = _Converter(source)
    source.data = converter.convert(root, ())
    if converter.pending:
        raise _ReadError(
            *(
                Problem(name, message, hint, line=line, fact=fact_label(source.data, at), field=field_name)
                for at, message, hint, line, field_name in converter.pending
            )
        )
    return source


_SURROGATE = re.compile("[\ud800-\udfff]")
_STR_TAG = _YAML_TAG + "str"
#: The constructors of the plain scalar tags, none of which keeps state between values.
_SCALAR_CONSTRUCTORS = {
    _YAML_TAG + name: _StrictLoader.yaml_constructors[_YAML_TAG + name] for name in ("int", "float", "bool", "null")
}

#: What PyYAML's reader refuses as non-printable; libyaml's checks differ.
_NON_PRINTABLE = yaml.reader.Reader.NON_PRINTABLE


@cache
def _constructor() -> _StrictLoader:
    # Builds scalars only (construct_object keeps no state between them).
    return _StrictLoader("")


class _Converter:
    """Turn a composed YAML tree into Python data, noting every line on the way.

    Problems (duplicate keys, keys that are not text, tags) are collected in
    ``pending`` rather than raised, so that a file's problems are all reported
    at once and each can name its fact once the whole file is known.
    """

    def __init__(self, source: SourceFile) -> None:
        self.source = source
        self.constructor = _constructor()
        self._seen: set[int] = set()
        #: (path, message, hint, line, field) of each problem found.
        self.pending: list[tuple[JsonPath, str, str, int, str | None]] = []

    def convert(self, node: Node, path: JsonPath) -> Any:
        if id(node) in self._seen:
            raise _SharedNode
        self._seen.add(id(node))
        line = node.start_mark.line + 1
        self.source.lines[path] = line
        if len(path) >= MAX_NESTING:
            # libyaml composes deeper trees than the strict loader allows; stop before recursing further.
            raise _ReadError(_too_deep(self.source.name, line))
        if node.tag not in _PLAIN_TAGS:
            self._refuse_tag(node, path, _field_of(path))
            return None
        if isinstance(node, MappingNode):
            return self._mapping(node, path)
        if isinstance(node, SequenceNode):
            return [self.convert(item, (*path, index)) for index, item in enumerate(node.value)]
        assert isinstance(node, ScalarNode)
        return self._scalar(node, path)

    def _scalar(self, node: ScalarNode, path: JsonPath, *, key: bool = False) -> Any:
        """The value of a scalar (``key``: a mapping's key at ``path``, which belongs to no field)."""
        value = node.value
        # Surrogates are not ASCII: most values need no search.
        surrogate = _SURROGATE.search(value) if isinstance(value, str) and not value.isascii() else None
        if surrogate is not None:
            # A "\ud800" escape: YAML reads it, but it is half of a UTF-16 pair, not a character.
            self.pending.append(
                (
                    path,
                    f"the escape \\u{ord(surrogate[0]):04x} is half of a UTF-16 surrogate pair, not a character.",
                    "Write the character itself, or its \\U0001XXXX escape.",
                    node.start_mark.line + 1,
                    None if key else _field_of(path),
                )
            )
            return None
        if node.tag == _STR_TAG:
            return value  # What the constructor would return, without its bookkeeping.
        scalar = _SCALAR_CONSTRUCTORS.get(node.tag)
        try:
            if scalar is not None:
                # Directly: construct_object would also keep every node it built (for aliases),
                # every file's, for as long as the shared constructor lives.
                return scalar(self.constructor, node)
            return self.constructor.construct_object(node, deep=True)  # !!seq or !!map on a scalar: refused
        except (yaml.YAMLError, ValueError, KeyError, TypeError, AttributeError):
            # Only an explicit tag (!!int abc) gets here: plain values resolve to a tag that fits.
            tag = node.tag.replace(_YAML_TAG, "!!")
            self.pending.append(
                (
                    path,
                    f"the value '{node.value}' cannot be read as {tag}.",
                    f"Remove the tag '{tag}' or correct the value.",
                    node.start_mark.line + 1,
                    None if key else _field_of(path),
                )
            )
            return None

    def _mapping(self, node: MappingNode, path: JsonPath) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if key_node.tag not in _PLAIN_TAGS:
                self._refuse_tag(key_node, path, None)
                continue
            key = self._scalar(key_node, path, key=True) if isinstance(key_node, ScalarNode) else key_node
            if not isinstance(key, str):
                if isinstance(key_node, ScalarNode):
                    message = f"the key '{key_node.value}' is read as {_yaml_type(key)}, not text."
                    hint = f'Quote the key ("{key_node.value}":) or correct it.'
                else:
                    message, hint = f"a key must be text, not {_yaml_type(key)}.", "Write a plain field name."
                self.pending.append((path, message, hint, line, None))
                continue
            if key in result:
                self.pending.append(
                    (
                        (*path, key),
                        f"the key '{key}' appears twice in the same mapping (first on line {first_line[key]}).",
                        "Keep one of them; YAML would silently keep only the last one.",
                        line,
                        key,
                    )
                )
                continue
            first_line[key] = line
            result[key] = self.convert(value_node, (*path, key))
            # A nested mapping or list starts on the next line; point at its key.
            self.source.lines[(*path, key)] = line
        return result

    def _refuse_tag(self, node: Node, path: JsonPath, field_name: str | None) -> None:
        line = node.start_mark.line + 1
        if node.tag == _YAML_TAG + "merge":
            self.pending.append(
                (
                    path,
                    "YAML merge keys ('<<') are not allowed in fact files.",
                    "Write each field out in full.",
                    line,
                    None,
                )
            )
            return
        tag = node.tag.replace(_YAML_TAG, "!!")
        self.pending.append(
            (
                path,
                f"the YAML tag '{tag}' is not allowed in fact files.",
                "Remove the tag and write a plain value.",
                line,
                field_name,
            )
        )


def _field_of(path: JsonPath) -> str | None:
    """The field a value at ``path`` belongs to: its last key."""
    return next((part for part in reversed(path) if isinstance(part, str)), None)


def _yaml_type(value: object) -> str:
    if isinstance(value, MappingNode):
        return "a mapping"
    if isinstance(value, SequenceNode):
        return "a list"
    return {bool: "true/false", int: "a number", float: "a number", type(None): "empty"}.get(
        type(value), type(value).__name__
    )


def read_sources(paths: list[Path], max_bytes: int = MAX_FILE_BYTES) -> tuple[list[SourceFile], list[Problem]]:
    """Read many files, collecting every problem instead of stopping at the first.

    Args:
        paths: Files to read.
        max_bytes: Refuse files larger than this.

    Returns:
        The files that parsed, and the problems of those that did not.
    """
    sources: list[SourceFile] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            sources.append(read_source(path, max_bytes))
        except _ReadError as error:
            problems.extend(error.problems)
    return sources, problems


def find_fact_files(paths: Iterable[Path]) -> tuple[list[Path], list[Problem]]:
    """Expand files and folders into the YAML files to read, in a stable order.

    Args:
        paths: Files or folders as the user gave them.

    Returns:
        The files, and a problem for each path that does not exist or holds no YAML.
    """
    files: list[Path] = []
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix in FACT_FILE_SUFFIXES and p.is_file())
            if not found:
                problems.append(
                    Problem(
                        str(path),
                        "the folder holds no .yaml or .yml files.",
                        "Point at fact files or a folder of them.",
                    )
                )
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            problems.append(Problem(str(path), "no such file or folder.", "Check the path."))
    unique: dict[Path, Path] = {}
    for file in files:
        unique.setdefault(file.resolve(), file)
    return list(unique.values()), problems
