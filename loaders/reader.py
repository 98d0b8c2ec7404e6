"""Read one article-fact or registry YAML file safely, keeping line numbers.

The reader refuses what would make a load slow, ambiguous or unsafe: files
over a size limit, bytes that are not UTF-8, YAML aliases (which can expand
exponentially), duplicate keys (which YAML would silently overwrite) and
implicit timestamps (dates stay strings so that impossible dates get a clear
message instead of a parser crash).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ceasefire_kg.errors import Problem

logger = logging.getLogger(__name__)

#: Largest fact file accepted, in bytes. A real article's facts fit in a few
#: dozen kilobytes; anything this size is almost certainly not a fact file.
MAX_FILE_BYTES = 4 * 1024 * 1024

JsonPath = tuple[str | int, ...]


class _ReadError(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


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


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader without aliases and without implicit timestamps."""

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if self.check_event(AliasEvent):
            event = self.peek_event()
            raise _AliasRefused(event.start_mark.line + 1)
        return Composer.compose_node(self, parent, index)


class _AliasRefused(Exception):
    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


# Dates stay strings: the checks parse them and explain what is wrong.
_StrictLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_source(path: Path, max_bytes: int = MAX_FILE_BYTES) -> SourceFile:
    """Parse a fact or registry file into data plus a line map.

    Args:
        path: File to read.
        max_bytes: Refuse files larger than this.

    Returns:
        The parsed file.

    Raises:
        _ReadError: Wrapped as a :class:`Problem` by :func:`read_sources`.
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
    raw = path.read_bytes()
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
    loader = _StrictLoader(text)
    try:
        root = loader.get_single_node()
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
        problem = (error.problem or error.context or "invalid YAML").strip()
        raise _ReadError(
            Problem(
                name,
                f"YAML syntax error: {problem}.",
                "Check indentation, colons and quotes on this line or the one above.",
                line=mark.line + 1 if mark else None,
            )
        ) from error
    except yaml.YAMLError as error:
        raise _ReadError(Problem(name, f"YAML error: {error}.", "Fix the YAML syntax.")) from error
    finally:
        loader.dispose()
    if root is None:
        raise _ReadError(
            Problem(name, "the file is empty.", "Write the article's facts, starting with an 'article:' section.", line=1)
        )
    source = SourceFile(path=path, data=None)
    source.data = _to_python(root, (), source, _StrictLoader(""))
    return source


def _to_python(node: Node, path: JsonPath, source: SourceFile, constructor: yaml.SafeLoader) -> Any:
    source.lines[path] = node.start_mark.line + 1
    if isinstance(node, MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = constructor.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                raise _ReadError(
                    Problem(
                        source.name,
                        f"keys must be text, not {type(key).__name__} {key!r}.",
                        "Quote the key or correct it.",
                        line=key_node.start_mark.line + 1,
                    )
                )
            if key in result:
                raise _ReadError(
                    Problem(
                        source.name,
                        f"the key '{key}' appears twice in the same mapping.",
                        "Keep one of them; YAML would silently drop the other.",
                        line=key_node.start_mark.line + 1,
                        field=key,
                    )
                )
            result[key] = _to_python(value_node, (*path, key), source, constructor)
            # A nested mapping or list starts on the next line; point at its key.
            source.lines[(*path, key)] = key_node.start_mark.line + 1
        return result
    if isinstance(node, SequenceNode):
        return [_to_python(item, (*path, index), source, constructor) for index, item in enumerate(node.value)]
    assert isinstance(node, ScalarNode)
    return constructor.construct_object(node, deep=True)


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
            problems.append(error.problem)
    return sources, problems
