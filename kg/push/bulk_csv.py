"""The property graph of a whole store, as the CSV files of Neo4j's offline importer.

A bulk first push writes exactly what a Bolt push into an empty database
would (:mod:`.bulk_graph` builds it); :func:`write_csv` writes it in the
importer's format, with typed columns (``name:string``, ``graphs:string[]``,
``known:date``, ...).

Some values have no CSV spelling the importer reads back exactly: an empty
list (an empty field means "no property"), a list of one empty string, a
string holding a carriage return, a NUL or the array delimiter. They are left
out of the files and returned as *patches*, which the push writes over Bolt
once the server runs again. Values spanning lines go into files the importer
is told may hold multi-line fields.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from neo4j.time import Date

from ceasefire_kg.errors import SchemaDrift
from ceasefire_kg.mapping import RESOURCE_LABEL, URI_PROPERTY
from ceasefire_kg.progress import Progress
from ceasefire_kg.push.bookkeeping import META_ID, META_LABEL

#: Between the elements of an array value (and the labels of a node): a character text never holds.
ARRAY_DELIMITER = "\x1f"
#: The stage writing the files reports its progress under.
CSV_STAGE = "Writing CSV files"

_ID_SPACE = "Resource"
_META_SPACE = "CkgMeta"
_SAFE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_UNSAFE_TEXT = ("\r", "\x00", ARRAY_DELIMITER)

#: (start uri, type, end uri) of a relationship.
RelationshipKey = tuple[str, str, str]


@dataclass
class PropertyGraph:
    """The nodes and relationships a push writes, with the bookkeeping of every graph."""

    #: uri -> (labels but Resource, properties); an object-only node has only uri and name.
    nodes: dict[str, tuple[set[str], dict[str, Any]]] = field(default_factory=dict)
    #: (start, type, end) -> properties.
    relationships: dict[RelationshipKey, dict[str, Any]] = field(default_factory=dict)
    #: The ``:CkgGraph`` rows: iri, hash, content, triples.
    graphs: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class CsvFiles:
    """What :func:`write_csv` wrote, and what it could not."""

    folder: Path
    nodes: list[list[str]] = field(default_factory=list)
    relationships: list[list[str]] = field(default_factory=list)
    multiline: list[str] = field(default_factory=list)
    node_count: int = 0
    relationship_count: int = 0
    #: uri -> properties to set over Bolt after the import.
    node_patches: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: (start, type, end) -> properties to set over Bolt after the import.
    relationship_patches: dict[RelationshipKey, dict[str, Any]] = field(default_factory=dict)


# --- values in CSV ------------------------------------------------------------------------


def _scalar_type(value: Any) -> str | None:
    """The importer's type of a value that it reads back exactly; None when it would not."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "long"
    if isinstance(value, float):
        return "double" if math.isfinite(value) else None
    if isinstance(value, str):
        return None if any(bad in value for bad in _UNSAFE_TEXT) else "string"
    if isinstance(value, (Date, datetime.date)) and not isinstance(value, datetime.datetime):
        return "date" if 1 <= value.year <= 9999 else None
    return None


def csv_type(value: Any) -> str | None:
    """The importer's column type for a property value, or None when CSV cannot carry it exactly.

    A list must be non-empty, of one type, and not a single empty string
    (which reads back as no property).
    """
    if isinstance(value, list):
        if not value or value == [""]:
            return None
        kinds = {_scalar_type(element) for element in value}
        if len(kinds) != 1 or None in kinds:
            return None
        return f"{kinds.pop()}[]"
    return _scalar_type(value)


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _field(value: Any, kind: str) -> str:
    """One CSV field of a value whose type :func:`csv_type` gave."""
    if kind.endswith("[]"):
        element = kind[:-2]
        text = ARRAY_DELIMITER.join(_field(v, element) if element != "string" else v for v in value)
        return _quoted(text) if element == "string" else text
    if kind == "string":
        return _quoted(value)
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "double":
        return repr(value)
    if kind == "date":
        return value.isoformat() if isinstance(value, datetime.date) else str(value.iso_format())
    return str(value)


def _multiline(value: Any) -> bool:
    if isinstance(value, str):
        return "\n" in value
    return isinstance(value, list) and any(isinstance(v, str) and "\n" in v for v in value)


# --- files ----------------------------------------------------------------------------------


@dataclass
class _Group:
    """Rows that share one header: no property name has two types among them."""

    columns: dict[str, str]
    multiline: bool
    #: (leading cells, property name -> its CSV field).
    rows: list[tuple[list[str], dict[str, str]]] = field(default_factory=list)

    def fits(self, typed: dict[str, str], multiline: bool) -> bool:
        return self.multiline == multiline and all(self.columns.get(name, kind) == kind for name, kind in typed.items())


#: A value's column type, CSV field and whether it spans lines; None when CSV cannot carry it.
_Encoded = tuple[str, str, bool] | None


class _Grouper:
    """Encodes rows and sorts them into as few header groups as their column types allow."""

    def __init__(self) -> None:
        self.groups: list[_Group] = []
        self.names: set[str] = set()
        # Most lists are provenance lists that many rows share (one object per set of graphs).
        self.lists: dict[int, tuple[list[Any], _Encoded]] = {}

    def encode(self, value: Any) -> _Encoded:
        if isinstance(value, list):
            cached = self.lists.get(id(value))
            if cached is not None and cached[0] is value:
                return cached[1]
        kind = csv_type(value)
        encoded = None if kind is None else (kind, _field(value, kind), _multiline(value))
        if isinstance(value, list):
            self.lists[id(value)] = (value, encoded)
        return encoded

    def add(self, lead: list[str], props: dict[str, Any], patch: dict[str, Any]) -> None:
        typed: dict[str, str] = {}
        cells: dict[str, str] = {}
        multiline = False
        for name, value in props.items():
            encoded = self.encode(value)
            if encoded is None:
                patch[name] = value
                continue
            if name not in self.names:
                if not _SAFE_NAME.fullmatch(name):
                    raise SchemaDrift(f"The property name {name!r} cannot head a column of the importer's CSV files.")
                self.names.add(name)
            typed[name], cells[name] = encoded[0], encoded[1]
            multiline = multiline or encoded[2]
        for group in self.groups:
            if group.fits(typed, multiline):
                break
        else:
            group = _Group({}, multiline)
            self.groups.append(group)
        group.columns.update(typed)
        group.rows.append((lead, cells))


def write_csv(graph: PropertyGraph, folder: Path, progress: Progress) -> CsvFiles:
    """Write the property graph as the importer's CSV files (with the ``:CkgMeta`` node of a push under way).

    Args:
        graph: What to write.
        folder: An empty folder for the files.
        progress: Called with (:data:`CSV_STAGE`, rows written, rows in all).
    """
    files = CsvFiles(folder)
    nodes, relationships = _Grouper(), _Grouper()
    for uri, (labels, props) in graph.nodes.items():
        patch: dict[str, Any] = {}
        rest = {name: value for name, value in props.items() if name != URI_PROPERTY}
        nodes.add([_quoted(uri), _quoted(ARRAY_DELIMITER.join(sorted({RESOURCE_LABEL, *labels})))], rest, patch)
        if patch:
            files.node_patches[uri] = patch
    for key, props in graph.relationships.items():
        patch = {}
        start, rel_type, end = key
        relationships.add([_quoted(start), _quoted(end), _quoted(rel_type)], props, patch)
        if patch:
            files.relationship_patches[key] = patch
    total = len(graph.nodes) + len(graph.relationships)
    done = 0
    progress(CSV_STAGE, 0, total)
    heads = {
        "nodes": [f"{URI_PROPERTY}:ID({_ID_SPACE})", ":LABEL"],
        "relationships": [f":START_ID({_ID_SPACE})", f":END_ID({_ID_SPACE})", ":TYPE"],
    }
    for kind, grouper, groups_out in (
        ("nodes", nodes, files.nodes),
        ("relationships", relationships, files.relationships),
    ):
        for number, group in enumerate(grouper.groups, start=1):
            names = list(group.columns)
            header = f"{kind}-{number}-header.csv"
            data = f"{kind}-{number}.csv"
            (folder / header).write_text(
                ",".join([*heads[kind], *(f"{n}:{group.columns[n]}" for n in names)]) + "\n", encoding="utf-8"
            )
            with open(folder / data, "w", encoding="utf-8", newline="") as out:
                for lead, cells in group.rows:
                    out.write(",".join([*lead, *(cells.get(n, "") for n in names)]) + "\n")
                    done += 1
                    if done % 50_000 == 0:
                        progress(CSV_STAGE, done, total)
            groups_out.append([header, data])
            if group.multiline:
                files.multiline.append(data)
    files.node_count, files.relationship_count = len(graph.nodes), len(graph.relationships)
    _write_meta(folder, files)
    progress(CSV_STAGE, total, total)
    return files


def _write_meta(folder: Path, files: CsvFiles) -> None:
    """The ``:CkgMeta`` node, marked as a rebuild under way until the push has recorded its state."""
    (folder / "meta-header.csv").write_text(
        f"id:ID({_META_SPACE}),:LABEL,revision:long,rebuilding:boolean\n", encoding="utf-8"
    )
    (folder / "meta.csv").write_text(f"{_quoted(META_ID)},{META_LABEL},0,true\n", encoding="utf-8")
    files.nodes.append(["meta-header.csv", "meta.csv"])


def patch_rows(patches: Iterable[tuple[Any, dict[str, Any]]]) -> list[dict[str, Any]]:
    """Bolt rows for the patches: ``{uri, props}`` for nodes, ``{s, t, o, props}`` for relationships."""
    rows: list[dict[str, Any]] = []
    for key, props in patches:
        if isinstance(key, tuple):
            rows.append({"s": key[0], "t": key[1], "o": key[2], "props": props})
        else:
            rows.append({"uri": key, "props": props})
    return rows
