"""Answers as text for the terminal and for programs: tables that fit the screen, JSON, CSV."""

from __future__ import annotations

import csv
import io
import json
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

from ceasefire_kg.defaults import LIST_JOINER
from ceasefire_kg.wording import counted

if TYPE_CHECKING:
    from ceasefire_kg.saved_queries import QueryResult, SavedQuery

#: The output formats, by the name users type.
OUTPUT_FORMATS = ("table", "json", "csv")


class Rows(Protocol):
    """What the formatters read: a saved query's result, or any other table of rows."""

    @property
    def columns(self) -> tuple[str, ...]: ...

    @property
    def rows(self) -> list[tuple[Any, ...]]: ...

    def records(self) -> list[dict[str, Any]]: ...


def format_result(result: Rows, output_format: str, width: int = 120) -> str:
    """Render a result as ``table``, ``json`` or ``csv`` text.

    Args:
        result: The result.
        output_format: One of :data:`OUTPUT_FORMATS`.
        width: The terminal width, for ``table``.
    """
    if output_format == "json":
        return format_json(result)
    if output_format == "csv":
        return format_csv(result)
    return format_table(result, width)


def format_json(result: Rows) -> str:
    """A JSON array with one object per row, keys in column order."""
    return json.dumps(result.records(), ensure_ascii=False, indent=2) + "\n"


def format_csv(result: Rows) -> str:
    """CSV with a header row; lists joined with ``"; "``, booleans ``true``/``false``, unset values empty."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(result.columns)
    for row in result.rows:
        writer.writerow([_cell_text(value, csv_style=True) for value in row])
    return buffer.getvalue()


def format_table(result: Rows, width: int = 120) -> str:
    """A plain-text table that fits ``width`` columns, wrapping long cells at spaces.

    When a cell wraps, rows are separated by an empty line so that each row
    stays readable. When even that does not fit, each row is shown as a block
    of ``column: value`` lines instead.
    """
    headers = list(result.columns)
    cells = [[_cell_text(value) for value in row] for row in result.rows]
    natural = [max([len(header), *(len(row[index]) for row in cells)]) for index, header in enumerate(headers)]
    # Wrap at spaces first (never narrower than a column's longest word, up to
    # 40 characters); past that, show one block of lines per row.
    longest_word = [
        max([len(header), *(len(word) for row in cells for word in row[index].split())])
        for index, header in enumerate(headers)
    ]
    available = width - 2 * (len(headers) - 1)
    widths = _fit_widths(natural, [min(size, 40) for size in longest_word], available)
    if sum(widths) > available:
        # Too narrow for columns without breaking words: one block of "column: value" lines per row.
        return _format_records(headers, cells, width)
    lines = _table_lines(headers, widths)
    lines.append("  ".join("-" * size for size in widths).rstrip())
    spaced = any(len(_wrap(text, size)) > 1 for row in cells for text, size in zip(row, widths))
    for number, row in enumerate(cells):
        if spaced and number:
            lines.append("")
        lines.extend(_table_lines(row, widths))
    return "\n".join(lines) + "\n"


def _format_records(headers: Sequence[str], cells: Sequence[Sequence[str]], width: int) -> str:
    label_width = max(len(header) for header in headers) + 2
    value_width = max(20, width - label_width)
    lines: list[str] = []
    for number, row in enumerate(cells):
        if number:
            lines.append("")
        for header, text in zip(headers, row):
            wrapped = _wrap(text, value_width)
            lines.append(f"{header + ':':<{label_width}}{wrapped[0]}".rstrip())
            lines.extend(" " * label_width + more for more in wrapped[1:])
    return "\n".join(lines) + "\n" if lines else "(no rows)\n"


def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=False) or [""]


def _table_lines(texts: Sequence[str], widths: Sequence[int]) -> list[str]:
    """One table row, its cells wrapped to their column widths, as lines."""
    cells = [_wrap(text, size) for text, size in zip(texts, widths)]
    return [
        "  ".join(
            (cell[number] if number < len(cell) else "").ljust(size) for cell, size in zip(cells, widths)
        ).rstrip()
        for number in range(max(len(cell) for cell in cells))
    ]


def _fit_widths(natural: list[int], minimum: list[int], available: int) -> list[int]:
    """Shrink the widest columns first until the sum fits ``available`` (or every column is at its minimum)."""
    widths = list(natural)
    minimum = [min(low, high) for low, high in zip(minimum, natural)]
    while sum(widths) > available:
        candidates = [index for index, size in enumerate(widths) if size > minimum[index]]
        if not candidates:
            break
        widest = max(candidates, key=lambda index: widths[index])
        widths[widest] -= 1
    return widths


def _cell_text(value: Any, csv_style: bool = False) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return ("true" if value else "false") if csv_style else ("yes" if value else "no")
    if isinstance(value, list):
        return LIST_JOINER.join(str(item) for item in value)
    return " ".join(str(value).split()) if not csv_style else str(value)


def describe_page(result: QueryResult) -> str:
    """One line for stderr after an answer: how many rows, and how to see the others when it is a page."""
    count, first = len(result.rows), result.offset + 1
    if result.more:
        return (
            f"Rows {first}–{result.offset + count} shown; more follow. "
            f"Next page: --offset {result.offset + count}; every row: --all."
        )
    if result.offset == 0:
        return f"{counted(count, 'row')}."
    if count == 0:
        return f"No rows from row {first} on: the answer is shorter. Try a smaller --offset."
    return f"Rows {first}–{result.offset + count} of {result.offset + count}."


def describe_query(query: SavedQuery) -> str:
    """A query's name, title, description, parameters and columns, for ``ckg queries NAME``."""
    lines = [f"{query.name}: {query.title}"]
    if query.description:
        lines += ["", *textwrap.wrap(query.description, 88)]
    lines += ["", "Parameters:" if query.parameters else "Parameters: none"]
    for parameter in query.parameters:
        lines.append(f"  -p {parameter.signature}")
        if parameter.description:
            lines += textwrap.wrap(parameter.description, 84, initial_indent="      ", subsequent_indent="      ")
    if query.examples:
        lines += ["", "Examples:"]
        for example in query.examples:
            lines.append(
                f"  ckg query {query.name} {example.options}"
                + (f"  ({example.description})" if example.description else "")
            )
    lines += [
        "",
        "Columns: " + ", ".join(f"{c.name}" + (f" ({c.type})" if c.type != "string" else "") for c in query.columns),
    ]
    backends = [name for name, text in (("neo4j", query.cypher), ("local", query.sparql)) if text is not None]
    lines += [f"Backends: {', '.join(backends)}", f"Source: {query.source}"]
    return "\n".join(lines) + "\n"
